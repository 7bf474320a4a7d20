"""API operations of the action item register, nested under the relationship."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from accord.accounts.models import User
from accord.accounts.types import AuthedRequest
from accord.lib.api import MAX_TEXT, Count, Days, Id, IdList, Key, KeyList, Version, responses, serializer
from accord.parties.access import RelationshipAccess, relationship_for_user
from accord.register import api_list, numbering, owners, proposals, selectors, services, workflow
from accord.register.access import action_item_for_user, shared_view, task_force_for_user
from accord.register.models import (
    ActionItem,
    ActionUpdate,
    OwnerSide,
    Priority,
    SourceKind,
    Status,
    TaskForce,
    Visibility,
)

router = Router(tags=["action items"])
ITEMS = "/relationships/{rel_id}/action-items"


class PersonRef(Schema):
    id: int
    full_name: str
    email: str


class TaskForceRef(Schema):
    id: int
    name: str


class SourceOut(Schema):
    kind: str
    label: str
    url: str


class ItemOut(Schema):
    number: str = Field(description="The item's key in its relationship: 7, S4 (supplier's private), C2")
    reference: str
    title: str
    description: str
    status: str
    owner_side: str
    owner: PersonRef | None
    requested_by: PersonRef | None
    task_force: TaskForceRef | None
    due_date: date | None
    priority: str
    visibility: str
    resolution: str
    source: SourceOut
    external_id: str
    due_moves: int
    related: list[str] = Field(description="Keys of related items you may see")
    created_at: datetime
    updated_at: datetime
    version: int
    allowed_actions: list[str] = Field(description="Workflow actions you may take now")


class ItemPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ItemOut]


class ItemIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    owner_side: OwnerSide = OwnerSide.SUPPLIER
    owner_id: Id | None = None
    task_force_id: Id | None = None
    due_date: date | None = None
    priority: Priority = Priority.MEDIUM
    visibility: Visibility = Visibility.SHARED
    related: KeyList = Field(default=[], description="Keys (or numbers) of related items")


class ItemPatch(Schema):
    version: Version = Field(description="The version you read; a stale one gives 409 with the current item.")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = None
    owner_side: OwnerSide | None = None
    owner_id: Id | None = None
    task_force_id: Id | None = None
    due_date: date | None = None
    priority: Priority | None = None
    visibility: Visibility | None = None
    related: KeyList | None = Field(
        default=None, description="Keys (or numbers) of related items (replaces the list)"
    )


NOTE_ACTIONS = [a.name for a in workflow.WORKFLOW if a.needs_note]


class TransitionIn(Schema):
    action: Literal[workflow.ACTION_NAMES]  # type: ignore[valid-type]  # the names, from the workflow's table
    version: Version
    note: str = Field(
        default="",
        description="Required for "
        + ", ".join(f"{n} (resolution)" if n == "done" else n for n in NOTE_ACTIONS[:-1])
        + f" and {NOTE_ACTIONS[-1]}.",
    )


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class UpdateOut(Schema):
    id: int
    at: datetime
    actor: PersonRef | None
    kind: str
    from_status: str
    to_status: str
    body: str
    changes: dict[str, Any]
    mentioned: list[PersonRef] = Field(default=[], description="Whom a comment @mentions")
    proposed: dict[str, Any] = Field(
        default={}, description='A proposal\'s values: {"due_date": "YYYY-MM-DD", "owner": user id}'
    )
    decision: str = Field(default="", description="A proposal's fate: '' (pending), accepted or declined")
    decided_by: PersonRef | None = None
    decided_at: datetime | None = None


class OwnerOut(Schema):
    id: int
    full_name: str
    label: str = Field(description='"Name (Party name)"')


class ProposalIn(Schema):
    due_date: date | None = Field(
        default=None, description="A new due date (null: none); leave out to keep it"
    )
    owner_id: Id | None = Field(default=None, description="A new owner (null: none); leave out to keep it")
    note: str = Field(default="", max_length=MAX_TEXT)


class DecisionIn(Schema):
    version: Version


class ItemFilters(Schema):
    status: list[Status] = Field(default=[])
    owner_side: OwnerSide | None = None
    owner_id: Id | None = None
    task_force_id: Id | None = None
    priority: list[Priority] = Field(default=[])
    overdue: bool = False
    due_within: Days | None = None
    source_kind: SourceKind | None = None
    q: str = ""
    to_verify: bool = False  # only the items the caller may verify now
    sort: Literal["number", "-number", "due", "-due", "priority", "updated", "status", "owner"] = "-number"
    page: Count = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=200)


class TaskForceOut(Schema):
    id: int
    name: str
    charter: str
    status: str
    lead: PersonRef | None
    members: list[PersonRef]
    version: int


class TaskForceIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    charter: str = ""
    lead_id: Id | None = None
    member_ids: IdList = []


class TaskForcePatch(Schema):
    version: Version
    name: str | None = None
    charter: str | None = None
    lead_id: Id | None = None
    member_ids: IdList | None = None
    status: Literal["active", "closed"] | None = None


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "full_name": user.full_name, "email": user.email}


def _update(u: ActionUpdate) -> dict[str, Any]:
    return {
        "id": u.pk,
        "at": u.at,
        "actor": _person(u.actor),
        "kind": u.kind,
        "from_status": u.from_status,
        "to_status": u.to_status,
        "body": u.body,
        "changes": u.changes,
        "mentioned": [_person(p) for p in u.mentioned.all()],
        "proposed": u.proposed,
        "decision": u.decision,
        "decided_by": _person(u.decided_by),
        "decided_at": u.decided_at,
    }


def _related_numbers(item: ActionItem, access: RelationshipAccess) -> list[str]:
    """The keys of the item's related items that the viewer may see (a list: ``api_list._related``)."""
    return numbering.sorted_keys(i.key for i in item.related.visible_to(access))


def _item(item: ActionItem, access: RelationshipAccess, *, actions: bool = True) -> dict[str, Any]:
    return {
        "number": item.key,
        "reference": item.reference,
        "title": item.title,
        "description": item.description,
        "status": item.status,
        "owner_side": item.owner_side,
        "owner": _person(item.owner),
        "requested_by": _person(item.requested_by),
        "task_force": {"id": item.task_force.pk, "name": item.task_force.name} if item.task_force else None,
        "due_date": item.due_date,
        "priority": item.priority,
        "visibility": item.visibility,
        "resolution": item.resolution,
        "source": {"kind": item.source_kind, "label": item.source_label, "url": item.source_url},
        "external_id": item.external_id,
        "due_moves": item.due_moves,
        "related": _related_numbers(item, access),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "version": item.version,
        "allowed_actions": [a.name for a in workflow.allowed(access, item)] if actions else [],
    }


@serializer("register.actionitem")
def _item_current(item: ActionItem) -> dict[str, Any]:
    """The item as a 409 answer shows it: not knowing the viewer, with the related items that both
    sides see and no actions."""
    current = ActionItem.objects.select_related("relationship", "owner", "requested_by", "task_force").get(
        pk=item.pk
    )
    return _item(current, shared_view(current.relationship), actions=False)


def _people(access: Any, ids: list[int]) -> list[User]:
    rel = access.relationship
    found = list(
        User.objects.filter(
            pk__in=ids,
            memberships__party_id__in=[rel.supplier_id, rel.customer_id],
            memberships__is_active=True,
        ).distinct()
    )
    if len(found) != len(set(ids)):
        raise ValidationError({"people": [_("Some of these people are not members of either side.")]})
    return found


def _resolve(access: Any, values: dict[str, Any], item: ActionItem | None = None) -> dict[str, Any]:
    """IDs in the payload → records of this relationship (unknown ones are field errors). An owner is
    one of those who may own the item with the owner side it will have; any other id gets one fixed
    message that names no one."""
    out = dict(values)
    if "owner_id" in out:
        owner_id = out.pop("owner_id")
        side = out.get("owner_side") or (item.owner_side if item else OwnerSide.SUPPLIER)
        probe = item or ActionItem(relationship=access.relationship, owner_side=side)
        owner = owners.possible_owners(probe, side).filter(pk=owner_id).first() if owner_id else None
        if owner_id and owner is None:
            raise ValidationError({"owner_id": [proposals.NO_SUCH_OWNER]})
        out["owner"] = owner
    if "task_force_id" in out:
        tf_id = out.pop("task_force_id")
        task_force = (
            TaskForce.objects.filter(relationship=access.relationship, pk=tf_id).first() if tf_id else None
        )
        if tf_id and task_force is None:
            raise ValidationError({"task_force_id": [_("No such task force in this relationship.")]})
        out["task_force"] = task_force
    return out


@router.get(ITEMS, response=responses({200: ItemPage}), summary="The register, filtered and paginated")
def list_items(request: AuthedRequest, rel_id: Id, filters: Query[ItemFilters]) -> HttpResponse:
    access = relationship_for_user(request.user, pk=rel_id)
    f = selectors.Filters(
        status=list(filters.status),
        owner_side=filters.owner_side or "",
        owner=filters.owner_id,
        task_force=filters.task_force_id,
        priority=list(filters.priority),
        overdue=filters.overdue,
        due_within=filters.due_within,
        source_kind=filters.source_kind or "",
        q=filters.q,
        to_verify=filters.to_verify,
        sort=filters.sort,
    )
    items = selectors.register_items(access, f, timezone.localdate())
    # ItemPage as JSON, without an instance and a validation per item (api_list.py)
    return api_list.page_response(access, items, page=filters.page, page_size=filters.page_size)


@router.post(ITEMS, response=responses({201: ItemOut}, write=True), summary="Create an action item")
def create_item(request: AuthedRequest, rel_id: Id, payload: ItemIn) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    values = _resolve(access, payload.dict())
    related = values.pop("related")
    with transaction.atomic():
        item = services.create_item(access=access, **values)
        services.set_related(access=access, item=item, numbers=related)
    return 201, _item(item, access)


@router.get(ITEMS + "/{number}", response=responses({200: ItemOut}), summary="One action item")
def get_item(request: AuthedRequest, rel_id: Id, number: Key) -> dict[str, Any]:
    item, access = action_item_for_user(request.user, pk=rel_id, number=number)
    return _item(item, access)


@router.patch(
    ITEMS + "/{number}",
    response=responses({200: ItemOut}, write=True, conflict=True),
    summary="Change an action item's fields",
)
def patch_item(request: AuthedRequest, rel_id: Id, number: Key, payload: ItemPatch) -> dict[str, Any]:
    item, access = action_item_for_user(request.user, pk=rel_id, number=number, write=True)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    if values.get("title") is None:
        values.pop("title", None)
    related = values.pop("related", None)
    with transaction.atomic():
        item = services.update_item(
            access=access, item=item, version=version, **_resolve(access, values, item)
        )
        if related is not None:
            services.set_related(access=access, item=item, numbers=related)
    return _item(item, access)


@router.post(
    ITEMS + "/{number}/transitions",
    response=responses({200: ItemOut}, write=True, conflict=True),
    summary="Move an item through its workflow",
)
def transition(request: AuthedRequest, rel_id: Id, number: Key, payload: TransitionIn) -> dict[str, Any]:
    item, access = action_item_for_user(request.user, pk=rel_id, number=number, write=True)
    item = services.transition(
        access=access, item=item, version=payload.version, action=payload.action, note=payload.note
    )
    return _item(item, access)


@router.get(
    ITEMS + "/{number}/comments",
    response=responses({200: list[UpdateOut]}),
    summary="The item's timeline: creation, comments, changes and status changes",
)
def timeline(request: AuthedRequest, rel_id: Id, number: Key) -> list[dict[str, Any]]:
    item, access = action_item_for_user(request.user, pk=rel_id, number=number)
    return [_update(u) for u in selectors.timeline(access, item).prefetch_related("mentioned")]


@router.post(
    ITEMS + "/{number}/comments",
    response=responses({201: UpdateOut}, write=True),
    summary="Comment on an item",
)
def add_comment(request: AuthedRequest, rel_id: Id, number: Key, payload: CommentIn) -> Any:
    item, access = action_item_for_user(request.user, pk=rel_id, number=number, write=True)
    u = services.comment(access=access, item=item, body=payload.body)
    return 201, _update(u)


@router.get(
    ITEMS + "/{number}/owners",
    response=responses({200: list[OwnerOut]}),
    summary="Who may own the item: editors and admins of its owning side(s)",
)
def possible_owners(request: AuthedRequest, rel_id: Id, number: Key) -> list[dict[str, Any]]:
    item, _access = action_item_for_user(request.user, pk=rel_id, number=number)
    people = list(owners.possible_owners(item))
    labels = proposals.owner_labels(item, people)
    return [{"id": p.pk, "full_name": p.full_name, "label": labels[p.pk]} for p in people]


@router.post(
    ITEMS + "/{number}/proposals",
    response=responses({201: UpdateOut}, write=True),
    summary="Propose a new due date and/or owner (the side that does not plan the item)",
)
def propose(request: AuthedRequest, rel_id: Id, number: Key, payload: ProposalIn) -> Any:
    item, access = action_item_for_user(request.user, pk=rel_id, number=number, write=True)
    given = payload.dict(exclude_unset=True)
    owner = None
    if given.get("owner_id") is not None:
        try:  # only the item's possible owners; one fixed message, naming no one, for any other id
            owner = proposals.owner_by_id(item, given["owner_id"])
        except ValidationError:
            raise ValidationError({"owner_id": [proposals.NO_SUCH_OWNER]}) from None
    u = proposals.propose(
        access=access,
        item=item,
        due_date=payload.due_date,
        propose_due="due_date" in given,
        owner=owner,
        propose_owner="owner_id" in given,
        note=payload.note,
    )
    return 201, _update(u)


@router.post(
    ITEMS + "/{number}/proposals/{proposal_id}/accept",
    response=responses({200: ItemOut}, write=True, conflict=True),
    summary="Accept a proposal (the owning side): its values apply to the item at this version",
)
def accept_proposal(
    request: AuthedRequest, rel_id: Id, number: Key, proposal_id: Id, payload: DecisionIn
) -> dict[str, Any]:
    item, access = action_item_for_user(request.user, pk=rel_id, number=number, write=True)
    proposal = proposals.proposal_of(item, proposal_id)
    item = proposals.decide(access=access, item=item, proposal=proposal, accept=True, version=payload.version)
    return _item(item, access)


@router.post(
    ITEMS + "/{number}/proposals/{proposal_id}/decline",
    response=responses({200: UpdateOut}, write=True),
    summary="Decline a proposal (the owning side)",
)
def decline_proposal(
    request: AuthedRequest, rel_id: Id, number: Key, proposal_id: Id, payload: DecisionIn
) -> dict[str, Any]:
    item, access = action_item_for_user(request.user, pk=rel_id, number=number, write=True)
    proposal = proposals.proposal_of(item, proposal_id)
    proposals.decide(access=access, item=item, proposal=proposal, accept=False, version=payload.version)
    proposal.refresh_from_db()
    return _update(proposal)


def _task_force(tf: TaskForce) -> dict[str, Any]:
    return {
        "id": tf.pk,
        "name": tf.name,
        "charter": tf.charter,
        "status": tf.status,
        "lead": _person(tf.lead),
        "members": [_person(m) for m in tf.members.all()],
        "version": tf.version,
    }


@serializer("register.taskforce")
def _task_force_current(tf: TaskForce) -> dict[str, Any]:
    return _task_force(tf)


TASK_FORCES = "/relationships/{rel_id}/task-forces"


@router.get(TASK_FORCES, response=responses({200: list[TaskForceOut]}), summary="Joint task forces")
def list_task_forces(request: AuthedRequest, rel_id: Id) -> list[dict[str, Any]]:
    access = relationship_for_user(request.user, pk=rel_id)
    return [
        _task_force(tf)
        for tf in TaskForce.objects.filter(relationship=access.relationship)
        .select_related("lead")
        .prefetch_related("members")
    ]


@router.post(TASK_FORCES, response=responses({201: TaskForceOut}, write=True), summary="Create a task force")
def create_task_force(request: AuthedRequest, rel_id: Id, payload: TaskForceIn) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    lead = _people(access, [payload.lead_id])[0] if payload.lead_id else None
    tf = services.create_task_force(
        access=access,
        name=payload.name,
        charter=payload.charter,
        lead=lead,
        members=_people(access, payload.member_ids),
    )
    return 201, _task_force(tf)


@router.get(TASK_FORCES + "/{tf_id}", response=responses({200: TaskForceOut}), summary="One task force")
def get_task_force(request: AuthedRequest, rel_id: Id, tf_id: Id) -> dict[str, Any]:
    tf, _access = task_force_for_user(request.user, pk=rel_id, task_force_id=tf_id)
    return _task_force(tf)


@router.patch(
    TASK_FORCES + "/{tf_id}",
    response=responses({200: TaskForceOut}, write=True, conflict=True),
    summary="Change a task force",
)
def patch_task_force(
    request: AuthedRequest, rel_id: Id, tf_id: Id, payload: TaskForcePatch
) -> dict[str, Any]:
    tf, access = task_force_for_user(request.user, pk=rel_id, task_force_id=tf_id, write=True)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    members = _people(access, values.pop("member_ids")) if values.get("member_ids") is not None else None
    values.pop("member_ids", None)
    if "lead_id" in values:
        lead_id = values.pop("lead_id")
        values["lead"] = _people(access, [lead_id])[0] if lead_id else None
    tf = services.update_task_force(
        access=access,
        task_force=tf,
        version=version,
        members=members,
        **{k: v for k, v in values.items() if v is not None or k == "lead"},
    )
    return _task_force(tf)
