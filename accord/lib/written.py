"""Announcements of written operational data, to the apps that keep something derived from it.

``accord.operations`` imports rows; ``accord.measurements`` (a layer above) keeps monthly facts
counted from them. Operations may not import measurements (architecture.md, "Layers"), so it
announces here what it writes, and measurements listens (it registers from its ``apps.py``):

* ``watch(Written(...))`` before an import writes: the watcher it returns hears every row the import
  is about to write (``add``: the old and the new version of a changed row, each new row), or the
  new rows of a file read at once as a table (``add_columns``), while the import prepares its writing
  outside its transaction, then ``done()`` once all is written, inside the import's transaction (if
  the import has to prepare again, it watches anew and the first watcher is dropped). One call per
  row and no more: ``add`` is the listener's own bound method.
* ``replaced(relationship)`` when a relationship's data changed in a way no list of rows tells (a
  product moved to another category; rows loaded in bulk outside an import): listeners recompute
  all they derive from it.

Both carry ``dry_run``: a dry run is rolled back, so a listener may skip the work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Written:
    """What an import is about to write: ``kind`` (the import kind) of ``relationship``; each row's
    values come in the order of ``fields`` (the model's attribute names)."""

    kind: str
    relationship: Any
    fields: tuple[str, ...]
    dry_run: bool = False


class Watcher(Protocol):
    def add(self, values: Sequence[Any]) -> None:
        """One version of a written row (old or new), its values in ``Written.fields`` order."""

    def add_columns(self, table: pa.Table) -> None:
        """New rows as columns named by ``Written.fields``."""

    def done(self) -> None:
        """Everything is written (still inside the import's transaction)."""


class _Nobody:
    """The watcher when nobody listens to a kind."""

    def add(self, values: Sequence[Any]) -> None:
        pass

    def add_columns(self, table: pa.Table) -> None:
        pass

    def done(self) -> None:
        pass


@dataclass(frozen=True)
class _All:
    watchers: tuple[Watcher, ...]

    def add(self, values: Sequence[Any]) -> None:
        for watcher in self.watchers:
            watcher.add(values)

    def add_columns(self, table: pa.Table) -> None:
        for watcher in self.watchers:
            watcher.add_columns(table)

    def done(self) -> None:
        for watcher in self.watchers:
            watcher.done()


WatcherFactory = Callable[[Written], "Watcher | None"]
ReplacedListener = Callable[..., None]  # (relationship, *, dry_run: bool, today: date | None)

_WATCHERS: list[WatcherFactory] = []
_REPLACED: list[ReplacedListener] = []


def on_write(factory: WatcherFactory) -> WatcherFactory:
    """Register ``factory(written)``: a ``Watcher`` for that import, or None when it is not
    interested. Registering the same function again changes nothing."""
    if factory not in _WATCHERS:
        _WATCHERS.append(factory)
    return factory


def on_replaced(listener: ReplacedListener) -> ReplacedListener:
    """Register ``listener(relationship, *, dry_run, today)`` for ``replaced``."""
    if listener not in _REPLACED:
        _REPLACED.append(listener)
    return listener


def watch(written: Written) -> Watcher:
    """The watcher of an import that is about to write (it does nothing when nobody listens)."""
    found = [w for w in (factory(written) for factory in _WATCHERS) if w is not None]
    if not found:
        return _Nobody()
    return found[0] if len(found) == 1 else _All(tuple(found))


def replaced(relationship: Any, *, dry_run: bool = False, today: date | None = None) -> None:
    """Tell the listeners that ``relationship``'s data changed as a whole (``today``: the day to
    count as today, the current day when None)."""
    for listener in _REPLACED:
        listener(relationship, dry_run=dry_run, today=today)
