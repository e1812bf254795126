from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "membership"
    verbose_name = _("成员管理")

    def ready(self):
        from alliances.dashboard import register_tile
        from governance.outcomes import on_decided
        from membership import chains, services  # noqa: F401 (chains: registers its chain)
        from membership.views import members_tile

        on_decided("admission")(services.admission_decided)
        on_decided("expulsion")(services.expulsion_decided)
        register_tile(members_tile)

        from alliances.checkpoints import register_chain

        register_chain("accessions", _("入盟协议签署"), chains.accessions.head, chains.accessions.hash_at,
                       chains.accessions.verify)

        from membership import jobs

        jobs.register()
