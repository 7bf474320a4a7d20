"""Proposals: the side that does not plan an item proposes a new due date or owner, as a comment that
the owning side accepts or declines with one click.

A proposal is an ``ActionUpdate`` of kind ``proposal`` whose ``proposed`` holds the values
(``{"due_date": "YYYY-MM-DD", "owner": user id}``, either or both). Accepting applies them through
the normal versioned ``services.update_item`` (so a stale item gives a conflict) and records who
accepted; only open items receive proposals; the proposer hears of the decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.accounts.models import User
from accord.audit import services as audit
from accord.parties.access import RelationshipAccess
from accord.register import mentions, notifications, services, workflow
from accord.register.models import OPEN_STATUSES, ActionItem, ActionUpdate, Decision, UpdateKind
from accord.register.owners import owner_memberships, possible_owners

NO_SUCH_OWNER = gettext_lazy("Choose one of the people who may own this item.")


def owner_labels(item: ActionItem, people: Any) -> dict[int, str]:
    """The label "Name (Party name)" of each of ``people`` in the item's relationship."""
    rel = item.relationship
    names = {rel.supplier_id: rel.supplier.name, rel.customer_id: rel.customer.name}
    parties: dict[int, list[str]] = {}
    rows = owner_memberships(rel).filter(user__in=people).values_list("user_id", "party_id")
    for user_id, party_id in rows:
        parties.setdefault(user_id, []).append(names[party_id])
    return {p.pk: f"{p.full_name} ({', '.join(sorted(parties.get(p.pk, [])))})" for p in people}


def owner_by_id(item: ActionItem, owner_id: int) -> User:
    """One of the item's possible owners; any other id (unknown, someone elsewhere, a viewer) gives
    the same fixed message, naming no one."""
    owner = possible_owners(item).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationError({"owner": NO_SUCH_OWNER})
    return owner


def pending(item: ActionItem) -> QuerySet[ActionUpdate]:
    return ActionUpdate.objects.filter(item=item, kind=UpdateKind.PROPOSAL, decision=Decision.PENDING)


def describe(update: ActionUpdate) -> str:
    """The proposed values in words: "due date 2027-01-15, owner Sam Patel"."""
    return update.proposal_text()


def _require_open(item: ActionItem) -> None:
    if item.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "item": _("Only open items take proposals; this one is %(s)s.")
                % {"s": item.get_status_display().lower()}
            }
        )


@transaction.atomic
def propose(
    *,
    access: RelationshipAccess,
    item: ActionItem,
    due_date: date | None = None,
    owner: User | None = None,
    propose_due: bool = False,
    propose_owner: bool = False,
    note: str = "",
) -> ActionUpdate:
    """The other side proposes a new due date and/or owner (``propose_due``/``propose_owner`` say
    which; ``None`` proposes none). The owning side changes these directly instead."""
    if not access.can_write or access.is_guest:
        raise PermissionDenied(_("Your role may read but not change the register."))
    item = ActionItem.objects.select_for_update().select_related("relationship").get(pk=item.pk)
    if item.relationship_id != access.relationship.pk:
        raise PermissionDenied(_("This item belongs to another relationship."))
    _require_open(item)
    if workflow.plans(access, item):
        raise ValidationError(
            {"item": _("Your side plans this item: change its owner or due date directly.")}
        )
    proposed: dict[str, Any] = {}
    if propose_due and due_date != item.due_date:
        proposed["due_date"] = due_date.isoformat() if due_date else None
    if propose_owner and (owner.pk if owner else None) != item.owner_id:
        if owner is not None:
            owner_by_id(item, owner.pk)
        proposed["owner"] = owner.pk if owner else None
    if not proposed:
        raise ValidationError({"item": _("Propose a due date or an owner different from the current ones.")})
    note = note.strip()
    mentioned = mentions.check(item, note)
    update = ActionUpdate.objects.create(
        item=item, actor=access.user, kind=UpdateKind.PROPOSAL, body=note, proposed=proposed
    )
    update.mentioned.set(mentioned)
    ActionItem.objects.filter(pk=item.pk).update(updated_at=update.at)
    audit.record(
        actor=access.user,
        verb="action_item.proposed",
        obj=item,
        relationship=item.relationship,
        changes={k: [None, v] for k, v in proposed.items()},
        label=item.reference,
    )
    notifications.on_commit_comment(update)
    return update


def proposal_of(item: ActionItem, proposal_id: int) -> ActionUpdate:
    """A proposal of ``item`` (the item came through its access door), or 404."""
    from django.http import Http404

    update = ActionUpdate.objects.filter(item=item, kind=UpdateKind.PROPOSAL, pk=proposal_id).first()
    if update is None:
        raise Http404
    return update


@transaction.atomic
def decide(
    *, access: RelationshipAccess, item: ActionItem, proposal: ActionUpdate, accept: bool, version: int
) -> ActionItem:
    """The owning side accepts (applies the values through ``services.update_item``, at ``version``)
    or declines a pending proposal; the proposer hears of it."""
    if not workflow.plans(access, item):
        raise PermissionDenied(_("Only the owning side accepts or declines a proposal."))
    locked = ActionUpdate.objects.select_for_update().get(pk=proposal.pk)
    if locked.item_id != item.pk or locked.kind != UpdateKind.PROPOSAL:
        raise PermissionDenied(_("This proposal belongs to another item."))
    if locked.decision != Decision.PENDING:
        raise ValidationError(
            {"proposal": _("This proposal was %(d)s already.") % {"d": locked.get_decision_display().lower()}}
        )
    if accept:
        _require_open(item)
        values: dict[str, Any] = {}
        if "due_date" in locked.proposed:
            raw = locked.proposed["due_date"]
            values["due_date"] = date.fromisoformat(raw) if raw else None
        if "owner" in locked.proposed:
            values["owner"] = (
                owner_by_id(item, locked.proposed["owner"]) if locked.proposed["owner"] else None
            )
        item = services.update_item(access=access, item=item, version=version, **values)
    locked.decision = Decision.ACCEPTED if accept else Decision.DECLINED
    locked.decided_by = access.user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decision", "decided_by", "decided_at"])
    audit.record(  # accepted or declined, even when accepting changed nothing (the values were current)
        actor=access.user,
        verb="action_item.proposal_accepted" if accept else "action_item.proposal_declined",
        obj=item,
        relationship=item.relationship,
        label=item.reference,
    )
    notifications.on_commit_decision(locked, access.user)
    return item
