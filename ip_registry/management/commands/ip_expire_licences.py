from django.core.management.base import BaseCommand
from django.utils import timezone

from alliances.models import Alliance
from ip_registry import services


class Command(BaseCommand):
    help = "Mark licences whose term has ended as expired, in every alliance (run daily from cron)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        total = sum(services.licences_expire(actor=None, alliance=alliance, today=today) for alliance in Alliance.objects.exclude(status=Alliance.Status.DISSOLVED))
        self.stdout.write(f"{total} licence(s) expired")
