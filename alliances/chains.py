"""Per-alliance hash chains of sealed records (resolutions, approved minutes, signed accession records).

A chain is a table of seal rows (`sequence`, `previous_hash`, `hash`, one per record) and a head
row (`alliances.models.ChainHead`: last sequence and hash). A link's hash covers what the record
states, recomputed from the record as it stands, so any edit of a covered field breaks the link;
the head, advanced in the same transaction as the append, shows a deleted newest record.

Each owning app builds one `Chain` (governance/chains.py, membership/chains.py) whose `head`,
`hash_at` and `verify` are what a checkpoint or a verify command calls.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from datetime import timezone as dt_timezone

from django.apps import apps

GENESIS_HASH = "0" * 64

def iso(value) -> str | None:
    """Dates as ISO text; datetimes in UTC, so the hash does not depend on the time zone."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(dt_timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def link_hash(chain: str, alliance_id: int, sequence: int, previous_hash: str, content: dict) -> str:
    payload = {"chain": chain, "alliance": alliance_id, "sequence": sequence, "previous_hash": previous_hash,
               "content": content}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Link:
    """One seal row as the verifier sees it: `content` recomputed from the record as it stands,
    `problem` a check the chain itself found (a record missing, no longer approved...)."""

    sequence: int
    id: int
    label: str
    previous_hash: str
    hash: str
    content: dict
    problem: str = ""


class Chain:
    def __init__(self, name: str, link_model: str, links, unchained):
        """`links(alliance)` yields `Link`s in sequence order; `unchained(alliance)` yields
        (id, reason) for records that should be in the chain and are not."""
        self.name, self.link_model = name, link_model
        self._links, self._unchained = links, unchained

    def _heads(self, head_model=None):
        # A data migration passes its historical ChainHead.
        return (head_model or apps.get_model("alliances.ChainHead")).objects

    def append(self, alliance, content: dict, head_model=None) -> dict:
        """Advance the head (row-locked, created on first use) and return the new link's
        sequence, previous_hash and hash, for the caller's seal row in the same transaction."""
        heads = self._heads(head_model)
        head = heads.select_for_update().get_or_create(alliance=alliance, chain=self.name)[0]
        sequence, previous = head.last_sequence + 1, head.last_hash or GENESIS_HASH
        digest = link_hash(self.name, alliance.pk, sequence, previous, content)
        head.last_sequence, head.last_hash = sequence, digest
        head.save(update_fields=["last_sequence", "last_hash"])
        return {"sequence": sequence, "previous_hash": previous, "hash": digest}

    def head(self, alliance) -> tuple[int, str]:
        row = self._heads().with_scopes_disabled().filter(alliance=alliance, chain=self.name).values_list(
            "last_sequence", "last_hash").first()
        return (row[0], row[1]) if row else (0, "")

    def hash_at(self, alliance, sequence: int) -> str | None:
        return apps.get_model(self.link_model).objects.with_scopes_disabled().filter(
            alliance=alliance, sequence=sequence).values_list("hash", flat=True).first()

    def verify(self, alliance) -> dict:
        """{"ok", "count", "broken": {"sequence", "id", "reason"} | None}: the first broken link,
        then the head, then any record left out of the chain."""
        count, expected, previous = 0, 1, GENESIS_HASH

        def broken(sequence, pk, reason):
            return {"ok": False, "count": count, "broken": {"sequence": sequence, "id": pk, "reason": reason}}

        for link in self._links(alliance):
            count += 1
            if link.sequence != expected:
                return broken(link.sequence, link.id, f"{link.label}: sequence gap, expected #{expected}")
            if link.previous_hash != previous:
                return broken(link.sequence, link.id, f"{link.label}: previous hash does not match")
            if link.problem:
                return broken(link.sequence, link.id, f"{link.label}: {link.problem}")
            if link_hash(self.name, alliance.pk, link.sequence, previous, link.content) != link.hash:
                return broken(link.sequence, link.id, f"{link.label}: content does not match its hash (changed)")
            previous, expected = link.hash, expected + 1
        last_sequence, last_hash = self.head(alliance)
        if (last_sequence, last_hash) != (count, previous if count else ""):
            return broken(last_sequence or None, None,
                          f"the {self.name} chain ends at #{count} but its head says #{last_sequence}: "
                          "records were deleted or the head was changed")
        for pk, reason in self._unchained(alliance):
            return broken(None, pk, reason)
        return {"ok": True, "count": count, "broken": None}


def describe_broken(name: str, result: dict) -> str:
    """The verify commands' line for a broken chain: where, which record, which check."""
    broken = result["broken"]
    where = f"#{broken['sequence']}" if broken["sequence"] is not None else "outside the chain"
    return (f"BROKEN in the {name} chain at {where} (id {broken['id']}): {broken['reason']}; "
            f"{result['count']} record(s) read")
