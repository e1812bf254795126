from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("财务")

    def ready(self):
        from alliances.dashboard import register_tile
        from finance.tiles import pending_entries_tile, statement_tile

        register_tile(pending_entries_tile)
        register_tile(statement_tile)
