from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accord.lib.demo import generate
from accord.parties.models import Party
from accord.system.demo_passwords import demo_password


def print_sign_ins(stdout: Any, password: str) -> None:
    from accord.parties.models import Guest, Membership

    stdout.write(f"Demo sign-ins (password for all: {password})\n")
    for m in Membership.objects.select_related("user", "party").order_by(
        "party__name", "role", "user__email"
    ):
        stdout.write(f"  {m.user.email:<28} {m.party.name:<20} {m.role}\n")
    for g in Guest.objects.select_related("user", "relationship").order_by("user__email"):
        stdout.write(f"  {g.user.email:<28} {g.relationship.slug:<20} {g.role}\n")


class Command(BaseCommand):
    help = "Load the demo data (Northwind Networks, its customers Telco A and B, its supplier Photon Optics)."

    def handle(self, *args: Any, **options: Any) -> None:
        if Party.objects.exists():
            raise CommandError("The database already has data; the demo loads only into an empty one.")
        password = demo_password()
        generate(password=password)
        print_sign_ins(self.stdout, password)
