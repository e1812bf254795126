from alliances.api.routers import Router

from ip_registry.api import views

app_name = "ip_registry_api"

router = Router()
router.register("ip-assets", views.IPAssetViewSet, basename="ip-asset")
router.register("licences", views.LicenceViewSet, basename="licence")
router.register("ip-transfers", views.TransferViewSet, basename="ip-transfer")

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = router.urls
