"""The action item workflow, as one table.

Each action says from which statuses it starts, the status it leads to, who may take it, whether it
needs a note, and how pages show it. The services enforce it, the forms and the API schema take
their choices from it, and the templates draw their buttons from it: adding or changing an action
is an edit of this table only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.register.models import ActionItem, OwnerSide, Status

if TYPE_CHECKING:
    from accord.parties.access import RelationshipAccess
    from accord.parties.models import Relationship

Text = str | Promise


class Who(StrEnum):
    """Who may take an action (any one of an action's ``who`` suffices)."""

    OWNING_SIDE = "owning_side"  # the owner, or a writer of the owning side (either side for joint items)
    OTHER_SIDE = "other_side"  # a writer of the side that does not own it (joint items: anyone but the owner)
    REQUESTER = "requester"  # who asked for it, when they do not own it themselves
    EITHER_SIDE = "either_side"  # any writer of either side


@dataclass(frozen=True)
class Action:
    name: str
    sources: tuple[Status, ...]
    target: Status
    who: tuple[Who, ...]
    note: Text | None  # the error when the note it needs is missing ("Give a resolution note."); None: none
    wrong_status: Text  # the error from another status: "An item in status “%(status)s” cannot be …"
    refused: Text  # why someone not in ``who`` may not take it
    # how the item page shows it
    button: Text
    button_style: str
    note_label: Text | None
    # how a register row shows it (None: only on the item page)
    row_button: Text | None = None
    row_style: str = "btn-outline-primary"

    @property
    def needs_note(self) -> bool:
        return self.note is not None

    def __str__(self) -> str:
        return self.name


WORKFLOW: tuple[Action, ...] = (
    Action(
        name="start",
        sources=(Status.OPEN,),
        target=Status.IN_PROGRESS,
        who=(Who.OWNING_SIDE,),
        note=None,
        wrong_status=_("An item in status “%(status)s” cannot be started."),
        refused=_("Only the owner or the owning side works on an item."),
        button=_("Start work"),
        button_style="btn-outline-primary",
        note_label=None,
        row_button=_("Start"),
    ),
    Action(
        name="done",
        sources=(Status.OPEN, Status.IN_PROGRESS),
        target=Status.DONE,
        who=(Who.OWNING_SIDE,),
        note=_("Give a resolution note."),
        wrong_status=_("An item in status “%(status)s” cannot be marked done."),
        refused=_("Only the owner or the owning side marks an item done."),
        button=_("Mark done"),
        button_style="btn-success",
        note_label=_("Resolution: what was done?"),
        row_button=_("Done"),
        row_style="btn-outline-success",
    ),
    Action(
        name="verify",
        sources=(Status.DONE,),
        target=Status.VERIFIED,
        who=(Who.OTHER_SIDE, Who.REQUESTER),
        note=None,
        wrong_status=_("An item in status “%(status)s” cannot be verified."),
        refused=_("The other side or the requester verifies an item, not its owner's side."),
        button=_("Verify: the action was effective"),
        button_style="btn-success",
        note_label=None,
        row_button=_("Verify"),
    ),
    Action(
        name="reject",
        sources=(Status.DONE,),
        target=Status.OPEN,
        who=(Who.OTHER_SIDE, Who.REQUESTER),
        note=_("Say why the action was not effective."),
        wrong_status=_("An item in status “%(status)s” cannot be found not effective."),
        refused=_("The other side or the requester judges whether the action was effective."),
        button=_("Not effective: reopen"),
        button_style="btn-outline-danger",
        note_label=_("Why was it not effective?"),
    ),
    Action(
        name="cancel",
        sources=(Status.OPEN, Status.IN_PROGRESS, Status.DONE),
        target=Status.CANCELLED,
        who=(Who.OWNING_SIDE, Who.REQUESTER),
        note=_("Give a reason for cancelling."),
        wrong_status=_("An item in status “%(status)s” cannot be cancelled."),
        refused=_("Only the owning side or the requester cancels an item."),
        button=_("Cancel the item"),
        button_style="btn-outline-danger",
        note_label=_("Why cancel it?"),
    ),
    # A done item goes back with "reject" (not effective); reopen is for closed ones.
    Action(
        name="reopen",
        sources=(Status.VERIFIED, Status.CANCELLED),
        target=Status.OPEN,
        who=(Who.EITHER_SIDE,),
        note=_("Give a reason for reopening."),
        wrong_status=_("An item in status “%(status)s” cannot be reopened."),
        refused=_("You may not do that to this item."),
        button=_("Reopen"),
        button_style="btn-outline-primary",
        note_label=_("Why reopen it?"),
    ),
)

ACTIONS: dict[str, Action] = {action.name: action for action in WORKFLOW}
ACTION_NAMES: tuple[str, ...] = tuple(ACTIONS)


def owning_party_ids(relationship: Relationship, owner_side: str) -> list[int]:
    """The parties of the owning side: one, or both for a joint item."""
    if owner_side == OwnerSide.JOINT:
        return [relationship.supplier_id, relationship.customer_id]
    return [relationship.supplier_id if owner_side == OwnerSide.SUPPLIER else relationship.customer_id]


def holds(who: Who, access: RelationshipAccess, item: ActionItem) -> bool:
    """Whether the viewer is ``who`` for this item."""
    user_id = access.user.pk
    party_id = access.party.pk if access.party is not None else None
    owning = owning_party_ids(item.relationship, item.owner_side)
    if who == Who.OWNING_SIDE:
        return item.owner_id == user_id or (party_id is not None and party_id in owning)
    if who == Who.OTHER_SIDE:
        if item.owner_side == OwnerSide.JOINT:
            return item.owner_id != user_id
        return party_id is not None and party_id not in owning
    if who == Who.REQUESTER:
        return item.requested_by_id == user_id and item.owner_id != user_id
    return party_id is not None  # EITHER_SIDE


def is_among(access: RelationshipAccess, action: Action, item: ActionItem) -> bool:
    """Whether the viewer is one of those ``action.who`` names for this item (whatever their role)."""
    return any(holds(who, access, item) for who in action.who)


def may(access: RelationshipAccess, action: Action, item: ActionItem) -> bool:
    """Whether the viewer may take ``action`` on the item (whatever its status): a writer, among ``who``."""
    return access.can_write and not access.is_guest and is_among(access, action, item)


def allowed(access: RelationshipAccess, item: ActionItem) -> list[Action]:
    """The actions this viewer may take on the item now, in the table's order."""
    return [a for a in WORKFLOW if item.status in a.sources and may(access, a, item)]


# --- the same rules as queries: which items a viewer may take an action on ---------------------------

NOTHING = Q(pk__in=[])


def holds_q(who: Who, access: RelationshipAccess) -> Q:
    """The items of ``access.relationship`` for which the viewer is ``who``: ``holds`` as a query."""
    user_id = access.user.pk if access.user is not None else None
    party_id = access.party.pk if access.party is not None else None
    rel = access.relationship
    sides = {rel.supplier_id: OwnerSide.SUPPLIER, rel.customer_id: OwnerSide.CUSTOMER}
    own_side = sides.get(party_id) if party_id is not None else None
    if who == Who.OWNING_SIDE:
        mine = Q(owner_side__in=[own_side, OwnerSide.JOINT]) if own_side else NOTHING
        return Q(owner_id=user_id) | mine if user_id is not None else mine
    not_owner = ~Q(owner_id=user_id) if user_id is not None else Q()
    if who == Who.OTHER_SIDE:
        joint = Q(owner_side=OwnerSide.JOINT) & not_owner
        if own_side is None:
            return joint
        return joint | (~Q(owner_side__in=[own_side, OwnerSide.JOINT]))
    if who == Who.REQUESTER:
        return Q(requested_by_id=user_id) & not_owner if user_id is not None else NOTHING
    return Q() if own_side else NOTHING  # EITHER_SIDE


def may_q(access: RelationshipAccess, action: Action) -> Q:
    """The items on which the viewer may take ``action`` now: ``may`` and the action's source statuses,
    as one query (so a count of them and the list of them are the same question)."""
    if not access.can_write or access.is_guest:
        return NOTHING
    among = reduce(or_, (holds_q(who, access) for who in action.who))
    return Q(status__in=action.sources) & among


# --- planning: who sets an item's owner and due date ------------------------------------------------

PLANNING_FIELDS = ("owner_side", "owner", "due_date")
NOT_PLANNER = _(
    "Only the owning side changes an item's owner, owner side and due date; propose a change instead."
)


def plans(access: RelationshipAccess, item: ActionItem) -> bool:
    """Whether the viewer plans the item's work (changes its owner, owner side and due date): a writer
    of the owning side (either side of a joint item). The other side proposes (``register.proposals``).
    The services, the forms, the API and the import all ask this."""
    if not access.can_write or access.is_guest or access.party is None:
        return False
    return access.party.pk in owning_party_ids(item.relationship, item.owner_side)
