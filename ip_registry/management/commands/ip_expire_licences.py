from django.core.management.base import BaseCommand

from ip_registry.tasks import expire_licences


class Command(BaseCommand):
    help = "Bring granted licences into force on their start date and expire ended ones, in every alliance (the scheduler runs it daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_licences.call()} licence(s) changed status")
