"""Finance services: the only writers of the ledger.

Rules enforced here (DESIGN §3 Finance, 第八条(五), 附件2 §5):
- every entry balances per currency, and each restricted fund's own lines balance per currency
  (money leaves a restriction only through an explicit release entry on 限定性净资产);
- a restricted fund pays only its own project's R&D, and never below zero;
- the recorder never approves; only approved entries post; posted entries never change;
- posting takes the alliance's ledger row lock, numbers the entry without gaps and chains its hash;
- nothing posts into a closed month.
"""

# The sub-domains; every public name stays importable from `finance.services`.
from finance.services._common import APPROVER_ROLES, CENT, RECORDER_ROLES, ZERO  # noqa: F401
from finance.services.approval import (  # noqa: F401
    attachment_add, entries_approve_batch, entry_approve, entry_reject, entry_reverse,
)
from finance.services.contributions import commitment_set, contribution_receive, grant_receive  # noqa: F401
from finance.services.cross_app import (  # noqa: F401
    clawback_record, project_expense_record, restriction_release, revenue_distribution_record,
)
from finance.services.funds import chart_install, fund_for  # noqa: F401
from finance.services.hashing import (  # noqa: F401
    balance_deltas, content_hash, entry_content, entry_content_of_rows, entry_hash,
)
from finance.services.journal import entries_record_batch, entry_record  # noqa: F401
from finance.services.periods import PENDING_LISTED, period_close, period_reopen  # noqa: F401
from finance.services.validation import MAX_BATCH, NET_KINDS  # noqa: F401
