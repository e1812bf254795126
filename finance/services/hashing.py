"""The canonical content an entry's hash covers, and the balance deltas of its lines."""

import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from finance.models import JournalEntry


def entry_content(entry, lines) -> dict:
    """The canonical content an entry's hash covers (see docs/finance.md), from model instances;
    defined once, by `entry_content_of_rows`."""
    return entry_content_of_rows(
        (entry.alliance_id, entry.sequence, entry.date, entry.description, entry.recorded_by_id,
         entry.approved_by_id, entry.reverses_id),
        [(line.position, line.account.chain_code, line.fund_id, line.fund.source, line.fund.project_id,
          str(line.debit.currency), line.debit.amount, line.credit.amount, line.member_unit_id, line.project_id,
          line.commitment_id, line.category, line.memo) for line in lines],
        [(a.name, a.sha256) for a in entry.attachments.all()],
        kind=entry.kind,
    )


def content_hash(content: dict, previous_hash: str) -> str:
    """sha256(previous hash + "\n" + canonical JSON of `entry_content`)."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous_hash + "\n" + canonical).encode("utf-8")).hexdigest()


def entry_hash(entry, lines, previous_hash: str) -> str:
    return content_hash(entry_content(entry, lines), previous_hash)


def entry_content_of_rows(entry_row: tuple, line_rows: list, attachments: list, kind: str = "regular") -> dict:
    """The canonical content an entry's hash covers, from plain rows (what verification at scale
    reads; `entry_content` adapts model instances to it). `entry_row` = (alliance_id, sequence,
    date, description, recorded_by_id, approved_by_id, reverses_id); each line row = (position, account
    chain code, fund_id, fund source, fund project_id, currency, debit, credit, member_unit_id, project_id,
    commitment_id, category, memo); `attachments` = [(name, sha256)]. The entry's `kind` is covered
    when it is not "regular" (so entries hashed before kinds existed keep verifying)."""
    alliance_id, sequence, date, description, recorded_by_id, approved_by_id, reverses_id = entry_row
    extra = {} if kind == JournalEntry.Kind.REGULAR else {"kind": kind}
    return {
        **extra,
        "alliance": alliance_id,
        "sequence": sequence,
        "date": date.isoformat(),
        "description": description,
        "recorded_by": recorded_by_id,
        "approved_by": approved_by_id,
        "reverses": reverses_id,
        "attachments": sorted([name, digest] for name, digest in attachments),
        "lines": [
            [position, code, fund_id, source, fund_project_id, currency, f"{debit:.2f}", f"{credit:.2f}",
             unit_id, project_id, commitment_id, category, memo]
            for (position, code, fund_id, source, fund_project_id, currency, debit, credit, unit_id, project_id,
                 commitment_id, category, memo) in line_rows
        ],
    }


class _Amount:
    """A line's amount as `entry_content` reads it (`.amount`, `.currency`), without Money."""

    __slots__ = ("amount", "currency")

    def __init__(self, amount, currency):
        self.amount = amount
        self.currency = currency


class _PlainLine:
    """A posted-to-be line read as a plain row: the attributes `entry_content` and `balance_deltas` read."""

    __slots__ = ("position", "account_id", "account", "fund_id", "fund", "debit", "credit", "member_unit_id",
                 "project_id", "commitment_id", "category", "memo", "date")


def balance_deltas(lines) -> dict:
    """(account_id, fund_id, currency, month) -> [debit, credit] of `lines` (model instances)."""
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        key = (line.account_id, line.fund_id, str(line.debit.currency), line.date.replace(day=1))
        totals[key][0] += line.debit.amount
        totals[key][1] += line.credit.amount
    return totals
