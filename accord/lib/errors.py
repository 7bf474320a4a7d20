"""Errors that services raise and both skins (pages and API) translate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Change:
    """Who saved a record (or one of its fields) last, and when (UTC)."""

    by: str
    at: datetime


class Conflict(Exception):
    """A save from a stale ``version``: someone changed the record first. Carries the current one.

    ``last`` and ``by_field`` say who changed it meanwhile and when, where the audit trail tells
    (filled by ``accord.audit.versioned``); empty when it does not."""

    def __init__(
        self, current: Any, message: str = "Someone else changed this record first; review and retry."
    ):
        super().__init__(message)
        self.current = current
        self.message = message
        self.last: Change | None = None
        self.by_field: dict[str, Change] = {}


def check_version(obj: Any, version: int) -> None:
    if obj.version != version:
        raise Conflict(obj)
