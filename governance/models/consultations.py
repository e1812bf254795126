"""Expert consultations: documents, invitations, opinions."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import TenantModel, tenant_history
from alliances.uploads import validate_upload
from governance.models.motions import Motion


class Consultation(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("征询中")
        CLOSED = "closed", _("已结束")

    title = models.CharField(_("标题"), max_length=300)
    question = models.TextField(_("征询问题"))
    deadline = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    concerned_units = models.ManyToManyField("membership.MemberUnit", blank=True, related_name="+", verbose_name=_("相关单位"))
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="consultations",
                               verbose_name=_("议案"))
    summary = models.TextField(_("意见汇总"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("专家咨询")
        verbose_name_plural = _("专家咨询")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class ConsultationDocument(TenantModel):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="documents", verbose_name=_("专家咨询"))
    name = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="governance/consultations/%Y/", validators=[validate_upload])
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("咨询材料")
        verbose_name_plural = _("咨询材料")

    def get_absolute_url(self) -> str:
        """The access-checked download (files are never served from /media/)."""
        return reverse("governance:consultation_document",
                       kwargs={"slug": self.alliance.slug, "pk": self.consultation_id, "document_id": self.pk})


class ExpertInvitation(TenantModel):
    """An expert asked (or excluded, with the reason) in a consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="invitations")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    excluded = models.BooleanField(_("回避"), default=False)
    exclusion_reason = models.CharField(_("回避原因"), max_length=300, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("专家邀请")
        verbose_name_plural = _("专家邀请")
        constraints = [models.UniqueConstraint(fields=["alliance", "consultation", "expert"], name="invitation_unique")]


class Opinion(TenantModel):
    class Stance(models.TextChoices):
        SUPPORT = "support", _("支持")
        SUPPORT_WITH_CHANGES = "support_with_changes", _("修改后支持")
        OPPOSE = "oppose", _("反对")

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="opinions")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("意见"), max_length=30, choices=Stance.choices)
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    text = models.TextField(_("意见正文"))
    submitted_at = models.DateTimeField(_("提交时间"))

    history = tenant_history()

    class Meta:
        verbose_name = _("专家意见")
        verbose_name_plural = _("专家意见")
        constraints = [models.UniqueConstraint(fields=["alliance", "consultation", "expert"], name="opinion_one_per_expert")]
