from django.urls import path  # noqa: F401

app_name = "ip_registry_api"

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = []
