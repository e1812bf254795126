"""The bureau's staged review of a recognition application (第十条至第十三条).

Offices and their officers are the bureau's own (not tenant rows); a review, its stage opinions and
the expert re-review of one application belong to the applying alliance. A published list (公布名单)
is a bureau-wide batch of confirmed reviews.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import SealedTenantModel, TenantModel, global_history, tenant_history


class Office(models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "business", _("业务处室")
        GENERAL = "general", _("综合处室")
        POLICY = "policy", _("政策法规处")
        PLANNING = "planning", _("综合计划处")
        FINANCE = "finance", _("条件财务处")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    # A business office reviews the alliances of its field (matched against Alliance.technology_field).
    field = models.CharField(_("主管领域"), max_length=200, blank=True)

    history = global_history()

    class Meta:
        verbose_name = _("市科技局处室")
        verbose_name_plural = _("市科技局处室")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class OfficeMembership(models.Model):
    class Role(models.TextChoices):
        OFFICER = "officer", _("工作人员")
        HEAD = "head", _("处长")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("处室"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="office_memberships",
                             verbose_name=_("用户"))
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices, default=Role.OFFICER)

    history = global_history()

    class Meta:
        verbose_name = _("处室人员")
        verbose_name_plural = _("处室人员")
        constraints = [models.UniqueConstraint(fields=["office", "user"], name="officemembership_unique")]

    def __str__(self):
        return f"{self.office} · {self.user}"


class ReviewExpert(models.Model):
    """An expert the bureau may invite to a re-review; the employer decides conflicts of interest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_expert",
                                verbose_name=_("用户"))
    employer = models.CharField(_("工作单位"), max_length=200)
    employer_uscc = models.CharField(_("工作单位统一社会信用代码"), max_length=18, blank=True)

    history = global_history()

    class Meta:
        verbose_name = _("复核专家")
        verbose_name_plural = _("复核专家")

    def __str__(self):
        return f"{self.user} · {self.employer}"


class Stage(models.TextChoices):
    BUSINESS = "business", _("业务处室审核")
    GENERAL = "general", _("综合处室复核")
    EXPERT = "expert", _("专家复核")
    CONFIRMATION = "confirmation", _("市科技局确认")
    CONFIRMED = "confirmed", _("已确认待公布")
    PUBLISHED = "published", _("已公布")
    FILED = "filed", _("已报科技部备案")


class PublishedList(models.Model):
    """公布名单: one batch of recognised alliances with its date and notice."""

    title = models.CharField(_("名单标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=60, unique=True)
    published_on = models.DateField(_("公布日期"))
    notice = models.TextField(_("公告正文"), blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("公布人"))

    history = global_history()

    class Meta:
        verbose_name = _("公布名单")
        verbose_name_plural = _("公布名单")
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title


class Review(TenantModel):
    """The staged review of one recognition application; a resubmission after a return starts a new round."""

    submission = models.OneToOneField("bureau.Submission", on_delete=models.PROTECT, related_name="review",
                                      verbose_name=_("认定申请"))
    stage = models.CharField(_("审核阶段"), max_length=20, choices=Stage.choices, default=Stage.BUSINESS)
    round = models.PositiveIntegerField(_("轮次"), default=1)
    business_office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("业务处室"))
    recognition_number = models.CharField(_("认定编号"), max_length=40, blank=True)
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    published_list = models.ForeignKey(PublishedList, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="reviews", verbose_name=_("公布名单"))
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_reference = models.CharField(_("备案文号"), max_length=100, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("认定审核")
        verbose_name_plural = _("认定审核")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.submission} · {self.get_stage_display()}"


class StageOpinion(SealedTenantModel):
    """One office's opinion at one stage (printed into 附件4); sealed once given."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("通过")
        RETURNED = "returned", _("退回修改")
        REJECTED = "rejected", _("不予认定")

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("认定审核"))
    round = models.PositiveIntegerField(_("轮次"))
    stage = models.CharField(_("审核阶段"), max_length=20, choices=Stage.choices)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("处室"))
    outcome = models.CharField(_("结论"), max_length=20, choices=Outcome.choices)
    opinion = models.TextField(_("意见"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"))

    class Meta:
        verbose_name = _("阶段审核意见")
        verbose_name_plural = _("阶段审核意见")
        ordering = ["decided_at", "id"]


class ExpertInvitation(TenantModel):
    """An expert asked to re-review (第十二条's three points); a conflicted one is kept as excluded."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("认定审核"))
    round = models.PositiveIntegerField(_("轮次"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("专家"))
    excluded = models.BooleanField(_("回避"), default=False)
    exclusion_reason = models.CharField(_("回避原因"), max_length=300, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("邀请人"))
    invited_at = models.DateTimeField(_("邀请时间"))
    # 第十二条 (一)(二)(三)
    binding_opinion = models.TextField(_("联盟协议是否具有法律约束力"), blank=True)
    goals_opinion = models.TextField(_("是否明确技术创新目标和任务分工"), blank=True)
    item7_opinion = models.TextField(_("是否符合第八条第七项的规定"), blank=True)
    answered_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("复核专家邀请")
        verbose_name_plural = _("复核专家邀请")
        ordering = ["invited_at", "id"]
        constraints = [models.UniqueConstraint(fields=["alliance", "review", "round", "expert"], name="expertinvitation_once")]
