"""Withdrawal (退出) and what a departure leaves behind."""

import datetime

from django.utils.translation import gettext as _

from alliances import access, dates
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import tenant_service
from membership import hooks
from membership.models import MemberUnit
from membership.services._common import (
    Event, Status, _cited_resolution, _depart, _illegal, _record, _refuse_while_blocked, _require_unit, _today,
)


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
