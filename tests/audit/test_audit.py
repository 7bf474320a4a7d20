from typing import Any

import pytest

from accord.audit import services as audit
from accord.audit.models import AuditEvent


def test_events_cannot_be_changed_or_deleted(world: Any) -> None:
    event = audit.record(actor=world.ada, verb="test.done", obj=world.nw_ta, relationship=world.nw_ta)
    event.verb = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.done"


def test_an_event_keeps_who_what_and_the_changes(world: Any) -> None:
    event = audit.record(
        actor=world.ada,
        verb="site.updated",
        obj=world.ta_site,
        party=world.telco_a,
        changes=audit.changes_between({"name": "a", "n": 1}, {"name": "b", "n": 1}),
    )
    assert (event.actor_label, event.object_type, event.object_id) == (
        "ada@northwind.example",
        "parties.site",
        str(world.ta_site.pk),
    )
    assert event.changes == {"name": ["a", "b"]}


def test_a_failed_service_writes_no_event(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from accord.parties import services

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.update_relationship(
            actor=world.ada, relationship=world.nw_ta, version=1, time_zone="Nowhere/X"
        )
    assert AuditEvent.objects.count() == before


def test_the_admin_cannot_edit_events(world: Any, client: Any) -> None:
    from accord.accounts.models import User

    root = User.objects.create_superuser("root@example.org", "x", full_name="Root")
    client.force_login(root)
    event = audit.record(actor=world.ada, verb="x", obj=world.nw_ta)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
