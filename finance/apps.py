from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("财务")

    def ready(self):
        from alliances.dashboard import register_tile
        from alliances.dates import register_earliest_record
        from finance.selectors import earliest_entry
        from finance.tiles import pending_entries_tile, statement_tile

        register_earliest_record(earliest_entry)

        register_tile(pending_entries_tile)
        register_tile(statement_tile)

        from alliances.checkpoints import register_chain
        from finance.selectors import ledger_hash_at, ledger_hashes_at, ledger_head, verify_chain

        register_chain("ledger", _("账簿"), ledger_head, ledger_hash_at, verify_chain, ledger_hashes_at)

        from finance import jobs

        jobs.register()
