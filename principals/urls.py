from django.urls import path

from . import views

app_name = "principals"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.check_in_detail, name="check_in"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/resolve/", views.agenda_resolve, name="agenda_resolve"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:item_pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/notes/", views.record, name="record"),
    path("<int:pk>/private-note/", views.private_note, name="private_note"),
    path("<int:pk>/problems/", views.problem_add, name="problem_add"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/move/", views.reschedule, name="reschedule"),
    path("pairs/new/", views.pair_new, name="pair_new"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("breaks/", views.breaks, name="breaks"),
    path("emerging/", views.emerging, name="emerging"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<slug:token>.ics", views.feed, name="feed"),
]
