from django.urls import path  # noqa: F401

app_name = "membership"

# Pages, mounted under /a/<slug>/.
urlpatterns = []
