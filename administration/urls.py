from django.urls import path

from . import views

app_name = "administration"

# No segment repeats a main navigation address ("/people/", "/schools/", "/teams/"): the
# navigation marks a link as current when its address is part of the page's.
urlpatterns = [
    path("", views.index, name="index"),
    path("roster/", views.people, name="people"),
    path("roster/new/", views.person_add, name="person_add"),
    path("roster/<int:pk>/", views.person_edit, name="person"),
    path("roster/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("roster/<int:pk>/revoke/", views.person_revoke, name="person_revoke"),
    path("invite/", views.bulk_invite, name="bulk_invite"),
    path("roster/language/", views.people_language, name="people_language"),
    path("district-schools/", views.schools, name="schools"),
    path("district-schools/<int:pk>/", views.school_edit, name="school"),
    path("leadership-teams/", views.teams, name="teams"),
    path("leadership-teams/<int:pk>/", views.team_edit, name="team"),
    path("memberships/<int:pk>/", views.membership_edit, name="membership"),
    path("breaks/", views.breaks, name="breaks"),
    path("breaks/<int:pk>/", views.break_edit, name="break"),
    path("settings/", views.district_settings, name="settings"),
    path("roster-import/", views.roster_imports, name="roster_imports"),
    path("roster-import/<int:pk>/", views.roster_import, name="roster_import"),
    path("roster-import/<int:pk>/apply/", views.roster_import_apply, name="roster_import_apply"),
]
