from django.urls import path

from bureau import views

app_name = "bureau_alliance"

# Alliance-side pages (the alliance's submissions), mounted under /a/<slug>/.
urlpatterns = [
    path("submissions/", views.SubmissionListView.as_view(), name="submissions"),
    path("submissions/<id:pk>/", views.SubmissionDetailView.as_view(), name="submission"),
    path("submissions/<id:pk>/submit/", views.SubmissionSubmitView.as_view(), name="submit"),
    path("submissions/<id:pk>/document/", views.SubmissionDocumentView.as_view(), name="document"),
    path("submissions/<id:pk>/decisions/<id:decision_id>/pdf/", views.SubmissionDecisionPdfView.as_view(),
         name="decision_pdf"),
    path("submissions/<id:pk>/decisions/<id:decision_id>/form/", views.SubmissionReviewFormView.as_view(), name="review_form"),
]
