"""Item numbers: shared items in the relationship's series, each side's private items in its own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction

from accord.audit.models import AuditEvent
from accord.parties.access import access_from
from accord.parties.models import Role
from accord.register import numbering, services
from accord.register.models import ItemAlias, ItemSequence
from tests.conftest import make_user

SLUG = "northwind-telco-a"
PRIVATE_KEY = re.compile(r"TLA-[SC]\d{4}|\b[SC]\d{1,4}\b")


def acc(world: Any, who: str) -> Any:
    return access_from(getattr(world, who), world.nw_ta)


def ours(world: Any) -> Any:
    """A shared item that Northwind raised (TLA-0002), so that Northwind may make it private."""
    return services.create_item(access=acc(world, "ada"), title="Line card returns in Lyon", owner=world.sam)


def api(world: Any, tail: str = "") -> str:
    return f"/api/v1/relationships/{world.nw_ta.pk}/action-items{tail}"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("TLA-S0004", ("S", 4)),
        ("s4", ("S", 4)),
        ("C0002", ("C", 2)),
        ("7", ("", 7)),
        ("0007", ("", 7)),
        ("TLA-0007", ("", 7)),
        (" 12 ", ("", 12)),
        ("0", None),
        ("X7", None),
        ("S", None),
        ("99999999999", None),
        ("", None),
    ],
)
def test_keys_are_read_with_or_without_prefix_and_padding(text: str, parsed: Any) -> None:
    assert numbering.parse_key(text) == parsed


def test_each_series_counts_on_its_own(world: Any) -> None:
    sam, carol = acc(world, "sam"), acc(world, "carol")
    shared = services.create_item(access=carol, title="Shared", owner_side="customer")
    ours = services.create_item(access=sam, title="Ours", visibility="private")
    theirs = services.create_item(access=carol, title="Theirs", owner_side="customer", visibility="private")
    # the world has TLA-0001 (shared) and Northwind's private TLA-S0001
    assert [i.reference for i in (shared, ours, theirs)] == ["TLA-0002", "TLA-S0002", "TLA-C0001"]
    assert (shared.key, ours.key, theirs.key) == ("2", "S2", "C1")
    sequence = ItemSequence.objects.get(relationship=world.nw_ta)
    assert (sequence.last_number, sequence.last_supplier_private, sequence.last_customer_private) == (2, 2, 1)


def test_numbers_are_allocated_in_blocks_without_overlap(world: Any) -> None:
    first = numbering.allocate(world.nw_ta, "S", 3)
    second = numbering.allocate(world.nw_ta, "S", 2)
    shared = numbering.allocate(world.nw_ta, "", 1)
    assert (list(first), list(second), list(shared)) == ([2, 3, 4], [5, 6], [2])


def test_a_visibility_change_takes_a_new_number_and_keeps_the_old_key_as_an_alias(world: Any) -> None:
    ada = acc(world, "ada")
    item = services.update_item(access=ada, item=ours(world), version=1, visibility="private")
    assert (item.reference, item.key) == ("TLA-S0002", "S2")
    alias = ItemAlias.objects.get(item=item)
    assert (alias.series, alias.number, alias.private_party) == ("", 2, None)
    again = services.update_item(access=ada, item=item, version=item.version, visibility="shared")
    assert again.reference == "TLA-0003"  # a new shared number: TLA-0002 is never reused
    assert set(ItemAlias.objects.filter(item=item).values_list("series", "number")) == {("", 2), ("S", 2)}
    assert ItemAlias.objects.get(item=item, series="S").private_party == world.northwind


def test_old_keys_resolve_only_for_those_who_may_see_the_item(world: Any, as_user: Any) -> None:
    services.update_item(access=acc(world, "ada"), item=ours(world), version=1, visibility="private")
    sam, carol, mallory = as_user(world.sam), as_user(world.carol), as_user(world.mallory)
    assert sam.get(f"/r/{SLUG}/items/2/")["Location"] == f"/r/{SLUG}/items/S2/"
    assert sam.get(api(world, "/2")).json()["reference"] == "TLA-S0002"
    for client in (carol, mallory):
        assert client.get(f"/r/{SLUG}/items/2/").status_code == 404
        assert client.get(api(world, "/2")).status_code == 404
        assert client.get(api(world, "/S2")).status_code == 404
    assert mallory.get(api(world, "/1")).status_code == 404


def test_an_old_private_key_never_resolves_for_the_other_side(world: Any, as_user: Any) -> None:
    """Once shared, the item is Carol's to see, but not the key it had while private (nor that it had one)."""
    item = services.update_item(
        access=acc(world, "ada"),
        item=world.private_item,
        version=1,
        owner_side="supplier",
        visibility="shared",
    )
    assert item.reference == "TLA-0002"
    carol, sam = as_user(world.carol), as_user(world.sam)
    assert carol.get(api(world, "/2")).status_code == 200
    for key in ("S1", "TLA-S0001"):
        assert carol.get(api(world, f"/{key}")).status_code == 404
        assert carol.get(f"/r/{SLUG}/items/{key}/").status_code == 404
        assert sam.get(api(world, f"/{key}")).json()["number"] == "2"
    found = carol.get(api(world), {"q": "S1"}).json()["items"]
    assert found == []
    assert [i["number"] for i in sam.get(api(world), {"q": "TLA-S0001"}).json()["items"]] == ["2"]


def test_a_round_trip_through_private_leaves_no_private_key_for_the_other_side(
    world: Any, as_user: Any
) -> None:
    ada = acc(world, "ada")
    services.create_item(access=ada, title="Another private one", visibility="private")  # TLA-S0002
    item = services.update_item(access=ada, item=ours(world), version=1, visibility="private")
    assert item.reference == "TLA-S0003"
    services.comment(access=ada, item=item, body="Checking internally first.")
    item = services.transition(access=ada, item=item, version=item.version, action="start")
    item = services.update_item(access=ada, item=item, version=item.version, visibility="shared")
    assert item.reference == "TLA-0003"
    assert AuditEvent.objects.filter(object_label="TLA-S0003").exists()  # written while private

    tom = make_user("tom@telco-a.example", "Tom Alvarez", world.telco_a, Role.ADMIN)  # reads the audit trail
    for person in (tom, world.carol):
        client = as_user(person)
        pages = [
            client.get(f"/r/{SLUG}/items/").content.decode(),
            client.get(f"/r/{SLUG}/items/3/").content.decode(),
            as_user(tom).get(f"/r/{SLUG}/audit/").content.decode(),
            client.get(f"/r/{SLUG}/items/export.csv").content.decode("utf-8-sig"),
            client.get(api(world)).content.decode(),
            client.get(api(world, "/3")).content.decode(),
            client.get(api(world, "/3/comments")).content.decode(),
        ]
        for n, body in enumerate(pages[:-1]):
            assert "TLA-0003" in body or '"number":"3"' in body.replace(" ", ""), (n, body[-3000:])
        for body in pages:
            assert not PRIVATE_KEY.search(body), PRIVATE_KEY.search(body)
    # Northwind reads its own history as it was
    assert "TLA-S0003" in as_user(world.ada).get(f"/r/{SLUG}/audit/").content.decode()


def test_the_timeline_of_a_visibility_change_names_no_key(world: Any) -> None:
    ada = acc(world, "ada")
    item = services.update_item(access=ada, item=ours(world), version=1, visibility="private")
    services.update_item(access=ada, item=item, version=item.version, visibility="shared")
    for update in item.updates.all():
        assert not PRIVATE_KEY.search(str(update.changes) + update.body)
    for event in AuditEvent.objects.filter(object_type="register.actionitem"):
        assert "reference" not in event.changes and not PRIVATE_KEY.search(str(event.changes))


def test_related_items_are_named_by_key_and_old_keys_work(world: Any) -> None:
    sam = acc(world, "sam")
    other = services.create_item(access=sam, title="Other", visibility="private")  # TLA-S0002
    services.set_related(access=sam, item=world.item, numbers=["TLA-S0002", "s1"])
    assert {i.key for i in world.item.related.all()} == {"S1", "S2"}
    shared = services.update_item(
        access=acc(world, "ada"), item=other, version=other.version, visibility="shared"
    )
    services.set_related(access=sam, item=world.item, numbers=["S2"])  # the old key finds it
    assert [i.key for i in world.item.related.all()] == [shared.key]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the SQLite test database lives in memory, where threads share one cache and lock tables",
)
def test_concurrent_writers_never_get_the_same_number(world: Any) -> None:
    """Writers in their own connections and transactions, at once: every number of each series is
    given once (the sequence row is locked with SELECT … FOR UPDATE)."""
    from concurrent.futures import ThreadPoolExecutor

    def allocate(series: str) -> list[int]:
        try:
            got = []
            for _ in range(5):
                with transaction.atomic():
                    got.extend(numbering.allocate(world.nw_ta, series))
            return got
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(allocate, ["", "", "S", "S"]))
    shared = sorted(results[0] + results[1])
    supplier = sorted(results[2] + results[3])
    assert shared == list(range(2, 12))  # the world's TLA-0001 came first
    assert supplier == list(range(2, 12))  # and its TLA-S0001
