"""Closing into net assets (结转): closing a month records and posts a hash-chained closing entry that
moves the month's income and expenses into 3101 (unrestricted funds) and 3102 (restricted ones);
reopening reverses it; closing again closes the month's full movement."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scope

from alliances.errors import Conflict, ValidationFailed
from finance import chart, selectors, services
from finance.models import Account, JournalEntry
from tests.finance.conftest import cny, post, simple_lines

MARCH_END = datetime.date(2026, 3, 31)


def _record_and_post(oe, day, lines, description="凭证"):
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=day, description=description, lines=lines)
    return post(oe, entry)


@pytest.fixture
def march(oe, project, funded):
    """March 2026: 100,000 of government money restricted to the project (the `funded` fixture),
    30,000 of it spent on R&D; 500 other income and 200 office costs, unrestricted."""
    other = services.fund_for(alliance=oe.alliance, source="other")
    general = services.fund_for(alliance=oe.alliance, source="member_contribution")
    _record_and_post(oe, datetime.date(2026, 3, 5), simple_lines(other, 500))
    _record_and_post(oe, datetime.date(2026, 3, 6), simple_lines(general, 200, debit=chart.EXPENSE_OFFICE, credit=chart.BANK))
    services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=services.project_expense_record(
        actor=oe.user("sec"), alliance=oe.alliance, project=project, source="government", amount=cny(30000),
        date=datetime.date(2026, 3, 10), description="样机材料", category="materials"))
    return {"other": other, "general": general, "funded": funded}


def _balances(oe, as_of=MARCH_END) -> dict:
    """code -> debit minus credit over every fund (CNY)."""
    with scope(alliance=oe.alliance):
        return {row["code"]: row["balance_debit"] - row["balance_credit"]
                for row in selectors.trial_balance(oe.alliance, as_of)["rows"]}


def _net(oe, code, fund, as_of=MARCH_END):
    with scope(alliance=oe.alliance):
        return selectors.balance(oe.alliance, Account.objects.get(code=code), fund, as_of)


def _closings(oe):
    with scope(alliance=oe.alliance):
        return list(JournalEntry.objects.filter(kind=JournalEntry.Kind.CLOSING).order_by("sequence"))


def _verified(oe):
    with scope(alliance=oe.alliance):
        return selectors.verify_chain(oe.alliance)["ok"]


def test_closing_moves_income_and_expenses_into_net_assets_by_restriction(oe, march, project):
    sec = oe.user("sec")
    before = _balances(oe)
    assert before[chart.INCOME_GOVERNMENT] == -100000 and before[chart.EXPENSE_PROJECT] == 30000
    services.period_close(actor=sec, alliance=oe.alliance, year=2026, month=3)

    [closing] = _closings(oe)
    assert (closing.status, closing.date, closing.recorded_by, closing.approved_by) == ("posted", MARCH_END, sec, sec)
    after = _balances(oe)
    for code in (chart.INCOME_GOVERNMENT, chart.INCOME_OTHER, chart.EXPENSE_PROJECT, chart.EXPENSE_OFFICE):
        assert after[code] == 0
    assert after[chart.NET_RESTRICTED] == -70000 and after[chart.NET_UNRESTRICTED] == -300
    assert after[chart.BANK] == before[chart.BANK]
    # On the same fund: the grant's fund carries its 70,000, the other funds their own result.
    assert _net(oe, chart.NET_RESTRICTED, march["funded"]) == -70000
    assert _net(oe, chart.NET_UNRESTRICTED, march["other"]) == -500
    assert _net(oe, chart.NET_UNRESTRICTED, march["general"]) == 200
    # What happened stays visible: government money received and spent, the project's actuals.
    with scope(alliance=oe.alliance):
        government = selectors.government_funds(oe.alliance, MARCH_END)
        assert (government["received"], government["spent"]) == (100000, 30000)
        assert sum(m.amount for m in selectors.project_actuals(oe.alliance, project, MARCH_END).values()) == 30000
    assert _verified(oe)

    # Nothing posts into the closed month, and the closing entry is no one's to approve or reverse.
    with pytest.raises(ValidationFailed):
        services.entry_record(actor=sec, alliance=oe.alliance, date=datetime.date(2026, 3, 20), description="迟到",
                              lines=simple_lines(march["other"], 1))
    with pytest.raises(Conflict):
        services.entry_reverse(actor=sec, alliance=oe.alliance, entry=closing, date=datetime.date(2026, 4, 2))


def test_a_month_with_no_income_or_expense_closes_without_an_entry(oe, march):
    services.period_close(actor=oe.user("sec"), alliance=oe.alliance, year=2026, month=2)
    assert _closings(oe) == []


def test_reopening_reverses_the_closing_and_closing_again_closes_the_full_month(oe, march):
    sec, sg = oe.user("sec"), oe.user("sg")
    services.period_close(actor=sec, alliance=oe.alliance, year=2026, month=3)
    services.period_reopen(actor=sg, alliance=oe.alliance, year=2026, month=3, reason="补记一笔收入")

    closing, reversal = _closings(oe)
    assert reversal.reverses_id == closing.pk and reversal.status == "posted" and reversal.approved_by == sg
    reopened = _balances(oe)
    assert reopened[chart.INCOME_GOVERNMENT] == -100000 and reopened[chart.EXPENSE_PROJECT] == 30000
    assert reopened.get(chart.NET_RESTRICTED, 0) == 0 and reopened.get(chart.NET_UNRESTRICTED, 0) == 0

    _record_and_post(oe, datetime.date(2026, 3, 25), simple_lines(march["other"], 100), "补记收入")
    services.period_close(actor=sec, alliance=oe.alliance, year=2026, month=3)
    assert len(_closings(oe)) == 3
    closed = _balances(oe)
    assert closed[chart.INCOME_OTHER] == 0 and closed[chart.EXPENSE_PROJECT] == 0
    assert closed[chart.NET_UNRESTRICTED] == -400 and closed[chart.NET_RESTRICTED] == -70000
    assert _verified(oe)


def test_a_month_of_restricted_spending_closes_with_a_debit_to_3102(oe, march, project):
    """The closing entry passes the restricted checks that refuse a typed 3102 debit."""
    sec = oe.user("sec")
    services.period_close(actor=sec, alliance=oe.alliance, year=2026, month=3)
    services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=services.project_expense_record(
        actor=sec, alliance=oe.alliance, project=project, source="government", amount=cny(5000),
        date=datetime.date(2026, 4, 8), description="测试费", category="testing"))
    services.period_close(actor=sec, alliance=oe.alliance, year=2026, month=4)
    april = _closings(oe)[-1]
    with scope(alliance=oe.alliance):
        lines = {(line.account.code, line.fund_id): (line.debit.amount, line.credit.amount) for line in april.lines.all()}
    assert lines == {(chart.EXPENSE_PROJECT, march["funded"].pk): (0, 5000), (chart.NET_RESTRICTED, march["funded"].pk): (5000, 0)}
    assert _net(oe, chart.NET_RESTRICTED, march["funded"], datetime.date(2026, 4, 30)) == -65000
    assert _verified(oe)


def test_the_closing_entry_is_labelled_in_the_journal(oe, march, api, client):
    services.period_close(actor=oe.user("sec"), alliance=oe.alliance, year=2026, month=3)
    [closing] = _closings(oe)
    body = api(oe.user("auditor")).get(f"/api/v1/alliances/{oe.alliance.slug}/ledger/entries/{closing.pk}/").json()
    assert (body["kind"], body["kind_label"]) == ("closing", "结转凭证")
    client.force_login(oe.user("sec"))
    page = client.get(reverse("finance:entries", kwargs={"slug": oe.alliance.slug}))
    assert "结转凭证" in page.content.decode() and "2026年3月收入、费用结转净资产" in page.content.decode()


def test_the_hash_covers_the_closing_kind(oe, march):
    services.period_close(actor=oe.user("sec"), alliance=oe.alliance, year=2026, month=3)
    [closing] = _closings(oe)
    with scope(alliance=oe.alliance):
        JournalEntry.objects.filter(pk=closing.pk).update(kind=JournalEntry.Kind.REGULAR)  # tampering
        result = selectors.verify_chain(oe.alliance)
    assert not result["ok"] and result["broken"]["sequence"] == closing.sequence
