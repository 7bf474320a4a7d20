from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accord.accounts.models import User
from accord.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create a personal API token for a person; it is printed once and stored hashed."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token.")
        create.add_argument("email")
        create.add_argument("--name", default="command line")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active person with the e-mail address {options['email']!r}.")
        _token, raw = create_api_token(user=user, name=options["name"])
        self.stdout.write(raw)
