from django.urls import path  # noqa: F401

app_name = "finance_api"

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = []
