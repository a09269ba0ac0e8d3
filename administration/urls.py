from django.urls import path

from . import views

app_name = "administration"

urlpatterns = [
    path("", views.index, name="index"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_add, name="person_add"),
    path("people/<int:pk>/", views.person_edit, name="person"),
    path("people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/revoke/", views.person_revoke, name="person_revoke"),
    path("invite/", views.bulk_invite, name="bulk_invite"),
    path("schools/", views.schools, name="schools"),
    path("schools/<int:pk>/", views.school_edit, name="school"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_edit, name="team"),
    path("memberships/<int:pk>/", views.membership_edit, name="membership"),
    path("breaks/", views.breaks, name="breaks"),
    path("breaks/<int:pk>/", views.break_edit, name="break"),
    path("settings/", views.district_settings, name="settings"),
]
