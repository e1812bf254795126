from django.core.management.base import BaseCommand, CommandError

from alliances import services
from alliances.errors import ServiceError
from alliances.models import User


class Command(BaseCommand):
    help = "Onboard a real alliance: create it with its organs and invite its first secretary-general."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Chinese name, e.g. 海洋装备产业技术创新战略联盟")
        parser.add_argument("--slug", required=True)
        parser.add_argument("--code", required=True, help="short code used in resolution numbers, e.g. OE")
        parser.add_argument("--name-en", default="")
        parser.add_argument("--field", default="", help="technology field")
        parser.add_argument("--sg-email", required=True, help="the secretary-general's email (gets a one-time link)")
        parser.add_argument("--sg-name", default="")
        parser.add_argument("--as", dest="actor", default=None, help="platform administrator username (default: first superuser)")

    def handle(self, *args, **options):
        actors = User.objects.filter(is_superuser=True, is_active=True).order_by("pk")
        actor = actors.filter(username=options["actor"]).first() if options["actor"] else actors.first()
        if actor is None:
            raise CommandError("No platform administrator: run `python manage.py createsuperuser` first.")
        try:
            alliance = services.alliance_create(
                actor=actor, name=options["name"], slug=options["slug"], code=options["code"],
                name_en=options["name_en"], technology_field=options["field"],
                secretary_general_email=options["sg_email"], secretary_general_name=options["sg_name"],
            )
        except ServiceError as error:
            details = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in error.fields.items())
            raise CommandError(f"{error.message} {details}".strip()) from error
        self.stdout.write(self.style.SUCCESS(f"Created {alliance.slug}; invitation sent to {options['sg_email']}"))
