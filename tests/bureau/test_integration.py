"""The bureau's reads of the other apps' data (finance, governance) once they have landed."""

import datetime
from decimal import Decimal

from django_scopes import scope
from djmoney.money import Money

from bureau import reports, selectors
from finance import chart
from finance import services as finance
from projects.models import Project
from tests.bureau.conftest import current_version, submitted


def government_money(ctx):
    """A government grant of 100,000 for a project in 2025, 30,000 spent in 2025 and 10,000 in 2026."""
    with scope(alliance=ctx.alliance):
        project = Project.objects.create(alliance=ctx.alliance, code="OE-G-01", title="深海传感器", lead_unit=ctx.units[0])
    fund = finance.fund_for(alliance=ctx.alliance, source="government", project=project)
    grant = finance.entry_record(
        actor=ctx.user("sec"), alliance=ctx.alliance, date=datetime.date(2025, 3, 2), description="市科技计划经费拨付",
        lines=[{"account": chart.BANK, "fund": fund, "debit": Money("100000", "CNY")},
               {"account": chart.INCOME_GOVERNMENT, "fund": fund, "credit": Money("100000", "CNY")}],
    )
    finance.entry_approve(actor=ctx.user("sg"), alliance=ctx.alliance, entry=grant)
    for day, amount in ((datetime.date(2025, 6, 1), "30000"), (datetime.date(2026, 2, 1), "10000")):
        expense = finance.project_expense_record(
            actor=ctx.user("sec"), alliance=ctx.alliance, project=project, source="government",
            amount=Money(amount, "CNY"), date=day, description="样机材料", category="materials",
        )
        finance.entry_approve(actor=ctx.user("sg"), alliance=ctx.alliance, entry=expense)
    return project


def test_console_shows_government_funds_received_and_spent(oe, bm):
    government_money(oe)
    rows = {row.alliance.slug: row for row in selectors.console_rows()}
    funds = rows["ocean-equipment"].government_funds
    assert Decimal(funds["received"]) == Decimal("100000") and Decimal(funds["spent"]) == Decimal("40000")
    assert funds["projects"][0]["project"].startswith("OE-G-01")
    assert Decimal(rows["biomed"].government_funds["received"]) == Decimal("0")


def test_annual_report_fund_statement_counts_the_year_only(oe):
    government_money(oe)
    with scope(alliance=oe.alliance):
        funds = reports.section_funds(oe.alliance, 2025)
    assert funds["available"] is True
    gov = {row["source"]: row for row in funds["by_source"]}["government"]
    assert Decimal(gov["income"]) == Decimal("100000") and Decimal(gov["expense"]) == Decimal("30000")
    [project] = funds["government"]
    assert Decimal(project["received"]) == Decimal("100000") and Decimal(project["spent"]) == Decimal("30000")
    with scope(alliance=oe.alliance):
        next_year = reports.section_funds(oe.alliance, 2026)
    [project] = next_year["government"]
    assert Decimal(project["received"]) == Decimal("0") and Decimal(project["spent"]) == Decimal("10000")


def test_submitted_annual_report_freezes_the_fund_statement(oe):
    project = government_money(oe)
    submission = submitted(oe, kind="annual_report", title="2025年度报告", narrative={"body": "概述"}, payload={"year": 2025})
    frozen = current_version(oe, submission).snapshot["annual_report"]["funds"]
    expense = finance.project_expense_record(
        actor=oe.user("sec"), alliance=oe.alliance, project=project, source="government", amount=Money("5000", "CNY"),
        date=datetime.date(2025, 12, 1), description="补记", category="materials",
    )
    finance.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=expense)
    with scope(alliance=oe.alliance):
        assert Decimal(reports.section_funds(oe.alliance, 2025)["government"][0]["spent"]) == Decimal("35000")
    assert current_version(oe, submission).snapshot["annual_report"]["funds"] == frozen
    assert Decimal(frozen["government"][0]["spent"]) == Decimal("30000")


def test_annual_report_lists_the_years_meetings_and_resolutions(oe):
    from django.utils import timezone

    from governance import services as governance
    from tests.governance.helpers import councillors, open_motion

    governance.meeting_create(actor=oe.user("sec"), alliance=oe.alliance, title="第一届理事会第二次会议",
                              starts_at=timezone.now(), location="青岛")
    motion = open_motion(oe, title="关于年度工作计划的议案")
    for user in councillors(oe):
        governance.vote_cast(actor=user, alliance=oe.alliance, motion=motion, choice="for")
    closed = governance.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    assert closed.result == "passed"
    year = timezone.localdate().year
    with scope(alliance=oe.alliance):
        section = reports.section_meetings(oe.alliance, year)
    assert section["available"] is True
    assert [m["title"] for m in section["meetings"]] == ["第一届理事会第二次会议"]
    assert [r["title"] for r in section["resolutions"]] == [closed.resolution.title]
    assert section["resolutions"][0]["number"] == closed.resolution.number
