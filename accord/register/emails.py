"""Who hears what about an action item, and the e-mail itself (run by the worker, ``tasks.notify``,
and by the hourly digest job). Nobody gets an item their side cannot see (``register.access``, on
``ActionItem.objects.visible_to``), nor e-mail about their own doing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accord.accounts.locale import of_recipient
from accord.accounts.models import User
from accord.accounts.preferences import wants
from accord.lib.mail import absolute_url, queue_email
from accord.parties.access import access_from
from accord.parties.models import Membership, Role
from accord.register import workflow
from accord.register.access import items_visible_to_user, user_may_see
from accord.register.models import ActionItem, ActionUpdate, Decision, DigestSent, Status, UpdateKind
from accord.register.owners import possible_owners


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
    with of_recipient(owner):
        sent = _send(
            owner,
            item,
            kind="assigned",
            subject=_("assigned to you: %(t)s") % {"t": item.title},
            context={
                "headline": _("%(actor)s assigned this action item to you.") % {"actor": actor or "Accord"}
            },
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


def _status_label(value: str) -> str:
    """A status's label in the reader's language, lower case as in a sentence ("in progress")."""
    label = dict(Status.choices).get(value)
    return str(label).lower() if label is not None else value.replace("_", " ")


def send_status(item: Any, actor: User | None, before: str, action: str, note: str) -> list[str]:

    sent: list[str] = []
    seen = {actor.pk} if actor else set()
    if action == "done":
        for person in _verifiers(item):
            if person.pk in seen:
                continue
            seen.add(person.pk)
            with of_recipient(person):
                verify = _send(
                    person,
                    item,
                    kind="verify",
                    subject=_("done, please verify: %(t)s") % {"t": item.title},
                    context={
                        "headline": _(
                            "%(actor)s marked this item done. "
                            "Please confirm whether the action was effective."
                        )
                        % {"actor": actor or "Accord"},
                        "note": note,
                    },
                )
            if verify:
                sent.append(person.email)
    for person in (item.owner, item.requested_by):
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        with of_recipient(person):
            headline = _("%(actor)s changed the status from %(before)s to %(after)s.") % {
                "actor": actor or "Accord",
                "before": _status_label(before),
                "after": item.get_status_display().lower(),
            }
            status = _send(
                person,
                item,
                kind="status",
                subject=_("%(status)s: %(t)s") % {"status": item.get_status_display(), "t": item.title},
                context={"headline": headline, "note": note},
            )
        if status:
            sent.append(person.email)
    return sent


def comment_audience(item: Any, update: Any) -> list[tuple[User, tuple[str, ...]]]:
    """Who hears of a comment, each once, with the kinds of e-mail (in order of preference) that
    would reach them: whom it mentions ("mention", else "comment" when they are also one of the
    item's people), then the owner, the requester and earlier commenters ("comment"); for a proposal
    that reaches no one who plans the item, the owning side's writers too. Never its author."""
    author = update.actor_id
    involved: list[User] = [p for p in (item.owner, item.requested_by) if p is not None]
    earlier = (
        ActionUpdate.objects.filter(item=item, kind__in=[UpdateKind.COMMENT, UpdateKind.PROPOSAL])
        .filter(at__lte=update.at)
        .exclude(pk=update.pk)
        .exclude(actor__isnull=True)
        .select_related("actor")
        .order_by("at", "id")
    )
    involved += [u.actor for u in earlier if u.actor is not None]
    if update.kind == UpdateKind.PROPOSAL:  # someone who plans the item must hear of it
        planners = list(possible_owners(item))
        planner_ids = {p.pk for p in planners}
        if not any(p.pk in planner_ids and p.pk != author for p in involved):
            involved += planners  # no owner (or none of its people plans it): the owning side's writers
    involved_ids = {p.pk for p in involved}
    out: list[tuple[User, tuple[str, ...]]] = []
    seen = {author}
    for person in update.mentioned.order_by("full_name"):
        if person.pk not in seen:
            seen.add(person.pk)
            out.append((person, ("mention", "comment") if person.pk in involved_ids else ("mention",)))
    for person in involved:
        if person.pk not in seen:
            seen.add(person.pk)
            out.append((person, ("comment",)))
    return out


def send_comment(item: Any, update: Any) -> list[str]:
    """One e-mail per person about a comment or a proposal (``comment_audience``), to those whose
    preferences want it and who may see the item."""
    actor = update.actor
    sent: list[str] = []
    for person, kinds in comment_audience(item, update):
        kind = next((k for k in kinds if wants(person, k)), None)
        if kind is None:
            continue
        if _send_comment(person, kind, item, update, actor):
            sent.append(person.email)
    return sent


def _send_comment(person: User, kind: str, item: Any, update: Any, actor: User | None) -> bool:
    with of_recipient(person):
        if update.kind == UpdateKind.PROPOSAL:
            subject = _("change proposed: %(t)s") % {"t": item.title}
            headline = _("%(actor)s proposes: %(what)s.") % {
                "actor": actor or "Accord",
                "what": update.proposal_text(),
            }
        elif kind == "mention":
            subject = _("%(actor)s mentioned you: %(t)s") % {"actor": actor or "Accord", "t": item.title}
            headline = _("%(actor)s mentioned you in a comment.") % {"actor": actor or "Accord"}
        else:
            subject = _("new comment: %(t)s") % {"t": item.title}
            headline = _("%(actor)s commented.") % {"actor": actor or "Accord"}
        return _send(
            person, item, kind=kind, subject=subject, context={"headline": headline, "note": update.body}
        )


def send_decision(item: Any, update: Any, actor: User | None) -> list[str]:
    """The proposer hears whether the owning side accepted or declined their proposal."""
    proposer = update.actor
    if proposer is None or (actor is not None and proposer.pk == actor.pk):
        return []
    with of_recipient(proposer):
        accepted = update.decision == Decision.ACCEPTED
        values = {"t": item.title, "actor": actor or "Accord", "what": update.proposal_text()}
        subject = (
            _("your proposal was accepted: %(t)s") if accepted else _("your proposal was declined: %(t)s")
        )
        headline = (
            _("%(actor)s accepted your proposal: %(what)s.")
            if accepted
            else _("%(actor)s declined your proposal: %(what)s.")
        )
        sent = _send(
            proposer,
            item,
            kind="decision",
            subject=subject % values,
            context={"headline": headline % values},
        )
    return [proposer.email] if sent else []


def send_digests(today: date) -> int:
    """Once a day, each person's open items due within 7 days or overdue, and the comments of the day
    before that mentioned them; returns how many digests went out."""
    items = (
        ActionItem.objects.open()
        .filter(owner__isnull=False, owner__is_active=True, due_date__lte=today + timedelta(days=7))
        .select_related("relationship__supplier", "relationship__customer", "owner")
        .order_by("due_date", "number")
    )
    by_owner: dict[int, list[Any]] = defaultdict(list)
    people: dict[int, User] = {}
    for item in items:
        if item.owner_id is not None and item.owner is not None:
            by_owner[item.owner_id].append(item)
            people[item.owner_id] = item.owner
    start, end = _day_bounds(today - timedelta(days=1))
    mentioned_ids = set(
        ActionUpdate.mentioned.through.objects.filter(
            actionupdate__at__gte=start, actionupdate__at__lt=end
        ).values_list("user_id", flat=True)
    )
    for person in User.objects.filter(pk__in=mentioned_ids - set(people), is_active=True):
        people[person.pk] = person
    sent = 0
    for user_id, person in people.items():
        if _send_digest(person, by_owner.get(user_id, []), today):
            sent += 1
    return sent


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _send_digest(person: User, owned: list[Any], today: date) -> bool:
    if not wants(person, "digest"):
        return False
    visible: list[Any] = []
    if owned:
        relationships = {item.relationship_id: item.relationship for item in owned}
        may_see = set(
            items_visible_to_user(person, relationships.values())
            .filter(pk__in=[item.pk for item in owned])
            .values_list("pk", flat=True)
        )
        visible = [i for i in owned if i.pk in may_see]
    mentions = digest_mentions(person, today)
    if not visible and not mentions:
        return False
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=person, day=today)
    except IntegrityError:
        return False
    with of_recipient(person):
        _queue_digest(person, visible, mentions, today)
    return True


def _queue_digest(person: User, visible: list[Any], mentions: list[Any], today: date) -> None:
    overdue = [i for i in visible if i.due_date < today]
    subject = _("Your action items: %(overdue)d overdue, %(soon)d due within 7 days") % {
        "overdue": len(overdue),
        "soon": len(visible) - len(overdue),
    }
    if mentions:
        subject += ngettext(", %(n)d mention", ", %(n)d mentions", len(mentions)) % {"n": len(mentions)}
    queue_email(
        to=[person.email],
        subject=subject,
        template="email/digest.txt",
        context={
            "recipient": person,
            "overdue": [(i, item_url(i)) for i in overdue],
            "soon": [(i, item_url(i)) for i in visible if i.due_date >= today],
            "mentions": [(u, item_url(u.item)) for u in mentions],
            "today": today,
        },
    )


def digest_mentions(user: User, today: date) -> list[Any]:
    """The comments of the day before ``today`` that mention ``user``, on items they may see."""
    start, end = _day_bounds(today - timedelta(days=1))
    return list(
        ActionUpdate.objects.filter(mentioned=user, at__gte=start, at__lt=end)
        .filter(item__in=items_visible_to_user(user))
        .select_related("item__relationship", "actor")
        .order_by("at", "id")
    )
