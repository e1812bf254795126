"""Council meetings: agenda, attendance, the minutes' seal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import SealedTenantModel, TenantModel, tenant_history
from governance.models.charter import CharterVersion
from governance.models.motions import Motion


class Meeting(TenantModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    class MinutesStatus(models.TextChoices):
        NONE = "none", _("未起草")
        DRAFTED = "drafted", _("草稿")
        APPROVED = "approved", _("已批准")
        LOCKED = "locked", _("已锁定")

    title = models.CharField(_("会议名称"), max_length=300)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    # The iCalendar SEQUENCE of the meeting's event: raised by every change sent to the attendees.
    sequence = models.PositiveIntegerField(_("修订次数"), default=0)
    charter = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="+")
    minutes = models.TextField(_("会议纪要"), blank=True)
    minutes_status = models.CharField(_("纪要状态"), max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.NONE)
    minutes_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_locked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return self.title


class MinutesSeal(SealedTenantModel):
    """A link of the alliance's approved-minutes chain (`governance.chains.minutes`), written when
    the minutes are approved: its hash covers the meeting, minutes text, approver, approval time and
    agenda as they stand, and the attendance at approval (kept here: attendance may still be
    recorded until the minutes are locked)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes_seal")
    present_seats = models.JSONField(_("批准时出席的席位"))
    sequence = models.PositiveIntegerField(_("序号"))
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("纪要封存")
        verbose_name_plural = _("纪要封存")
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["alliance", "sequence"], name="minutesseal_sequence_unique")]


class AgendaItem(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议题"), max_length=300)
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items")

    history = tenant_history()

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Attendance(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    seat = models.ForeignKey("alliances.Seat", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    present = models.BooleanField(_("出席"), default=True)
    proxy_note = models.CharField(_("备注"), max_length=200, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("出席")
        verbose_name_plural = _("出席")
        constraints = [models.UniqueConstraint(fields=["alliance", "meeting", "seat"], name="attendance_one_per_seat")]
