from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accord.parties import services
from accord.parties.models import Party, Relationship


def party(slug: str) -> Party:
    found = Party.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(f"No party with the short name {slug!r} (see `accord party list`).")
    return found


class Command(BaseCommand):
    help = "Create or list supplier–customer relationships."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a relationship between two parties.")
        create.add_argument("--supplier", required=True, help="the supplier party's short name")
        create.add_argument("--customer", required=True, help="the customer party's short name")
        create.add_argument("--slug", default="")
        create.add_argument("--prefix", default="", help="action item number prefix, e.g. TLA")
        create.add_argument("--time-zone", default="UTC")
        create.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="of the default templates, reports and e-mails to people without an account",
        )
        sub.add_parser("list", help="List relationships.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            for rel in Relationship.objects.select_related("supplier", "customer"):
                self.stdout.write(
                    f"{rel.pk}\t{rel.slug}\t{rel.supplier.name} → {rel.customer.name}\t{rel.status}"
                )
            return
        try:
            rel = services.create_relationship(
                actor=None,
                supplier=party(options["supplier"]),
                customer=party(options["customer"]),
                slug=options["slug"],
                item_prefix=options["prefix"],
                time_zone=options["time_zone"],
                language=options["language"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Created relationship {rel.slug} (id {rel.pk}): {rel}.")
