"""The services other apps build on (common brief, FINANCE contract)."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from alliances.errors import Forbidden, ValidationFailed
from finance import chart, selectors, services
from finance.models import Fund, JournalEntry, JournalLine
from tests.finance.conftest import cny, make_project, post

D = datetime.date


def test_fund_for_is_get_or_create_and_project_funds_are_restricted(oe, project):
    a = services.fund_for(alliance=oe.alliance, source="government", project=project)
    b = services.fund_for(alliance=oe.alliance, source="government", project=project)
    u = services.fund_for(alliance=oe.alliance, source="unrestricted")
    assert a.pk == b.pk and a.restricted and not u.restricted
    with scope(alliance=oe.alliance):
        assert Fund.objects.count() == 2


def test_fund_for_refuses_unknown_source_and_unrestricted_project_fund(oe, project):
    with pytest.raises(ValidationFailed):
        services.fund_for(alliance=oe.alliance, source="lottery")
    with pytest.raises(ValidationFailed):
        services.fund_for(alliance=oe.alliance, source="unrestricted", project=project)


def test_entry_record_does_not_post_and_another_person_approves(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 1, 5), description="捐赠",
                                  lines=[{"account": chart.BANK, "fund": fund, "debit": cny("500")},
                                         {"account": chart.INCOME_OTHER, "fund": fund, "credit": cny("500")}])
    assert entry.status == JournalEntry.Status.RECORDED and entry.sequence is None
    with pytest.raises(Forbidden):
        services.entry_approve(actor=oe.user("sec"), alliance=oe.alliance, entry=entry)
    posted = post(oe, entry)
    assert posted.status == "posted" and posted.sequence == 1 and len(posted.hash) == 64
    with scope(alliance=oe.alliance):
        assert selectors.balance(oe.alliance, _acc(chart.BANK), fund, D(2026, 1, 31)) == Decimal("500")


def _acc(code):
    from finance.models import Account
    return Account.objects.get(code=code)


def test_project_expense_posts_to_the_projects_restricted_fund(oe, project, funded):
    entry = services.project_expense_record(actor=oe.user("sec"), alliance=oe.alliance, project=project, source="government",
                                            amount=cny("30000"), date=D(2026, 4, 1), description="传感器样机材料",
                                            category="materials")
    post(oe, entry)
    with scope(alliance=oe.alliance):
        actuals = selectors.project_actuals(oe.alliance, project)
        assert actuals == {("materials", "government"): cny("30000")}
        gov = selectors.government_funds(oe.alliance)
        assert gov["projects"][project]["received"] == Decimal("100000")
        assert gov["projects"][project]["spent"] == Decimal("30000")


def test_project_expense_beyond_the_restricted_balance_is_refused(oe, project, funded):
    with pytest.raises(ValidationFailed) as exc:
        services.project_expense_record(actor=oe.user("sec"), alliance=oe.alliance, project=project, source="government",
                                        amount=cny("100000.01"), date=D(2026, 4, 1), description="超支", category="labour")
    assert "lines.0.fund" in exc.value.fields or "lines.1.fund" in exc.value.fields
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.count() == 1


def test_clawback_records_a_receivable_from_the_departing_unit(oe, project, funded):
    post(oe, services.project_expense_record(actor=oe.user("sec"), alliance=oe.alliance, project=project, source="government",
                                             amount=cny("20000"), date=D(2026, 4, 1), description="外协", category="outsourcing"))
    entry = services.clawback_record(actor=oe.user("sec"), alliance=oe.alliance, member_unit=oe.units[3], project=project,
                                     amount=cny("5000"), date=D(2026, 5, 1), description="退出项目追回经费")
    post(oe, entry)
    with scope(alliance=oe.alliance):
        lines = list(JournalLine.objects.filter(entry=entry).select_related("account"))
        assert {l.account.code for l in lines} == {chart.RECEIVABLE, chart.EXPENSE_PROJECT}
        assert all(l.member_unit_id == oe.units[3].pk and l.fund == funded for l in lines)
        total = sum(m.amount for m in selectors.project_actuals(oe.alliance, project).values())
        assert total == Decimal("15000")


def test_revenue_distribution_credits_each_owner_and_keeps_the_rest(oe):
    entry = services.revenue_distribution_record(
        actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 6, 1), description="专利许可费分配",
        gross=cny("10000"), shares=[(oe.units[0], cny("6000")), (oe.units[1], cny("3000")), (None, cny("500"))],
        asset_label="ZL2026-1",
    )
    post(oe, entry)
    with scope(alliance=oe.alliance):
        assert selectors.member_statement(oe.alliance, oe.units[0])["revenue_shares"] == Decimal("6000")
        assert selectors.member_statement(oe.alliance, oe.units[1])["revenue_shares"] == Decimal("3000")
        assert selectors.balance(oe.alliance, _acc(chart.BANK)) == Decimal("500")
        assert selectors.balance(oe.alliance, _acc(chart.INCOME_IP)) == Decimal("-10000")


def test_revenue_shares_above_gross_are_refused(oe):
    with pytest.raises(ValidationFailed):
        services.revenue_distribution_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 6, 1),
                                             description="x", gross=cny("100"), shares=[(oe.units[0], cny("101"))])
    with scope(alliance=oe.alliance):
        assert not JournalEntry.objects.exists()


def test_auditor_cannot_record_through_the_helpers(oe, project):
    with pytest.raises(Forbidden):
        services.project_expense_record(actor=oe.user("auditor"), alliance=oe.alliance, project=project, source="government",
                                        amount=cny("1"), date=D(2026, 4, 1), description="x", category="x")
