"""The one way to change a versioned record: lock, check the version, set, clean, diff, bump, save, audit.

Call it inside the service's transaction. A save from a stale version raises ``Conflict`` (HTTP 409 /
a form error), never silently overwrites; a save that changes nothing writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from accord.audit import services as audit
from accord.audit.models import AuditEvent
from accord.lib.errors import Change, Conflict, check_version

M = TypeVar("M", bound=models.Model)
Changes = dict[str, list[Any]]


@dataclass(frozen=True)
class Updated(Generic[M]):
    obj: M  # the locked, saved record
    changes: Changes  # {"field": [old, new]}; empty when nothing changed (and nothing was written)


def versioned_update(
    obj: M,
    *,
    version: int,
    fields: Sequence[str],
    values: Mapping[str, Any],
    actor: Any,
    verb: str,
    relationship: Any = None,
    party: Any = None,
    label: str | None = None,
    queryset: models.QuerySet[M] | None = None,
    validate: Callable[[M], None] | None = None,
    clean_exclude: Sequence[str] | None = None,
    more_changes: Callable[[M], Changes] | None = None,
    before_save: Callable[[M, Changes], None] | None = None,
) -> Updated[M]:
    """Change ``values`` (names out of ``fields``) of ``obj`` when it is still at ``version``.

    - ``queryset``: where to find and lock the row (default: the model's manager), e.g. with
      ``select_related``; the row is read again under ``select_for_update``.
    - ``validate(obj)``: the service's own rules, after the values are set and before ``full_clean``
      (``clean_exclude`` passes on to ``full_clean``).
    - ``more_changes(obj)``: changes that ``fields`` do not show (many-to-many members, say), made
      and reported by the caller after the diff.
    - ``before_save(obj, changes)``: runs only when something changed, before the version goes up
      and the row is saved (counters, timestamps).

    Writes one audit event (``verb``, with ``relationship``/``party`` and ``label``) when anything
    changed. Raises ``ValueError`` for a name not in ``fields``.
    """
    source = queryset if queryset is not None else type(obj)._default_manager.all()
    locked = source.select_for_update().get(pk=obj.pk)
    try:
        check_version(locked, version)
    except Conflict as exc:
        explain(exc, locked, version)
        raise
    before = audit.snapshot(locked, fields)
    for name, value in values.items():
        if name not in fields:
            raise ValueError(f"{name} cannot be changed here")
        setattr(locked, name, value)
    if validate is not None:
        validate(locked)
    locked.full_clean(exclude=list(clean_exclude) if clean_exclude is not None else None)
    changes = audit.changes_between(before, audit.snapshot(locked, fields))
    if more_changes is not None:
        changes.update(more_changes(locked))
    if not changes:
        return Updated(locked, {})
    if before_save is not None:
        before_save(locked, changes)
    current: Any = locked
    current.version += 1
    locked.save()
    audit.record(
        actor=actor,
        verb=verb,
        obj=locked,
        relationship=relationship,
        party=party,
        changes=changes,
        label=label,
    )
    return Updated(locked, changes)


def explain(conflict: Conflict, current: models.Model, stale_version: int) -> None:
    """Tell ``conflict`` who changed ``current`` since ``stale_version`` and when, from the audit trail:
    the latest change overall and, per field, the latest change of that field. Only the record's
    events after its creation count, and no more of them than versions were missed."""
    missed = max(1, min(getattr(current, "version", 1) - stale_version, 20))
    trail = AuditEvent.objects.filter(object_type=current._meta.label_lower, object_id=str(current.pk))
    created = trail.order_by("pk").values_list("pk", flat=True).first()  # before any form loaded it
    events = trail.exclude(changes={}).exclude(pk__in=[created] if created else []).order_by("-pk")
    events = events.select_related("actor")
    for event in events[:missed]:
        change = Change(by=str(event.actor) if event.actor else event.actor_label, at=event.at)
        if conflict.last is None:
            conflict.last = change
        for name in event.changes:
            conflict.by_field.setdefault(name, change)
