"""Finance reads. Balances come from the monthly balance table plus the partial month's lines
(never a scan of every line); every report takes an `as_of` date and is reproducible for it."""

# The sub-domains; every public name stays importable from `finance.selectors`.
from finance.selectors.chain import (  # noqa: F401
    VERIFY_CHUNK, ledger_hash_at, ledger_hashes_at, ledger_head, verify_chain,
)
from finance.selectors.ledger import (  # noqa: F401
    ZERO, balance, balance_recomputed, balance_sql, budget_vs_actual, earliest_entry, fund_balance_history, fund_balances,
    general_ledger, government_funds, has_government_fund, pending_entries, project_actuals, trial_balance,
)
from finance.selectors.members import (  # noqa: F401
    LEDGER_READERS, STATEMENT_PAGE_SIZE, can_read_ledger, commitments_as_of, commitments_of, contributions_by_unit,
    member_statement, statement_units_of,
)
