from django.urls import path

from alliances.api.routers import Router
from bureau.api import views

app_name = "bureau_api_console"

router = Router()
router.register("submissions", views.BureauSubmissionViewSet, basename="submission")

# The bureau's own API, mounted under /api/v1/bureau/.
urlpatterns = [path("alliances/", views.ConsoleView.as_view(), name="alliances"), *router.urls]
