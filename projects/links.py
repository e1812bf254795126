"""The calls this app makes into governance, membership, finance, bureau and the IP register,
in one place, written against the contracts of docs/projects.md (common brief)."""

from django.utils.translation import gettext as _


def participation_refusal(unit, on=None) -> str | None:
    """None if `unit` may join an alliance project on `on`, else why not (inactive, 第十六条(二) bar)."""
    try:
        from membership.selectors import participation_refusal as refusal
    except ImportError:  # membership's selector not merged yet: the minimum rule
        refusal = None
    if refusal is not None:
        return refusal(unit, on=on)
    if unit.status != "active":
        return _("%(unit)s 不是正式成员单位（当前状态：%(status)s）。") % {"unit": unit, "status": unit.get_status_display()}
    return None


def project_eligible_units():
    """The units a participant or lead-unit picker offers: those participation_refusal lets in today."""
    from membership.selectors import project_eligible_units as eligible

    return eligible()


def visible_units(user, alliance):
    """The member units `user` may read (the filter choices of the project list)."""
    from membership.selectors import visible_units as visible

    return visible(user, alliance).order_by("name", "id")


# ---- governance ---------------------------------------------------------------------------------

def consultation_create(**kwargs):
    from governance.services import consultation_create as create

    return create(**kwargs)


def consultation_get(pk):
    from governance.models import Consultation

    return Consultation.objects.filter(pk=pk).first() if pk else None


def consultation_is_closed(consultation) -> bool:
    if consultation is None:
        return False
    status = getattr(consultation, "status", None)
    return bool(getattr(consultation, "closed_at", None)) or status == "closed"


def motion_create_and_open(*, actor, alliance, **kwargs):
    """Project approval and adjustment motions belong to this app's process (its outcome handlers)."""
    from governance.services import process_motion_open

    return process_motion_open(actor=actor, alliance=alliance, **kwargs)


def motion_get(pk):
    from governance.models import Motion

    return Motion.objects.filter(pk=pk).first() if pk else None


def resolution_number(motion) -> str:
    resolution = getattr(motion, "resolution", None)
    return str(getattr(resolution, "number", "") or "") if resolution is not None else ""


# ---- bureau -------------------------------------------------------------------------------------

def approval_request(**kwargs):
    from bureau.services import approval_request as request

    return request(**kwargs)


# ---- finance ------------------------------------------------------------------------------------

def project_expense_record(**kwargs):
    from finance.services import project_expense_record as record

    return record(**kwargs)


def clawback_record(**kwargs):
    from finance.services import clawback_record as record

    return record(**kwargs)


def has_government_money(project) -> bool:
    """Whether the ledger holds government money restricted to the project (a government fund)."""
    try:
        from finance.models import Fund, Source
    except ImportError:
        return False
    return Fund.objects.filter(project=project, source=Source.GOVERNMENT).exists()


def project_actuals(alliance, project) -> dict | None:
    """Actual spending per (category, source) from the ledger; None while finance is not available."""
    try:
        from finance.selectors import project_actuals as actuals
    except ImportError:
        return None
    return actuals(alliance, project)


# ---- IP register --------------------------------------------------------------------------------

def asset_register(**kwargs):
    from ip_registry.services import asset_register as register

    return register(**kwargs)
