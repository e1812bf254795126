"""The ledger's hash chain: verification and the head and hashes checkpoints sign."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from finance.models import Account, Fund, JournalEntry, JournalLine


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
