"""Money looks like money: thousands separators and two decimals on every finance page, PDF and
XLSX the secretariat opens (one filter, `alliances.money`), numbers typed `#,##0.00` in XLSX, and
decimal strings with exactly two decimals in the API (never floats, never long scales)."""

import datetime
import io
import re

from djmoney.money import Money
from openpyxl import load_workbook
from pypdf import PdfReader

from alliances.money import format_money
from finance import services
from tests.finance.conftest import make_project, post, simple_lines

D = datetime.date
RAW = re.compile(r"\d{4,}\.\d{3,}|(?<![\d,])\d{5,}\.\d\d")  # 4969543.210000000 or 4969543.21
API_AMOUNT = re.compile(r"^-?\d+\.\d{2}$")


def test_format_money_convention():
    assert format_money("4969543.210000000") == "4,969,543.21"
    assert format_money(-1234.5) == "-1,234.50"
    assert format_money(Money("51925.9300000000", "CNY"), currency=True) == "51,925.93 CNY"
    assert format_money("-0.001") == "0.00" and format_money(None) == ""


def _large_ledger(ctx):
    sec = ctx.user("sec")
    project = make_project(ctx)
    post(ctx, services.grant_receive(actor=sec, alliance=ctx.alliance, project=project, amount=Money("4969543.21", "CNY"),
                                     date=D(2026, 3, 2), description="市科技计划项目经费拨付"))
    unit = ctx.units[3]
    services.commitment_set(actor=sec, alliance=ctx.alliance, member_unit=unit, year=2026,
                            amount=Money("5192593.00", "CNY"), committed_on=D(2026, 1, 20))
    commitment = unit.commitments.model.objects.get(member_unit=unit, year=2026)
    post(ctx, services.contribution_receive(actor=sec, alliance=ctx.alliance, commitment=commitment,
                                            amount=Money("1234567.89", "CNY"), date=D(2026, 4, 1)))
    # One recorded entry waits in the approval queue.
    services.entry_record(actor=sec, alliance=ctx.alliance, date=D(2026, 4, 2), description="待审核大额收入",
                          lines=simple_lines(services.fund_for(alliance=ctx.alliance, source="other"), "2345678.90"))
    return project, unit


def _assert_money_text(text, where, *expected):
    for amount in expected:
        assert amount in text, (where, amount)
    raw = RAW.findall(text)
    assert not raw, (where, raw[:5])


def test_every_finance_page_pdf_and_xlsx_shows_money_formatted(oe, client):
    from django_scopes import scope

    with scope(alliance=oe.alliance):
        project, unit = _large_ledger(oe)
    client.force_login(oe.user("sec"))
    base = f"/a/{oe.alliance.slug}/finance/"
    pages = {
        "": ["4,969,543.21"], "accounts/": ["4,969,543.21", "1,234,567.89"], "general-ledger/": ["4,969,543.21"],
        "contributions/": ["5,192,593.00", "1,234,567.89", "3,958,025.11"], "approvals/": ["2,345,678.90"],
        f"statements/{unit.pk}/": ["5,192,593.00", "1,234,567.89", "3,958,025.11"],
        f"projects/{project.pk}/budget/": ["4,969,543.21"], "entries/": [], "periods/": [],
    }
    for path, expected in pages.items():
        response = client.get(base + path, {"as_of": "2026-12-31"})
        assert response.status_code == 200, path
        _assert_money_text(response.content.decode(), path, *expected)
    _assert_money_text(client.get(f"/a/{oe.alliance.slug}/projects/{project.pk}/").content.decode(), "project")

    pdf = client.get(base + f"statements/{unit.pk}/", {"as_of": "2026-12-31", "format": "pdf"}).content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    _assert_money_text(text, "statement pdf", "5,192,593.00", "1,234,567.89", "3,958,025.11")

    xlsx = client.get(base + f"statements/{unit.pk}/", {"as_of": "2026-12-31", "format": "xlsx"}).content
    cells = [c for ws in load_workbook(io.BytesIO(xlsx)).worksheets for row in ws.iter_rows() for c in row]
    amounts = {c.value: c.number_format for c in cells if isinstance(c.value, (int, float)) and c.number_format != "General"}
    assert amounts.get(1234567.89) == "#,##0.00" and amounts.get(5192593) == "#,##0.00", amounts


def test_api_amounts_and_totals_are_two_decimal_strings(oe, api):
    from django_scopes import scope

    with scope(alliance=oe.alliance):
        project, unit = _large_ledger(oe)
    client = api(oe.user("sg"))
    base = f"/api/v1/alliances/{oe.alliance.slug}/ledger/"
    as_of = {"as_of": "2026-12-31"}
    trial = client.get(base + "trial-balance/", as_of).json()
    statement = client.get(base + f"statements/{unit.pk}/", as_of).json()
    funds = client.get(base + "funds/balances/", as_of).json()
    budget = client.get(base + f"budget-vs-actual/{project.pk}/", as_of).json()
    amounts = [t[k] for t in trial["totals"].values() for k in ("debit", "credit")]
    amounts += [r[k] for r in trial["rows"] for k in ("debit", "credit", "balance_debit", "balance_credit")]
    amounts += [statement[k] for k in ("committed", "paid", "outstanding", "revenue_shares")]
    amounts += [r[k] for r in funds for k in ("assets", "income", "expense")]
    amounts += [r[k] for r in budget for k in ("budget", "actual", "remaining")]
    assert amounts and all(isinstance(a, str) and API_AMOUNT.match(a) for a in amounts), amounts
    assert statement["committed"] == "5192593.00" and trial["totals"]["CNY"]["debit"] == trial["totals"]["CNY"]["credit"]
