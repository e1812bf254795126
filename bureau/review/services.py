"""The staged review of a recognition application (第十条至第十三条).

业务处室 (necessity and technical merit) -> 综合处室 (organisational form) -> expert re-review organised by
政策法规处 with 综合计划处 and 条件财务处 (第十二条's three points) -> confirmation by the head of
政策法规处 (a recognition number) -> a published list (第十三条) -> 备案 with 科技部 (第十条).
Each stage is decided by an officer of its office; any stage may return or reject, which is also
recorded as the bureau's sealed decision (bureau.services.decision_record), so the alliance reads it.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from alliances import access
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import RoleGrant
from alliances.tenancy import tenant_service
from bureau import services as bureau_services
from bureau.models import Outcome, Submission
from bureau.review.models import (
    ExpertInvitation, Office, OfficeMembership, PublishedList, Review, ReviewExpert, Stage, StageOpinion,
)
from membership.models import MemberUnit

Kinds = Office.Kind
# Which offices speak at a stage; at the expert stage 政策法规处 decides once the other two concur.
STAGE_OFFICES = {
    Stage.BUSINESS: (Kinds.BUSINESS,),
    Stage.GENERAL: (Kinds.GENERAL,),
    Stage.EXPERT: (Kinds.POLICY, Kinds.PLANNING, Kinds.FINANCE),
}
NEXT = {Stage.BUSINESS: Stage.GENERAL, Stage.GENERAL: Stage.EXPERT, Stage.EXPERT: Stage.CONFIRMATION}
# A unit that left or was expelled no longer makes its employees partial.
FORMER = (MemberUnit.Status.WITHDRAWN, MemberUnit.Status.EXPELLED)


def business_office_for(alliance):
    """The 业务处室 whose field covers the alliance's technology field (None: any business office)."""
    field = (alliance.technology_field or "").strip()
    for office in Office.objects.filter(kind=Kinds.BUSINESS).exclude(field=""):
        if field and (office.field in field or field in office.field):
            return office
    return None


def offices_of(user, *kinds, head: bool = False):
    memberships = OfficeMembership.objects.filter(user=user, office__kind__in=kinds)
    if head:
        memberships = memberships.filter(role=OfficeMembership.Role.HEAD)
    return [m.office for m in memberships.select_related("office")]


def _bureau(actor) -> None:
    if not access.is_bureau_officer(actor):
        raise Forbidden(_("只有市科技局工作人员可以审核。"))


def _office(actor, review: Review, kinds, *, head: bool = False) -> Office:
    """The office in which `actor` decides this step, else 403 with the office it belongs to."""
    _bureau(actor)
    offices = offices_of(actor, *kinds, head=head)
    if review.stage == Stage.BUSINESS and review.business_office_id:
        offices = [o for o in offices if o.pk == review.business_office_id]
    if not offices:
        names = "、".join(str(Kinds(k).label) for k in kinds)
        if review.stage == Stage.BUSINESS and review.business_office_id:
            names = review.business_office.name
        raise Forbidden(_("此阶段只能由%(office)s%(who)s办理。") % {
            "office": names, "who": _("处长") if head else _("工作人员")}, code="wrong_office")
    return offices[0]


def _text(value, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(fields={field: [_("请填写意见。")]})
    return value


def _lock(review: Review) -> tuple[Review, Submission]:
    review = Review.objects.select_for_update(of=("self",)).select_related("business_office").get(pk=review.pk)
    submission = Submission.objects.select_for_update().get(pk=review.submission_id)
    if submission.status != Submission.Status.SUBMITTED:
        raise Conflict(_("该认定申请不在审核中。"))
    return review, submission


def staged() -> bool:
    """The staged review applies once the bureau has set up its offices; until then (a bureau that
    has not configured them) one officer decides a recognition application as any other submission."""
    return Office.objects.exists()


def under_review(submission: Submission) -> bool:
    """An application opened in the staged review is decided stage by stage, never in one step."""
    with scopes_disabled():
        return Review.objects.filter(submission_id=submission.pk).exists()


def review_open(submission: Submission) -> Review | None:
    """On submitting (inside the submit transaction): a first round, or a new round after a return."""
    if not staged():
        return None
    review = Review.objects.select_for_update().filter(submission=submission).first()
    if review is None:
        return Review.objects.create(alliance=submission.alliance, submission=submission,
                                     business_office=business_office_for(submission.alliance))
    review.round += 1
    review.stage = Stage.BUSINESS
    review.save()
    return review


def stage_decide(*, actor, review: Review, outcome: str, opinion: str) -> Review:
    _bureau(actor)
    return _stage_decide(actor=actor, alliance=review.alliance, review=review, outcome=outcome, opinion=opinion)


@tenant_service
def _stage_decide(*, actor, alliance, review, outcome, opinion) -> Review:
    if outcome not in StageOpinion.Outcome.values:
        raise ValidationFailed(fields={"outcome": [_("结论须为通过、退回修改或不予认定。")]})
    opinion = _text(opinion, "opinion")
    review, submission = _lock(review)
    if review.stage not in STAGE_OFFICES:
        raise Conflict(_("该阶段不由处室审核。"))
    office = _office(actor, review, STAGE_OFFICES[review.stage])
    given = review.opinions.filter(round=review.round, stage=review.stage)
    if given.filter(office=office).exists():
        raise Conflict(_("本处室已在本阶段提出意见。"))
    if outcome == StageOpinion.Outcome.PASSED and review.stage == Stage.EXPERT:
        _check_expert_stage(review, office, given)
    StageOpinion.objects.create(alliance=alliance, review=review, round=review.round, stage=review.stage,
                                office=office, outcome=outcome, opinion=opinion, decided_by=actor,
                                decided_at=timezone.now())
    if outcome != StageOpinion.Outcome.PASSED:
        field = "necessity_opinion" if review.stage == Stage.BUSINESS else "organisation_opinion"
        office_field = "necessity_office" if review.stage == Stage.BUSINESS else "organisation_office"
        bureau_services.decision_record(actor=actor, alliance=alliance, submission=submission, decision={
            StageOpinion.Outcome.RETURNED: Outcome.RETURNED, StageOpinion.Outcome.REJECTED: Outcome.REJECTED}[outcome],
            opinion=_decision_opinion(review, comments=opinion, **{field: opinion, office_field: office.name}))
    elif office.kind in (Kinds.PLANNING, Kinds.FINANCE):
        pass  # their concurrence is recorded; 政策法规处 moves the stage on
    else:
        review.stage = NEXT[review.stage]
        review.save()
    return review


def _check_expert_stage(review, office, given) -> None:
    if office.kind != Kinds.POLICY:
        return
    concurred = set(given.filter(outcome=StageOpinion.Outcome.PASSED).values_list("office__kind", flat=True))
    lacking = [str(Kinds(k).label) for k in (Kinds.PLANNING, Kinds.FINANCE) if k not in concurred]
    if lacking:
        raise Conflict(_("尚待%(offices)s会同复核。") % {"offices": "、".join(lacking)})
    invited = review.invitations.filter(round=review.round, excluded=False)
    if not invited.exists():
        raise Conflict(_("请先邀请专家复核。"))
    if invited.filter(answered_at__isnull=True).exists():
        raise Conflict(_("尚有专家未提交复核意见。"))


def _passed(review, stage):
    return (review.opinions.filter(round=review.round, stage=stage, outcome=StageOpinion.Outcome.PASSED)
            .select_related("office").order_by("decided_at").first())


def _decision_opinion(review, *, comments="", **given) -> dict:
    """附件4's two opinions: the business office's and the general office's of this round."""
    opinion = {"necessity_opinion": "", "necessity_office": "", "necessity_date": None, "organisation_opinion": "",
               "organisation_office": "", "organisation_date": None, "comments": comments}
    for stage, part in ((Stage.BUSINESS, "necessity"), (Stage.GENERAL, "organisation")):
        passed = _passed(review, stage)
        if passed is not None:
            opinion.update({f"{part}_opinion": passed.opinion, f"{part}_office": passed.office.name,
                            f"{part}_date": timezone.localdate(passed.decided_at)})
    opinion.update(given)
    return opinion


# ---------------------------------------------------------------- expert re-review (第十二条)


def expert_invite(*, actor, review: Review, expert) -> ExpertInvitation:
    _bureau(actor)
    return _expert_invite(actor=actor, alliance=review.alliance, review=review, expert=expert)


def conflict_of(expert, alliance) -> str:
    """Why `expert` may not re-review `alliance` ("" if impartial): employed by a member unit, or
    holding a role in the alliance (as the alliance side excludes experts of concerned units)."""
    profile = ReviewExpert.objects.filter(user=expert).first()
    if profile and profile.employer_uscc:
        unit = MemberUnit.objects.filter(uscc=profile.employer_uscc).exclude(status__in=FORMER).first()
        if unit is not None:
            return _("所在单位 %(u)s 为联盟成员单位") % {"u": unit.name}
    if RoleGrant.objects.filter(user=expert, revoked_at__isnull=True).exists():
        return _("在该联盟任职")
    return ""


@tenant_service
def _expert_invite(*, actor, alliance, review, expert) -> ExpertInvitation:
    review, _submission = _lock(review)
    if review.stage != Stage.EXPERT:
        raise Conflict(_("只有专家复核阶段可以邀请专家。"))
    _office(actor, review, (Kinds.POLICY, Kinds.PLANNING, Kinds.FINANCE))
    if expert is None or not ReviewExpert.objects.filter(user=expert).exists():
        raise ValidationFailed(fields={"expert": [_("请选择市科技局专家库中的专家。")]})
    if review.invitations.filter(round=review.round, expert=expert).exists():
        raise Conflict(_("已邀请该专家。"))
    reason = conflict_of(expert, alliance)
    return ExpertInvitation.objects.create(
        alliance=alliance, review=review, round=review.round, expert=expert, excluded=bool(reason),
        exclusion_reason=reason, invited_by=actor, invited_at=timezone.now())


def expert_opinion(*, actor, invitation: ExpertInvitation, binding_opinion: str, goals_opinion: str,
                   item7_opinion: str) -> ExpertInvitation:
    return _expert_opinion(actor=actor, alliance=invitation.alliance, invitation=invitation, values={
        "binding_opinion": binding_opinion, "goals_opinion": goals_opinion, "item7_opinion": item7_opinion})


@tenant_service
def _expert_opinion(*, actor, alliance, invitation, values) -> ExpertInvitation:
    invitation = ExpertInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.expert_id != actor.pk or invitation.excluded:
        raise Forbidden(_("只有受邀且无需回避的专家可以提交复核意见。"))
    review, _submission = _lock(invitation.review)
    if review.stage != Stage.EXPERT or review.round != invitation.round:
        raise Conflict(_("专家复核已结束。"))
    for name, value in values.items():
        setattr(invitation, name, _text(value, name))
    invitation.answered_at = timezone.now()
    invitation.save()
    return invitation


# ---------------------------------------------------------------- confirmation, list, filing (第十条、第十三条)


def _next_number(year: int) -> str:
    with scopes_disabled():
        taken = Review.objects.filter(recognition_number__startswith=f"QDLM-{year}-").count()
    return f"QDLM-{year}-{taken + 1:03d}"


def recognition_confirm(*, actor, review: Review, opinion: str) -> Review:
    _bureau(actor)
    return _confirm(actor=actor, alliance=review.alliance, review=review, opinion=opinion)


@tenant_service
def _confirm(*, actor, alliance, review, opinion) -> Review:
    opinion = _text(opinion, "opinion")
    review, submission = _lock(review)
    if review.stage != Stage.CONFIRMATION:
        raise Conflict(_("该申请尚未通过专家复核。"))
    office = _office(actor, review, (Kinds.POLICY,), head=True)
    now = timezone.now()
    StageOpinion.objects.create(alliance=alliance, review=review, round=review.round, stage=Stage.CONFIRMATION,
                                office=office, outcome=StageOpinion.Outcome.PASSED, opinion=opinion,
                                decided_by=actor, decided_at=now)
    review.recognition_number = _next_number(timezone.localdate().year)
    review.confirmed_on = timezone.localdate()
    review.stage = Stage.CONFIRMED
    review.save()
    bureau_services.decision_record(actor=actor, alliance=alliance, submission=submission, decision=Outcome.APPROVED,
                                    opinion=_decision_opinion(review, comments=opinion))
    return review


def list_publish(*, actor, title: str, number: str, published_on, notice: str, reviews) -> PublishedList:
    """第十三条: a batch of confirmed alliances published under one notice."""
    _bureau(actor)
    if not offices_of(actor, Kinds.POLICY):
        raise Forbidden(_("公布名单由政策法规处办理。"), code="wrong_office")
    errors = {}
    title, number = (title or "").strip(), (number or "").strip()
    if not title:
        errors["title"] = [_("请填写名单标题。")]
    if not number:
        errors["number"] = [_("请填写文号。")]
    elif PublishedList.objects.filter(number=number).exists():
        errors["number"] = [_("该文号已使用。")]
    if published_on is None or published_on > timezone.localdate():
        errors["published_on"] = [_("请填写不晚于今天的公布日期。")]
    reviews = list(reviews or [])
    if not reviews:
        errors["reviews"] = [_("请选择已确认的联盟。")]
    elif any(r.stage != Stage.CONFIRMED for r in reviews):
        errors["reviews"] = [_("只有已确认待公布的联盟可以列入名单。")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        published = PublishedList.objects.create(title=title, number=number, published_on=published_on,
                                                 notice=(notice or "").strip(), published_by=actor)
        for review in reviews:
            _include(actor=actor, alliance=review.alliance, review=review, published=published)
    return published


@tenant_service
def _include(*, actor, alliance, review, published) -> None:
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.stage != Stage.CONFIRMED:
        raise Conflict(_("只有已确认待公布的联盟可以列入名单。"))
    review.published_list = published
    review.stage = Stage.PUBLISHED
    review.save()


def filing_record(*, actor, review: Review, filed_on, reference: str) -> Review:
    """报科技部备案: the filing date and the reference of the filing."""
    _bureau(actor)
    if not offices_of(actor, Kinds.POLICY):
        raise Forbidden(_("备案由政策法规处办理。"), code="wrong_office")
    return _filing(actor=actor, alliance=review.alliance, review=review, filed_on=filed_on, reference=reference)


@tenant_service
def _filing(*, actor, alliance, review, filed_on, reference) -> Review:
    review = Review.objects.select_for_update(of=("self",)).select_related("published_list").get(pk=review.pk)
    if review.stage != Stage.PUBLISHED:
        raise Conflict(_("名单公布后方可报科技部备案。"))
    errors = {}
    if filed_on is None or filed_on > timezone.localdate() or filed_on < review.published_list.published_on:
        errors["filed_on"] = [_("备案日期须在名单公布日期之后且不晚于今天。")]
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = [_("请填写备案文号。")]
    if errors:
        raise ValidationFailed(fields=errors)
    review.filed_on, review.filing_reference, review.stage = filed_on, reference[:100], Stage.FILED
    review.save()
    return review


def reviews_for(user):
    """What a bureau user reads (every review), or an expert (the reviews they were asked to, not excluded)."""
    with scopes_disabled():
        queryset = Review.objects.select_related("alliance", "submission", "business_office", "published_list")
        if access.is_bureau_officer(user):
            return queryset.all()
        return queryset.filter(invitations__expert=user, invitations__excluded=False).distinct()


