from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("治理")

    def ready(self):
        from alliances.authority import register_resolver
        from alliances.dashboard import register_tile
        from governance import chains, selectors, services  # noqa: F401 (chains: registers its chains)
        from governance.outcomes import on_decided
        from governance.tiles import motions_tile

        register_tile(motions_tile)
        on_decided("charter_amendment")(services.charter_amendment_decided)
        register_resolver(selectors.resolution_for)
