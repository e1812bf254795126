from django.urls import path  # noqa: F401

app_name = "finance"

# Pages, mounted under /a/<slug>/.
urlpatterns = []
