"""Tenancy: every tenant-owned row belongs to exactly one alliance and is read through a scoped manager.

Outside `with scope(alliance=...)` a query on a tenant model raises ScopeError instead of
returning every tenant's rows. Request middleware opens the scope for pages and the API;
services open it for the alliance they are given (see `tenant_service`).
"""

import functools
from contextvars import ContextVar

from django.db import models, transaction
from django.utils.translation import gettext as _
from django_scopes import ScopedManager, scope
from simple_history.models import HistoricalRecords

from alliances.errors import AllianceReadOnly, Conflict

_actor: ContextVar = ContextVar("lianmeng_actor", default=None)


def current_actor():
    """The user on whose behalf the running service acts (None outside a service)."""
    return _actor.get()


def history_user(instance=None, request=None, **kwargs):
    """simple-history's user getter: the service's actor first, then the request's user."""
    actor = _actor.get()
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


class TenantModel(models.Model):
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="+", verbose_name="联盟"
    )

    objects = ScopedManager(alliance="alliance")

    class Meta:
        abstract = True


def _sealed(model) -> Conflict:
    return Conflict(_("“%(what)s”一经写入即不可修改或删除。") % {"what": model._meta.verbose_name})


class SealedQuerySet(models.QuerySet):
    """Bulk writes would bypass the per-row guard: refuse them too."""

    def update(self, **kwargs):
        raise _sealed(self.model)

    def delete(self):
        raise _sealed(self.model)


class SealedTenantModel(TenantModel):
    """A tenant row written once and never changed or deleted (sealed results, resolutions, charter
    versions, frozen submissions, decisions). A correction is a new row."""

    objects = ScopedManager(alliance="alliance", _manager_class=models.Manager.from_queryset(SealedQuerySet))

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _sealed(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _sealed(type(self))


class TenantHistoryBase(models.Model):
    """Base of every historical model of a tenant model: history rows are scoped too."""

    objects = ScopedManager(alliance="alliance")

    class Meta:
        abstract = True


def tenant_history(**kwargs) -> HistoricalRecords:
    return HistoricalRecords(bases=[TenantHistoryBase], get_user=history_user, **kwargs)


def global_history(**kwargs) -> HistoricalRecords:
    return HistoricalRecords(get_user=history_user, **kwargs)


def tenant_service(fn=None, *, when_dissolved: bool = False):
    """Run a service for one alliance: keyword-only `actor` and `alliance`, one transaction,
    the tenant scope of that alliance, and history rows attributed to the actor.

    Every service writes, so a dissolved alliance (an archive, DESIGN §3 Bureau) refuses them all
    here with `AllianceReadOnly` (409), before any check or write. `when_dissolved=True` marks the
    rare service that stays allowed on the archive (a user's own notification marked read).
    A dissolving alliance (liquidation) is still fully writable."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, actor, alliance, **kwargs):
            if alliance is None or alliance.pk is None:
                raise ValueError("a tenant service needs a saved alliance")
            if not when_dissolved and alliance.is_read_only:
                raise AllianceReadOnly()
            token = _actor.set(actor)
            try:
                with scope(alliance=alliance), transaction.atomic():
                    return fn(*args, actor=actor, alliance=alliance, **kwargs)
            finally:
                _actor.reset(token)

        wrapper.tenant_service = True
        return wrapper

    return decorate(fn) if fn is not None else decorate


def platform_service(fn):
    """Like `tenant_service` for platform-level work that has no alliance yet (creating one)."""

    @functools.wraps(fn)
    def wrapper(*args, actor, **kwargs):
        token = _actor.set(actor)
        try:
            with transaction.atomic():
                return fn(*args, actor=actor, **kwargs)
        finally:
            _actor.reset(token)

    return wrapper
