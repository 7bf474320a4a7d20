"""The feedback's doors, built on the tenancy core ``parties.access.relationship_for_user``.

Surveys are the relationship's members' business: both sides read them (``Survey.visible_to``); a
facilitator or anyone else gets the same 404 as for a missing one. A response is readable once
submitted; a draft is its respondent's alone. What a person may change is ``feedback.rules``' business.
The invitation link, the one door open without an account, is ``feedback.door``.
"""

from __future__ import annotations

from typing import Any

from accord.feedback.models import (
    Answer,
    Invitation,
    Proposal,
    Response,
    ResponseStatus,
    Survey,
    SurveyQuerySet,
)
from accord.parties.access import RelationshipAccess, accesses_for, first_or_404, relationship_for_user
from accord.parties.models import Relationship


def relationship_surveys(
    user: Any, *, slug: str | None = None, pk: int | None = None
) -> tuple[SurveyQuerySet, RelationshipAccess]:
    access = relationship_for_user(user, slug=slug, pk=pk)
    return Survey.objects.visible_to(access), access


def survey_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, number: int
) -> tuple[Survey, RelationshipAccess]:
    surveys, access = relationship_surveys(user, slug=slug, pk=pk)
    found = first_or_404(surveys.filter(number=number).select_related("relationship", "meeting", "site"))
    return found, access


def response_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, number: int, response: int
) -> tuple[Response, RelationshipAccess]:
    """A submitted response of a survey the viewer sees, by its number."""
    survey, access = survey_for_user(user, slug=slug, pk=pk, number=number)
    found = first_or_404(
        Response.objects.filter(
            survey=survey, number=response, status=ResponseStatus.SUBMITTED
        ).select_related("invitation", "invitation__user", "survey__relationship")
    )
    return found, access


def answer_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, number: int, answer_id: int
) -> tuple[Answer, RelationshipAccess]:
    """An answer of a submitted response of a survey the viewer sees."""
    survey, access = survey_for_user(user, slug=slug, pk=pk, number=number)
    found = first_or_404(
        Answer.objects.filter(
            pk=answer_id, response__survey=survey, response__status=ResponseStatus.SUBMITTED
        ).select_related("response__survey__relationship", "area")
    )
    return found, access


def proposal_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, number: int, proposal_id: int
) -> tuple[Proposal, RelationshipAccess]:
    survey, access = survey_for_user(user, slug=slug, pk=pk, number=number)
    found = first_or_404(
        Proposal.objects.filter(survey=survey, pk=proposal_id).select_related(
            "answer__area", "answer__response__invitation", "survey__relationship", "item"
        )
    )
    return found, access


def invitation_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, number: int, invitation_id: int
) -> tuple[Invitation, RelationshipAccess]:
    survey, access = survey_for_user(user, slug=slug, pk=pk, number=number)
    found = first_or_404(Invitation.objects.filter(survey=survey, pk=invitation_id).select_related("survey"))
    return found, access


def my_invitation(access: RelationshipAccess, survey: Survey) -> Invitation | None:
    """The signed-in viewer's own invitation to ``survey``, if they are invited."""
    return survey.invitations.filter(user=access.user).first()


def feedback_accesses(user: Any, relationships: list[Relationship] | None = None) -> list[RelationshipAccess]:
    """``user``'s member access to each of their relationships (no facilitator: a guest sees no feedback)."""
    return [a for a in accesses_for(user, relationships) if not a.is_guest]
