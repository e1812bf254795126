from django.urls import path
from rest_framework.routers import SimpleRouter

from bureau.api import views

app_name = "bureau_api_console"

router = SimpleRouter()
router.register("submissions", views.BureauSubmissionViewSet, basename="submission")

# The bureau's own API, mounted under /api/v1/bureau/.
urlpatterns = [path("alliances/", views.ConsoleView.as_view(), name="alliances"), *router.urls]
