from django.urls import path

from . import views

app_name = "rounding"

urlpatterns = [
    path("", views.visit_list, name="visits"),
    path("start/", views.visit_start, name="visit_start"),
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
