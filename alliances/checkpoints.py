"""Checkpoints: signed heads of an alliance's hash chains, so a chain cut short or rewritten by
someone with database access no longer verifies (docs/operations.md, issue #16).

The tenant core knows no domain: each app registers its chains (`register_chain`) in its
AppConfig.ready(), and the bureau registers where it keeps the copies it witnessed
(`register_witness`). A chain is three callables of the alliance: `head` -> (sequence, hash),
`hash_at(sequence)` -> hash or None, `verify` -> {"ok", "count", "broken"}; optionally a fourth,
`hashes_at(sequences)` -> {sequence: hash}, one query for every checkpoint of the chain (years of
daily checkpoints would otherwise be thousands of round trips in `check`).
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Callable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_scopes import scope
from django_tasks import task

from alliances import keys
from alliances.models import Alliance, Checkpoint, VerificationRun

log = logging.getLogger(__name__)
MESSAGE_HEADER = "lianmeng-checkpoint/1"


@dataclass(frozen=True)
class Chain:
    name: str
    label: str
    head: Callable
    hash_at: Callable
    verify: Callable
    hashes_at: Callable | None = None

    def hashes(self, alliance, sequences) -> dict:
        if self.hashes_at is not None:
            return self.hashes_at(alliance, sequences)
        return {sequence: self.hash_at(alliance, sequence) for sequence in sequences}


_chains: dict[str, Chain] = {}
_witnesses: list[Callable] = []


def register_chain(name: str, label, head: Callable, hash_at: Callable, verify: Callable,
                   hashes_at: Callable | None = None) -> None:
    _chains[name] = Chain(name, label, head, hash_at, verify, hashes_at)


def chains() -> list[Chain]:
    return list(_chains.values())


def register_witness(fn: Callable) -> None:
    """`fn(alliance)` -> [(checkpoint dict, who witnessed it: e.g. "submission #3 on 2026-05-01")]."""
    _witnesses.append(fn)


# ---------------------------------------------------------------- signing


def utc_iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def message(data: dict) -> bytes:
    """The bytes a checkpoint's signature covers (the offline script in docs/operations.md builds the same)."""
    return "\n".join([MESSAGE_HEADER, data["alliance"], str(data["number"]), data["chain"], str(data["sequence"]),
                      data["head_hash"], data["made_at"], data["key_id"]]).encode()


def as_dict(checkpoint: Checkpoint, slug: str) -> dict:
    return {
        "alliance": slug, "number": checkpoint.number, "chain": checkpoint.chain, "sequence": checkpoint.sequence,
        "head_hash": checkpoint.head_hash, "made_at": utc_iso(checkpoint.made_at), "key_id": checkpoint.key_id,
        "public_key": checkpoint.public_key, "signature": checkpoint.signature,
    }


def refusal(data: dict, slug: str, trusted: dict | None = None) -> str | None:
    """Why a checkpoint (as a dict) is not a valid checkpoint of alliance `slug`; None when it is."""
    trusted = keys.trusted_keys() if trusted is None else trusted
    if data.get("alliance") != slug:
        return f"signed for another alliance ({data.get('alliance')})"
    key = trusted.get(data.get("key_id"))
    if key is None:
        return f"signed with an unknown key ({data.get('key_id')})"
    try:
        signed = message(data)
    except (KeyError, TypeError):
        return "incomplete checkpoint"
    if not keys.verify_signature(key, str(data.get("signature", "")), signed):
        return "signature does not verify"
    return None


def make_checkpoints(alliance, reason: str, names=None) -> list[Checkpoint]:
    """Sign the head of each chain (all, or `names`) that moved since its last checkpoint. Takes
    the alliance row lock so checkpoint numbers stay gapless under concurrent writers."""
    key = keys.signing_key()
    if key is None:
        log.warning("no checkpoint key (run manage.py init_keys): no checkpoint for %s", alliance.slug)
        return []
    public = key.public_key()
    key_id, public_pem = keys.fingerprint(public), keys.public_pem(public)
    made = []
    with scope(alliance=alliance), transaction.atomic():
        Alliance.objects.select_for_update().filter(pk=alliance.pk).first()
        number = Checkpoint.objects.aggregate(n=Max("number"))["n"] or 0
        now = timezone.now().replace(microsecond=0)
        for chain in chains():
            if names is not None and chain.name not in names:
                continue
            sequence, head_hash = chain.head(alliance)
            if not sequence:
                continue
            last = Checkpoint.objects.filter(chain=chain.name).order_by("-number").first()
            if last is not None and (last.sequence, last.head_hash) == (sequence, head_hash):
                continue
            number += 1
            data = {"alliance": alliance.slug, "number": number, "chain": chain.name, "sequence": sequence,
                    "head_hash": head_hash, "made_at": utc_iso(now), "key_id": key_id}
            made.append(Checkpoint.objects.create(
                alliance=alliance, number=number, chain=chain.name, sequence=sequence, head_hash=head_hash,
                made_at=now, reason=reason, key_id=key_id, public_key=public_pem, signature=key.sign(message(data)).hex(),
            ))
    return made


def checkpoint_on_commit(alliance, reason: str, names=None) -> None:
    """Checkpoint once the caller's transaction commits (the write it witnesses is then visible).
    A failure is logged, never raised: the write itself is already committed; the daily job retries."""

    def run():
        try:
            make_checkpoints(alliance, reason, names)
        except Exception:  # noqa: BLE001
            log.exception("checkpoint of %s failed", alliance.slug)

    transaction.on_commit(run)


def latest(alliance) -> list[dict]:
    """The latest checkpoint of each chain, as dicts (what a submission carries to the bureau)."""
    with scope(alliance=alliance):
        rows = {}
        for checkpoint in Checkpoint.objects.order_by("number"):
            rows[checkpoint.chain] = as_dict(checkpoint, alliance.slug)
    return list(rows.values())


# ---------------------------------------------------------------- verification


def _day(iso: str) -> str:
    return iso[:10]


def _claim_problem(chain: Chain, hashes: dict, head: tuple, data: dict, source: str) -> str | None:
    """A chain against one signed or witnessed head: shorter is truncation, another hash a rewrite.
    `hashes`: the chain's stored hash at each sequence a checkpoint names (None where missing)."""
    sequence, _head_hash = head
    stored = hashes.get(data["sequence"]) if sequence >= data["sequence"] else None
    if sequence < data["sequence"] or stored is None:
        return f"{chain.name}: truncated after #{sequence}, {source} states #{data['sequence']}"
    if stored != data["head_hash"]:
        return f"{chain.name}: #{data['sequence']} differs from {source}"
    return None


def _broken_text(broken) -> str:
    if isinstance(broken, dict):
        return f"#{broken.get('sequence')}: {broken.get('reason', '')}".strip()
    return str(broken)


def check(alliance, names=None, verify_chains: bool = True) -> dict:
    """Every selected chain's own verification (unless the caller already ran it), then every
    checkpoint and every witnessed copy.
    {"ok", "chains": {name: {"label", "ok", "count", "head", "broken", "problems"}}, "problems": [...]}."""
    trusted = keys.trusted_keys()
    selected = [c for c in chains() if names is None or c.name in names]
    report, problems = {}, []
    with scope(alliance=alliance):
        for chain in selected:
            result = chain.verify(alliance) if verify_chains else {"ok": True, "count": None, "broken": None}
            sequence, head_hash = chain.head(alliance)
            report[chain.name] = {
                "label": str(chain.label), "ok": bool(result["ok"]), "count": result["count"],
                "head": [sequence, head_hash], "broken": None if result["ok"] else _broken_text(result["broken"]),
                "problems": [],
            }
            if not result["ok"]:
                problems.append(f"{chain.name}: chain broken at {report[chain.name]['broken']}")
        rows = list(Checkpoint.objects.order_by("number"))
        witnessed = [(data, by) for witness in _witnesses for data, by in witness(alliance)]
        # The stored hash at every sequence a checkpoint names: one lookup per chain, not per checkpoint.
        wanted = {}
        for name, sequence in [(c.chain, c.sequence) for c in rows] + [(d["chain"], d["sequence"]) for d, _by in witnessed]:
            if name in report and sequence <= report[name]["head"][0]:
                wanted.setdefault(name, set()).add(sequence)
        hashes = {chain.name: chain.hashes(alliance, wanted.get(chain.name, ())) for chain in selected}
        stored = {}
        for checkpoint in rows:
            data = as_dict(checkpoint, alliance.slug)
            stored[checkpoint.number] = data
            why = refusal(data, alliance.slug, trusted)
            if why:
                problems.append(f"checkpoint #{checkpoint.number} of {_day(data['made_at'])} is not valid: {why}")
                continue
            chain = _chains.get(checkpoint.chain)
            if chain in selected:
                problem = _claim_problem(chain, hashes[chain.name], report[chain.name]["head"], data,
                                         f"checkpoint #{checkpoint.number} of {_day(data['made_at'])}")
                if problem:
                    problems.append(problem)
                    report[chain.name]["problems"].append(problem)
        highest = max(stored, default=0)
        for data, by in witnessed:
            highest = max(highest, data["number"])
            source = f"witnessed on {_day(data['made_at'])} by {by}"
            mine = stored.get(data["number"])
            if mine is None or mine["signature"] != data["signature"]:
                problems.append(f"checkpoint #{data['number']} {source} is missing or altered here")
            chain = _chains.get(data["chain"])
            if chain in selected:
                problem = _claim_problem(chain, hashes[chain.name], report[chain.name]["head"], data, source)
                if problem:
                    problems.append(problem)
                    report[chain.name]["problems"].append(problem)
        # Checkpoints are numbered without gaps: a hole below the highest known number is a deletion.
        missing = [n for n in range(1, highest + 1) if n not in stored]
        if missing:
            problems.insert(0, f"checkpoint(s) {', '.join(f'#{n}' for n in missing)} missing")
    problems = list(dict.fromkeys(problems))
    for name, entry in report.items():
        entry["problems"] = list(dict.fromkeys(entry["problems"]))
        entry["ok"] = entry["ok"] and not entry["problems"]
    return {"ok": not problems, "chains": report, "problems": problems}


def verify_alliance(alliance, source: str = "command") -> dict:
    """All chains and all checkpoints, recorded as a VerificationRun."""
    started = timezone.now()
    result = check(alliance)
    with scope(alliance=alliance):
        VerificationRun.objects.create(alliance=alliance, started_at=started, finished_at=timezone.now(),
                                       ok=result["ok"], source=source, result=result)
    return result


def status(alliance) -> dict:
    """What the integrity page shows: per chain its head, last checkpoint and last witnessed copy,
    and the last full verification (VerificationRun)."""
    witnessed = {}
    with scope(alliance=alliance):
        for witness in _witnesses:
            for data, by in witness(alliance):
                if data["chain"] not in witnessed or witnessed[data["chain"]]["number"] < data["number"]:
                    witnessed[data["chain"]] = {**data, "by": by}
        last_run = VerificationRun.objects.order_by("-finished_at", "-id").first()
        rows = []
        for chain in chains():
            sequence, head_hash = chain.head(alliance)
            rows.append({
                "name": chain.name, "label": chain.label, "sequence": sequence, "head_hash": head_hash,
                "checkpoint": Checkpoint.objects.filter(chain=chain.name).order_by("-number").first(),
                "witnessed": witnessed.get(chain.name),
                "run": (last_run.result.get("chains", {}).get(chain.name) if last_run else None),
            })
    return {"chains": rows, "last_run": last_run, "key_configured": keys.signing_key() is not None}


@task()
def checkpoint_all(slugs: list[str] | None = None) -> int:
    """The daily job: sign the head of every chain of every alliance that moved since its last
    checkpoint (idempotent: an unmoved head makes no row). Returns how many were made."""
    if keys.signing_key() is None:
        log.warning("no checkpoint key: the daily checkpoints were not made (run manage.py init_keys)")
        return 0
    alliances = Alliance.objects.order_by("pk")
    if slugs:
        alliances = alliances.filter(slug__in=slugs)
    return sum(len(make_checkpoints(alliance, "daily")) for alliance in alliances)
