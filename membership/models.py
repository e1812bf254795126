from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import TenantModel, tenant_history
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

    history = tenant_history()

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["alliance", "uscc"], name="memberunit_uscc_unique_per_alliance")]

    def __str__(self):
        return self.name
