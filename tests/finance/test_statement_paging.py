"""The member statement shows one page of detail lines; totals, counts and paid/outstanding come from
SQL aggregates and do not depend on the page; the exports carry every line."""

import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from djmoney.money import Money

from finance import selectors, services

D = datetime.date


def _receipts(ctx, unit, n):
    commitment = services.commitment_set(actor=ctx.user("sec"), alliance=ctx.alliance, member_unit=unit, year=2026,
                                         amount=Money(100000, "CNY"))
    fund = services.fund_for(alliance=ctx.alliance, source="member_contribution")
    items = []
    for day in range(1, n + 1):
        items.append({"date": D(2026, 7, day), "description": f"第{day}期出资", "lines": [
            {"account": "1002", "fund": fund, "debit": Money(100, "CNY"), "member_unit": unit, "commitment": commitment},
            {"account": "4201.01", "fund": fund, "credit": Money(100, "CNY"), "member_unit": unit, "commitment": commitment},
        ]})
    recorded = services.entries_record_batch(actor=ctx.user("sec"), alliance=ctx.alliance, entries=items)
    services.entries_approve_batch(actor=ctx.user("sg"), alliance=ctx.alliance, entries=recorded)


def test_statement_pages_the_detail_while_totals_cover_every_line(oe):
    unit = oe.units[7]
    _receipts(oe, unit, 5)
    as_of = D(2026, 12, 31)
    with scope(alliance=oe.alliance):
        everything = selectors.member_statement(oe.alliance, unit, as_of, page_size=None)
        first = selectors.member_statement(oe.alliance, unit, as_of, page=1, page_size=2)
        last = selectors.member_statement(oe.alliance, unit, as_of, page=3, page_size=2)
        beyond = selectors.member_statement(oe.alliance, unit, as_of, page=99, page_size=2)
        totals_only = selectors.member_statement(oe.alliance, unit, as_of, page_size=0)
    receipts = len(everything["receipts"])
    assert receipts >= 5 and everything["receipts_count"] == receipts
    assert (first["pages"], len(first["receipts"])) == (-(-receipts // 2), 2)
    assert first["receipts"] == everything["receipts"][:2]
    assert last["receipts"] == everything["receipts"][4:6]
    assert beyond["page"] == beyond["pages"]
    assert totals_only["receipts"] == [] and totals_only["receipts_count"] == receipts
    for key in ("committed", "paid", "outstanding", "revenue_shares", "receipts_count", "shares_count"):
        assert first[key] == everything[key] == totals_only[key], key
    assert everything["paid"] >= 500


def test_statement_query_count_does_not_grow_with_the_unit_lines(oe):
    unit = oe.units[6]
    _receipts(oe, unit, 2)
    with scope(alliance=oe.alliance), CaptureQueriesContext(connection) as few:
        selectors.member_statement(oe.alliance, unit, D(2026, 12, 31), page_size=2)
    _receipts(oe, oe.units[6], 6)
    with scope(alliance=oe.alliance), CaptureQueriesContext(connection) as more:
        selectors.member_statement(oe.alliance, unit, D(2026, 12, 31), page_size=2)
    assert len(few) == len(more)


def test_statement_api_and_page_show_a_page_and_the_xlsx_every_line(oe, api, client):
    from openpyxl import load_workbook

    unit = oe.units[7]
    _receipts(oe, unit, 5)
    base = f"/api/v1/alliances/{oe.alliance.slug}/ledger/statements/{unit.pk}/"
    paged = api(oe.user("sg")).get(base, {"as_of": "2026-12-31", "page_size": 2, "page": 2}).json()
    assert (paged["page"], len(paged["receipts"])) == (2, 2)
    assert paged["receipts_count"] >= 5
    assert api(oe.user("sg")).get(base, {"page_size": 0}).status_code == 400
    workbook = load_workbook(io.BytesIO(api(oe.user("sg")).get(base + "xlsx/", {"as_of": "2026-12-31"}).content))
    text = "\n".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
    assert all(f"第{day}期出资" in text for day in range(1, 6))
    client.force_login(oe.user("sg"))
    page = client.get(f"/a/{oe.alliance.slug}/finance/statements/{unit.pk}/", {"as_of": "2026-12-31"})
    assert page.status_code == 200
    assert "第1期出资" in page.content.decode()
