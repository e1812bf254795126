"""A dissolved alliance is an archive (issue 14, point 13): every write is refused, reads and verifications stay."""

import datetime
import inspect
from importlib import import_module

import pytest
from django.core.management import call_command
from django.test import Client
from django_scopes import scope
from djmoney.money import Money

from alliances.models import Alliance, RoleGrant
from bureau import services as bureau
from bureau.models import Submission
from finance import chart
from finance import services as finance
from finance.models import JournalEntry
from governance.models import Ballot, Motion
from ip_registry.models import IPAsset, Licence
from membership.models import MemberUnit
from projects.models import Project
from tests.bureau.conftest import OPINION, submitted
from tests.governance.helpers import open_motion
from tests.ip_registry.conftest import register
from tests.membership.conftest import complete_fields

MODELS = (Motion, Ballot, MemberUnit, JournalEntry, Project, IPAsset, Licence, Submission, RoleGrant)


def dissolve(ctx, bureau_user):
    """Through the real route: the dissolution report is submitted, the bureau approves it."""
    report = submitted(ctx, kind="dissolution", title="解散报告")
    bureau.submission_decide(actor=bureau_user, submission=report, decision="approved", **OPINION)
    ctx.alliance.refresh_from_db()
    assert ctx.alliance.status == Alliance.Status.DISSOLVED


def snapshot(ctx) -> dict:
    with scope(alliance=ctx.alliance):
        counts = {model.__name__: model.objects.count() for model in MODELS}
        counts["posted"] = JournalEntry.objects.filter(status="posted").count()
        counts["unit_statuses"] = sorted(MemberUnit.objects.values_list("status", flat=True))
    return counts


@pytest.fixture
def archive(oe, bureau_user):
    """oe with an open motion, a recorded entry, an applicant and an IP asset, then dissolved."""
    motion = open_motion(oe)
    fund = finance.fund_for(alliance=oe.alliance, source="other")
    entry = finance.entry_record(
        actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 2, 10), description="其他收入",
        lines=[{"account": chart.BANK, "fund": fund, "debit": Money("100", "CNY")},
               {"account": "4901.02", "fund": fund, "credit": Money("100", "CNY")}],
    )
    from membership import services as membership

    applicant = membership.member_apply(actor=oe.user("sec"), alliance=oe.alliance, **complete_fields())
    asset = register(oe)
    dissolve(oe, bureau_user)
    return {"motion": motion, "entry": entry, "fund": fund, "applicant": applicant, "asset": asset}


def test_dissolved_alliance_refuses_every_write_and_writes_nothing(oe, api, archive):
    base = f"/api/v1/alliances/{oe.alliance.slug}/"
    a = archive
    writes = [  # (who, path, body): one representative write of each app
        ("sec", "motions/", {"title": "解散后议案", "kind": "other", "body": "x",
                             "closes_at": (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)).isoformat()}),
        ("chair", f"motions/{a['motion'].pk}/votes/", {"choice": "for"}),
        ("sec", "members/", complete_fields()),
        ("sec", f"members/{a['applicant'].pk}/start-review/", {}),
        ("sec", "ledger/entries/", {"date": "2026-02-11", "description": "其他收入", "lines": [
            {"account": "1002", "fund": a["fund"].pk, "debit": "1.00", "currency": "CNY"},
            {"account": "4901.02", "fund": a["fund"].pk, "credit": "1.00", "currency": "CNY"}]}),
        ("sg", f"ledger/entries/{a['entry'].pk}/approve/", {}),
        ("sec", "ledger/periods/close/", {"year": 2026, "month": 1}),
        ("sec", "projects/", {"title": "解散后项目", "lead_unit": oe.units[0].pk}),
        ("sec", "ip-assets/", {"kind": "invention_patent", "title": "解散后专利", "origin": "background",
                               "owners": [{"member_unit": oe.units[0].pk, "share": "100"}]}),
        ("sec", "licences/", {"asset": a["asset"].pk, "kind": "non_exclusive", "licensee_unit": oe.units[6].pk,
                              "territory": "domestic", "start": "2025-01-01", "end": "2027-12-31",
                              "royalty_kind": "lump_sum", "royalty_amount": "1000.00"}),
        ("sec", "submissions/", {"kind": "annual_report", "title": "年报", "year": 2025}),
        ("sec", "roles/", {"email": "late@example.com", "role": "staff"}),
    ]
    before = snapshot(oe)
    for who, path, body in writes:
        response = api(oe.user(who)).post(base + path, body, format="json")
        assert response.status_code == 409, (path, response.status_code, response.content[:300])
        assert response.json()["error"]["code"] == "alliance_read_only", path
        assert response.json()["error"]["message"] == "联盟已解散，数据只读。"
    english = api(oe.user("sec"), language="en").post(base + "projects/", {"title": "x", "lead_unit": oe.units[0].pk},
                                                        format="json")
    assert english.json()["error"]["message"] == "The alliance is dissolved: its data is read-only."
    assert snapshot(oe) == before


def test_dissolved_alliance_stays_readable_and_verifiable(oe, api, archive, bureau_user):
    base = f"/api/v1/alliances/{oe.alliance.slug}/"
    for user in (oe.user("sec"), oe.user("auditor"), bureau_user):
        assert api(user).get(base + "members/").status_code == 200
    sec = api(oe.user("sec"))
    assert sec.get(base + "motions/").json()["count"] >= 1
    assert sec.get(base + "ledger/verify/").status_code == 200
    assert api(oe.user("auditor")).get(base + "ledger/auditor-export/").status_code == 200
    call_command("verify_ledger", oe.alliance.slug)
    call_command("verify_resolutions", oe.alliance.slug)
    page = Client()
    page.force_login(oe.user("sec"))
    assert page.get(f"/a/{oe.alliance.slug}/members/export.xlsx").status_code == 200
    html = page.get(f"/a/{oe.alliance.slug}/motions/").content.decode()
    assert 'data-testid="read-only"' in html and 'class="read-only"' in html
    # A page write (forms are hidden, but a stale one may be sent) is refused cleanly, with the reason.
    refused = page.post(f"/a/{oe.alliance.slug}/finance/periods/", {"action": "close", "year": 2026, "month": 1}, follow=True)
    assert refused.status_code == 200 and refused.content.decode().count("联盟已解散，数据只读。") == 2


def test_dissolved_alliance_open_motions_are_left_to_the_archive(oe, archive):
    """The scheduled close skips an archive instead of failing on it every run."""
    from governance import services as governance

    assert not governance.motions_due(now=archive["motion"].closes_at + datetime.timedelta(hours=1)).filter(
        alliance=oe.alliance).exists()


def test_dissolving_alliance_can_still_liquidate(oe, api):
    """During liquidation (dissolving) the secretariat still settles: the status alone does not freeze it."""
    submitted(oe, kind="dissolution", title="解散报告")
    oe.alliance.refresh_from_db()
    assert oe.alliance.status == Alliance.Status.DISSOLVING
    response = api(oe.user("sec")).post(f"/api/v1/alliances/{oe.alliance.slug}/projects/",
                                        {"title": "清算中项目", "lead_unit": oe.units[0].pk}, format="json")
    assert response.status_code == 201


COMPOSITES = {"governance.services.motion_close", "bureau.services.submission_decide"}  # each calls tenant services


@pytest.mark.parametrize("app", ["alliances", "membership", "governance", "governance.agreement", "finance", "projects",
                                 "ip_registry", "bureau"])
def test_every_tenant_service_goes_through_the_read_only_check(app):
    """A public service taking `actor` and `alliance` is a `tenant_service` (which refuses a dissolved alliance)."""
    module = import_module(f"{app}.services")
    missing = []
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        # A services package re-exports its sub-modules' services (e.g. governance.services.voting).
        if not (fn.__module__ + ".").startswith(module.__name__ + ".") or name.startswith("_"):
            continue
        params = inspect.signature(inspect.unwrap(fn)).parameters
        takes_tenant = {"actor", "alliance"} <= {p for p, v in params.items() if v.kind == v.KEYWORD_ONLY}
        if takes_tenant and not getattr(fn, "tenant_service", False) and f"{module.__name__}.{name}" not in COMPOSITES:
            missing.append(name)
    assert missing == []
