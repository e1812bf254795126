"""Who may do what: roles come from RoleGrant (fast joins); guardian holds per-object exceptions only."""

from django_scopes import scope

from alliances.errors import Forbidden
from alliances.models import CHAIR, Role, RoleGrant

BUREAU_GROUP = "bureau"
SECRETARIAT = frozenset({Role.STAFF, Role.SECRETARY_GENERAL})
ALL_ROLES = frozenset(Role.values) | {CHAIR}
# Who reads the activity log (alliances.activity): the secretariat and the auditor.
ACTIVITY_READERS = SECRETARIAT | {Role.AUDITOR}


def is_bureau_officer(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_is_bureau", None)
    if cached is None:
        cached = user._is_bureau = user.groups.filter(name=BUREAU_GROUP).exists()
    return cached


def roles_of(user, alliance) -> frozenset[str]:
    """The active roles of `user` in `alliance` (the chair included), cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or alliance is None:
        return frozenset()
    cache = user.__dict__.setdefault("_roles_cache", {})
    if alliance.pk not in cache:
        with scope(alliance=alliance):
            grants = list(
                RoleGrant.objects.filter(user=user, revoked_at__isnull=True).values_list("role", "seat__is_chair")
            )
        roles = {role for role, _ in grants}
        if any(role == Role.COUNCILLOR and is_chair for role, is_chair in grants):
            roles.add(CHAIR)
        cache[alliance.pk] = frozenset(roles)
    return cache[alliance.pk]


def role_labels(roles) -> list[str]:
    from django.utils.translation import gettext as _

    order = [CHAIR, *Role.values]
    return [_("理事长") if r == CHAIR else Role(r).label for r in sorted(roles, key=order.index)]


def forget_roles(user) -> None:
    user.__dict__.pop("_roles_cache", None)


def can_view_alliance(user, alliance) -> bool:
    return bool(roles_of(user, alliance)) or is_bureau_officer(user)


def may_read(user, alliance, read_roles=None, *, bureau_reads: bool = True) -> bool:
    """The one reading rule of the API and the pages: a holder of one of `read_roles` (None: any role
    in the alliance), or a bureau officer where the bureau reads that kind of record (DESIGN 1: it
    sees every alliance's records, never edits them). Writing is never granted by this."""
    if read_roles is None:
        return can_view_alliance(user, alliance)
    return bool(roles_of(user, alliance) & set(read_roles)) or (bureau_reads and is_bureau_officer(user))


def has_role(user, alliance, *roles) -> bool:
    return bool(roles_of(user, alliance) & set(roles))


def require_role(actor, alliance, *roles) -> None:
    """Raise Forbidden unless `actor` holds one of `roles` in `alliance`. Bureau officers never pass."""
    if not has_role(actor, alliance, *roles):
        raise Forbidden()


def require_secretariat(actor, alliance) -> None:
    require_role(actor, alliance, *SECRETARIAT)


def alliances_of(user):
    """Alliances where the user holds an active role (ids)."""
    from django_scopes import scopes_disabled

    if not getattr(user, "is_authenticated", False):
        return []
    with scopes_disabled():
        return list(
            RoleGrant.objects.filter(user=user, revoked_at__isnull=True).values_list("alliance_id", flat=True).distinct()
        )
