from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpRegistryConfig(AppConfig):
    name = "ip_registry"
    verbose_name = _("知识产权")

    def ready(self):
        from alliances.dashboard import register_tile
        from bureau.gates import on_decision
        from ip_registry import services, views

        # 第十六条(四): the bureau's decision releases or voids a gated foreign licence or transfer.
        on_decision(services.GATE_KIND)(services.gate_decided)
        register_tile(views.dashboard_tile)
        # No membership departure handler on purpose: licences granted by a member that withdraws
        # or is expelled continue on their original terms (附件2 §9).
