"""Every write of the projects app. Lifecycle (第十六条, 第十七条, 第十九条):

draft → submitted → expert_review (a governance consultation) → council_vote (motion "project_approval")
→ approved → [government programme: awaiting_bureau (bureau "project_proposal")] → in_progress
→ acceptance_requested (expert panel consultation) → accepted | not_accepted → closed;
in_progress → adjusted (motion "project_adjustment", new version) | revoked.

One module per sub-domain; pure reads live in projects.selectors. Every name callers use is
re-exported here so `from projects import services` keeps working.
"""

from projects.services._common import (  # noqa: F401
    S, CURRENCY, EDITABLE,
)
from projects.services.proposal import (  # noqa: F401
    PROPOSAL_FIELDS, project_create, project_update, participant_add, participant_update, participant_remove,
    budget_line_add, budget_line_remove, milestone_add, milestone_remove, ip_agreement_set, document_add,
)
from projects.services.review import (  # noqa: F401
    project_submit, project_return, project_review_open, project_council_refer, on_approval_decided,
    project_bureau_refer, on_proposal_decision, project_start,
)
from projects.services.execution import (  # noqa: F401
    milestone_report, expense_record,
)
from projects.services.adjustments import (  # noqa: F401
    adjustment_propose, withdrawal_request, on_adjustment_decided, withdrawal_bureau_refer, on_withdrawal_decision,
    withdrawal_execute, on_unit_departure,
)
from projects.services.acceptance import (  # noqa: F401
    acceptance_request, acceptance_review_open, acceptance_record, project_close,
)
from projects.selectors import (  # noqa: F401
    withdrawal_needs_bureau,
)
# tests/test_query_counts.py reads the status group through the services module.
from projects.models import EXECUTING  # noqa: F401
