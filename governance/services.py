"""Governance services: the only writers of governance tables.

Motions: create (draft) -> open (seats snapshot, recusal) -> votes (changeable until closes_at)
-> close (tally, seal with a hash chained per alliance, resolution number, outcome handlers).
"""

import hashlib
import json
import secrets
from datetime import timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from alliances import access, checkpoints, dates, outbox, raw_history, uploads
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Alliance, Organ, OutboxMessage, Role, RoleGrant
from alliances.tenancy import history_user, tenant_service
from governance import chains, outcomes
from governance.models import (
    AgendaItem,
    Attendance,
    DEFAULT_THRESHOLDS,
    ENTRENCHED_KINDS,
    Ballot,
    CharterProposal,
    CharterVersion,
    Choice,
    Consultation,
    ConsultationDocument,
    EligibleSeat,
    ExpertInvitation,
    Meeting,
    MinutesSeal,
    Motion,
    MotionAttachment,
    MotionKind,
    Notification,
    Opinion,
    Resolution,
    ResolutionSeal,
    SealedResult,
    Threshold,
    threshold_words,
)
from governance.tally import Tally, decided, evaluate
from membership.models import MemberUnit

GENESIS_HASH = "0" * 64

# Seat-based thresholds already count every seat; a vote of the votes cast needs two thirds taking part.
DEFAULT_MOTION_QUORUMS = {kind: [0, 1] for kind in MotionKind.values} | {MotionKind.OTHER: [2, 3]}


# ---------------------------------------------------------------- charter


def current_charter(alliance) -> CharterVersion:
    """The alliance's charter in force; version 1 with the defaults is created on first use."""
    with scope(alliance=alliance):
        return _current_charter(alliance)


def _current_charter(alliance) -> CharterVersion:
    charter = CharterVersion.objects.filter(alliance=alliance).order_by("-version").first()
    if charter is None:
        try:
            with transaction.atomic():
                charter = CharterVersion.objects.create(
                    alliance=alliance, version=1, thresholds={str(k): str(v) for k, v in DEFAULT_THRESHOLDS.items()},
                    motion_quorums=dict(DEFAULT_MOTION_QUORUMS), note=_("默认规则"),
                )
        except IntegrityError:
            charter = CharterVersion.objects.filter(alliance=alliance).order_by("-version").first()
    return charter


def _charter_change(base: CharterVersion, thresholds, motion_quorums, meeting_quorum) -> tuple[dict, dict, list]:
    """The rules `base` would have after the change, checked: (thresholds, quorums, [num, den])."""
    new_thresholds = dict(base.thresholds)
    new_quorums = dict(base.motion_quorums)
    errors = {}
    for kind, rule in (thresholds or {}).items():
        if kind not in MotionKind.values or rule not in Threshold.values:
            errors.setdefault("thresholds", []).append(_("未知的议案类型或表决门槛：%(k)s") % {"k": f"{kind}={rule}"})
        else:
            new_thresholds[kind] = rule
    for kind, fraction in (motion_quorums or {}).items():
        ok = kind in MotionKind.values and isinstance(fraction, (list, tuple)) and len(fraction) == 2
        if ok:
            num, den = fraction
            ok = isinstance(num, int) and isinstance(den, int) and 0 <= num <= den and den > 0
        if not ok:
            errors.setdefault("motion_quorums", []).append(_("法定人数须为不大于1的分数。"))
        else:
            new_quorums[kind] = [num, den]
    num, den = meeting_quorum or (base.meeting_quorum_numerator, base.meeting_quorum_denominator)
    if not (isinstance(num, int) and isinstance(den, int) and 0 < num <= den):
        errors["meeting_quorum"] = [_("法定人数须为不大于1的分数。")]
    if errors:
        raise ValidationFailed(fields=errors)
    return new_thresholds, new_quorums, [num, den]


@tenant_service
def charter_amend_propose(
    *, actor, alliance, thresholds: dict | None = None, motion_quorums: dict | None = None,
    meeting_quorum: tuple[int, int] | None = None, note: str = "", closes_at=None,
) -> Motion:
    """The secretariat proposes new voting rules; the council decides by a `charter_amendment`
    motion (opened here) and the rules change only when it passes, from its resolution
    (`charter_amendment_decided`). A change of the rules for amending the agreement or the charter
    itself needs every seat (附件2 §10)."""
    access.require_secretariat(actor, alliance)
    base = current_charter(alliance)
    new_thresholds, new_quorums, meeting = _charter_change(base, thresholds, motion_quorums, meeting_quorum)
    changed = {k for k in MotionKind.values if new_thresholds.get(k) != base.thresholds.get(k)
               or new_quorums.get(k) != base.motion_quorums.get(k)}
    meeting_changed = meeting != [base.meeting_quorum_numerator, base.meeting_quorum_denominator]
    if not changed and not meeting_changed:
        raise ValidationFailed(fields={"thresholds": [_("提案未修改任何表决规则。")]})
    lines = [_("%(kind)s：%(threshold)s（法定投票人数 %(n)s/%(d)s）") % {
        "kind": MotionKind(k).label, "threshold": threshold_words(new_thresholds[k]) if k in new_thresholds else "—",
        "n": new_quorums.get(k, [0, 1])[0], "d": new_quorums.get(k, [0, 1])[1]} for k in sorted(changed)]
    if meeting_changed:
        lines.append(_("会议法定人数：%(n)d/%(d)d") % {"n": meeting[0], "d": meeting[1]})
    motion = process_motion_open(
        actor=actor, alliance=alliance, kind=MotionKind.CHARTER_AMENDMENT,
        title=_("关于修改表决规则的议案"), body="\n".join([note.strip(), *lines]).strip(),
        closes_at=closes_at or timezone.now() + timedelta(days=7),
        threshold=Threshold.UNANIMITY_SEATS if changed & set(ENTRENCHED_KINDS) else "",
    )
    CharterProposal.objects.create(
        alliance=alliance, motion=motion, thresholds={k: new_thresholds[k] for k in changed if k in new_thresholds},
        motion_quorums={k: new_quorums[k] for k in changed if k in new_quorums},
        meeting_quorum=meeting if meeting_changed else None, note=(note or "")[:300], proposed_by=actor,
    )
    return motion


def charter_amendment_decided(motion) -> None:
    """Outcome handler of `charter_amendment`: a passed motion adopts its proposal as the next
    charter version, recorded with the resolution; motions opened before keep their version."""
    proposal = CharterProposal.objects.filter(motion=motion).first()
    if proposal is None or motion.result != Motion.Result.PASSED:
        return
    base = _current_charter(motion.alliance)
    num, den = proposal.meeting_quorum or (base.meeting_quorum_numerator, base.meeting_quorum_denominator)
    number = motion.resolution.number if motion.resolution else ""
    proposal.adopted = CharterVersion.objects.create(
        alliance=motion.alliance, version=base.version + 1, thresholds=dict(base.thresholds) | proposal.thresholds,
        motion_quorums=dict(base.motion_quorums) | proposal.motion_quorums, meeting_quorum_numerator=num,
        meeting_quorum_denominator=den, note=(proposal.note or _("理事会决议 %(n)s") % {"n": number})[:300],
        resolution_number=number, created_by=proposal.proposed_by,
    )
    proposal.save(update_fields=["adopted"])


# ---------------------------------------------------------------- motions


def council_seats_with_holders():
    """Council seats that are filled: (seat, holder) for each active councillor grant."""
    grants = (
        RoleGrant.objects.filter(
            role=Role.COUNCILLOR, revoked_at__isnull=True, seat__organ__kind=Organ.Kind.COUNCIL,
            seat__vacated_at__isnull=True,
        )
        .select_related("seat", "user")
        .order_by("seat__position", "seat_id")
    )
    return [(g.seat, g.user) for g in grants]


def _subject_fields(alliance, subject):
    if subject is None:
        return None, None
    if getattr(subject, "pk", None) is None or getattr(subject, "alliance_id", None) != alliance.pk:
        raise ValidationFailed(fields={"subject": [_("对象不属于本联盟。")]})
    return ContentType.objects.get_for_model(subject), subject.pk


@tenant_service
def motion_create(
    *, actor, alliance, kind: str, title: str, body: str, closes_at, subject=None, subject_unit=None, secret: bool = False,
) -> Motion:
    """A draft motion on a matter no process owns. Kinds with an outcome handler (admission,
    expulsion, project approval and adjustment, charter amendment ...) are opened by their process
    only (`process_motion_open`): a bare motion of such a kind would issue a resolution the
    process's records never reflect."""
    if kind in outcomes.owned_kinds():
        access.require_secretariat(actor, alliance)
        raise ValidationFailed(fields={"kind": [
            _("“%(k)s”类议案只能通过相应的业务流程提出（例如入盟申请、除名提议、项目立项）。") % {"k": MotionKind(kind).label}]})
    return _motion_create(actor=actor, alliance=alliance, kind=kind, title=title, body=body, closes_at=closes_at,
                          subject=subject, subject_unit=subject_unit, secret=secret)


@tenant_service
def process_motion_open(
    *, actor, alliance, kind: str, title: str, body: str, closes_at, subject=None, subject_unit=None,
    threshold: str = "",
) -> Motion:
    """The internal entry point of a process (membership, projects, charter amendment) for a motion
    of the kind it owns: created and opened at once, so its papers are the process's own."""
    if kind not in outcomes.owned_kinds():
        raise ValueError(f"motion kind {kind!r} has no registered process")
    motion = _motion_create(actor=actor, alliance=alliance, kind=kind, title=title, body=body, closes_at=closes_at,
                            subject=subject, subject_unit=subject_unit, threshold=threshold)
    return motion_open(actor=actor, alliance=alliance, motion=motion)


def _motion_create(
    *, actor, alliance, kind: str, title: str, body: str, closes_at, subject=None, subject_unit=None,
    secret: bool = False, threshold: str = "",
) -> Motion:
    access.require_secretariat(actor, alliance)
    errors = {}
    if kind not in MotionKind.values:
        errors["kind"] = [_("未知的议案类型。")]
    if not (title or "").strip():
        errors["title"] = [_("请填写标题。")]
    elif len(title.strip()) > 300:
        errors["title"] = [_("标题不能超过300个字符。")]
    if closes_at is None or timezone.is_naive(closes_at):
        errors["closes_at"] = [_("请填写带时区的截止时间。")]
    elif closes_at <= timezone.now():
        errors["closes_at"] = [_("截止时间须晚于当前时间。")]
    else:
        errors.update(dates.date_errors(closes_at, dates.alliance_range(alliance), field="closes_at"))
    if subject_unit is None and isinstance(subject, MemberUnit):
        subject_unit = subject
    if subject_unit is not None and (not isinstance(subject_unit, MemberUnit) or subject_unit.alliance_id != alliance.pk):
        errors["subject_unit"] = [_("对象不属于本联盟。")]
    try:
        subject_type, subject_id = _subject_fields(alliance, subject)
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    return Motion.objects.create(
        alliance=alliance, kind=kind, title=title.strip(), body=body or "", closes_at=closes_at, secret=bool(secret),
        subject_type=subject_type, subject_id=subject_id, subject_unit=subject_unit, threshold=threshold,
        charter=current_charter(alliance), created_by=actor,
    )


@tenant_service
def motion_update(*, actor, alliance, motion: Motion, **changes) -> Motion:
    """Edit a draft (title, body, closes_at, secret)."""
    access.require_secretariat(actor, alliance)
    motion = _locked_motion(alliance, motion)
    if motion.status != Motion.Status.DRAFT:
        raise Conflict(_("只能修改草稿状态的议案。"))
    errors = {}
    for name in ("title", "body", "closes_at", "secret"):
        if name in changes:
            setattr(motion, name, changes[name])
    if not (motion.title or "").strip():
        errors["title"] = [_("请填写标题。")]
    if motion.closes_at is None or timezone.is_naive(motion.closes_at):
        errors["closes_at"] = [_("请填写带时区的截止时间。")]
    elif motion.closes_at <= timezone.now():
        errors["closes_at"] = [_("截止时间须晚于当前时间。")]
    else:
        errors.update(dates.date_errors(motion.closes_at, dates.alliance_range(alliance), field="closes_at"))
    if errors:
        raise ValidationFailed(fields=errors)
    motion.save()
    return motion


def _check_upload(name: str, file) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("请填写名称。")]
    file_errors = uploads.upload_errors(file)
    if file_errors:
        errors["file"] = file_errors
    return errors


@tenant_service
def motion_attach(*, actor, alliance, motion: Motion, name: str, file) -> MotionAttachment:
    """Add a paper to a motion before voting opens (the council votes on a fixed set of papers)."""
    access.require_secretariat(actor, alliance)
    motion = _locked_motion(alliance, motion)
    if motion.status != Motion.Status.DRAFT:
        raise Conflict(_("表决开始后不能再添加附件。"))
    errors = _check_upload(name, file)
    if errors:
        raise ValidationFailed(fields=errors)
    return MotionAttachment.objects.create(alliance=alliance, motion=motion, name=name.strip()[:200], file=file, uploaded_by=actor)


def _locked_motion(alliance, motion) -> Motion:
    if motion.alliance_id != alliance.pk:
        raise Forbidden()
    return Motion.objects.select_for_update().get(pk=motion.pk)


@tenant_service
def motion_open(*, actor, alliance, motion: Motion) -> Motion:
    """Open the vote: snapshot the council's filled seats, recuse the subject unit's seat.
    Expert consultations on the same subject must be finished: their summary goes with the papers."""
    access.require_secretariat(actor, alliance)
    locked = _locked_motion(alliance, motion)
    if locked.status != Motion.Status.DRAFT:
        raise Conflict(_("议案已经开始表决或已结束。"))
    now = timezone.now()
    if locked.closes_at <= now:
        raise ValidationFailed(fields={"closes_at": [_("截止时间须晚于当前时间。")]})
    consultations = Consultation.objects.filter(motion=locked)
    if locked.subject_type_id:
        consultations = consultations | Consultation.objects.filter(
            subject_type_id=locked.subject_type_id, subject_id=locked.subject_id, motion__isnull=True
        )
    pending = [c.title for c in consultations if c.status != Consultation.Status.CLOSED]
    if pending:
        raise Conflict(_("相关专家咨询尚未结束，意见汇总须在表决开始前附上：%(t)s") % {"t": "、".join(pending)})
    Consultation.objects.filter(pk__in=[c.pk for c in consultations], motion__isnull=True).update(motion=locked)
    if not _snapshot_council(alliance, locked):
        raise Conflict(_("理事会没有在任理事，无法表决。"))
    locked.status = Motion.Status.OPEN
    locked.opened_at = now
    locked.opened_by = actor
    if locked.secret:
        locked.ballot_salt = secrets.token_hex(32)
    locked.save()
    # Bulk, whatever the council's size: the notifications in two statements, the e-mails as outbox
    # rows sent by the worker after the commit (1,000 seats: docs/governance.md, bench/results.md).
    _notify_motion_seats(
        alliance, locked, Notification.Kind.MOTION_OPENED, f"motion:{locked.pk}:opened",
        _("议案开始表决：%(t)s") % {"t": locked.title},
        _("请在 %(d)s 前完成表决。") % {"d": timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M")},
        _motion_url(alliance, locked), now, voters_only=True, email=True,
    )
    return locked


def _snapshot_council(alliance, motion: Motion) -> int:
    """The motion's eligible seats: every filled council seat with its holder, the subject unit's seat
    recused, in one INSERT ... SELECT (a council of 1,000 seats builds no objects in Python).
    Returns the number of seats."""
    grants = RoleGrant.objects.filter(
        role=Role.COUNCILLOR, revoked_at__isnull=True, seat__organ__kind=Organ.Kind.COUNCIL, seat__vacated_at__isnull=True,
    ).annotate(s_id=F("seat_id"), u_id=F("seat__unit_id"), h_id=F("user_id")).values_list("s_id", "u_id", "h_id")
    select, params = grants.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(c) for c in ("alliance_id", "motion_id", "seat_id", "unit_id", "holder_id", "recused"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(EligibleSeat._meta.db_table)} ({columns}) "
            f"SELECT %s, %s, g.s_id, g.u_id, g.h_id, COALESCE(g.u_id = %s, false) "
            f"FROM ({select}) g",
            [alliance.pk, motion.pk, motion.subject_unit_id, *params],
        )
        return cursor.rowcount


def _secret_token(motion: Motion, seat_id: int) -> str:
    return hashlib.sha256(f"{motion.ballot_salt}:{motion.pk}:{seat_id}".encode()).hexdigest()


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


def my_choice(motion: Motion, user) -> str | None:
    """The user's current choice on an open motion (their own seat only), else None."""
    entry = EligibleSeat.objects.filter(motion=motion, holder=user, recused=False).first()
    if entry is None or entry.voted_at is None:
        return None
    if motion.secret:
        if not motion.ballot_salt:
            return None
        ballot = Ballot.objects.filter(motion=motion, token=_secret_token(motion, entry.seat_id)).first()
    else:
        ballot = Ballot.objects.filter(motion=motion, seat=entry.seat_id).first()
    return ballot.choice if ballot else None


def current_tally(motion: Motion) -> Tally:
    counts = {c: 0 for c in Choice.values}
    for choice in Ballot.objects.filter(motion=motion).values_list("choice", flat=True):
        counts[choice] += 1
    eligible = EligibleSeat.objects.filter(motion=motion, recused=False).count()
    return Tally(eligible=eligible, for_=counts["for"], against=counts["against"], abstain=counts["abstain"])


def can_close_early(motion: Motion) -> bool:
    return decided(current_tally(motion), motion.rule, motion.charter.quorum_for(motion.kind))


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
        _("表决结果：%(t)s") % {"t": motion.title}, motion.get_result_display(), _motion_url(alliance, motion),
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


def motions_due(now=None):
    """Open motions of every alliance whose window has ended (the scheduled close)."""
    now = now or timezone.now()
    # A dissolved alliance is an archive: a motion left open there is never closed (nothing is written).
    return Motion.objects.with_scopes_disabled().filter(status=Motion.Status.OPEN, closes_at__lte=now).exclude(
        alliance__status=Alliance.Status.DISSOLVED)


def motions_due_soon(now=None):
    now = now or timezone.now()
    return Motion.objects.with_scopes_disabled().filter(
        status=Motion.Status.OPEN, closes_at__gt=now, closes_at__lte=now + timedelta(hours=24)
    ).exclude(alliance__status=Alliance.Status.DISSOLVED)


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


# ---------------------------------------------------------------- notifications


def _motion_url(alliance, motion) -> str:
    return reverse("governance:motion", kwargs={"slug": alliance.slug, "pk": motion.pk})


def _notify(alliance, user, kind, key, title, body, url, email=True) -> Notification | None:
    """One notification per user and key (idempotent); its e-mail goes through the outbox (sent by the
    worker after the commit), and `emailed_at` records when it was queued."""
    email = email and bool(user.email)
    notification, created = Notification.objects.get_or_create(
        alliance=alliance, user=user, key=key,
        defaults={"kind": kind, "title": str(title), "body": str(body), "url": url,
                  "emailed_at": timezone.now() if email else None},
    )
    if not created:
        return None
    if email:
        outbox.queue(alliance, OutboxMessage.Kind.NOTIFICATION, [_email_of(alliance, user.email, title, body, url)])
    return notification


def _email_of(alliance, recipient, title, body, url) -> tuple[str, str, str]:
    return recipient, f"[{alliance.name}] {title}", f"{body}\n\n{settings.SITE_URL.rstrip('/')}{url}"


def _notify_motion_seats(alliance, motion, kind, key, title, body, url, now, *, voters_only=False, email=False) -> int:
    """`_notify` for every holder of the motion's eligible seats (`voters_only`: not recused), in two statements
    whatever the council's size: one INSERT ... SELECT of the notifications the holders do not
    have yet (one per user and key), and one INSERT ... SELECT of the new rows' simple-history rows
    ("+", attributed to the service's actor), the same rows `bulk_create_with_history` writes.
    Building 1,000 notification and 1,000 history instances in Python was ~90% of closing a
    motion of 1,000 seats (see docs/governance.md). With `email`, the new notifications' e-mails are
    written to the outbox in one bulk insert. Returns the number of notifications written."""
    history = Notification.history.model
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    values = {
        "alliance_id": alliance.pk, "kind": str(kind), "title": str(title)[:300], "body": str(body), "url": url,
        "key": key, "created_at": now, "emailed_at": now if email else None, "read_at": None,
    }
    columns, selected, params = [], [], []
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.attname == "user_id":
            selected.append("holders.holder_id")
        else:
            selected.append("%s")
            params.append(field.get_db_prep_save(values[field.attname], connection))
    notification_table = connection.ops.quote_name(Notification._meta.db_table)
    history_table = connection.ops.quote_name(history._meta.db_table)
    seat_table = connection.ops.quote_name(EligibleSeat._meta.db_table)
    user = history_user()
    quoted_key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        # ON CONFLICT on the (alliance, user, key) unique index: the holders who already have this
        # notification are skipped by the index itself, whatever the table's size or statistics
        # (a NOT EXISTS anti-join was planned as a scan of the table once it grew). "WHERE true"
        # lets SQLite read ON CONFLICT as the upsert clause, not a join constraint.
        cursor.execute(
            f"INSERT INTO {notification_table} ({', '.join(columns)}) SELECT {', '.join(selected)} "
            f"FROM (SELECT DISTINCT holder_id FROM {seat_table} WHERE motion_id = %s{' AND NOT recused' if voters_only else ''}) "
            f"holders WHERE true ON CONFLICT (alliance_id, user_id, {quoted_key}) DO NOTHING RETURNING id, user_id",
            params + [motion.pk],
        )
        written = cursor.fetchall()
        ids = [row[0] for row in written]
        if not ids:
            return 0
        # The history columns come from the history model (alliances.raw_history): copies of the
        # notification's columns, read from the new rows, and the bookkeeping, given as parameters.
        bookkeeping = {"history_date": connection.ops.adapt_datetimefield_value(now), "history_change_reason": None,
                       "history_type": "+", "history_user_id": user.pk if user else None}
        history_fields = raw_history.insert_fields(Notification)
        history_columns = ", ".join(connection.ops.quote_name(f.column) for f in history_fields)
        sources = ", ".join("%s" if f.attname in bookkeeping else "n." + connection.ops.quote_name(f.column)
                            for f in history_fields)
        if connection.vendor == "postgresql":
            written_rows, id_params = "n.id = ANY(%s)", [ids]
        else:
            written_rows, id_params = f"n.id IN ({', '.join(['%s'] * len(ids))})", ids
        cursor.execute(
            f"INSERT INTO {history_table} ({history_columns}) SELECT {sources} "
            f"FROM {notification_table} n WHERE {written_rows}",
            [bookkeeping[f.attname] for f in history_fields if f.attname in bookkeeping] + id_params,
        )
    if email:
        _recipient, subject, text = _email_of(alliance, "", title, body, url)
        outbox.queue_to_users(alliance, OutboxMessage.Kind.NOTIFICATION, [row[1] for row in written], subject, text)
    return len(ids)


@tenant_service
def motion_reminders_send(*, actor, alliance, now=None) -> int:
    """Remind councillors who have not voted, 24 hours before a motion closes. Idempotent."""
    now = now or timezone.now()
    sent = 0
    for motion in Motion.objects.filter(status=Motion.Status.OPEN, closes_at__gt=now, closes_at__lte=now + timedelta(hours=24)):
        for entry in EligibleSeat.objects.filter(motion=motion, recused=False, voted_at__isnull=True).select_related("holder"):
            if _notify(
                alliance, entry.holder, Notification.Kind.MOTION_REMINDER, f"motion:{motion.pk}:reminder",
                _("表决即将截止：%(t)s") % {"t": motion.title},
                _("本议案将于 %(d)s 截止，您尚未表决。") % {"d": timezone.localtime(motion.closes_at).strftime("%Y-%m-%d %H:%M")},
                _motion_url(alliance, motion),
            ):
                sent += 1
    return sent


@tenant_service(when_dissolved=True)  # the reader's own marker, not the alliance's data
def notification_read(*, actor, alliance, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise Forbidden()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


# ---------------------------------------------------------------- meetings


@tenant_service
def meeting_create(*, actor, alliance, title: str, starts_at, location: str = "", agenda=()) -> Meeting:
    """agenda: iterable of titles or (title, motion) pairs."""
    access.require_secretariat(actor, alliance)
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写会议名称。")]
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = [_("请填写带时区的开始时间。")]
    else:
        errors.update(dates.date_errors(starts_at, dates.alliance_range(alliance), field="starts_at"))
    if errors:
        raise ValidationFailed(fields=errors)
    meeting = Meeting.objects.create(
        alliance=alliance, title=title.strip()[:300], starts_at=starts_at, location=(location or "")[:300],
        charter=current_charter(alliance), created_by=actor,
    )
    for item in agenda:
        item_title, motion = (item, None) if isinstance(item, str) else item
        agenda_item_add(actor=actor, alliance=alliance, meeting=meeting, title=item_title, motion=motion)
    return meeting


def _check_meeting(alliance, meeting) -> Meeting:
    if meeting.alliance_id != alliance.pk:
        raise Forbidden()
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@tenant_service
def agenda_item_add(*, actor, alliance, meeting: Meeting, title: str = "", motion: Motion | None = None) -> AgendaItem:
    access.require_secretariat(actor, alliance)
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status in (Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED):
        raise Conflict(_("会议纪要已批准，议程不能再修改。"))
    if motion is not None and motion.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"motion": [_("对象不属于本联盟。")]})
    title = (title or "").strip() or (motion.title if motion else "")
    if not title:
        raise ValidationFailed(fields={"title": [_("请填写议题。")]})
    position = meeting.agenda.count() + 1
    return AgendaItem.objects.create(alliance=alliance, meeting=meeting, position=position, title=title[:300], motion=motion)


@tenant_service
def attendance_record(*, actor, alliance, meeting: Meeting, present_seats, absent_seats=()) -> Meeting:
    """Record who attended, seat by seat (council seats only)."""
    access.require_secretariat(actor, alliance)
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status == Meeting.MinutesStatus.LOCKED:
        raise Conflict(_("会议纪要已锁定。"))
    holders = {seat.pk: holder for seat, holder in council_seats_with_holders()}
    for seat, present in [(s, True) for s in present_seats] + [(s, False) for s in absent_seats]:
        if seat.alliance_id != alliance.pk or seat.organ.kind != Organ.Kind.COUNCIL:
            raise ValidationFailed(fields={"seats": [_("只能登记本联盟理事会席位的出席情况。")]})
        Attendance.objects.update_or_create(
            meeting=meeting, seat=seat, defaults={"alliance": alliance, "present": present, "person": holders.get(seat.pk)},
        )
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    return meeting


def meeting_quorum(meeting: Meeting) -> dict:
    """Present council seats against the charter's quorum of all council seats."""
    total = len(council_seats_with_holders())
    present = Attendance.objects.filter(meeting=meeting, present=True).count()
    charter = meeting.charter
    num, den = charter.meeting_quorum_numerator, charter.meeting_quorum_denominator
    required = -(-total * num // den)  # ceiling
    return {"seats": total, "present": present, "required": required, "quorate": total > 0 and present * den >= total * num}


@tenant_service
def minutes_draft(*, actor, alliance, meeting: Meeting, text: str) -> Meeting:
    access.require_secretariat(actor, alliance)
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status in (Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED):
        raise Conflict(_("会议纪要已批准，不能再修改。"))
    if not (text or "").strip():
        raise ValidationFailed(fields={"text": [_("请填写会议纪要。")]})
    meeting.minutes = text
    meeting.minutes_status = Meeting.MinutesStatus.DRAFTED
    meeting.save(update_fields=["minutes", "minutes_status"])
    return meeting


@tenant_service
def minutes_approve(*, actor, alliance, meeting: Meeting) -> Meeting:
    """The chair or the secretary-general approves the drafted minutes of a quorate meeting."""
    access.require_role(actor, alliance, Role.SECRETARY_GENERAL, "chair")
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status != Meeting.MinutesStatus.DRAFTED:
        raise Conflict(_("只有草稿状态的纪要可以批准。"))
    quorum = meeting_quorum(meeting)
    if not quorum["quorate"]:
        raise Conflict(_("会议出席理事 %(p)d 人，未达到法定人数 %(r)d 人（共 %(s)d 席），纪要不能批准。") % {
            "p": quorum["present"], "r": quorum["required"], "s": quorum["seats"]})
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.minutes_approved_by = actor
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "minutes_approved_by", "minutes_approved_at"])
    present = list(Attendance.objects.filter(meeting=meeting, present=True).order_by("seat_id").values_list("seat_id", flat=True))
    agenda = list(meeting.agenda.order_by("position", "id").values_list("position", "title", "motion_id"))
    MinutesSeal.objects.create(
        alliance=alliance, meeting=meeting, present_seats=present,
        **chains.minutes.append(alliance, chains.minutes_content(meeting, agenda, present)),
    )
    checkpoints.checkpoint_on_commit(alliance, "minutes", names=["minutes"])
    return meeting


@tenant_service
def minutes_lock(*, actor, alliance, meeting: Meeting) -> Meeting:
    access.require_secretariat(actor, alliance)
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status != Meeting.MinutesStatus.APPROVED:
        raise Conflict(_("只有已批准的纪要可以锁定。"))
    meeting.minutes_status = Meeting.MinutesStatus.LOCKED
    meeting.minutes_locked_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "minutes_locked_at"])
    return meeting


# ---------------------------------------------------------------- consultations


def _expert_grant(user):
    return RoleGrant.objects.filter(user=user, role=Role.EXPERT, revoked_at__isnull=True).first()


@tenant_service
def consultation_create(
    *, actor, alliance, title: str, question: str, experts, deadline, subject=None, concerned_units=(), motion=None,
) -> Consultation:
    """Ask chosen experts; those affiliated with a concerned unit are excluded (recorded with the reason)."""
    access.require_secretariat(actor, alliance)
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写标题。")]
    if not (question or "").strip():
        errors["question"] = [_("请填写征询问题。")]
    if deadline is None or timezone.is_naive(deadline) or deadline <= timezone.now():
        errors["deadline"] = [_("截止时间须晚于当前时间。")]
    else:
        errors.update(dates.date_errors(deadline, dates.alliance_range(alliance), field="deadline"))
    experts = list(experts)
    grants = {}
    for user in experts:
        grant = _expert_grant(user)
        if grant is None:
            errors.setdefault("experts", []).append(_("%(u)s 不是本联盟的专家委员会委员。") % {"u": user})
        grants[user.pk] = grant
    if not experts:
        errors["experts"] = [_("请至少选择一位专家。")]
    concerned_units = list(concerned_units)
    if any(u.alliance_id != alliance.pk for u in concerned_units):
        errors["concerned_units"] = [_("对象不属于本联盟。")]
    if motion is not None and (motion.alliance_id != alliance.pk or motion.status != Motion.Status.DRAFT):
        errors["motion"] = [_("只能关联本联盟尚未开始表决的议案。")]
    try:
        subject_type, subject_id = _subject_fields(alliance, subject)
    except ValidationFailed as error:
        errors.update(error.fields)
    if isinstance(subject, MemberUnit) and subject not in concerned_units:
        concerned_units.append(subject)
    if errors:
        raise ValidationFailed(fields=errors)
    concerned_ids = {u.pk for u in concerned_units}
    if all(grants[u.pk].member_unit_id in concerned_ids for u in experts):
        raise ValidationFailed(fields={"experts": [_("所选专家均来自相关单位，须回避；请另选专家。")]})
    consultation = Consultation.objects.create(
        alliance=alliance, title=title.strip()[:300], question=question, deadline=deadline,
        subject_type=subject_type, subject_id=subject_id, motion=motion, created_by=actor,
    )
    consultation.concerned_units.set(concerned_units)
    for user in experts:
        grant = grants[user.pk]
        excluded = grant.member_unit_id in concerned_ids
        ExpertInvitation.objects.create(
            alliance=alliance, consultation=consultation, expert=user, excluded=excluded,
            exclusion_reason=(_("所在单位 %(u)s 为相关单位") % {"u": grant.member_unit}) if excluded else "",
        )
        if not excluded:
            _notify(
                alliance, user, Notification.Kind.CONSULTATION_ASKED, f"consultation:{consultation.pk}:asked",
                _("专家咨询：%(t)s") % {"t": consultation.title},
                _("请在 %(d)s 前提交意见。") % {"d": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
                reverse("governance:consultation", kwargs={"slug": alliance.slug, "pk": consultation.pk}),
            )
    return consultation


@tenant_service
def opinion_submit(*, actor, alliance, consultation: Consultation, stance: str, text: str, score=None) -> Opinion:
    """An asked (not excluded) expert answers, or revises the answer, until the consultation closes."""
    if consultation.alliance_id != alliance.pk:
        raise Forbidden()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not ExpertInvitation.objects.filter(consultation=consultation, expert=actor, excluded=False).exists():
        raise Forbidden(_("只有受邀且无须回避的专家可以提交意见。"))
    if consultation.status != Consultation.Status.OPEN:
        raise Conflict(_("专家咨询已结束。"))
    if timezone.now() > consultation.deadline:
        raise Conflict(_("已过提交意见的截止时间。"))
    errors = {}
    if stance not in Opinion.Stance.values:
        errors["stance"] = [_("意见须为支持、修改后支持或反对。")]
    if not (text or "").strip():
        errors["text"] = [_("请填写意见正文。")]
    if score is not None and (not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100):
        errors["score"] = [_("评分须为0到100的整数。")]
    if errors:
        raise ValidationFailed(fields=errors)
    opinion, _created = Opinion.objects.update_or_create(
        consultation=consultation, expert=actor,
        defaults={"alliance": alliance, "stance": stance, "text": text, "score": score, "submitted_at": timezone.now()},
    )
    return opinion


@tenant_service
def consultation_document_add(*, actor, alliance, consultation: Consultation, name: str, file) -> ConsultationDocument:
    access.require_secretariat(actor, alliance)
    if consultation.alliance_id != alliance.pk:
        raise Forbidden()
    if consultation.status != Consultation.Status.OPEN:
        raise Conflict(_("专家咨询已结束。"))
    errors = _check_upload(name, file)
    if errors:
        raise ValidationFailed(fields=errors)
    return ConsultationDocument.objects.create(alliance=alliance, consultation=consultation, name=name.strip()[:200], file=file)


def consultation_summary_text(consultation: Consultation) -> str:
    opinions = list(consultation.opinions.select_related("expert").order_by("submitted_at"))
    asked = consultation.invitations.filter(excluded=False).count()
    counts = {s: sum(1 for o in opinions if o.stance == s) for s in Opinion.Stance.values}
    scores = [o.score for o in opinions if o.score is not None]
    lines = [
        _("受邀专家 %(a)d 人，提交意见 %(n)d 份：支持 %(s)d，修改后支持 %(c)d，反对 %(o)d。") % {
            "a": asked, "n": len(opinions), "s": counts["support"], "c": counts["support_with_changes"], "o": counts["oppose"],
        }
    ]
    if scores:
        lines.append(_("平均评分 %(avg).1f（%(n)d 份评分）。") % {"avg": sum(scores) / len(scores), "n": len(scores)})
    excluded = consultation.invitations.filter(excluded=True).count()
    if excluded:
        lines.append(_("%(n)d 位专家因所在单位为相关单位而回避。") % {"n": excluded})
    for opinion in opinions:
        lines.append(_("— %(expert)s（%(stance)s）：%(text)s") % {
            "expert": opinion.expert, "stance": opinion.get_stance_display(), "text": opinion.text})
    return "\n".join(lines)


@tenant_service
def consultation_close(*, actor, alliance, consultation: Consultation, summary: str = "") -> Consultation:
    """Close and summarise (the secretariat's own summary, or one generated from the opinions).
    Experts advise; nothing here decides anything."""
    access.require_secretariat(actor, alliance)
    if consultation.alliance_id != alliance.pk:
        raise Forbidden()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.OPEN:
        raise Conflict(_("专家咨询已结束。"))
    if consultation.motion_id and consultation.motion.status != Motion.Status.DRAFT:
        raise Conflict(_("关联议案已开始表决，意见汇总须在表决开始前附上。"))
    generated = consultation_summary_text(consultation)
    consultation.summary = (summary.strip() + "\n\n" + generated) if (summary or "").strip() else generated
    consultation.status = Consultation.Status.CLOSED
    consultation.closed_at = timezone.now()
    consultation.save()
    for invitation in consultation.invitations.filter(excluded=False).select_related("expert"):
        _notify(
            alliance, invitation.expert, Notification.Kind.CONSULTATION_CLOSED, f"consultation:{consultation.pk}:closed",
            _("专家咨询已结束：%(t)s") % {"t": consultation.title}, _("感谢您的意见。"),
            reverse("governance:consultation", kwargs={"slug": alliance.slug, "pk": consultation.pk}),
        )
    return consultation
