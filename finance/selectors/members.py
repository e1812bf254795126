"""Member reads: commitments, member statements, and who may read the ledger or a statement."""

import datetime
from collections import defaultdict

from django.db.models import Count, Sum

from finance import chart
from finance.models import Commitment, JournalLine, MemberBalance
from finance.selectors.ledger import ZERO, _as_of, _split
from membership.models import MemberUnit


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


LEDGER_READERS = frozenset({"staff", "secretary_general", "auditor", "councillor", "chair"})


def can_read_ledger(user, alliance) -> bool:
    from alliances import access

    return bool(access.roles_of(user, alliance) & LEDGER_READERS) or access.is_bureau_officer(user)


def statement_units_of(user, alliance):
    """The member units whose statement `user` may read: all for ledger readers, else their own."""
    from alliances.models import Role, RoleGrant
    if can_read_ledger(user, alliance):
        return MemberUnit.objects.all()
    unit_ids = RoleGrant.objects.filter(
        user=user, role=Role.REPRESENTATIVE, revoked_at__isnull=True, member_unit__isnull=False
    ).values_list("member_unit_id", flat=True)
    return MemberUnit.objects.filter(pk__in=list(unit_ids))


def contributions_by_unit(alliance, as_of=None) -> list[dict]:
    """Per member unit, the CNY committed for the years up to `as_of` against what was received
    for those commitments: [{"unit", "committed", "paid"}] by unit name. Constant queries (the
    commitments' reads, the member totals, the units)."""
    sums = defaultdict(lambda: [ZERO, ZERO])
    for row in commitments_of(alliance, as_of=as_of):
        if row["currency"] == "CNY":
            item = sums[row["commitment"].member_unit_id]
            item[0] += row["committed"]
            item[1] += row["paid"]
    units = MemberUnit.objects.filter(pk__in=list(sums)).order_by("name")
    return [{"unit": unit, "committed": sums[unit.pk][0], "paid": sums[unit.pk][1]} for unit in units]
