"""A register row's parts, worked out once per page rather than once per row by the template.

A page of 50 rows looked up the item's and the quick edit's addresses five times a row and drew the
owner list (every editor and admin of both sides) option by option for each open item; here the
addresses are made from one lookup each, and each person's option is written once per page.
``register/_row.html`` draws a ``Row``; the register page and the quick edit (which answers one row)
both make theirs here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Field
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accord.accounts.models import User
from accord.parties.access import RelationshipAccess, accesses_for
from accord.register import workflow
from accord.register.models import ActionItem
from accord.register.owners import owner_memberships

LABELLED = ("status", "priority", "owner_side", "source_kind")


@dataclass(frozen=True)
class Row:
    item: ActionItem
    actions: list[workflow.Action]
    url: str  # the item's page
    quick_url: str  # its quick edits (owner, due date, workflow buttons)
    owner_options: SafeString  # the owner list's options, the item's owner selected
    labels: dict[str, str]  # the item's status, priority, owner side and source, as get_…_display gives them
    plans: bool = False  # the viewer's side plans the item: the owner list and due date are editable


def _field(name: str) -> Field[Any, Any]:
    field = ActionItem._meta.get_field(name)
    assert isinstance(field, Field)
    return field


class _Numbered:
    """The address of ``name`` for one relationship and any item key, from a single ``reverse``."""

    def __init__(self, name: str, slug: str) -> None:
        # the key is the address's last argument: what follows it is the same for every item
        self.head, self.tail = reverse(name, args=[slug, 0]).rsplit("/0/", 1)

    def __call__(self, key: str) -> str:
        return f"{self.head}/{key}/{self.tail}"


class RowMaker:
    def __init__(self, access: RelationshipAccess, people: Iterable[User]) -> None:
        slug = access.relationship.slug
        self.access = access
        self.item_url = _Numbered("register:item", slug)
        self.quick_url = _Numbered("register:quick", slug)
        rel = access.relationship
        names = {rel.supplier_id: rel.supplier.name, rel.customer_id: rel.customer.name}
        sides: dict[int, set[int]] = {}
        for user_id, party_id in owner_memberships(rel).values_list("user_id", "party_id"):
            sides.setdefault(user_id, set()).add(party_id)
        # each possible owner as "Name (Party name)", with the parties they may own items for
        self.people: Sequence[tuple[int, str, set[int]]] = [
            (
                p.pk,
                format_html("{} ({})", p.full_name, ", ".join(sorted(names[i] for i in sides.get(p.pk, ())))),
                sides.get(p.pk, set()),
            )
            for p in people
        ]
        # each choice's label translated once per page (``get_FIELD_display`` hashes every lazy label of
        # the field's choices on each call: a translation each)
        self.choices = {
            field: {value: str(label) for value, label in _field(field).flatchoices} for field in LABELLED
        }

    def owner_options(self, owner_id: int | None, parties: Iterable[int] = ()) -> SafeString:
        """``<option>`` of each person (a value of ``people``) who may own an item of the owning
        ``parties``, the owner's selected."""
        owning = set(parties)
        return mark_safe(  # noqa: S308 (names escaped by format_html above)
            "".join(
                f'<option value="{pk}"{" selected" if pk == owner_id else ""}>{name}</option>'
                for pk, name, sides in self.people
                if sides & owning
            )
        )

    def label(self, field: str, value: str) -> str:
        return self.choices[field].get(value, value)

    def row(self, item: ActionItem) -> Row:
        plans = workflow.plans(self.access, item)
        shows_owner_list = plans and item.is_open  # as _row.html decides
        owning = workflow.owning_party_ids(item.relationship, item.owner_side)
        return Row(
            item=item,
            actions=workflow.allowed(self.access, item),
            url=self.item_url(item.key),
            quick_url=self.quick_url(item.key),
            owner_options=self.owner_options(item.owner_id, owning) if shows_owner_list else SafeString(""),
            labels={field: self.label(field, getattr(item, field)) for field in LABELLED},
            plans=plans,
        )


def rows(access: RelationshipAccess, items: Iterable[ActionItem], people: Iterable[User]) -> list[Row]:
    maker = RowMaker(access, people)
    return [maker.row(item) for item in items]


@dataclass(frozen=True)
class OwnRow:
    """A row of "My action items": the item and the next step the viewer may take on it, if any."""

    item: ActionItem
    next_action: workflow.Action | None


def next_action(access: RelationshipAccess | None, item: ActionItem) -> workflow.Action | None:
    """The first step forward (an action a register row offers as a button: start, done, verify) the
    workflow table lets this viewer take on the item now, or None."""
    if access is None:
        return None
    return next((a for a in workflow.allowed(access, item) if a.row_button), None)


def own_rows(user: User, items: Iterable[ActionItem]) -> list[OwnRow]:
    """Rows for items of any relationships (``item.relationship`` loaded), one access lookup in all."""
    items = list(items)
    relationships = {item.relationship_id: item.relationship for item in items}
    accesses = {a.relationship.pk: a for a in accesses_for(user, relationships.values())}
    return [OwnRow(item, next_action(accesses.get(item.relationship_id), item)) for item in items]
