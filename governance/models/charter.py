"""The charter's voting rules: motion kinds, thresholds and the versions of the rules."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import SealedTenantModel


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


class CharterVersion(SealedTenantModel):
    """The alliance's voting rules, derived from the agreement's decision-rules clause (附件2 主文3):
    each agreement version that comes into force writes one. Motions keep the version they were created under."""

    version = models.PositiveIntegerField(_("版本"))
    thresholds = models.JSONField(_("各类议案的表决门槛"))
    # Minimum participation per motion kind, as [numerator, denominator] of the eligible seats.
    motion_quorums = models.JSONField(_("各类议案的法定投票人数"))
    meeting_quorum_numerator = models.PositiveSmallIntegerField(_("会议法定人数（分子）"), default=2)
    meeting_quorum_denominator = models.PositiveSmallIntegerField(_("会议法定人数（分母）"), default=3)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # The council resolution this version was adopted by (blank for the default version 1).
    resolution_number = models.CharField(_("决议编号"), max_length=40, blank=True)
    # The rules apply from this day (an agreement amendment's effective date); blank: from creation.
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
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
