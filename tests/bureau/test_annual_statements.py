"""Issue #15 point 7: the annual report carries the year's three statutory statements, frozen with the submission."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django_scopes import scope
from djmoney.money import Money

from bureau import documents, reports, services
from bureau.models import Kind
from finance import chart
from finance import services as finance
from tests.bureau.conftest import current_version, draft, fresh, submitted
from tests.bureau.test_documents import chinese_font_installed, compact, pdf_text
from tests.bureau.test_pages import client_for, page

YEAR = 2025


def post(ctx, day, amount, account=chart.INCOME_GOVERNMENT):
    """A posted receipt of `amount` into the bank, unrestricted."""
    fund = finance.fund_for(alliance=ctx.alliance, source="unrestricted")
    entry = finance.entry_record(
        actor=ctx.user("sec"), alliance=ctx.alliance, date=day, description="收到款项",
        lines=[{"account": chart.BANK, "fund": fund, "debit": Money(amount, "CNY")},
               {"account": account, "fund": fund, "credit": Money(amount, "CNY")}])
    return finance.entry_approve(actor=ctx.user("sg"), alliance=ctx.alliance, entry=entry)


def annual(ctx, how=submitted):
    return how(ctx, kind=Kind.ANNUAL_REPORT, title=f"{YEAR}年度报告", narrative={"body": "运行平稳"}, payload={"year": YEAR})


def line(statement, row):
    return next(item for item in statement["lines"] if item["row"] == row)


def test_the_section_holds_the_three_statements_as_two_decimal_strings(oe):
    post(oe, datetime.date(YEAR, 3, 2), "123456.7")
    post(oe, datetime.date(YEAR + 1, 1, 5), "999")  # the next year: not in the report's figures
    with scope(alliance=oe.alliance):
        section = reports.annual_report(oe.alliance, YEAR)["statements"]
    assert json.loads(json.dumps(section)) == section
    assert (section["date_from"], section["date_to"]) == ("2025-01-01", "2025-12-31")
    sheet, activities, cash = section["balance_sheet"], section["activities"], section["cash_flow"]
    assert (sheet["form"], activities["form"], cash["form"]) == ("会民非01表", "会民非02表", "会民非03表")
    assert sheet["as_of"] == "2025-12-31" and sheet["organisation"] == oe.alliance.name
    assert line(sheet, 1)["closing"] == "123456.70" and line(sheet, 1)["opening"] == "0.00"
    assert sheet["totals"]["assets"] == "123456.70" == sheet["totals"]["net_assets"]
    assert line(activities, 5) == {"row": 5, "label": "政府补助收入", "section": "income", "is_total": False,
                                   "unrestricted": "123456.70", "restricted": "0.00", "total": "123456.70"}
    assert cash["totals"]["net_cash_change"] == "123456.70" and cash["totals"]["cash_end"] == "123456.70"
    amounts = [v for s in (sheet, activities, cash) for item in s["lines"] for k, v in item.items()
               if k in ("opening", "closing", "unrestricted", "restricted", "total", "amount")]
    assert amounts and all(re.fullmatch(r"-?\d+\.\d\d", v) for v in amounts)


def test_a_year_still_running_reports_up_to_today(oe):
    today = datetime.date.today()
    assert reports.statements_period(today.year, today) == (datetime.date(today.year, 1, 1), today)
    assert reports.statements_period(today.year + 1, today) is None
    with scope(alliance=oe.alliance):
        assert reports.section_statements(oe.alliance, today.year + 1)["available"] is False


def test_the_pdf_prints_the_standard_tables_with_formatted_money(oe):
    post(oe, datetime.date(YEAR, 3, 2), "1234567.5")
    submission = annual(oe, draft)
    with scope(alliance=oe.alliance):
        html = compact(documents.render_html(documents.build_snapshot(submission, version=1)))
    assert "六、年度会计报表" in html
    for heading in ("<th>项目</th><thclass=\"row\">行次</th><thclass=\"num\">年初数</th><thclass=\"num\">期末数</th>",
                    "<thclass=\"num\">非限定性</th><thclass=\"num\">限定性</th><thclass=\"num\">合计</th>",
                    "资产负债表", "业务活动表", "现金流量表", "会民非01表", "会民非02表", "会民非03表", "单位：元"):
        assert heading in html, heading
    assert "<td>货币资金</td><tdclass=\"row\">1</td><tdclass=\"num\">0.00</td><tdclass=\"num\">1,234,567.50</td>" in html
    assert "1234567.50" not in html


def test_the_submitted_statements_are_frozen_while_a_new_draft_shows_new_figures(oe, bureau_user):
    post(oe, datetime.date(YEAR, 3, 2), "1000")
    submission = annual(oe)
    version = current_version(oe, submission)
    frozen, frozen_pdf = json.loads(json.dumps(version.snapshot)), bytes(version.document)
    assert line(frozen["annual_report"]["statements"]["balance_sheet"], 1)["closing"] == "1000.00"
    client = client_for(oe.user("sg"))
    served = client.get(page(oe, f"{submission.pk}/document/"))
    assert served.status_code == 200

    post(oe, datetime.date(YEAR, 11, 30), "2500")  # later, but dated in the reported year

    version = current_version(oe, submission)
    assert version.snapshot == frozen and bytes(version.document) == frozen_pdf
    again = client.get(page(oe, f"{submission.pk}/document/"))
    if chinese_font_installed():
        before, after = compact(pdf_text(served.content)), compact(pdf_text(again.content))
        assert "1,000.00" in after and "3,500.00" not in after
        assert after.split("六、年度会计报表")[1] == before.split("六、年度会计报表")[1]
    # Returned for changes, the report is a draft again: its next version reads today's books.
    services.submission_decide(actor=bureau_user, submission=submission, decision="returned", comments="请补充")
    new = fresh(oe, submission)
    with scope(alliance=oe.alliance):
        live = documents.build_snapshot(new, version=2)["annual_report"]["statements"]
    assert line(live["balance_sheet"], 1)["closing"] == "3500.00"
    assert line(live["activities"], 5)["total"] == "3500.00"
    assert live["cash_flow"]["totals"]["net_cash_change"] == "3500.00"
    preview = client.get(page(oe, f"{new.pk}/document/"), {"preview": 1})
    if chinese_font_installed():
        assert "3,500.00" in compact(pdf_text(preview.content))
    assert current_version(oe, submission).snapshot == frozen
