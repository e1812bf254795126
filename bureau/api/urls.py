from rest_framework.routers import SimpleRouter

from bureau.api import views

app_name = "bureau_api"

router = SimpleRouter()
router.register("submissions", views.SubmissionViewSet, basename="submission")

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = router.urls
