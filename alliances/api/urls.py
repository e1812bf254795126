from django.urls import path

from alliances.api import views
from alliances.api.routers import Router

app_name = "alliances_api"

router = Router()
router.register("seats", views.SeatViewSet, basename="seat")
router.register("roles", views.RoleGrantViewSet, basename="role")

# Mounted under /api/v1/alliances/<slug>/.
urlpatterns = [path("", views.AllianceDetailView.as_view(), name="detail"),
               path("activity/", views.ActivityView.as_view(), name="activity"),
               path("jobs/<id:pk>/", views.JobView.as_view(), name="job"), *router.urls]
