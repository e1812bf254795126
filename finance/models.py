"""The alliance's separate-account fund ledger (专帐管理, 专款专用).

Double entry in funds: every journal line carries an account and a fund (unrestricted, or
restricted to a project and a source). Posted entries are append-only, numbered without gaps
per alliance and chained by SHA-256. `LedgerBalance` keeps per-month totals per
(account, fund, currency) so a balance at any date is a few rows plus one partial month;
`MemberBalance` does the same per member unit for its statement.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from alliances.tenancy import SealedTenantModel, TenantModel, tenant_history
from alliances.uploads import validate_upload
from django_scopes import ScopedManager


class ImmutableError(Exception):
    """A posted journal entry or line was about to be changed or deleted."""


class Source(models.TextChoices):
    UNRESTRICTED = "unrestricted", _("非限定性资金")
    MEMBER_CONTRIBUTION = "member_contribution", _("成员出资")
    GOVERNMENT = "government", _("政府资助")
    LOAN = "loan", _("银行贷款")
    OTHER = "other", _("其他来源")


class Ledger(TenantModel):
    """One per alliance: the head of the hash chain. Posting locks this row (select_for_update)."""

    last_sequence = models.PositiveBigIntegerField(_("最后凭证序号"), default=0)
    last_hash = models.CharField(_("最后哈希"), max_length=64, blank=True)
    chart_version = models.PositiveIntegerField(_("科目表版本"), default=0)

    class Meta:
        verbose_name = _("账簿")
        verbose_name_plural = _("账簿")
        constraints = [models.UniqueConstraint(fields=["alliance"], name="finance_one_ledger_per_alliance")]


class Account(TenantModel):
    class Kind(models.TextChoices):
        ASSET = "asset", _("资产")
        LIABILITY = "liability", _("负债")
        NET_UNRESTRICTED = "net_unrestricted", _("非限定性净资产")
        NET_RESTRICTED = "net_restricted", _("限定性净资产")
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("费用")

    class Category(models.TextChoices):
        NONE = "", _("—")
        CASH = "cash", _("货币资金")
        OFFICE = "office", _("日常办公")
        PROJECT = "project", _("项目研发")
        REVENUE_SHARE = "revenue_share", _("收益分成")
        OTHER = "other", _("其他")

    code = models.CharField(_("科目编码"), max_length=20)
    # The code entry hashes cover: set once, never changed, so an account renumbered when the chart
    # changes keeps every entry posted to it verifying ("4101" for the old 4101 now 4201.01; a new
    # account whose code was still taken as a chain code gets "<code>@2").
    chain_code = models.CharField(_("哈希编码"), max_length=24, editable=False)
    name = models.CharField(_("科目名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    contra = models.BooleanField(_("备抵科目"), default=False)  # e.g. 1502 累计折旧: an asset with a credit balance
    source = models.CharField(_("资金来源"), max_length=30, choices=Source.choices, blank=True)
    category = models.CharField(_("用途"), max_length=20, choices=Category.choices, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("会计科目")
        verbose_name_plural = _("会计科目")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "code"], name="finance_account_code_unique"),
            models.UniqueConstraint(fields=["alliance", "chain_code"], name="finance_account_chain_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.display_name}"

    def save(self, *args, **kwargs):
        if not self.chain_code:
            self.chain_code = self.code
        elif self.pk is not None:
            stored = type(self).objects.with_scopes_disabled().filter(pk=self.pk).values_list("chain_code", flat=True).first()
            if stored not in (None, self.chain_code):
                raise ImmutableError("an account's chain code never changes")
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The chart template's names are shown in the reader's language; a name the alliance gave
        an account itself is shown as written."""
        return gettext(self.name) if self.name else ""

    @property
    def debit_normal(self) -> bool:
        return (self.kind in (self.Kind.ASSET, self.Kind.EXPENSE)) != self.contra


class Fund(TenantModel):
    """Unrestricted money of a source, or money restricted to a project and a source."""

    source = models.CharField(_("资金来源"), max_length=30, choices=Source.choices)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="funds", verbose_name=_("项目")
    )
    restricted = models.BooleanField(_("限定用途"), default=False)

    history = tenant_history()

    class Meta:
        verbose_name = _("资金")
        verbose_name_plural = _("资金")
        ordering = ["restricted", "project_id", "source"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "source", "project"], name="finance_fund_unique"),
            models.UniqueConstraint(
                fields=["alliance", "source"], condition=Q(project__isnull=True), name="finance_fund_unique_unrestricted"
            ),
        ]

    def __str__(self):
        label = Source(self.source).label
        return f"{self.project.code} · {label}" if self.project_id else str(label)


class Period(TenantModel):
    """A calendar month of the ledger; closed months refuse postings dated in them."""

    class Status(models.TextChoices):
        OPEN = "open", _("开放")
        CLOSED = "closed", _("已结账")

    year = models.PositiveIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("结账时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reopened_at = models.DateTimeField(_("重新开放时间"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reopen_reason = models.TextField(_("重新开放理由"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("会计期间")
        verbose_name_plural = _("会计期间")
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["alliance", "year", "month"], name="finance_period_unique")]

    def __str__(self):
        return f"{self.year}-{self.month:02d}"


class EntryQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(status=JournalEntry.Status.POSTED).exists():
            raise ImmutableError("posted journal entries cannot be deleted")
        return super().delete()


class JournalEntry(TenantModel):
    class Status(models.TextChoices):
        RECORDED = "recorded", _("待审核")
        POSTED = "posted", _("已过账")
        REJECTED = "rejected", _("已退回")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("记账凭证")
        CLOSING = "closing", _("结转凭证")  # made by period_close, never typed

    date = models.DateField(_("日期"))
    kind = models.CharField(_("凭证类型"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    description = models.CharField(_("摘要"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("制单人"))
    recorded_at = models.DateTimeField(_("制单时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    posted_at = models.DateTimeField(_("过账时间"), null=True, blank=True)
    sequence = models.PositiveBigIntegerField(_("凭证序号"), null=True, blank=True)
    previous_hash = models.CharField(_("上一哈希"), max_length=64, blank=True)
    hash = models.CharField(_("哈希"), max_length=64, blank=True)
    # At most one reversal that is not rejected (constraint below): a rejected one leaves the entry reversible.
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals", verbose_name=_("冲销的凭证")
    )
    rejection_reason = models.TextField(_("退回理由"), blank=True)

    objects = ScopedManager(alliance="alliance", _manager_class=models.Manager.from_queryset(EntryQuerySet))
    # The history is read per entry and per alliance: its people/reversal columns need no index
    # (each would cost every posting two index insertions).
    history = tenant_history(excluded_fields=["hash", "previous_hash"], no_db_index=["recorded_by", "approved_by", "reverses"])

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "sequence"], name="finance_entry_sequence_unique"),
            models.UniqueConstraint(fields=["alliance", "reverses"], condition=~Q(status="rejected"), name="finance_entry_one_reversal"),
        ]
        indexes = [
            models.Index(fields=["alliance", "status", "date"]),
            # The statements subtract the few closing entries of a period: found without the journal.
            models.Index(fields=["alliance", "date"], condition=Q(kind="closing"), name="finance_entry_closing_idx"),
        ]

    def __str__(self):
        return f"#{self.sequence or '—'} {self.date} {self.description}"

    def _stored_status(self):
        if self.pk is None:
            return None
        return type(self).objects.with_scopes_disabled().filter(pk=self.pk).values_list("status", flat=True).first()

    def save(self, *args, **kwargs):
        # Posting goes through QuerySet.update() in the service; a posted row never saves again.
        if self._stored_status() == self.Status.POSTED:
            raise ImmutableError("posted journal entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == self.Status.POSTED:
            raise ImmutableError("posted journal entries cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_posted(self) -> bool:
        return self.status == self.Status.POSTED


class LineQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(posted=True).exists():
            raise ImmutableError("posted journal lines cannot be deleted")
        return super().delete()


class JournalLine(TenantModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines", verbose_name=_("凭证"))
    position = models.PositiveSmallIntegerField(_("行号"), default=0)
    # Foreign keys without an index of their own: the composite indexes below lead with them, and
    # every index costs each posted line two insertions (recorded, then posted).
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines", verbose_name=_("科目"), db_index=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="lines", verbose_name=_("资金"), db_index=False)
    debit = MoneyField(_("借方"), max_digits=18, decimal_places=2, default_currency="CNY", default=0)
    credit = MoneyField(_("贷方"), max_digits=18, decimal_places=2, default_currency="CNY", default=0)
    member_unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="journal_lines",
        verbose_name=_("成员单位"), db_index=False,
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="journal_lines",
        verbose_name=_("项目"), db_index=False,
    )
    category = models.CharField(_("预算科目"), max_length=60, blank=True)
    commitment = models.ForeignKey(
        "finance.Commitment", on_delete=models.PROTECT, null=True, blank=True, related_name="lines",
        verbose_name=_("出资承诺"), db_index=False,
    )
    memo = models.CharField(_("备注"), max_length=300, blank=True)
    # Denormalised from the entry at posting, for the partial-month balance query.
    date = models.DateField(_("日期"))
    posted = models.BooleanField(_("已过账"), default=False)

    objects = ScopedManager(alliance="alliance", _manager_class=models.Manager.from_queryset(LineQuerySet))

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["entry_id", "position"]
        # Not partial on `posted`: the flag then changes no indexed value (and unposted lines are few).
        indexes = [
            models.Index(fields=["account", "fund", "debit_currency", "date"], name="finance_line_account_idx"),
            models.Index(fields=["member_unit", "date"], name="finance_line_member_idx"),
            models.Index(fields=["project", "date"], name="finance_line_proj_idx"),
        ]

    @property
    def currency(self) -> str:
        return str(self.debit.currency)

    def _is_posted(self):
        if self.pk is None:
            return JournalEntry.objects.with_scopes_disabled().filter(pk=self.entry_id, status=JournalEntry.Status.POSTED).exists()
        return type(self).objects.with_scopes_disabled().filter(pk=self.pk, posted=True).exists() or (
            JournalEntry.objects.with_scopes_disabled().filter(pk=self.entry_id, status=JournalEntry.Status.POSTED).exists()
        )

    def save(self, *args, **kwargs):
        if self._is_posted():
            raise ImmutableError("lines of a posted entry are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._is_posted():
            raise ImmutableError("lines of a posted entry cannot be deleted")
        return super().delete(*args, **kwargs)


class LedgerBalance(TenantModel):
    """Posted totals per account, fund, currency and month, maintained in the posting transaction."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="first day of the month")
    debit = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    credit = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("科目余额")
        verbose_name_plural = _("科目余额")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "account", "fund", "currency", "month"], name="finance_balance_unique"),
        ]
        indexes = [models.Index(fields=["fund", "currency"])]


class MemberBalance(TenantModel):
    """Posted totals of the lines that name a member unit, per account, commitment, currency and
    month, maintained in the posting transaction: a member statement reads these and the open
    month's lines, never all of the unit's lines."""

    member_unit = models.ForeignKey("membership.MemberUnit", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    commitment = models.ForeignKey("finance.Commitment", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    currency = models.CharField(max_length=3)
    month = models.DateField(help_text="first day of the month")
    debit = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    credit = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    lines = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("成员单位余额")
        verbose_name_plural = _("成员单位余额")
        constraints = [
            # A line without a commitment is keyed as commitment 0 (NULLs never conflict).
            models.UniqueConstraint(
                F("alliance"), F("member_unit"), F("account"), Coalesce(F("commitment"), Value(0)), F("currency"), F("month"),
                name="finance_member_balance_unique",
            ),
        ]


class Commitment(TenantModel):
    """A member unit's contribution for a year, as the agreement sets it (附件2 §5)."""

    member_unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, related_name="commitments", verbose_name=_("成员单位")
    )
    year = models.PositiveIntegerField(_("年度"))
    amount = MoneyField(_("承诺金额"), max_digits=18, decimal_places=2, default_currency="CNY")
    committed_on = models.DateField(_("承诺日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("出资承诺")
        verbose_name_plural = _("出资承诺")
        ordering = ["-year", "member_unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "member_unit", "year"], name="finance_commitment_unique"),
        ]

    def __str__(self):
        return f"{self.member_unit} {self.year}"


class Attachment(TenantModel):
    """A voucher (invoice, receipt, contract scan) attached to an entry before it posts; its SHA-256
    is part of the entry's hash, so the file cannot be swapped afterwards unnoticed."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("凭证"))
    file = models.FileField(_("附件"), upload_to="finance/vouchers/%Y/%m/", validators=[validate_upload])
    name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("原始凭证")
        verbose_name_plural = _("原始凭证")
        ordering = ["entry_id", "id"]

    def get_absolute_url(self) -> str:
        """The access-checked download (files are never served from /media/)."""
        return reverse("finance:attachment", kwargs={"slug": self.alliance.slug, "pk": self.entry_id, "attachment_id": self.pk})

    def _entry_posted(self) -> bool:
        return JournalEntry.objects.with_scopes_disabled().filter(pk=self.entry_id, status=JournalEntry.Status.POSTED).exists()

    def save(self, *args, **kwargs):
        if self._entry_posted():
            raise ImmutableError("attachments of a posted entry are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._entry_posted():
            raise ImmutableError("attachments of a posted entry cannot be deleted")
        return super().delete(*args, **kwargs)


class ReleaseCondition(models.TextChoices):
    """Why a restriction may be lifted (限定性净资产转为非限定性净资产, 民间非营利组织会计制度)."""

    PURPOSE_SPENT = "purpose_spent", _("已按限定用途支出")
    PROJECT_ACCEPTED = "project_accepted", _("项目已验收或结题")
    BUREAU_DECISION = "bureau_decision", _("市科技局批准解除限制")


class RestrictionRelease(SealedTenantModel):
    """The condition a release from restriction rests on and its evidence, written once with the
    entry it justifies (the condition is also in the entry's hashed line memo)."""

    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="release", verbose_name=_("凭证"))
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="releases", verbose_name=_("资金"))
    condition = models.CharField(_("解除条件"), max_length=30, choices=ReleaseCondition.choices)
    amount = MoneyField(_("金额"), max_digits=18, decimal_places=2, default_currency="CNY")
    # Evidence: the qualifying expenses counted (purpose spent), the project's status (accepted),
    # or the approved bureau submission (bureau decision).
    qualifying_expenses = models.DecimalField(_("可解除的合规支出"), max_digits=18, decimal_places=2, null=True, blank=True)
    project_status = models.CharField(_("项目状态"), max_length=30, blank=True)
    submission = models.ForeignKey(
        "bureau.Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("市科技局批复")
    )
    evidence = models.CharField(_("依据"), max_length=300)

    class Meta:
        verbose_name = _("限定性净资产解除记录")
        verbose_name_plural = _("限定性净资产解除记录")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.fund} · {self.get_condition_display()} · {self.amount}"

    @property
    def project_status_label(self) -> str:
        from django.apps import apps

        status = apps.get_model("projects", "Project").Status
        return status(self.project_status).label if self.project_status in status.values else self.project_status
