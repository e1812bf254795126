"""Approval (posting), rejection, reversal and voucher attachments of entries."""

import datetime
import hashlib
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances import access, uploads
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.tenancy import tenant_service
from finance.models import Account, Attachment, Fund, JournalEntry, JournalLine, Ledger, LedgerBalance, MemberBalance
from finance.services._common import APPROVER_ROLES
from finance.services.funds import chart_install
from finance.services.hashing import _Amount, _PlainLine, balance_deltas, entry_hash
from finance.services.journal import _history_rows, _record
from finance.services.validation import (
    _batch_size_check, _check_restricted_running, _closed_months, _date_errors, _in_batch, _require_recorder,
)


def _add_totals(model, keys: list[str], sums: list[str], pg_types: list[str], conflict: str, rows: list[tuple]) -> None:
    """Add `rows` (the `keys` columns, then the `sums` columns) to a totals table in one upsert
    (PostgreSQL: one array per column through `unnest`; elsewhere a multi-row upsert per 500 rows)."""
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(keys + sums)
    upsert = f" ON CONFLICT ({conflict}) DO UPDATE SET " + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in pg_types)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}){upsert}",
                           [list(column) for column in zip(*rows)])
            return
        placeholders = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(chunk))}{upsert}",
                           [connection.ops.adapt_datefield_value(v) if isinstance(v, datetime.date) else v
                            for row in chunk for v in row])


def _apply_balances(alliance, lines) -> None:
    """Add posted lines to the monthly balance table and, for lines that name a member unit, to
    the member balance table."""
    _add_totals(
        LedgerBalance, ["alliance_id", "account_id", "fund_id", "currency", "month"], ["debit", "credit"],
        ["bigint", "bigint", "bigint", "varchar(3)", "date", "numeric", "numeric"],
        "alliance_id, account_id, fund_id, currency, month",
        [(alliance.pk, account_id, fund_id, currency, month, debit, credit)
         for (account_id, fund_id, currency, month), (debit, credit) in sorted(balance_deltas(lines).items())],
    )
    per_unit = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for line in lines:
        if line.member_unit_id is not None:
            key = (line.member_unit_id, line.account_id, line.commitment_id, str(line.debit.currency), line.date.replace(day=1))
            per_unit[key][0] += line.debit.amount
            per_unit[key][1] += line.credit.amount
            per_unit[key][2] += 1
    _add_totals(
        MemberBalance, ["alliance_id", "member_unit_id", "account_id", "commitment_id", "currency", "month"],
        ["debit", "credit", "lines"],
        ["bigint", "bigint", "bigint", "bigint", "varchar(3)", "date", "numeric", "numeric", "integer"],
        "alliance_id, member_unit_id, account_id, COALESCE(commitment_id, 0), currency, month",
        [(alliance.pk, *key, debit, credit, count)
         for key, (debit, credit, count) in sorted(per_unit.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0))],
    )


def _mark_posted(entries, actor, posted_at) -> None:
    """Write sequence, hashes, approver and status of the entries in one statement (PostgreSQL:
    arrays joined through `unnest`; elsewhere Django's bulk_update)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {JournalEntry._meta.db_table} AS e SET sequence = v.seq, previous_hash = v.prev, hash = v.hash, "
                "approved_by_id = %s, posted_at = %s, status = %s "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) AS v(id, seq, prev, hash) WHERE e.id = v.id",
                [actor.pk, posted_at, JournalEntry.Status.POSTED, [e.pk for e in entries], [e.sequence for e in entries],
                 [e.previous_hash for e in entries], [e.hash for e in entries]],
            )
    else:
        JournalEntry.objects.bulk_update(entries, ["sequence", "previous_hash", "hash", "approved_by", "posted_at", "status"],
                                         batch_size=500)


def _approve_many(*, actor, alliance, entries, single=False, system=False) -> list[JournalEntry]:
    """Post recorded entries in the given order under one ledger lock: gapless sequence, the hash
    chain computed in order, restricted funds checked on the running total, the balance table
    updated once per (account, fund, currency, month) touched. All or nothing."""
    if not access.has_role(actor, alliance, *APPROVER_ROLES):
        raise Forbidden(_("只有秘书长或秘书处人员可以审核凭证。"))
    ledger = chart_install(alliance)
    # One posting at a time per alliance: the sequence is gapless and the chain linear.
    ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
    ids = [getattr(item, "pk", item) for item in entries]
    seen = set()
    for index, pk in enumerate(ids):
        if not isinstance(pk, int) or pk in seen:
            raise _in_batch(ValidationFailed(fields={"entry": [_("凭证不存在或重复。")]}), index, single)
        seen.add(pk)
    locked = {
        e.pk: e for e in JournalEntry.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    attachments = defaultdict(list)
    for attachment in Attachment.objects.filter(entry_id__in=ids):
        attachments[attachment.entry_id].append(attachment)
    closed = _closed_months()
    ordered = []
    for index, pk in enumerate(ids):
        entry = locked.get(pk)
        if entry is None:
            raise _in_batch(ValidationFailed(fields={"entry": [_("凭证不存在。")]}), index, single)
        if entry.status != JournalEntry.Status.RECORDED:
            raise _in_batch(Conflict(_("只有待审核的凭证可以审核。")), index, single)
        if system != (entry.kind == JournalEntry.Kind.CLOSING):  # closing entries post only as the system's
            raise _in_batch(Conflict(_("结转凭证由结账自动生成并过账，不能人工审核。")), index, single)
        if entry.recorded_by_id == getattr(actor, "pk", None) and not system:
            raise _in_batch(Forbidden(_("制单人不能审核自己录入的凭证。")), index, single)
        errors = _date_errors(alliance, entry.date, closed)
        if errors:
            raise _in_batch(ValidationFailed(fields=errors), index, single)
        ordered.append(entry)
    # Lines as plain rows (no model instances): a batch of 1,000 entries reads 2,000 of them.
    accounts = {a.pk: a for a in Account.objects.all()}
    funds = {f.pk: f for f in Fund.objects.select_related("project")}
    lines_of = defaultdict(list)
    all_lines = []
    for (entry_id, position, account_id, fund_id, currency, debit, credit, unit_id, project_id, commitment_id,
         category, memo, date) in JournalLine.objects.filter(entry_id__in=ids).order_by("entry_id", "position").values_list(
            "entry_id", "position", "account_id", "fund_id", "debit_currency", "debit", "credit", "member_unit_id",
            "project_id", "commitment_id", "category", "memo", "date"):
        line = _PlainLine()
        line.position, line.account_id, line.account, line.fund_id, line.fund = (
            position, account_id, accounts[account_id], fund_id, funds[fund_id])
        line.debit, line.credit = _Amount(debit, currency), _Amount(credit, currency)
        line.member_unit_id, line.project_id, line.commitment_id = unit_id, project_id, commitment_id
        line.category, line.memo, line.date = category, memo, date
        lines_of[entry_id].append(line)
        all_lines.append(line)
    restricted = sorted({line.fund_id for line in all_lines if line.fund.restricted})
    if restricted:
        list(Fund.objects.select_for_update().filter(pk__in=restricted).order_by("pk"))
    failures = _check_restricted_running([
        [{"fund": line.fund, "account": line.account, "currency": str(line.debit.currency),
          "debit": line.debit.amount, "credit": line.credit.amount} for line in lines_of[entry.pk]]
        for entry in ordered
    ])
    if failures:
        index = min(failures)
        raise _in_batch(ValidationFailed(fields=failures[index]), index, single)
    reversing = [entry.reverses_id for entry in ordered if entry.reverses_id]
    if reversing:
        already = set(JournalEntry.objects.filter(
            reverses_id__in=reversing, status=JournalEntry.Status.POSTED
        ).values_list("reverses_id", flat=True))
        for index, entry in enumerate(ordered):
            if entry.reverses_id and entry.reverses_id in already:
                raise _in_batch(Conflict(_("该凭证已被冲销。")), index, single)
            if entry.reverses_id:
                already.add(entry.reverses_id)

    posted_at = timezone.now()
    sequence, previous = ledger.last_sequence, ledger.last_hash
    for entry in ordered:
        sequence += 1
        entry._prefetched_objects_cache = {"attachments": attachments[entry.pk]}
        entry.sequence = sequence
        entry.approved_by = actor
        entry.previous_hash = previous
        entry.hash = entry_hash(entry, lines_of[entry.pk], previous)
        entry.posted_at = posted_at
        entry.status = JournalEntry.Status.POSTED
        previous = entry.hash
    _mark_posted(ordered, actor, posted_at)
    _history_rows(ordered, "~", actor, posted_at)
    JournalLine.objects.filter(entry_id__in=ids).update(posted=True)
    Ledger.objects.filter(pk=ledger.pk).update(last_sequence=sequence, last_hash=previous)
    _apply_balances(alliance, all_lines)
    return ordered


@tenant_service
def entry_approve(*, actor, alliance, entry) -> JournalEntry:
    """A second person approves a recorded entry, which posts it."""
    return _approve_many(actor=actor, alliance=alliance, entries=[entry], single=True)[0]


@tenant_service
def entries_approve_batch(*, actor, alliance, entries) -> list[JournalEntry]:
    """Batch approval (批量审核): post recorded entries (objects or ids) in the given order in one
    transaction under one ledger lock. The approver recorded none of them; no restricted fund goes
    below zero at any point of the batch; one bad entry refuses the whole batch, its index in the error."""
    _batch_size_check(entries)
    return _approve_many(actor=actor, alliance=alliance, entries=list(entries))


@tenant_service
def attachment_add(*, actor, alliance, entry, upload) -> Attachment:
    """Attach a voucher file to an entry that has not posted yet."""
    _require_recorder(actor, alliance)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != JournalEntry.Status.RECORDED:
        raise Conflict(_("只能为待审核的凭证添加附件。"))
    errors = uploads.upload_errors(upload)
    if errors:
        raise ValidationFailed(fields={"file": errors})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (getattr(upload, "name", "") or "voucher").replace("/", "_")[-200:]
    return Attachment.objects.create(alliance=alliance, entry=entry, file=upload, name=name, sha256=digest.hexdigest(),
                                     size=upload.size, uploaded_by=actor)


@tenant_service
def entry_reject(*, actor, alliance, entry, reason: str = "") -> JournalEntry:
    """The approver sends a recorded entry back; it never posts."""
    if not access.has_role(actor, alliance, *APPROVER_ROLES):
        raise Forbidden()
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != JournalEntry.Status.RECORDED:
        raise Conflict(_("只有待审核的凭证可以退回。"))
    entry.status = JournalEntry.Status.REJECTED
    entry.rejection_reason = (reason or "").strip()[:2000]
    entry.save()
    return entry


@tenant_service
def entry_reverse(*, actor, alliance, entry, date=None, description: str = "") -> JournalEntry:
    """Record the reversing entry of a posted one (debits and credits swapped), linked to it.
    It posts when another person approves it."""
    _require_recorder(actor, alliance)
    if entry.status != JournalEntry.Status.POSTED:
        raise ValidationFailed(fields={"reverses": [_("只能冲销已过账的凭证。")]})
    if entry.kind == JournalEntry.Kind.CLOSING:
        raise Conflict(_("结转凭证不能手工冲销：重新开放该期间即自动冲销。"), code="closing_entry")
    date = date or timezone.localdate()
    lines = [
        {
            "account": line.account.code, "fund": line.fund,
            "debit": line.credit if line.credit.amount else None, "credit": line.debit if line.debit.amount else None,
            "member_unit": line.member_unit, "project": line.project, "commitment": line.commitment,
            "category": line.category, "memo": line.memo,
        }
        for line in entry.lines.select_related("account", "fund").order_by("position")
    ]
    description = description or _("冲销凭证 #%(seq)s：%(text)s") % {"seq": entry.sequence, "text": entry.description}
    return _record(actor=actor, alliance=alliance, date=date, description=description[:300], lines=lines, reverses=entry)
