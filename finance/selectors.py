"""Finance reads. Balances come from the monthly balance table plus the partial month's lines
(never a scan of every line); every report takes an `as_of` date and is reproducible for it."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import pgettext
from django_scopes import scope
from djmoney.money import Money

from finance import chart
from finance.models import Account, Commitment, Fund, JournalEntry, JournalLine, LedgerBalance, MemberBalance, Source

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


def _member_totals(as_of, unit=None) -> dict:
    """(member_unit_id, account code, commitment_id, currency) -> [debit, credit, lines] of the
    posted lines that name a member unit (or `unit`) up to `as_of`: the member balance table
    before the month of `as_of`, plus that month's lines (index `finance_line_member_idx`).
    Two small reads at any ledger size."""
    month = _split(as_of)
    by_unit = {"member_unit": unit} if unit is not None else {"member_unit__isnull": False}
    out = defaultdict(lambda: [ZERO, ZERO, 0])
    parts = (
        MemberBalance.objects.filter(month__lt=month, **by_unit)
        .values_list("member_unit_id", "account__code", "commitment_id", "currency")
        .annotate(d=Sum("debit"), c=Sum("credit"), n=Sum("lines")).order_by(),
        JournalLine.objects.filter(posted=True, date__gte=month, date__lte=as_of, **by_unit)
        .values_list("member_unit_id", "account__code", "commitment_id", "debit_currency")
        .annotate(d=Sum("debit"), c=Sum("credit"), n=Count("id")).order_by(),
    )
    for rows in parts:
        for unit_id, code, commitment_id, currency, debit, credit, count in rows:
            item = out[(unit_id, code, commitment_id, currency)]
            item[0] += debit
            item[1] += credit
            item[2] += count
    return out


def commitments_as_of(as_of: datetime.date, unit=None) -> list[Commitment]:
    """The commitments of `unit` (None: every unit) as they stood on `as_of`, for the years up to
    its year: each one's last recorded version committed on or before `as_of` (its history), so one
    committed, raised or lowered later changes nothing as of an earlier date. A row without history
    (bulk-loaded) stands as it is when its `committed_on` is on or before `as_of`."""
    by_unit = {"member_unit": unit} if unit is not None else {}
    current = {c.pk: c for c in Commitment.objects.filter(year__lte=as_of.year, **by_unit)}
    versions = (
        Commitment.history.filter(id__in=list(current), committed_on__lte=as_of)
        .order_by("id", "-history_date", "-history_id")
    )
    out, seen = {}, set()
    for version in versions:
        if version.id in seen:
            continue
        seen.add(version.id)
        if version.history_type != "-":
            out[version.id] = version.instance
    recorded = set(Commitment.history.filter(id__in=list(current)).values_list("id", flat=True).distinct())
    for pk, commitment in current.items():
        if pk not in recorded and commitment.committed_on <= as_of:
            out[pk] = commitment
    return sorted(out.values(), key=lambda c: (c.year, c.member_unit_id))


def commitments_of(alliance, unit=None, as_of=None, totals=None) -> list[dict]:
    """Committed, paid and outstanding per commitment of `unit` (None: every unit) at `as_of`
    (`commitments_as_of`: as recorded on or before that date, for the years up to its year)."""
    as_of = _as_of(as_of)
    totals = _member_totals(as_of, unit) if totals is None else totals
    paid = defaultdict(lambda: ZERO)
    for (_unit, code, commitment_id, _currency), (debit, credit, _count) in totals.items():
        if code == chart.INCOME_MEMBER and commitment_id is not None:
            paid[commitment_id] += credit - debit
    out = []
    for c in commitments_as_of(as_of, unit):
        paid_amount = paid[c.pk]
        out.append({"commitment": c, "year": c.year, "currency": str(c.amount.currency), "committed": c.amount.amount,
                    "paid": paid_amount, "outstanding": c.amount.amount - paid_amount})
    return out


STATEMENT_PAGE_SIZE = 50


def member_statement(alliance, unit, as_of=None, page: int = 1, page_size: int | None = STATEMENT_PAGE_SIZE) -> dict:
    """Committed, paid, outstanding and revenue shares received by one member unit at `as_of` (CNY
    totals; per-year detail), with one page of the posted lines that name the unit: receipts and
    shares, `page_size` rows each (None: every row, for the XLSX/PDF exports; 0: totals only).

    Totals and row counts come from the member balance table and the open month's lines
    (`_member_totals`), never from the unit's detail rows, so the first page costs the same for
    100 or 100,000 entries."""
    as_of = _as_of(as_of)
    totals = _member_totals(as_of, unit)
    years = commitments_of(alliance, unit, as_of, totals)
    committed = sum((y["committed"] for y in years if y["currency"] == "CNY"), ZERO)
    paid = sum((y["paid"] for y in years if y["currency"] == "CNY"), ZERO)
    # Paid is every receipt dated by `as_of`, also one against a commitment not yet in force then.
    received = share_total = ZERO
    receipts_count = shares_count = 0
    for (_unit, code, _commitment_id, currency), (debit, credit, count) in totals.items():
        if code == chart.INCOME_MEMBER:
            receipts_count += count
            if currency == "CNY":
                received += credit - debit
        elif code == chart.EXPENSE_REVENUE_SHARE:
            shares_count += count
            if currency == "CNY":
                share_total += debit - credit
    unit_lines = JournalLine.objects.filter(posted=True, member_unit=unit, date__lte=as_of)
    pages = 1
    if page_size:
        pages = max(1, -(-max(receipts_count, shares_count) // page_size))
    try:
        page = min(max(int(page or 1), 1), pages)
    except (TypeError, ValueError):
        page = 1
    receipts, shares = [], []
    if page_size != 0:
        window = slice((page - 1) * page_size, page * page_size) if page_size else slice(None)
        receipts = (
            unit_lines.filter(account__code=chart.INCOME_MEMBER).order_by("date", "entry__sequence", "pk")
            .values_list("date", "entry__sequence", "entry__description", "commitment__year", "debit_currency", "debit", "credit")
        )[window]
        shares = (
            unit_lines.filter(account__code=chart.EXPENSE_REVENUE_SHARE).order_by("date", "entry__sequence", "pk")
            .values_list("date", "entry__sequence", "entry__description", "memo", "debit_currency", "debit", "credit")
        )[window]
    return {
        "unit": unit, "as_of": as_of, "currency": "CNY",
        "committed": committed, "paid": received, "outstanding": committed - paid,
        "revenue_shares": share_total,
        "years": years,
        "page": page, "pages": pages, "page_size": page_size,
        "receipts_count": receipts_count, "shares_count": shares_count,
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


VERIFY_CHUNK = 5000


def verify_chain(alliance, chunk: int = VERIFY_CHUNK, start: int = 1) -> dict:
    """Recompute the hash chain of posted entries: {"ok", "count", "broken": {"sequence", "reason"}|None}.

    Reads plain rows (no model instances): the entries in sequence order a chunk at a time (keyset
    on the sequence), their lines and attachments in one query each per chunk (joined on the same
    sequence range, ordered by entry and position), accounts and funds once. The hash is
    `services.content_hash` of `services.entry_content_of_rows`, the same canonical content as
    `services.entry_hash`. `start` > 1 verifies from that sequence on, trusting the stored hash of
    the entry before it (the benchmark re-checks what it posted on top of a verified load)."""
    from finance.models import Attachment, Ledger
    from finance.services import content_hash, entry_content_of_rows

    codes = dict(Account.objects.values_list("pk", "chain_code"))  # what the hash covers (never renumbered)
    funds = {pk: (source, project_id) for pk, source, project_id in Fund.objects.values_list("pk", "source", "project_id")}
    count = 0

    def broken(sequence, pk, reason):
        return {"ok": False, "count": count, "broken": {"sequence": sequence, "id": pk, "reason": reason}}

    previous = ""
    if start > 1:
        previous = JournalEntry.objects.filter(sequence=start - 1).values_list("hash", flat=True).first() or ""
    expected = start
    after = start - 1
    # Entries that posted, and any row that carries a sequence (a posted row whose status was tampered).
    rows_of = JournalEntry.objects.filter(Q(status=JournalEntry.Status.POSTED) | Q(sequence__isnull=False))
    fields = ("pk", "sequence", "status", "alliance_id", "date", "description", "recorded_by_id", "approved_by_id",
              "reverses_id", "previous_hash", "hash", "kind")
    unsequenced = rows_of.filter(sequence__isnull=True).values_list("pk", flat=True).first()
    while True:
        batch = list(rows_of.filter(sequence__gt=after).order_by("sequence").values_list(*fields)[:chunk])
        if not batch:
            break
        last = batch[-1][1]
        in_range = {"entry__sequence__gt": after, "entry__sequence__lte": last}
        lines = defaultdict(list)
        for (entry_id, position, account_id, fund_id, currency, debit, credit, unit_id, project_id, commitment_id,
             category, memo) in JournalLine.objects.filter(**in_range).order_by("entry__sequence", "position").values_list(
                "entry_id", "position", "account_id", "fund_id", "debit_currency", "debit", "credit", "member_unit_id",
                "project_id", "commitment_id", "category", "memo"):
            source, fund_project_id = funds[fund_id]
            lines[entry_id].append((position, codes[account_id], fund_id, source, fund_project_id, currency, debit, credit,
                                    unit_id, project_id, commitment_id, category, memo))
        attachments = defaultdict(list)
        for attachment in Attachment.objects.filter(**in_range).order_by("pk"):
            attachments[attachment.entry_id].append(attachment)
        for (pk, sequence, status, alliance_id, date, description, recorded_by_id, approved_by_id, reverses_id,
             previous_hash, digest, kind) in batch:
            count += 1
            if status != JournalEntry.Status.POSTED or sequence != expected:
                return broken(sequence, pk, f"sequence gap or status: expected #{expected}")
            if previous_hash != previous:
                return broken(sequence, pk, "previous hash does not match")
            entry_lines = lines[pk]
            files = attachments[pk]
            content = entry_content_of_rows(
                (alliance_id, sequence, date, description, recorded_by_id, approved_by_id, reverses_id),
                entry_lines, [(a.name, a.sha256) for a in files], kind=kind,
            )
            if content_hash(content, previous) != digest:
                return broken(sequence, pk, "content does not match its hash")
            net = defaultdict(Decimal)
            for line in entry_lines:
                net[line[5]] += line[6] - line[7]
            if any(net.values()):
                return broken(sequence, pk, "entry does not balance")
            for attachment in files:
                if _file_digest(attachment) != attachment.sha256:
                    return broken(sequence, pk, f"attachment {attachment.name} does not match its hash")
            previous = digest
            expected += 1
        after = last
    if unsequenced is not None:
        count += 1
        return broken(None, unsequenced, f"sequence gap or status: expected #{expected}")

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


def ledger_head(alliance) -> tuple[int, str]:
    """(last sequence, last hash) as the ledger row states them: what checkpoints sign."""
    from finance.models import Ledger

    row = Ledger.objects.filter(alliance=alliance).values_list("last_sequence", "last_hash").first()
    return (row[0], row[1]) if row else (0, "")


def ledger_hash_at(alliance, sequence: int) -> str | None:
    return JournalEntry.objects.filter(alliance=alliance, sequence=sequence).values_list("hash", flat=True).first()


def ledger_hashes_at(alliance, sequences) -> dict[int, str]:
    """{sequence: hash} of the posted entries at `sequences` (every checkpoint's, in a few queries)."""
    sequences, out = sorted(sequences), {}
    for start in range(0, len(sequences), 1000):  # SQLite's limit on query parameters
        out.update(JournalEntry.objects.filter(alliance=alliance, sequence__in=sequences[start:start + 1000])
                   .values_list("sequence", "hash"))
    return out


def has_government_fund(project) -> bool:
    """Whether a government fund is restricted to `project` (in the tenant scope)."""
    return Fund.objects.filter(project=project, source=Source.GOVERNMENT).exists()
