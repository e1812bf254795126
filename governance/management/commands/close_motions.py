from django.core.management.base import BaseCommand

from governance.tasks import close_due_motions


class Command(BaseCommand):
    help = "Close and seal every open motion whose voting window has ended (the scheduler runs it every 5 minutes)."

    def handle(self, *args, **options):
        outcome = close_due_motions.call()
        for line in outcome["closed"]:
            self.stdout.write(line)
        for line in outcome["refused"]:
            self.stderr.write(line)
        refused = len(outcome["refused"])
        self.stdout.write(f"closed {len(outcome['closed'])} motion(s)" + (f", {refused} refused" if refused else ""))
        if refused:
            raise SystemExit(1)
