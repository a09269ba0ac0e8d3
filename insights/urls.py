app_name = "insights"

# The dashboard (insights/views/dashboard.py) and the trends pages (insights/views/trends.py).
urlpatterns: list = []
