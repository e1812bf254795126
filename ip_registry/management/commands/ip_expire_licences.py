from django.core.management.base import BaseCommand
from django.utils import timezone

from alliances.models import Alliance
from ip_registry import services


class Command(BaseCommand):
    help = "Bring granted licences into force on their start date and expire ended ones, in every alliance (daily)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        total = sum(services.licences_expire(actor=None, alliance=alliance, today=today) for alliance in Alliance.objects.exclude(status=Alliance.Status.DISSOLVED))
        self.stdout.write(f"{total} licence(s) changed status")
