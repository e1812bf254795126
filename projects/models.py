"""Alliance R&D projects (第十六条, 第十七条, 第十九条, 附件2 §6): proposal, participants and their
tasks, budget, schedule, the IP agreement, versions, execution and acceptance.

Links to other apps' rows (motions, consultations, bureau submissions, journal entries, IP assets)
are kept as plain ids: those apps own their tables and we only read them through their services.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from alliances.tenancy import TenantModel, tenant_history
from alliances.uploads import validate_upload


class Project(TenantModel):
    """An alliance R&D project."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        EXPERT_REVIEW = "expert_review", _("专家评审")
        COUNCIL_VOTE = "council_vote", _("理事会表决")
        APPROVED = "approved", _("已批准")
        AWAITING_BUREAU = "awaiting_bureau", _("待市科技局批准")
        IN_PROGRESS = "in_progress", _("实施中")
        ADJUSTED = "adjusted", _("已调整（实施中）")
        ACCEPTANCE_REQUESTED = "acceptance_requested", _("已申请验收")
        ACCEPTED = "accepted", _("验收通过")
        NOT_ACCEPTED = "not_accepted", _("验收未通过")
        CLOSED = "closed", _("已结题")
        REVOKED = "revoked", _("已撤销")

    code = models.CharField(_("项目编号"), max_length=40)
    title = models.CharField(_("项目名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    lead_unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("牵头单位")
    )
    technology_field = models.CharField(_("技术领域"), max_length=200, blank=True)
    goals_near = models.TextField(_("近期目标"), blank=True)
    goals_long = models.TextField(_("远期目标"), blank=True)
    description = models.TextField(_("项目内容"), blank=True)
    government_programme = models.BooleanField(_("政府科技计划项目"), default=False)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    # Links into governance and bureau: PROTECT, the records a project cites must survive it.
    review_consultation = models.ForeignKey(
        "governance.Consultation", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("立项评审咨询"),
    )
    approval_motion = models.ForeignKey(
        "governance.Motion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("立项议案"),
    )
    approval_resolution = models.CharField(_("立项决议编号"), max_length=60, blank=True)
    approved_on = models.DateField(_("立项日期"), null=True, blank=True)
    bureau_submission = models.ForeignKey(
        "bureau.Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("市科技局报送"),
    )
    acceptance_consultation = models.ForeignKey(
        "governance.Consultation", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("验收专家咨询"),
    )
    deliverables = models.TextField(_("验收材料与交付成果"), blank=True)
    acceptance_opinion = models.TextField(_("验收意见"), blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["alliance", "code"], name="project_code_unique_per_alliance")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def executing(self) -> bool:
        return self.status in EXECUTING


EXECUTING = frozenset({Project.Status.IN_PROGRESS, Project.Status.ADJUSTED})
FINISHED = frozenset({Project.Status.ACCEPTED, Project.Status.NOT_ACCEPTED, Project.Status.CLOSED, Project.Status.REVOKED})


class Participant(TenantModel):
    """A member unit taking part in a project, with its task assignment (任务分工)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        PARTICIPANT = "participant", _("参与单位")

    class Status(models.TextChoices):
        ACTIVE = "active", _("参与中")
        WITHDRAWING = "withdrawing", _("退出审批中")
        WITHDRAWN = "withdrawn", _("已退出")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="participants", verbose_name=_("项目"))
    unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, related_name="project_participations", verbose_name=_("成员单位")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    tasks = models.TextField(_("任务分工"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    withdrawn_on = models.DateField(_("退出日期"), null=True, blank=True)
    clawed_back = MoneyField(_("已追回金额"), max_digits=18, decimal_places=2, default=Decimal("0"), default_currency="CNY")

    history = tenant_history()

    class Meta:
        verbose_name = _("项目参与单位")
        verbose_name_plural = _("项目参与单位")
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["alliance", "project", "unit"], name="participant_once_per_project")]

    def __str__(self):
        return f"{self.project.code} · {self.unit}"


class BudgetLine(TenantModel):
    class Category(models.TextChoices):
        EQUIPMENT = "equipment", _("设备费")
        MATERIALS = "materials", _("材料费")
        TESTING = "testing", _("测试化验加工费")
        FUEL_POWER = "fuel_power", _("燃料动力费")
        TRAVEL = "travel", _("差旅费")
        CONFERENCE = "conference", _("会议费")
        PUBLICATION = "publication", _("出版/文献/信息传播/知识产权事务费")
        LABOUR = "labour", _("劳务费")
        CONSULTATION = "consultation", _("专家咨询费")
        OTHER = "other", _("其他支出")

    class Source(models.TextChoices):
        MEMBER_CONTRIBUTION = "member_contribution", _("成员单位出资")
        GOVERNMENT = "government", _("政府资助")
        OTHER = "other", _("其他来源")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("项目"))
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="budget_lines", verbose_name=_("承担单位")
    )
    category = models.CharField(_("科目"), max_length=20, choices=Category.choices)
    source = models.CharField(_("来源"), max_length=30, choices=Source.choices)
    amount = MoneyField(_("预算金额"), max_digits=18, decimal_places=2, default_currency="CNY")
    note = models.CharField(_("说明"), max_length=300, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("预算科目")
        verbose_name_plural = _("预算科目")
        ordering = ["project", "id"]

    def __str__(self):
        return f"{self.get_category_display()} · {self.get_source_display()} · {self.amount}"


class Milestone(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("项目"))
    due = models.DateField(_("计划完成日期"))
    description = models.CharField(_("节点内容"), max_length=300)
    report = models.TextField(_("完成情况报告"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("报告人")
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["project", "due", "id"]

    def __str__(self):
        return f"{self.due} {self.description}"


class IPAgreement(TenantModel):
    """The project's IP agreement (第十六条(二)): every part is required before approval."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="ip_agreement", verbose_name=_("项目"))
    licensing = models.TextField(_("联盟内许可实施"), blank=True)
    revenue_sharing = models.TextField(_("收益分配"), blank=True)
    on_dissolution = models.TextField(_("联盟解散时的处理"), blank=True)
    on_withdrawal = models.TextField(_("成员退出时的处理"), blank=True)
    # 第十六条(一): results belong to the undertaking units; an outside co-owner only when named here.
    outside_owners = models.TextField(_("约定的联盟外权利人"), blank=True, help_text=_("每行一个单位全称。"))

    history = tenant_history()

    class Meta:
        verbose_name = _("知识产权约定")
        verbose_name_plural = _("知识产权约定")

    def __str__(self):
        return f"{self.project.code} · {self._meta.verbose_name}"


class IPShare(TenantModel):
    """Ownership share of the project's results held by one participant."""

    agreement = models.ForeignKey(IPAgreement, on_delete=models.CASCADE, related_name="shares", verbose_name=_("知识产权约定"))
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="ip_shares", verbose_name=_("参与单位"))
    share = models.DecimalField(_("权属份额（%）"), max_digits=5, decimal_places=2)

    history = tenant_history()

    class Meta:
        verbose_name = _("成果权属份额")
        verbose_name_plural = _("成果权属份额")
        ordering = ["agreement", "id"]
        constraints = [models.UniqueConstraint(fields=["alliance", "agreement", "participant"], name="ipshare_once_per_participant")]

    def __str__(self):
        return f"{self.participant.unit} {self.share}%"


class ProjectVersion(TenantModel):
    """A frozen plan of the project: version 1 at approval, one more per adjustment passed by the council."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="versions", verbose_name=_("项目"))
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("计划快照"))
    reason = models.TextField(_("原因"), blank=True)
    resolution = models.CharField(_("决议编号"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目版本")
        verbose_name_plural = _("项目版本")
        ordering = ["alliance", "project", "number"]
        constraints = [models.UniqueConstraint(fields=["alliance", "project", "number"], name="projectversion_number_unique")]

    def __str__(self):
        return f"{self.project.code} v{self.number}"


class Adjustment(TenantModel):
    """A change to a running project that needs a council resolution (第十九条):
    a change of tasks or budget, a revocation, or a participant's withdrawal (which also needs the bureau
    when the project is a government programme or holds government money)."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("调整任务或预算")
        REVOKE = "revoke", _("撤销项目")
        WITHDRAWAL = "withdrawal", _("参与单位退出")

    class Status(models.TextChoices):
        VOTING = "voting", _("理事会表决中")
        FAILED = "failed", _("理事会未通过")
        COUNCIL_PASSED = "council_passed", _("理事会已通过")
        AWAITING_BUREAU = "awaiting_bureau", _("待市科技局核准")
        BUREAU_APPROVED = "bureau_approved", _("市科技局已核准")
        BUREAU_REJECTED = "bureau_rejected", _("市科技局未核准")
        APPLIED = "applied", _("已执行")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("项目"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.VOTING)
    reason = models.TextField(_("原因"))
    # change: {"tasks": {participant_id: text}, "budget_lines": [{...}]}; withdrawal: {"reassign_to": id, "clawback": "123.00"}
    payload = models.JSONField(_("调整内容"), default=dict, blank=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="withdrawals", verbose_name=_("退出单位")
    )
    reassign_to = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("任务转由")
    )
    clawback = MoneyField(_("追回金额"), max_digits=18, decimal_places=2, null=True, blank=True, default_currency="CNY")
    motion = models.ForeignKey(
        "governance.Motion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("理事会议案"),
    )
    resolution = models.CharField(_("决议编号"), max_length=60, blank=True)
    submission = models.ForeignKey(
        "bureau.Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("市科技局报送"),
    )
    clawback_entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("追回凭证"),
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("执行时间"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("项目调整")
        verbose_name_plural = _("项目调整")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.project.code} · {self.get_kind_display()}"


class Expense(TenantModel):
    """A project expense as the project sees it (the journal entry is the finance app's)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("项目"))
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="expenses", verbose_name=_("承担单位")
    )
    category = models.CharField(_("科目"), max_length=20, choices=BudgetLine.Category.choices)
    source = models.CharField(_("来源"), max_length=30, choices=BudgetLine.Source.choices)
    amount = MoneyField(_("金额"), max_digits=18, decimal_places=2, default_currency="CNY")
    date = models.DateField(_("日期"))
    description = models.CharField(_("摘要"), max_length=300)
    journal_entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("记账凭证"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目支出")
        verbose_name_plural = _("项目支出")
        ordering = ["project", "-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.description} {self.amount}"


class Result(TenantModel):
    """A result of an accepted project, registered in the IP register (foreground IP)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="results", verbose_name=_("项目"))
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("成果名称"), max_length=300)
    asset = models.ForeignKey(
        "ip_registry.IPAsset", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("知识产权登记"),
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目成果")
        verbose_name_plural = _("项目成果")
        ordering = ["project", "id"]

    def __str__(self):
        return self.title


class Document(TenantModel):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("项目建议书")
        TASK_BOOK = "task_book", _("任务书")
        AGREEMENT = "agreement", _("合作协议")
        REPORT = "report", _("进展报告")
        ACCEPTANCE = "acceptance", _("验收材料")
        OTHER = "other", _("其他")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents", verbose_name=_("项目"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("文件"), upload_to="projects/%Y/%m/", validators=[validate_upload])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目文件")
        verbose_name_plural = _("项目文件")
        ordering = ["project", "-uploaded_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        """The access-checked download (files are never served from /media/)."""
        return reverse("projects:document", kwargs={"slug": self.alliance.slug, "pk": self.project_id, "document_id": self.pk})


class Event(TenantModel):
    """The project's timeline: every transition and decision, with who and which resolution or submission."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="events", verbose_name=_("项目"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    from_status = models.CharField(_("原状态"), max_length=30, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30, blank=True)
    what = models.CharField(_("事项"), max_length=300)
    reference = models.CharField(_("依据"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")
        ordering = ["project", "at", "id"]

    def __str__(self):
        return self.what
