from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BureauConfig(AppConfig):
    name = "bureau"
    verbose_name = _("市科技局")

    def ready(self):
        from alliances.dashboard import register_tile
        from bureau import services, views  # noqa: F401  (services registers the recognition and dissolution gates)

        register_tile(views.submissions_tile)

        from bureau import witness

        witness.register()
