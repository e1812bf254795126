from django.urls import path  # noqa: F401

app_name = "projects"

# Pages, mounted under /a/<slug>/.
urlpatterns = []
