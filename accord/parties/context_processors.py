from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accord.parties.access import member_roles, visible_relationships
from accord.parties.models import Party


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The top bar: the viewer's party and the relationship switcher (two small queries)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = member_roles(user)
    parties = list(Party.objects.filter(pk__in=roles))
    match = getattr(request, "resolver_match", None)
    current = (
        match.kwargs.get("slug") if match and match.url_name and "relationship" in match.url_name else None
    )
    return {
        "nav_parties": [(p, roles[p.pk]) for p in parties],
        "nav_relationships": list(visible_relationships(user).order_by("supplier__name", "customer__name")),
        "nav_current_slug": current,
    }
