"""The alliance agreement (联盟协议, 附件2): versions with structured clauses, and the parties' signatures.

Imported by governance/models.py, so these are governance models (app label `governance`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.errors import Conflict
from alliances.tenancy import SealedTenantModel, TenantModel, tenant_history
from alliances.uploads import validate_upload


class AgreementVersion(TenantModel):
    """One version of the agreement. A draft is edited; once put to signature or to a vote its
    clauses are fixed, and once adopted or rejected the row never changes again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SIGNING = "signing", _("待各方签署")
        VOTING = "voting", _("理事会表决中")
        ADOPTED = "adopted", _("已通过")
        REJECTED = "rejected", _("未通过")

    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    clauses = models.JSONField(_("条款"), default=dict)
    note = models.TextField(_("修改说明"), blank=True)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("所修改的版本"))
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    motion = models.OneToOneField("governance.Motion", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="agreement_version", verbose_name=_("表决议案"))
    resolution_number = models.CharField(_("决议编号"), max_length=40, blank=True)
    charter = models.ForeignKey("governance.CharterVersion", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("由此产生的表决规则"))
    adopted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("起草人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("联盟协议版本")
        verbose_name_plural = _("联盟协议版本")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["alliance", "number"], name="agreementversion_number_unique")]

    def __str__(self):
        return _("联盟协议第%(n)d版") % {"n": self.number}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in (self.Status.ADOPTED, self.Status.REJECTED):
                raise Conflict(_("已通过或未通过的协议版本不可修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict(_("协议版本不可删除。"))

    @property
    def is_founding(self) -> bool:
        return self.based_on_id is None

    def state(self, in_force_number: int | None) -> str:
        """draft / signing / voting / rejected, or for an adopted version in_force, superseded or
        scheduled (adopted, its effective date still ahead)."""
        if self.status != self.Status.ADOPTED:
            return self.status
        if in_force_number == self.number:
            return "in_force"
        if self.effective_on and self.effective_on > timezone.localdate():
            return "scheduled"
        return "superseded"


STATE_LABELS = {"in_force": _("现行有效"), "superseded": _("已被取代"), "scheduled": _("已通过待生效")}


class AgreementSignature(SealedTenantModel):
    """A party's signature of a version (附件2 六、结尾部分): by its legal representative, or by a
    proxy with the legal representative's letter of authorisation. A link of the alliance's
    `agreement_signatures` chain (governance/agreement/chains.py)."""

    class Capacity(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
        PROXY = "proxy", _("授权委托人")

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures",
                                verbose_name=_("协议版本"))
    unit = models.ForeignKey("membership.MemberUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("缔约方"))
    signer_name = models.CharField(_("签署人"), max_length=100)
    capacity = models.CharField(_("签署身份"), max_length=30, choices=Capacity.choices)
    proxy_letter = models.FileField(_("授权委托书"), upload_to="governance/agreement/%Y/", blank=True,
                                    validators=[validate_upload])
    signed_on = models.DateField(_("签署日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    sequence = models.PositiveIntegerField(_("序号"))
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("联盟协议签署")
        verbose_name_plural = _("联盟协议签署")
        ordering = ["signed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "version", "unit"], name="agreementsignature_unique"),
            models.UniqueConstraint(fields=["alliance", "sequence"], name="agreementsignature_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.signer_name}"
