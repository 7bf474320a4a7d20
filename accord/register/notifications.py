"""E-mail about action items, as services ask for it: they only enqueue, after their transaction
commits; the worker (``tasks.notify``) decides who gets what and sends (``emails``).

One way: services → notifications → tasks → emails.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accord.accounts.models import User
from accord.register.tasks import notify


def on_commit_assigned(item: Any, actor: User) -> None:
    item_id, actor_id = item.pk, actor.pk
    transaction.on_commit(lambda: notify.enqueue(kind="assigned", item_id=item_id, actor_id=actor_id))


def on_commit_status(item: Any, actor: User, before: str, action: str, note: str) -> None:
    item_id, actor_id = item.pk, actor.pk
    transaction.on_commit(
        lambda: notify.enqueue(
            kind="status", item_id=item_id, actor_id=actor_id, before=before, action=action, note=note
        )
    )


def on_commit_comment(update: Any) -> None:
    """A comment (or a proposal, which is one): its people and whom it mentions hear of it."""
    item_id, actor_id, update_id = update.item_id, update.actor_id, update.pk
    transaction.on_commit(
        lambda: notify.enqueue(kind="comment", item_id=item_id, actor_id=actor_id, update_id=update_id)
    )


def on_commit_decision(update: Any, actor: User) -> None:
    """The owning side accepted or declined a proposal: its proposer hears of it."""
    item_id, actor_id, update_id = update.item_id, actor.pk, update.pk
    transaction.on_commit(
        lambda: notify.enqueue(kind="decision", item_id=item_id, actor_id=actor_id, update_id=update_id)
    )
