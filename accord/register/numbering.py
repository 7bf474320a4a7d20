"""Item numbers: one series for shared items and one for each side's private items.

A shared item is numbered in the relationship's series (TLA-0007); a supplier's private item in the
supplier's series (TLA-S0004) and a customer's private item in the customer's (TLA-C0002). So the
shared series, the only one the other side reads, has no gap where a private item sits, and no
number of one side's series tells the other side anything.

When an item's visibility changes it takes the next number of its new series, and its old key stays
an ``ItemAlias``: addresses, API calls, searches and related-item lists by the old key still find it,
but only for a viewer who may see the item now AND could read the old key when it was in use (an
old private key never resolves for the other side). Numbers are never reused, in any series.

Keys are read leniently (``parse_key``): ``TLA-S0004``, ``S0004``, ``s4``, ``7``, ``0007``, ``TLA-7``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from accord.parties.access import RelationshipAccess
from accord.parties.models import Relationship
from accord.register.models import ActionItem, ActionItemQuerySet, ItemAlias, ItemSequence, Series, Visibility

MAX_NUMBER = 2**31 - 1
SERIES_OF_SIDE = {"supplier": Series.SUPPLIER, "customer": Series.CUSTOMER}
_COUNTER = {
    Series.SHARED: "last_number",
    Series.SUPPLIER: "last_supplier_private",
    Series.CUSTOMER: "last_customer_private",
}
_KEY = re.compile(r"^([SCsc]?)0*([0-9]{1,10})$")


def parse_key(text: object) -> tuple[str, int] | None:
    """``(series, number)`` of a key as people write it (with or without the prefix), or None."""
    tail = str(text).strip().rsplit("-", 1)[-1]
    found = _KEY.match(tail)
    if found is None:
        return None
    number = int(found.group(2))
    if not 1 <= number <= MAX_NUMBER:
        return None
    return found.group(1).upper(), number


def series_for(relationship: Relationship, visibility: str, private_party_id: int | None) -> str:
    """The series of an item of this visibility (private: of the owning party's side)."""
    if visibility != Visibility.PRIVATE:
        return Series.SHARED
    return Series.SUPPLIER if private_party_id == relationship.supplier_id else Series.CUSTOMER


def _party_of(relationship: Relationship, series: str) -> int | None:
    """The party that alone reads keys of ``series`` (None: the shared series, read by both)."""
    if series == Series.SUPPLIER:
        return relationship.supplier_id
    if series == Series.CUSTOMER:
        return relationship.customer_id
    return None


def series_readable(series: str, access: RelationshipAccess) -> bool:
    """Whether the viewer's side may read keys of ``series``."""
    if series == Series.SHARED:
        return True
    return access.party is not None and access.side is not None and SERIES_OF_SIDE[access.side] == series


@transaction.atomic
def allocate(relationship: Relationship, series: str = Series.SHARED, count: int = 1) -> range:
    """``count`` new numbers of ``series``: the relationship's sequence row is locked (SELECT … FOR
    UPDATE on PostgreSQL; SQLite lets one writer at a time) until the transaction ends."""
    field = _COUNTER[Series(series)]
    ItemSequence.objects.get_or_create(relationship=relationship)
    sequence = ItemSequence.objects.select_for_update().get(relationship=relationship)
    first = getattr(sequence, field) + 1
    setattr(sequence, field, first - 1 + count)
    sequence.save(update_fields=[field])
    return range(first, first + count)


def renumber(item: ActionItem) -> bool:
    """Give ``item`` (already set to its new visibility, and locked) a number in its new series if its
    series changed, keeping the old key as an alias; the caller saves the item. True if renumbered."""
    rel = item.relationship
    new_series = series_for(rel, item.visibility, item.private_party_id)
    if new_series == item.series:
        return False
    ItemAlias.objects.create(
        relationship=rel,
        series=item.series,
        number=item.number,
        item=item,
        private_party_id=_party_of(rel, item.series),
    )
    item.series = new_series
    item.number = allocate(rel, new_series)[0]
    return True


def by_key(access: RelationshipAccess, series: str, number: int) -> ActionItemQuerySet:
    """The item ``access`` may see with this key, or whose alias it is (at most one)."""
    aliases = ItemAlias.objects.open_to(access).filter(series=series, number=number)
    return ActionItem.objects.visible_to(access).filter(
        Q(series=series, number=number) | Q(pk__in=aliases.values("item_id"))
    )


def find_keys(access: RelationshipAccess, keys: Iterable[object]) -> tuple[list[ActionItem], list[str]]:
    """The items ``access`` may see named by ``keys`` (current keys or aliases), and the keys that name
    none of them (unreadable, missing, or the other side's)."""
    items: dict[int, ActionItem] = {}
    missing = []
    for text in keys:
        parsed = parse_key(text)
        found = by_key(access, *parsed).first() if parsed else None
        if found is None:
            missing.append(str(text).strip())
        else:
            items[found.pk] = found
    return list(items.values()), missing


def key_condition(access: RelationshipAccess, text: str) -> Q | None:
    """A search by key: the item with this key, or whose (readable) alias it is; None if ``text`` is
    no key."""
    parsed = parse_key(text)
    if parsed is None:
        return None
    series, number = parsed
    aliases = ItemAlias.objects.open_to(access).filter(series=series, number=number)
    return Q(series=series, number=number) | Q(pk__in=aliases.values("item_id"))


def sorted_keys(keys: Iterable[str]) -> list[str]:
    """Keys in reading order: the shared series, then the private ones, each by number."""

    def order(key: str) -> tuple[str, int]:
        parsed = parse_key(key)
        return parsed if parsed else ("~", 0)

    return sorted(keys, key=order)
