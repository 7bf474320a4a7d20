"""Types shared by views and API operations."""

from __future__ import annotations

from django.http import HttpRequest

from accord.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind ``login_required`` or API authentication: ``user`` is a signed-in person."""

    user: User
