"""The balance at a date reads the monthly balance table for whole months and only the lines of the
partial month — not every line (the benchmark issue measures it at 1M entries)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from finance import chart, selectors, services
from finance.models import Account, JournalLine, LedgerBalance
from tests.finance.conftest import cny, post


def test_whole_months_come_from_the_balance_table(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    for month in (1, 2, 3):
        post(oe, services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, month, 15),
                                       description=f"{month}月收入", lines=[
                                           {"account": chart.BANK, "fund": fund, "debit": cny(100 * month)},
                                           {"account": chart.INCOME_OTHER, "fund": fund, "credit": cny(100 * month)}]))
    with scope(alliance=oe.alliance):
        bank = Account.objects.get(code=chart.BANK)
        assert LedgerBalance.objects.filter(account=bank).count() == 3
        assert selectors.balance(oe.alliance, bank, fund, datetime.date(2026, 3, 20)) == 600
        assert selectors.balance(oe.alliance, bank, fund, datetime.date(2026, 3, 10)) == 300
        # January's line changed behind the ledger's back: whole months are read from the table only.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE finance_journalline SET debit = 0 WHERE date = '2026-01-15' AND account_id = %s", [bank.pk])
        assert selectors.balance(oe.alliance, bank, fund, datetime.date(2026, 3, 20)) == 600
        assert selectors.balance_recomputed(oe.alliance, bank, fund, datetime.date(2026, 3, 20)) == 500
        with CaptureQueriesContext(connection) as queries:
            selectors.balance(oe.alliance, bank, fund, datetime.date(2026, 3, 20))
        assert len(queries) == 1  # one statement: the table's whole months UNION ALL the open month's lines
        assert "UNION ALL" in queries[0]["sql"]


def test_entry_list_query_count_does_not_grow_with_the_page(oe, api):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    for n in range(6):
        services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 1, 1 + n), description=f"e{n}",
                              lines=[{"account": chart.BANK, "fund": fund, "debit": cny(1)},
                                     {"account": chart.INCOME_OTHER, "fund": fund, "credit": cny(1)}])
    client = api(oe.user("auditor"))
    url = f"/api/v1/alliances/{oe.alliance.slug}/ledger/entries/"
    client.get(url, {"page_size": 1})
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, {"page_size": 1}).status_code == 200
    with CaptureQueriesContext(connection) as six:
        assert len(client.get(url, {"page_size": 50}).json()["results"]) == 6
    assert len(one) == len(six)
    with scope(alliance=oe.alliance):
        assert JournalLine.objects.count() == 12
