from django.urls import path
from rest_framework.routers import SimpleRouter

from alliances.api import views

app_name = "alliances_api"

router = SimpleRouter()
router.register("seats", views.SeatViewSet, basename="seat")
router.register("roles", views.RoleGrantViewSet, basename="role")

# Mounted under /api/v1/alliances/<slug>/.
urlpatterns = [path("", views.AllianceDetailView.as_view(), name="detail"), *router.urls]
