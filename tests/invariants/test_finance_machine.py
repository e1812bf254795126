"""A hypothesis state machine over the finance services (issue 9, point 3).

Rules: record entries (random accounts, funds, amounts, currencies, dates, member units) by one of
the two secretariat people; approve them by the other (self-approval refused); reject them; reverse
posted entries (a reversing entry, never an edit); close and reopen months, and write into closed
months (refused); receive, spend and release restricted project money, including overdrafts
(refused). Every refusal is predicted by an independent model here and must leave the ledger
untouched.

Invariants after every step: the posted books balance per currency, the hash chain verifies (the
`verify_ledger` command), no restricted fund holds negative assets or negative restricted net
assets, and the fast balances
(`selectors.balance`, `trial_balance`, `fund_balances`) equal a full recomputation from the posted
lines and this model.
"""

import datetime
import io
import os
from collections import defaultdict
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from alliances.errors import Conflict, Forbidden, ValidationFailed
from finance import chart, selectors, services
from finance.models import Account, JournalEntry, JournalLine, Ledger, LedgerBalance, Period
from projects.models import Project

from .support import Savepoint, assert_refused, machine_settings

ASSETS = {"1001", "1002", "1122", "1501"}
# kind -> (debit account, credit account, fund key); "restricted" is the project's government fund
KINDS = {
    "income": ("1002", "4901.02", "other"),
    "contribution": ("1002", "4201.01", "member"),
    "office": ("5201", "1002", "other"),
    "cash": ("1001", "1002", "other"),
    "loan": ("1002", "2101", "loan"),
    "grant": ("1002", "4401", "restricted"),
}
CURRENCIES = ("CNY", "USD")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("900"), places=2)
picks = st.integers(min_value=0, max_value=10_000)


def _months(today):
    """Months the machine writes into: from July of last year (the demo closed January-June) to now."""
    year, month, out = today.year - 1, 7, []
    while (year, month) <= (today.year, today.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


class FinanceMachine(RuleBasedStateMachine):
    ctx = None  # the `oe` DemoContext, set by the test

    def __init__(self):
        super().__init__()
        self.savepoint = Savepoint()
        ctx = self.ctx
        self.alliance = ctx.alliance
        self.people = {"sec": ctx.user("sec"), "sg": ctx.user("sg")}
        self.today = timezone.localdate()
        self.months = _months(self.today)
        with scope(alliance=self.alliance):
            self.project = Project.objects.create(
                alliance=self.alliance, code="INV-FIN-001", title="不变量测试项目", lead_unit=ctx.units[0],
                status=Project.Status.CLOSED,  # its remaining money may be released (project_accepted)
            )
            self.units = list(ctx.units)
            self.closed = {(p.year, p.month) for p in Period.objects.filter(status=Period.Status.CLOSED)}
        self.funds = {
            "other": services.fund_for(alliance=self.alliance, source="other"),
            "member": services.fund_for(alliance=self.alliance, source="member_contribution"),
            "loan": services.fund_for(alliance=self.alliance, source="loan"),
            "unrestricted": services.fund_for(alliance=self.alliance, source="unrestricted"),
            "restricted": services.fund_for(alliance=self.alliance, source="government", project=self.project),
        }
        # the project starts with some government money in both currencies, posted
        self.initial = {}
        for cur, amount in (("CNY", Decimal("1500")), ("USD", Decimal("300"))):
            grant = services.grant_receive(actor=self.people["sec"], alliance=self.alliance, project=self.project,
                                           amount=Money(amount, cur), date=self.today.replace(day=1), description="项目拨款")
            services.entry_approve(actor=self.people["sg"], alliance=self.alliance, entry=grant)
            self.initial[cur] = amount
        with scope(alliance=self.alliance):
            self.accounts = {a.code: a for a in Account.objects.all()}
            # balances before the example, for every pair the machine can touch (the model adds to them)
            self.pairs = sorted({(code, key, cur) for d, c, key in KINDS.values() for code in (d, c) for cur in CURRENCIES}
                                | {(code, key, cur) for code in ("5101.01", "1002", "3102") for key in ("restricted",) for cur in CURRENCIES}
                                | {(code, "unrestricted", cur) for code in ("1002", "3101") for cur in CURRENCIES})
            self.baseline = {
                pair: selectors.balance_recomputed(self.alliance, self.accounts[pair[0]], self.funds[pair[1]], self.today, pair[2])
                for pair in self.pairs
            }
        self.delta = defaultdict(Decimal)  # (code, fund key, currency) -> posted debit - credit made here
        self.fund_keys = {fund.pk: key for key, fund in self.funds.items()}
        with scope(alliance=self.alliance):
            self.closings_seen = set(JournalEntry.objects.filter(kind=JournalEntry.Kind.CLOSING).values_list("pk", flat=True))
        self.entries = {}  # pk -> {"status", "lines", "date", "recorder", "reverses", "reversal"}
        self.touched = set()
        self.stats = defaultdict(int)

    def teardown(self):
        try:
            self._check_pairs(self.pairs)  # every pair once per example; the steps check what they touched
        finally:
            self.savepoint.rollback()
        for name, count in self.stats.items():
            RUN_STATS[name] += count

    # ------------------------------------------------------------ the model

    def _restricted_available(self, currency) -> Decimal:
        return self.initial[currency] + sum((self.delta[(code, "restricted", currency)] for code in ASSETS), Decimal(0))

    def _refusal(self, date, lines):
        """The refusal the services must give for these lines on `date` (None: accepted)."""
        if (date.year, date.month) in self.closed:
            return ValidationFailed
        effect = defaultdict(Decimal)
        for code, key, currency, debit, credit in lines:
            if key == "restricted" and code in ASSETS:
                effect[currency] += debit - credit
        if any(change < 0 and self._restricted_available(cur) + change < 0 for cur, change in effect.items()):
            return ValidationFailed
        return None

    def _snapshot(self):
        with scope(alliance=self.alliance):
            ledger = Ledger.objects.get()
            return (
                sorted(JournalEntry.objects.values_list("status").annotate(n=Count("id"))),
                JournalLine.objects.count(),
                JournalLine.objects.filter(posted=True).count(),
                LedgerBalance.objects.aggregate(n=Count("id"), d=Sum("debit"), c=Sum("credit")),
                (ledger.last_sequence, ledger.last_hash),
                sorted(Period.objects.values_list("year", "month", "status")),
            )

    def _expect_refused(self, error, call):
        """`call` must raise `error` and change nothing."""
        assert_refused(error, call, self._snapshot)
        self.stats["refused"] += 1

    def _date(self, month_pick, day):
        year, month = self.months[month_pick % len(self.months)]
        date = datetime.date(year, month, min(day, 28))
        return min(date, self.today)

    def _open(self, status):
        return sorted(pk for pk, e in self.entries.items() if e["status"] == status)

    def _remember(self, entry, date, lines, recorder, reverses=None):
        self.entries[entry.pk] = {"status": "recorded", "lines": lines, "date": date, "recorder": recorder,
                                  "reverses": reverses, "reversal": None}
        if reverses is not None:
            self.entries[reverses]["reversal"] = entry.pk
        self.stats["recorded"] += 1

    # ------------------------------------------------------------ rules

    @rule(kind=st.sampled_from(sorted(KINDS)), amount=amounts, month=picks, day=st.integers(1, 28),
          currency=st.sampled_from(CURRENCIES), unit=picks, recorder=st.sampled_from(["sec", "sg"]))
    def record(self, kind, amount, month, day, currency, unit, recorder):
        debit, credit, key = KINDS[kind]
        date = self._date(month, day)
        member = self.units[unit % len(self.units)] if kind == "contribution" else None
        project = self.project if key == "restricted" else None
        lines = [(debit, key, currency, amount, Decimal(0)), (credit, key, currency, Decimal(0), amount)]
        payload = [
            {"account": debit, "fund": self.funds[key], "debit": Money(amount, currency), "member_unit": member, "project": project},
            {"account": credit, "fund": self.funds[key], "credit": Money(amount, currency), "member_unit": member, "project": project},
        ]

        def call():
            return services.entry_record(actor=self.people[recorder], alliance=self.alliance, date=date,
                                         description=f"随机{kind}", lines=payload)

        refusal = self._refusal(date, lines)
        if refusal:
            self._expect_refused(refusal, call)
        else:
            self._remember(call(), date, lines, recorder)

    @rule(amount=amounts, month=picks, day=st.integers(1, 28), currency=st.sampled_from(CURRENCIES))
    def restricted_spend(self, amount, month, day, currency):
        """An R&D expense paid from the project's restricted fund; more than it holds is refused."""
        date = self._date(month, day)
        lines = [("5101.01", "restricted", currency, amount, Decimal(0)), ("1002", "restricted", currency, Decimal(0), amount)]

        def call():
            return services.project_expense_record(
                actor=self.people["sec"], alliance=self.alliance, project=self.project, source="government",
                amount=Money(amount, currency), date=date, description="项目研发支出", category="materials",
            )

        refusal = self._refusal(date, lines)
        if refusal:
            self.stats["overdraw_refused" if (date.year, date.month) not in self.closed else "closed_refused"] += 1
            self._expect_refused(refusal, call)
        else:
            self._remember(call(), date, lines, "sec")

    @rule(excess=amounts, month=picks, day=st.integers(1, 28), currency=st.sampled_from(CURRENCIES))
    def overdraw_restricted_fund(self, excess, month, day, currency):
        """Spending a cent or more beyond what the restricted fund holds is refused, nothing written."""
        self.restricted_spend(self._restricted_available(currency) + excess, month, day, currency)

    @rule(amount=amounts, month=picks, day=st.integers(1, 28), currency=st.sampled_from(CURRENCIES))
    def restriction_release(self, amount, month, day, currency):
        date = self._date(month, day)
        lines = [("3102", "restricted", currency, amount, Decimal(0)), ("1002", "restricted", currency, Decimal(0), amount),
                 ("1002", "unrestricted", currency, amount, Decimal(0)), ("3101", "unrestricted", currency, Decimal(0), amount)]

        def call():
            return services.restriction_release(actor=self.people["sg"], alliance=self.alliance, fund=self.funds["restricted"],
                                                amount=Money(amount, currency), date=date, description="解除限制",
                                                condition="project_accepted")

        refusal = self._refusal(date, lines)
        if refusal:
            self._expect_refused(refusal, call)
        else:
            self._remember(call(), date, lines, "sg")

    @precondition(lambda self: self._open("recorded"))
    @rule(pick=picks, self_approve=st.sampled_from([False, False, False, True]))
    def approve(self, pick, self_approve):
        recorded = self._open("recorded")
        pk = recorded[pick % len(recorded)]
        item = self.entries[pk]
        with scope(alliance=self.alliance):
            entry = JournalEntry.objects.get(pk=pk)
        approver = item["recorder"] if self_approve else ("sg" if item["recorder"] == "sec" else "sec")

        def call():
            return services.entry_approve(actor=self.people[approver], alliance=self.alliance, entry=entry)

        if self_approve:
            self._expect_refused(Forbidden, call)  # maker/checker: the recorder never approves
            return
        refusal = self._refusal(item["date"], item["lines"])
        if refusal:
            self._expect_refused(refusal, call)
            return
        posted = call()
        assert posted.status == JournalEntry.Status.POSTED and posted.approved_by == self.people[approver]
        item["status"] = "posted"
        for code, key, currency, debit, credit in item["lines"]:
            self.delta[(code, key, currency)] += debit - credit
            self.touched.add((code, key, currency))
        self.stats["posted"] += 1

    @precondition(lambda self: self._open("recorded"))
    @rule(pick=picks)
    def reject(self, pick):
        recorded = self._open("recorded")
        pk = recorded[pick % len(recorded)]
        with scope(alliance=self.alliance):
            entry = JournalEntry.objects.get(pk=pk)
        services.entry_reject(actor=self.people["sg"], alliance=self.alliance, entry=entry, reason="退回")
        item = self.entries[pk]
        item["status"] = "rejected"
        if item["reverses"] is not None:
            self.entries[item["reverses"]]["reversal"] = None
        # a rejected entry can be neither approved nor rejected again
        self._expect_refused(Conflict, lambda: services.entry_approve(actor=self.people["sg"], alliance=self.alliance, entry=entry))
        self.stats["rejected"] += 1

    @precondition(lambda self: self._open("posted"))
    @rule(pick=picks, month=picks, day=st.integers(1, 28))
    def reverse(self, pick, month, day):
        posted = self._open("posted")
        pk = posted[pick % len(posted)]
        item = self.entries[pk]
        date = self._date(month, day)
        lines = [(code, key, cur, credit, debit) for code, key, cur, debit, credit in item["lines"]]
        with scope(alliance=self.alliance):
            entry = JournalEntry.objects.get(pk=pk)
            line_count = entry.lines.count()

        def call():
            return services.entry_reverse(actor=self.people["sec"], alliance=self.alliance, entry=entry, date=date)

        if (date.year, date.month) in self.closed:
            self._expect_refused(ValidationFailed, call)
        elif item["reversal"] is not None:
            self._expect_refused(Conflict, call)  # one reversal per entry
        elif self._refusal(date, lines):
            self._expect_refused(ValidationFailed, call)
        else:
            reversal = call()
            with scope(alliance=self.alliance):
                assert reversal.reverses_id == pk and reversal.lines.count() == line_count
            self._remember(reversal, date, lines, "sec", reverses=pk)
            self.stats["reversals"] += 1
        with scope(alliance=self.alliance):  # never an edit of the original
            assert JournalEntry.objects.get(pk=pk).hash == entry.hash

    @rule(month=picks)
    def close_period(self, month):
        year, month = self.months[month % len(self.months)]
        if len(self.closed & set(self.months)) >= 3 and (year, month) not in self.closed:
            return  # keep most months open so the other rules keep writing
        call = lambda: services.period_close(actor=self.people["sec"], alliance=self.alliance, year=year, month=month)  # noqa: E731
        pending = any(e["status"] == "recorded" and (e["date"].year, e["date"].month) == (year, month)
                      for e in self.entries.values())
        if (year, month) in self.closed or pending:  # a month with entries awaiting approval stays open
            self._expect_refused(Conflict, call)
        else:
            call()
            self.closed.add((year, month))
            self._track_closings()
            self.stats["closed"] += 1

    @precondition(lambda self: self.closed)
    @rule(pick=picks, day=st.integers(1, 28), amount=amounts)
    def write_into_closed_period(self, pick, day, amount):
        year, month = sorted(self.closed)[pick % len(self.closed)]
        date = datetime.date(year, month, day)
        fund = self.funds["other"]
        self._expect_refused(ValidationFailed, lambda: services.entry_record(
            actor=self.people["sec"], alliance=self.alliance, date=date, description="记入已结账期间",
            lines=[{"account": "1002", "fund": fund, "debit": Money(amount, "CNY")},
                   {"account": "4901.02", "fund": fund, "credit": Money(amount, "CNY")}],
        ))
        self.stats["closed_refused"] += 1

    @precondition(lambda self: self.closed)
    @rule(pick=picks)
    def reopen_period(self, pick):
        year, month = sorted(self.closed)[pick % len(self.closed)]
        services.period_reopen(actor=self.people["sg"], alliance=self.alliance, year=year, month=month, reason="调整")
        self.closed.discard((year, month))
        self._track_closings()
        self.stats["reopened"] += 1

    def _track_closings(self):
        """Closing a month posts its closing entry (结转), reopening posts the reversal: the model adds
        what they posted, and each moves exactly the month's income and expenses into net assets."""
        with scope(alliance=self.alliance):
            new = JournalEntry.objects.filter(kind=JournalEntry.Kind.CLOSING).exclude(pk__in=self.closings_seen)
            for entry in new:
                assert entry.status == JournalEntry.Status.POSTED
                self.closings_seen.add(entry.pk)
                if entry.date > self.today:  # the current month's closing is dated at its end: not yet in the balances checked
                    continue
                for line in entry.lines.select_related("account"):
                    pair = (line.account.code, self.fund_keys.get(line.fund_id), str(line.debit.currency))
                    if pair in self.baseline:  # the pairs the model follows
                        self.delta[pair] += line.debit.amount - line.credit.amount
                        self.touched.add(pair)
                        self.stats["closing_lines"] += 1

    # ------------------------------------------------------------ invariants

    @invariant()
    def books_balance_per_currency(self):
        with scope(alliance=self.alliance):
            rows = JournalLine.objects.filter(posted=True).values("debit_currency").annotate(d=Sum("debit"), c=Sum("credit"))
            for row in rows:
                assert row["d"] == row["c"], row
            assert selectors.trial_balance(self.alliance, self.today)["balanced"]

    @invariant()
    def hash_chain_verifies(self):
        out = io.StringIO()
        call_command("verify_ledger", self.alliance.slug, stdout=out)  # exits 1 when broken
        assert "chain intact" in out.getvalue()

    @invariant()
    def no_restricted_fund_is_negative(self):
        with scope(alliance=self.alliance):
            for row in selectors.fund_balances(self.alliance, self.today):
                if row["fund"].restricted:
                    assert row["assets"] >= 0, row
            for cur in CURRENCIES:
                held = sum((selectors.balance_recomputed(self.alliance, self.accounts[c], self.funds["restricted"], self.today, cur)
                            for c in ("1001", "1002")), Decimal(0))
                assert held == self._restricted_available(cur) >= 0
            # ... nor its restricted net assets (3102 + income - expenses): no release takes more
            nets = (JournalLine.objects.filter(posted=True, fund=self.funds["restricted"],
                                               account__kind__in=("net_restricted", "income", "expense"))
                    .values("debit_currency").annotate(d=Sum("debit"), c=Sum("credit")))
            for row in nets:
                assert row["c"] - row["d"] >= 0, row

    @invariant()
    def fast_balances_equal_recomputation(self):
        self._check_pairs(self.touched)
        self.touched.clear()
        with scope(alliance=self.alliance):
            for as_of in (self.today, self.today.replace(day=1) - datetime.timedelta(days=1)):
                full = {
                    (r["account__code"], r["debit_currency"]): (r["d"], r["c"])
                    for r in JournalLine.objects.filter(posted=True, date__lte=as_of)
                    .values("account__code", "debit_currency").annotate(d=Sum("debit"), c=Sum("credit"))
                }
                fast = {(r["code"], r["currency"]): (r["debit"], r["credit"])
                        for r in selectors.trial_balance(self.alliance, as_of)["rows"]}
                assert fast == full, as_of

    @invariant()
    def member_statements_equal_recount(self):
        with scope(alliance=self.alliance):
            for as_of in (self.today, self.today.replace(day=1) - datetime.timedelta(days=1)):
                for unit in self.units:
                    statement = selectors.member_statement(self.alliance, unit, as_of, page_size=0)
                    lines = JournalLine.objects.filter(
                        posted=True, member_unit=unit, date__lte=as_of, account__code=chart.INCOME_MEMBER)
                    cny = lines.filter(debit_currency="CNY").aggregate(d=Sum("debit"), c=Sum("credit"))
                    assert statement["receipts_count"] == lines.count(), (unit, as_of)
                    assert statement["paid"] == (cny["c"] or 0) - (cny["d"] or 0), (unit, as_of)

    def _check_pairs(self, pairs):
        """The fast balance of each (account, fund, currency) = its balance before + what posted here."""
        with scope(alliance=self.alliance):
            for pair in sorted(pairs):
                code, key, cur = pair
                fast = selectors.balance(self.alliance, self.accounts[code], self.funds[key], self.today, cur)
                assert fast == self.baseline[pair] + self.delta[pair], pair


RUN_STATS = defaultdict(int)


def test_ledger_invariants_hold_under_random_operations(oe):
    RUN_STATS.clear()
    FinanceMachine.ctx = oe
    run_state_machine_as_test(FinanceMachine, settings=machine_settings(max_examples=int(os.environ.get('INV_EXAMPLES', 25)), steps=25))
    # the machine really exercised every path (derandomized: the same run every time)
    for name in ("posted", "rejected", "reversals", "closed", "closed_refused", "overdraw_refused", "refused"):
        assert RUN_STATS[name] > 0, (name, sorted(RUN_STATS.items()))
    print("finance machine:", dict(RUN_STATS))
