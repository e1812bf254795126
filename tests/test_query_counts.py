"""No N+1 on any API list: a page of 1 and a page of 50 run the same number of queries.

Every list operation is found in the OpenAPI schema (`/api/schema/`): each GET whose 200 response
is a paginated page or a JSON array, nested lists (under a project, a licence, a transfer) and the
bureau's included, so a new list endpoint is covered without touching this file. The rows come
from the demo loaders of every app (`manage.py demo`'s order) run for the demo alliance inside the
test; nested lists take the parent object (from the demo data) whose list is the longest. Every
list must hold at least two rows, or the test fails naming it: the comparison is then real for
each endpoint. A list that is not paginated (the bureau console, one row per alliance) is compared
before and after one more alliance is created through the service.
"""

import re
from importlib import import_module, util

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled
from drf_spectacular.generators import SchemaGenerator

DEMO_APPS = ["membership", "governance", "finance", "projects", "ip_registry", "bureau"]

# Lists whose cost per row is known and bounded by design, pinned here: any growth fails.
# The bureau console reads `finance.selectors.government_summary` once per alliance (5 queries: the
# fifth reads the few closing-entry lines, which activity figures leave out).
PER_ROW_QUERIES = {"/api/v1/bureau/alliances/": 5}
# The activity log reads each history table apart (alliances.activity): its cost grows with the kinds
# of record a page shows, at most a few queries per table, never with the page's rows.
PER_TABLE_QUERIES = {"/api/v1/alliances/{slug}/activity/": 6}


def list_operations() -> list[tuple[str, str]]:
    """(path template, kind) of every GET list operation in the schema; kind is "page" or "array"."""
    with scopes_disabled():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    out = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        body = operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema")
        if not body:
            continue
        if body.get("type") == "array":
            out.append((path, "array"))
        elif "$ref" in body and "results" in components[body["$ref"].rsplit("/", 1)[-1]].get("properties", {}):
            out.append((path, "page"))
    return out


def _rows(response) -> int:
    data = response.data
    return data["count"] if isinstance(data, dict) else len(data)


def _measure(client, path: str, page_size: int, page: int = 1):
    path, _, query = path.partition("?")
    params = dict(pair.split("=", 1) for pair in query.split("&") if pair) | {"page_size": page_size, "page": page}
    client.get(path, params)  # warm per-process caches (content types, roles)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code, getattr(response, "data", None))
    return response, len(captured.captured_queries)


def _seed_ledger(ctx) -> None:
    """Ledger rows the finance demo does not make: closed periods and commitments of units."""
    from djmoney.money import Money

    from finance import services
    from finance.models import Commitment, Period

    alliance, sec = ctx.alliance, ctx.user("sec")
    with scope(alliance=alliance):
        closed = Period.objects.count()
        committed = Commitment.objects.count()
    if closed < 2:
        for month in (1, 2):
            services.period_close(actor=sec, alliance=alliance, year=2020, month=month)
    if committed < 2:
        for unit in ctx.units[:3]:
            services.commitment_set(actor=sec, alliance=alliance, member_unit=unit, year=2020, amount=Money(1000, "CNY"))


def _seed_transfers(ctx) -> None:
    """The IP demo makes no transfer: two domestic transfers of demo assets, the first paid in two
    instalments, through the IP services."""
    from decimal import Decimal

    from django.utils import timezone
    from djmoney.money import Money

    from ip_registry import services
    from ip_registry.models import IPAsset, Transfer

    alliance, sec = ctx.alliance, ctx.user("sec")
    with scope(alliance=alliance):
        if Transfer.objects.count() >= 2:
            return
        assets = list(IPAsset.objects.exclude(status__in=services.DEAD_ASSET).order_by("pk")[:2])
    today = timezone.localdate()
    transfers = [
        services.transfer_create(actor=sec, alliance=alliance, asset=asset, transferees=[(ctx.units[n + 2], "", Decimal(100))],
                                 price=Money(1000 * (n + 1), "CNY"), agreed_on=today)
        for n, asset in enumerate(assets)
    ]
    for n in range(2):
        services.receipt_record(actor=sec, alliance=alliance, transfer=transfers[0], reference=f"QC-T-{n}",
                                received_on=today, gross=Money(500, "CNY"))


def _seed_second_list(ctx) -> None:
    """biomed's application (part-way in the demo) through its remaining stages into a second published list."""
    from django.utils import timezone

    from bureau import demo as bureau_demo
    from bureau.review import services as review_services
    from bureau.review.models import Review

    users = bureau_demo.offices()
    with scope(alliance=ctx.alliance):
        review = Review.objects.get()
        bureau_demo.advance(users, review, until="")
        review.refresh_from_db()
    review_services.list_publish(actor=users["bureau"], title="查询计数名单", number="查询计数-2",
                                 published_on=timezone.localdate(), notice="", reviews=[review])


def _seed_thin_lists(ctx) -> None:
    """Second rows, through the services, for the lists the demo leaves with one row or none:
    charter versions, meetings, a licence's receipts, a running project's documents, adjustments and versions."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from djmoney.money import Money

    from governance import services as governance
    from ip_registry import services as ip
    from ip_registry.models import Licence
    from projects import services as projects
    from projects.models import Participant, Project
    from tests.projects.conftest import decide_motion

    alliance, sec = ctx.alliance, ctx.user("sec")
    from governance.agreement import services as agreement

    amendment = agreement.agreement_draft(actor=sec, alliance=alliance, note="查询计数",
                                          clauses={"openness": {"cooperation": "查询计数"}})
    motion = agreement.agreement_propose(actor=sec, alliance=alliance, version=amendment)
    for councillor in ["chair"] + [f"council-{n}" for n in range(1, 5)]:  # adopted: one more agreement and charter version
        governance.vote_cast(actor=ctx.user(councillor), alliance=alliance, motion=motion, choice="for")
    governance.motion_close(actor=sec, alliance=alliance, motion=motion)
    governance.meeting_create(actor=sec, alliance=alliance, title="查询计数会议", starts_at=timezone.now() + timedelta(days=3),
                              agenda=["议题一", "议题二"])
    with scope(alliance=alliance):
        licence = Licence.objects.filter(receipts__isnull=False).order_by("pk").first()
        running = [p for p in Project.objects.filter(status__in=projects.EXECUTING).order_by("pk")
                   if p.participants.filter(status=Participant.Status.ACTIVE).exclude(role=Participant.Role.LEAD).count() >= 2]
        project = running[0]
        active = list(project.participants.filter(status=Participant.Status.ACTIVE).order_by("pk"))
    from finance import services as finance

    finance.fund_for(alliance=alliance, source="loan", project=project)  # one fund more than the other alliance
    ip.receipt_record(actor=sec, alliance=alliance, licence=licence, reference="QC-L-2",
                      received_on=timezone.localdate(), gross=Money(300, "CNY"))
    for n in range(2):
        projects.document_add(actor=sec, alliance=alliance, project=project, title=f"查询计数文件{n}",
                              file=SimpleUploadedFile(f"qc{n}.pdf", b"%PDF-1.4 query count"))
    lead = next(p for p in active if p.role == Participant.Role.LEAD)
    change = projects.adjustment_propose(actor=sec, alliance=alliance, project=project, kind="change",
                                         reason="调整任务分工（查询计数）", tasks=[(lead, "总体设计与集成")])
    decide_motion(ctx, change.motion_id)  # passed: the project's second version
    for leaving in [p for p in active if p.role != Participant.Role.LEAD][:2]:
        projects.withdrawal_request(actor=sec, alliance=alliance, participant=leaving, reason="退出", reassign_to=lead)


@pytest.fixture
def demo_world(oe, bm):
    """The full demo of both alliances, as `manage.py demo` builds it."""
    for app in DEMO_APPS:
        if util.find_spec(f"{app}.demo") is None:
            continue
        module = import_module(f"{app}.demo")
        for ctx in (oe, bm):
            with scope(alliance=ctx.alliance):
                module.load(ctx)
    _seed_ledger(oe)
    _seed_transfers(oe)
    _seed_thin_lists(oe)
    _seed_second_list(bm)
    return oe


def _parents(template: str, ctx) -> list[dict]:
    """Every value set for the path's parameters other than the slug (nested lists)."""
    from ip_registry.models import Licence, Transfer
    from projects.models import Project

    names = set(re.findall(r"{(\w+)}", template)) - {"slug"}
    if not names:
        return [{}]
    with scope(alliance=ctx.alliance):
        if "/licences/" in template:
            ids = list(Licence.objects.values_list("pk", flat=True))
        elif "/ip-transfers/" in template:
            ids = list(Transfer.objects.values_list("pk", flat=True))
        else:
            assert "project" in template, f"no parent known for {template}: add it to _parents"
            ids = list(Project.objects.values_list("pk", flat=True))
    (name,) = names
    return [{name: pk} for pk in ids]


def _client_for(template: str, ctx, api, bureau):
    if template.startswith("/api/v1/bureau/") or template == "/api/v1/alliances/":
        return api(bureau)
    if template.endswith("/notifications/"):
        return api(ctx.user("chair"))  # one's own inbox: a councillor is notified of every motion
    return api(ctx.user("sec"))


def _longest(client, template: str, ctx) -> tuple[str, int]:
    """The path (parameters filled) whose list holds the most rows."""
    best = None
    for params in _parents(template, ctx):
        path = template.replace("{slug}", ctx.alliance.slug)
        for name, value in params.items():
            path = path.replace("{" + name + "}", str(value))
        response = client.get(path, {"page_size": 200})
        assert response.status_code == 200, (path, response.status_code, getattr(response, "data", None))
        rows = _rows(response)
        if best is None or rows > best[1]:
            best = (path, rows)
    return best or (None, 0)


def test_list_operations_are_found():
    operations = dict(list_operations())
    for path in ("/api/v1/alliances/{slug}/ledger/entries/", "/api/v1/alliances/{slug}/projects/{project_pk}/milestones/",
                 "/api/v1/alliances/{slug}/licences/{id}/receipts/", "/api/v1/bureau/submissions/"):
        assert operations.get(path) == "page", path
    assert operations.get("/api/v1/bureau/alliances/") == "array"


def _instances(template, ctx, bm_ctx, api):
    """(client, path) of the list for every parent object, and for the other alliance."""
    out = []
    for each in (ctx, bm_ctx):
        client = _client_for(template, each, api, None)
        for params in _parents(template, each):
            path = template.replace("{slug}", each.alliance.slug)
            for name, value in params.items():
                path = path.replace("{" + name + "}", str(value))
            out.append((client, path))
            if "/ledger/" in template and not params:
                out.append((client, path + "?as_of=2000-01-01"))  # the same list before any entry
    return out


def test_every_list_runs_the_same_queries_for_a_page_of_1_and_of_50(demo_world, bm, api, bureau_user, platform_admin):
    ctx, bm_ctx = demo_world, bm
    mismatches, thin, report = [], [], []
    arrays = []
    operations = list_operations()
    for template, kind in operations:
        client = _client_for(template, ctx, api, bureau_user)
        path, rows = _longest(client, template, ctx)
        if path is None:
            thin.append(f"{template}: no parent object in the demo data")
            continue
        if kind == "array" and "{slug}" not in template:
            arrays.append((template, client, path))  # one row per alliance: grows below
            continue
        page_50, queries_50 = _measure(client, path, 50)
        # A page of 1: the dearest single row of the first five (a row whose relations are empty
        # skips the nested prefetch queries, which is not what an N+1 looks like).
        singles = [_measure(client, path, 1, n) for n in range(1, min(rows, 5) + 1)] or [_measure(client, path, 1)]
        page_1, queries_1 = max(singles, key=lambda pair: pair[1])
        if not isinstance(page_50.data, dict):
            # A whole list, not a page: compare the same list of other sizes (every
            # parent object, or the other alliance).
            sizes = {}
            for other in _instances(template, ctx, bm_ctx, api):
                response, queries = _measure(other[0], other[1], 50)
                sizes.setdefault(len(response.data), set()).add(queries)
            counts = set().union(*sizes.values())
            report.append(f"{template}: UNPAGINATED rows->queries {sorted((k, sorted(v)) for k, v in sizes.items())}")
            if len(sizes) < 2 or max(sizes) < 1:
                thin.append(f"{template}: unpaginated, no two instances of different sizes ({sorted(sizes)})")
            if len(counts) != 1:
                mismatches.append(f"{template}: unpaginated, queries by rows {sorted((k, sorted(v)) for k, v in sizes.items())}")
            continue
        shown = (len(page_1.data["results"]), len(page_50.data["results"]))
        report.append(f"{path}: rows={rows} shown={shown} queries={queries_1}/{queries_50}")
        if rows < 2 or shown[0] != 1 or shown[1] < 2:
            thin.append(f"{template}: {rows} row(s) (pages of {shown[0]} and {shown[1]})")
        if template in PER_TABLE_QUERIES:
            from alliances.activity import tracked_models

            if queries_50 > PER_TABLE_QUERIES[template] * len(tracked_models()) + 10:
                mismatches.append(f"{path}: {queries_50} queries for {len(tracked_models())} history tables")
        elif queries_1 != queries_50:
            mismatches.append(f"{path}: {queries_1} queries for a page of 1, {queries_50} for a page of {shown[1]}")
    before = {template: _measure(client, path, 50) for template, client, path in arrays}
    from alliances import services as alliance_services

    alliance_services.alliance_create(
        actor=platform_admin, name="查询计数联盟", slug="query-count", code="QC",
        secretary_general_email="qc-sg@demo.lianmeng.local",
    )
    for template, client, path in arrays:
        (before_page, queries_before), (after, queries_after) = before[template], _measure(client, path, 50)
        before_rows = before_page.data
        report.append(f"{path}: rows={len(before_rows)}->{len(after.data)} queries={queries_before}/{queries_after}")
        if len(before_rows) < 2 or len(after.data) != len(before_rows) + 1:
            thin.append(f"{template}: {len(before_rows)} then {len(after.data)} row(s)")
        if queries_after - queries_before != PER_ROW_QUERIES.get(template, 0):
            mismatches.append(f"{path}: {queries_before} queries for {len(before_rows)} rows, {queries_after} for {len(after.data)}")
    print(f"{len(operations)} list operations measured\n" + "\n".join(report))
    assert not thin, "lists with too few rows to compare (seed them):\n" + "\n".join(thin)
    assert not mismatches, "N+1 on list endpoints:\n" + "\n".join(mismatches)
    assert len(operations) >= 30
