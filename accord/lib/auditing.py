"""What of the audit trail a viewer may read: the events of a record follow that record's visibility.

A capability whose records a side may keep private registers, for their ``object_type``
(``app_label.model``), which of them the viewer may not see (``hidden``: their ids, as a query built on
the model's own ``visible_to``) and, if its events name other records in their changes (related items,
say), how to strike the names the viewer may not see (``redact``). The audit trail pages apply every
rule; the rule itself lives once, with the records, in the app's ``overview.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from accord.lib.capabilities import discover


@dataclass(frozen=True)
class Rule:
    hidden: Callable[[Any], QuerySet[Any]]  # access → the ids (text) of records the viewer may not see
    redact: Callable[[Any, Sequence[Any]], None] | None = None  # (access, events) → strike hidden names


_RULES: dict[str, Rule] = {}


def rule(
    object_type: str,
    *,
    hidden: Callable[[Any], QuerySet[Any]],
    redact: Callable[[Any, Sequence[Any]], None] | None = None,
) -> None:
    _RULES[object_type] = Rule(hidden, redact)


def visible_events(events: QuerySet[Any], access: Any) -> QuerySet[Any]:
    """``events`` without those of records the viewer may not see."""
    discover("overview")
    for object_type, found in _RULES.items():
        events = events.exclude(object_type=object_type, object_id__in=found.hidden(access))
    return events


def redact(events: Sequence[Any], access: Any) -> None:
    """Strike from the events' changes the names of records the viewer may not see (in place)."""
    discover("overview")
    for object_type, found in _RULES.items():
        mine = [e for e in events if e.object_type == object_type]
        if mine and found.redact is not None:
            found.redact(access, mine)
