from django.urls import path

from alliances.api.routers import Router
from bureau.api import views
from bureau.review import api as review_api

app_name = "bureau_api_console"

router = Router()
router.register("submissions", views.BureauSubmissionViewSet, basename="submission")
router.register("reviews", review_api.ReviewViewSet, basename="review")
router.register("lists", review_api.ListViewSet, basename="list")

# The bureau's own API, mounted under /api/v1/bureau/.
urlpatterns = [path("alliances/", views.ConsoleView.as_view(), name="alliances"), *router.urls]
