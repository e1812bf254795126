from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from alliances import checkpoints
from alliances.models import Alliance
from finance.selectors import verify_chain


class Command(BaseCommand):
    help = "Recompute an alliance's ledger hash chain; print the first broken entry and exit non-zero if any."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        alliance = Alliance.objects.filter(slug=slug).first()
        if alliance is None:
            raise CommandError(f"no alliance {slug!r}")
        with scope(alliance=alliance):
            result = verify_chain(alliance)
        if not result["ok"]:
            broken = result["broken"]
            self.stdout.write(self.style.ERROR(
                f"{slug}: chain broken at entry #{broken['sequence']} (id {broken['id']}): {broken['reason']}"
            ))
            raise SystemExit(1)
        # An intact chain may still be shorter than, or differ from, what a checkpoint signed.
        problems = checkpoints.check(alliance, names=["ledger"], verify_chains=False)["problems"]
        for problem in problems:
            self.stdout.write(self.style.ERROR(f"{slug}: {problem}"))
        if problems:
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"{slug}: {result['count']} posted entries, chain intact"))
