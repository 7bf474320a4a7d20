import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accord.accounts.models import User
from accord.parties import services
from accord.parties.management.commands.relationship import party
from accord.parties.models import Role


class Command(BaseCommand):
    help = "Create a person in a party. The password comes from standard input, or they get an invitation."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a person and make them a member of a party.")
        create.add_argument("email")
        create.add_argument("--party", required=True, help="the party's short name")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--name", default="", help="full name")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of sending an invitation",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        target = party(options["party"])
        email, role = options["email"].strip().lower(), options["role"]
        try:
            if options["password_stdin"]:
                password = sys.stdin.readline().rstrip("\n")
                if not password:
                    raise CommandError("No password on standard input.")
                with transaction.atomic():
                    user = User.objects.filter(email__iexact=email).first() or services.create_user(
                        actor=None, email=email, full_name=options["name"], password=password
                    )
                    services.add_member(actor=None, party=target, user=user, role=role)
                self.stdout.write(f"{email} is now {role} of {target.name}.")
            else:
                invitation = services.invite(
                    actor=None, party=target, email=email, role=role, full_name=options["name"]
                )
                self.stdout.write(
                    f"Invitation for {email} ({role} of {target.name}) sent; its link:\n"
                    f"{services.invitation_url(invitation)}"
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
