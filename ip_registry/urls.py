from django.urls import path

from ip_registry import views

app_name = "ip_registry"

# Pages, mounted under /a/<slug>/.
urlpatterns = [
    path("ip/", views.AssetListView.as_view(), name="list"),
    path("ip/export.xlsx", views.AssetExportView.as_view(), name="export"),
    path("ip/<int:pk>/", views.AssetDetailView.as_view(), name="asset"),
]
