from alliances.api.routers import Router

from bureau.api import views

app_name = "bureau_api"

router = Router()
router.register("submissions", views.SubmissionViewSet, basename="submission")

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = router.urls
