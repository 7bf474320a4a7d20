"""The register's doors, built on the tenancy core ``parties.access.relationship_for_user``.

Missing items and the other side's private items give the same 404; which items a side sees is
decided by ``ActionItem.objects.visible_to`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from accord.parties.access import (
    RelationshipAccess,
    accesses_for,
    first_or_404,
    relationship_for_user,
)
from accord.parties.models import Relationship
from accord.register import numbering
from accord.register.models import ActionItem, ActionItemQuerySet, TaskForce


def action_item_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, number: int | str, write: bool = False
) -> tuple[ActionItem, RelationshipAccess]:
    """An action item by its key in a relationship (by slug or id), if the viewer's side may see it:
    ``7``, ``S4``, ``TLA-S0004``, or an old key (``register.numbering``) the viewer may read.

    Private items of the other side, and old keys of their private series, give the same 404 as
    missing ones.
    """
    access = relationship_for_user(user, slug=slug, pk=pk, write=write)
    parsed = numbering.parse_key(number)
    items = numbering.by_key(access, *parsed) if parsed else ActionItem.objects.none()
    related = ("relationship", "owner", "requested_by", "task_force", "private_party")
    return first_or_404(items.select_related(*related)), access


def task_force_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, task_force_id: int, write: bool = False
) -> tuple[TaskForce, RelationshipAccess]:
    access = relationship_for_user(user, slug=slug, pk=pk, write=write)
    task_forces = TaskForce.objects.filter(relationship=access.relationship, pk=task_force_id)
    return first_or_404(task_forces.select_related("lead")), access


def member_accesses(
    user: Any, relationships: Iterable[Relationship] | None = None
) -> list[RelationshipAccess]:
    """``user``'s access, as a member of a side, to each of ``relationships`` (default: all of theirs)
    that they belong to. Facilitators are left out: the register is not theirs to see."""
    return accesses_for(user, relationships)


def items_visible_to_user(
    user: Any, relationships: Iterable[Relationship] | None = None
) -> ActionItemQuerySet:
    """The items a person may see (for e-mail, digests and "my items"): ``visible_to`` over their
    access to each of ``relationships`` (default: all of theirs)."""
    return ActionItem.objects.visible_to(*member_accesses(user, relationships))


def user_may_see(user: Any, item: ActionItem) -> bool:
    """Whether ``user`` may read ``item`` (before telling them about it)."""
    return items_visible_to_user(user, [item.relationship]).filter(pk=item.pk).exists()


def shared_view(relationship: Relationship) -> RelationshipAccess:
    """The view of someone on neither side (shared items only): what an answer that does not know
    its viewer may show, such as the current item of a 409."""
    return RelationshipAccess(relationship, None, None, None, "")
