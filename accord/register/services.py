"""Every write to the action item register: items, their workflow, comments and task forces.

The rules of the workflow live here, once, for the pages, the API and the import alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.models import User
from accord.audit import services as audit
from accord.lib.errors import check_version
from accord.parties.access import RelationshipAccess
from accord.parties.models import WRITE_ROLES, Membership, Party, Relationship, Side
from accord.register import notifications
from accord.register.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ActionItem,
    ActionUpdate,
    ItemSequence,
    OwnerSide,
    Priority,
    SourceKind,
    Status,
    TaskForce,
    TaskForceStatus,
    UpdateKind,
    Visibility,
)

EDITABLE = ["title", "description", "owner_side", "owner", "task_force", "due_date", "priority", "visibility"]
ACTIONS = ("start", "done", "verify", "reject", "cancel", "reopen")


@transaction.atomic
def allocate_numbers(relationship: Relationship, count: int = 1) -> range:
    """``count`` new item numbers for the relationship; never reused, even when items are removed."""
    ItemSequence.objects.get_or_create(relationship=relationship)
    sequence = ItemSequence.objects.select_for_update().get(relationship=relationship)
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return range(first, first + count)


def owner_memberships(relationship: Relationship) -> QuerySet[Membership]:
    """Who may own an action item: the active editors and admins of either side (viewers cannot move
    items, so they cannot own them)."""
    return Membership.objects.filter(
        party_id__in=[relationship.supplier_id, relationship.customer_id],
        role__in=WRITE_ROLES,
        is_active=True,
        user__is_active=True,
    )


def _party_for_side(relationship: Relationship, side: str) -> list[int]:
    if side == OwnerSide.JOINT:
        return [relationship.supplier_id, relationship.customer_id]
    return [relationship.supplier_id if side == OwnerSide.SUPPLIER else relationship.customer_id]


def _is_member(user: User, party_ids: Iterable[int]) -> bool:
    return Membership.objects.filter(
        user=user, party_id__in=list(party_ids), is_active=True, user__is_active=True
    ).exists()


def _validate(item: ActionItem, access: RelationshipAccess) -> None:
    """Field rules shared by create, update and import; raises field errors."""
    rel = item.relationship
    errors: dict[str, list[str]] = {}
    if not item.title.strip():
        errors.setdefault("title", []).append(_("An action item needs a title."))
    if item.owner_side not in OwnerSide.values:
        errors.setdefault("owner_side", []).append(_("Choose supplier, customer or joint."))
    elif (
        item.owner_id
        and not owner_memberships(rel)
        .filter(user_id=item.owner_id, party_id__in=_party_for_side(rel, item.owner_side))
        .exists()
    ):
        errors.setdefault("owner", []).append(
            _("%(person)s is not an editor or admin of the owning side.") % {"person": item.owner}
        )
    if item.priority not in Priority.values:
        errors.setdefault("priority", []).append(_("Choose low, medium, high or critical."))
    if item.task_force_id and item.task_force.relationship_id != rel.pk:  # type: ignore[union-attr]
        errors.setdefault("task_force", []).append(_("That task force belongs to another relationship."))
    if item.requested_by_id:
        allowed = (
            [access.party.pk]
            if item.visibility == Visibility.PRIVATE and access.party
            else [rel.supplier_id, rel.customer_id]
        )
        if not _is_member(item.requested_by, allowed):  # type: ignore[arg-type]
            errors.setdefault("requested_by", []).append(
                _("The requester must be a member of a side that sees this item.")
            )
    if item.visibility == Visibility.PRIVATE:
        side = access.side
        if item.owner_side != side:
            errors.setdefault("visibility", []).append(
                _("A private item must be owned by your own side, since the other side cannot see it.")
            )
        item.private_party = access.party
    else:
        item.private_party = None
    if errors:
        raise ValidationError(errors)


def _record(item: ActionItem, actor: User | None, kind: str, **fields: Any) -> ActionUpdate:
    return ActionUpdate.objects.create(item=item, actor=actor, kind=kind, **fields)


def _plain_changes(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {k: [None if v is None else str(v) for v in pair] for k, pair in changes.items()}


@transaction.atomic
def create_item(
    *,
    access: RelationshipAccess,
    title: str,
    description: str = "",
    owner_side: str = OwnerSide.SUPPLIER,
    owner: User | None = None,
    task_force: TaskForce | None = None,
    due_date: date | None = None,
    priority: str = Priority.MEDIUM,
    visibility: str = Visibility.SHARED,
    requested_by: User | None = None,
    source_kind: str = SourceKind.MANUAL,
    source_label: str = "",
    source_url: str = "",
    source: Any = None,
    external_id: str = "",
) -> ActionItem:
    """A new item in ``access``'s relationship, numbered next, with its creation in the timeline."""
    _require_writer(access)
    actor = access.user
    item = ActionItem(
        relationship=access.relationship,
        title=title.strip(),
        description=description,
        owner_side=owner_side,
        owner=owner,
        task_force=task_force,
        due_date=due_date,
        priority=priority,
        visibility=visibility,
        requested_by=requested_by or actor,
        source_kind=source_kind,
        source_label=source_label,
        source_url=source_url,
        external_id=external_id.strip(),
    )
    if source is not None:
        item.source = source
    _validate(item, access)
    item.number = allocate_numbers(access.relationship)[0]
    item.full_clean(exclude=["number", "related", "source_type"])
    item.save()
    _record(item, actor, UpdateKind.CREATED)
    audit.record(
        actor=actor,
        verb="action_item.created",
        obj=item,
        relationship=item.relationship,
        label=item.reference,
    )
    if item.owner_id and item.owner_id != actor.pk:
        notifications.on_commit_assigned(item, actor)
    return item


def _require_writer(access: RelationshipAccess) -> None:
    if not access.can_write or access.is_guest:
        raise PermissionDenied(_("Your role may read but not change the register."))


def _locked(item: ActionItem, version: int, access: RelationshipAccess) -> ActionItem:
    fresh = ActionItem.objects.select_for_update().select_related("relationship").get(pk=item.pk)
    if fresh.relationship_id != access.relationship.pk:  # callers use the access door; this is a second net
        raise PermissionDenied(_("This item belongs to another relationship."))
    check_version(fresh, version)
    return fresh


def _save(item: ActionItem, fields: list[str]) -> None:
    item.version += 1
    item.updated_at = timezone.now()
    item.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def update_item(*, access: RelationshipAccess, item: ActionItem, version: int, **values: Any) -> ActionItem:
    """Change fields of an item; every change goes into its timeline (a moved due date is counted)."""
    _require_writer(access)
    item = _locked(item, version, access)
    before = audit.snapshot(item, EDITABLE)
    for name, value in values.items():
        if name not in EDITABLE:
            raise ValueError(f"{name} cannot be changed here")
        setattr(item, name, value.strip() if name == "title" else value)
    _validate(item, access)
    item.full_clean(exclude=["related", "source_type"])
    changes = audit.changes_between(before, audit.snapshot(item, EDITABLE))
    if not changes:
        return item
    fields = [*values, "private_party"]
    if "due_date" in changes and before["due_date"] is not None:
        item.due_moves += 1
        fields.append("due_moves")
    _save(item, fields)
    _record(item, access.user, UpdateKind.CHANGE, changes=_plain_changes(changes))
    audit.record(
        actor=access.user,
        verb="action_item.updated",
        obj=item,
        relationship=item.relationship,
        changes=changes,
        label=item.reference,
    )
    if "owner" in changes and item.owner_id and item.owner_id != access.user.pk:
        notifications.on_commit_assigned(item, access.user)
    return item


def _owning_party_ids(item: ActionItem) -> list[int]:
    return _party_for_side(item.relationship, item.owner_side)


def _may_work(access: RelationshipAccess, item: ActionItem) -> bool:
    """The owner, or a writer of the owning side (either side for joint items)."""
    return item.owner_id == access.user.pk or (
        access.party is not None and access.party.pk in _owning_party_ids(item)
    )


def _may_verify(access: RelationshipAccess, item: ActionItem) -> bool:
    """The requester, or the other side (for joint items: anyone but the owner)."""
    if item.requested_by_id == access.user.pk and item.owner_id != access.user.pk:
        return True
    if item.owner_side == OwnerSide.JOINT:
        return item.owner_id != access.user.pk
    return access.party is not None and access.party.pk not in _owning_party_ids(item)


RULES: dict[str, tuple[tuple[str, ...], str, bool]] = {
    # action: (from statuses, to status, needs a note)
    "start": ((Status.OPEN,), Status.IN_PROGRESS, False),
    "done": ((Status.OPEN, Status.IN_PROGRESS), Status.DONE, True),
    "verify": ((Status.DONE,), Status.VERIFIED, False),
    "reject": ((Status.DONE,), Status.OPEN, True),
    "cancel": ((Status.OPEN, Status.IN_PROGRESS, Status.DONE), Status.CANCELLED, True),
    # A done item goes back with "reject" (not effective); reopen is for closed ones.
    "reopen": ((Status.VERIFIED, Status.CANCELLED), Status.OPEN, True),
}

NOTE_NAMES = {
    "done": _("a resolution note"),
    "reject": _("why the action was not effective"),
    "cancel": _("a reason for cancelling"),
    "reopen": _("a reason for reopening"),
}


def allowed_actions(access: RelationshipAccess, item: ActionItem) -> list[str]:
    """The workflow actions this viewer may take on the item now (for buttons and the API)."""
    if not access.can_write or access.is_guest:
        return []
    out = []
    for action, (sources, _to, _note) in RULES.items():
        if item.status not in sources:
            continue
        if action in ("verify", "reject") and not _may_verify(access, item):
            continue
        if action in ("start", "done") and not _may_work(access, item):
            continue
        if action == "cancel" and not (_may_work(access, item) or item.requested_by_id == access.user.pk):
            continue
        out.append(action)
    return out


@transaction.atomic
def transition(
    *, access: RelationshipAccess, item: ActionItem, version: int, action: str, note: str = ""
) -> ActionItem:
    """Move an item through its workflow: start, done, verify, reject (not effective), cancel, reopen."""
    _require_writer(access)
    if action not in RULES:
        raise ValidationError({"action": _("Unknown action %(action)s.") % {"action": action}})
    item = _locked(item, version, access)
    sources, target, needs_note = RULES[action]
    if item.status not in sources:
        raise ValidationError(
            {
                "action": _("An item that is %(status)s cannot be %(action)s.")
                % {"status": item.get_status_display().lower(), "action": ACTION_PAST[action]}
            }
        )
    if action not in allowed_actions(access, item):
        raise PermissionDenied(PERMISSION_REASONS.get(action, _("You may not do that to this item.")))
    note = note.strip()
    if needs_note and not note:
        raise ValidationError({"note": _("Give %(what)s.") % {"what": NOTE_NAMES[action]}})
    before = item.status
    now = timezone.now()
    item.status = target
    fields = ["status"]
    if action == "done":
        item.resolution, item.done_at = note, now
        fields += ["resolution", "done_at"]
    if target in (Status.VERIFIED, Status.CANCELLED):
        item.closed_at = now
        fields.append("closed_at")
    if target == Status.OPEN:
        # The old resolution stays in the timeline; the item shows none until it is done again.
        item.closed_at = item.done_at = None
        item.resolution = ""
        fields += ["closed_at", "done_at", "resolution"]
    _save(item, fields)
    _record(
        item,
        access.user,
        UpdateKind.STATUS,
        from_status=before,
        to_status=target,
        body=note,
        changes={"action": [None, action]},
    )
    audit.record(
        actor=access.user,
        verb=f"action_item.{action}",
        obj=item,
        relationship=item.relationship,
        changes={"status": [before, target]},
        label=item.reference,
    )
    notifications.on_commit_status(item, access.user, before, action, note)
    return item


ACTION_PAST = {
    "start": _("started"),
    "done": _("marked done"),
    "verify": _("verified"),
    "reject": _("found not effective"),
    "cancel": _("cancelled"),
    "reopen": _("reopened"),
}
PERMISSION_REASONS = {
    "verify": _("The other side or the requester verifies an item, not its owner's side."),
    "reject": _("The other side or the requester judges whether the action was effective."),
    "start": _("Only the owner or the owning side works on an item."),
    "done": _("Only the owner or the owning side marks an item done."),
    "cancel": _("Only the owning side or the requester cancels an item."),
}


@transaction.atomic
def comment(*, access: RelationshipAccess, item: ActionItem, body: str) -> ActionUpdate:
    _require_writer(access)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something to comment.")})
    update = _record(item, access.user, UpdateKind.COMMENT, body=body)
    ActionItem.objects.filter(pk=item.pk).update(updated_at=update.at)
    audit.record(
        actor=access.user,
        verb="action_item.commented",
        obj=item,
        relationship=item.relationship,
        label=item.reference,
    )
    return update


@transaction.atomic
def set_related(*, access: RelationshipAccess, item: ActionItem, numbers: Iterable[int]) -> ActionItem:
    """Replace the item's related items that the viewer's side may see; links to the other side's
    private items (which the viewer cannot see) are kept as they are."""
    _require_writer(access)
    party_id = access.party.pk if access.party else None
    wanted = set(numbers) - {item.number}
    visible = list(
        ActionItem.objects.filter(relationship=item.relationship, number__in=wanted).visible_to_party(
            party_id
        )
    )
    found = {i.number for i in visible}
    if wanted - found:
        missing = ", ".join(str(n) for n in sorted(wanted - found))
        raise ValidationError({"related": _("No item numbered %(n)s here.") % {"n": missing}})
    current = set(item.related.visible_to_party(party_id).values_list("number", flat=True))
    if found == current:
        return item
    hidden = list(item.related.exclude(pk__in=ActionItem.objects.visible_to_party(party_id).values("pk")))
    item.related.set([*visible, *hidden])
    audit.record(
        actor=access.user,
        verb="action_item.related",
        obj=item,
        relationship=item.relationship,
        changes={"related": [sorted(current), sorted(found)]},
        label=item.reference,
    )
    return item


# --- task forces ---------------------------------------------------------------------------------

TASK_FORCE_FIELDS = ["name", "charter", "lead", "status"]


def _check_people(relationship: Relationship, people: Iterable[User | None]) -> None:
    party_ids = [relationship.supplier_id, relationship.customer_id]
    outsiders = [p for p in people if p is not None and not _is_member(p, party_ids)]
    if outsiders:
        raise ValidationError(
            {
                "members": _("%(people)s are not members of either side.")
                % {"people": ", ".join(str(p) for p in outsiders)}
            }
        )


@transaction.atomic
def create_task_force(
    *,
    access: RelationshipAccess,
    name: str,
    charter: str = "",
    lead: User | None = None,
    members: Iterable[User] = (),
) -> TaskForce:
    _require_writer(access)
    members = list(members)
    _check_people(access.relationship, [lead, *members])
    if TaskForce.objects.filter(relationship=access.relationship, name=name.strip()).exists():
        raise ValidationError({"name": _("A task force of this name exists already.")})
    task_force = TaskForce(relationship=access.relationship, name=name.strip(), charter=charter, lead=lead)
    task_force.full_clean()
    task_force.save()
    task_force.members.set({*members, *([lead] if lead else [])})
    audit.record(
        actor=access.user, verb="task_force.created", obj=task_force, relationship=access.relationship
    )
    return task_force


@transaction.atomic
def update_task_force(
    *,
    access: RelationshipAccess,
    task_force: TaskForce,
    version: int,
    members: Iterable[User] | None = None,
    **values: Any,
) -> TaskForce:
    _require_writer(access)
    task_force = TaskForce.objects.select_for_update().get(pk=task_force.pk)
    check_version(task_force, version)
    before = audit.snapshot(task_force, TASK_FORCE_FIELDS)
    for name, value in values.items():
        if name not in TASK_FORCE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(task_force, name, value)
    if task_force.status not in TaskForceStatus.values:
        raise ValidationError({"status": _("Choose active or closed.")})
    _check_people(access.relationship, [task_force.lead, *(members or [])])
    task_force.full_clean()
    changes = audit.changes_between(before, audit.snapshot(task_force, TASK_FORCE_FIELDS))
    if members is not None:
        old = set(task_force.members.values_list("pk", flat=True))
        new = {m.pk for m in members} | ({task_force.lead_id} if task_force.lead_id else set())
        if old != new:
            task_force.members.set(new)
            changes["members"] = [len(old), len(new)]
    if changes:
        task_force.version += 1
        task_force.save()
        audit.record(
            actor=access.user,
            verb="task_force.updated",
            obj=task_force,
            relationship=access.relationship,
            changes=changes,
        )
    return task_force


def members_for_side(relationship: Relationship, side: str) -> list[User]:
    """People who may own an item of ``side`` (both parties for joint)."""
    return list(
        User.objects.filter(
            memberships__party_id__in=_party_for_side(relationship, side),
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )


def side_of(relationship: Relationship, party: Party | None) -> str | None:
    if party is None:
        return None
    return Side.SUPPLIER if party.pk == relationship.supplier_id else Side.CUSTOMER


__all__ = ["ACTIONS", "CLOSED_STATUSES", "OPEN_STATUSES"]
