from django.urls import path  # noqa: F401

app_name = "bureau_alliance"

# Alliance-side pages (the alliance's submissions), mounted under /a/<slug>/.
urlpatterns = []
