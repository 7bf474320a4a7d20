"""The kinds of e-mail that apps send and that each person may turn off on their profile page.

An app registers its kinds from its ``overview.py``; the profile page offers one checkbox per kind, in
order, and ``accord.accounts.preferences`` keeps who turned which off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from accord.lib.capabilities import discover

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Kind:
    order: int
    value: str
    label: str | _StrPromise


_KINDS: dict[str, Kind] = {}


def kind(order: int, value: str, label: str | _StrPromise) -> None:
    _KINDS[value] = Kind(order, value, label)


def kinds() -> list[Kind]:
    discover("overview")
    return sorted(_KINDS.values(), key=lambda k: k.order)
