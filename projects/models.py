from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import TenantModel, tenant_history


class Project(TenantModel):
    """An alliance R&D project (the projects issue grows this into the full lifecycle)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        EXPERT_REVIEW = "expert_review", _("专家评审")
        COUNCIL_VOTE = "council_vote", _("理事会表决")
        APPROVED = "approved", _("已批准")
        AWAITING_BUREAU = "awaiting_bureau", _("待市科技局批准")
        IN_PROGRESS = "in_progress", _("实施中")
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

    history = tenant_history()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["alliance", "code"], name="project_code_unique_per_alliance")]

    def __str__(self):
        return f"{self.code} {self.title}"
