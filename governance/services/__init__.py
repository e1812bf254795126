"""Governance services: the only writers of governance tables, by sub-domain; the reads they
share are in governance.selectors. Every public name is importable from here, as before the split.

Motions: create (draft) -> open (seats snapshot, recusal) -> votes (changeable until closes_at)
-> close (tally, seal with a hash chained per alliance, resolution number, outcome handlers).
"""

from governance.selectors import (
    can_close_early,
    consultation_summary_text,
    council_seats_with_holders,
    current_tally,
    meeting_quorum,
    motions_due,
    motions_due_soon,
    my_choice,
)
from governance.services.charter import (
    DEFAULT_MOTION_QUORUMS,
    charter_amendment_decided,
    current_charter,
)
from governance.services.consultations import (
    consultation_close,
    consultation_create,
    consultation_document_add,
    opinion_submit,
)
from governance.services.meetings import (
    agenda_item_add,
    attendance_record,
    meeting_create,
    minutes_approve,
    minutes_draft,
    minutes_lock,
)
from governance.services.motions import motion_attach, motion_create, motion_open, motion_update, process_motion_open
from governance.services.notifications import motion_reminders_send, notification_read, _notify
from governance.services.voting import (
    GENESIS_HASH,
    motion_close,
    motion_result_announce,
    motion_seal,
    sealed_hash,
    sealed_payload,
    verify_chain,
    vote_cast,
)
