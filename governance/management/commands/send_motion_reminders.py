from django.core.management.base import BaseCommand

from alliances.models import Alliance
from governance import services


class Command(BaseCommand):
    help = "Email councillors who have not voted on motions closing within 24 hours (idempotent; run from cron)."

    def handle(self, *args, **options):
        alliance_ids = services.motions_due_soon().values_list("alliance_id", flat=True).distinct()
        total = 0
        for alliance in Alliance.objects.filter(pk__in=list(alliance_ids)):
            total += services.motion_reminders_send(actor=None, alliance=alliance)
        self.stdout.write(f"sent {total} reminder(s)")
