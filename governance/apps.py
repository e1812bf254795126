from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("治理")

    def ready(self):
        from alliances.dashboard import register_tile
        from governance.tiles import motions_tile

        register_tile(motions_tile)
