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
        from governance.agreement import chains as agreement_chains
        from governance.agreement import services as agreement

        on_decided("agreement_amendment")(agreement.agreement_amendment_decided)
        register_resolver(selectors.resolution_for)

        from alliances.checkpoints import register_chain

        register_chain("resolutions", _("决议"), chains.resolutions.head, chains.resolutions.hash_at,
                       selectors.verify_resolutions)
        register_chain("minutes", _("会议纪要"), chains.minutes.head, chains.minutes.hash_at, chains.minutes.verify)
        signatures = agreement_chains.signatures
        register_chain("agreement_signatures", _("联盟协议签署"), signatures.head, signatures.hash_at, signatures.verify)

        from alliances.notifications import Delivery, register_kind
        from governance.models import Notification

        for kind in Notification.Kind:  # a motion's result was never e-mailed: in-app unless asked for
            register_kind(kind.value, kind.label, Delivery.IN_APP if kind == Notification.Kind.MOTION_CLOSED else Delivery.IMMEDIATE)
