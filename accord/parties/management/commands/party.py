from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accord.parties import services
from accord.parties.models import Party


class Command(BaseCommand):
    help = "Create or list parties (companies)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a party.")
        create.add_argument("name")
        create.add_argument("--slug", default="")
        create.add_argument("--country", default="", help="ISO 3166 code, e.g. DE")
        sub.add_parser("list", help="List parties.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            for party in Party.objects.all():
                self.stdout.write(f"{party.slug}\t{party.name}")
            return
        try:
            party = services.create_party(
                actor=None, name=options["name"], slug=options["slug"], country=options["country"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Created party {party.name} ({party.slug}).")
