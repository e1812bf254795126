from django.core.management.base import BaseCommand, CommandError

from alliances import services
from alliances.errors import ServiceError
from alliances.models import Alliance, User


class Command(BaseCommand):
    help = ("Appoint a secretary-general for an alliance that has none it can reach (platform administrators "
            "only; the reason and the administrator are recorded in the role's history).")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--email", required=True, help="the new secretary-general's email (invited by a one-time link)")
        parser.add_argument("--reason", required=True, help="why the platform appoints (kept in the history)")
        parser.add_argument("--name", default="")
        parser.add_argument("--as", dest="actor", required=True, help="platform administrator username")

    def handle(self, *args, **options):
        actor = User.objects.filter(username=options["actor"], is_superuser=True, is_active=True).first()
        if actor is None:
            raise CommandError(f"{options['actor']!r} is not an active platform administrator.")
        alliance = Alliance.objects.filter(slug=options["slug"]).first()
        if alliance is None:
            raise CommandError(f"No alliance {options['slug']!r}.")
        try:
            grant = services.secretary_general_recover(
                actor=actor, alliance=alliance, email=options["email"], reason=options["reason"],
                display_name=options["name"],
            )
        except ServiceError as error:
            details = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in error.fields.items())
            raise CommandError(f"{error.message} {details}".strip()) from error
        self.stdout.write(self.style.SUCCESS(f"{grant.user} is now secretary-general of {alliance.slug}"))
