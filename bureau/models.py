"""Submissions to the bureau (市科技局), their frozen versions and the bureau's decisions (附件4).

A submission is a draft the secretariat edits; each time the secretary-general submits it, a
`SubmissionVersion` is appended: the snapshot of the live data, the generated PDF and their
SHA-256. Versions and decisions are append-only: the model refuses to change or delete them.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import SealedTenantModel, TenantModel, tenant_history


class Kind(models.TextChoices):
    RECOGNITION_APPLICATION = "recognition_application", _("联盟认定申请书（附件1）")
    AGREEMENT_TEXT = "agreement_text", _("联盟协议文本（附件2）")
    NECESSITY_STATEMENT = "necessity_statement", _("联盟组建必要性说明（附件3）")
    RULES_FILING = "rules_filing", _("管理制度备案（第二十条）")
    PROJECT_PROPOSAL = "project_proposal", _("科技计划项目建议（第十七条）")
    PARTICIPANT_WITHDRAWAL = "participant_withdrawal", _("课题承担单位退出核准（第十九条）")
    IP_FOREIGN_TRANSFER = "ip_foreign_transfer", _("知识产权境外转让或独占许可审批（第十六条（四））")
    ANNUAL_REPORT = "annual_report", _("年度报告")
    FUND_RELEASE = "fund_release", _("政府资助资金解除限制核准")
    DISSOLUTION = "dissolution", _("联盟解散报告")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("批准")
    REJECTED = "rejected", _("不予批准")
    RETURNED = "returned", _("退回修改")


# The narrative sections the secretariat writes (附件1 二、四、五、六、七; 附件3 1-4), plus a free body.
NARRATIVE_FIELDS = ("innovation_goals", "industry_status", "technology_trends", "policy_fit", "alliance_role", "body")
INNOVATION_GOALS_MAX = 500  # 附件1 二、技术创新目标（限500字）
# Header items of 附件1 that the alliance record does not hold; kept in the payload.
FORM_FIELDS = ("lead_unit", "supervising_department", "postcode", "fax")


class Submission(TenantModel):
    """Something the alliance reports upward. Drafts and returned submissions are editable; the
    frozen content is in `versions`."""

    Kind = Kind

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送待审")
        RETURNED = "returned", _("已退回修改")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("不予批准")

    kind = models.CharField(_("类型"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("事项类型")
    )
    subject_id = models.PositiveBigIntegerField(_("事项编号"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    payload = models.JSONField(_("附加数据"), default=dict, blank=True)

    innovation_goals = models.TextField(_("技术创新目标"), blank=True)
    industry_status = models.TextField(_("产业发展状况"), blank=True)
    technology_trends = models.TextField(_("产业技术发展的特点、趋势及我市存在的差距和不足"), blank=True)
    policy_fit = models.TextField(_("与国家和市战略目标、产业发展政策的关联性"), blank=True)
    alliance_role = models.TextField(_("联盟组建对推动产业技术创新的作用"), blank=True)
    body = models.TextField(_("正文说明"), blank=True)

    version = models.PositiveIntegerField(_("报送次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("报送人"),
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decision = models.CharField(_("审核结论"), max_length=20, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("报送事项")
        verbose_name_plural = _("报送事项")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["alliance", "status"]), models.Index(fields=["kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def current_version(self):
        """The last frozen version (None for a draft never submitted)."""
        return self.versions.order_by("-number").first() if self.version else None

    @property
    def snapshot(self) -> dict | None:
        version = self.current_version
        return version.snapshot if version else None

    @property
    def document(self) -> bytes | None:
        version = self.current_version
        return bytes(version.document) if version else None

    @property
    def sha256(self) -> str:
        version = self.current_version
        return version.sha256 if version else ""

    @property
    def last_decision(self):
        return self.decisions.order_by("-decided_at", "-id").first()


def canonical_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash(snapshot: dict, document: bytes) -> str:
    """SHA-256 over the canonical snapshot JSON, a separator, and the document bytes."""
    digest = hashlib.sha256(canonical_json(snapshot))
    digest.update(b"\n--document--\n")
    digest.update(bytes(document))
    return digest.hexdigest()


class SubmissionVersion(SealedTenantModel):
    """One frozen submission: what the bureau received. Never changes afterwards."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions", verbose_name=_("报送事项"))
    number = models.PositiveIntegerField(_("版本"))
    snapshot = models.JSONField(_("数据快照"))
    document = models.BinaryField(_("文件（PDF）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"))
    # The alliance's chain of everything it submitted (checkpointed like the ledger): per-alliance
    # sequence and SHA-256 over the previous hash and `chain_content`.
    sequence = models.PositiveIntegerField(_("报送序号"), null=True)
    previous_hash = models.CharField(_("上一哈希"), max_length=64, blank=True)
    hash = models.CharField(_("哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("报送版本")
        verbose_name_plural = _("报送版本")
        ordering = ["alliance", "submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "submission", "number"], name="submissionversion_unique_number"),
            models.UniqueConstraint(fields=["alliance", "sequence"], name="submissionversion_unique_sequence"),
        ]

    def __str__(self):
        return f"{self.submission} v{self.number}"

    def verify(self) -> bool:
        """True when the stored snapshot and document still hash to the stored SHA-256."""
        return content_hash(self.snapshot, self.document) == self.sha256

    def chain_hash(self) -> str:
        return chain_hash(self.alliance_id, self.sequence, self.submission_id, self.number, self.sha256,
                          self.submitted_by_id, self.submitted_at, self.previous_hash)


def chain_hash(alliance_id, sequence, submission_id, number, sha256, submitted_by_id, submitted_at, previous_hash) -> str:
    """sha256(previous hash + "\n" + canonical JSON of what was submitted, when and by whom)."""
    content = {"alliance": alliance_id, "sequence": sequence, "submission": submission_id, "number": number,
               "sha256": sha256, "submitted_by": submitted_by_id, "submitted_at": submitted_at.astimezone(datetime.timezone.utc).isoformat()}
    return hashlib.sha256(previous_hash.encode() + b"\n" + canonical_json(content)).hexdigest()


class Decision(SealedTenantModel):
    """The bureau's decision on one submitted version, with the opinions of 附件4."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("报送事项"))
    version = models.ForeignKey(SubmissionVersion, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("版本"))
    outcome = models.CharField(_("审核结论"), max_length=20, choices=Outcome.choices)
    necessity_opinion = models.TextField(_("必要性和技术性审核意见"), blank=True)
    necessity_office = models.CharField(_("审核单位"), max_length=200, blank=True)
    necessity_date = models.DateField(_("审核日期"), null=True, blank=True)
    organisation_opinion = models.TextField(_("组织形式审核意见"), blank=True)
    organisation_office = models.CharField(_("复核单位"), max_length=200, blank=True)
    organisation_date = models.DateField(_("复核日期"), null=True, blank=True)
    comments = models.TextField(_("修改意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"))


    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["decided_at", "id"]

    def __str__(self):
        return f"{self.submission} · {self.get_outcome_display()}"


class WitnessedCheckpoint(SealedTenantModel):
    """A checkpoint of the alliance as the bureau received it with a submission: the bureau's own
    copy, so the alliance's database can no longer rewind a chain unseen. A checkpoint that did not
    verify on receipt is kept as refused (`refusal`), never as witnessed."""

    version = models.ForeignKey(SubmissionVersion, on_delete=models.PROTECT, related_name="witnessed",
                                verbose_name=_("报送版本"))
    received_at = models.DateTimeField(_("接收时间"))
    data = models.JSONField(_("检查点"))
    refusal = models.CharField(_("拒收原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("见证的检查点")
        verbose_name_plural = _("见证的检查点")
        ordering = ["received_at", "id"]

    def __str__(self):
        return f"{self.data.get('chain')} #{self.data.get('sequence')}"

    @property
    def accepted(self) -> bool:
        return not self.refusal


# The staged review's models live in their own module (kept under 500 lines); registered with this app here.
from bureau.review.models import (  # noqa: E402,F401
    ExpertInvitation, Office, OfficeMembership, PublishedList, Review, ReviewExpert, Stage, StageOpinion,
)
