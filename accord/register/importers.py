"""Import of an existing action item register kept in Excel or CSV (kind ``action-items``).

Columns (header row, any order, any case):

=============  ========  ===========================================================================
column         needed    cell
=============  ========  ===========================================================================
title          required  up to 300 characters
owner_side     required  supplier, customer or joint
description    optional  free text; an empty cell clears it on an existing item
owner_email    optional  an active member of the owning side's party (joint: of either party);
                         an empty cell means no owner
due_date       optional  YYYY-MM-DD; an empty cell means no due date
priority       optional  low, medium, high or critical; empty: medium for a new item, unchanged for
                         an existing one
status         optional  open, in_progress, done, verified or cancelled ("in progress" is accepted);
                         empty: open for a new item, unchanged for an existing one
task_force     optional  the NAME of an existing task force of the relationship (an unknown name is
                         an error: task forces are created in Accord, not by an import); empty: none
external_id    optional  the item's ID in the imported register, up to 100 characters, unique in the
                         file. It is the natural key: a row whose external_id already names an item
                         of the relationship UPDATES that item; any other row CREATES one. Rows
                         without an external_id are created again on every import.
=============  ========  ===========================================================================

A column left out of the file leaves that field of existing items as it is. Imported items are
shared with both sides (the import has no private items); an existing private item of the
importer's side keeps its visibility, and must stay owned by that side. External IDs are unique per
number series (``register.numbering``): the other side's private items are never matched, and a row
never learns that one of them has its ID; where the importer's side sees both a shared item and one of
its own private items with the ID, the shared one is updated.

The rules are the register's own (``register.services``): who may own an item, the title, a private
item's owning side, the due-date move counter and the status dates (an item imported or updated as
done gets ``done_at`` = the import time, verified gets ``closed_at`` too, cancelled ``closed_at``;
open statuses clear both: the file has no dates for these). A status other than open or in progress
that an import sets is recorded in the item's timeline as set by the import of this file by the
importing person, since no one verified, finished or cancelled it in Accord. Imports send no
e-mail: the items are existing work, not new assignments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.audit import services as audit
from accord.lib.importing import (
    ImportContext,
    Importer,
    ImportRejected,
    ImportResult,
    RowError,
    Rows,
    register_importer,
)
from accord.lib.tabular import parse_date
from accord.parties.access import RelationshipAccess
from accord.parties.models import Relationship
from accord.register import owners, services
from accord.register.models import (
    CLOSED_STATUSES,
    ActionItem,
    ActionUpdate,
    OwnerSide,
    Priority,
    Series,
    SourceKind,
    Status,
    TaskForce,
    UpdateKind,
    Visibility,
)
from accord.register.services import allocate_numbers
from accord.register.workflow import owning_party_ids

BATCH_SIZE = 1000
LOOKUP_CHUNK = 500
EXTERNAL_ID_MAX = ActionItem._meta.get_field("external_id").max_length or 100
# attribute set by a column → the model field named in timelines and bulk_update
FIELD_NAMES = {
    "title": "title",
    "description": "description",
    "owner_side": "owner_side",
    "owner_id": "owner",
    "due_date": "due_date",
    "priority": "priority",
    "status": "status",
    "task_force_id": "task_force",
}


@dataclass
class ItemRecord:
    """One valid row: the values it sets (by model attribute), and its natural key."""

    row: int
    external_id: str
    values: dict[str, Any]


@dataclass
class _Member:
    user_id: int
    party_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Taken:
    private: bool
    owner_id: int | None
    owner_side: str = ""
    due_date: Any = None


@dataclass(frozen=True)
class _Lookups:
    """What validation looks up once, before reading the rows."""

    members: dict[str, _Member]  # e-mail (lower case) → active member of either party
    parties_of: dict[int, set[int]]  # user id → the parties of ``members``
    task_forces: dict[str, int]  # name (exact, and case-folded) → id
    taken: dict[str, _Taken]  # external_id in use → what the importer may know of its item
    party_names: dict[int, str]
    access: RelationshipAccess


def _word(value: str) -> str:
    return value.strip().lower().replace(" ", "_").replace("-", "_")


def _or_list(words: list[str]) -> str:
    """The column's values as the file writes them: "low, medium, high or critical"."""
    return _("%(values)s or %(last)s") % {"values": ", ".join(words[:-1]), "last": words[-1]}


def _party_names(look: _Lookups, rel: Relationship, side: str) -> str:
    """The owning side's party names: "Acme" or, for a joint item, "Acme or Globex"."""
    names = [look.party_names[p] for p in owning_party_ids(rel, side)]
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(second)s") % {"first": names[0], "second": names[1]}


@register_importer
class ActionItemImporter(Importer):
    kind = "action-items"
    label = "Action item register"
    required = ("title", "owner_side")
    optional = ("description", "owner_email", "due_date", "priority", "status", "task_force", "external_id")

    # --- validation (reads only) -----------------------------------------------------------------

    def validate(self, rows: Rows, context: ImportContext) -> tuple[list[ItemRecord], list[RowError]]:
        rel: Relationship = context.relationship
        # who may own an item: a new owner's e-mail, or the owner an updated item keeps
        members = self._members(rel) if {"owner_email", "external_id"} & set(context.columns) else {}
        look = _Lookups(
            members=members,
            parties_of={m.user_id: m.party_ids for m in members.values()},
            task_forces=self._task_forces(rel) if "task_force" in context.columns else {},
            taken=self._taken_external_ids(context.access) if "external_id" in context.columns else {},
            party_names={rel.supplier_id: rel.supplier.name, rel.customer_id: rel.customer.name},
            access=context.access,
        )
        records: list[ItemRecord] = []
        errors: list[RowError] = []
        first_row_of: dict[str, int] = {}
        for number, row in rows:
            values, found = self._check_row(rel, number, row, look, first_row_of)
            if found:
                errors.extend(found)
            else:
                records.append(ItemRecord(number, values.pop("external_id"), values))
        return records, errors

    @staticmethod
    def _check_row(
        rel: Relationship, number: int, row: dict[str, str], look: _Lookups, first_row_of: dict[str, int]
    ) -> tuple[dict[str, Any], list[RowError]]:
        """The values one row sets (by model attribute), or its errors: every one, not the first."""
        found: list[RowError] = []

        def bad(column: str, value: str, reason: str) -> None:
            found.append(RowError(number, column, value, reason))

        values: dict[str, Any] = {}
        raw = row.get("title", "")
        title = raw.strip()
        problem = services.title_problem(title)
        if problem:
            bad("title", raw, problem)
        else:
            values["title"] = title

        if "description" in row:
            values["description"] = row["description"].strip()

        raw = row.get("owner_side", "")
        side: str | None = raw.strip().lower()
        if side in OwnerSide.values:
            values["owner_side"] = side
        else:
            bad(
                "owner_side",
                raw,
                _("%(value)s is not an owner side (supplier, customer or joint).") % {"value": repr(raw)}
                if side
                else _("The owner side is required (supplier, customer or joint)."),
            )
            side = None

        if "owner_email" in row:
            raw = row["owner_email"]
            email = raw.strip().lower()
            if not email:
                values["owner_id"] = None
            elif side is not None:  # without a valid side, the owner cannot be judged
                member = look.members.get(email)
                if member is None or not services.may_own(member.party_ids, rel, side):
                    bad(
                        "owner_email",
                        raw,
                        _("%(email)s is not an active member of %(parties)s.")
                        % {"email": repr(raw.strip()), "parties": _party_names(look, rel, side)},
                    )
                else:
                    values["owner_id"] = member.user_id

        if "due_date" in row:
            raw = row["due_date"]
            try:
                values["due_date"] = parse_date(raw) if raw.strip() else None
            except ValueError:
                bad("due_date", raw, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": repr(raw)})

        for column, choices, reason in (
            ("priority", Priority, _("%(value)s is not a priority (%(choices)s).")),
            ("status", Status, _("%(value)s is not a status (%(choices)s).")),
        ):
            raw = row.get(column, "")
            if not raw.strip():
                continue  # the default for a new item, unchanged for an existing one
            if _word(raw) in choices.values:
                values[column] = _word(raw)
            else:
                bad(column, raw, reason % {"value": repr(raw), "choices": _or_list(choices.values)})

        if "task_force" in row:
            raw = row["task_force"]
            name = raw.strip()
            task_force_id = look.task_forces.get(name, look.task_forces.get(name.casefold()))
            if not name:
                values["task_force_id"] = None
            elif task_force_id is None:
                bad(
                    "task_force",
                    raw,
                    _("There is no task force named %(name)s in this relationship.") % {"name": repr(name)},
                )
            else:
                values["task_force_id"] = task_force_id

        raw = row.get("external_id", "")
        external_id = values["external_id"] = raw.strip()
        taken = look.taken.get(external_id)
        if len(external_id) > EXTERNAL_ID_MAX:
            bad(
                "external_id",
                raw,
                _("The external ID is longer than %(max)s characters.") % {"max": EXTERNAL_ID_MAX},
            )
        elif external_id in first_row_of:
            bad(
                "external_id",
                raw,
                _("The external ID %(id)s appears twice: row %(row)s has it already.")
                % {"id": repr(external_id), "row": first_row_of[external_id]},
            )
        elif external_id:
            first_row_of[external_id] = number
            if (
                taken is not None
                and taken.private
                and side is not None
                and not services.private_owner_ok(side, look.access)
            ):
                bad(
                    "owner_side",
                    row.get("owner_side", ""),
                    _("Item %(id)s is private to your side, so your side must own it.")
                    % {"id": repr(external_id)},
                )
            elif taken is not None and taken.owner_id and side is not None and "owner_email" not in row:
                # the item keeps its owner, who must still be on the owning side (the service's rule)
                parties = look.parties_of.get(taken.owner_id, set())
                if not services.may_own(parties, rel, side):
                    bad(
                        "owner_side",
                        row.get("owner_side", ""),
                        _(
                            "Item %(id)s keeps its owner, who is not an editor or admin of %(parties)s; "
                            "add an owner_email column to give it a new owner."
                        )
                        % {"id": repr(external_id), "parties": _party_names(look, rel, side)},
                    )
        if taken is not None and not found:
            for column, message in planning_problems(look.access, rel, taken, values, external_id):
                bad(column, row.get(column, ""), message)
        return values, found

    @staticmethod
    def _members(rel: Relationship) -> dict[str, _Member]:
        """e-mail (lower case) → the active member of either party, with their parties."""
        members: dict[str, _Member] = {}
        rows = owners.owner_memberships(rel).values_list("party_id", "user_id", "user__email")
        for party_id, user_id, email in rows:
            member = members.setdefault(email.lower(), _Member(user_id))
            member.party_ids.add(party_id)
        return members

    @staticmethod
    def _task_forces(rel: Relationship) -> dict[str, int]:
        """Task force name → id; exact names first, then case-folded ones when unambiguous."""
        exact = dict(TaskForce.objects.filter(relationship=rel).values_list("name", "pk"))
        folded: dict[str, int | None] = {}
        for name, pk in exact.items():
            folded[name.casefold()] = None if name.casefold() in folded else pk
        return {**{k: v for k, v in folded.items() if v is not None}, **exact}

    @staticmethod
    def _taken_external_ids(access: RelationshipAccess) -> dict[str, _Taken]:
        """external_id → whether the item that has it is private, its owner, owner side and due date: of
        the items the importer's side sees, the shared one first (``_visible_by_external_id``). The other
        side's private items are not looked at: their external IDs are their own (unique per series)."""
        rows = _visible_by_external_id(access).values_list(
            "external_id", "visibility", "owner_id", "owner_side", "due_date"
        )
        return {
            external_id: _Taken(visibility == Visibility.PRIVATE, owner_id, owner_side, due_date)
            for external_id, visibility, owner_id, owner_side, due_date in rows
        }

    # --- apply (inside run_import's transaction) -------------------------------------------------

    def apply(self, records: list[ItemRecord], context: ImportContext) -> ImportResult:
        rel: Relationship = context.relationship
        user = context.user
        now = timezone.now()
        existing = self._lock_existing(context.access, [r.external_id for r in records if r.external_id])
        # who plans an item is judged again under the row locks: its side may have changed meanwhile
        refused = [
            RowError(record.row, column, str(record.values.get(PLANNING_COLUMNS[column]) or ""), message)
            for record in records
            if record.external_id in existing
            for column, message in planning_problems(
                context.access, rel, existing[record.external_id], record.values, record.external_id
            )
        ]
        if refused:
            raise ImportRejected(refused)

        labels = self._labels(records)
        changed: list[ActionItem] = []
        timeline: list[ActionUpdate] = []
        fields: set[str] = set()
        unchanged = 0
        new_records: list[ItemRecord] = []
        for record in records:
            item = existing.get(record.external_id) if record.external_id else None
            if item is None:
                new_records.append(record)
                continue
            changes, status_before = self._change(item, record.values, labels, fields, now)
            if not changes and status_before is None:
                unchanged += 1
                continue
            item.version += 1
            item.updated_at = now
            changed.append(item)
            if changes:
                timeline.append(
                    ActionUpdate(item=item, actor=user, kind=UpdateKind.CHANGE, at=now, changes=changes)
                )
            if status_before is not None:
                timeline.append(self._status_update(item, status_before, context, now))
        if changed:
            ActionItem.objects.bulk_update(
                changed, sorted({*fields, "version", "updated_at"}), batch_size=BATCH_SIZE
            )

        created = self._create(rel, new_records, context, now)
        for item in created:
            timeline.append(ActionUpdate(item=item, actor=user, kind=UpdateKind.CREATED, at=now))
            if item.status in CLOSED_STATUSES:
                timeline.append(self._status_update(item, Status.OPEN, context, now))
        ActionUpdate.objects.bulk_create(timeline, batch_size=BATCH_SIZE)

        if created or changed:
            audit.record(
                actor=user,
                verb="action_items.imported",
                obj=rel,
                relationship=rel,
                changes={"created": [None, len(created)], "updated": [None, len(changed)]},
                label=f"Imported from {context.filename}",
            )
        return ImportResult(created=len(created), updated=len(changed), unchanged=unchanged)

    @staticmethod
    def _lock_existing(access: RelationshipAccess, external_ids: list[str]) -> dict[str, ActionItem]:
        """The items the importer's side sees that the file names by external_id, locked (the shared one
        first, as ``_taken_external_ids``); one query when the file names none."""
        wanted = set(external_ids)
        present = [
            external_id
            for external_id in _visible_by_external_id(access).values_list("external_id", flat=True)
            if external_id in wanted
        ]
        found: dict[str, ActionItem] = {}
        for chunk in _chunks(sorted(set(present))):
            query = (
                _visible_by_external_id(access)
                .select_for_update(of=("self",))
                .filter(external_id__in=chunk)
                .select_related("owner", "task_force")
            )
            found.update((item.external_id, item) for item in query)
        return found

    @staticmethod
    def _labels(records: list[ItemRecord]) -> dict[tuple[str, int], str]:
        """Readable names of the owners and task forces the file sets, for the timelines."""
        from accord.accounts.models import User

        owner_ids = {r.values["owner_id"] for r in records if r.values.get("owner_id")}
        task_force_ids = {r.values["task_force_id"] for r in records if r.values.get("task_force_id")}
        labels: dict[tuple[str, int], str] = {}
        if owner_ids:
            for user in User.objects.filter(pk__in=owner_ids):
                labels["owner_id", user.pk] = str(user)
        if task_force_ids:
            for task_force in TaskForce.objects.filter(pk__in=task_force_ids):
                labels["task_force_id", task_force.pk] = str(task_force)
        return labels

    @staticmethod
    def _status_update(item: ActionItem, before: str, context: ImportContext, now: Any) -> ActionUpdate:
        return services.imported_status_update(
            item, before=before, actor=context.user, filename=context.filename, at=now
        )

    @staticmethod
    def _change(
        item: ActionItem,
        values: dict[str, Any],
        labels: dict[tuple[str, int], str],
        fields: set[str],
        now: Any,
    ) -> tuple[dict[str, list[Any]], str | None]:
        """Set the values that differ on ``item``: the changes as ``{"field": [old, new]}`` text for
        its timeline, and the status it had when the file sets a final one (None otherwise), which
        the timeline records on its own."""
        changes: dict[str, list[Any]] = {}
        final_from: str | None = None
        for attname, new in values.items():
            old = getattr(item, attname)
            if old == new:
                continue
            if attname == "status":
                services.set_status(item, new, now)
                fields.update(("status", "done_at", "closed_at", "resolution"))
                if new in CLOSED_STATUSES:
                    final_from = old  # recorded as a status change of its own
                    continue
                shown = [old, new]
            else:
                if attname == "owner_id":
                    shown = [str(item.owner) if item.owner else None, labels.get((attname, new))]
                elif attname == "task_force_id":
                    shown = [str(item.task_force) if item.task_force else None, labels.get((attname, new))]
                else:
                    shown = [old, new]
                setattr(item, attname, new)
                fields.add(FIELD_NAMES[attname])
            changes[FIELD_NAMES[attname]] = [None if v is None else str(v) for v in shown]
        if "due_date" in changes:
            services.note_due_move(item, changes["due_date"][0])
            fields.add("due_moves")
        return changes, final_from

    @staticmethod
    def _create(
        rel: Relationship, records: list[ItemRecord], context: ImportContext, now: Any
    ) -> list[ActionItem]:
        if not records:
            return []
        label = f"Imported from {context.filename}"[:300]
        items = []
        for record, number in zip(records, allocate_numbers(rel, len(records)), strict=True):
            item = ActionItem(
                relationship=rel,
                number=number,
                requested_by=context.user,
                visibility=Visibility.SHARED,
                source_kind=SourceKind.IMPORT,
                source_label=label,
                external_id=record.external_id,
                created_at=now,
                updated_at=now,
                **{k: v for k, v in record.values.items() if k != "status"},
            )
            services.set_status(item, record.values.get("status", Status.OPEN), now)
            items.append(item)
        ActionItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        if any(item.pk is None for item in items):  # a database that does not return new ids
            ids = _ids_by_number(rel, [item.number for item in items])
            for item in items:
                item.pk = ids[item.number]
        return items


def _visible_by_external_id(access: RelationshipAccess) -> QuerySet[ActionItem]:
    """The items with an external ID that the importer's side sees (``visible_to``), its own private
    ones before the shared ones, so that where both have an ID the shared one is kept (last wins)."""
    return ActionItem.objects.visible_to(access).exclude(external_id="").order_by("-series", "number")


PLANNING_COLUMNS = {"owner_side": "owner_side", "owner_email": "owner_id", "due_date": "due_date"}


def planning_problems(
    access: RelationshipAccess, rel: Relationship, current: Any, values: dict[str, Any], external_id: str
) -> list[tuple[str, str]]:
    """(column, reason) for each planning value (owner side, owner, due date) that a row would change
    on an existing item whose owning side is not the importer's (``workflow.plans``)."""
    if services.may_plan(access, rel, current.owner_side):
        return []
    return [
        (
            column,
            _(
                "Item %(id)s is planned by the side that owns it; "
                "propose a new owner or due date on the item's page instead."
            )
            % {"id": repr(external_id)},
        )
        for column, attname in PLANNING_COLUMNS.items()
        if attname in values and values[attname] != getattr(current, attname)
    ]


def _ids_by_number(rel: Relationship, numbers: list[int]) -> dict[int, int]:
    ids: dict[int, int] = {}
    shared = ActionItem.objects.filter(relationship=rel, series=Series.SHARED)
    for chunk in _chunks(numbers):
        ids.update(shared.filter(number__in=chunk).values_list("number", "pk"))
    return ids


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]
