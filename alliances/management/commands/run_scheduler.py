import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from alliances import scheduler


class Command(BaseCommand):
    help = "Enqueue the scheduled jobs (settings.SCHEDULED_JOBS) at their intervals, for the task worker to run."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=30, help="seconds between two checks (default 30)")
        parser.add_argument("--once", action="store_true", help="check once, enqueue what is due, and exit")

    def handle(self, *args, tick, once, **options):
        self.running = True
        if not once:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        while self.running:
            for name in scheduler.enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            deadline = time.monotonic() + tick
            while self.running and time.monotonic() < deadline:
                time.sleep(min(1, tick))
            close_old_connections()  # a long-lived process: drop a connection the database closed meanwhile

    def stop(self, signum, frame):
        self.running = False
