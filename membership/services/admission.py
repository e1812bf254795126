"""Application and admission: applying, review, the council's decision, the accession agreement."""

import datetime

from django.utils.translation import gettext as _

from alliances import access, checkpoints, dates
from alliances.errors import Conflict, Forbidden, NotFound, ValidationFailed
from alliances.tenancy import tenant_service
from membership import chains, selectors
from membership.models import AccessionAgreement, AccessionSeal, ApplicationForm, MemberUnit
from membership.services._common import (
    Event, Status, _clean_profile, _illegal, _motion_subject_unit, _past_in_alliance, _record, _require_complete,
    _require_unit, _resolution_number, _today, logger,
)


@tenant_service
def member_apply(*, actor, alliance, applied_on: datetime.date | None = None, **fields) -> MemberUnit:
    """The secretariat records an application; the unit starts as an applicant."""
    access.require_secretariat(actor, alliance)
    return _create_applicant(actor, alliance, fields, applied_on=applied_on, source=MemberUnit.Source.SECRETARIAT)


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
