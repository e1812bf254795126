from alliances.api.routers import Router

from django.urls import path

from governance.agreement import api as agreement_api
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
router.register("agreement/versions", agreement_api.VersionViewSet, basename="agreement-version")

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = [path("agreement/", agreement_api.AgreementView.as_view(), name="agreement"), *router.urls]
