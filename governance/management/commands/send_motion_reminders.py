from django.core.management.base import BaseCommand

from governance.tasks import send_motion_reminders


class Command(BaseCommand):
    help = "Remind councillors who have not voted on motions closing within 24 hours (idempotent; the scheduler runs it hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"sent {send_motion_reminders.call()} reminder(s)")
