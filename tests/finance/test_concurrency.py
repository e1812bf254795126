"""PostgreSQL: two simultaneous spends that together would overdraw a restricted fund — exactly one posts."""

import datetime

import pytest
from django_scopes import scope

from alliances.errors import ServiceError
from finance import chart, selectors, services
from finance.models import Account, JournalEntry
from tests.concurrency import run_together
from tests.finance.conftest import cny, make_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_spends_of_the_last_restricted_money_only_one_posts(postgres_only, oe):
    project = make_project(oe)
    grant = services.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny(100),
                                   date=datetime.date(2026, 3, 1), description="拨款")
    services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=grant)
    spends = [
        services.project_expense_record(actor=oe.user("sec"), alliance=oe.alliance, project=project, source="government",
                                        amount=cny(60), date=datetime.date(2026, 3, 5), description=f"支出{n}", category="materials")
        for n in range(2)
    ]
    results = run_together(
        *[lambda e=e: services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=e) for e in spends]
    )
    posted = [r for r in results if isinstance(r, JournalEntry)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(posted) == 1 and len(refused) == 1, results
    fund = services.fund_for(alliance=oe.alliance, source="government", project=project)
    with scope(alliance=oe.alliance):
        assert selectors.balance(oe.alliance, Account.objects.get(code=chart.BANK), fund) == 40
        assert sorted(JournalEntry.objects.values_list("status", flat=True)) == ["posted", "posted", "recorded"]
        assert selectors.verify_chain(oe.alliance)["ok"]


def test_two_approvals_of_the_same_entry_post_it_once(postgres_only, oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 3, 1), description="x",
                                  lines=[{"account": "1002", "fund": fund, "debit": cny(5)},
                                         {"account": "4901.02", "fund": fund, "credit": cny(5)}])
    results = run_together(
        lambda: services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=entry),
        lambda: services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=entry),
    )
    assert sum(isinstance(r, JournalEntry) for r in results) == 1, results
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get(pk=entry.pk).sequence == 1
        assert selectors.balance(oe.alliance, Account.objects.get(code="1002"), fund) == 5
