"""Who hears of a published report: its recipients (members of the customer party, chosen on the
definition), and a failing render tells the supplier's leads. Sent only for what the recipient may read:
a published issue (``ReportIssue.visible_to``) and never the supplier's internal edition."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.accounts.locale import of_recipient
from accord.accounts.preferences import wants
from accord.lib import notify
from accord.lib.mail import absolute_url, queue_email
from accord.parties.models import Membership

KIND = "reports"


def register_kinds() -> None:
    notify.kind(75, KIND, gettext_lazy("Reports: a new issue of a report you receive"))


def issue_url(issue: Any) -> str:
    return absolute_url(
        reverse("reports:issue", args=[issue.relationship.slug, issue.definition.number, issue.period])
    )


def published(issue: Any) -> list[str]:
    """E-mail each recipient who is still an active member of the customer party."""
    rel = issue.relationship
    definition = issue.definition
    members = set(
        Membership.objects.filter(party_id=rel.customer_id, is_active=True).values_list("user_id", flat=True)
    )
    sent: list[str] = []
    for user in definition.recipients.filter(is_active=True).order_by("email"):
        if user.pk not in members or not wants(user, KIND) or user.email in sent:
            continue
        with of_recipient(user):
            _queue_published(issue, user)
        sent.append(user.email)
    return sent


def _queue_published(issue: Any, user: Any) -> None:
    rel, definition = issue.relationship, issue.definition
    subject = (
        _("%(title)s, %(period)s: corrected (revision %(n)s)")
        if issue.revision > 1
        else _("%(title)s, %(period)s")
    ) % {
        "title": definition.title,
        "period": issue.data.get("period_label", issue.period),
        "n": issue.revision,
    }
    queue_email(
        to=[user.email],
        subject=f"[{definition.ref}] {subject}",
        template="email/report_published.txt",
        context={
            "issue": issue,
            "definition": definition,
            "supplier": rel.supplier.name,
            "period": issue.data.get("period_label", issue.period),
            "reason": issue.reason,
            "url": issue_url(issue),
        },
    )


def failed(issue: Any) -> list[str]:
    """Tell the supplier's leads that an issue could not be rendered (after the last automatic retry)."""
    rel = issue.relationship
    leads = (
        Membership.objects.filter(party_id=rel.supplier_id, is_active=True, role__in=("admin", "editor"))
        .select_related("user")
        .order_by("user__email")
    )
    sent: list[str] = []
    for m in leads:
        if wants(m.user, KIND) and m.user.email not in sent:
            with of_recipient(m.user):
                queue_email(
                    to=[m.user.email],
                    subject=f"[{issue.definition.ref}] " + _("a report could not be rendered"),
                    template="email/report_failed.txt",
                    context={"issue": issue, "error": issue.render_error, "url": issue_url(issue)},
                )
            sent.append(m.user.email)
    return sent
