"""Background work of the register, run by the worker."""

from __future__ import annotations

from django_tasks import task

from accord.accounts.models import User
from accord.register import emails
from accord.register.models import ActionItem, ActionUpdate


@task()
def notify(
    *,
    kind: str,
    item_id: int,
    actor_id: int | None,
    before: str = "",
    action: str = "",
    note: str = "",
    update_id: int | None = None,
) -> list[str]:
    """Decide who hears about an item's change, and queue their e-mail."""
    item = (
        ActionItem.objects.select_related("relationship", "owner", "requested_by").filter(pk=item_id).first()
    )
    if item is None:
        return []
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if kind == "assigned":
        return emails.send_assigned(item, actor)
    if kind in ("comment", "decision"):
        update = ActionUpdate.objects.filter(pk=update_id or 0, item=item).first()
        if update is None:
            return []
        if kind == "comment":
            return emails.send_comment(item, update)
        return emails.send_decision(item, update, actor)
    return emails.send_status(item, actor, before, action, note)
