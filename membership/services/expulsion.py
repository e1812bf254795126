"""Expulsion (除名) and the five-year bar from projects (第十六条(二))."""

import datetime

from django.utils.translation import gettext as _

from alliances import access, dates
from alliances.errors import Conflict, ValidationFailed
from alliances.models import Role, RoleGrant
from alliances.tenancy import tenant_service
from membership.models import ExpulsionCase, MemberUnit, ProjectBar
from membership.services._common import (
    BAR_YEARS, Event, Status, _cited_resolution, _depart, _illegal, _motion_subject_unit, _record,
    _refuse_while_blocked, _require_unit, _resolution_number, _today, logger,
)


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
