from django.urls import path

from bureau import views

app_name = "bureau"

# Mounted under /bureau/ (the bureau's own console) — alliance-side pages live in bureau/urls.py.
urlpatterns = [path("", views.ConsoleView.as_view(), name="console")]
