"""Announcements that a relationship's measurement facts changed, to the apps that judge them.

``accord.measurements`` keeps the monthly facts; ``accord.expectations`` (a layer above) assesses agreed
targets against them. Measurements may not import expectations (architecture.md, "Layers"), so it
announces here, inside the transaction that writes the facts, and expectations listens (it registers
from its ``AppConfig.ready()``). A listener that acts on the new facts defers its work to the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[..., None]  # (relationship, *, since)

_LISTENERS: list[Listener] = []


def on_changed(listener: Listener) -> Listener:
    """Register ``listener(relationship, *, since)``; registering it again changes nothing."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def changed(relationship: Any, *, since: str | None = None) -> None:
    """``relationship``'s facts of month ``since`` (``YYYY-MM``) and later change in the current
    transaction (None: of any month). A measure's value in a month depends on the facts of that month
    and earlier ones only (its windows look back), so no value before ``since`` changes."""
    for listener in _LISTENERS:
        listener(relationship, since=since)
