"""The kinds of record that carry attachments, each registered by its own app.

An app whose records may carry files registers a ``ParentKind`` from its ``AppConfig.ready()``:
how to find the record for a person through the app's own door (the same 404 for missing and
foreign), which of a relationship's records a viewer may see (the record's own ``visible_to``, so an
attachment is exactly as visible as its parent), who may add files, and how the record's timeline
hears of a file added or removed. This app never imports the apps above it; they tell it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ParentKind:
    key: str  # in URLs and in Attachment.parent_kind: a-z, digits and dashes
    label: str
    model: type[models.Model]
    # (user, *, slug=None, pk=None, ref, write) → (record, RelationshipAccess); Http404 when not theirs
    find: Callable[..., tuple[Any, Any]]
    # RelationshipAccess → the records of its relationship the viewer may see (a queryset)
    visible: Callable[[Any], models.QuerySet[Any]]
    ref: Callable[[Any], str]  # the record's reference in URLs (an item's key: 7, S4)
    url: Callable[[Any], str]  # the record's page
    describe: Callable[[Any], str] = str  # how the audit trail names the record
    may_add: Callable[[Any, Any], bool] = lambda access, parent: bool(access.can_write)
    # (access, record, attachment, added: bool) → None, inside the transaction: the record's timeline
    changed: Callable[[Any, Any, Any, bool], None] | None = None


_KINDS: dict[str, ParentKind] = {}
_LISTENERS: list[Callable[[ParentKind], None]] = []


def register(kind: ParentKind) -> ParentKind:
    _KINDS[kind.key] = kind
    for listener in _LISTENERS:
        listener(kind)
    return kind


def on_register(listener: Callable[[ParentKind], None]) -> None:
    """Call ``listener`` with every kind, registered already or later (signals.py: delete a record's
    files with it)."""
    _LISTENERS.append(listener)
    for kind in list(_KINDS.values()):
        listener(kind)


def get(key: str) -> ParentKind:
    """The kind, or the one 404 (an unknown kind in a URL is as missing as an unknown record)."""
    found = _KINDS.get(key)
    if found is None:
        raise Http404(_("Not found."))
    return found


def all_kinds() -> list[ParentKind]:
    return list(_KINDS.values())


def key_for_model(model: type[models.Model]) -> str | None:
    return next((k.key for k in _KINDS.values() if k.model is model), None)
