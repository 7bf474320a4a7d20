"""Announcements that a relationship's measurement facts changed, to the apps that judge them.

``accord.measurements`` keeps the monthly facts; ``accord.expectations`` (a layer above) assesses agreed
targets against them. Measurements may not import expectations (architecture.md, "Layers"), so it
announces here, inside the transaction that writes the facts, and expectations listens (it registers
from its ``AppConfig.ready()``). A listener that acts on the new facts defers its work to the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[Any], None]  # (relationship)

_LISTENERS: list[Listener] = []


def on_changed(listener: Listener) -> Listener:
    """Register ``listener(relationship)``; registering the same function again changes nothing."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def changed(relationship: Any) -> None:
    """``relationship``'s facts change in the current transaction."""
    for listener in _LISTENERS:
        listener(relationship)
