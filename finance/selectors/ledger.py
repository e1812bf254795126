"""Ledger reads: balances, trial balance, fund balances, general ledger, project actuals, government funds."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import pgettext
from django_scopes import scope
from djmoney.money import Money

from finance import chart
from finance.models import Account, Fund, JournalEntry, JournalLine, LedgerBalance, Source


ZERO = Decimal(0)


def earliest_entry(alliance) -> tuple[datetime.date, str] | None:
    """The date of the alliance's earliest journal entry not rejected (recorded or posted), for the
    founding-date check of the tenant core (`alliances.dates.register_earliest_record`)."""
    with scope(alliance=alliance):
        day = (JournalEntry.objects.exclude(status=JournalEntry.Status.REJECTED)
               .order_by("date").values_list("date", flat=True).first())
    return (day, pgettext("earliest record", "记账凭证")) if day else None


def _as_of(as_of) -> datetime.date:
    return as_of or timezone.localdate()


def _split(as_of):
    return as_of.replace(day=1)


def balance_sql(alliance, account, fund, as_of, currency: str = "CNY") -> tuple[str, list]:
    """The one statement `balance` runs (also EXPLAINed by the benchmark)."""
    month = _split(as_of)
    account_id = getattr(account, "pk", account)
    fund_id = getattr(fund, "pk", fund)
    alliance_id = getattr(alliance, "pk", None) or Account.objects.filter(pk=account_id).values_list("alliance_id", flat=True).first()
    by_fund = " AND fund_id = %s" if fund_id is not None else ""
    fund_param = [fund_id] if fund_id is not None else []
    sql = (
        "SELECT COALESCE(SUM(d), 0) - COALESCE(SUM(c), 0) FROM ("
        f"SELECT SUM(debit) AS d, SUM(credit) AS c FROM {LedgerBalance._meta.db_table} "
        f"WHERE alliance_id = %s AND account_id = %s AND currency = %s AND month < %s{by_fund} "
        "UNION ALL "
        f"SELECT SUM(debit), SUM(credit) FROM {JournalLine._meta.db_table} "
        f"WHERE alliance_id = %s AND posted AND account_id = %s AND debit_currency = %s AND date >= %s AND date <= %s{by_fund}"
        ") AS parts"
    )
    return sql, [alliance_id, account_id, currency, month, *fund_param, alliance_id, account_id, currency, month, as_of, *fund_param]


def balance(alliance, account, fund=None, as_of=None, currency: str = "CNY") -> Decimal:
    """Debit minus credit of `account` (optionally one fund) at the end of `as_of` (fast path):
    ONE statement, the monthly balance table before the month of `as_of` plus the posted lines of
    that month up to the date (index `finance_line_account_idx`)."""
    sql, params = balance_sql(alliance, account, fund, _as_of(as_of), currency)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    if isinstance(value, float):  # SQLite sums decimals as floats: back to cents
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    return Decimal(value) if value is not None else ZERO


def balance_recomputed(alliance, account, fund=None, as_of=None, currency: str = "CNY") -> Decimal:
    """The same figure from every posted line (for verification, never for pages)."""
    lines = JournalLine.objects.filter(posted=True, account=account, debit_currency=currency, date__lte=_as_of(as_of))
    if fund is not None:
        lines = lines.filter(fund=fund)
    totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or ZERO) - (totals["c"] or ZERO)


def _totals(as_of, activity: bool = False, **filters) -> dict:
    """(account_id, fund_id, currency) -> [debit, credit] at `as_of`, from balances + partial month.
    `activity`: without the closing entries (结转凭证), so income and expenses show what happened
    rather than what is left to close (closing lines are few: one entry per closed month)."""
    month = _split(as_of)
    out = defaultdict(lambda: [ZERO, ZERO])
    if activity:
        closing = (
            JournalLine.objects.filter(posted=True, entry__kind=JournalEntry.Kind.CLOSING, date__lte=as_of, **filters)
            .values("account_id", "fund_id", "debit_currency").annotate(d=Sum("debit"), c=Sum("credit")).order_by()
        )
        for row in closing:
            key = (row["account_id"], row["fund_id"], row["debit_currency"])
            out[key][0] -= row["d"]
            out[key][1] -= row["c"]
    rows = (
        LedgerBalance.objects.filter(month__lt=month, **filters)
        .values("account_id", "fund_id", "currency").annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for row in rows:
        key = (row["account_id"], row["fund_id"], row["currency"])
        out[key][0] += row["d"]
        out[key][1] += row["c"]
    lines = (
        JournalLine.objects.filter(posted=True, date__gte=month, date__lte=as_of, **filters)
        .values("account_id", "fund_id", "debit_currency").annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for row in lines:
        key = (row["account_id"], row["fund_id"], row["debit_currency"])
        out[key][0] += row["d"]
        out[key][1] += row["c"]
    return out


def trial_balance(alliance, as_of=None) -> dict:
    """Per account and currency: total debits, credits, and the balance on the normal side."""
    as_of = _as_of(as_of)
    accounts = {a.pk: a for a in Account.objects.all()}
    per_account = defaultdict(lambda: [ZERO, ZERO])
    for (account_id, _fund, currency), (debit, credit) in _totals(as_of).items():
        per_account[(account_id, currency)][0] += debit
        per_account[(account_id, currency)][1] += credit
    rows = []
    sums = defaultdict(lambda: [ZERO, ZERO])
    for (account_id, currency), (debit, credit) in sorted(per_account.items(), key=lambda kv: (accounts[kv[0][0]].code, kv[0][1])):
        account = accounts[account_id]
        net = debit - credit
        rows.append({
            "account": account, "code": account.code, "name": account.display_name, "kind": account.kind, "currency": currency,
            "debit": debit, "credit": credit,
            "balance_debit": net if net > 0 else ZERO, "balance_credit": -net if net < 0 else ZERO,
        })
        sums[currency][0] += net if net > 0 else ZERO
        sums[currency][1] += -net if net < 0 else ZERO
    totals = {c: {"debit": d, "credit": cr, "balanced": d == cr} for c, (d, cr) in sums.items()}
    return {"as_of": as_of, "rows": rows, "totals": totals, "balanced": all(t["balanced"] for t in totals.values())}


def fund_balances(alliance, as_of=None) -> list[dict]:
    """Per fund and currency: assets held (available), income, expense."""
    as_of = _as_of(as_of)
    accounts = {a.pk: a for a in Account.objects.all()}
    funds = {f.pk: f for f in Fund.objects.select_related("project")}
    out = defaultdict(lambda: {"assets": ZERO, "income": ZERO, "expense": ZERO})
    for (account_id, fund_id, currency), (debit, credit) in _totals(as_of, activity=True).items():
        kind = accounts[account_id].kind
        item = out[(fund_id, currency)]
        if kind == Account.Kind.ASSET:
            item["assets"] += debit - credit
        elif kind == Account.Kind.INCOME:
            item["income"] += credit - debit
        elif kind == Account.Kind.EXPENSE:
            item["expense"] += debit - credit
    rows = []
    for (fund_id, currency), item in sorted(out.items(), key=lambda kv: (funds[kv[0][0]].restricted, kv[0][0], kv[0][1])):
        rows.append({"fund": funds[fund_id], "currency": currency, **item})
    return rows


def general_ledger(alliance, as_of=None, account=None, date_from=None) -> list[dict]:
    """Per account: opening balance at `date_from`, posted lines up to `as_of` with running balance."""
    as_of = _as_of(as_of)
    accounts = [account] if account is not None else list(Account.objects.all())
    # One read of the lines for every account (not one query per account of the chart).
    lines = (
        JournalLine.objects.filter(posted=True, account__in=accounts, date__lte=as_of)
        .select_related("entry", "fund__project", "member_unit").order_by("date", "entry__sequence", "position")
    )
    currencies_before = defaultdict(set)
    if date_from:
        lines = lines.filter(date__gte=date_from)
        for account_id, currency in (
            JournalLine.objects.filter(posted=True, account__in=accounts, date__lt=date_from)
            .values_list("account_id", "debit_currency").distinct()
        ):
            currencies_before[account_id].add(currency)
    lines_of = defaultdict(list)
    for line in lines:
        lines_of[line.account_id].append(line)
    out = []
    for acc in accounts:
        opening = defaultdict(lambda: ZERO)
        if date_from:
            before = date_from - datetime.timedelta(days=1)
            for currency in sorted(currencies_before[acc.pk]):
                opening[currency] = balance(alliance, acc, as_of=before, currency=currency)
        running = defaultdict(lambda: ZERO, opening)
        items = []
        for line in lines_of[acc.pk]:
            currency = str(line.debit.currency)
            running[currency] += line.debit.amount - line.credit.amount
            items.append({"line": line, "entry": line.entry, "currency": currency, "debit": line.debit.amount,
                          "credit": line.credit.amount, "running": running[currency]})
        if items or any(opening.values()):
            out.append({"account": acc, "opening": dict(opening), "lines": items, "closing": dict(running)})
    return out


def project_actuals(alliance, project, as_of=None) -> dict:
    """(category, source) -> Money spent on `project` (R&D expense lines, clawbacks netted)."""
    as_of = _as_of(as_of)
    rows = (
        JournalLine.objects.filter(posted=True, project=project, account__code=chart.EXPENSE_PROJECT, date__lte=as_of,
                                   entry__kind=JournalEntry.Kind.REGULAR)
        .values("category", "fund__source", "debit_currency").annotate(d=Sum("debit"), c=Sum("credit"))
    )
    out = defaultdict(Decimal)
    currency_of = {}
    for row in rows:
        key = (row["category"] or "", row["fund__source"])
        out[key] += row["d"] - row["c"]
        currency_of[key] = row["debit_currency"]
    return {key: Money(amount, currency_of[key]) for key, amount in out.items()}


def budget_vs_actual(alliance, project, budget=None, as_of=None) -> list[dict]:
    """Budget lines ((category, source) -> Money, from projects when it has them) against actuals."""
    actuals = project_actuals(alliance, project, as_of)
    budget = budget or {}
    keys = sorted(set(actuals) | set(budget))
    rows = []
    for key in keys:
        planned = budget.get(key)
        actual = actuals.get(key)
        currency = str((planned or actual).currency)
        planned_amount = planned.amount if planned is not None else ZERO
        actual_amount = actual.amount if actual is not None else ZERO
        rows.append({"category": key[0], "source": key[1], "currency": currency, "budget": planned_amount,
                     "actual": actual_amount, "remaining": planned_amount - actual_amount})
    return rows


def government_funds(alliance, as_of=None) -> dict:
    """Government money per project: received (income), spent (R&D expense), balance held."""
    as_of = _as_of(as_of)
    per_project = defaultdict(lambda: {"received": ZERO, "spent": ZERO, "available": ZERO})
    funds = {f.pk: f for f in Fund.objects.filter(source=Source.GOVERNMENT).select_related("project")}
    accounts = {a.pk: a for a in Account.objects.all()}
    for (account_id, fund_id, currency), (debit, credit) in _totals(as_of, activity=True, fund__source=Source.GOVERNMENT).items():
        if currency != "CNY":
            continue
        account = accounts[account_id]
        item = per_project[funds[fund_id].project]
        if account.kind == Account.Kind.INCOME:
            item["received"] += credit - debit
        elif account.kind == Account.Kind.EXPENSE:
            item["spent"] += debit - credit
        elif account.kind == Account.Kind.ASSET:
            item["available"] += debit - credit
    return {
        "as_of": as_of, "currency": "CNY",
        "projects": dict(per_project),
        "received": sum((v["received"] for v in per_project.values()), ZERO),
        "spent": sum((v["spent"] for v in per_project.values()), ZERO),
    }


def pending_entries(alliance):
    return JournalEntry.objects.filter(status=JournalEntry.Status.RECORDED).select_related("recorded_by").prefetch_related(
        "lines__account", "lines__fund__project"
    ).order_by("date", "id")


def has_government_fund(project) -> bool:
    """Whether a government fund is restricted to `project` (in the tenant scope)."""
    return Fund.objects.filter(project=project, source=Source.GOVERNMENT).exists()


def fund_balance_history(alliance, as_of=None, months: int = 12) -> dict:
    """Assets held per fund (CNY) at each of the last `months` month-ends up to `as_of`, the last
    point being `as_of` itself: {"points": [date, ...], "funds": [(fund, [Decimal, ...]), ...]}.
    Three queries whatever the history: funds, the monthly balance table before the month of
    `as_of`, and that month's posted lines up to the date."""
    as_of = _as_of(as_of)
    current = _split(as_of)
    starts = [current]
    while len(starts) < months:
        starts.insert(0, (starts[0] - datetime.timedelta(days=1)).replace(day=1))
    points = [start - datetime.timedelta(days=1) for start in starts[1:]] + [as_of]  # month-ends, then as_of
    funds = {f.pk: f for f in Fund.objects.select_related("project")}
    moves = defaultdict(lambda: defaultdict(lambda: ZERO))  # fund -> month start -> debit - credit
    for row in (LedgerBalance.objects.filter(month__lt=current, currency="CNY", account__kind=Account.Kind.ASSET)
                .values("fund_id", "month").annotate(d=Sum("debit"), c=Sum("credit")).order_by()):
        moves[row["fund_id"]][row["month"]] += row["d"] - row["c"]
    for row in (JournalLine.objects.filter(posted=True, date__gte=current, date__lte=as_of, debit_currency="CNY",
                                           account__kind=Account.Kind.ASSET)
                .values("fund_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by()):
        moves[row["fund_id"]][current] += row["d"] - row["c"]
    out = []
    for fund_id in sorted(moves, key=lambda pk: (funds[pk].restricted, pk)):
        by_month = moves[fund_id]
        running = sum((v for month, v in by_month.items() if month < starts[0]), ZERO)
        values = []
        for start in starts:
            running += by_month.get(start, ZERO)
            values.append(running)
        if any(values):
            out.append((funds[fund_id], values))
    return {"as_of": as_of, "points": points, "funds": out}
