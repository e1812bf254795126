"""Bureau services: the only writers of submissions, their versions and decisions.

The alliance side drafts (`approval_request`), edits (`submission_edit`) and — the
secretary-general only — submits (`submission_submit`). A bureau officer decides
(`submission_decide`) any kind but the recognition application, which goes through the staged
review of bureau/review/ once the bureau has set up its offices; the decision calls the handlers registered with
`bureau.gates.on_decision(kind)` inside the same transaction.
"""

from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances import access, checkpoints, dates
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Alliance, Role
from alliances.services import alliance_status_set
from alliances.tenancy import tenant_service
from bureau import documents, gates, witness
from governance.agreement import selectors as agreement_selectors
from bureau.review import conditions
from bureau.review import services as review_services
from bureau.models import (
    FORM_FIELDS, INNOVATION_GOALS_MAX, NARRATIVE_FIELDS, Decision, Kind, Outcome, Submission, SubmissionVersion,
    content_hash,
)

# Who may open a draft: the secretariat, and the chair (第十七条: the chair unit proposes projects).
DRAFTERS = access.SECRETARIAT | {access.CHAIR}
OPEN_STATUSES = (Submission.Status.DRAFT, Submission.Status.SUBMITTED, Submission.Status.RETURNED)
# Narrative the bureau needs before a recognition application (附件1) or a necessity statement (附件3) may go.
REQUIRED_NARRATIVE = {
    Kind.RECOGNITION_APPLICATION: ("innovation_goals", "industry_status", "technology_trends", "policy_fit", "alliance_role"),
    Kind.NECESSITY_STATEMENT: ("industry_status", "technology_trends", "policy_fit", "alliance_role"),
}
# Matters only a recognised alliance reports, with the statuses in which it may: a project proposal
# (第十七条: a city-level alliance proposes programme projects; not one that is forming or dissolving).
RECOGNISED_ONLY = {
    Kind.PROJECT_PROPOSAL: (Alliance.Status.RECOGNISED,),
}


def _require_standing(alliance, kind: str) -> None:
    allowed = RECOGNISED_ONLY.get(kind)
    if allowed and alliance.status not in allowed:
        raise Conflict(_("只有经市科技局认定的联盟可以报送“%(kind)s”；本联盟当前状态为“%(status)s”。") % {
            "kind": Kind(kind).label, "status": alliance.get_status_display()}, code="not_recognised")


def _validate_narrative(values: dict) -> None:
    goals = values.get("innovation_goals") or ""
    if len(goals) > INNOVATION_GOALS_MAX:
        raise ValidationFailed(fields={"innovation_goals": [
            _("技术创新目标限%(max)d字，当前%(n)d字。") % {"max": INNOVATION_GOALS_MAX, "n": len(goals)}
        ]})


def _annual_year(alliance, payload: dict) -> int:
    try:
        year = int(payload.get("year"))
    except (TypeError, ValueError):
        raise ValidationFailed(fields={"payload.year": [_("请填写报告年度。")]}) from None
    # A year of the alliance's life (its first accounting period's year) up to this year.
    if not dates.alliance_start(alliance).year <= year <= timezone.localdate().year:
        raise ValidationFailed(fields={"payload.year": [_("报告年度无效。")]})
    return year


def _fund_release_request(subject, payload: dict) -> str:
    """A request to lift the restriction on government money is about one project and names the
    amount (finance's release on a bureau decision takes at most that)."""
    if subject is None or subject._meta.label != "projects.Project":
        raise ValidationFailed(fields={"project": [_("请选择要解除资金限制的项目。")]})
    try:
        amount = Decimal(str(payload.get("amount")))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")) \
            or amount >= Decimal("1e16"):
        raise ValidationFailed(fields={"payload.amount": [_("请填写申请解除限制的金额（大于零，最多两位小数）。")]})
    return f"{amount:.2f}"


def _stored_text(message, **params) -> str:
    """Text kept in the records (history reasons) is in the source language, whoever acts."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params


# ---------------------------------------------------------------- alliance side


@tenant_service
def approval_request(*, actor, alliance, kind: str, title: str, subject=None, payload=None) -> Submission:
    """Open a draft submission of `kind` about `subject` (any tenant object of this alliance)."""
    if not access.has_role(actor, alliance, *DRAFTERS):
        raise Forbidden()
    if kind not in Kind.values:
        raise ValidationFailed(fields={"kind": [_("未知的报送类型。")]})
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(fields={"title": [_("请填写标题。")]})
    if len(title) > 200:
        raise ValidationFailed(fields={"title": [_("标题不能超过200字。")]})
    payload = dict(payload or {})
    if subject is not None and getattr(subject, "alliance_id", None) != alliance.pk:
        raise ValidationFailed(fields={"subject": [_("对象不属于本联盟。")]})
    if kind in (Kind.RECOGNITION_APPLICATION, Kind.DISSOLUTION):
        if Submission.objects.filter(kind=kind, status__in=OPEN_STATUSES).exists():
            raise Conflict(_("已有一份未办结的同类报送。"))
    _require_standing(alliance, kind)
    if kind == Kind.RECOGNITION_APPLICATION and alliance.status not in (Alliance.Status.FORMING, Alliance.Status.APPLYING):
        raise Conflict(_("只有筹建中的联盟可以申请认定。"))
    if kind == Kind.DISSOLUTION and alliance.status in (Alliance.Status.DISSOLVING, Alliance.Status.DISSOLVED):
        raise Conflict(_("联盟已在解散程序中。"))
    if kind == Kind.ANNUAL_REPORT:
        year = payload["year"] = _annual_year(alliance, payload)
        if Submission.objects.filter(kind=kind, payload__year=year).exclude(status=Submission.Status.REJECTED).exists():
            raise Conflict(_("%(year)d年度报告已存在。") % {"year": year})
    if kind == Kind.RECOGNITION_APPLICATION:
        for key in FORM_FIELDS:
            payload.setdefault(key, "")
    if kind == Kind.FUND_RELEASE:
        payload["amount"] = _fund_release_request(subject, payload)
    return Submission.objects.create(
        alliance=alliance, kind=kind, title=title, payload=payload, created_by=actor,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
    )


@tenant_service
def submission_edit(*, actor, alliance, submission: Submission, title=None, form=None, **narrative) -> Submission:
    """The secretariat writes the narrative sections of a draft or returned submission."""
    access.require_secretariat(actor, alliance)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.is_editable:
        raise Conflict(_("已报送的材料不能修改；被退回后方可修改。"))
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("未知字段。")] for name in unknown})
    _validate_narrative(narrative)
    if title is not None:
        if not title.strip() or len(title) > 200:
            raise ValidationFailed(fields={"title": [_("请填写不超过200字的标题。")]})
        submission.title = title.strip()
    for name, value in narrative.items():
        setattr(submission, name, (value or "").strip())
    if form:
        bad = set(form) - set(FORM_FIELDS)
        if bad:
            raise ValidationFailed(fields={f"form.{name}": [_("未知字段。")] for name in bad})
        submission.payload = {**submission.payload, **{k: str(v or "").strip()[:200] for k, v in form.items()}}
    submission.save()
    return submission


@tenant_service
def submission_submit(*, actor, alliance, submission: Submission) -> Submission:
    """The secretary-general submits: the live data is frozen into a new version with its PDF and hash."""
    if not access.has_role(actor, alliance, Role.SECRETARY_GENERAL):
        raise Forbidden(_("只有秘书长可以向市科技局报送。"))
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.is_editable:
        raise Conflict(_("该材料已报送或已办结。"))
    _require_standing(alliance, submission.kind)  # the status may have changed since the draft
    _validate_narrative({"innovation_goals": submission.innovation_goals})
    missing = [name for name in REQUIRED_NARRATIVE.get(submission.kind, ()) if not getattr(submission, name).strip()]
    if missing:
        raise ValidationFailed(fields={name: [_("报送前请填写此部分。")] for name in missing})
    if submission.kind in documents.AGREEMENT_KINDS and (problems := agreement_selectors.problems(alliance)):
        raise ValidationFailed(fields={"agreement": problems})
    if submission.kind == Kind.RECOGNITION_APPLICATION:
        unmet = conditions.recognition_missing(alliance)
        if unmet:
            raise ValidationFailed(_("尚不具备申请认定的条件（第八条、第九条）。"), fields={"conditions": unmet})
    # The alliance row lock numbers the submissions chain; the submission carries fresh signed
    # heads of every chain, which the bureau keeps (bureau/witness.py) and the PDF footer prints.
    Alliance.objects.select_for_update().filter(pk=alliance.pk).first()
    checkpoints.make_checkpoints(alliance, "submission")
    carried = checkpoints.latest(alliance)
    now = timezone.now()
    number = submission.version + 1
    snapshot = documents.build_snapshot(submission, version=number, submitted_by=actor, submitted_at=now)
    snapshot["checkpoints"] = carried
    pdf = documents.render_pdf(snapshot)
    sequence, previous_hash = witness.submissions_head(alliance)
    version = SubmissionVersion(
        alliance=alliance, submission=submission, number=number, snapshot=snapshot, document=pdf,
        sha256=content_hash(snapshot, pdf), submitted_by=actor, submitted_at=now, sequence=sequence + 1,
        previous_hash=previous_hash,
    )
    version.hash = version.chain_hash()
    version.save()
    witness.receive(version, carried)
    checkpoints.checkpoint_on_commit(alliance, "submission", names=["submissions"])
    submission.version = number
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_by = actor
    submission.submitted_at = now
    submission.save()
    if submission.kind == Kind.RECOGNITION_APPLICATION:
        review_services.review_open(submission)
    if submission.kind == Kind.RECOGNITION_APPLICATION and alliance.status == Alliance.Status.FORMING:
        alliance_status_set(actor=actor, alliance=alliance, status=Alliance.Status.APPLYING,
                            reason=_stored_text(gettext_lazy("报送认定申请书：%(title)s"), title=submission.title))
    elif submission.kind == Kind.DISSOLUTION:
        submission.payload = {**submission.payload, "status_before": alliance.status}
        submission.save(update_fields=["payload"])
        alliance_status_set(actor=actor, alliance=alliance, status=Alliance.Status.DISSOLVING,
                            reason=_stored_text(gettext_lazy("报送解散报告：%(title)s"), title=submission.title))
    return submission


# ---------------------------------------------------------------- bureau side


def submission_decide(
    *, actor, submission: Submission, decision: str, necessity_opinion: str = "", necessity_office: str = "",
    necessity_date=None, organisation_opinion: str = "", organisation_office: str = "", organisation_date=None,
    comments: str = "",
) -> Submission:
    """A bureau officer approves, rejects or returns a submitted submission with a 附件4 opinion."""
    if not access.is_bureau_officer(actor):
        raise Forbidden(_("只有市科技局工作人员可以审核。"))
    # A review is dated within the alliance's life, never later than today.
    span = dates.alliance_range(submission.alliance, ahead_days=0)
    dates.check_date(necessity_date, span, field="necessity_date")
    dates.check_date(organisation_date, span, field="organisation_date")
    if review_services.under_review(submission):
        raise Conflict(_("认定申请按分阶段审核办理（第十条至第十三条），不能一次审结。"), code="staged_review")
    return decision_record(
        actor=actor, alliance=submission.alliance, submission=submission, decision=decision,
        opinion={
            "necessity_opinion": (necessity_opinion or "").strip(), "necessity_office": (necessity_office or "").strip(),
            "necessity_date": necessity_date, "organisation_opinion": (organisation_opinion or "").strip(),
            "organisation_office": (organisation_office or "").strip(), "organisation_date": organisation_date,
            "comments": (comments or "").strip(),
        },
    )


@tenant_service
def decision_record(*, actor, alliance, submission: Submission, decision: str, opinion: dict) -> Submission:
    """The sealed decision on the current version (also the staged review's return, rejection and
    confirmation): the submission's status follows and the gated actions run."""
    if decision not in Outcome.values:
        raise ValidationFailed(fields={"decision": [_("审核结论须为批准、不予批准或退回修改。")]})
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Submission.Status.SUBMITTED:
        raise Conflict(_("只有待审的报送可以审核。"))
    if decision == Outcome.RETURNED and not opinion["comments"]:
        raise ValidationFailed(fields={"comments": [_("退回修改须写明修改意见。")]})
    if decision != Outcome.RETURNED and not (opinion["necessity_opinion"] or opinion["organisation_opinion"]):
        raise ValidationFailed(fields={"necessity_opinion": [_("请填写审核意见。")]})
    now = timezone.now()
    today = timezone.localdate()
    # An opinion is dated (today unless given); a date without its opinion means nothing.
    for part in ("necessity", "organisation"):
        has_text = bool(opinion[f"{part}_opinion"])
        opinion[f"{part}_date"] = (opinion[f"{part}_date"] or today) if has_text else None
    Decision.objects.create(
        alliance=alliance, submission=submission, version=submission.current_version, outcome=decision,
        decided_by=actor, decided_at=now, **opinion,
    )
    submission.status = {
        Outcome.APPROVED: Submission.Status.APPROVED, Outcome.REJECTED: Submission.Status.REJECTED,
        Outcome.RETURNED: Submission.Status.RETURNED,
    }[decision]
    submission.decision = decision
    submission.decided_at = now
    submission.save()
    # A return asks for changes: nothing is decided yet, so the gated action stays blocked.
    if decision != Outcome.RETURNED:
        for handler in gates.handlers_for(submission.kind):
            handler(submission)
    return submission


@gates.on_decision(Kind.RECOGNITION_APPLICATION)
def _recognition_decided(submission: Submission) -> None:
    from alliances.tenancy import current_actor

    if submission.decision == Outcome.APPROVED:
        status = Alliance.Status.RECOGNISED
        reason = gettext_lazy("市科技局批准认定申请：%(title)s")
    else:
        status = Alliance.Status.FORMING
        reason = gettext_lazy("市科技局未批准认定申请：%(title)s")
    alliance_status_set(actor=current_actor(), alliance=submission.alliance, status=status,
                        reason=_stored_text(reason, title=submission.title))


@gates.on_decision(Kind.DISSOLUTION)
def _dissolution_decided(submission: Submission) -> None:
    from alliances.tenancy import current_actor

    if submission.decision == Outcome.APPROVED:
        status, reason = Alliance.Status.DISSOLVED, gettext_lazy("市科技局确认解散：%(title)s")
    else:
        status = submission.payload.get("status_before") or Alliance.Status.RECOGNISED
        reason = gettext_lazy("市科技局未同意解散：%(title)s")
    alliance_status_set(actor=current_actor(), alliance=submission.alliance, status=status,
                        reason=_stored_text(reason, title=submission.title))
