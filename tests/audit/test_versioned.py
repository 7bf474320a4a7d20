"""``versioned_update``: the one way every service changes a versioned record."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from accord.audit.models import AuditEvent
from accord.audit.versioned import versioned_update
from accord.lib.errors import Conflict
from accord.parties.models import Site


def update(site: Site, actor: Any, version: int, **kw: Any) -> Any:
    with transaction.atomic():
        return versioned_update(
            site,
            version=version,
            fields=["name", "address"],
            values=kw.pop("values", {}),
            actor=actor,
            verb="site.updated",
            party=site.party,
            **kw,
        )


def test_a_change_bumps_the_version_and_writes_one_audit_event(world: Any) -> None:
    site = world.ta_site
    updated = update(site, world.carol, site.version, values={"address": "Arnulfstr. 1"})
    assert updated.changes == {"address": ["", "Arnulfstr. 1"]}
    assert updated.obj.version == site.version + 1
    site.refresh_from_db()
    assert (site.address, site.version) == ("Arnulfstr. 1", updated.obj.version)
    event = AuditEvent.objects.filter(verb="site.updated").get()
    assert (event.actor, event.party, event.changes) == (world.carol, world.telco_a, updated.changes)


def test_a_stale_version_is_refused_with_the_current_record(world: Any) -> None:
    site = world.ta_site
    update(site, world.carol, site.version, values={"name": "Munich core 2"})
    with pytest.raises(Conflict) as conflict:
        update(site, world.carol, site.version, values={"name": "Lost"})
    assert conflict.value.current.name == "Munich core 2"
    assert Site.objects.get(pk=site.pk).name == "Munich core 2"


def test_nothing_changed_writes_nothing(world: Any) -> None:
    site = world.ta_site
    before_save = []
    updated = update(
        site,
        world.carol,
        site.version,
        values={"name": site.name},
        before_save=lambda obj, changes: before_save.append(changes),
    )
    assert updated.changes == {} and updated.obj.version == site.version and before_save == []
    assert not AuditEvent.objects.filter(verb="site.updated").exists()


def test_rules_and_unknown_fields_are_refused_before_anything_is_written(world: Any) -> None:
    site = world.ta_site

    def no_lab(obj: Site) -> None:
        if "lab" in obj.name:
            raise ValidationError({"name": "No labs."})

    with pytest.raises(ValidationError):
        update(site, world.carol, site.version, values={"name": "Berlin lab"}, validate=no_lab)
    with pytest.raises(ValidationError):  # full_clean
        update(site, world.carol, site.version, values={"name": ""})
    with pytest.raises(ValueError, match="kind cannot be changed here"):
        update(site, world.carol, site.version, values={"kind": "organization"})
    assert Site.objects.get(pk=site.pk).version == site.version
    assert not AuditEvent.objects.filter(verb="site.updated").exists()


def test_more_changes_count_as_a_change_and_before_save_sees_them(world: Any) -> None:
    site = world.ta_site
    seen: list[dict[str, Any]] = []
    updated = update(
        site,
        world.carol,
        site.version,
        more_changes=lambda obj: {"racks": [1, 2]},
        before_save=lambda obj, changes: seen.append(dict(changes)),
    )
    assert updated.changes == seen[0] == {"racks": [1, 2]}
    assert updated.obj.version == site.version + 1
