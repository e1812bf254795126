"""The IP register (第十六条, 附件2 §7): assets, dated co-ownership, licences, transfers, revenue.

Ownership versions, their shares, revenue receipts and their shares are append-only records:
a change of ownership is a new version valid from a date, never an edit of an old one.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from alliances.tenancy import TenantModel, tenant_history

HUNDRED = Decimal("100")


def percent_text(value: Decimal | None) -> str:
    """60.0000 -> "60", 33.3300 -> "33.33" (never "6E+1")."""
    return "" if value is None else format(value.normalize(), "f")


class Territory(models.TextChoices):
    CITY = "city", _("本市")
    DOMESTIC = "domestic", _("国内")
    FOREIGN = "foreign", _("境外")


class Region(models.TextChoices):
    """Where an outside party is registered (第十六条(四)): a member unit is a Chinese legal person
    (its unified social credit code), so only outside parties carry one."""

    DOMESTIC = "domestic", _("境内")
    FOREIGN = "foreign", _("境外（含港澳台）")


class IPAsset(TenantModel):
    class Kind(models.TextChoices):
        INVENTION_PATENT = "invention_patent", _("发明专利")
        UTILITY_MODEL = "utility_model", _("实用新型专利")
        DESIGN_PATENT = "design_patent", _("外观设计专利")
        SOFTWARE_COPYRIGHT = "software_copyright", _("软件著作权")
        TECHNICAL_SECRET = "technical_secret", _("技术秘密")
        STANDARD = "standard", _("标准")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        FILED = "filed", _("已申请")
        GRANTED = "granted", _("已授权/登记")
        IN_FORCE = "in_force", _("有效")
        LAPSED = "lapsed", _("已失效")
        EXPIRED = "expired", _("期限届满")
        TRANSFERRED = "transferred", _("已转让出联盟")
        ABANDONED = "abandoned", _("已放弃")

    class Origin(models.TextChoices):
        BACKGROUND = "background", _("背景知识产权")
        FOREGROUND = "foreground", _("联盟项目成果")

    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=300)
    application_number = models.CharField(_("申请号"), max_length=60, blank=True)
    patent_number = models.CharField(_("专利号"), max_length=60, blank=True)
    registration_number = models.CharField(_("登记号"), max_length=60, blank=True)
    filing_date = models.DateField(_("申请日"), null=True, blank=True)
    grant_date = models.DateField(_("授权日"), null=True, blank=True)
    expiry_date = models.DateField(_("届满日"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.FILED)
    origin = models.CharField(_("来源"), max_length=20, choices=Origin.choices)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="ip_assets",
        verbose_name=_("来源项目"),
    )
    description = models.TextField(_("说明"), blank=True)
    # The agreement's cost recovery (附件2 §7): what is paid back before revenue is shared.
    cost_recovery_note = models.CharField(_("成本回收约定"), max_length=300, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("知识产权")
        verbose_name_plural = _("知识产权")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="background", project__isnull=True) | Q(origin="foreground", project__isnull=False),
                name="ipasset_foreground_has_project",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def number(self) -> str:
        return self.patent_number or self.registration_number or self.application_number


class OwnershipVersion(TenantModel):
    """Who owns an asset from `valid_from` until the next version's `valid_from` (exclusive)."""

    asset = models.ForeignKey(IPAsset, on_delete=models.PROTECT, related_name="ownership_versions")
    number = models.PositiveIntegerField(_("版本"))
    valid_from = models.DateField(_("生效日期"))
    reason = models.CharField(_("变更原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("权属版本")
        verbose_name_plural = _("权属版本")
        ordering = ["alliance", "asset", "number"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "asset", "number"], name="ownership_version_number_unique"),
            models.UniqueConstraint(fields=["alliance", "asset", "valid_from"], name="ownership_version_date_unique"),
        ]

    def __str__(self):
        return f"{self.asset} v{self.number}"


class PartyMixin(models.Model):
    """A party that is either a member unit of the alliance or an outside party named in full."""

    member_unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("成员单位"),
    )
    party_name = models.CharField(_("联盟外单位"), max_length=200, blank=True)
    party_region = models.CharField(_("联盟外单位注册地"), max_length=10, choices=Region.choices, blank=True)

    class Meta:
        abstract = True

    @property
    def is_foreign(self) -> bool:
        return not self.member_unit_id and self.party_region == Region.FOREIGN

    @property
    def party_label(self) -> str:
        return self.member_unit.name if self.member_unit_id else self.party_name

    @property
    def party_key(self) -> tuple:
        return ("unit", self.member_unit_id) if self.member_unit_id else ("party", self.party_name.strip().casefold())


def _one_party(prefix: str):
    return models.CheckConstraint(
        condition=(Q(member_unit__isnull=False, party_name="") | Q(member_unit__isnull=True) & ~Q(party_name="")),
        name=f"{prefix}_exactly_one_party",
    )


class OwnershipShare(PartyMixin, TenantModel):
    version = models.ForeignKey(OwnershipVersion, on_delete=models.PROTECT, related_name="shares")
    position = models.PositiveSmallIntegerField(_("顺序"))
    share = models.DecimalField(_("份额（%）"), max_digits=7, decimal_places=4)

    @property
    def share_text(self) -> str:
        return percent_text(self.share)

    class Meta:
        verbose_name = _("共有份额")
        verbose_name_plural = _("共有份额")
        ordering = ["alliance", "version", "position"]
        constraints = [
            _one_party("ownershipshare"),
            models.CheckConstraint(condition=Q(share__gt=0) & Q(share__lte=100), name="ownershipshare_share_range"),
            models.UniqueConstraint(fields=["alliance", "version", "position"], name="ownershipshare_position_unique"),
        ]


class Licence(TenantModel):
    class Kind(models.TextChoices):
        EXCLUSIVE = "exclusive", _("独占许可")
        SOLE = "sole", _("排他许可")
        NON_EXCLUSIVE = "non_exclusive", _("普通许可")

    class Royalty(models.TextChoices):
        NONE = "none", _("免费")
        LUMP_SUM = "lump_sum", _("一次性总付")
        PERCENTAGE = "percentage", _("按销售额提成")
        PER_UNIT = "per_unit", _("按件计费")

    class Status(models.TextChoices):
        PENDING_BUREAU = "pending_bureau", _("待市科技局批准")
        # Granted with a start date still ahead: binding, not yet in force (issue 14 §10).
        GRANTED = "granted", _("已授予（尚未生效）")
        ACTIVE = "active", _("有效")
        VOID = "void", _("无效（未获批准）")
        EXPIRED = "expired", _("已到期")
        TERMINATED = "terminated", _("已终止")

    asset = models.ForeignKey(IPAsset, on_delete=models.PROTECT, related_name="licences")
    number = models.CharField(_("许可编号"), max_length=40)
    kind = models.CharField(_("许可方式"), max_length=20, choices=Kind.choices)
    licensee_unit = models.ForeignKey(
        "membership.MemberUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("被许可成员单位"),
    )
    licensee_name = models.CharField(_("被许可联盟外单位"), max_length=200, blank=True)
    licensee_region = models.CharField(_("被许可联盟外单位注册地"), max_length=10, choices=Region.choices, blank=True)
    # Blank means every field of use.
    field_of_use = models.CharField(_("使用领域"), max_length=200, blank=True)
    territory = models.CharField(_("地域范围"), max_length=20, choices=Territory.choices)
    start = models.DateField(_("起始日"))
    end = models.DateField(_("终止日"), null=True, blank=True)
    royalty_kind = models.CharField(_("许可费方式"), max_length=20, choices=Royalty.choices, default=Royalty.NONE)
    royalty_amount = MoneyField(
        _("许可费金额"), max_digits=18, decimal_places=2, default_currency="CNY", null=True, blank=True
    )
    royalty_rate = models.DecimalField(_("提成比例（%）"), max_digits=7, decimal_places=4, null=True, blank=True)
    free_internal_rd = models.BooleanField(_("成员免费用于联盟项目研发"), default=False)
    rd_project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("研发项目"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    status_reason = models.CharField(_("状态说明"), max_length=300, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    # The bureau submission that gates this licence (第十六条(四)).
    bureau_submission = models.ForeignKey(
        "bureau.Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("市科技局报送"),
    )
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("许可")
        verbose_name_plural = _("许可")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "number"], name="licence_number_unique_per_alliance"),
            models.CheckConstraint(
                condition=Q(licensee_unit__isnull=False, licensee_name="") | Q(licensee_unit__isnull=True) & ~Q(licensee_name=""),
                name="licence_exactly_one_licensee",
            ),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="licence_end_after_start"),
        ]

    def __str__(self):
        return f"{self.number} {self.asset}"

    @property
    def royalty_rate_text(self) -> str:
        return percent_text(self.royalty_rate)

    @property
    def licensee_label(self) -> str:
        return self.licensee_unit.name if self.licensee_unit_id else self.licensee_name


class Licensor(PartyMixin, TenantModel):
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="licensors")
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("许可人")
        verbose_name_plural = _("许可人")
        ordering = ["licence", "position"]
        constraints = [_one_party("licensor")]


class Transfer(TenantModel):
    """An assignment of the whole asset to new owners; effective, it opens a new ownership version."""

    class Status(models.TextChoices):
        PENDING_BUREAU = "pending_bureau", _("待市科技局批准")
        COMPLETED = "completed", _("已生效")
        VOID = "void", _("无效（未获批准）")

    asset = models.ForeignKey(IPAsset, on_delete=models.PROTECT, related_name="transfers")
    number = models.CharField(_("转让编号"), max_length=40)
    # Derived from the transferees' registration (an outside party registered abroad), never entered.
    foreign = models.BooleanField(_("向境外转让"), default=False)
    # [{"member_unit": id|None, "party_name": str, "party_region": str, "share": "decimal"}]: the owners once it takes effect.
    transferees = models.JSONField(_("受让方"))
    price = MoneyField(_("转让价款"), max_digits=18, decimal_places=2, default_currency="CNY")
    agreed_on = models.DateField(_("签约日期"))
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    # The sellers: the ownership version valid when the transfer was agreed; the price is shared by it.
    from_version = models.ForeignKey(OwnershipVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("转让前权属"))
    to_version = models.ForeignKey(OwnershipVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("转让后权属"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    status_reason = models.CharField(_("状态说明"), max_length=300, blank=True)
    bureau_submission = models.ForeignKey(
        "bureau.Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("市科技局报送"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("转让")
        verbose_name_plural = _("转让")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["alliance", "number"], name="transfer_number_unique_per_alliance")]

    def __str__(self):
        return f"{self.number} {self.asset}"


class RevenueReceipt(TenantModel):
    """Money received for a licence or a transfer, recorded once per (licence|transfer, reference)."""

    asset = models.ForeignKey(IPAsset, on_delete=models.PROTECT, related_name="receipts")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts")
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts")
    reference = models.CharField(_("收款凭证号"), max_length=80)
    received_on = models.DateField(_("收款日期"))
    gross = MoneyField(_("收入总额"), max_digits=18, decimal_places=2, default_currency="CNY")
    cost_recovery = MoneyField(_("成本回收"), max_digits=18, decimal_places=2, default_currency="CNY")
    net = MoneyField(_("可分配金额"), max_digits=18, decimal_places=2, default_currency="CNY")
    ownership_version = models.ForeignKey(OwnershipVersion, on_delete=models.PROTECT, related_name="+")
    # The ledger entry posted through finance.
    journal_entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("收益")
        verbose_name_plural = _("收益")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "licence", "reference"], condition=Q(licence__isnull=False),
                                    name="receipt_once_per_licence_reference"),
            models.UniqueConstraint(fields=["alliance", "transfer", "reference"], condition=Q(transfer__isnull=False),
                                    name="receipt_once_per_transfer_reference"),
            models.CheckConstraint(
                condition=Q(licence__isnull=False, transfer__isnull=True) | Q(licence__isnull=True, transfer__isnull=False),
                name="receipt_for_licence_or_transfer",
            ),
        ]

    @property
    def source_label(self) -> str:
        return str(self.licence.number if self.licence_id else self.transfer.number)


class RevenueShare(PartyMixin, TenantModel):
    receipt = models.ForeignKey(RevenueReceipt, on_delete=models.PROTECT, related_name="shares")
    position = models.PositiveSmallIntegerField()
    share = models.DecimalField(_("份额（%）"), max_digits=7, decimal_places=4)
    amount = MoneyField(_("分配金额"), max_digits=18, decimal_places=2, default_currency="CNY")

    @property
    def share_text(self) -> str:
        return percent_text(self.share)

    class Meta:
        verbose_name = _("收益分配")
        verbose_name_plural = _("收益分配")
        ordering = ["receipt", "position"]
        constraints = [_one_party("revenueshare")]
