"""Constants and helpers shared by the membership services: profile cleaning, transitions, consequences."""

import logging
import re

from django.core.validators import validate_email
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances import dates
from alliances.errors import Conflict, NotFound, ValidationFailed
from membership import hooks
from membership.models import MemberTransition, MemberUnit
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


def _past_in_alliance(alliance) -> dates.DateRange:
    """Membership events happen within the alliance's life and not later than today."""
    return dates.alliance_range(alliance, ahead_days=0)


def _resolution_number(motion) -> str:
    resolution = getattr(motion, "resolution", None)
    return getattr(resolution, "number", "") or ""


def _motion_subject_unit(motion) -> MemberUnit | None:
    subject = getattr(motion, "subject", None)
    return subject if isinstance(subject, MemberUnit) else None


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


def _cited_resolution(alliance, unit, resolution_number: str) -> str:
    """A cited council decision about this unit: a passed resolution of this alliance whose
    motion (kind `other`) names the unit (governance.selectors.resolution_for)."""
    from governance.selectors import resolution_for

    return resolution_for(alliance, resolution_number, kinds=("other",), subject=unit).number
