from django.core.management.base import BaseCommand, CommandError

from alliances import checkpoints
from alliances.models import Alliance


class Command(BaseCommand):
    help = "Verify every chain of an alliance and every checkpoint (signed or witnessed by the bureau); exit 1 on any problem."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        alliance = Alliance.objects.filter(slug=slug).first()
        if alliance is None:
            raise CommandError(f"no alliance {slug!r}")
        result = checkpoints.verify_alliance(alliance, source="command")
        for name, chain in result["chains"].items():
            self.stdout.write(f"{name}: {chain['count']} record(s), head #{chain['head'][0]}, "
                              f"{'intact' if chain['ok'] else 'BROKEN'}")
        for problem in result["problems"]:
            self.stdout.write(self.style.ERROR(f"{slug}: {problem}"))
        if not result["ok"]:
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"{slug}: every chain and checkpoint verified"))
