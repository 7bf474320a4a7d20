"""After an edit conflict, every versioned form keeps what the person typed beside what is saved now
(accord.lib.forms.keep_typed): 409, the typed values in the inputs, "Now saved: …" under each field that
differs, and the hidden version moved on, so saving again deliberately puts the typed values in."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.db import models
from django.forms.models import model_to_dict

from accord.measurements.services import SETTINGS_FIELDS, settings_for
from accord.register.models import ActionItem
from tests.conftest import DEMO_DAY
from tests.meetings.topic_helpers import concern, forecast


@dataclass(frozen=True)
class Edit:
    person: str
    url: Callable[[Any], str]
    record: Callable[[Any], models.Model]
    fields: list[str]
    field: str  # the field both edits change
    theirs: str
    mine: str


EDITS = {
    "relationship settings": Edit(
        "ada",
        lambda w: "/r/northwind-telco-a/settings/",
        lambda w: w.nw_ta,
        ["status", "time_zone", "item_prefix", "description"],
        "description",
        "Their words",
        "My words",
    ),
    "site": Edit(
        "sam",
        lambda w: f"/sites/{w.nw_site.pk}/",
        lambda w: w.nw_site,
        ["name", "kind", "address", "country", "time_zone"],
        "name",
        "Their plant",
        "My plant",
    ),
    "product": Edit(
        "sam",
        lambda w: f"/products/{w.product.pk}/",
        lambda w: w.product,
        ["code", "name", "category", "description", "is_active"],
        "name",
        "Their product",
        "My product",
    ),
    "measurement settings": Edit(
        "ada",
        lambda w: "/r/northwind-telco-a/measurements/settings/",
        lambda w: settings_for(w.nw_ta),
        list(SETTINGS_FIELDS),
        "repair_sla_days",
        "11",
        "12",
    ),
    "action item": Edit(
        "sam",
        lambda w: "/r/northwind-telco-a/items/1/edit/",
        lambda w: w.item,
        ["title", "description", "owner_side", "owner", "task_force", "due_date", "priority", "visibility"],
        "title",
        "Their title",
        "My title",
    ),
    "task force": Edit(
        "sam",
        lambda w: f"/r/northwind-telco-a/task-forces/{w.task_force.pk}/edit/",
        lambda w: w.task_force,
        ["name", "charter", "lead", "members", "status"],
        "name",
        "Their task force",
        "My task force",
    ),
    "topic": Edit(
        "sam",
        lambda w: f"/r/northwind-telco-a/topics/{concern(w).pk}/edit/",
        concern,
        ["kind", "title", "description", "raised_by_side", "raised_on", "visibility", "products"],
        "title",
        "Their topic",
        "My topic",
    ),
    "forecast": Edit(
        "carol",
        lambda w: f"/r/northwind-telco-a/forecasts/{forecast(w).pk}/edit/",
        forecast,
        ["product", "month", "quantity", "note"],
        "note",
        "Their note",
        "My note",
    ),
}


def form_data(record: models.Model, fields: list[str], **changes: Any) -> dict[str, Any]:
    """What the edit form posts for ``record`` as it is saved, with ``changes``."""
    data: dict[str, Any] = {"version": record.version}  # type: ignore[attr-defined]
    for name, value in model_to_dict(record, fields=fields).items():
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is None or value is False:
            continue
        else:
            data[name] = "on" if value is True else getattr(value, "isoformat", lambda v=value: v)()
    return data | changes


def hidden_version(body: str) -> int:
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', body)
    assert found, "the form has no hidden version"
    return int(found.group(1))


def saved(edit: Edit, world: Any) -> str:
    record = edit.record(world)
    record.refresh_from_db()
    return str(getattr(record, edit.field))


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_stale_save_keeps_the_typed_value_beside_the_saved_one_and_a_second_save_overwrites(
    name: str, world: Any, as_user: Any
) -> None:
    edit = EDITS[name]
    client = as_user(getattr(world, edit.person))
    loaded = form_data(edit.record(world), edit.fields)  # the form as both tabs loaded it
    first = client.post(edit.url(world), loaded | {edit.field: edit.theirs})
    assert first.status_code == 302, first.content.decode()[:2000]
    assert saved(edit, world) == edit.theirs

    stale = client.post(edit.url(world), loaded | {edit.field: edit.mine})
    body = stale.content.decode()
    assert stale.status_code == 409
    assert "Someone else saved this record while you were editing it" in body
    assert f'value="{edit.mine}"' in body or f"{edit.mine}</textarea>" in body  # what was typed stays
    assert re.search(rf"Now saved:</strong> {re.escape(edit.theirs)}\b", body)  # and what is saved
    assert hidden_version(body) == loaded["version"] + 1
    assert saved(edit, world) == edit.theirs  # nothing was overwritten

    again = client.post(edit.url(world), loaded | {edit.field: edit.mine, "version": hidden_version(body)})
    assert again.status_code == 302
    assert saved(edit, world) == edit.mine


def test_the_conflict_says_who_changed_which_field_and_marks_only_the_fields_that_differ(
    world: Any, as_user: Any
) -> None:
    fields = EDITS["action item"].fields
    loaded = form_data(world.item, fields)
    sam, carol = as_user(world.sam), as_user(world.carol)
    with time_machine.travel(datetime.combine(DEMO_DAY, time(9), tzinfo=UTC), tick=False):
        assert (
            sam.post("/r/northwind-telco-a/items/1/edit/", loaded | {"priority": "high"}).status_code == 302
        )

    stale = carol.post(
        "/r/northwind-telco-a/items/1/edit/", loaded | {"title": "Carol's title", "priority": "low"}
    )
    body = stale.content.decode()
    assert stale.status_code == 409
    assert "while you were editing it (Sam Patel, 4 Dec 2026 " in body  # who, and when
    # Carol's choices are what the inputs show
    assert 'value="Carol&#x27;s title"' in body
    assert re.search(r'<option value="low" selected>', body)
    # under priority: what Sam saved, by Sam; the title (unchanged by Sam) shows the saved title
    priority = body[body.index('id="id_priority_saved"') :][:400]
    assert "Now saved:</strong> High" in priority and "changed by Sam Patel" in priority
    title = body[body.index('id="id_title_saved"') :][:400]
    assert f"Now saved:</strong> {world.item.title}" in title and "changed by" not in title
    # fields nobody touched carry no note
    assert 'id="id_owner_saved"' not in body and 'id="id_visibility_saved"' not in body
    item = ActionItem.objects.get(pk=world.item.pk)
    assert (item.priority, item.title) == ("high", world.item.title)


def test_a_conflict_note_without_an_audit_trail_still_keeps_the_typed_values(
    world: Any, as_user: Any
) -> None:
    """A record changed behind the services' back (no audit event) still gives the message and values,
    just without who and when."""
    loaded = form_data(world.nw_site, EDITS["site"].fields)
    type(world.nw_site).objects.filter(pk=world.nw_site.pk).update(name="Renamed quietly", version=2)
    stale = as_user(world.sam).post(f"/sites/{world.nw_site.pk}/", loaded | {"name": "Mine"})
    body = stale.content.decode()
    assert stale.status_code == 409 and "editing it. Your entries" in body
    assert 'value="Mine"' in body and "Now saved:</strong> Renamed quietly" in body
    assert "changed by" not in body
