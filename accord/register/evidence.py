"""Action items carry attachments (evidence files): the register tells ``accord.attachments`` how to
find an item through its own door, which items a viewer may see, and how the item's timeline records
a file added or removed. Registered from ``RegisterConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accord.attachments.kinds import ParentKind, register
from accord.register.access import action_item_for_user
from accord.register.models import ActionItem, ActionUpdate, UpdateKind

KIND = "action-item"


def _find(
    user: Any, *, slug: str | None = None, pk: int | None = None, ref: str, write: bool = False
) -> tuple[ActionItem, Any]:
    # Reading the item is the door; adding or removing a file needs a writer's role on the item.
    return action_item_for_user(user, slug=slug, pk=pk, number=ref, write=write)


def _changed(access: Any, item: ActionItem, attachment: Any, added: bool) -> None:
    pair = [None, attachment.name] if added else [attachment.name, None]
    update = ActionUpdate.objects.create(
        item=item, actor=access.user, kind=UpdateKind.CHANGE, changes={"attachment": pair}
    )
    ActionItem.objects.filter(pk=item.pk).update(updated_at=update.at)


def connect() -> None:
    register(
        ParentKind(
            key=KIND,
            label="action item",
            model=ActionItem,
            find=_find,
            visible=lambda access: ActionItem.objects.visible_to(access),
            ref=lambda item: item.key,
            url=lambda item: reverse("register:item", args=[item.relationship.slug, item.key]),
            describe=lambda item: item.reference,
            changed=_changed,
        )
    )
