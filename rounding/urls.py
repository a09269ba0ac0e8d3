from django.urls import path

from . import views

app_name = "rounding"

urlpatterns = [
    path("", views.visit_list, name="visits"),
    path("start/", views.visit_start, name="visit_start"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/conversations/", views.conversation_add, name="conversation_add"),
    path("visits/<int:pk>/celebrations/", views.celebration_add, name="celebration_add"),
    path("visits/<int:pk>/summary/", views.visit_summary, name="visit_summary"),
    path("visits/<int:pk>/roster/", views.roster_search, name="roster_search"),
    path("visits/<int:pk>/check-note/", views.note_check, name="note_check"),
    path(
        "conversations/<int:pk>/follow-up/",
        views.conversation_follow_up,
        name="conversation_follow_up",
    ),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up"),
    path("follow-ups/<int:pk>/edit/", views.follow_up_edit, name="follow_up_edit"),
    path("follow-ups/<int:pk>/remove/", views.follow_up_remove, name="follow_up_remove"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/remove/", views.visit_remove, name="visit_remove"),
    path("conversations/<int:pk>/edit/", views.conversation_edit, name="conversation_edit"),
    path("conversations/<int:pk>/remove/", views.conversation_remove, name="conversation_remove"),
    path("celebrations/<int:pk>/edit/", views.celebration_edit, name="celebration_edit"),
    path("celebrations/<int:pk>/remove/", views.celebration_remove, name="celebration_remove"),
    path("people/<int:pk>/", views.person_history, name="person"),
    path("my-school/", views.my_school, name="my_school"),
    path("stoplight/<int:pk>/", views.school_report, name="school"),
    path("briefing/<int:pk>/", views.briefing, name="briefing"),
    path("celebrations/school/<int:school_pk>/", views.celebrations, name="school_celebrations"),
    path("coverage/", views.coverage, name="coverage"),
    path("themes/", views.themes, name="themes"),
    path("celebrations/", views.celebrations, name="celebrations"),
    path(
        "celebrations/<int:pk>/acknowledge/",
        views.celebration_acknowledge,
        name="celebration_acknowledge",
    ),
]
