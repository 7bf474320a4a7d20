"""Who hears what about expectations: the other side's leads when terms await their agreement, and the
owner (else the expected side's leads) when a gap opens or reopens. Everyone told is a member of the
relationship, who sees every expectation of it; nobody is told of their own doing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.accounts.locale import of_recipient
from accord.accounts.models import User
from accord.accounts.preferences import wants
from accord.expectations.models import Expectation, Gap, Revision
from accord.lib import notify
from accord.lib.mail import absolute_url, queue_email
from accord.parties.models import Membership, Side

KIND = "expectations"


def register_kinds() -> None:
    notify.kind(60, KIND, gettext_lazy("Expectations awaiting my agreement, and new gaps"))


def _leads(expectation: Expectation, side: str) -> list[User]:
    rel = expectation.relationship
    party_id = rel.supplier_id if side == Side.SUPPLIER else rel.customer_id
    return [
        m.user
        for m in Membership.objects.filter(party_id=party_id, is_active=True, role__in=("admin", "editor"))
        .select_related("user")
        .order_by("user__email")
    ]


def _url(expectation: Expectation) -> str:
    return absolute_url(
        reverse("expectations:detail", args=[expectation.relationship.slug, expectation.number])
    )


def _send(
    users: list[User], expectation: Expectation, compose: Callable[[], tuple[str, dict[str, Any]]]
) -> list[str]:
    """E-mail each of ``users`` once; ``compose`` gives the subject and context, in each one's language."""
    sent = []
    for user in users:
        if wants(user, KIND) and user.email not in sent:
            with of_recipient(user):
                subject, context = compose()
                queue_email(
                    to=[user.email],
                    subject=f"[{expectation.reference}] {subject}",
                    template="email/expectation.txt",
                    context={
                        "expectation": expectation,
                        "recipient": user,
                        "url": _url(expectation),
                        **context,
                    },
                )
            sent.append(user.email)
    return sent


def agreement_wanted(revision: Revision, actor: Any, waiting_side: str) -> list[str]:
    """Tell the leads of the side that has not agreed ``revision`` yet."""
    expectation = revision.expectation
    users = [u for u in _leads(expectation, waiting_side) if actor is None or u.pk != actor.pk]
    return _send(
        users,
        expectation,
        lambda: (
            _("awaits your side's agreement"),
            {
                "statement": revision.statement,
                "headline": _(
                    "%(actor)s proposed terms for this expectation; a lead of your side may agree them."
                )
                % {"actor": actor or "Accord"},
            },
        ),
    )


def gap_opened(gap: Gap) -> list[str]:
    expectation = gap.expectation
    users = (
        [expectation.owner] if expectation.owner is not None else _leads(expectation, expectation.expected_of)
    )
    revision = expectation.revisions.filter(state="agreed").first()
    return _send(
        [u for u in users if u is not None],
        expectation,
        lambda: (
            _("a gap opened"),
            {
                "gap": gap,
                "statement": revision.statement if revision else "",
                "headline": _(
                    "This agreed expectation was not met: a gap is open. Plan actions to close it."
                ),
            },
        ),
    )
