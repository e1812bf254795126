"""Finance reads. Balances come from the monthly balance table plus the partial month's lines
(never a scan of every line); every report takes an `as_of` date and is reproducible for it."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from djmoney.money import Money

from finance import chart
from finance.models import Account, Commitment, Fund, JournalEntry, JournalLine, LedgerBalance, Source

ZERO = Decimal(0)


def _as_of(as_of) -> datetime.date:
    return as_of or timezone.localdate()


def _split(as_of):
    return as_of.replace(day=1)


def balance(alliance, account, fund=None, as_of=None, currency: str = "CNY") -> Decimal:
    """Debit minus credit of `account` (optionally one fund) at the end of `as_of` (fast path)."""
    as_of = _as_of(as_of)
    month = _split(as_of)
    rows = LedgerBalance.objects.filter(account=account, currency=currency, month__lt=month)
    lines = JournalLine.objects.filter(
        posted=True, account=account, debit_currency=currency, date__gte=month, date__lte=as_of
    )
    if fund is not None:
        rows = rows.filter(fund=fund)
        lines = lines.filter(fund=fund)
    closed = rows.aggregate(d=Sum("debit"), c=Sum("credit"))
    partial = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (closed["d"] or ZERO) - (closed["c"] or ZERO) + (partial["d"] or ZERO) - (partial["c"] or ZERO)


def balance_recomputed(alliance, account, fund=None, as_of=None, currency: str = "CNY") -> Decimal:
    """The same figure from every posted line (for verification, never for pages)."""
    lines = JournalLine.objects.filter(posted=True, account=account, debit_currency=currency, date__lte=_as_of(as_of))
    if fund is not None:
        lines = lines.filter(fund=fund)
    totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or ZERO) - (totals["c"] or ZERO)


def _totals(as_of, **filters) -> dict:
    """(account_id, fund_id, currency) -> [debit, credit] at `as_of`, from balances + partial month."""
    month = _split(as_of)
    out = defaultdict(lambda: [ZERO, ZERO])
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
            "account": account, "code": account.code, "name": account.name, "kind": account.kind, "currency": currency,
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
    for (account_id, fund_id, currency), (debit, credit) in _totals(as_of).items():
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
        JournalLine.objects.filter(posted=True, project=project, account__code=chart.EXPENSE_PROJECT, date__lte=as_of)
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


def commitments_of(alliance, unit, as_of=None) -> list[dict]:
    as_of = _as_of(as_of)
    commitments = list(Commitment.objects.filter(member_unit=unit, year__lte=as_of.year).order_by("year"))
    paid = dict(
        JournalLine.objects.filter(posted=True, commitment__in=commitments, account__code=chart.INCOME_MEMBER, date__lte=as_of)
        .values("commitment_id").annotate(c=Sum("credit"), d=Sum("debit")).values_list("commitment_id", "c")
    )
    debits = dict(
        JournalLine.objects.filter(posted=True, commitment__in=commitments, account__code=chart.INCOME_MEMBER, date__lte=as_of)
        .values("commitment_id").annotate(d=Sum("debit")).values_list("commitment_id", "d")
    )
    out = []
    for c in commitments:
        paid_amount = (paid.get(c.pk) or ZERO) - (debits.get(c.pk) or ZERO)
        out.append({"commitment": c, "year": c.year, "currency": str(c.amount.currency), "committed": c.amount.amount,
                    "paid": paid_amount, "outstanding": c.amount.amount - paid_amount})
    return out


def member_statement(alliance, unit, as_of=None) -> dict:
    """Committed, paid, outstanding and revenue shares received by one member unit at `as_of` (CNY
    totals; per-year detail and every posted line that names the unit)."""
    as_of = _as_of(as_of)
    years = commitments_of(alliance, unit, as_of)
    committed = sum((y["committed"] for y in years if y["currency"] == "CNY"), ZERO)
    paid = sum((y["paid"] for y in years if y["currency"] == "CNY"), ZERO)
    unlinked = JournalLine.objects.filter(
        posted=True, member_unit=unit, account__code=chart.INCOME_MEMBER, commitment__isnull=True, date__lte=as_of,
        debit_currency="CNY",
    ).aggregate(c=Sum("credit"), d=Sum("debit"))
    paid_other = (unlinked["c"] or ZERO) - (unlinked["d"] or ZERO)
    # Detail rows as tuples, not model instances with Money proxies: a unit named on 100,000
    # entries is read in a fraction of the time (see docs/bench.md); the output is unchanged.
    shares = list(
        JournalLine.objects.filter(
            posted=True, member_unit=unit, account__code=chart.EXPENSE_REVENUE_SHARE, date__lte=as_of
        ).order_by("date", "entry__sequence").values_list(
            "date", "entry__sequence", "entry__description", "memo", "debit_currency", "debit", "credit"
        )
    )
    share_total = sum((d - c for _dt, _s, _t, _m, cur, d, c in shares if cur == "CNY"), ZERO)
    receipts = (
        JournalLine.objects.filter(posted=True, member_unit=unit, account__code=chart.INCOME_MEMBER, date__lte=as_of)
        .order_by("date", "entry__sequence")
        .values_list("date", "entry__sequence", "entry__description", "commitment__year", "debit_currency", "debit", "credit")
    )
    return {
        "unit": unit, "as_of": as_of, "currency": "CNY",
        "committed": committed, "paid": paid + paid_other, "outstanding": committed - paid,
        "revenue_shares": share_total,
        "years": years,
        "receipts": [{"date": dt, "sequence": seq, "description": text, "year": year, "currency": cur, "amount": c - d}
                     for dt, seq, text, year, cur, d, c in receipts],
        "shares": [{"date": dt, "sequence": seq, "description": text, "memo": memo, "currency": cur, "amount": d - c}
                   for dt, seq, text, memo, cur, d, c in shares],
    }


def government_funds(alliance, as_of=None) -> dict:
    """Government money per project: received (income), spent (R&D expense), balance held."""
    as_of = _as_of(as_of)
    per_project = defaultdict(lambda: {"received": ZERO, "spent": ZERO, "available": ZERO})
    funds = {f.pk: f for f in Fund.objects.filter(source=Source.GOVERNMENT).select_related("project")}
    accounts = {a.pk: a for a in Account.objects.all()}
    for (account_id, fund_id, currency), (debit, credit) in _totals(as_of, fund__source=Source.GOVERNMENT).items():
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


def _file_digest(attachment) -> str | None:
    import hashlib

    try:
        with attachment.file.open("rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (FileNotFoundError, ValueError, OSError):
        return None


def verify_chain(alliance) -> dict:
    """Recompute the hash chain of posted entries: {"ok", "count", "broken": {"sequence", "reason"}|None}."""
    from finance.services import entry_hash

    previous = ""
    expected = 1
    count = 0
    entries = (
        JournalEntry.objects.filter(Q(status=JournalEntry.Status.POSTED) | Q(sequence__isnull=False))
        .order_by("sequence").prefetch_related("lines__account", "lines__fund", "attachments")
    )
    for entry in entries.iterator(chunk_size=500):
        count += 1
        if entry.status != JournalEntry.Status.POSTED or entry.sequence != expected:
            return {"ok": False, "count": count, "broken": {"sequence": entry.sequence, "id": entry.pk,
                                                             "reason": f"sequence gap or status: expected #{expected}"}}
        lines = sorted(entry.lines.all(), key=lambda l: l.position)
        if entry.previous_hash != previous:
            return {"ok": False, "count": count, "broken": {"sequence": entry.sequence, "id": entry.pk,
                                                             "reason": "previous hash does not match"}}
        if entry_hash(entry, lines, previous) != entry.hash:
            return {"ok": False, "count": count, "broken": {"sequence": entry.sequence, "id": entry.pk,
                                                             "reason": "content does not match its hash"}}
        debit = defaultdict(Decimal)
        for line in lines:
            debit[str(line.debit.currency)] += line.debit.amount - line.credit.amount
        if any(debit.values()):
            return {"ok": False, "count": count, "broken": {"sequence": entry.sequence, "id": entry.pk,
                                                             "reason": "entry does not balance"}}
        for attachment in entry.attachments.all():
            if _file_digest(attachment) != attachment.sha256:
                return {"ok": False, "count": count, "broken": {"sequence": entry.sequence, "id": entry.pk,
                                                                 "reason": f"attachment {attachment.name} does not match its hash"}}
        previous = entry.hash
        expected += 1
    from finance.models import Ledger

    ledger = Ledger.objects.filter(alliance=alliance).first()
    if ledger is not None and (ledger.last_sequence != expected - 1 or ledger.last_hash != previous):
        return {"ok": False, "count": count, "broken": {"sequence": ledger.last_sequence, "id": None,
                                                         "reason": "ledger head does not match the last entry"}}
    return {"ok": True, "count": count, "broken": None}


LEDGER_READERS = frozenset({"staff", "secretary_general", "auditor", "councillor", "chair"})


def can_read_ledger(user, alliance) -> bool:
    from alliances import access

    return bool(access.roles_of(user, alliance) & LEDGER_READERS) or access.is_bureau_officer(user)


def statement_units_of(user, alliance):
    """The member units whose statement `user` may read: all for ledger readers, else their own."""
    from alliances.models import Role, RoleGrant
    from membership.models import MemberUnit

    if can_read_ledger(user, alliance):
        return MemberUnit.objects.all()
    unit_ids = RoleGrant.objects.filter(
        user=user, role=Role.REPRESENTATIVE, revoked_at__isnull=True, member_unit__isnull=False
    ).values_list("member_unit_id", flat=True)
    return MemberUnit.objects.filter(pk__in=list(unit_ids))
