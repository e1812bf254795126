from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances import stored_text
from alliances.tenancy import SealedTenantModel, TenantModel, global_history, tenant_history


class User(AbstractUser):
    """One account per person, whatever alliances and roles they hold."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    # The language of the person's e-mails and notices; blank: the site's (settings.LANGUAGE_CODE).
    language = models.CharField(_("语言"), max_length=10, blank=True, choices=settings.LANGUAGES)

    history = global_history(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class Alliance(models.Model):
    """The tenant: one industrial technology innovation alliance."""

    class Status(models.TextChoices):
        FORMING = "forming", _("筹建中")
        APPLYING = "applying", _("申请认定中")
        RECOGNISED = "recognised", _("已认定")
        DISSOLVING = "dissolving", _("解散中")
        DISSOLVED = "dissolved", _("已解散")

    name = models.CharField(_("中文名称"), max_length=200, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    code = models.CharField(
        _("简称代码"), max_length=8, help_text=_("用于决议编号等，例如 OE。")
    )
    technology_field = models.CharField(_("技术领域"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.FORMING)
    agreement_version = models.PositiveIntegerField(_("协议版本"), default=1)
    agreement_text = models.TextField(_("联盟协议"), blank=True)
    address = models.CharField(_("通讯地址"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    host_unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("常设机构依托单位"),
    )
    responsible_entity = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("对外承担责任的主体"),
    )
    responsible_entity_scope = models.TextField(
        _("书面授权范围"), blank=True, help_text=_("第十四条：联盟成员书面授权的范围。")
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = global_history()

    class Meta:
        verbose_name = _("联盟")
        verbose_name_plural = _("联盟")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_read_only(self) -> bool:
        """Dissolved: an archive that is read and verified, never written (every tenant service refuses)."""
        return self.status == self.Status.DISSOLVED


class Organ(TenantModel):
    """The organs of DESIGN §1: the council decides, the expert committee advises, the secretariat executes."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("理事会")
        EXPERT_COMMITTEE = "expert_committee", _("专家委员会")
        SECRETARIAT = "secretariat", _("秘书处")

    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=200)

    history = tenant_history()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [models.UniqueConstraint(fields=["alliance", "kind"], name="organ_one_per_kind")]

    def __str__(self):
        # The founding organs are named by the product (理事会): read back in the reader's language.
        return stored_text.translated(self.name)


class Seat(TenantModel):
    """A seat of an organ. Council seats belong to a council member unit; the holder is the
    person with the active role grant for the seat."""

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="seats", verbose_name=_("机构"))
    title = models.CharField(_("职务"), max_length=100)
    unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="seats", verbose_name=_("所属成员单位"),
    )
    is_chair = models.BooleanField(_("理事长席位"), default=False)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    vacated_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # The council resolution that created the seat (blank for seats set up at founding by the platform).
    resolution_number = models.CharField(_("决议编号"), max_length=40, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("席位")
        verbose_name_plural = _("席位")
        ordering = ["organ", "position", "id"]

    def __str__(self):
        title = stored_text.translated(self.title)
        return f"{self.organ.get_kind_display()} · {title}" + (f" · {self.unit}" if self.unit_id else "")


class Role(models.TextChoices):
    STAFF = "staff", _("秘书处工作人员")
    SECRETARY_GENERAL = "secretary_general", _("秘书长")
    COUNCILLOR = "councillor", _("理事")
    EXPERT = "expert", _("专家委员会委员")
    REPRESENTATIVE = "representative", _("成员单位联系人")
    AUDITOR = "auditor", _("审计")


# The chair is not a grant of its own: it is the councillor holding the chair seat.
CHAIR = "chair"


class RoleGrant(TenantModel):
    """A person's role in one alliance. Revoked grants are kept (revoked_at), never deleted."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, null=True, blank=True, related_name="grants", verbose_name=_("席位")
    )
    member_unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="role_grants", verbose_name=_("成员单位"),
    )
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("授予人"))
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("撤销人")
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # The council resolution that appointed the holder (the auditor), when one is required.
    resolution_number = models.CharField(_("决议编号"), max_length=40, blank=True)
    note = models.TextField(_("说明"), blank=True)  # e.g. the platform's reason for a recovery appointment

    history = tenant_history()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "seat"], condition=Q(revoked_at__isnull=True, seat__isnull=False),
                name="rolegrant_one_holder_per_seat",
            ),
            models.UniqueConstraint(
                fields=["alliance", "user", "role"], condition=Q(revoked_at__isnull=True),
                name="rolegrant_no_duplicate_active",
            ),
        ]

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class Checkpoint(SealedTenantModel):
    """A signed statement that one of the alliance's chains had `sequence` records ending in
    `head_hash` at `made_at` (alliances/checkpoints.py). Numbered without gaps per alliance, so a
    deleted checkpoint leaves a hole; never changed or deleted."""

    number = models.PositiveIntegerField(_("检查点序号"))
    chain = models.CharField(_("链"), max_length=40)
    sequence = models.PositiveBigIntegerField(_("记录序号"))
    head_hash = models.CharField(_("链头哈希"), max_length=64)
    made_at = models.DateTimeField(_("签署时间"))
    reason = models.CharField(_("起因"), max_length=20)
    key_id = models.CharField(_("密钥编号"), max_length=16)
    public_key = models.TextField(_("公钥"))
    signature = models.CharField(_("签名"), max_length=128)

    class Meta:
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["alliance", "number"], name="checkpoint_number_unique")]

    def __str__(self):
        return f"#{self.number} {self.chain} #{self.sequence}"


class VerificationRun(TenantModel):
    """One full verification of an alliance (`verify_alliance`): when, the verdict and each chain's result."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    ok = models.BooleanField(_("完好"))
    source = models.CharField(_("发起"), max_length=20)
    result = models.JSONField(_("结果"), default=dict)

    class Meta:
        verbose_name = _("完整性验证")
        verbose_name_plural = _("完整性验证")
        ordering = ["-finished_at", "-id"]
class ChainHead(TenantModel):
    """The head of one of the alliance's hash chains of sealed records (`alliances.chains`): the last
    sequence and hash, advanced in the transaction that appends. A deleted newest record shows as a
    head ahead of its chain."""

    chain = models.CharField(_("链"), max_length=30)
    last_sequence = models.PositiveBigIntegerField(_("最后序号"), default=0)
    last_hash = models.CharField(_("最后哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("哈希链头")
        verbose_name_plural = _("哈希链头")
        constraints = [models.UniqueConstraint(fields=["alliance", "chain"], name="chainhead_one_per_chain")]

    def __str__(self):
        return f"{self.chain} #{self.last_sequence}"


def member_unit_model():
    """The member-unit model the core's foreign keys name by string ("membership.MemberUnit"): the
    core imports no domain app, so its unit pickers (forms, API inputs) take the model from here."""
    return RoleGrant._meta.get_field("member_unit").related_model
class OutboxMessage(TenantModel):
    """An e-mail, written in the transaction of the service that decided to send it and delivered by
    the task worker after the commit (alliances/outbox.py): a rollback leaves neither row nor mail, and
    a mail server's error no longer undoes the service's work. Not versioned: it is itself the log."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("邀请")
        NOTIFICATION = "notification", _("通知")
        OVERDUE_REPORT = "overdue_report", _("报告逾期提醒")
        DIGEST = "digest", _("每日通知摘要")

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    recipient = models.EmailField(_("收件人"), max_length=254)
    subject = models.CharField(_("主题"), max_length=300)
    body = models.TextField(_("正文"))
    # Set by jobs that may run twice (the overdue-report notice): one message per recipient and key.
    key = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    # The notice kind the recipient may unsubscribe from (a link and List-Unsubscribe added when sent),
    # in the recipient's language; blank for mail that is not a notice (an invitation to the product).
    notice_kind = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # [{"filename", "content", "mimetype"}] of text attachments (a meeting's .ics).
    attachments = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("待发邮件")
        verbose_name_plural = _("待发邮件")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["alliance", "status"], name="outbox_alliance_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "recipient", "key"], condition=~Q(key=""), name="outbox_once_per_key"),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.subject}"


class ScheduledJob(models.Model):
    """The scheduler's record of a job (settings.SCHEDULED_JOBS): when it was last enqueued. Claimed by a
    conditional update, so two schedulers, or one restarted, enqueue a job once per interval."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class Job(TenantModel):
    """A long job (a large export, an archive, an import) run by the task worker (alliances/jobs.py):
    who asked, how far it is, and the file it made, which is stored privately and served only by the
    job's download view. Not versioned: it is itself the record of the run."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    kind = models.CharField(_("类别"), max_length=50)  # a name registered in alliances.jobs
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)  # the requester's, for the file's labels
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("进度说明"), max_length=200, blank=True)
    result = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("文件名"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["alliance", "status"], name="job_alliance_status")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class NotificationPreference(models.Model):
    """How one person receives one kind of notice (alliances.notifications.kinds); no row: the kind's
    default. A person's own setting, the same in every alliance."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("立即发送邮件")
        DIGEST = "digest", _("每日摘要邮件")
        IN_APP = "in_app", _("仅站内通知")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("通知类别"), max_length=40)
    delivery = models.CharField(_("接收方式"), max_length=12, choices=Delivery.choices)

    history = global_history()

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.user} {self.kind}"


class CalendarFeed(models.Model):
    """The secret token of a person's calendar feed; regenerating replaces it (the old URL then 404s)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self):
        return str(self.user)
