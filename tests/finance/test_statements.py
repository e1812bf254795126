"""The three statements (issue 15 point 2): rows, columns, boundaries of months and years, closing.

Accounts are named by the chart constants and checked on the line the statement maps them to
(`statements.balance_row` / `activity_row`, `cash_flow.flow_row`), so the tests hold whichever codes
the chart gives them."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope
from djmoney.money import Money

from finance import cash_flow as cf
from finance import chart, services, statements
from finance.models import Account, JournalEntry
from tests.finance.conftest import cny, make_project, post

D = datetime.date


def account(ctx, code):
    with scope(alliance=ctx.alliance):
        return Account.objects.get(code=code)


def book(ctx, date, *lines, description="测试凭证"):
    """Record and post an entry of (account code, fund, debit, credit) lines."""
    entry = services.entry_record(actor=ctx.user("sec"), alliance=ctx.alliance, date=date, description=description, lines=[
        {"account": code, "fund": fund, **({"debit": cny(debit)} if debit else {"credit": cny(credit)})}
        for code, fund, debit, credit in lines
    ])
    return post(ctx, entry)


def row(statement, number, column):
    return next(line[column] for line in statement["lines"] if line["row"] == number)


@pytest.fixture
def funds(oe):
    return {"other": services.fund_for(alliance=oe.alliance, source="other"),
            "member": services.fund_for(alliance=oe.alliance, source="member_contribution")}


def test_an_entry_on_december_31_is_in_the_old_year_and_one_on_january_1_in_the_new(oe, funds):
    fund = funds["other"]
    book(oe, D(2025, 12, 31), (chart.BANK, fund, "100", None), (chart.INCOME_OTHER, fund, None, "100"))
    book(oe, D(2026, 1, 1), (chart.CASH, fund, "30", None), (chart.INCOME_OTHER, fund, None, "30"))
    old = statements.balance_sheet(oe.alliance, D(2025, 12, 31))
    new = statements.balance_sheet(oe.alliance, D(2026, 1, 1))
    assert row(old, 1, "closing") == Decimal("100") and row(old, 101, "closing") == Decimal("100")
    assert row(new, 1, "opening") == Decimal("100") and row(new, 1, "closing") == Decimal("130")
    assert new["opening_date"] == D(2025, 12, 31) and new["totals"]["opening_totals"]["assets"] == Decimal("100")
    year = statements.activities(oe.alliance, D(2026, 1, 1), D(2026, 12, 31))
    other_income = statements.activity_row(account(oe, chart.INCOME_OTHER))
    assert row(year, other_income, "unrestricted") == Decimal("30")
    assert year["totals"]["net_asset_change"]["total"] == Decimal("30")
    flows = statements.cash_flow(oe.alliance, D(2026, 1, 1), D(2026, 1, 31))
    assert flows["totals"]["cash_begin"] == Decimal("100") and flows["totals"]["cash_end"] == Decimal("130")
    assert flows["totals"]["net_cash_change"] == Decimal("30")


def test_a_date_inside_a_month_counts_the_lines_up_to_it(oe, funds):
    fund = funds["other"]
    book(oe, D(2026, 3, 1), (chart.BANK, fund, "10", None), (chart.INCOME_OTHER, fund, None, "10"))
    book(oe, D(2026, 3, 15), (chart.BANK, fund, "5", None), (chart.INCOME_OTHER, fund, None, "5"))
    book(oe, D(2026, 3, 31), (chart.EXPENSE_OFFICE, fund, "2", None), (chart.BANK, fund, None, "2"))
    cash = {day: row(statements.balance_sheet(oe.alliance, D(2026, 3, day)), 1, "closing") for day in (1, 14, 15, 30, 31)}
    assert cash == {1: Decimal("10"), 14: Decimal("10"), 15: Decimal("15"), 30: Decimal("15"), 31: Decimal("13")}
    march = statements.activities(oe.alliance, D(2026, 3, 2), D(2026, 3, 30))
    assert march["totals"]["income"]["total"] == Decimal("5") and march["totals"]["expense"]["total"] == 0
    flows = statements.cash_flow(oe.alliance, D(2026, 3, 15), D(2026, 3, 31))
    assert flows["totals"]["net_cash_change"] == Decimal("3")


def test_activities_columns_follow_the_fund_and_a_release_moves_between_them(oe, funds):
    project = make_project(oe)
    grant = services.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny("1000"),
                                   date=D(2026, 2, 1), description="政府资助")
    post(oe, grant)
    commitment = services.commitment_set(actor=oe.user("sec"), alliance=oe.alliance, member_unit=oe.units[0], year=2026,
                                         amount=cny("500"), committed_on=D(2026, 1, 5))
    post(oe, services.contribution_receive(actor=oe.user("sec"), alliance=oe.alliance, commitment=commitment,
                                           amount=cny("500"), date=D(2026, 2, 3)))
    post(oe, services.project_expense_record(actor=oe.user("sec"), alliance=oe.alliance, project=project, source="government",
                                             amount=cny("300"), date=D(2026, 2, 5), description="材料", category="materials"))
    book(oe, D(2026, 2, 6), (chart.EXPENSE_OFFICE, funds["other"], "40", None), (chart.BANK, funds["other"], None, "40"))
    gov = services.fund_for(alliance=oe.alliance, source="government", project=project)
    # The project advanced 100 from unrestricted money: that purpose spent may be released.
    member = funds["member"]
    post(oe, services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 2, 7), description="垫付", lines=[
        {"account": chart.EXPENSE_PROJECT, "fund": member, "debit": cny("100"), "project": project},
        {"account": chart.BANK, "fund": member, "credit": cny("100")},
    ]))
    post(oe, services.restriction_release(actor=oe.user("sec"), alliance=oe.alliance, fund=gov, amount=cny("100"),
                                          date=D(2026, 2, 8), description="解除限制", condition="purpose_spent"))
    report = statements.activities(oe.alliance, D(2026, 1, 1), D(2026, 2, 28))
    member_row = statements.activity_row(account(oe, chart.INCOME_MEMBER))
    government_row = statements.activity_row(account(oe, chart.INCOME_GOVERNMENT))
    office_row = statements.activity_row(account(oe, chart.EXPENSE_OFFICE))
    assert row(report, member_row, "unrestricted") == Decimal("500")
    assert row(report, government_row, "restricted") == Decimal("1000")
    assert (row(report, 12, "unrestricted"), row(report, 12, "restricted")) == (Decimal("100"), Decimal("300"))
    assert row(report, office_row, "unrestricted") == Decimal("40")
    assert (row(report, 45, "unrestricted"), row(report, 45, "restricted"), row(report, 45, "total")) == (
        Decimal("100"), Decimal("-100"), 0)
    split = [line for line in report["lines"] if line["row"] is None]
    assert any(project.code in str(line["label"]) and line["restricted"] == Decimal("300") for line in split)
    totals = report["totals"]
    assert totals["net_asset_change"] == {"unrestricted": Decimal("460"), "restricted": Decimal("600"),
                                          "total": Decimal("1060")}
    sheet = statements.balance_sheet(oe.alliance, D(2026, 2, 28))
    assert sheet["totals"]["unrestricted_net_assets"] == Decimal("460")
    assert sheet["totals"]["restricted_net_assets"] == Decimal("600")
    assert sheet["totals"]["assets"] == sheet["totals"]["liabilities"] + sheet["totals"]["net_assets"] == Decimal("1060")
    # The release and the transfer of the cash between funds are no cash flow.
    flows = statements.cash_flow(oe.alliance, D(2026, 1, 1), D(2026, 2, 28))
    bank = account(oe, chart.BANK)
    assert flows["totals"]["net_cash_change"] == Decimal("1060") == flows["totals"]["cash_end"]
    assert row(flows, cf.flow_row(account(oe, chart.INCOME_GOVERNMENT), Decimal(1)), "amount") >= Decimal("1000")
    assert statements.code_of(bank) in statements.CASH_CODES


def test_cash_flows_are_classified_by_the_contra_accounts(oe, funds):
    fund = funds["other"]
    book(oe, D(2026, 4, 1), (chart.BANK, fund, "5000", None), (chart.SHORT_LOAN, fund, None, "5000"))
    book(oe, D(2026, 4, 2), (chart.FIXED_ASSETS, fund, "1200", None), (chart.BANK, fund, None, "1200"))
    book(oe, D(2026, 4, 3), (chart.CASH, fund, "300", None), (chart.BANK, fund, None, "300"))  # no flow
    book(oe, D(2026, 4, 4), (chart.EXPENSE_OFFICE, fund, "80", None), (chart.EXPENSE_FINANCING, fund, "20", None),
         (chart.BANK, fund, None, "100"))
    book(oe, D(2026, 4, 5), (chart.SHORT_LOAN, fund, "1000", None), (chart.BANK, fund, None, "1000"))
    flows = statements.cash_flow(oe.alliance, D(2026, 4, 1), D(2026, 4, 30))
    assert row(flows, 45, "amount") == Decimal("5000") and row(flows, 51, "amount") == Decimal("1000")
    assert row(flows, 35, "amount") == Decimal("1200") and row(flows, 44, "amount") == Decimal("-1200")
    office = cf.flow_row(account(oe, chart.EXPENSE_OFFICE), Decimal(-1))
    financing = cf.flow_row(account(oe, chart.EXPENSE_FINANCING), Decimal(-1))
    assert row(flows, office, "amount") == Decimal("80") and row(flows, financing, "amount") == Decimal("20")
    assert flows["totals"] == {"operating": Decimal("-80"), "investing": Decimal("-1200"), "financing": Decimal("3980"),
                               "net_cash_change": Decimal("2700"), "cash_begin": 0, "cash_end": Decimal("2700")}


def test_closing_entries_change_neither_statement(oe, funds):
    """period_close posts the closing entry (结转) and period_reopen reverses it: the statements read
    the same before closing, after it and after reopening, restricted money included."""
    fund = funds["other"]
    project = make_project(oe)
    grant = services.fund_for(alliance=oe.alliance, source="government", project=project)
    book(oe, D(2026, 5, 3), (chart.BANK, fund, "700", None), (chart.INCOME_OTHER, fund, None, "700"))
    book(oe, D(2026, 5, 4), (chart.EXPENSE_OFFICE, fund, "200", None), (chart.BANK, fund, None, "200"))
    book(oe, D(2026, 5, 5), (chart.BANK, grant, "900", None), (chart.INCOME_GOVERNMENT, grant, None, "900"))
    book(oe, D(2026, 5, 6), (chart.EXPENSE_PROJECT, grant, "300", None), (chart.BANK, grant, None, "300"))

    def both():
        return (statements.activities(oe.alliance, D(2026, 5, 1), D(2026, 5, 31)),
                statements.balance_sheet(oe.alliance, D(2026, 5, 31)))

    before = both()
    services.period_close(actor=oe.user("sec"), alliance=oe.alliance, year=2026, month=5)
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.filter(kind=JournalEntry.Kind.CLOSING, status=JournalEntry.Status.POSTED).count() == 1
    assert both() == before
    services.period_reopen(actor=oe.user("sg"), alliance=oe.alliance, year=2026, month=5, reason="补录凭证")
    assert both() == before
    change = before[0]["totals"]["net_asset_change"]
    assert (change["unrestricted"], change["restricted"], change["total"]) == (Decimal("500"), Decimal("600"), Decimal("1100"))
    totals = before[1]["totals"]
    assert (totals["unrestricted_net_assets"], totals["restricted_net_assets"]) == (Decimal("500"), Decimal("600"))


def test_income_in_another_currency_is_left_out(oe, funds):
    fund = funds["other"]
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 6, 1), description="美元", lines=[
        {"account": chart.BANK, "fund": fund, "debit": Money("50", "USD")},
        {"account": chart.INCOME_OTHER, "fund": fund, "credit": Money("50", "USD")},
    ])
    post(oe, entry)
    assert statements.balance_sheet(oe.alliance, D(2026, 6, 30))["totals"]["assets"] == 0
    assert statements.activities(oe.alliance, D(2026, 6, 1), D(2026, 6, 30))["totals"]["income"]["total"] == 0


def test_a_posting_straight_to_net_assets_is_its_own_line_and_counts_in_the_change(oe, funds):
    fund = funds["other"]
    book(oe, D(2026, 7, 1), (chart.BANK, fund, "900", None), (chart.NET_UNRESTRICTED, fund, None, "900"))
    report = statements.activities(oe.alliance, D(2026, 7, 1), D(2026, 7, 31))
    adjustment = next(line for line in report["lines"] if line["label"] == "直接计入净资产的调整")
    assert adjustment["row"] is None and adjustment["unrestricted"] == Decimal("900")
    assert report["totals"]["income"]["total"] == 0 and row(report, 45, "total") == 0
    assert report["totals"]["net_asset_change"]["unrestricted"] == Decimal("900")
    assert "直接计入净资产的调整" not in [line["label"] for line in
                                   statements.activities(oe.alliance, D(2026, 8, 1), D(2026, 8, 31))["lines"]]
