"""Council resolutions cited by the tenant core (a council seat, the auditor's appointment).

The tenant core imports no domain app: governance registers its one resolver here in `ready()`
(`governance.selectors.resolution_for`), and the core asks it through `cited_resolution`.
"""

_resolver = None


def register_resolver(fn) -> None:
    global _resolver
    _resolver = fn


def cited_resolution(alliance, number: str, *, kinds, subject=None, field: str = "resolution_number") -> str:
    """The number of a passed council resolution of `alliance` of one of `kinds` about `subject`;
    else the resolver's field error on `field`."""
    if _resolver is None:
        raise RuntimeError("no resolution resolver registered (is the governance app installed?)")
    return _resolver(alliance, number, kinds=kinds, subject=subject, field=field).number
