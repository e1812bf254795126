from alliances.api.routers import Router

from governance.api import views

app_name = "governance_api"

router = Router()
router.register("motions", views.MotionViewSet, basename="motion")
router.register("resolutions", views.ResolutionViewSet, basename="resolution")
router.register("sealed-results", views.SealedResultViewSet, basename="sealed-result")
router.register("charter", views.CharterViewSet, basename="charter")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("notifications", views.NotificationViewSet, basename="notification")

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = router.urls
