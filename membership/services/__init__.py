"""Membership services: the only writers of member units and their lifecycle.

applied → under_review → admitted (council resolution) → active (accession agreement signed by the
chair unit); active → withdrawing → withdrawn; active → expelled (council resolution).
Every transition is a dated `MemberTransition` with its reason and resolution; an illegal one is
refused with Conflict (409) and changes nothing.

One module per sub-domain; pure reads live in membership.selectors. Every name callers use is
re-exported here so `from membership import services` keeps working.
"""

from membership.services._common import (  # noqa: F401
    Status, Event, BAR_YEARS, PROFILE_FIELDS, REQUIRED_FOR_REVIEW, USCC_MESSAGES, CONSEQUENCE_TEXT,
    consequence_text, missing_for_review,
)
from membership.services.admission import (  # noqa: F401
    member_apply, member_apply_public, application_form_update, member_update, member_review_start,
    member_submit_for_admission, admission_decided, member_sign_accession,
)
from membership.services.withdrawal import (  # noqa: F401
    member_withdraw_request, member_withdraw_complete,
)
from membership.services.expulsion import (  # noqa: F401
    member_expel_propose, expulsion_decided, bar_end, member_bar_record,
)
from membership.services.importer import (  # noqa: F401
    IMPORT_COLUMNS, IMPORT_STATUSES, member_import,
)
