from django.urls import path

from .views import trends

app_name = "insights"

# The dashboard (insights/views/dashboard.py) and the trends pages (insights/views/trends.py).
urlpatterns: list = [
    path("themes/", trends.themes_page, name="themes"),
]
