from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "alliances"
    verbose_name = _("联盟")

    def ready(self):
        from alliances import converters

        converters.register()  # before any urls.py is imported

        from alliances.api import strict_json

        strict_json.install()
        # key and certificate checks; counts failed logins per address; every generic reference resolves
        from alliances import checks, login, references, signing  # noqa: F401

        from alliances import access, activity, jobs

        jobs.register(activity.EXPORT_JOB, _("活动日志（XLSX）"), activity.export_job, access.ACTIVITY_READERS,
                      bureau_reads=False)
