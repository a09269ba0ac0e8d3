from django.urls import path

from .views import trends

app_name = "insights"

# The dashboard (insights/views/dashboard.py) and the trends pages (insights/views/trends.py).
urlpatterns: list = [
    path("themes/", trends.themes_page, name="themes"),
    path("participation/", trends.participation_page, name="participation"),
    path("decision-health/", trends.health_page, name="health"),
]
