"""Every write to the action item register: items, their workflow, comments and task forces.

The rules of the register live here, once, for the pages, the API and the import alike; the
workflow's table is ``register.workflow``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.models import User
from accord.audit import services as audit
from accord.audit.versioned import versioned_update
from accord.lib.errors import check_version
from accord.parties.access import RelationshipAccess
from accord.parties.models import Membership, Relationship
from accord.register import mentions, notifications, numbering, workflow
from accord.register.models import (
    OPEN_STATUSES,
    ActionItem,
    ActionUpdate,
    OwnerSide,
    Priority,
    Series,
    SourceKind,
    Status,
    TaskForce,
    TaskForceStatus,
    UpdateKind,
    Visibility,
)
from accord.register.owners import owner_memberships

EDITABLE = ["title", "description", "owner_side", "owner", "task_force", "due_date", "priority", "visibility"]
TITLE_MAX = ActionItem._meta.get_field("title").max_length or 300


def allocate_numbers(relationship: Relationship, count: int = 1) -> range:
    """``count`` new numbers of the relationship's shared series (``register.numbering``)."""
    return numbering.allocate(relationship, Series.SHARED, count)


# --- rules shared by the services and the register import -----------------------------------------


def may_own(party_ids: Iterable[int], relationship: Relationship, owner_side: str) -> bool:
    """Whether someone who writes for ``party_ids`` may own an item of ``owner_side``: an editor or
    admin of the owning side's party (of either party for a joint item)."""
    return not set(party_ids).isdisjoint(workflow.owning_party_ids(relationship, owner_side))


def may_plan(access: RelationshipAccess, relationship: Relationship, owner_side: str) -> bool:
    """``workflow.plans`` for an item of ``owner_side`` (the import asks before it has the item)."""
    probe = ActionItem(relationship=relationship, owner_side=owner_side)
    return workflow.plans(access, probe)


def title_problem(title: str) -> str | None:
    """Why a (stripped) title is refused, or None."""
    if not title:
        return _("An action item needs a title.")
    if len(title) > TITLE_MAX:
        return _("The title has %(n)d characters; at most %(max)d are allowed.") % {
            "n": len(title),
            "max": TITLE_MAX,
        }
    return None


def private_owner_ok(owner_side: str, access: RelationshipAccess) -> bool:
    """A private item is owned by the viewer's own side, since the other side cannot see it."""
    return owner_side == access.side


def note_due_move(item: ActionItem, old_due: Any) -> None:
    """Count a changed due date as a move, unless the item had none before."""
    if old_due is not None:
        item.due_moves += 1


def set_status(item: ActionItem, status: str, now: datetime) -> None:
    """Set the status and keep ``done_at``/``closed_at`` consistent with it: open statuses have
    neither (nor a resolution: the old one stays in the timeline, the item shows none until it is done
    again); done has ``done_at``; verified has both; cancelled has ``closed_at``."""
    item.status = status
    if status in OPEN_STATUSES:
        item.done_at = item.closed_at = None
        item.resolution = ""
    elif status == Status.DONE:
        item.done_at = item.done_at or now
        item.closed_at = None
    else:
        if status == Status.VERIFIED:
            item.done_at = item.done_at or now
        item.closed_at = item.closed_at or now


def imported_status_update(
    item: ActionItem, *, before: str, actor: User, filename: str, at: datetime
) -> ActionUpdate:
    """The timeline entry for a final status that an import set (unsaved, for a bulk insert): which
    status, who imported it and from which file."""
    return ActionUpdate(
        item=item,
        actor=actor,
        kind=UpdateKind.STATUS,
        at=at,
        from_status=before,
        to_status=item.status,
        body=_("Status set to %(status)s by import of %(file)s by %(person)s.")
        % {"status": item.get_status_display().lower(), "file": filename, "person": actor},
        changes={"import": [None, filename]},
    )


def _is_member(user: User, party_ids: Iterable[int]) -> bool:
    return Membership.objects.filter(
        user=user, party_id__in=list(party_ids), is_active=True, user__is_active=True
    ).exists()


def _validate(item: ActionItem, access: RelationshipAccess) -> None:
    """Field rules shared by create and update; raises field errors."""
    rel = item.relationship
    errors: dict[str, list[str]] = {}
    problem = title_problem(item.title)
    if problem:
        errors.setdefault("title", []).append(problem)
    if item.owner_side not in OwnerSide.values:
        errors.setdefault("owner_side", []).append(_("Choose supplier, customer or joint."))
    elif item.owner_id and not may_own(
        owner_memberships(rel).filter(user_id=item.owner_id).values_list("party_id", flat=True),
        rel,
        item.owner_side,
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
        if not private_owner_ok(item.owner_side, access):
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
    item.series = numbering.series_for(item.relationship, item.visibility, item.private_party_id)
    item.number = numbering.allocate(access.relationship, item.series)[0]
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


def _same_relationship(item: ActionItem, access: RelationshipAccess) -> None:
    if item.relationship_id != access.relationship.pk:  # callers use the access door; this is a second net
        raise PermissionDenied(_("This item belongs to another relationship."))


def _locked(item: ActionItem, version: int, access: RelationshipAccess) -> ActionItem:
    fresh = ActionItem.objects.select_for_update().select_related("relationship").get(pk=item.pk)
    _same_relationship(fresh, access)
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
    if isinstance(values.get("title"), str):
        values["title"] = values["title"].strip()

    def validate(locked: ActionItem) -> None:
        _same_relationship(locked, access)
        _validate(locked, access)
        # made private or shared: a number in the new series, the old key kept as an alias (nothing
        # records either key in the changes: the other side may later read them)
        numbering.renumber(locked)

    def before_save(locked: ActionItem, changes: dict[str, list[Any]]) -> None:
        planned = set(workflow.PLANNING_FIELDS) & set(changes)
        if planned:  # judged on the side that owned the item before this change
            side = changes["owner_side"][0] if "owner_side" in changes else locked.owner_side
            if not may_plan(access, locked.relationship, side):
                raise PermissionDenied(workflow.NOT_PLANNER)
        if "due_date" in changes:
            note_due_move(locked, changes["due_date"][0])
        locked.updated_at = timezone.now()

    updated = versioned_update(
        item,
        version=version,
        fields=EDITABLE,
        values=values,
        actor=access.user,
        verb="action_item.updated",
        relationship=access.relationship,
        label=item.reference,
        queryset=ActionItem.objects.select_related("relationship"),
        validate=validate,
        clean_exclude=["related", "source_type"],
        before_save=before_save,
    )
    item, changes = updated.obj, updated.changes
    if changes:
        _record(item, access.user, UpdateKind.CHANGE, changes=_plain_changes(changes))
    if "owner" in changes and item.owner_id and item.owner_id != access.user.pk:
        notifications.on_commit_assigned(item, access.user)
    return item


@transaction.atomic
def transition(
    *, access: RelationshipAccess, item: ActionItem, version: int, action: str, note: str = ""
) -> ActionItem:
    """Move an item through its workflow (``register.workflow``): start, done, verify, reject (not
    effective), cancel, reopen."""
    _require_writer(access)
    step = workflow.ACTIONS.get(action)
    if step is None:
        raise ValidationError({"action": _("Unknown action %(action)s.") % {"action": action}})
    item = _locked(item, version, access)
    if item.status not in step.sources:
        raise ValidationError({"action": str(step.wrong_status) % {"status": item.get_status_display()}})
    if not workflow.may(access, step, item):
        raise PermissionDenied(step.refused)
    note = note.strip()
    if step.needs_note and not note:
        raise ValidationError({"note": str(step.note)})
    before = item.status
    set_status(item, step.target, timezone.now())
    if step.name == "done":
        item.resolution = note
    _save(item, ["status", "resolution", "done_at", "closed_at"])
    _record(
        item,
        access.user,
        UpdateKind.STATUS,
        from_status=before,
        to_status=step.target,
        body=note,
        changes={"action": [None, step.name]},
    )
    audit.record(
        actor=access.user,
        verb=f"action_item.{step.name}",
        obj=item,
        relationship=item.relationship,
        changes={"status": [before, step.target]},
        label=item.reference,
    )
    notifications.on_commit_status(item, access.user, before, step.name, note)
    return item


@transaction.atomic
def comment(*, access: RelationshipAccess, item: ActionItem, body: str) -> ActionUpdate:
    """A comment in the item's timeline; it tells the item's people and whom it @mentions."""
    _require_writer(access)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something to comment.")})
    mentioned = mentions.check(item, body)
    update = _record(item, access.user, UpdateKind.COMMENT, body=body)
    update.mentioned.set(mentioned)
    ActionItem.objects.filter(pk=item.pk).update(updated_at=update.at)
    audit.record(
        actor=access.user,
        verb="action_item.commented",
        obj=item,
        relationship=item.relationship,
        label=item.reference,
    )
    notifications.on_commit_comment(update)
    return update


@transaction.atomic
def set_related(*, access: RelationshipAccess, item: ActionItem, numbers: Iterable[int | str]) -> ActionItem:
    """Replace the item's related items that the viewer's side may see, named by key (7, S4,
    TLA-0007; an old key too); links to the other side's private items (which the viewer cannot see)
    are kept as they are."""
    _require_writer(access)
    visible, missing = numbering.find_keys(access, numbers)
    if missing:
        raise ValidationError({"related": _("No item numbered %(n)s here.") % {"n": ", ".join(missing)}})
    visible = [i for i in visible if i.pk != item.pk]
    found = {i.key for i in visible}
    current = {i.key for i in item.related.visible_to(access)}
    if found == current:
        return item
    hidden = list(item.related.exclude(pk__in=ActionItem.objects.visible_to(access).values("pk")))
    item.related.set([*visible, *hidden])
    audit.record(
        actor=access.user,
        verb="action_item.related",
        obj=item,
        relationship=item.relationship,
        changes={"related": [numbering.sorted_keys(current), numbering.sorted_keys(found)]},
        label=item.reference,
    )
    return item


# --- task forces ---------------------------------------------------------------------------------

TASK_FORCE_FIELDS = ["name", "charter", "lead", "status"]


def _check_people(relationship: Relationship, *, lead: User | None, members: Iterable[User]) -> None:
    """A task force's lead and members are editors or admins of either side, as its form offers."""
    writers = set(owner_memberships(relationship).values_list("user_id", flat=True))
    errors: dict[str, list[str]] = {}
    for field, people in (("lead", [lead] if lead else []), ("members", list(members))):
        refused = [person for person in people if person.pk not in writers]
        if refused:
            errors[field] = [
                _("Only editors and admins of either side take part in a task force, not %(people)s.")
                % {"people": ", ".join(sorted(str(p) for p in refused))}
            ]
    if errors:
        raise ValidationError(errors)


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
    _check_people(access.relationship, lead=lead, members=members)
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
    members = None if members is None else list(members)

    def validate(locked: TaskForce) -> None:
        if locked.relationship_id != access.relationship.pk:  # a second net behind the access door
            raise PermissionDenied(_("This task force belongs to another relationship."))
        if locked.status not in TaskForceStatus.values:
            raise ValidationError({"status": _("Choose active or closed.")})
        _check_people(access.relationship, lead=locked.lead, members=members or [])

    def member_changes(locked: TaskForce) -> dict[str, list[Any]]:
        if members is None:
            return {}
        old = set(locked.members.values_list("pk", flat=True))
        new = {m.pk for m in members} | ({locked.lead_id} if locked.lead_id else set())
        if old == new:
            return {}
        locked.members.set(new)
        return {"members": [len(old), len(new)]}

    return versioned_update(
        task_force,
        version=version,
        fields=TASK_FORCE_FIELDS,
        values=values,
        actor=access.user,
        verb="task_force.updated",
        relationship=access.relationship,
        validate=validate,
        more_changes=member_changes,
    ).obj
