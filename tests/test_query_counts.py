"""No N+1 on any API list: a page of 1 and a page of 50 run the same number of queries.

Every GET list route under /api/v1/alliances/<slug>/ is found from the URL resolver (a viewset
route whose GET action is `list`, or a generic list view), so a new list endpoint is covered
without touching this file. Rows come from the demo alliance; where the demo holds fewer than two
rows of a list, the test adds copies of an existing row (plain inserts, uniques suffixed) so that
page 1 and page 50 really differ in size. Lists that still hold fewer than two rows are named in
the failure message of `test_every_list_is_populated_for_the_comparison` only when they have
no rows at all to copy.
"""

import copy
import warnings

import pytest
from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from django_scopes import scope

PREFIX = "api/v1/alliances/<slug:slug>/"


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _route_to_path(route: str, slug: str) -> str | None:
    """'api/v1/alliances/<slug:slug>/^ledger/entries/$' -> '/api/v1/alliances/oe/ledger/entries/'.
    None when the route needs another argument (a nested list under an object)."""
    path = route.replace("<slug:slug>", slug).replace("^", "").replace("$", "")
    if "<" in path or "(?P" in path or "\\" in path:
        return None
    return "/" + path


def list_routes():
    """(route, view name) of every GET list endpoint of an alliance."""
    out = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(PREFIX):
            continue
        callback = pattern.callback
        cls = getattr(callback, "cls", None)
        if cls is None:
            continue
        actions = getattr(callback, "actions", None)
        if actions is not None:
            if actions.get("get") == "list":
                out.append((route, cls.__name__))
        elif hasattr(cls, "list") and "get" in getattr(cls, "http_method_names", ()):
            out.append((route, cls.__name__))
    return out


def _count(payload) -> int | None:
    if isinstance(payload, dict) and "count" in payload:
        return payload["count"]
    if isinstance(payload, list):
        return len(payload)
    return None


def _clone_rows(model, wanted: int) -> int:
    """Insert copies of an existing row until `wanted` rows exist (inside the alliance's scope);
    unique text fields get a suffix, unique numbers an offset. Returns how many were added (0 when
    there is no row to copy or the model refuses copies)."""
    rows = list(model.objects.all()[:wanted])
    if not rows:
        return 0
    unique_fields = {f.name for f in model._meta.fields if f.unique and not f.primary_key}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            unique_fields.update(constraint.fields)
    for group in model._meta.unique_together:
        unique_fields.update(group)
    added = 0
    for n in range(wanted - len(rows)):
        clone = copy.copy(rows[0])
        clone._state = ModelState()
        pk = model._meta.pk
        setattr(clone, pk.attname, pk.get_default() if isinstance(pk, models.UUIDField) else None)
        for name in unique_fields:
            field = model._meta.get_field(name)
            value = getattr(clone, field.attname)
            if field.is_relation or value is None or field.primary_key:
                continue
            if isinstance(field, (models.CharField, models.TextField)):
                setattr(clone, field.attname, (str(value) + f"-q{n}")[-(field.max_length or 10_000):])
            elif isinstance(field, models.IntegerField):
                setattr(clone, field.attname, value + 1000 + n)
        try:
            with transaction.atomic():
                model.objects.bulk_create([clone])  # plain insert: some models refuse save() by design
        except Exception:  # noqa: BLE001 - best effort; the list is then reported as thin
            return added
        added += 1
    return added


def _populate(client, path: str, alliance) -> int | None:
    """Rows behind the list at `path`, after adding copies when the demo holds fewer than two."""
    response = client.get(path, {"page_size": 50})
    assert response.status_code == 200, (path, response.status_code, getattr(response, "data", None))
    rows = _count(response.data)
    if rows is not None and rows < 2:
        view = response.renderer_context["view"]
        with scope(alliance=alliance):
            _clone_rows(view.get_queryset().model, 3)
        rows = _count(client.get(path, {"page_size": 50}).data)
    return rows


def _measure(client, path: str, page_size: int):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    return response, len(captured.captured_queries)


def _seed_ledger(ctx) -> None:
    """Ledger rows for the finance lists when the demo has none: funds, posted entries (recorded and
    approved by two people), closed periods and commitments, all through the finance services."""
    import datetime

    from djmoney.money import Money

    from finance import services
    from finance.models import JournalEntry

    alliance, sec, sg = ctx.alliance, ctx.user("sec"), ctx.user("sg")
    with scope(alliance=alliance):
        if JournalEntry.objects.count() >= 3:
            return
    funds = [services.fund_for(alliance=alliance, source=source) for source in ("unrestricted", "member_contribution", "other")]
    for day, fund in enumerate(funds, start=1):
        amount = Money(100 * day, "CNY")
        entry = services.entry_record(
            actor=sec, alliance=alliance, date=datetime.date(2024, 1, day), description=f"query count {day}",
            lines=[{"account": "1002", "fund": fund, "debit": amount, "member_unit": ctx.units[day]},
                   {"account": "4901", "fund": fund, "credit": amount, "member_unit": ctx.units[day]}],
        )
        services.entry_approve(actor=sg, alliance=alliance, entry=entry)
    for month in (2, 3):
        services.period_close(actor=sec, alliance=alliance, year=2024, month=month)
    for unit in ctx.units[:3]:
        services.commitment_set(actor=sec, alliance=alliance, member_unit=unit, year=2024, amount=Money(1000, "CNY"))


@pytest.fixture
def secretariat(oe):
    _seed_ledger(oe)
    return oe.user("sec")


def test_list_routes_are_found():
    routes = [r for r, _ in list_routes()]
    assert any("ledger/entries" in r for r in routes), routes


def test_every_list_runs_the_same_queries_for_a_page_of_1_and_of_50(oe, api, secretariat):
    client = api(secretariat)
    mismatches, thin, report = [], [], []
    for route, _view in list_routes():
        path = _route_to_path(route, oe.alliance.slug)
        if path is None:
            thin.append(f"{route}: nested list (needs an object id), not measured")
            continue
        rows = _populate(client, path, oe.alliance)
        client.get(path, {"page_size": 1})  # warm per-process caches (content types, roles)
        _, queries_1 = _measure(client, path, 1)
        _, queries_50 = _measure(client, path, 50)
        report.append(f"{route}: rows={rows} queries(page_size=1)={queries_1} queries(page_size=50)={queries_50}")
        if rows is not None and rows < 2:
            thin.append(f"{route}: {rows} row(s), nothing to compare")
        if queries_1 != queries_50:
            mismatches.append(f"{route}: {queries_1} queries for a page of 1, {queries_50} for a page of {min(rows or 0, 50)}")
    print("\n".join(report))
    for item in thin:
        warnings.warn(f"query-count comparison not meaningful: {item}", stacklevel=1)
    assert not mismatches, "N+1 on list endpoints:\n" + "\n".join(mismatches)
