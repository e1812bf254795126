from django.urls import path  # noqa: F401

app_name = "bureau_api_console"

# The bureau's own API, mounted under /api/v1/bureau/.
urlpatterns = []
