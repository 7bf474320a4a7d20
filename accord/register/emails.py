"""Who hears what about an action item, and the e-mail itself (run by the worker, ``tasks.notify``,
and by the hourly digest job). Nobody gets an item their side cannot see (``register.access``, on
``ActionItem.objects.visible_to``), nor e-mail about their own doing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accord.accounts.models import User
from accord.accounts.preferences import wants
from accord.lib.mail import absolute_url, queue_email
from accord.parties.access import access_from
from accord.parties.models import Membership, Role
from accord.register import workflow
from accord.register.access import items_visible_to_user, user_may_see
from accord.register.models import ActionItem, DigestSent


def item_url(item: Any) -> str:
    return absolute_url(reverse("register:item", args=[item.relationship.slug, item.key]))


def _send(user: User, item: Any, *, kind: str, subject: str, context: dict[str, Any]) -> bool:
    if not wants(user, kind) or not user_may_see(user, item):
        return False
    queue_email(
        to=[user.email],
        subject=f"[{item.reference}] {subject}",
        template="email/action_item.txt",
        context={"item": item, "recipient": user, "url": item_url(item), **context},
    )
    return True


def send_assigned(item: Any, actor: User | None) -> list[str]:
    owner = item.owner
    if owner is None or (actor is not None and owner.pk == actor.pk):
        return []
    sent = _send(
        owner,
        item,
        kind="assigned",
        subject=_("assigned to you: %(t)s") % {"t": item.title},
        context={"headline": _("%(actor)s assigned this action item to you.") % {"actor": actor or "Accord"}},
    )
    return [owner.email] if sent else []


def _verifiers(item: Any) -> list[User]:
    """Who is asked to verify: the requester when not the owner, else the other side's admins."""
    requester = item.requested_by
    if requester is not None and requester.pk != item.owner_id:
        access = access_from(requester, item.relationship)
        if access is not None and workflow.is_among(access, workflow.ACTIONS["verify"], item):
            return [requester]
    rel = item.relationship
    if item.owner_side == "joint":  # the side the owner is not on (both sides when there is no owner)
        owners = set(
            Membership.objects.filter(user_id=item.owner_id, is_active=True).values_list(
                "party_id", flat=True
            )
        )
        other = [p for p in (rel.supplier_id, rel.customer_id) if p not in owners]
    else:
        other = [rel.customer_id if item.owner_side == "supplier" else rel.supplier_id]
    admins = User.objects.filter(
        memberships__party_id__in=other,
        memberships__role=Role.ADMIN,
        memberships__is_active=True,
        is_active=True,
    ).exclude(pk=item.owner_id)
    return list(admins.distinct())


def send_status(item: Any, actor: User | None, before: str, action: str, note: str) -> list[str]:
    sent: list[str] = []
    seen = {actor.pk} if actor else set()
    headline = _("%(actor)s changed the status from %(before)s to %(after)s.") % {
        "actor": actor or "Accord",
        "before": before.replace("_", " "),
        "after": item.get_status_display().lower(),
    }
    if action == "done":
        for person in _verifiers(item):
            if person.pk in seen:
                continue
            seen.add(person.pk)
            if _send(
                person,
                item,
                kind="verify",
                subject=_("done, please verify: %(t)s") % {"t": item.title},
                context={
                    "headline": _(
                        "%(actor)s marked this item done. Please confirm whether the action was effective."
                    )
                    % {"actor": actor or "Accord"},
                    "note": note,
                },
            ):
                sent.append(person.email)
    for person in (item.owner, item.requested_by):
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        if _send(
            person,
            item,
            kind="status",
            subject=_("%(status)s: %(t)s") % {"status": item.get_status_display(), "t": item.title},
            context={"headline": headline, "note": note},
        ):
            sent.append(person.email)
    return sent


def send_digests(today: date) -> int:
    """Each person's open items due within 7 days or overdue, once a day; returns how many went out."""
    items = (
        ActionItem.objects.open()
        .filter(owner__isnull=False, owner__is_active=True, due_date__lte=today + timedelta(days=7))
        .select_related("relationship__supplier", "relationship__customer", "owner")
        .order_by("due_date", "number")
    )
    by_owner: dict[int | None, list[Any]] = defaultdict(list)
    for item in items:
        by_owner[item.owner_id].append(item)
    sent = 0
    for owned in by_owner.values():
        owner = owned[0].owner
        if not wants(owner, "digest"):
            continue
        relationships = {item.relationship_id: item.relationship for item in owned}
        may_see = set(
            items_visible_to_user(owner, relationships.values())
            .filter(pk__in=[item.pk for item in owned])
            .values_list("pk", flat=True)
        )
        visible = [i for i in owned if i.pk in may_see]
        if not visible:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=owner, day=today)
        except IntegrityError:
            continue
        overdue = [i for i in visible if i.due_date < today]
        queue_email(
            to=[owner.email],
            subject=_("Your action items: %(overdue)d overdue, %(soon)d due within 7 days")
            % {"overdue": len(overdue), "soon": len(visible) - len(overdue)},
            template="email/digest.txt",
            context={
                "recipient": owner,
                "overdue": [(i, item_url(i)) for i in overdue],
                "soon": [(i, item_url(i)) for i in visible if i.due_date >= today],
                "today": today,
            },
        )
        sent += 1
    return sent
