from django.urls import path  # noqa: F401

app_name = "governance"

# Pages, mounted under /a/<slug>/.
urlpatterns = []
