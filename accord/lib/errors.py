"""Errors that services raise and both skins (pages and API) translate."""

from __future__ import annotations

from typing import Any


class Conflict(Exception):
    """A save from a stale ``version``: someone changed the record first. Carries the current one."""

    def __init__(
        self, current: Any, message: str = "Someone else changed this record first; review and retry."
    ):
        super().__init__(message)
        self.current = current
        self.message = message


def check_version(obj: Any, version: int) -> None:
    if obj.version != version:
        raise Conflict(obj)
