"""Membership services: the only writers of member units and their lifecycle.

applied → under_review → admitted (council resolution) → active (accession agreement signed by the
chair unit); active → withdrawing → withdrawn; active → expelled (council resolution).
Every transition is a dated `MemberTransition` with its reason and resolution; an illegal one is
refused with Conflict (409) and changes nothing.
"""

import datetime
import logging
import re

from django.core.validators import validate_email
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances import access, checkpoints, dates
from alliances.errors import Conflict, Forbidden, NotFound, ValidationFailed
from alliances.models import Role, RoleGrant
from alliances.tenancy import tenant_service
from membership import chains, hooks, selectors
from membership.models import (
    AccessionAgreement, AccessionSeal, ApplicationForm, ExpulsionCase, MemberTransition, MemberUnit, ProjectBar,
)
from membership.uscc import uscc_problem

logger = logging.getLogger(__name__)

Status = MemberUnit.Status
Event = MemberTransition.Event

BAR_YEARS = 5

# Profile fields a service may set, with their maximum lengths.
PROFILE_FIELDS = {
    "name": 200, "uscc": 18, "kind": None, "alliance_role": None, "legal_representative": 100,
    "address": 300, "contact_person": 100, "phone": 50, "email": 254, "standing": 200,
    "application_statement": 5000,
}
# What an application must state before the secretariat can put it to the council.
REQUIRED_FOR_REVIEW = ("name", "uscc", "kind", "legal_representative", "address", "contact_person", "phone", "standing")

USCC_MESSAGES = {
    "length": gettext_lazy("统一社会信用代码须为18位。"),
    "alphabet": gettext_lazy("统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z）。"),
    "division": gettext_lazy("统一社会信用代码第3至8位须为行政区划码（数字）。"),
    "check": gettext_lazy("统一社会信用代码校验码不正确（GB 32100-2015）。"),
}

# Facts recorded with a departure (codes; the text is rendered in the reader's language).
CONSEQUENCE_TEXT = {
    "contributions_not_refunded": gettext_lazy("已缴纳的联盟经费不予退还。"),
    "commitments_payable": gettext_lazy("尚未缴纳的已承诺经费仍须缴纳。"),
    "licences_continue": gettext_lazy("该单位在联盟项目中许可其他成员的知识产权，按原约定继续有效。"),
    "confidentiality_continues": gettext_lazy("保密义务继续有效。"),
    "seat_revoked": gettext_lazy("理事 %(user)s 的理事会席位（%(seat)s）已撤销。"),
    "clawback": gettext_lazy("该单位承担项目任务所获政府及联盟经费予以追回（记入应收款）。"),
    "bar": gettext_lazy("依第十六条(二)，%(start)s 至 %(end)s 不得参与联盟项目。"),
    "blockers": gettext_lazy("未调整的项目任务：%(reasons)s"),
}


def consequence_text(item: dict) -> str:
    template = CONSEQUENCE_TEXT.get(item.get("code"))
    if template is None:
        return item.get("code", "")
    params = {k: v for k, v in item.items() if k != "code"}
    if "reasons" in params and isinstance(params["reasons"], list):
        params["reasons"] = "；".join(params["reasons"])
    return str(template) % params if params else str(template)


# ---------------------------------------------------------------- helpers


def _today():
    return timezone.localdate()


def _require_unit(alliance, unit) -> MemberUnit:
    if unit is None or unit.alliance_id != alliance.pk:
        raise NotFound()
    # Re-read under a row lock: two transitions of one unit at the same time end in one state.
    return MemberUnit.objects.select_for_update().get(pk=unit.pk)


def _record(unit, *, event, from_status, actor, date=None, reason="", resolution_number="", motion_id=None, consequences=None):
    return MemberTransition.objects.create(
        alliance_id=unit.alliance_id, unit=unit, event=event, from_status=from_status or "", to_status=unit.status,
        date=date or _today(), reason=reason, resolution_number=resolution_number or "", motion_id=motion_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None, consequences=consequences or [],
    )


def _illegal(unit, action) -> Conflict:
    return Conflict(
        _("成员单位当前状态为“%(status)s”，不能%(action)s。") % {"status": unit.get_status_display(), "action": action}
    )


def _clean_profile(alliance, data: dict, *, instance=None, partial=False) -> dict:
    """Validate profile fields; raise ValidationFailed with every field's problems at once."""
    errors: dict[str, list] = {}
    cleaned = {}
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("不能修改此字段。")] for name in sorted(unknown)})
    for name, limit in PROFILE_FIELDS.items():
        if name not in data:
            continue
        value = data[name]
        value = "" if value is None else str(value).strip()
        if limit and len(value) > limit:
            errors.setdefault(name, []).append(_("不能超过%(n)d个字符。") % {"n": limit})
        cleaned[name] = value
    if not partial:
        for name in ("name", "uscc", "kind"):
            if not cleaned.get(name):
                errors.setdefault(name, []).append(_("此项为必填项。"))
    elif any(name in cleaned and not cleaned[name] for name in ("name", "uscc", "kind")):
        for name in ("name", "uscc", "kind"):
            if name in cleaned and not cleaned[name]:
                errors.setdefault(name, []).append(_("此项为必填项。"))
    if cleaned.get("kind") and cleaned["kind"] not in MemberUnit.Kind.values:
        errors.setdefault("kind", []).append(_("单位类型须为企业、大学、科研机构或其他组织。"))
    if "alliance_role" in cleaned:
        cleaned["alliance_role"] = cleaned["alliance_role"] or MemberUnit.AllianceRole.ORDINARY
        if cleaned["alliance_role"] not in MemberUnit.AllianceRole.values:
            errors.setdefault("alliance_role", []).append(_("未知的联盟职务。"))
    if cleaned.get("uscc"):
        code = cleaned["uscc"] = re.sub(r"\s", "", cleaned["uscc"]).upper()
        problem = uscc_problem(code)
        if problem:
            errors.setdefault("uscc", []).append(str(USCC_MESSAGES[problem]))
        else:
            clash = MemberUnit.objects.filter(alliance=alliance, uscc=code)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors.setdefault("uscc", []).append(_("本联盟已有使用该统一社会信用代码的成员单位。"))
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors.setdefault("email", []).append(_("请填写有效的电子邮箱。"))
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def missing_for_review(unit) -> list[str]:
    return [name for name in REQUIRED_FOR_REVIEW if not getattr(unit, name)]


def _require_complete(unit) -> None:
    missing = missing_for_review(unit)
    if missing:
        raise ValidationFailed(
            _("申请材料不完整，请补充后再审核。"),
            fields={name: [_("提交理事会审议前须填写此项。")] for name in missing},
        )


# ---------------------------------------------------------------- application


@tenant_service
def member_apply(*, actor, alliance, applied_on: datetime.date | None = None, **fields) -> MemberUnit:
    """The secretariat records an application; the unit starts as an applicant."""
    access.require_secretariat(actor, alliance)
    return _create_applicant(actor, alliance, fields, applied_on=applied_on, source=MemberUnit.Source.SECRETARIAT)


def _past_in_alliance(alliance) -> dates.DateRange:
    """Membership events happen within the alliance's life and not later than today."""
    return dates.alliance_range(alliance, ahead_days=0)


def _create_applicant(actor, alliance, fields, *, applied_on, source) -> MemberUnit:
    dates.check_date(applied_on, _past_in_alliance(alliance), field="applied_on")
    cleaned = _clean_profile(alliance, fields)
    unit = MemberUnit.objects.create(
        alliance=alliance, status=Status.APPLIED, applied_on=applied_on or _today(), source=source, **cleaned
    )
    _record(unit, event=Event.APPLIED, from_status="", actor=actor, date=unit.applied_on,
            reason=cleaned.get("application_statement", ""))
    return unit


@tenant_service
def member_apply_public(*, actor=None, alliance, **fields) -> MemberUnit:
    """A prospective unit applies through the alliance's published form (no account needed)."""
    form = ApplicationForm.objects.filter(alliance=alliance).first()
    if form is None or not form.is_open:
        raise NotFound()
    fields.pop("alliance_role", None)  # applicants do not choose their role in the alliance
    return _create_applicant(None, alliance, fields, applied_on=None, source=MemberUnit.Source.PUBLIC_FORM)


@tenant_service
def application_form_update(*, actor, alliance, is_open: bool, intro: str = "") -> ApplicationForm:
    access.require_secretariat(actor, alliance)
    form, _created = ApplicationForm.objects.get_or_create(alliance=alliance)
    form.is_open = bool(is_open)
    form.intro = (intro or "").strip()
    form.save()
    return form


@tenant_service
def member_update(*, actor, alliance, unit: MemberUnit, **fields) -> MemberUnit:
    """Correct a unit's profile (history keeps every change). Status changes only by transition."""
    access.require_secretariat(actor, alliance)
    unit = _require_unit(alliance, unit)
    cleaned = _clean_profile(alliance, fields, instance=unit, partial=True)
    changed = [name for name, value in cleaned.items() if getattr(unit, name) != value]
    for name in changed:
        setattr(unit, name, cleaned[name])
    if changed:
        unit.save(update_fields=changed)
    return unit


@tenant_service
def member_review_start(*, actor, alliance, unit: MemberUnit) -> MemberUnit:
    """The secretariat checks the application is complete and starts its review."""
    access.require_secretariat(actor, alliance)
    unit = _require_unit(alliance, unit)
    if unit.status != Status.APPLIED:
        raise _illegal(unit, _("开始审核"))
    _require_complete(unit)
    unit.status = Status.UNDER_REVIEW
    unit.save(update_fields=["status"])
    _record(unit, event=Event.REVIEW_STARTED, from_status=Status.APPLIED, actor=actor,
            reason=_("申请材料齐全。"))
    return unit


@tenant_service
def member_submit_for_admission(
    *, actor, alliance, unit: MemberUnit, closes_at: datetime.datetime, title: str = "", body: str = ""
) -> MemberUnit:
    """Put the application to the council: a motion of kind admission, opened for voting."""
    access.require_secretariat(actor, alliance)
    unit = _require_unit(alliance, unit)
    if unit.status != Status.UNDER_REVIEW:
        raise _illegal(unit, _("提交理事会表决"))
    if unit.pending_motion_id:
        raise Conflict(_("该单位已有待决的理事会议案。"))
    _require_complete(unit)
    from governance import services as governance

    motion = governance.process_motion_open(
        actor=actor, alliance=alliance, kind="admission",
        title=title or _("关于接纳%(unit)s为联盟成员的议案") % {"unit": unit.name},
        body=body or _admission_body(unit), closes_at=closes_at, subject=unit,
    )
    unit.pending_motion_id = motion.pk
    unit.pending_motion_kind = "admission"
    unit.save(update_fields=["pending_motion_id", "pending_motion_kind"])
    _record(unit, event=Event.SUBMITTED_TO_COUNCIL, from_status=unit.status, actor=actor, motion_id=motion.pk)
    return unit


def _admission_body(unit) -> str:
    return _(
        "申请单位：%(name)s\n统一社会信用代码：%(uscc)s\n单位类型：%(kind)s\n法定代表人：%(rep)s\n"
        "在行业中的地位：%(standing)s\n申请说明：%(statement)s"
    ) % {
        "name": unit.name, "uscc": unit.uscc, "kind": unit.get_kind_display(), "rep": unit.legal_representative,
        "standing": unit.standing, "statement": unit.application_statement or "—",
    }


def _resolution_number(motion) -> str:
    resolution = getattr(motion, "resolution", None)
    return getattr(resolution, "number", "") or ""


def _motion_subject_unit(motion) -> MemberUnit | None:
    subject = getattr(motion, "subject", None)
    return subject if isinstance(subject, MemberUnit) else None


def admission_decided(motion) -> None:
    """Outcome handler for council motions of kind admission (runs inside the closing transaction)."""
    unit = _motion_subject_unit(motion)
    if unit is None:
        return
    _admission_decided(actor=getattr(motion, "closed_by", None), alliance=unit.alliance, unit=unit, motion=motion)


@tenant_service
def _admission_decided(*, actor, alliance, unit, motion) -> MemberUnit:
    unit = _require_unit(alliance, unit)
    if unit.status != Status.UNDER_REVIEW or unit.pending_motion_id not in (None, motion.pk):
        # A resolution moves only a unit under review that it was opened for. Never raise here:
        # the council's sealed result stands whatever the unit's state; the mismatch is logged.
        logger.warning("admission motion %s ignored: unit %s is %s (pending motion %s)",
                       motion.pk, unit.pk, unit.status, unit.pending_motion_id)
        return unit
    unit.pending_motion_id = None
    unit.pending_motion_kind = ""
    if motion.result == "passed":
        number = _resolution_number(motion)
        unit.status = Status.ADMITTED
        unit.admitted_on = _today()
        unit.admission_resolution = number
        unit.save(update_fields=["status", "admitted_on", "admission_resolution", "pending_motion_id", "pending_motion_kind"])
        _record(unit, event=Event.ADMITTED, from_status=Status.UNDER_REVIEW, actor=actor, resolution_number=number,
                motion_id=motion.pk, reason=_("理事会决议批准加入。"))
    else:
        unit.save(update_fields=["pending_motion_id", "pending_motion_kind"])
        _record(unit, event=Event.ADMISSION_REFUSED, from_status=Status.UNDER_REVIEW, actor=actor, motion_id=motion.pk,
                reason=_("议案未获通过。"))
    return unit


@tenant_service
def member_sign_accession(
    *, actor, alliance, unit: MemberUnit, signed_on: datetime.date | None = None, note: str = ""
) -> MemberUnit:
    """The chair unit signs the accession agreement on behalf of the alliance; the unit becomes active.

    The chair signs in person, or the secretariat records the chair's signature on paper; either way
    the signatory is the chair and the signing unit is the chair unit.
    """
    if not access.has_role(actor, alliance, access.CHAIR, *access.SECRETARIAT):
        raise Forbidden(_("入盟协议由理事长单位代表联盟签署。"))
    unit = _require_unit(alliance, unit)
    if unit.status != Status.ADMITTED:
        raise _illegal(unit, _("签署入盟协议"))
    chair_unit, chair_user = selectors.chair_seat_holder(alliance)
    if chair_unit is None or chair_user is None:
        raise Conflict(_("联盟尚无理事长，无法签署入盟协议。"))
    signed_on = signed_on or _today()
    if unit.admitted_on and signed_on < unit.admitted_on:
        raise ValidationFailed(fields={"signed_on": [_("签署日期不能早于理事会批准日期。")]})
    dates.check_date(signed_on, _past_in_alliance(alliance), field="signed_on")
    from governance.agreement import selectors as agreement_selectors  # the version acceded to

    agreement = AccessionAgreement.objects.create(
        alliance=alliance, unit=unit, signed_on=signed_on, signatory_unit=chair_unit, signatory=chair_user,
        recorded_by=actor, resolution_number=unit.admission_resolution,
        agreement_version=agreement_selectors.in_force_number(alliance) or alliance.agreement_version,
        note=(note or "").strip(),
    )
    AccessionSeal.objects.create(
        alliance=alliance, agreement=agreement, **chains.accessions.append(alliance, chains.accession_content(agreement)),
    )
    checkpoints.checkpoint_on_commit(alliance, "accession", names=["accessions"])
    unit.status = Status.ACTIVE
    unit.joined_on = signed_on
    unit.save(update_fields=["status", "joined_on"])
    _record(unit, event=Event.ACCESSION_SIGNED, from_status=Status.ADMITTED, actor=actor, date=signed_on,
            resolution_number=unit.admission_resolution,
            reason=_("理事长单位%(unit)s（签署人：%(user)s）代表联盟签署入盟协议。") % {"unit": chair_unit.name, "user": chair_user})
    return unit


# ---------------------------------------------------------------- withdrawal


@tenant_service
def member_withdraw_request(
    *, actor, alliance, unit: MemberUnit, reason: str, effective_on: datetime.date
) -> MemberUnit:
    """A member asks to leave, with its reason and the date the withdrawal takes effect."""
    access.require_secretariat(actor, alliance)
    unit = _require_unit(alliance, unit)
    if unit.status != Status.ACTIVE:
        raise _illegal(unit, _("申请退出"))
    if unit.pending_motion_kind == "expulsion":
        raise Conflict(_("理事会正在表决对该单位的除名，不能申请退出。"))
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写退出理由。")]
    if effective_on is None:
        errors["effective_on"] = [_("请填写退出生效日期。")]
    elif effective_on < _today():
        errors["effective_on"] = [_("退出生效日期不能早于今天。")]
    else:
        errors.update(dates.date_errors(effective_on, dates.alliance_range(alliance), field="effective_on"))
    if errors:
        raise ValidationFailed(fields=errors)
    unit.status = Status.WITHDRAWING
    unit.withdrawal_reason = reason
    unit.withdrawal_requested_on = _today()
    unit.withdrawal_effective_on = effective_on
    unit.save(update_fields=["status", "withdrawal_reason", "withdrawal_requested_on", "withdrawal_effective_on"])
    blockers = hooks.blockers_for(unit)
    _record(unit, event=Event.WITHDRAWAL_REQUESTED, from_status=Status.ACTIVE, actor=actor, reason=reason,
            consequences=[{"code": "blockers", "reasons": blockers}] if blockers else [])
    return unit


@tenant_service
def member_withdraw_complete(*, actor, alliance, unit: MemberUnit, resolution_number: str = "") -> MemberUnit:
    """The withdrawal takes effect: refused before its date and while project tasks are not adjusted
    (第十九条). Contributions paid are kept, commitments stay payable, licences continue; the
    unit's councillor loses the seat."""
    access.require_secretariat(actor, alliance)
    unit = _require_unit(alliance, unit)
    if unit.status != Status.WITHDRAWING:
        raise _illegal(unit, _("完成退出"))
    if unit.withdrawal_effective_on and _today() < unit.withdrawal_effective_on:
        raise Conflict(_("退出生效日期（%(date)s）尚未到来。") % {"date": unit.withdrawal_effective_on.isoformat()})
    _refuse_while_blocked(unit)
    number = _cited_resolution(alliance, unit, resolution_number) if (resolution_number or "").strip() else ""
    consequences = _depart(actor, alliance, unit, how="withdrawn")
    unit.status = Status.WITHDRAWN
    unit.left_on = _today()
    unit.save(update_fields=["status", "left_on"])
    _record(unit, event=Event.WITHDRAWN, from_status=Status.WITHDRAWING, actor=actor, reason=unit.withdrawal_reason,
            resolution_number=number, consequences=consequences)
    return unit


def _refuse_while_blocked(unit) -> None:
    blockers = hooks.blockers_for(unit)
    if blockers:
        raise Conflict(
            _("该单位尚有未调整的项目任务（第十九条），须先经理事会书面意见（政府科技计划项目并报市科技局核准）调整：%(list)s")
            % {"list": "；".join(blockers)},
            fields={"blockers": blockers},
        )


def _depart(actor, alliance, unit, *, how: str) -> list[dict]:
    """What leaving does here: the councillor loses the seat; other apps' handlers run (clawback).
    Nothing is deleted: contributions, commitments and licences are kept by their apps."""
    from alliances import services as alliance_services

    consequences = [
        {"code": "contributions_not_refunded"},
        {"code": "commitments_payable"},
        {"code": "licences_continue"},
        {"code": "confidentiality_continues"},
    ]
    for grant in alliance_services.unit_seats_vacate(actor=actor, alliance=alliance, unit=unit):
        consequences.append({"code": "seat_revoked", "user": str(grant.user), "seat": grant.seat.title, "grant": grant.pk})
    hooks.run_departure_handlers(actor, unit, how)
    if how == "expelled":
        consequences.append({"code": "clawback"})
    return consequences


# ---------------------------------------------------------------- expulsion


@tenant_service
def member_expel_propose(
    *, actor, alliance, unit: MemberUnit, grounds: str, statement: str, evidence: str,
    closes_at: datetime.datetime, title: str = "",
) -> ExpulsionCase:
    """Propose expelling a member for a breach of the agreement: a council motion of kind expulsion."""
    access.require_secretariat(actor, alliance)
    unit = _require_unit(alliance, unit)
    if unit.status != Status.ACTIVE:
        raise _illegal(unit, _("提议除名"))
    if unit.pending_motion_id:
        raise Conflict(_("该单位已有待决的理事会议案。"))
    errors = {}
    if grounds not in ExpulsionCase.Grounds.values:
        errors["grounds"] = [_("请选择除名事由。")]
    if not (statement or "").strip():
        errors["statement"] = [_("请写明事实与理由。")]
    if not (evidence or "").strip():
        errors["evidence"] = [_("请列明证据。")]
    if errors:
        raise ValidationFailed(fields=errors)
    _refuse_while_blocked(unit)
    from governance import services as governance

    case = ExpulsionCase.objects.create(
        alliance=alliance, unit=unit, grounds=grounds, statement=statement.strip(), evidence=evidence.strip(),
        proposed_by=actor, proposed_on=_today(),
    )
    motion = governance.process_motion_open(
        actor=actor, alliance=alliance, kind="expulsion",
        title=title or _("关于将%(unit)s除名的议案") % {"unit": unit.name},
        body=_("除名事由：%(grounds)s\n事实与理由：%(statement)s\n证据：%(evidence)s") % {
            "grounds": case.get_grounds_display(), "statement": case.statement, "evidence": case.evidence,
        },
        closes_at=closes_at, subject=unit,
    )
    case.motion_id = motion.pk
    case.save(update_fields=["motion_id"])
    unit.pending_motion_id = motion.pk
    unit.pending_motion_kind = "expulsion"
    unit.save(update_fields=["pending_motion_id", "pending_motion_kind"])
    _record(unit, event=Event.EXPULSION_PROPOSED, from_status=unit.status, actor=actor, motion_id=motion.pk,
            reason=f"{case.get_grounds_display()}：{case.statement}")
    return case


def expulsion_decided(motion) -> None:
    """Outcome handler for council motions of kind expulsion (runs inside the closing transaction)."""
    unit = _motion_subject_unit(motion)
    if unit is None:
        return
    _expulsion_decided(actor=getattr(motion, "closed_by", None), alliance=unit.alliance, unit=unit, motion=motion)


def _acting_secretariat(alliance, *candidates):
    """Who completes the expulsion's effects: the person who closed the motion when they are
    secretariat, else the proposer, else the secretary-general (a scheduled close has no actor)."""
    for person in candidates:
        if person is not None and access.has_role(person, alliance, *access.SECRETARIAT):
            return person
    grant = RoleGrant.objects.filter(alliance=alliance, role=Role.SECRETARY_GENERAL, revoked_at__isnull=True).select_related("user").first()
    return grant.user if grant else None


@tenant_service
def _expulsion_decided(*, actor, alliance, unit, motion) -> MemberUnit:
    unit = _require_unit(alliance, unit)
    case = ExpulsionCase.objects.filter(unit=unit, motion_id=motion.pk, outcome=ExpulsionCase.Outcome.PENDING).first()
    if case is None or unit.pending_motion_id != motion.pk or unit.status != Status.ACTIVE:
        # Only a motion opened by member_expel_propose expels (it carries the grounds and evidence).
        logger.warning("expulsion motion %s ignored: unit %s is %s without a matching case", motion.pk, unit.pk, unit.status)
        return unit
    number = _resolution_number(motion)
    today = _today()
    unit.pending_motion_id = None
    unit.pending_motion_kind = ""
    case.decided_on = today
    if motion.result != "passed":
        unit.save(update_fields=["pending_motion_id", "pending_motion_kind"])
        case.outcome = ExpulsionCase.Outcome.REFUSED
        case.save(update_fields=["outcome", "decided_on"])
        _record(unit, event=Event.EXPULSION_REFUSED, from_status=Status.ACTIVE, actor=actor, motion_id=motion.pk,
                reason=_("议案未获通过。"))
        return unit
    acting = _acting_secretariat(alliance, actor, case.proposed_by)
    consequences = _depart(acting, alliance, unit, how="expelled")
    if case.grounds == ExpulsionCase.Grounds.IP_REVENUE_SHARING:
        bar = ProjectBar.objects.create(
            alliance=alliance, unit=unit, start=today, end=bar_end(today), grounds=case.statement,
            resolution_number=number, expulsion_case=case,
        )
        consequences.append({"code": "bar", "start": bar.start.isoformat(), "end": bar.end.isoformat()})
    unit.status = Status.EXPELLED
    unit.left_on = today
    unit.save(update_fields=["status", "left_on", "pending_motion_id", "pending_motion_kind"])
    case.outcome = ExpulsionCase.Outcome.EXPELLED
    case.resolution_number = number
    case.save(update_fields=["outcome", "resolution_number", "decided_on"])
    _record(unit, event=Event.EXPELLED, from_status=Status.ACTIVE, actor=acting, resolution_number=number,
            motion_id=motion.pk, reason=f"{case.get_grounds_display()}：{case.statement}", consequences=consequences)
    return unit


def bar_end(start: datetime.date) -> datetime.date:
    """The last day of a five-year bar starting on `start` (29 February starts end on 27 February)."""
    try:
        anniversary = start.replace(year=start.year + BAR_YEARS)
    except ValueError:
        anniversary = start.replace(year=start.year + BAR_YEARS, day=28)
    return anniversary - datetime.timedelta(days=1)


@tenant_service
def member_bar_record(
    *, actor, alliance, unit: MemberUnit, grounds: str, resolution_number: str, start: datetime.date | None = None
) -> ProjectBar:
    """Record a five-year bar (第十六条(二)) for a unit found violating IP revenue-sharing agreements
    without being expelled: the council's finding is a passed resolution about the unit."""
    access.require_secretariat(actor, alliance)
    unit = _require_unit(alliance, unit)
    errors = {}
    if not (grounds or "").strip():
        errors["grounds"] = [_("请写明事由。")]
    try:
        number = _cited_resolution(alliance, unit, resolution_number)
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    start = start or _today()
    dates.check_date(start, dates.alliance_range(alliance), field="start")
    return ProjectBar.objects.create(
        alliance=alliance, unit=unit, start=start, end=bar_end(start), grounds=grounds.strip(),
        resolution_number=number,
    )


def _cited_resolution(alliance, unit, resolution_number: str) -> str:
    """A cited council decision about this unit: a passed resolution of this alliance whose
    motion (kind `other`) names the unit (governance.selectors.resolution_for)."""
    from governance.selectors import resolution_for

    return resolution_for(alliance, resolution_number, kinds=("other",), subject=unit).number


# ---------------------------------------------------------------- import


IMPORT_COLUMNS = ["name", "uscc", "kind", "legal_representative", "address", "contact_person", "phone", "email",
                  "standing", "alliance_role", "status", "joined_on"]
IMPORT_STATUSES = (Status.APPLIED, Status.ACTIVE)


@tenant_service
def member_import(*, actor, alliance, rows: list[dict]) -> list[MemberUnit]:
    """Import units from rows (e.g. a CSV). Every row is checked first; if any row fails, nothing
    is imported and the error lists each row's problems: {"row 3": {"uscc": [...]}}.

    A row's status is `applied` (default) or `active` (a founding member who signed the alliance
    agreement, 第八条(二)), the latter with its `joined_on` date.
    """
    access.require_secretariat(actor, alliance)
    if not rows:
        raise ValidationFailed(_("文件中没有数据行。"), fields={"file": [_("文件中没有数据行。")]})
    report: dict[str, list[str]] = {}
    prepared = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        row = {k: (v or "").strip() if isinstance(v, str) or v is None else v for k, v in row.items()}
        extra = {k: row.pop(k) for k in ("status", "joined_on") if k in row}
        problems: list[str] = []
        try:
            cleaned = _clean_profile(alliance, {k: v for k, v in row.items() if k in PROFILE_FIELDS})
        except ValidationFailed as error:
            cleaned = None
            problems += [f"{_field_label(name)}：{m}" for name, messages in error.fields.items() for m in messages]
        code = (cleaned or {}).get("uscc") or re.sub(r"\s", "", str(row.get("uscc", ""))).upper()
        if code and code in seen:
            problems.append(_("统一社会信用代码与第%(n)d行重复。") % {"n": seen[code]})
        elif code:
            seen[code] = number
        status = extra.get("status") or Status.APPLIED
        joined_on = None
        if status not in IMPORT_STATUSES:
            problems.append(_("状态只能为 applied（申请）或 active（创始成员）。"))
        elif status == Status.ACTIVE:
            try:
                joined_on = datetime.date.fromisoformat(extra.get("joined_on") or "")
            except ValueError:
                problems.append(_("正式成员须填写加入日期（YYYY-MM-DD）。"))
            else:
                problems += dates.date_errors(joined_on, _past_in_alliance(alliance), field="joined_on").get("joined_on", [])
        if problems:
            report[_("第%(n)d行") % {"n": number}] = problems
        else:
            prepared.append((cleaned, status, joined_on))
    if report:
        raise ValidationFailed(_("导入失败：有%(n)d行存在错误，未导入任何数据。") % {"n": len(report)}, fields=report)
    units = []
    for cleaned, status, joined_on in prepared:
        unit = MemberUnit.objects.create(
            alliance=alliance, status=status, applied_on=joined_on or _today(), joined_on=joined_on,
            source=MemberUnit.Source.IMPORT, **cleaned,
        )
        _record(unit, event=Event.IMPORTED, from_status="", actor=actor, date=joined_on or _today(),
                reason=_("创始成员（签署联盟协议）。") if status == Status.ACTIVE else _("批量导入的申请。"))
        units.append(unit)
    return units


def _field_label(name: str) -> str:
    try:
        return str(MemberUnit._meta.get_field(name).verbose_name)
    except Exception:
        return name
