from django.urls import path

from projects import views

app_name = "projects"

# Pages, mounted under /a/<slug>/.
urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="list"),
    path("projects/export.xlsx", views.ProjectExportView.as_view(), name="export"),
    path("projects/new/", views.ProposalCreateView.as_view(), name="create"),
    path("projects/<id:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("projects/<id:pk>/documents/<id:document_id>/", views.DocumentView.as_view(), name="document"),
    path("projects/<id:pk>/act/", views.ProjectActionView.as_view(), name="act"),
    path("projects/<id:pk>/acceptance/", views.AcceptanceView.as_view(), name="acceptance"),
]
