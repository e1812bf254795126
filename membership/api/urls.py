from alliances.api.routers import Router

from membership.api.views import MemberViewSet

app_name = "membership_api"

# API, mounted under /api/v1/alliances/<slug>/.
router = Router()
router.register("members", MemberViewSet, basename="member")
urlpatterns = router.urls
