"""Governance: charter, motions and ballots, sealed results and resolutions, meetings, consultations.

Services (governance/services.py) are the only writers. Sealed results and resolutions are
append-only: saving an existing row or deleting one raises (see `alliances.tenancy.SealedTenantModel`).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


from alliances.tenancy import SealedTenantModel, TenantModel, tenant_history
from alliances.uploads import validate_upload


class MotionKind(models.TextChoices):
    ADMISSION = "admission", _("接纳成员")
    EXPULSION = "expulsion", _("除名")
    PROJECT_APPROVAL = "project_approval", _("项目立项")
    PROJECT_ADJUSTMENT = "project_adjustment", _("项目调整")
    BUDGET = "budget", _("预算")
    RULES = "rules", _("管理制度")
    AGREEMENT_AMENDMENT = "agreement_amendment", _("修改联盟协议")
    CHARTER_AMENDMENT = "charter_amendment", _("修改表决规则")
    APPOINTMENT = "appointment", _("人事任命")
    OTHER = "other", _("其他事项")


class Threshold(models.TextChoices):
    SIMPLE_MAJORITY_CAST = "simple_majority_cast", _("投票数的简单多数")
    ABSOLUTE_MAJORITY_SEATS = "absolute_majority_seats", _("全体席位的过半数")
    TWO_THIRDS_SEATS = "two_thirds_seats", _("全体席位的三分之二")
    UNANIMITY_SEATS = "unanimity_seats", _("全体席位一致同意")


THRESHOLD_WORDS = {
    Threshold.SIMPLE_MAJORITY_CAST: _("出席投票理事过半数同意"),
    Threshold.ABSOLUTE_MAJORITY_SEATS: _("全体理事过半数同意"),
    Threshold.TWO_THIRDS_SEATS: _("全体理事三分之二以上同意"),
    Threshold.UNANIMITY_SEATS: _("全体理事一致同意"),
}


def threshold_words(rule: str) -> str:
    """The one wording of a threshold, for every page, PDF, notice and resolution text."""
    return str(THRESHOLD_WORDS.get(rule, rule))


DEFAULT_THRESHOLDS = {
    MotionKind.ADMISSION: Threshold.ABSOLUTE_MAJORITY_SEATS,
    MotionKind.EXPULSION: Threshold.TWO_THIRDS_SEATS,
    MotionKind.AGREEMENT_AMENDMENT: Threshold.UNANIMITY_SEATS,
    MotionKind.CHARTER_AMENDMENT: Threshold.TWO_THIRDS_SEATS,
    MotionKind.APPOINTMENT: Threshold.ABSOLUTE_MAJORITY_SEATS,
    MotionKind.PROJECT_APPROVAL: Threshold.ABSOLUTE_MAJORITY_SEATS,
    MotionKind.PROJECT_ADJUSTMENT: Threshold.ABSOLUTE_MAJORITY_SEATS,
    MotionKind.BUDGET: Threshold.ABSOLUTE_MAJORITY_SEATS,
    MotionKind.RULES: Threshold.ABSOLUTE_MAJORITY_SEATS,
    MotionKind.OTHER: Threshold.SIMPLE_MAJORITY_CAST,
}
# Changing the rules for changing the rules (or the agreement) always needs every seat (附件2 §10).
ENTRENCHED_KINDS = (MotionKind.AGREEMENT_AMENDMENT, MotionKind.CHARTER_AMENDMENT)


class Choice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class CharterVersion(SealedTenantModel):
    """The alliance's voting rules. A change is a new version; motions keep the version they were created under."""

    version = models.PositiveIntegerField(_("版本"))
    thresholds = models.JSONField(_("各类议案的表决门槛"))
    # Minimum participation per motion kind, as [numerator, denominator] of the eligible seats.
    motion_quorums = models.JSONField(_("各类议案的法定投票人数"))
    meeting_quorum_numerator = models.PositiveSmallIntegerField(_("会议法定人数（分子）"), default=2)
    meeting_quorum_denominator = models.PositiveSmallIntegerField(_("会议法定人数（分母）"), default=3)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # The council resolution this version was adopted by (blank for the default version 1).
    resolution_number = models.CharField(_("决议编号"), max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("章程表决规则")
        verbose_name_plural = _("章程表决规则")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["alliance", "version"], name="charter_version_unique")]

    def __str__(self):
        return f"v{self.version}"

    def threshold_for(self, kind: str) -> str:
        # A kind added after this version was written keeps its default, never a weaker one.
        return self.thresholds.get(kind) or DEFAULT_THRESHOLDS.get(kind, Threshold.SIMPLE_MAJORITY_CAST)

    def quorum_for(self, kind: str) -> tuple[int, int]:
        num, den = self.motion_quorums.get(kind, [0, 1])
        return int(num), int(den)


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
        constraints = [models.UniqueConstraint(fields=["motion", "seat"], name="eligibleseat_unique")]


class Ballot(TenantModel):
    """One vote per seat and motion. Named: `seat` and `voter` are set. Secret: both are empty and
    `token` (sha256 of the motion's salt and the seat) lets the same seat replace its choice.

    No history table: a history row would name the actor and link a secret choice to a person.
    The random UUID key keeps insertion order from hinting at who voted when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="ballots")
    seat = models.ForeignKey("alliances.Seat", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    token = models.CharField(max_length=64, blank=True)
    choice = models.CharField(_("表决意见"), max_length=10, choices=Choice.choices)
    cast_at = models.DateTimeField(null=True, blank=True)
    changes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(fields=["motion", "seat"], condition=Q(seat__isnull=False), name="ballot_one_per_seat"),
            models.UniqueConstraint(fields=["motion", "token"], condition=~Q(token=""), name="ballot_one_per_token"),
            models.CheckConstraint(condition=Q(seat__isnull=False) | ~Q(token=""), name="ballot_seat_or_token"),
        ]


class SealedResult(SealedTenantModel):
    """The tally, voter list and result of a closed motion, chained by SHA-256 per alliance."""

    motion = models.OneToOneField(Motion, on_delete=models.PROTECT, related_name="sealed_result")
    sequence = models.PositiveIntegerField(_("序号"))
    sealed_at = models.DateTimeField(_("封存时间"))
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    secret = models.BooleanField(default=False)
    threshold = models.CharField(max_length=30)
    charter_version = models.PositiveIntegerField(_("章程版本"))
    tally = models.JSONField(_("计票"))
    voters = models.JSONField(_("投票人名单"))
    recused = models.JSONField(_("回避"))
    result = models.CharField(_("结果"), max_length=10)
    resolution_number = models.CharField(max_length=40, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("封存结果")
        verbose_name_plural = _("封存结果")
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["alliance", "sequence"], name="sealedresult_sequence_unique")]

    def __str__(self):
        return f"#{self.sequence} {self.title}"


class Resolution(SealedTenantModel):
    motion = models.OneToOneField(Motion, on_delete=models.PROTECT, related_name="resolution_record")
    number = models.CharField(_("决议编号"), max_length=40)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("发布时间"))
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("决议内容"))

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "number"], name="resolution_number_unique"),
            models.UniqueConstraint(fields=["alliance", "year", "sequence"], name="resolution_sequence_unique"),
        ]

    def __str__(self):
        return self.number


class ResolutionSeal(SealedTenantModel):
    """A link of the alliance's resolutions chain (`governance.chains.resolutions`), one per sealed
    result: its hash covers the sealed result's hash and the resolution as issued (number, title,
    text, date), so an edit of either, or a deleted newest record, is found by `verify_resolutions`."""

    sealed_result = models.OneToOneField(SealedResult, on_delete=models.PROTECT, related_name="resolution_seal")
    sequence = models.PositiveIntegerField(_("序号"))
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("决议封存")
        verbose_name_plural = _("决议封存")
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["alliance", "sequence"], name="resolutionseal_sequence_unique")]


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
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="attendance_one_per_seat")]


class Consultation(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("征询中")
        CLOSED = "closed", _("已结束")

    title = models.CharField(_("标题"), max_length=300)
    question = models.TextField(_("征询问题"))
    deadline = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    concerned_units = models.ManyToManyField("membership.MemberUnit", blank=True, related_name="+", verbose_name=_("相关单位"))
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="consultations",
                               verbose_name=_("议案"))
    summary = models.TextField(_("意见汇总"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("专家咨询")
        verbose_name_plural = _("专家咨询")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class ConsultationDocument(TenantModel):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="documents", verbose_name=_("专家咨询"))
    name = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="governance/consultations/%Y/", validators=[validate_upload])
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("咨询材料")
        verbose_name_plural = _("咨询材料")

    def get_absolute_url(self) -> str:
        """The access-checked download (files are never served from /media/)."""
        return reverse("governance:consultation_document",
                       kwargs={"slug": self.alliance.slug, "pk": self.consultation_id, "document_id": self.pk})


class ExpertInvitation(TenantModel):
    """An expert asked (or excluded, with the reason) in a consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="invitations")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    excluded = models.BooleanField(_("回避"), default=False)
    exclusion_reason = models.CharField(_("回避原因"), max_length=300, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("专家邀请")
        verbose_name_plural = _("专家邀请")
        constraints = [models.UniqueConstraint(fields=["consultation", "expert"], name="invitation_unique")]


class Opinion(TenantModel):
    class Stance(models.TextChoices):
        SUPPORT = "support", _("支持")
        SUPPORT_WITH_CHANGES = "support_with_changes", _("修改后支持")
        OPPOSE = "oppose", _("反对")

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="opinions")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("意见"), max_length=30, choices=Stance.choices)
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    text = models.TextField(_("意见正文"))
    submitted_at = models.DateTimeField(_("提交时间"))

    history = tenant_history()

    class Meta:
        verbose_name = _("专家意见")
        verbose_name_plural = _("专家意见")
        constraints = [models.UniqueConstraint(fields=["consultation", "expert"], name="opinion_one_per_expert")]


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
