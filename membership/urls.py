from django.urls import path

from membership import views

app_name = "membership"

# Pages, mounted under /a/<slug>/.
urlpatterns = [
    path("members/", views.MemberListView.as_view(), name="list"),
    path("members/new/", views.MemberCreateView.as_view(), name="create"),
    path("members/export.xlsx", views.ExportView.as_view(), name="export"),
    path("members/import/", views.ImportView.as_view(), name="import"),
    path("members/application-form/", views.ApplicationFormSettingsView.as_view(), name="form_settings"),
    path("members/portal/", views.PortalView.as_view(), name="portal"),
    path("members/<id:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("members/<id:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("members/<id:pk>/accession/pdf/", views.AccessionPdfView.as_view(), name="accession_pdf"),
    path("members/<id:pk>/<slug:act>/", views.MemberActionView.as_view(), name="action"),
    # Public, no login: the alliance's published application form.
    path("join/", views.PublicApplyView.as_view(), name="apply_public"),
]
