"""Recording entries in the journal (single and in batches)."""

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances import raw_history
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import tenant_service
from finance.models import Account, JournalEntry, JournalLine
from finance.services.funds import chart_install
from finance.services.validation import (
    _batch_size_check, _check_restricted_running, _closed_months, _date_errors, _in_batch, _prepare_lines,
    _require_recorder,
)


def _insert_rows(model, columns: list[str], rows: list[tuple], returning: str | None = None) -> list:
    """INSERT many rows of `model` (values as Python values in `columns` order); returns the
    `returning` column in row order. PostgreSQL: COPY when nothing is returned, else one statement
    per 5,000 rows with one array parameter per column (`unnest`), so neither Django's bulk_create
    (which compiles every value through the model layer) nor psycopg's placeholder parser (slow for
    thousands of `%s`) costs per value. Elsewhere: Django's adaptation and one multi-row INSERT per
    200 rows."""
    out = []
    if not rows:
        return out
    table = model._meta.db_table
    by_column = {f.column: f for f in model._meta.concrete_fields}
    fields = [by_column[c] for c in columns]
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    tail = f" RETURNING {connection.ops.quote_name(returning)}" if returning else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not returning:
            # COPY: psycopg formats each row in C, the server skips the executor's per-row work.
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection) or f.rel_db_type(connection)}[]" for f in fields)
            for start in range(0, len(rows), 5000):
                chunk = rows[start:start + 5000]
                cursor.execute(f"INSERT INTO {table} ({cols}) SELECT * FROM unnest({arrays}){tail}",
                               [list(column) for column in zip(*chunk)])
                if returning:
                    out.extend(row[0] for row in cursor.fetchall())
        else:
            row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
            for start in range(0, len(rows), 200):
                chunk = rows[start:start + 200]
                cursor.execute(f"INSERT INTO {table} ({cols}) VALUES {', '.join([row_sql] * len(chunk))}{tail}",
                               [f.get_db_prep_save(v, connection) for row in chunk for f, v in zip(fields, row)])
                if returning:
                    out.extend(row[0] for row in cursor.fetchall())
    return out


def _history_rows(entries, history_type: str, user, when) -> None:
    """One simple-history row per entry (what bulk_history_create writes), inserted in bulk."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    model = raw_history.history_model(JournalEntry)
    fields = raw_history.insert_fields(JournalEntry)
    extra = {"history_date": when, "history_change_reason": "", "history_type": history_type,
             "history_user_id": getattr(user, "pk", None)}
    attnames = [f.attname for f in fields]
    rows = [tuple(extra[a] if a in extra else getattr(e, a) for a in attnames) for e in entries]
    _insert_rows(model, [f.column for f in fields], rows)


def _record_many(*, actor, alliance, specs, truncate=False, single=False) -> list[JournalEntry]:
    """Validate and record `specs` (dicts: date, description, lines, optional reverses) in order:
    all or nothing. Bulk inserts of the entries (with their history rows) and of the lines."""
    chart_install(alliance)
    accounts = {a.code: a for a in Account.objects.filter(is_active=True)}
    closed = _closed_months()
    prepared_entries, cleaned = [], []
    reversed_here = set()
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise _in_batch(ValidationFailed(fields={"entry": [_("凭证格式无效。")]}), index, single)
        description = str(spec.get("description") or "").strip()
        if truncate:  # descriptions composed by other apps' workflows are cut, not refused
            description = description[:300]
        if not description:
            raise _in_batch(ValidationFailed(fields={"description": [_("请填写摘要。")]}), index, single)
        if len(description) > 300:
            raise _in_batch(ValidationFailed(fields={"description": [_("摘要不能超过300个字符。")]}), index, single)
        date = spec.get("date")
        errors = _date_errors(alliance, date, closed)
        if errors:
            raise _in_batch(ValidationFailed(fields=errors), index, single)
        reverses = spec.get("reverses")
        if reverses is not None:
            if not isinstance(reverses, JournalEntry) or reverses.alliance_id != alliance.pk:
                raise _in_batch(ValidationFailed(fields={"reverses": [_("凭证不属于本联盟。")]}), index, single)
            if reverses.status != JournalEntry.Status.POSTED:
                raise _in_batch(ValidationFailed(fields={"reverses": [_("只能冲销已过账的凭证。")]}), index, single)
            if reverses.pk in reversed_here or JournalEntry.objects.filter(reverses=reverses).exclude(
                status=JournalEntry.Status.REJECTED
            ).exists():
                raise _in_batch(Conflict(_("该凭证已有冲销凭证。")), index, single)
            reversed_here.add(reverses.pk)
        try:
            prepared = _prepare_lines(alliance, date, spec.get("lines"), accounts=accounts, check_restricted=False,
                                      release=spec.get("release") is _RELEASE or reverses is not None
                                      or spec.get("closing") is _CLOSING)
        except ValidationFailed as exc:
            raise _in_batch(exc, index, single) from None
        prepared_entries.append(prepared)
        cleaned.append((date, description, reverses, spec.get("closing") is _CLOSING))
    failures = _check_restricted_running(prepared_entries)
    if failures:
        index = min(failures)
        raise _in_batch(ValidationFailed(fields=failures[index]), index, single)

    now = timezone.now()
    entries = [
        JournalEntry(alliance=alliance, date=date, description=description, recorded_by=actor, reverses=reverses,
                     recorded_at=now, kind=JournalEntry.Kind.CLOSING if closing else JournalEntry.Kind.REGULAR)
        for date, description, reverses, closing in cleaned
    ]
    fields = [f for f in JournalEntry._meta.concrete_fields if not f.primary_key]
    ids = _insert_rows(JournalEntry, [f.column for f in fields],
                       [tuple(getattr(e, f.attname) for f in fields) for e in entries], returning="id")
    for entry, pk in zip(entries, ids):
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias
    _history_rows(entries, "+", actor, now)
    line_columns = ["alliance_id", "entry_id", "position", "account_id", "fund_id", "debit_currency", "debit",
                    "credit_currency", "credit", "member_unit_id", "project_id", "category", "commitment_id", "memo",
                    "date", "posted"]
    _insert_rows(JournalLine, line_columns, [
        (
            alliance.pk, entry.pk, position, line["account"].pk, line["fund"].pk, line["currency"], line["debit"],
            line["currency"], line["credit"], getattr(line["member_unit"], "pk", None), getattr(line["project"], "pk", None),
            line["category"], getattr(line["commitment"], "pk", None), line["memo"], entry.date, False,
        )
        for entry, prepared in zip(entries, prepared_entries)
        for position, line in enumerate(prepared)
    ])
    return entries


_RELEASE = object()  # marks the spec of a conditioned release (never from callers' dicts)
_CLOSING = object()  # marks the spec of a closing entry (结转凭证), made by the period services only


def _record(*, actor, alliance, date, description, lines, reverses=None, truncate=False, release=False,
            closing=False) -> JournalEntry:
    spec = {"date": date, "description": description, "lines": lines, "reverses": reverses,
            "release": _RELEASE if release else None, "closing": _CLOSING if closing else None}
    return _record_many(actor=actor, alliance=alliance, specs=[spec], truncate=truncate, single=True)[0]


@tenant_service
def entry_record(*, actor, alliance, date, description, lines, reverses=None) -> JournalEntry:
    """Record an entry (not posted). `lines`: dicts with account code, fund, debit or credit (Money),
    optional member_unit, project, category, commitment, memo."""
    _require_recorder(actor, alliance)
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines, reverses=reverses)


@tenant_service
def entries_record_batch(*, actor, alliance, entries) -> list[JournalEntry]:
    """Record many entries at once (a voucher import, 批量录入): each item a dict as `entry_record`
    takes (date, description, lines). One transaction: one bad entry refuses the whole batch, its
    index in the error (fields under `entries.<i>.`). Restricted funds are checked on the batch's
    running total in its order. The entries wait for approval by someone else."""
    _require_recorder(actor, alliance)
    _batch_size_check(entries)
    return _record_many(actor=actor, alliance=alliance, specs=list(entries))
