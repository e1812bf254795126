"""Governance: charter, motions and ballots, sealed results and resolutions, meetings, consultations.

Services (governance/services/) are the only writers. Sealed results and resolutions are
append-only: saving an existing row or deleting one raises (see `alliances.tenancy.SealedTenantModel`).
Every model is importable from here (and must be: Django finds an app's models in this module).
"""

from governance.models.charter import (
    DEFAULT_THRESHOLDS,
    ENTRENCHED_KINDS,
    THRESHOLD_WORDS,
    CharterVersion,
    MotionKind,
    Threshold,
    threshold_words,
)
from governance.models.consultations import Consultation, ConsultationDocument, ExpertInvitation, Opinion
from governance.models.meetings import AgendaItem, Attendance, Meeting, MinutesSeal
from governance.models.motions import CharterProposal, EligibleSeat, Motion, MotionAttachment
from governance.models.notifications import Notification
from governance.models.voting import Ballot, Choice, Resolution, ResolutionSeal, SealedResult
from governance.agreement.models import AgreementSignature, AgreementVersion  # noqa: E402,F401 (governance models)
