"""Motions, their papers, proposed rule changes and the seats eligible to vote on them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import TenantModel, tenant_history
from alliances.uploads import validate_upload
from governance.models.charter import CharterVersion, MotionKind, Threshold


class Motion(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("表决中")
        CLOSED = "closed", _("已结束")

    class Result(models.TextChoices):
        PASSED = "passed", _("通过")
        FAILED = "failed", _("未通过")

    kind = models.CharField(_("议案类型"), max_length=30, choices=MotionKind.choices)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    secret = models.BooleanField(_("无记名投票"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, blank=True)
    charter = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="motions", verbose_name=_("章程版本"))
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("回避的成员单位"),
    )
    # Set when the motion needs a stricter rule than its kind's (a charter amendment touching
    # the rules for amending the agreement or the charter needs every seat).
    threshold = models.CharField(_("表决门槛"), max_length=30, choices=Threshold.choices, blank=True)
    closes_at = models.DateTimeField(_("表决截止时间"))
    opened_at = models.DateTimeField(_("开始表决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("开始表决人"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Secret ballots: a random salt for the per-seat tokens; wiped at close so no link survives.
    ballot_salt = models.CharField(max_length=64, blank=True, editable=False)

    history = tenant_history(excluded_fields=["ballot_salt"])

    class Meta:
        verbose_name = _("议案")
        verbose_name_plural = _("议案")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["alliance", "status", "closes_at"])]

    def __str__(self):
        return self.title

    @property
    def resolution(self):
        return getattr(self, "resolution_record", None)

    @property
    def rule(self) -> str:
        """The threshold this motion is decided by."""
        return self.threshold or self.charter.threshold_for(self.kind)

    @property
    def sealed(self):
        return getattr(self, "sealed_result", None)

    @property
    def tally(self) -> dict | None:
        sealed = self.sealed
        return dict(sealed.tally) if sealed else None


class CharterProposal(TenantModel):
    """A proposed change of the voting rules, put to the council as a `charter_amendment` motion.
    It takes effect (a new `CharterVersion`) only when that motion passes, from its resolution."""

    motion = models.OneToOneField(Motion, on_delete=models.PROTECT, related_name="charter_proposal")
    thresholds = models.JSONField(_("各类议案的表决门槛"), default=dict)
    motion_quorums = models.JSONField(_("各类议案的法定投票人数"), default=dict)
    meeting_quorum = models.JSONField(_("会议法定人数"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    adopted = models.ForeignKey(
        CharterVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("生效版本"),
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("表决规则修改提案")
        verbose_name_plural = _("表决规则修改提案")


class MotionAttachment(TenantModel):
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="governance/motions/%Y/", validators=[validate_upload])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("议案附件")
        verbose_name_plural = _("议案附件")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        """The access-checked download (files are never served from /media/)."""
        return reverse("governance:motion_attachment",
                       kwargs={"slug": self.alliance.slug, "pk": self.motion_id, "attachment_id": self.pk})


class EligibleSeat(TenantModel):
    """The council as it stood when the motion opened, and who has voted (participation only)."""

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="eligible_seats")
    seat = models.ForeignKey("alliances.Seat", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("membership.MemberUnit", on_delete=models.PROTECT, null=True, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recused = models.BooleanField(_("回避"), default=False)
    voted_at = models.DateTimeField(_("投票时间"), null=True, blank=True)

    history = tenant_history(excluded_fields=["voted_at"])

    class Meta:
        verbose_name = _("表决席位")
        verbose_name_plural = _("表决席位")
        ordering = ["seat__position", "seat_id"]
        constraints = [models.UniqueConstraint(fields=["alliance", "motion", "seat"], name="eligibleseat_unique")]
