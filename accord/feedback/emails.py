"""Who hears what about feedback: each invited person gets their link (a member: the signed-in answer
page) and a reminder before the closing day; the supplier's leads hear of each response submitted, with
the number of proposals it raised. An anonymous survey's e-mails name no respondent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.accounts.locale import of_recipient
from accord.accounts.preferences import wants
from accord.lib import notify
from accord.lib.mail import absolute_url, queue_email
from accord.parties.models import Membership

KIND = "feedback"


def register_kinds() -> None:
    notify.kind(70, KIND, gettext_lazy("Site-visit feedback: surveys to answer, and new responses"))


def _answer_url(invitation: Any, survey: Any, token: str) -> str:
    if invitation.user_id is not None:
        return absolute_url(reverse("feedback:answer", args=[survey.relationship.slug, survey.number]))
    return absolute_url(reverse("feedback:door", args=[token]))


def _mail_invitee(invitation: Any, survey: Any, token: str, compose: Callable[[], tuple[str, str]]) -> None:
    """``compose`` gives the subject and headline, in the invitee's language (someone without an
    account: the invitation's; a member who chose none: Accord's default, as in every other e-mail)."""
    if invitation.user_id is not None and not wants(invitation.user, KIND):
        return
    with of_recipient(invitation.user, "" if invitation.user_id else invitation.language):
        subject, headline = compose()
        _queue_invitation(invitation, survey, token, subject, headline)


def _queue_invitation(invitation: Any, survey: Any, token: str, subject: str, headline: str) -> None:
    queue_email(
        to=[invitation.email],
        subject=f"[{survey.ref}] {subject}",
        template="email/feedback_invitation.txt",
        context={
            "survey": survey,
            "relationship": str(survey.relationship),
            "supplier": survey.relationship.supplier.name,
            "invitation": invitation,
            "headline": headline,
            "url": _answer_url(invitation, survey, token),
            "areas": [a.title for a in survey.template.areas.all()],
        },
    )


def invitation(invitation: Any, survey: Any, token: str) -> None:
    _mail_invitee(
        invitation,
        survey,
        token,
        lambda: (
            _("%(supplier)s asks for your feedback") % {"supplier": survey.relationship.supplier.name},
            _(
                "%(supplier)s would like your feedback on its equipment and services: a few areas, rated 1"
                " to 5, with room for comments. It takes about five minutes, on a phone too."
            )
            % {"supplier": survey.relationship.supplier.name},
        ),
    )


def reminder(invitation: Any, survey: Any, token: str) -> None:
    _mail_invitee(
        invitation,
        survey,
        token,
        lambda: (
            _("Reminder: your feedback is welcome until %(day)s") % {"day": survey.closes_on.isoformat()},
            _("The survey closes on %(day)s; your saved answers wait for you.")
            % {"day": survey.closes_on.isoformat()},
        ),
    )


def answered(survey: Any, response: Any, proposals: int) -> list[str]:
    """Tell the supplier's leads that a response came in (its function only, never a name)."""
    rel = survey.relationship
    leads = (
        Membership.objects.filter(party_id=rel.supplier_id, is_active=True, role__in=("admin", "editor"))
        .select_related("user")
        .order_by("user__email")
    )
    url = absolute_url(reverse("feedback:survey", args=[rel.slug, survey.number]))
    sent = []
    for m in leads:
        if wants(m.user, KIND) and m.user.email not in sent:
            with of_recipient(m.user):
                queue_email(
                    to=[m.user.email],
                    subject=f"[{survey.ref}] "
                    + _("new feedback from %(function)s") % {"function": response.get_function_display()},
                    template="email/feedback_answered.txt",
                    context={"survey": survey, "response": response, "proposals": proposals, "url": url},
                )
            sent.append(m.user.email)
    return sent
