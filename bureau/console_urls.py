from django.urls import path

from bureau import views
from bureau.review import views as review_views

app_name = "bureau"

# Mounted under /bureau/ (the bureau's own console) — alliance-side pages live in bureau/urls.py.
urlpatterns = [
    path("", views.ConsoleView.as_view(), name="console"),
    path("submissions/", views.InboxView.as_view(), name="inbox"),
    path("submissions/<id:pk>/", views.BureauSubmissionView.as_view(), name="submission"),
    path("submissions/<id:pk>/document/", views.BureauDocumentView.as_view(), name="document"),
    path("submissions/<id:pk>/decisions/<id:decision_id>/pdf/", views.BureauDecisionPdfView.as_view(),
         name="decision_pdf"),
    path("submissions/<id:pk>/decisions/<id:decision_id>/form/", views.BureauReviewFormView.as_view(), name="review_form"),
    path("reviews/", review_views.ReviewListView.as_view(), name="reviews"),
    path("reviews/<id:pk>/", review_views.ReviewDetailView.as_view(), name="review_stages"),
    path("lists/<id:pk>/notice/", review_views.ListNoticeView.as_view(), name="list_notice"),
]
