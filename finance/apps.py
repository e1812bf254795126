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
