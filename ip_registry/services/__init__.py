"""IP register services: the only writers of assets, ownership, licences, transfers and revenue.

Rules (第十六条, 附件2 §7): co-owners' shares sum to exactly 100; ownership changes are new
dated versions; an exclusive or sole licence may not overlap another live licence; a foreign
transfer or exclusive foreign licence of a government-funded asset waits for the bureau
(第十六条(四)); revenue is shared by the ownership valid on the day it is received.

One module per sub-domain; pure reads live in ip_registry.selectors. Every name callers use is
re-exported here so `from ip_registry import services` keeps working.
"""

from ip_registry.services._common import (  # noqa: F401
    GATE_KIND, CURRENCY, ASSET_DETAILS, DEAD_ASSET, LIVE_LICENCE, EXCLUSIVE_KINDS, LICENCE_START_AHEAD_YEARS,
)
from ip_registry.services.ownership import (  # noqa: F401
    party_is_foreign, clean_owners,
)
from ip_registry.services.assets import (  # noqa: F401
    asset_register, asset_update, ownership_change,
)
from ip_registry.services.licences import (  # noqa: F401
    fields_overlap, territories_overlap, terms_overlap, licences_overlap, licence_grant, licence_terminate,
    licences_expire,
)
from ip_registry.services.transfers import (  # noqa: F401
    transfer_create,
)
from ip_registry.services.gate import (  # noqa: F401
    gate_decided,
)
from ip_registry.services.revenue import (  # noqa: F401
    receipt_record,
)
from ip_registry.selectors import (  # noqa: F401
    projects_is_government_funded, project_flagged_government, government_fund_project_ids, asset_is_government_funded,
    ownership_on, current_ownership,
)
