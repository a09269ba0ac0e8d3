from django.urls import path

from . import views

app_name = "districts"

urlpatterns = [
    path("schools/", views.school_list, name="schools"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
    path("people/", views.people_list, name="people"),
    path("language/", views.language_choose, name="language"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("teams/", views.team_list, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("purpose/", views.purpose, name="purpose"),
    path("purpose/revise/", views.purpose_revise, name="purpose_revise"),
    path("schools/<int:school_pk>/purpose/", views.purpose, name="school_purpose"),
    path(
        "schools/<int:school_pk>/purpose/revise/",
        views.purpose_revise,
        name="school_purpose_revise",
    ),
    path("principles/new/", views.principle_create, name="principle_create"),
    path("principles/<int:pk>/", views.principle_detail, name="principle"),
    path("codes/", views.code_list, name="codes"),
    path("codes/new/", views.code_create, name="code_create"),
    path("codes/<int:pk>/", views.code_detail, name="code"),
    path("pick/<slug:source>/", views.picker_suggestions, name="picker"),
    path("admin-log/", views.audit_log, name="audit_log"),
]
