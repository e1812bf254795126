"""Votes and the close: ballots, the sealed result in the alliance's hash chain, the announcement."""

import hashlib
import json
from datetime import timezone as dt_timezone

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from alliances import access, checkpoints
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Alliance, Role
from alliances.notifications import Text
from alliances.tenancy import tenant_service
from governance import chains, outcomes
from governance.models import (
    Ballot,
    Choice,
    EligibleSeat,
    Motion,
    Notification,
    Resolution,
    ResolutionSeal,
    SealedResult,
)
from governance.selectors import _secret_token
from governance.services._common import _locked_motion
from governance.services.notifications import _motion_url, _notify_motion_seats
from governance.tally import Tally, decided, evaluate

GENESIS_HASH = "0" * 64


@tenant_service
def vote_cast(*, actor, alliance, motion: Motion, choice: str) -> Ballot:
    """Cast or change the vote of the actor's council seat. The motion row is locked, so two
    votes of one seat at the same time queue up; the unique constraints back this up."""
    if choice not in Choice.values:
        raise ValidationFailed(fields={"choice": [_("表决意见须为赞成、反对或弃权。")]})
    if not access.has_role(actor, alliance, Role.COUNCILLOR):
        raise Forbidden(_("只有理事可以表决。"))
    locked = _locked_motion(alliance, motion)
    if locked.status != Motion.Status.OPEN or timezone.now() >= locked.closes_at:
        raise Conflict(_("表决已截止，不能再投票或改票。"))
    entry = EligibleSeat.objects.filter(motion=locked, holder=actor).select_related("seat").first()
    if entry is None:
        raise Forbidden(_("您的席位不在本议案的表决名单中。"))
    if entry.recused:
        raise Forbidden(_("您所在单位是本议案的当事单位，须回避表决。"))
    now = timezone.now()
    if locked.secret:
        token = _secret_token(locked, entry.seat_id)
        ballot = Ballot.objects.filter(motion=locked, token=token).first()
        if ballot is None:
            ballot = Ballot(alliance=alliance, motion=locked, token=token, choice=choice)
        else:
            ballot.choice = choice
            ballot.changes += 1
    else:
        ballot = Ballot.objects.filter(motion=locked, seat=entry.seat).first()
        if ballot is None:
            ballot = Ballot(alliance=alliance, motion=locked, seat=entry.seat, voter=actor, choice=choice, cast_at=now)
        else:
            ballot.choice = choice
            ballot.voter = actor
            ballot.cast_at = now
            ballot.changes += 1
    ballot.save()
    if entry.voted_at is None:
        entry.voted_at = now
        entry.save(update_fields=["voted_at"])
    return ballot


def _canonical(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sealed_payload(sealed: SealedResult) -> dict:
    """What the hash covers: every sealed column, in canonical JSON."""
    return {
        "alliance": sealed.alliance_id,
        "sequence": sealed.sequence,
        "motion": sealed.motion_id,
        "sealed_at": sealed.sealed_at.astimezone(dt_timezone.utc).isoformat(),
        "kind": sealed.kind,
        "title": sealed.title,
        "secret": sealed.secret,
        "threshold": sealed.threshold,
        "charter_version": sealed.charter_version,
        "tally": sealed.tally,
        "voters": sealed.voters,
        "recused": sealed.recused,
        "result": sealed.result,
        "resolution_number": sealed.resolution_number,
        "previous_hash": sealed.previous_hash,
    }


def sealed_hash(sealed: SealedResult) -> str:
    return hashlib.sha256(_canonical(sealed_payload(sealed)).encode()).hexdigest()


def motion_close(*, actor, alliance, motion: Motion) -> Motion:
    """Close and seal the motion (`motion_seal`, one transaction), then tell every seat holder the
    result (`motion_result_announce`, a second one). The seal does not wait for the notifications:
    the motion row and the alliance's sealing lock are held only while the result is sealed. The
    announcement is idempotent (one notification per holder and key), so a failed one is simply
    run again; the seal stands either way."""
    closed = motion_seal(actor=actor, alliance=alliance, motion=motion)
    motion_result_announce(actor=actor, alliance=alliance, motion=closed)
    return closed


@tenant_service
def motion_seal(*, actor, alliance, motion: Motion) -> Motion:
    """Close and seal. `actor=None` is the scheduled close once the window has ended; the
    secretariat may close earlier only when no remaining vote can change the outcome.

    A constant number of statements whatever the council's size: the voter list and the ballots
    are each read once as plain rows (the tally is counted from those rows) and the sealed hash is
    computed from plain values."""
    now = timezone.now()
    locked = _locked_motion(alliance, motion)
    if locked.status != Motion.Status.OPEN:
        raise Conflict(_("只能结束表决中的议案。"))
    window_ended = now >= locked.closes_at
    if actor is None:
        if not window_ended:
            raise Conflict(_("表决期未满，不能自动结束。"))
    else:
        access.require_secretariat(actor, alliance)
    charter = locked.charter
    rule, quorum = locked.rule, charter.quorum_for(locked.kind)
    # The motion row is locked: no vote can be cast or changed until this transaction ends.
    entries = _seat_rows(locked)
    ballots = list(Ballot.objects.filter(motion=locked).values_list("seat_id", "choice"))
    tally = _tally_of(sum(1 for e in entries if not e["recused"]), (choice for _seat, choice in ballots))
    if actor is not None and not window_ended and not decided(tally, rule, quorum):
        raise Conflict(_("剩余票数仍可能改变表决结果，不能提前结束。"))
    # One sealer at a time per alliance: the chain and the resolution numbers stay gapless. FOR NO KEY
    # UPDATE: rows that merely reference the alliance (a seat appointment meanwhile) are not blocked,
    # so a close that then locks the subject unit's seats cannot deadlock with them.
    Alliance.objects.select_for_update(no_key=True).get(pk=alliance.pk)
    passed = evaluate(tally, rule, quorum)
    if locked.secret:
        voters = [e["row"] for e in entries if not e["recused"] and e["voted_at"]]
    else:
        choices = dict(ballots)
        voters = [e["row"] | {"choice": choices[e["row"]["seat"]]} for e in entries if e["row"]["seat"] in choices]
    recused = [e["row"] for e in entries if e["recused"]]
    locked.status = Motion.Status.CLOSED
    locked.result = Motion.Result.PASSED if passed else Motion.Result.FAILED
    locked.closed_at = now
    locked.closed_by = actor
    locked.ballot_salt = ""
    locked.save()
    resolution = None
    if passed:
        year = timezone.localdate(now).year
        sequence = Resolution.objects.filter(year=year).count() + 1
        number = f"{alliance.code}-{year}-{sequence:03d}"
        resolution = Resolution.objects.create(
            alliance=alliance, motion=locked, number=number, year=year, sequence=sequence, issued_at=now,
            title=locked.title, text=locked.body,
        )
    previous = SealedResult.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sealed = SealedResult(
        alliance=alliance, motion=locked, sequence=(previous[0] + 1) if previous else 1, sealed_at=now,
        kind=locked.kind, title=locked.title, secret=locked.secret, threshold=rule,
        charter_version=charter.version, tally=tally.as_dict(), voters=voters, recused=recused,
        result=locked.result, resolution_number=resolution.number if resolution else "",
        previous_hash=previous[1] if previous else GENESIS_HASH,
    )
    sealed.hash = sealed_hash(sealed)
    sealed.save()
    # The resolutions chain covers the resolution as issued too (the sealed result's hash does not).
    ResolutionSeal.objects.create(
        alliance=alliance, sealed_result=sealed,
        **chains.resolutions.append(alliance, chains.resolution_content(sealed, resolution)),
    )
    checkpoints.checkpoint_on_commit(alliance, "resolution", names=["resolutions"])
    for handler in outcomes.handlers_for(locked.kind):
        handler(locked)
    return locked


@tenant_service
def motion_result_announce(*, actor, alliance, motion: Motion) -> int:
    """Notify every holder of the closed motion's eligible seats of its result, in two statements
    whatever the council's size (`_notify_motion_seats`). Returns how many notifications were new."""
    if actor is not None:
        access.require_secretariat(actor, alliance)
    if motion.status != Motion.Status.CLOSED:
        raise Conflict(_("只能公布已结束议案的表决结果。"))
    return _notify_motion_seats(
        alliance, motion, Notification.Kind.MOTION_CLOSED, f"motion:{motion.pk}:closed",
        Text(N_("表决结果：%(t)s"), t=motion.title), Motion.Result(motion.result).label, _motion_url(alliance, motion),
        motion.closed_at,
    )


def _tally_of(eligible: int, choices) -> Tally:
    counts = {c: 0 for c in Choice.values}
    for choice in choices:
        counts[choice] += 1
    return Tally(eligible=eligible, for_=counts["for"], against=counts["against"], abstain=counts["abstain"])


def _person(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """`str(user)` (alliances.models.User.__str__) from plain column values."""
    return display_name or f"{first_name} {last_name}".strip() or username


def _seat_rows(motion: Motion) -> list[dict]:
    """The motion's eligible seats in seat order, each with its sealed voter row, from one query of plain values."""
    rows = EligibleSeat.objects.filter(motion=motion).order_by("seat__position", "seat_id").values_list(
        "seat_id", "seat__title", "unit__name", "holder__display_name", "holder__first_name", "holder__last_name",
        "holder__username", "recused", "voted_at",
    )
    return [
        {"row": {"seat": seat, "seat_title": title, "unit": unit or "", "person": _person(dn, first, last, username)},
         "recused": recused, "voted_at": voted_at}
        for seat, title, unit, dn, first, last, username, recused, voted_at in rows
    ]


def verify_chain(alliance) -> tuple[int, SealedResult | None, str]:
    """Recompute the chain: (records checked, first broken record or None, reason)."""
    previous_hash = GENESIS_HASH
    checked = 0
    expected_sequence = 1
    for sealed in SealedResult.objects.with_scopes_disabled().filter(alliance=alliance).order_by("sequence").select_related("motion"):
        if sealed.sequence != expected_sequence:
            return checked, sealed, "sequence gap"
        if sealed.previous_hash != previous_hash:
            return checked, sealed, "previous hash does not match"
        if sealed_hash(sealed) != sealed.hash:
            return checked, sealed, "content hash does not match"
        if sealed.motion.result != sealed.result:
            return checked, sealed, "motion result differs from the sealed result"
        previous_hash = sealed.hash
        expected_sequence += 1
        checked += 1
    return checked, None, ""
