from django.core.management.base import BaseCommand, CommandError

from alliances.chains import describe_broken
from alliances.models import Alliance
from membership import chains


class Command(BaseCommand):
    help = "Recompute an alliance's chain of signed accession records against its head; exit 1 and print the first broken record."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        alliance = Alliance.objects.filter(slug=slug).first()
        if alliance is None:
            raise CommandError(f"no alliance {slug}")
        result = chains.accessions.verify(alliance)
        if not result["ok"]:
            self.stdout.write(describe_broken(chains.accessions.name, result))
            raise SystemExit(1)
        self.stdout.write(f"OK: accession chain of {slug}: {result['count']} record(s) intact")
