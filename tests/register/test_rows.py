"""A register row's parts are worked out once per page (register/rows.py); each row still links to its
item and quick edits and lists every possible owner with its own owner selected, on the page and in a
quick edit's answer alike."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from accord.parties.access import relationship_for_user
from accord.register.forms import relationship_people
from accord.register.models import ActionItem
from accord.register.rows import RowMaker


def _row_html(page: str, number: int) -> str:
    match = re.search(rf'<tr id="item-{number}".*?</tr>', page, re.S)
    assert match, number
    return match.group(0)


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), name)
        for value, selected, name in re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', html)
    ]


def test_each_row_links_to_its_item_and_offers_its_possible_owners_with_its_own_selected(
    world: Any, as_user: Any
) -> None:
    world.sam.full_name = "Sam <Sanders> & Co"
    world.sam.save()
    access = relationship_for_user(world.sam, pk=world.nw_ta.pk)
    # a supplier item: the owning side (Northwind) plans it, and only its writers may own it
    people = [p for p in relationship_people(world.nw_ta) if p.pk in (world.ada.pk, world.sam.pk)]
    page = as_user(world.sam).get("/r/northwind-telco-a/items/").content.decode()
    item = ActionItem.objects.get(relationship=world.nw_ta, series="", number=1)
    row = _row_html(page, 1)
    assert f'href="{reverse("register:item", args=["northwind-telco-a", 1])}"' in row
    assert (
        row.count(f'hx-post="{reverse("register:quick", args=["northwind-telco-a", 1])}"') == 4
    )  # owner, due, start, done
    expected = [
        (
            str(p.pk),
            p.pk == item.owner_id,
            p.full_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            + " (Northwind Networks)",
        )
        for p in people
    ]
    assert _options(row) == expected and item.owner_id == world.sam.pk
    assert "Sam &lt;Sanders&gt; &amp; Co (Northwind Networks)" in row
    # the quick edit answers the same row
    answer = as_user(world.sam).post(
        "/r/northwind-telco-a/items/1/quick/", {"version": item.version, "owner": world.ada.pk}
    )
    drawn = _row_html(answer.content.decode(), 1)
    assert [(v, s) for v, s, _n in _options(drawn)] == [(str(p.pk), p.pk == world.ada.pk) for p in people]
    assert access.can_write


def test_the_other_side_sees_owner_and_due_date_as_text_not_as_edits(world: Any, as_user: Any) -> None:
    row = _row_html(as_user(world.carol).get("/r/northwind-telco-a/items/").content.decode(), 1)
    assert "<select" not in row and 'type="date"' not in row and "Sam Patel" in row


def test_a_viewer_and_a_closed_item_get_no_owner_list(world: Any, as_user: Any) -> None:
    page = as_user(world.vic).get("/r/northwind-telco-a/items/").content.decode()
    assert "<select" not in _row_html(page, 1) and "<option" not in _row_html(page, 1)
    viewer = RowMaker(relationship_for_user(world.vic, pk=world.nw_ta.pk), relationship_people(world.nw_ta))
    item = ActionItem.objects.get(relationship=world.nw_ta, series="", number=1)
    assert viewer.row(item).owner_options == ""
    item.status = "verified"
    writer = RowMaker(relationship_for_user(world.carol, pk=world.nw_ta.pk), relationship_people(world.nw_ta))
    assert writer.row(item).owner_options == ""


def test_addresses_are_those_reverse_gives_for_any_number(world: Any) -> None:
    maker = RowMaker(relationship_for_user(world.carol, pk=world.nw_ta.pk), [])
    for number in (1, 10, 1000, 123456):
        assert maker.item_url(number) == reverse("register:item", args=[world.nw_ta.slug, number])
        assert maker.quick_url(number) == reverse("register:quick", args=[world.nw_ta.slug, number])


def test_labels_are_those_of_get_display(world: Any) -> None:
    maker = RowMaker(relationship_for_user(world.carol, pk=world.nw_ta.pk), [])
    for field in ("status", "priority", "owner_side", "source_kind"):
        for value, _label in ActionItem._meta.get_field(field).flatchoices:
            item = ActionItem(**{field: value})
            assert maker.label(field, value) == getattr(item, f"get_{field}_display")()
    assert maker.label("status", "lost") == ActionItem(status="lost").get_status_display() == "lost"
