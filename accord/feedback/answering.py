"""Answering a survey: by the invitation link (no account) or signed in, from the dashboard. A response
is a draft, saved as often as the respondent likes (the form autosaves), until it is submitted; then it
is fixed, its invitation's link stops working, and every rating of 2 or less becomes a proposal for the
register (``triage.py``).

Every value is checked like any form's: a rating is 1–5 or "not applicable", a comment has a limit, and
an area must be one of the survey's own (a forged id is refused, never stored). On an anonymous survey
the audit trail and the e-mails name no respondent, only the function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.attachments import kinds as attachment_kinds
from accord.attachments import services as attachments
from accord.attachments.models import Attachment
from accord.audit import services as audit
from accord.feedback import door, emails
from accord.feedback.areas import COMMENT_MAX, LOW_RATING, RATING_MAX, RATING_MIN
from accord.feedback.models import (
    Answer,
    Invitation,
    Proposal,
    ProposalReason,
    Response,
    ResponseStatus,
    SurveyStatus,
    TemplateArea,
)
from accord.parties.access import RelationshipAccess
from accord.parties.models import Side

RESPONDENT = "respondent"  # the role of the access a respondent's files are added under
ANSWER_KIND = "feedback-answer"  # the attachments' parent kind (evidence.py)


@dataclass(frozen=True)
class AreaAnswer:
    area_id: int
    rating: int | None = None
    not_applicable: bool = False
    comment: str = ""


def respondent_access(invitation: Invitation) -> RelationshipAccess:
    """The access a respondent's files are stored under: the customer side, and nobody's name when the
    survey is anonymous (nor when they have no account)."""
    rel = invitation.survey.relationship
    user = None if invitation.survey.anonymous else invitation.user
    return RelationshipAccess(
        relationship=rel, user=user, party=rel.customer, side=Side.CUSTOMER, role=RESPONDENT
    )


def respondent_label(response: Response | None, invitation: Invitation, *, names: bool) -> str:
    """ "Grace Hopper (operation)" or, without names, "Respondent 2 (operation)"."""
    function = invitation.get_function_display()
    if names:
        return f"{invitation.display_name} ({function})"
    number = response.number if response is not None and response.number else "–"
    return _("Respondent %(n)s (%(f)s)") % {"n": number, "f": function}


def _actor(invitation: Invitation) -> Any:
    return None if invitation.survey.anonymous else invitation.user


def _check_open(invitation: Invitation) -> None:
    if invitation.submitted_at is not None:
        raise ValidationError(_("This survey was answered already: thank you."))
    if invitation.survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("This survey is not open for answers."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("The time to answer this survey has passed."))


def response_for(invitation: Invitation) -> Response | None:
    return Response.objects.filter(invitation=invitation).first()


def clean(invitation: Invitation, given: list[AreaAnswer]) -> tuple[dict[int, AreaAnswer], dict[str, str]]:
    """The answers that are valid, by area id, and a message per bad field (``area-<id>-rating``…)."""
    areas = {a.pk: a for a in TemplateArea.objects.filter(template_id=invitation.survey.template_id)}
    good: dict[int, AreaAnswer] = {}
    errors: dict[str, str] = {}
    for answer in given:
        area = areas.get(answer.area_id)
        if area is None:
            errors["areas"] = _("An answer names an area that is not in this survey.")
            continue
        prefix = f"area-{area.pk}"
        bad = False
        if answer.rating is not None and not RATING_MIN <= answer.rating <= RATING_MAX:
            errors[f"{prefix}-rating"] = _(
                "%(area)s: rate from %(lo)d to %(hi)d, or choose not applicable."
            ) % {
                "area": area.title,
                "lo": RATING_MIN,
                "hi": RATING_MAX,
            }
            bad = True
        if answer.rating is not None and answer.not_applicable:
            errors[f"{prefix}-rating"] = _("%(area)s: give a rating or choose not applicable, not both.") % {
                "area": area.title
            }
            bad = True
        if len(answer.comment) > COMMENT_MAX:
            errors[f"{prefix}-comment"] = _(
                "%(area)s: a comment takes %(n)d characters at most (this one has %(m)d)."
            ) % {
                "area": area.title,
                "n": COMMENT_MAX,
                "m": len(answer.comment),
            }
            bad = True
        if not bad:
            good[area.pk] = answer
    return good, errors


@transaction.atomic
def save(
    *, invitation: Invitation, answers: list[AreaAnswer], submit: bool = False, partial: bool = False
) -> Response:
    """Store the respondent's answers as a draft, or submit them. A bad value refuses the whole save with
    a message per field, except an autosave (``partial``), which keeps the good fields and reports the
    bad. Submitting needs at least one area rated or marked not applicable."""
    locked = (
        Invitation.objects.select_for_update().select_related("survey__relationship").get(pk=invitation.pk)
    )
    _check_open(locked)
    good, errors = clean(locked, answers)
    if errors and not partial:
        raise ValidationError(errors)
    response = response_for(locked)
    if response is None:
        response = Response.objects.create(survey=locked.survey, invitation=locked, function=locked.function)
    stored = {a.area_id: a for a in response.answers.all()}
    for area_id, given in good.items():
        comment = given.comment.strip()
        row = stored.get(area_id) or Answer(response=response, area_id=area_id)
        row.rating, row.not_applicable, row.comment = given.rating, given.not_applicable, comment
        row.save()
        stored[area_id] = row
    now = timezone.now()
    response.saved_at = now
    if submit:
        answered = [a for a in stored.values() if a.rating is not None or a.not_applicable]
        if not answered:
            raise ValidationError(
                {"areas": _("Rate at least one area (or mark it not applicable) to submit.")}
            )
        _submit(locked, response, now)
    response.save()
    if errors:  # an autosave kept what it could
        raise ValidationError(errors)
    return response


def _submit(invitation: Invitation, response: Response, now: Any) -> None:
    survey = invitation.survey
    type(survey).objects.select_for_update().filter(pk=survey.pk).first()  # one numberer at a time
    response.number = (Response.objects.filter(survey=survey).aggregate(n=Max("number"))["n"] or 0) + 1
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = now
    invitation.submitted_at = now
    Invitation.objects.filter(pk=invitation.pk).update(submitted_at=now)
    low = response.answers.filter(rating__isnull=False, rating__lte=LOW_RATING)
    made = Proposal.objects.bulk_create(
        Proposal(survey=survey, answer=a, reason=ProposalReason.LOW_RATING) for a in low
    )
    label = respondent_label(response, invitation, names=not survey.anonymous)
    audit.record(
        actor=_actor(invitation),
        verb="survey.answered",
        obj=survey,
        relationship=survey.relationship,
        changes={"response": [None, response.number], "proposals": [None, len(made)]},
        label=f"{survey}: {label}",
    )
    transaction.on_commit(lambda: emails.answered(survey, response, len(made)))


def save_as_member(
    *,
    access: RelationshipAccess,
    invitation: Invitation | None,
    answers: list[AreaAnswer],
    submit: bool = False,
    partial: bool = False,
) -> Response:
    """A signed-in member answers their own invitation; someone not invited is refused (403)."""
    if invitation is None or invitation.user_id != getattr(access.user, "pk", None):
        raise PermissionDenied(_("Only the people invited answer this survey."))
    return save(invitation=invitation, answers=answers, submit=submit, partial=partial)


def add_file(*, invitation: Invitation, area_id: int, upload: IO[bytes], name: str) -> Any:
    """A photo or file for one area of a draft (stored with the attachments' checks: size, type)."""
    _check_open(invitation)
    area = TemplateArea.objects.filter(template_id=invitation.survey.template_id, pk=area_id).first()
    if area is None:
        raise ValidationError({"areas": _("An answer names an area that is not in this survey.")})
    with transaction.atomic():
        response = response_for(invitation) or Response.objects.create(
            survey=invitation.survey, invitation=invitation, function=invitation.function
        )
        answer, _created = Answer.objects.get_or_create(response=response, area=area)
        return attachments.add(
            access=respondent_access(invitation),
            kind=attachment_kinds.get(ANSWER_KIND),
            parent=answer,
            upload=upload,
            name=name,
        )


def files_by_area(response: Response | None) -> dict[int, list[Any]]:
    if response is None:
        return {}
    by_answer = dict(response.answers.values_list("pk", "area_id"))
    found: dict[int, list[Any]] = {}
    for attachment in Attachment.objects.filter(
        parent_kind=ANSWER_KIND, parent_id__in=list(by_answer)
    ).order_by("id"):
        found.setdefault(by_answer[attachment.parent_id], []).append(attachment)
    return found


def token_invitation(raw: str) -> Invitation | None:
    return door.invitation_for_token(raw)
