"""Membership fixtures: applicants and founding members built through the services."""

import itertools

import pytest
from django_scopes import scope

from membership.demo import demo_uscc
from membership import hooks, services
from membership.models import MemberUnit

_serials = itertools.count(7000)


def new_code(kind: str = "enterprise") -> str:
    return demo_uscc(kind, next(_serials))


def complete_fields(**overrides) -> dict:
    fields = {
        "name": f"青岛测试单位{next(_serials)}有限公司", "uscc": new_code(overrides.get("kind", "enterprise")),
        "kind": "enterprise", "legal_representative": "王强", "address": "青岛市黄岛区1号",
        "contact_person": "李明", "phone": "0532-86000000", "email": "li@example.cn",
        "standing": "区域内骨干企业", "application_statement": "申请加入联盟。",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_applicant():
    def make(ctx, **overrides) -> MemberUnit:
        return services.member_apply(actor=ctx.user("sec"), alliance=ctx.alliance, **complete_fields(**overrides))

    return make


@pytest.fixture
def make_founding_member():
    """An active founding member (imported: it signed the alliance agreement, 第八条(二))."""

    def make(ctx, **overrides) -> MemberUnit:
        row = {k: v for k, v in complete_fields(**overrides).items() if k != "application_statement"}
        row.update(status="active", joined_on="2025-03-01")
        [unit] = services.member_import(actor=ctx.user("sec"), alliance=ctx.alliance, rows=[row])
        return unit

    return make


def reload(ctx, unit) -> MemberUnit:
    with scope(alliance=ctx.alliance):
        return MemberUnit.objects.get(pk=unit.pk)


@pytest.fixture
def blocker():
    """Register a real withdrawal blocker for the units in `blocked` (as projects does)."""
    blocked: dict[int, list[str]] = {}

    def fn(unit):
        return blocked.get(unit.pk, [])

    hooks.withdrawal_blocker(fn)
    yield blocked
    hooks.withdrawal_blockers.unregister(fn)


@pytest.fixture
def departures():
    """Record the departure handlers' calls (as finance/projects would act on them)."""
    calls = []

    def fn(actor, unit, how):
        calls.append((actor, unit.pk, how))

    hooks.on_departure(fn)
    yield calls
    hooks.departure_handlers.unregister(fn)


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A request in English leaves English active in the thread: put the source language back."""
    from django.utils import translation

    yield
    translation.activate("zh-hans")
