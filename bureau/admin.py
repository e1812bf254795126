from django.contrib import admin

from alliances.admin_base import TenantAdmin
from bureau.models import Decision, Submission, SubmissionVersion


@admin.register(Submission)
class SubmissionAdmin(TenantAdmin):
    list_display = ["title", "kind", "status", "version", "alliance", "submitted_at", "decision"]
    list_filter = ["alliance", "kind", "status"]
    search_fields = ["title"]


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(TenantAdmin):
    list_display = ["submission", "number", "sha256", "submitted_by", "submitted_at", "alliance"]
    exclude = ["document"]


@admin.register(Decision)
class DecisionAdmin(TenantAdmin):
    list_display = ["submission", "outcome", "decided_by", "decided_at", "alliance"]
    list_filter = ["alliance", "outcome"]
