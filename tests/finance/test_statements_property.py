"""The statements' identities for any ledger (issue 15 point 2), over random ledgers built through
the services around a year end: entries on every kind of account, grants restricted to a project,
its expenses, releases, reversals, transfers between cash accounts, direct postings to net assets.

- assets = liabilities + net assets, at the date and at the start of its year;
- the activities' net asset change = net assets at the end − net assets the day before the start
  (per column too);
- the cash flow's net change = cash at the end − cash the day before = the balance sheet's 货币资金
  movement;
- the balance tables read at a date (`statements.net_at`) = the posted lines summed up to it."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django_scopes import scope
from djmoney.money import Money
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliances.errors import ServiceError
from finance import chart, services, statements
from finance.models import JournalEntry, JournalLine
from tests.finance.conftest import make_project

D = datetime.date
# (debit, credit) on the unrestricted fund: income, expenses, loans, assets, transfers, net assets.
PAIRS = [(chart.BANK, chart.INCOME_OTHER), (chart.BANK, chart.INCOME_MEMBER), (chart.CASH, chart.INCOME_IP),
         (chart.EXPENSE_OFFICE, chart.BANK), (chart.EXPENSE_OTHER, chart.CASH), (chart.EXPENSE_FINANCING, chart.BANK),
         (chart.BANK, chart.SHORT_LOAN), (chart.LONG_LOAN, chart.BANK), (chart.FIXED_ASSETS, chart.PAYABLE),
         (chart.PAYABLE, chart.BANK), (chart.RECEIVABLE, chart.INCOME_OTHER), (chart.BANK, chart.RECEIVABLE),
         (chart.CASH, chart.BANK), (chart.EXPENSE_REVENUE_SHARE, chart.OTHER_PAYABLE)]
dates = st.dates(min_value=D(2025, 11, 20), max_value=D(2026, 2, 10))
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
op = st.one_of(
    st.tuples(st.just("entry"), st.sampled_from(PAIRS), amounts, dates),
    st.tuples(st.just("grant"), amounts, dates),
    st.tuples(st.just("spend"), amounts, dates),
    st.tuples(st.just("advance"), amounts, dates),
    st.tuples(st.just("release"), amounts, dates),
    st.tuples(st.just("reverse"), st.integers(0, 50), dates),
    st.tuples(st.just("net"), st.booleans(), amounts, dates),
)


def apply(ctx, project, funds, item):
    alliance, sec, sg = ctx.alliance, ctx.user("sec"), ctx.user("sg")
    kind, *args = item
    if kind == "entry":
        (debit, credit), amount, date = args
        entry = services.entry_record(actor=sec, alliance=alliance, date=date, description="随机", lines=[
            {"account": debit, "fund": funds["other"], "debit": Money(amount, "CNY")},
            {"account": credit, "fund": funds["other"], "credit": Money(amount, "CNY")}])
    elif kind == "grant":
        entry = services.grant_receive(actor=sec, alliance=alliance, project=project, amount=Money(args[0], "CNY"),
                                       date=args[1], description="资助")
    elif kind == "spend":
        entry = services.project_expense_record(actor=sec, alliance=alliance, project=project, source="government",
                                                amount=Money(args[0], "CNY"), date=args[1], description="支出",
                                                category="materials")
    elif kind == "advance":  # the project's purpose paid from unrestricted money
        entry = services.entry_record(actor=sec, alliance=alliance, date=args[1], description="垫付", lines=[
            {"account": chart.EXPENSE_PROJECT, "fund": funds["other"], "debit": Money(args[0], "CNY"), "project": project},
            {"account": chart.BANK, "fund": funds["other"], "credit": Money(args[0], "CNY")}])
    elif kind == "release":
        entry = services.restriction_release(actor=sec, alliance=alliance, fund=funds["government"],
                                             amount=Money(args[0], "CNY"), date=args[1], description="解除限制",
                                             condition="purpose_spent")
    elif kind == "net":  # straight to net assets (an opening balance), unrestricted or restricted
        restricted, amount, date = args
        fund, code = (funds["government"], chart.NET_RESTRICTED) if restricted else (funds["other"], chart.NET_UNRESTRICTED)
        entry = services.entry_record(actor=sec, alliance=alliance, date=date, description="期初", lines=[
            {"account": chart.BANK, "fund": fund, "debit": Money(amount, "CNY")},
            {"account": code, "fund": fund, "credit": Money(amount, "CNY")}])
    else:
        with scope(alliance=alliance):
            posted = list(JournalEntry.objects.filter(status="posted", reverses__isnull=True).order_by("sequence"))
        if not posted:
            return
        entry = services.entry_reverse(actor=sec, alliance=alliance, entry=posted[args[0] % len(posted)], date=args[1])
    services.entry_approve(actor=sg, alliance=alliance, entry=entry)


def recomputed(alliance, as_of):
    with scope(alliance=alliance):
        rows = (JournalLine.objects.filter(posted=True, debit_currency="CNY", date__lte=as_of)
                .values_list("account_id", "fund_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by())
        out = defaultdict(Decimal)
        for account_id, fund_id, debit, credit in rows:
            out[(account_id, fund_id)] += (debit - credit).quantize(Decimal("0.01"))  # SQLite sums as floats
    return {key: value for key, value in out.items() if value}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=10), ranges=st.lists(st.tuples(dates, dates), min_size=1, max_size=3))
def test_statement_identities_hold_for_any_ledger(oe, ops, ranges):
    alliance = oe.alliance
    project = make_project(oe)
    funds = {"other": services.fund_for(alliance=alliance, source="other"),
             "government": services.fund_for(alliance=alliance, source="government", project=project)}
    for item in ops:
        try:
            apply(oe, project, funds, item)
        except ServiceError:
            pass  # refusals (overdrawn restricted fund, release beyond its condition, ...) write nothing

    def net_assets(day):
        totals = statements.balance_sheet(alliance, day)["totals"]
        return totals["unrestricted_net_assets"], totals["restricted_net_assets"]

    for pair in ranges:
        start, end = sorted(pair)
        before = start - datetime.timedelta(days=1)
        for day in (before, end):
            sheet = statements.balance_sheet(alliance, day)
            for totals in (sheet["totals"], sheet["totals"]["opening_totals"]):
                assert totals["assets"] == totals["liabilities"] + totals["net_assets"]
            with scope(alliance=alliance):
                assert {k: v for k, v in statements.net_at(day).items() if v} == recomputed(alliance, day)
        change = statements.activities(alliance, start, end)["totals"]["net_asset_change"]
        (u0, r0), (u1, r1) = net_assets(before), net_assets(end)
        assert (change["unrestricted"], change["restricted"]) == (u1 - u0, r1 - r0)
        assert change["total"] == (u1 + r1) - (u0 + r0)
        flows = statements.cash_flow(alliance, start, end)["totals"]
        cash = [next(line["closing"] for line in statements.balance_sheet(alliance, day)["lines"] if line["row"] == 1)
                for day in (before, end)]
        assert flows["cash_begin"] == cash[0] and flows["cash_end"] == cash[1]
        assert flows["net_cash_change"] == flows["cash_end"] - flows["cash_begin"]
        assert flows["net_cash_change"] == flows["operating"] + flows["investing"] + flows["financing"]
