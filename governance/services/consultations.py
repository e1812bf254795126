"""Expert consultations: experts asked (those of concerned units excluded), opinions, the summary."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from alliances import access, dates
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Role, RoleGrant
from alliances.notifications import Text
from alliances.tenancy import tenant_service
from governance.models import Consultation, ConsultationDocument, ExpertInvitation, Motion, Notification, Opinion
from governance.selectors import consultation_summary_text
from governance.services._common import _check_upload, _subject_fields
from governance.services.notifications import _notify
from membership.models import MemberUnit


def _expert_grant(user):
    return RoleGrant.objects.filter(user=user, role=Role.EXPERT, revoked_at__isnull=True).first()


@tenant_service
def consultation_create(
    *, actor, alliance, title: str, question: str, experts, deadline, subject=None, concerned_units=(), motion=None,
) -> Consultation:
    """Ask chosen experts; those affiliated with a concerned unit are excluded (recorded with the reason)."""
    access.require_secretariat(actor, alliance)
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写标题。")]
    if not (question or "").strip():
        errors["question"] = [_("请填写征询问题。")]
    if deadline is None or timezone.is_naive(deadline) or deadline <= timezone.now():
        errors["deadline"] = [_("截止时间须晚于当前时间。")]
    else:
        errors.update(dates.date_errors(deadline, dates.alliance_range(alliance), field="deadline"))
    experts = list(experts)
    grants = {}
    for user in experts:
        grant = _expert_grant(user)
        if grant is None:
            errors.setdefault("experts", []).append(_("%(u)s 不是本联盟的专家委员会委员。") % {"u": user})
        grants[user.pk] = grant
    if not experts:
        errors["experts"] = [_("请至少选择一位专家。")]
    concerned_units = list(concerned_units)
    if any(u.alliance_id != alliance.pk for u in concerned_units):
        errors["concerned_units"] = [_("对象不属于本联盟。")]
    if motion is not None and (motion.alliance_id != alliance.pk or motion.status != Motion.Status.DRAFT):
        errors["motion"] = [_("只能关联本联盟尚未开始表决的议案。")]
    try:
        subject_type, subject_id = _subject_fields(alliance, subject)
    except ValidationFailed as error:
        errors.update(error.fields)
    if isinstance(subject, MemberUnit) and subject not in concerned_units:
        concerned_units.append(subject)
    if errors:
        raise ValidationFailed(fields=errors)
    concerned_ids = {u.pk for u in concerned_units}
    if all(grants[u.pk].member_unit_id in concerned_ids for u in experts):
        raise ValidationFailed(fields={"experts": [_("所选专家均来自相关单位，须回避；请另选专家。")]})
    consultation = Consultation.objects.create(
        alliance=alliance, title=title.strip()[:300], question=question, deadline=deadline,
        subject_type=subject_type, subject_id=subject_id, motion=motion, created_by=actor,
    )
    consultation.concerned_units.set(concerned_units)
    for user in experts:
        grant = grants[user.pk]
        excluded = grant.member_unit_id in concerned_ids
        ExpertInvitation.objects.create(
            alliance=alliance, consultation=consultation, expert=user, excluded=excluded,
            exclusion_reason=(_("所在单位 %(u)s 为相关单位") % {"u": grant.member_unit}) if excluded else "",
        )
        if not excluded:
            _notify(
                alliance, user, Notification.Kind.CONSULTATION_ASKED, f"consultation:{consultation.pk}:asked",
                Text(N_("专家咨询：%(t)s"), t=consultation.title),
                Text(N_("请在 %(d)s 前提交意见。"), d=timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")),
                reverse("governance:consultation", kwargs={"slug": alliance.slug, "pk": consultation.pk}),
            )
    return consultation


@tenant_service
def opinion_submit(*, actor, alliance, consultation: Consultation, stance: str, text: str, score=None) -> Opinion:
    """An asked (not excluded) expert answers, or revises the answer, until the consultation closes."""
    if consultation.alliance_id != alliance.pk:
        raise Forbidden()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not ExpertInvitation.objects.filter(consultation=consultation, expert=actor, excluded=False).exists():
        raise Forbidden(_("只有受邀且无须回避的专家可以提交意见。"))
    if consultation.status != Consultation.Status.OPEN:
        raise Conflict(_("专家咨询已结束。"))
    if timezone.now() > consultation.deadline:
        raise Conflict(_("已过提交意见的截止时间。"))
    errors = {}
    if stance not in Opinion.Stance.values:
        errors["stance"] = [_("意见须为支持、修改后支持或反对。")]
    if not (text or "").strip():
        errors["text"] = [_("请填写意见正文。")]
    if score is not None and (not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100):
        errors["score"] = [_("评分须为0到100的整数。")]
    if errors:
        raise ValidationFailed(fields=errors)
    opinion, _created = Opinion.objects.update_or_create(
        consultation=consultation, expert=actor,
        defaults={"alliance": alliance, "stance": stance, "text": text, "score": score, "submitted_at": timezone.now()},
    )
    return opinion


@tenant_service
def consultation_document_add(*, actor, alliance, consultation: Consultation, name: str, file) -> ConsultationDocument:
    access.require_secretariat(actor, alliance)
    if consultation.alliance_id != alliance.pk:
        raise Forbidden()
    if consultation.status != Consultation.Status.OPEN:
        raise Conflict(_("专家咨询已结束。"))
    errors = _check_upload(name, file)
    if errors:
        raise ValidationFailed(fields=errors)
    return ConsultationDocument.objects.create(alliance=alliance, consultation=consultation, name=name.strip()[:200], file=file)


@tenant_service
def consultation_close(*, actor, alliance, consultation: Consultation, summary: str = "") -> Consultation:
    """Close and summarise (the secretariat's own summary, or one generated from the opinions).
    Experts advise; nothing here decides anything."""
    access.require_secretariat(actor, alliance)
    if consultation.alliance_id != alliance.pk:
        raise Forbidden()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.OPEN:
        raise Conflict(_("专家咨询已结束。"))
    if consultation.motion_id and consultation.motion.status != Motion.Status.DRAFT:
        raise Conflict(_("关联议案已开始表决，意见汇总须在表决开始前附上。"))
    generated = consultation_summary_text(consultation)
    consultation.summary = (summary.strip() + "\n\n" + generated) if (summary or "").strip() else generated
    consultation.status = Consultation.Status.CLOSED
    consultation.closed_at = timezone.now()
    consultation.save()
    for invitation in consultation.invitations.filter(excluded=False).select_related("expert"):
        _notify(
            alliance, invitation.expert, Notification.Kind.CONSULTATION_CLOSED, f"consultation:{consultation.pk}:closed",
            Text(N_("专家咨询已结束：%(t)s"), t=consultation.title), Text(N_("感谢您的意见。")),
            reverse("governance:consultation", kwargs={"slug": alliance.slug, "pk": consultation.pk}),
        )
    return consultation
