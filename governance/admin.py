"""Read-only admin windows (services are the only writers). Ballots are not shown: secret choices stay unlinkable."""

from django.contrib import admin

from alliances.admin_base import TenantAdmin
from governance.models import CharterVersion, Consultation, Meeting, Motion, Notification, Opinion, Resolution, SealedResult


@admin.register(CharterVersion)
class CharterVersionAdmin(TenantAdmin):
    list_display = ["alliance", "version", "note", "created_at"]


@admin.register(Motion)
class MotionAdmin(TenantAdmin):
    list_display = ["alliance", "title", "kind", "status", "result", "closes_at"]
    exclude = ["ballot_salt"]


@admin.register(SealedResult)
class SealedResultAdmin(TenantAdmin):
    list_display = ["alliance", "sequence", "title", "result", "resolution_number", "hash"]


@admin.register(Resolution)
class ResolutionAdmin(TenantAdmin):
    list_display = ["alliance", "number", "title", "issued_at"]


@admin.register(Meeting)
class MeetingAdmin(TenantAdmin):
    list_display = ["alliance", "title", "starts_at", "status", "minutes_status"]


@admin.register(Consultation)
class ConsultationAdmin(TenantAdmin):
    list_display = ["alliance", "title", "status", "deadline"]


@admin.register(Opinion)
class OpinionAdmin(TenantAdmin):
    list_display = ["alliance", "consultation", "expert", "stance", "score"]


@admin.register(Notification)
class NotificationAdmin(TenantAdmin):
    list_display = ["alliance", "user", "kind", "title", "created_at", "read_at"]
