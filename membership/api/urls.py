from rest_framework.routers import SimpleRouter

from membership.api.views import MemberViewSet

app_name = "membership_api"

# API, mounted under /api/v1/alliances/<slug>/.
router = SimpleRouter()
router.register("members", MemberViewSet, basename="member")
urlpatterns = router.urls
