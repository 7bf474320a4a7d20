"""The demo's files: a log Telco A attached to a shared item, a note Northwind keeps on a private one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accord.attachments.models import Attachment
from accord.lib.demo import DemoContext
from accord.parties.access import access_from
from accord.register.models import ActionItem
from tests.conftest import DEMO_DAY, demo_built_for


@pytest.fixture(autouse=True)
def media() -> None:
    """The demo is built once for the module, its files where the settings keep them (not per test)."""


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY) as ctx:
        yield ctx


def test_the_demo_has_a_shared_log_and_a_private_note_only_northwind_sees(
    demo_world: DemoContext, db: Any
) -> None:
    rel = demo_world.relationships["northwind-telco-a"]
    files = {a.name: a for a in Attachment.objects.filter(relationship=rel)}
    assert set(files) == {"munich-core-alarm-log.log", "internal-rework-estimate.txt"}
    log, note = files["munich-core-alarm-log.log"], files["internal-rework-estimate.txt"]
    assert log.content_type == "text/plain" and log.file.read().startswith(b"2026-11-03 02:14:07")
    assert log.uploaded_at.date() < DEMO_DAY
    private = ActionItem.objects.get(pk=note.parent_id)
    assert private.visibility == "private" and private.private_party == demo_world.parties["northwind"]
    carol = access_from(demo_world.people["carol"], rel)
    sam = access_from(demo_world.people["sam"], rel)
    assert set(Attachment.objects.visible_to(carol)) == {log}
    assert set(Attachment.objects.visible_to(sam)) == {log, note}
