from django.core.management.base import BaseCommand

from alliances import keys


class Command(BaseCommand):
    help = "Create the checkpoint signing key (Ed25519) in LIANMENG_KEY_DIR if there is none (idempotent)."

    def handle(self, *args, **options):
        key_id, created = keys.init_keys()
        self.stdout.write(f"checkpoint key {key_id} {'created' if created else 'present'} ({keys.key_dir()})")
