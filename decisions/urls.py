from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("affects-me/", views.affects_me, name="affects_me"),
    path("my-input/", views.my_input, name="my_input"),
    path("principles/", views.principles_coverage, name="principles"),
    path("flagged/", views.flagged_list, name="flagged"),
    path("export.csv", views.export_csv, name="export"),
    path("rights/", views.rights_map, name="rights"),
    path("rights/add/", views.right_add, name="right_add"),
    path("rights/<int:pk>/remove/", views.right_remove, name="right_remove"),
    path("public/<slug:slug>/", views.public_list, name="public"),
    path("public/<slug:slug>/<int:pk>/", views.public_detail, name="public_detail"),
    path("new/", views.decision_create, name="create"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/edit/", views.decision_edit, name="edit"),
    path("<int:pk>/input/", views.input_give, name="input"),
    path("<int:pk>/input.csv", views.input_csv, name="input_csv"),
    path("<int:pk>/input/more/", views.input_page, name="input_page"),
    path("<int:pk>/input/<uuid:input_pk>/respond/", views.input_respond, name="respond"),
    path("<int:pk>/input/<uuid:input_pk>/resolve/", views.input_resolve, name="resolve"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/process/", views.process_change, name="process_change"),
    path("<int:pk>/open/", views.open_input, name="open"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/reflect/", views.reflect, name="reflect"),
    path("<int:pk>/move/", views.transition, name="move"),
    path("<int:pk>/stakeholders/", views.stakeholder_add, name="stakeholder_add"),
    path(
        "<int:pk>/stakeholders/<int:stakeholder_pk>/remove/",
        views.stakeholder_remove,
        name="stakeholder_remove",
    ),
    path("<int:pk>/principles/", views.principle_test, name="principle_test"),
    path("<int:pk>/supersede/", views.supersede, name="supersede"),
    path("<int:pk>/versions/<str:language>/", views.decision_version, name="version"),
]
