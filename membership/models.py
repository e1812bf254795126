from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import SealedTenantModel, TenantModel, tenant_history
from membership.uscc import uscc_problem


def validate_uscc(value: str):
    if uscc_problem(value):
        raise ValidationError(
            _("统一社会信用代码无效：须为18位并通过GB 32100-2015校验码校验。"), code="invalid_uscc"
        )


class MemberUnit(TenantModel):
    """A member unit of an alliance: an independent legal person (第八条)."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("大学")
        INSTITUTE = "institute", _("科研机构")
        OTHER = "other", _("其他组织")

    class Status(models.TextChoices):
        APPLIED = "applied", _("已申请")
        UNDER_REVIEW = "under_review", _("审核中")
        ADMITTED = "admitted", _("已批准加入")
        ACTIVE = "active", _("正式成员")
        WITHDRAWING = "withdrawing", _("退出中")
        WITHDRAWN = "withdrawn", _("已退出")
        EXPELLED = "expelled", _("已除名")

    class AllianceRole(models.TextChoices):
        CHAIR = "chair", _("理事长单位")
        VICE_CHAIR = "vice_chair", _("副理事长单位")
        COUNCIL = "council", _("理事单位")
        ORDINARY = "ordinary", _("一般成员单位")

    class Source(models.TextChoices):
        SECRETARIAT = "secretariat", _("秘书处录入")
        PUBLIC_FORM = "public_form", _("公开申请表")
        IMPORT = "import", _("批量导入")

    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_uscc])
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    alliance_role = models.CharField(
        _("联盟职务"), max_length=20, choices=AllianceRole.choices, default=AllianceRole.ORDINARY
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    standing = models.CharField(_("在行业中的地位"), max_length=200, blank=True)
    applied_on = models.DateField(_("申请日期"), null=True, blank=True)
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    source = models.CharField(_("申请来源"), max_length=20, choices=Source.choices, default=Source.SECRETARIAT)
    application_statement = models.TextField(_("申请说明"), blank=True)
    admitted_on = models.DateField(_("批准加入日期"), null=True, blank=True)
    admission_resolution = models.CharField(_("批准加入决议编号"), max_length=40, blank=True)
    # The council motion now deciding this unit's admission or expulsion (cleared once decided).
    pending_motion = models.ForeignKey(
        "governance.Motion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("待决议案"),
    )
    pending_motion_kind = models.CharField(_("待决议案类型"), max_length=20, blank=True)
    withdrawal_reason = models.TextField(_("退出理由"), blank=True)
    withdrawal_requested_on = models.DateField(_("退出申请日期"), null=True, blank=True)
    withdrawal_effective_on = models.DateField(_("退出生效日期"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["alliance", "uscc"], name="memberunit_uscc_unique_per_alliance")]

    def __str__(self):
        return self.name

    @property
    def is_member(self) -> bool:
        """A current member of the alliance (active, or still active while withdrawing)."""
        return self.status in (self.Status.ACTIVE, self.Status.WITHDRAWING)


class MemberTransition(TenantModel):
    """One dated event of a unit's lifecycle, with its reason and the resolution that authorised it.

    Append-only: services create rows, nothing updates or deletes them.
    """

    class Event(models.TextChoices):
        APPLIED = "applied", _("提交入盟申请")
        IMPORTED = "imported", _("批量导入")
        REVIEW_STARTED = "review_started", _("开始审核")
        SUBMITTED_TO_COUNCIL = "submitted_to_council", _("提交理事会表决")
        ADMITTED = "admitted", _("理事会决议批准加入")
        ADMISSION_REFUSED = "admission_refused", _("理事会未批准加入")
        ACCESSION_SIGNED = "accession_signed", _("签署入盟协议")
        WITHDRAWAL_REQUESTED = "withdrawal_requested", _("申请退出")
        WITHDRAWN = "withdrawn", _("退出完成")
        EXPULSION_PROPOSED = "expulsion_proposed", _("提议除名")
        EXPULSION_REFUSED = "expulsion_refused", _("理事会未通过除名")
        EXPELLED = "expelled", _("理事会决议除名")

    unit = models.ForeignKey(MemberUnit, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("成员单位"))
    event = models.CharField(_("事项"), max_length=30, choices=Event.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=MemberUnit.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=MemberUnit.Status.choices)
    date = models.DateField(_("日期"))
    reason = models.TextField(_("理由"), blank=True)
    resolution_number = models.CharField(_("决议编号"), max_length=40, blank=True)
    motion = models.ForeignKey(
        "governance.Motion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("议案"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("经办人"),
    )
    # Facts other apps keep (contributions not refunded, commitments payable, licences continuing,
    # seats revoked, blockers at the time): recorded here so the history explains the departure.
    consequences = models.JSONField(_("后果"), default=list, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("成员状态变更")
        verbose_name_plural = _("成员状态变更")
        ordering = ["unit", "recorded_at", "id"]

    def __str__(self):
        return f"{self.unit} · {self.get_event_display()} · {self.date}"


class AccessionAgreement(TenantModel):
    """The accession agreement (入盟协议) the chair unit signs on behalf of the alliance (附件2 §4)."""

    unit = models.OneToOneField(MemberUnit, on_delete=models.PROTECT, related_name="accession", verbose_name=_("成员单位"))
    signed_on = models.DateField(_("签署日期"))
    signatory_unit = models.ForeignKey(
        MemberUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("代表联盟签署的单位")
    )
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签署人")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    resolution_number = models.CharField(_("批准加入决议编号"), max_length=40, blank=True)
    agreement_version = models.PositiveIntegerField(_("联盟协议版本"))
    note = models.TextField(_("备注"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入盟协议")
        verbose_name_plural = _("入盟协议")

    def __str__(self):
        return f"{self.unit} · {self.signed_on}"


class AccessionSeal(SealedTenantModel):
    """A link of the alliance's accession chain (`membership.chains.accessions`), written when the
    agreement is signed: its hash covers every column of the accession record as it stands."""

    agreement = models.OneToOneField(AccessionAgreement, on_delete=models.PROTECT, related_name="seal")
    sequence = models.PositiveIntegerField(_("序号"))
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("入盟协议封存")
        verbose_name_plural = _("入盟协议封存")
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["alliance", "sequence"], name="accessionseal_sequence_unique")]


class ExpulsionCase(TenantModel):
    """A proposal to expel a unit for a breach of the agreement, with its grounds and evidence."""

    class Grounds(models.TextChoices):
        AGREEMENT_BREACH = "agreement_breach", _("违反联盟协议")
        IP_REVENUE_SHARING = "ip_revenue_sharing", _("违反成果和知识产权权益分配约定")
        OTHER = "other", _("其他")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待理事会决议")
        EXPELLED = "expelled", _("已除名")
        REFUSED = "refused", _("未通过")

    unit = models.ForeignKey(MemberUnit, on_delete=models.PROTECT, related_name="expulsion_cases", verbose_name=_("成员单位"))
    grounds = models.CharField(_("除名事由"), max_length=30, choices=Grounds.choices)
    statement = models.TextField(_("事实与理由"))
    evidence = models.TextField(_("证据"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提议人")
    )
    proposed_on = models.DateField(_("提议日期"))
    motion = models.ForeignKey(
        "governance.Motion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("议案"),
    )
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    resolution_number = models.CharField(_("决议编号"), max_length=40, blank=True)
    decided_on = models.DateField(_("决议日期"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("除名案")
        verbose_name_plural = _("除名案")
        ordering = ["-proposed_on", "-id"]

    def __str__(self):
        return f"{self.unit} · {self.get_grounds_display()}"


class ProjectBar(TenantModel):
    """第十六条(二): a unit that violated IP revenue-sharing agreements may not take part in
    alliance projects for five years."""

    unit = models.ForeignKey(MemberUnit, on_delete=models.PROTECT, related_name="bars", verbose_name=_("成员单位"))
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"))
    grounds = models.TextField(_("事由"))
    resolution_number = models.CharField(_("决议编号"), max_length=40, blank=True)
    expulsion_case = models.ForeignKey(
        ExpulsionCase, on_delete=models.PROTECT, null=True, blank=True, related_name="bars", verbose_name=_("除名案")
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目参与禁止期")
        verbose_name_plural = _("项目参与禁止期")
        ordering = ["-start"]

    def __str__(self):
        return f"{self.unit} · {self.start} – {self.end}"

    def covers(self, day) -> bool:
        return self.start <= day <= self.end


class ApplicationForm(TenantModel):
    """Whether an alliance publishes its public application form, and what it says to applicants."""

    is_open = models.BooleanField(_("公开接受申请"), default=False)
    intro = models.TextField(_("申请须知"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("公开入盟申请表")
        verbose_name_plural = _("公开入盟申请表")
        constraints = [models.UniqueConstraint(fields=["alliance"], name="applicationform_one_per_alliance")]

    def __str__(self):
        return str(self.alliance)
