from django.core.management.base import BaseCommand, CommandError

from alliances import checkpoints
from alliances.models import Alliance
from governance import services


class Command(BaseCommand):
    help = "Recompute the hash chain of an alliance's sealed results; exit 1 and print the first broken record."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        alliance = Alliance.objects.filter(slug=slug).first()
        if alliance is None:
            raise CommandError(f"no alliance {slug}")
        checked, broken, reason = services.verify_chain(alliance)
        if broken is not None:
            self.stdout.write(
                f"BROKEN at sealed result #{broken.sequence} (motion {broken.motion_id}, "
                f"{broken.resolution_number or 'no resolution'}): {reason}; {checked} record(s) before it verified"
            )
            raise SystemExit(1)
        problems = checkpoints.check(alliance, names=["resolutions"], verify_chains=False)["problems"]
        for problem in problems:
            self.stdout.write(f"BROKEN: {problem}")
        if problems:
            raise SystemExit(1)
        self.stdout.write(f"OK: {checked} sealed result(s) of {slug} verified")
