app_name = "api"

# The django-ninja API (api/api.py) is mounted here; its schema at /api/v1/openapi.json.
urlpatterns: list = []
