from django.urls import path

from ip_registry import views

app_name = "ip_registry"

# Pages, mounted under /a/<slug>/.
urlpatterns = [
    path("ip/", views.AssetListView.as_view(), name="list"),
    path("ip/new/", views.AssetCreateView.as_view(), name="asset_new"),
    path("ip/export.xlsx", views.AssetExportView.as_view(), name="export"),
    path("ip/<id:pk>/", views.AssetDetailView.as_view(), name="asset"),
    path("ip/<id:pk>/licences/new/", views.LicenceCreateView.as_view(), name="licence_new"),
    path("ip/<id:pk>/receipts/new/", views.ReceiptCreateView.as_view(), name="receipt_new"),
]
