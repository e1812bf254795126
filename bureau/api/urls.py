from django.urls import path  # noqa: F401

app_name = "bureau_api"

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = []
