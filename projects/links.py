"""The calls this app makes into governance, membership, finance, bureau and the IP register,
in one place, written against the contracts of docs/projects.md (common brief)."""


def participation_refusal(unit, on=None) -> str | None:
    """None if `unit` may join an alliance project on `on`, else why not (inactive, 第十六条(二) bar)."""
    from membership.selectors import participation_refusal as refusal

    return refusal(unit, on=on)


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
    from governance.models import Consultation

    return consultation is not None and consultation.status == Consultation.Status.CLOSED


def motion_create_and_open(*, actor, alliance, **kwargs):
    """Project approval and adjustment motions belong to this app's process (its outcome handlers)."""
    from governance.services import process_motion_open

    return process_motion_open(actor=actor, alliance=alliance, **kwargs)


def motion_get(pk):
    from governance.models import Motion

    return Motion.objects.filter(pk=pk).first() if pk else None


def resolution_number(motion) -> str:
    """The number of the resolution the motion passed ("" if it issued none)."""
    return motion.resolution.number if motion.resolution is not None else ""


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
    from finance.selectors import has_government_fund

    return has_government_fund(project)


def project_actuals(alliance, project) -> dict:
    """Actual spending per (category, source) from the ledger (Money)."""
    from finance.selectors import project_actuals as actuals

    return actuals(alliance, project)


# ---- IP register --------------------------------------------------------------------------------

def asset_register(**kwargs):
    from ip_registry.services import asset_register as register

    return register(**kwargs)
