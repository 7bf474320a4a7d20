"""The relationship's audit trail: the events of a private action item follow the item's visibility,
and a shared item's related-item changes name only items the reader may see (issue 9, defect 1)."""

from __future__ import annotations

from typing import Any

from accord.parties.access import access_from
from accord.parties.models import Role
from accord.register import services as register
from tests.conftest import make_user

AUDIT = "/r/northwind-telco-a/audit/"


def _trail(client: Any) -> str:
    """The trail's table alone: the page's random CSRF token and nonce may hold any two letters."""
    page = client.get(AUDIT).content.decode()
    return page[page.index("<tbody") : page.index("</tbody>")]


def test_each_sides_admins_read_the_audit_trail_without_the_other_sides_private_items(
    world: Any, as_user: Any
) -> None:
    tom = make_user("tom@telco-a.example", "Tom Alvarez", world.telco_a, Role.ADMIN)
    ada, carol = access_from(world.ada, world.nw_ta), access_from(world.carol, world.nw_ta)
    theirs = register.create_item(
        access=carol,
        title="Internal: which supplier to favour next year",
        owner_side="customer",
        owner=world.carol,
        visibility="private",
    )
    register.transition(access=carol, item=theirs, version=theirs.version, action="start")
    # Ada links the shared item to her side's private one, then to both of them
    register.set_related(access=ada, item=world.item, numbers=[world.private_item.key])
    northwind_private = world.private_item.reference  # TLA-S0001
    telco_private = theirs.reference

    page = _trail(as_user(tom))
    assert world.item.reference in page  # the shared item's events are there
    assert northwind_private not in page and "margin impact" not in page
    assert "S1" not in page  # the link's key is struck
    assert telco_private in page  # Telco A's own private item is Telco A's to read

    page = _trail(as_user(world.ada))
    assert northwind_private in page and "S1" in page
    assert telco_private not in page and "which supplier to favour" not in page


def test_the_audit_trail_follows_the_item_when_it_is_private_from_the_start(world: Any, as_user: Any) -> None:
    page = as_user(world.ada).get(AUDIT).content.decode()
    assert world.private_item.reference in page
    tom = make_user("tom@telco-a.example", "Tom Alvarez", world.telco_a, Role.ADMIN)
    assert world.private_item.reference not in as_user(tom).get(AUDIT).content.decode()
