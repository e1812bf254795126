from django.core.management.base import BaseCommand, CommandError

from alliances import checkpoints, keys
from alliances.models import Alliance


class Command(BaseCommand):
    help = "The daily job: sign the head of every chain of every alliance that moved since its last checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="only these alliances")

    def handle(self, *args, slugs, **options):
        if keys.signing_key() is None:
            raise CommandError("no checkpoint key: run manage.py init_keys (see docs/operations.md)")
        alliances = Alliance.objects.order_by("pk")
        if slugs:
            alliances = alliances.filter(slug__in=slugs)
        total = 0
        for alliance in alliances:
            made = checkpoints.make_checkpoints(alliance, "daily")
            total += len(made)
            for checkpoint in made:
                self.stdout.write(f"{alliance.slug}: {checkpoint.chain} #{checkpoint.sequence} (checkpoint #{checkpoint.number})")
        self.stdout.write(f"{total} checkpoint(s) made")
