from django.urls import include, path

from . import views
from .api import api

# The token pages are `api:…`; the API keeps its own top-level namespace (`api-v1`), which
# django-ninja reverses to build its schema, so this module sets no app_name of its own.
token_patterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

urlpatterns = [
    path("", include((token_patterns, "api"))),
    # The schema stays at /api/v1/openapi.json.
    path("v1/", api.urls),
]
