from django.core.management.base import BaseCommand
from django.test import override_settings
from django_scopes import scope

from alliances import demo


class Command(BaseCommand):
    help = "Load the demo alliances (ocean-equipment, biomed) and their people; safe to run again."

    def handle(self, *args, **options):
        # Demo people already have passwords: their invitation mails are not worth printing.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.load()
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: {', '.join(demo.ALLIANCES)}; every demo user's password is {demo.DEMO_PASSWORD}"
        ))

    def load(self):
        admin = demo.platform_admin()
        demo.bureau_officer()
        contexts = [demo.load_alliance(slug, admin) for slug in demo.ALLIANCES]
        # Each app's `load(ctx)`, in INSTALLED_APPS order: later apps build on earlier apps' demo data.
        for load in demo.app_demos("load"):
            for ctx in contexts:
                with scope(alliance=ctx.alliance):
                    load(ctx)
