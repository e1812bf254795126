from django.core.management.base import BaseCommand, CommandError

from alliances import checkpoints
from alliances.chains import describe_broken
from alliances.models import Alliance
from governance import chains, services


class Command(BaseCommand):
    help = ("Recompute an alliance's sealed results chain, its resolutions chain (each resolution's number, "
            "title, text and date with its sealed result) and its approved-minutes chain, each against its head; "
            "exit 1 and print the first broken record.")

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
        counts = {}
        for chain in (chains.resolutions, chains.minutes):
            result = chain.verify(alliance)
            if not result["ok"]:
                self.stdout.write(describe_broken(chain.name, result))
                raise SystemExit(1)
            counts[chain.name] = result["count"]
        problems = checkpoints.check(alliance, names=["resolutions", "minutes"], verify_chains=False)["problems"]
        for problem in problems:
            self.stdout.write(f"BROKEN: {problem}")
        if problems:
            raise SystemExit(1)
        self.stdout.write(f"OK: {checked} sealed result(s) of {slug} verified; resolutions chain "
                          f"{counts['resolutions']} record(s), approved minutes chain {counts['minutes']} record(s) intact")
