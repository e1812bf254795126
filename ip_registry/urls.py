from django.urls import path  # noqa: F401

app_name = "ip_registry"

# Pages, mounted under /a/<slug>/.
urlpatterns = []
