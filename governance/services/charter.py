"""The charter's voting rules: the version in force, amendments proposed and adopted."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from alliances import access
from alliances.errors import ValidationFailed
from alliances.tenancy import tenant_service
from governance.models import (
    DEFAULT_THRESHOLDS,
    ENTRENCHED_KINDS,
    CharterProposal,
    CharterVersion,
    Motion,
    MotionKind,
    Threshold,
    threshold_words,
)

# Seat-based thresholds already count every seat; a vote of the votes cast needs two thirds taking part.
DEFAULT_MOTION_QUORUMS = {kind: [0, 1] for kind in MotionKind.values} | {MotionKind.OTHER: [2, 3]}


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
    from governance.services.motions import process_motion_open  # motions import the charter: not at the top

    access.require_secretariat(actor, alliance)
    base = current_charter(alliance)
    new_thresholds, new_quorums, meeting = _charter_change(base, thresholds, motion_quorums, meeting_quorum)
    changed = {k for k in MotionKind.values if new_thresholds.get(k) != base.thresholds.get(k)
               or new_quorums.get(k) != base.motion_quorums.get(k)}
    meeting_changed = meeting != [base.meeting_quorum_numerator, base.meeting_quorum_denominator]
    if not changed and not meeting_changed:
        raise ValidationFailed(fields={"thresholds": [_("提案未修改任何表决规则。")]})
    lines = [f"{MotionKind(k).label}：{threshold_words(new_thresholds[k]) if k in new_thresholds else '—'}"
             f"（{_('法定投票人数')} {new_quorums.get(k, [0, 1])[0]}/{new_quorums.get(k, [0, 1])[1]}）" for k in sorted(changed)]
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
