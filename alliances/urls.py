from django.urls import path

from alliances import job_views, views

app_name = "alliances"

# Mounted under /a/<slug>/.
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("people/", views.PeopleView.as_view(), name="people"),
    path("integrity/", views.IntegrityView.as_view(), name="integrity"),
    path("people/grants/<id:pk>/revoke/", views.RevokeGrantView.as_view(), name="revoke_grant"),
    path("people/<id:user_id>/deactivate/", views.DeactivatePersonView.as_view(), name="deactivate_person"),
    path("activity/", views.ActivityView.as_view(), name="activity"),
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
    path("outbox/<id:pk>/retry/", views.OutboxRetryView.as_view(), name="outbox_retry"),
    path("jobs/", job_views.JobListView.as_view(), name="jobs"),
    path("jobs/<id:pk>/", job_views.JobView.as_view(), name="job"),
    path("jobs/<id:pk>/status/", job_views.JobStatusView.as_view(), name="job_status"),
    path("jobs/<id:pk>/file/", job_views.JobFileView.as_view(), name="job_file"),
]
