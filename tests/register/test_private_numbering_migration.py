"""register 0003: existing private items move into their side's series (old keys become aliases), and
the migration reverses, also over private items made after it."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from accord.parties.access import access_from
from accord.register import services
from accord.register.models import ActionItem, ItemAlias, ItemSequence

migration = importlib.import_module("accord.register.migrations.0003_private_numbering")


def as_before_0003(world: Any) -> tuple[Any, Any]:
    """The world's items as 0002 numbered them: one series, the private items in it."""
    carol = access_from(world.carol, world.nw_ta)
    theirs = services.create_item(
        access=carol, title="Ours alone", owner_side="customer", visibility="private"
    )
    shared = services.create_item(access=carol, title="Shared", owner_side="customer")
    ActionItem.objects.filter(pk=shared.pk).update(number=3)
    ActionItem.objects.filter(pk=world.private_item.pk).update(series="", number=2)
    ActionItem.objects.filter(pk=theirs.pk).update(series="", number=4)
    ItemSequence.objects.filter(relationship=world.nw_ta).update(
        last_number=4, last_supplier_private=0, last_customer_private=0
    )
    return theirs, shared


def keys(world: Any) -> dict[str, str]:
    return {i.title: i.reference for i in ActionItem.objects.filter(relationship=world.nw_ta)}


def test_private_items_move_to_their_sides_series_and_keep_their_old_keys(world: Any) -> None:
    theirs, shared = as_before_0003(world)
    migration.private_into_own_series(apps, None)
    assert keys(world) == {
        world.item.title: "TLA-0001",
        world.private_item.title: "TLA-S0001",
        shared.title: "TLA-0003",
        "Ours alone": "TLA-C0001",
    }
    aliases = ItemAlias.objects.values_list("item_id", "series", "number", "private_party__slug")
    assert sorted(aliases) == sorted(
        [(world.private_item.pk, "", 2, "northwind"), (theirs.pk, "", 4, "telco-a")]
    )
    sequence = ItemSequence.objects.get(relationship=world.nw_ta)
    assert (sequence.last_number, sequence.last_supplier_private, sequence.last_customer_private) == (4, 1, 1)
    # the next ones follow on in each series
    sam = access_from(world.sam, world.nw_ta)
    assert services.create_item(access=sam, title="n", visibility="private").reference == "TLA-S0002"
    assert services.create_item(access=sam, title="m").reference == "TLA-0005"


def test_the_migration_reverses_even_over_private_items_made_after_it(world: Any) -> None:
    as_before_0003(world)
    migration.private_into_own_series(apps, None)
    sam, carol = access_from(world.sam, world.nw_ta), access_from(world.carol, world.nw_ta)
    services.create_item(access=sam, title="New private", visibility="private", external_id="X-1")
    services.create_item(access=carol, title="New shared", owner_side="customer", external_id="X-1")

    migration.back_into_one_series(apps, None)

    items = {i.title: i for i in ActionItem.objects.filter(relationship=world.nw_ta)}
    assert {i.series for i in items.values()} == {""}
    assert (
        items[world.private_item.title].number == 2 and items["Ours alone"].number == 4
    )  # their old numbers
    assert items["New shared"].number == 5 and items["New private"].number == 6  # next in the one sequence
    numbers = [i.number for i in items.values()]
    assert len(numbers) == len(set(numbers))
    assert items["New shared"].external_id == "X-1" and items["New private"].external_id == "X-1 (S2)"
    assert ItemSequence.objects.get(relationship=world.nw_ta).last_number == 6
