from django.urls import path

from governance import views
from governance.agreement import views as agreement

app_name = "governance"

# Pages, mounted under /a/<slug>/.
urlpatterns = [
    path("motions/", views.MotionListView.as_view(), name="motions"),
    path("motions/export.xlsx", views.MotionExportView.as_view(), name="motions_export"),
    path("motions/new/", views.MotionCreateView.as_view(), name="motion_create"),
    path("motions/<id:pk>/", views.MotionDetailView.as_view(), name="motion"),
    path("motions/<id:pk>/vote/", views.MotionVoteView.as_view(), name="motion_vote"),
    path("motions/<id:pk>/attach/", views.MotionAttachView.as_view(), name="motion_attach"),
    path("motions/<id:pk>/attachments/<id:attachment_id>/", views.MotionAttachmentView.as_view(), name="motion_attachment"),
    path("motions/<id:pk>/open/", views.MotionOpenView.as_view(), name="motion_open"),
    path("motions/<id:pk>/close/", views.MotionCloseView.as_view(), name="motion_close"),
    path("results/", views.ResultsView.as_view(), name="results"),
    path("resolutions/<id:pk>/", views.ResolutionView.as_view(), name="resolution"),
    path("resolutions/<id:pk>/pdf/", views.ResolutionPdfView.as_view(), name="resolution_pdf"),
    path("meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("meetings/export.xlsx", views.MeetingExportView.as_view(), name="meetings_export"),
    path("meetings/<id:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<id:pk>/minutes/pdf/", views.MinutesPdfView.as_view(), name="minutes_pdf"),
    path("consultations/", views.ConsultationListView.as_view(), name="consultations"),
    path("consultations/<id:pk>/", views.ConsultationDetailView.as_view(), name="consultation"),
    path("consultations/<id:pk>/documents/<id:document_id>/", views.ConsultationDocumentView.as_view(),
         name="consultation_document"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("agreement/", agreement.AgreementView.as_view(), name="agreement"),
    path("agreement/draft/", agreement.DraftView.as_view(), name="agreement_draft"),
    path("agreement/versions/<id:number>/", agreement.VersionView.as_view(), name="agreement_version"),
]
