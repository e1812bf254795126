"""Fast balances (monthly totals + the partial month) equal a full recomputation after random
operations: entries in several currencies and dates, restricted spends, reversals, period closes."""

import datetime
from decimal import Decimal

from django_scopes import scope
from djmoney.money import Money
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliances.errors import ServiceError
from finance import selectors, services
from finance.models import Account, Fund, JournalEntry, LedgerBalance
from tests.finance.conftest import make_project

PAIRS = [("1002", "4901.02"), ("1002", "4201.01"), ("5201", "1002"), ("1001", "1002"), ("5101.01", "1002"), ("1002", "2101")]
dates = st.dates(min_value=datetime.date(2025, 11, 1), max_value=datetime.date(2026, 3, 31))
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
op = st.one_of(
    st.tuples(st.just("entry"), st.sampled_from(PAIRS), st.integers(0, 2), amounts, dates, st.sampled_from(["CNY", "CNY", "USD"])),
    st.tuples(st.just("reverse"), st.integers(0, 50), dates),
    st.tuples(st.just("close"), dates),
    st.tuples(st.just("reopen"), dates),
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=8), probes=st.lists(dates, min_size=1, max_size=3))
def test_fast_balance_equals_full_recomputation(oe, ops, probes):
    alliance, sec, sg = oe.alliance, oe.user("sec"), oe.user("sg")
    project = make_project(oe)
    funds = [services.fund_for(alliance=alliance, source="other"),
             services.fund_for(alliance=alliance, source="member_contribution"),
             services.fund_for(alliance=alliance, source="government", project=project)]
    for item in ops:
        try:
            if item[0] == "entry":
                _kind, (debit, credit), fund_index, amount, date, currency = item
                entry = services.entry_record(actor=sec, alliance=alliance, date=date, description="随机", lines=[
                    {"account": debit, "fund": funds[fund_index], "debit": Money(amount, currency)},
                    {"account": credit, "fund": funds[fund_index], "credit": Money(amount, currency)},
                ])
                services.entry_approve(actor=sg, alliance=alliance, entry=entry)
            elif item[0] == "reverse":
                with scope(alliance=alliance):
                    posted = list(JournalEntry.objects.filter(status="posted", reverses__isnull=True).order_by("sequence"))
                if posted:
                    reversal = services.entry_reverse(actor=sec, alliance=alliance, entry=posted[item[1] % len(posted)], date=item[2])
                    services.entry_approve(actor=sg, alliance=alliance, entry=reversal)
            elif item[0] == "close":
                services.period_close(actor=sec, alliance=alliance, year=item[1].year, month=item[1].month)
            else:
                services.period_reopen(actor=sg, alliance=alliance, year=item[1].year, month=item[1].month, reason="调整")
        except ServiceError:
            pass  # refusals (closed month, overdrawn restricted fund, ...) write nothing

    with scope(alliance=alliance):
        accounts = list(Account.objects.filter(code__in={c for pair in PAIRS for c in pair}))
        for as_of in probes + [datetime.date(2026, 1, 1)]:
            for account in accounts:
                for currency in ("CNY", "USD"):
                    assert selectors.balance(alliance, account, None, as_of, currency) == \
                        selectors.balance_recomputed(alliance, account, None, as_of, currency)
                    for fund in funds:
                        assert selectors.balance(alliance, account, fund, as_of, currency) == \
                            selectors.balance_recomputed(alliance, account, fund, as_of, currency)
            assert selectors.trial_balance(alliance, as_of)["balanced"]
        assert selectors.verify_chain(alliance)["ok"]
        for fund in Fund.objects.filter(restricted=True):
            for currency in ("CNY", "USD"):
                held = sum((selectors.balance(alliance, a, fund, None, currency) for a in accounts if a.kind == "asset"), Decimal(0))
                assert held >= 0
        # the balance table has one row per (account, fund, currency, month): never a row per line
        assert LedgerBalance.objects.count() <= len(accounts) * 3 * 2 * 5
