from django.core.management.base import BaseCommand

from alliances.errors import ServiceError
from alliances.models import Alliance
from governance import services


class Command(BaseCommand):
    help = "Close and seal every open motion whose voting window has ended, in every alliance (run from cron)."

    def handle(self, *args, **options):
        closed = failed = 0
        for motion in services.motions_due().order_by("closes_at", "pk"):
            alliance = Alliance.objects.get(pk=motion.alliance_id)
            try:
                motion = services.motion_close(actor=None, alliance=alliance, motion=motion)
            except ServiceError as error:
                failed += 1
                self.stderr.write(f"{alliance.slug} motion {motion.pk}: {error.message}")
                continue
            closed += 1
            number = motion.resolution.number if motion.resolution else "-"
            self.stdout.write(f"{alliance.slug} motion {motion.pk}: {motion.result} {number}")
        self.stdout.write(f"closed {closed} motion(s)" + (f", {failed} refused" if failed else ""))
        if failed:
            raise SystemExit(1)
