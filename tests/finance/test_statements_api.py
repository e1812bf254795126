"""The statements through the API, as XLSX and PDF, and as pages (issue 15 point 2)."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from finance import chart, services
from tests.finance.conftest import cny, post

BASE = "/api/v1/alliances/{slug}/ledger/reports/"
AMOUNT = r"^-?\d+\.\d{2}$"


def url(ctx, path):
    return BASE.format(slug=ctx.alliance.slug) + path


@pytest.fixture
def ledger(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 3, 10),
                                  description="捐赠", lines=[
                                      {"account": chart.BANK, "fund": fund, "debit": cny("1234567.5")},
                                      {"account": chart.INCOME_OTHER, "fund": fund, "credit": cny("1234567.5")}])
    post(oe, entry)
    return oe


def _amounts(value):
    """Every amount string of a JSON document."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if key not in ("row", "label", "section", "is_total", "form", "title", "organisation", "unit", "currency",
                           "as_of", "opening_date", "date_from", "date_to"):
                yield from _amounts(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from _amounts(sub)
    else:
        yield value


def test_balance_sheet_json_has_rows_totals_and_two_decimal_strings(ledger, api):
    body = api(ledger.user("auditor")).get(url(ledger, "balance-sheet/"), {"as_of": "2026-03-31"}).json()
    assert body["form"] == "会民非01表" and body["organisation"] == ledger.alliance.name and body["unit"] == "元"
    assert body["as_of"] == "2026-03-31" and body["opening_date"] == "2025-12-31" and body["currency"] == "CNY"
    rows = {line["row"]: line for line in body["lines"]}
    assert [1, 20, 60, 100, 101, 105, 110, 120] == [r for r in rows if r in (1, 20, 60, 100, 101, 105, 110, 120)]
    assert rows[1]["label"] == "货币资金" and rows[1]["closing"] == "1234567.50" and rows[1]["opening"] == "0.00"
    assert body["totals"]["assets"] == body["totals"]["net_assets"] == "1234567.50"
    assert set(body["totals"]["opening_totals"]) == {"assets", "liabilities", "net_assets", "unrestricted_net_assets",
                                                     "restricted_net_assets"}
    import re
    assert all(isinstance(a, str) and re.match(AMOUNT, a) for a in _amounts(body))


def test_activities_and_cash_flow_json(ledger, api):
    client = api(ledger.user("sec"), language="en")
    activities = client.get(url(ledger, "activities/"), {"date_from": "2026-01-01", "date_to": "2026-06-30"}).json()
    assert activities["form"] == "会民非02表" and activities["date_from"] == "2026-01-01"
    assert activities["totals"]["income"] == {"unrestricted": "1234567.50", "restricted": "0.00", "total": "1234567.50"}
    assert activities["totals"]["net_asset_change"]["total"] == "1234567.50"
    assert next(line for line in activities["lines"] if line["row"] == 11)["label"] == "Total income"
    flows = client.get(url(ledger, "cash-flow/"), {"date_from": "2026-03-10", "date_to": "2026-03-10"}).json()
    assert flows["totals"] == {"operating": "1234567.50", "investing": "0.00", "financing": "0.00",
                               "net_cash_change": "1234567.50", "cash_begin": "0.00", "cash_end": "1234567.50"}
    default = client.get(url(ledger, "activities/")).json()
    today = timezone.localdate()
    assert (default["date_from"], default["date_to"]) == (f"{today.year}-01-01", today.isoformat())


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
BAD = [
    ("activities/", {"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to"),
    ("cash-flow/", {"date_from": "2026-03-01", "date_to": "2026-02-28"}, "date_to"),
    ("activities/", {"date_from": TOMORROW}, "date_from"),
    ("cash-flow/xlsx/", {"date_from": TOMORROW, "date_to": TOMORROW}, "date_from"),
    ("activities/pdf/", {"date_from": "2026-13-01"}, "date_from"),
    ("balance-sheet/", {"as_of": "2026-02-30"}, "as_of"),
    ("balance-sheet/xlsx/", {"as_of": "0001-01-01"}, "as_of"),
    ("activities/", {"date_to": "9999-12-31"}, "date_to"),
]


@pytest.mark.parametrize("path, query, field", BAD)
def test_bad_dates_are_400_naming_the_field(oe, api, path, query, field):
    response = api(oe.user("sec")).get(url(oe, path), query)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_unknown_alliance_is_404_and_who_may_not_read_the_ledger_is_refused(oe, api):
    assert api(oe.user("sec")).get("/api/v1/alliances/no-such-alliance/ledger/reports/balance-sheet/").status_code == 404
    assert api(oe.user("expert-1")).get(url(oe, "activities/")).status_code == 403
    assert api(oe.user("rep-1")).get(url(oe, "cash-flow/pdf/")).status_code == 403


@pytest.mark.parametrize("path", ["balance-sheet/xlsx/?as_of=2026-03-31",
                                  "activities/xlsx/?date_from=2026-01-01&date_to=2026-03-31",
                                  "cash-flow/xlsx/?date_from=2026-01-01&date_to=2026-03-31"])
def test_xlsx_amounts_are_numbers_with_the_money_format(ledger, api, path):
    response = api(ledger.user("sec")).get(url(ledger, path))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A3"].value == "编制单位" and sheet["B3"].value == ledger.alliance.name
    amounts = [cell for row in sheet.iter_rows(min_row=8) for cell in row[2:] if cell.value is not None]
    assert amounts and all(isinstance(c.value, (int, float)) and c.number_format == "#,##0.00" for c in amounts)
    assert any(c.value == 1234567.5 for c in amounts)


@pytest.mark.parametrize("path, title", [("balance-sheet/pdf/", "资产负债表"), ("activities/pdf/", "业务活动表"),
                                         ("cash-flow/pdf/", "现金流量表")])
def test_pdf_carries_the_headers(ledger, api, path, title):
    response = api(ledger.user("sec")).get(url(ledger, path), {"date_from": "2026-01-01"} if "sheet" not in path else {})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (title, ledger.alliance.name, "编制单位", "单位", "行次"):
        assert expected in text, expected
    assert "1,234,567.50" in text


def test_pages_show_the_statements_with_formatted_amounts_and_are_linked(ledger):
    client = Client()
    client.force_login(ledger.user("auditor"))
    slug = ledger.alliance.slug
    home = client.get(f"/a/{slug}/finance/").content.decode()
    for name in ("balance-sheet", "activities", "cash-flow"):
        assert f"/a/{slug}/finance/reports/{name}/" in home
    page = client.get(f"/a/{slug}/finance/reports/balance-sheet/", {"as_of": "2026-03-31"})
    assert page.status_code == 200 and "1,234,567.50" in page.content.decode() and "会民非01表" in page.content.decode()
    page = client.get(f"/a/{slug}/finance/reports/activities/", {"date_from": "2026-03-01", "date_to": "2026-02-01"})
    assert page.status_code == 200 and "结束日期不能早于开始日期" in page.content.decode()
    xlsx = client.get(f"/a/{slug}/finance/reports/cash-flow/", {"date_from": "2026-01-01", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(ledger.user("auditor"))
    page = english.get(f"/a/{slug}/finance/reports/cash-flow/", {"date_from": "2026-01-01"}).content.decode()
    assert "Cash received from donations" in page
    rep = Client()
    rep.force_login(ledger.user("rep-1"))
    assert rep.get(f"/a/{slug}/finance/reports/activities/").status_code == 403
