from __future__ import annotations

from django_tasks import task

from accord.accounts.models import User


@task()
def notify(
    *, kind: str, item_id: int, actor_id: int | None, before: str = "", action: str = "", note: str = ""
) -> list[str]:
    """Decide who hears about an item's change, and queue their e-mail (run by the worker)."""
    from accord.register import notifications
    from accord.register.models import ActionItem

    item = (
        ActionItem.objects.select_related("relationship", "owner", "requested_by").filter(pk=item_id).first()
    )
    if item is None:
        return []
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if kind == "assigned":
        return notifications.send_assigned(item, actor)
    return notifications.send_status(item, actor, before, action, note)
