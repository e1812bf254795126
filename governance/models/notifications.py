"""In-app notifications (their e-mails go through the outbox)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import TenantModel, tenant_history


class Notification(TenantModel):
    class Kind(models.TextChoices):
        MOTION_OPENED = "motion_opened", _("议案开始表决")
        MOTION_REMINDER = "motion_reminder", _("议案即将截止")
        MOTION_CLOSED = "motion_closed", _("议案表决结果")
        CONSULTATION_ASKED = "consultation_asked", _("专家咨询邀请")
        CONSULTATION_CLOSED = "consultation_closed", _("专家咨询结束")
        MEETING_INVITED = "meeting_invited", _("会议通知")
        MEETING_CHANGED = "meeting_changed", _("会议变更")
        MEETING_CANCELLED = "meeting_cancelled", _("会议取消")

    # No index of its own: every read is one user's notifications in one alliance, which the
    # (alliance, user, key) unique index serves; a motion's close writes 1,000 rows into each index.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    # Idempotency key, e.g. "motion:12:reminder": one notification per user and key.
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    history = tenant_history(no_db_index=["user"])

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["alliance", "user", "key"], name="notification_unique_key")]
