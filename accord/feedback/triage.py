"""Triage: every rating of 2 or less, and every comment a supplier lead flags, is a proposal until a
supplier lead decides it: create an action item (its source is the response), merge it into an existing
item (a comment in that item's timeline says what was raised), or dismiss it with a reason. Nothing
raised is left silently: a survey shows its open proposals until there are none."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.audit import services as audit
from accord.feedback import rules
from accord.feedback.answering import respondent_label
from accord.feedback.models import Answer, Proposal, ProposalReason, ProposalStatus, Response, Survey
from accord.parties.access import RelationshipAccess
from accord.register import services as register
from accord.register.models import ActionItem, OwnerSide, Priority, SourceKind, Visibility


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS["triage"])


def _require_open(access: RelationshipAccess, proposal: Proposal) -> None:
    """A supplier lead (else 403) decides a proposal still open (else a clear error, not a 403)."""
    _require(rules.may_triage(access))
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError(
            _("This proposal was triaged already (%(s)s).") % {"s": proposal.get_status_display()}
        )


def response_url(response: Response) -> str:
    survey = response.survey
    return reverse("feedback:response", args=[survey.relationship.slug, survey.number, response.number])


def raised(proposal: Proposal, *, names: bool) -> str:
    """What was raised, in words: "FB-3 · Respondent 2 (operation) · Product delivery: 2/5 · 'comment'"."""
    answer = proposal.answer
    response = answer.response
    who = respondent_label(response, response.invitation, names=names)
    rating = f"{answer.rating}/5" if answer.rating is not None else _("not rated")
    text = f"{proposal.survey.ref} · {who} · {answer.area.title}: {rating}"
    return f"{text}\n\n{answer.comment}" if answer.comment else text


def suggested_title(proposal: Proposal) -> str:
    answer = proposal.answer
    first = answer.comment.strip().splitlines()[0] if answer.comment.strip() else ""
    title = f"{answer.area.title}: {first}" if first else _("Improve %(area)s") % {"area": answer.area.title}
    return title[:200]


@transaction.atomic
def flag(*, access: RelationshipAccess, answer: Answer) -> Proposal:
    """A supplier lead marks a comment as an issue to act on: it becomes a proposal (once)."""
    _require(rules.may_triage(access))
    if not answer.comment.strip():
        raise ValidationError(_("Only a comment can be flagged."))
    existing = Proposal.objects.filter(answer=answer).first()
    if existing is not None:
        return existing
    Answer.objects.filter(pk=answer.pk).update(flagged=True)
    survey = answer.response.survey
    proposal = Proposal.objects.create(survey=survey, answer=answer, reason=ProposalReason.FLAGGED)
    audit.record(
        actor=access.user,
        verb="survey.flagged",
        obj=survey,
        relationship=survey.relationship,
        changes={"proposal": [None, proposal.pk], "area": [None, answer.area.title]},
        label=str(survey),
    )
    return proposal


def _decide(
    access: RelationshipAccess, proposal: Proposal, status: str, item: ActionItem | None, reason: str
) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.OPEN:
        raise ValidationError(
            _("This proposal was triaged already (%(s)s).") % {"s": locked.get_status_display()}
        )
    locked.status, locked.item, locked.dismiss_reason = status, item, reason
    locked.decided_by, locked.decided_at = access.user, timezone.now()
    locked.save()
    audit.record(
        actor=access.user,
        verb=f"survey.proposal_{status}",
        obj=proposal.survey,
        relationship=proposal.survey.relationship,
        changes={"proposal": [proposal.pk, status], **({"item": [None, item.reference]} if item else {})},
        label=str(proposal.survey),
    )
    return locked


@transaction.atomic
def create_item(
    *,
    access: RelationshipAccess,
    proposal: Proposal,
    title: str,
    description: str = "",
    owner_side: str = OwnerSide.SUPPLIER,
    owner: Any = None,
    due_date: date | None = None,
    priority: str = Priority.MEDIUM,
) -> Proposal:
    """A new shared action item whose source is the response (the customer sees what became of its
    feedback)."""
    _require_open(access, proposal)
    survey: Survey = proposal.survey
    response = proposal.answer.response
    names = not survey.anonymous
    item = register.create_item(
        access=access,
        title=title,
        description=description or raised(proposal, names=names),
        owner_side=owner_side,
        owner=owner,
        due_date=due_date,
        priority=priority,
        source_kind=SourceKind.FEEDBACK,
        source_label=raised(proposal, names=names).split("\n")[0][:300],
        source_url=response_url(response),
        source=response,
    )
    return _decide(access, proposal, ProposalStatus.CREATED, item, "")


@transaction.atomic
def merge(*, access: RelationshipAccess, proposal: Proposal, item: ActionItem) -> Proposal:
    """Into a shared item already in the register (of this relationship; the viewer's door found it): its
    timeline gets what was raised. Never a side's private item: the customer could not follow it."""
    _require_open(access, proposal)
    if item.relationship_id != proposal.survey.relationship_id:
        raise ValidationError({"item": _("Choose an item of this relationship's register.")})
    if item.visibility != Visibility.SHARED:
        raise ValidationError(
            {"item": _("Merge into a shared item: the customer follows what became of its feedback.")}
        )
    register.comment(
        access=access,
        item=item,
        body=_("Site-visit feedback merged into this item: %(raised)s")
        % {"raised": raised(proposal, names=not proposal.survey.anonymous)},
    )
    return _decide(access, proposal, ProposalStatus.MERGED, item, "")


@transaction.atomic
def dismiss(*, access: RelationshipAccess, proposal: Proposal, reason: str) -> Proposal:
    _require_open(access, proposal)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this needs no action: the customer will read it.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("2000 characters at most.")})
    return _decide(access, proposal, ProposalStatus.DISMISSED, None, reason)


def open_count(survey: Survey) -> int:
    return Proposal.objects.filter(survey=survey, status=ProposalStatus.OPEN).count()
