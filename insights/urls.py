from django.urls import path

from .views import dashboard, trends

app_name = "insights"

# The dashboard (insights/views/dashboard.py) and the trends pages (insights/views/trends.py).
urlpatterns: list = [
    path("", dashboard.district_dashboard, name="dashboard"),
    path("export/<slug:table>.csv", dashboard.district_export, name="export"),
    path("schools/<int:pk>/", dashboard.school_dashboard, name="school"),
    path("schools/<int:pk>/export/<slug:table>.csv", dashboard.school_export, name="school_export"),
    path("themes/", trends.themes_page, name="themes"),
    path("participation/", trends.participation_page, name="participation"),
    path("decision-health/", trends.health_page, name="health"),
    path("decision-flow/", trends.flow_page, name="flow"),
    path("bottlenecks/", trends.bottlenecks_page, name="bottlenecks"),
    path("journey/", trends.journey_page, name="journey"),
    path("journey/report/", trends.journey_report, name="journey_report"),
    path("journey/milestones/<int:pk>/remove/", trends.milestone_remove, name="milestone_remove"),
]
