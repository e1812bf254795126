"""The charter's voting rules: the version in force, amendments proposed and adopted."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from django_scopes import scope

from governance.models import (
    DEFAULT_THRESHOLDS,
    CharterProposal,
    CharterVersion,
    Motion,
    MotionKind,
)

# Seat-based thresholds already count every seat; a vote of the votes cast needs two thirds taking part.
DEFAULT_MOTION_QUORUMS = {kind: [0, 1] for kind in MotionKind.values} | {MotionKind.OTHER: [2, 3]}


def current_charter(alliance) -> CharterVersion:
    """The alliance's charter in force (the newest version whose effective date has come); version 1
    with the defaults is created on first use. Later versions are written only by the agreement
    (governance/agreement/services.py): its decision-rules clause is the one source of the rules."""
    with scope(alliance=alliance):
        return _current_charter(alliance)


def _current_charter(alliance) -> CharterVersion:
    charter = CharterVersion.objects.filter(
        Q(effective_on__isnull=True) | Q(effective_on__lte=timezone.localdate()), alliance=alliance,
    ).order_by("-version").first()
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


def charter_amendment_decided(motion) -> None:
    """Outcome handler of `charter_amendment` motions opened before the agreement became the source
    of the rules (none are opened any more): a passed one still adopts its proposal."""
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
