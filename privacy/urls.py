from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy_page, name="page"),
    path("rules/", views.rules_edit, name="rules"),
    path("my-data.zip", views.my_data, name="my_data"),
    path("people/<int:pk>/data.zip", views.person_data, name="person_data"),
    path("people/<int:pk>/erase/", views.erase, name="erase"),
    path("district-export/", views.export_ask, name="export_ask"),
    path("district-export/<int:pk>.zip", views.export_download, name="export_download"),
    path("district-deletion/", views.deletion_ask, name="deletion_ask"),
    path("district-deletion/cancel/", views.deletion_stop, name="deletion_cancel"),
]
