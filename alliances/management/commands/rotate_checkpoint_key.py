from django.core.management.base import BaseCommand, CommandError

from alliances import keys


class Command(BaseCommand):
    help = "Replace the checkpoint signing key; the old public key stays so old checkpoints keep verifying."

    def handle(self, *args, **options):
        try:
            old, new = keys.rotate()
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"checkpoint key rotated: {old or '(none)'} -> {new}")
