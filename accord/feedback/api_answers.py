"""The feedback API's responses (every submitted one, and a signed-in member's own), results per area,
and triage of what was raised into the register (``feedback.api`` collects this router)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from ninja import Query, Router

from accord.accounts.types import AuthedRequest
from accord.feedback import answering, rules, selectors, triage
from accord.feedback.access import (
    answer_for_user,
    my_invitation,
    proposal_for_user,
    response_for_user,
    survey_for_user,
)
from accord.feedback.answering import AreaAnswer
from accord.feedback.api_schemas import (
    FeedbackAnswersIn,
    FeedbackCreateItemIn,
    FeedbackDismissIn,
    FeedbackMergeIn,
    FeedbackMyResponseOut,
    FeedbackProposalFilters,
    FeedbackProposalOut,
    FeedbackResponseDetailOut,
    FeedbackResponseOut,
    FeedbackResultsOut,
    FeedbackSubmitIn,
    Number,
    item_out,
    response_out,
    result_out,
)
from accord.feedback.api_surveys import SURVEY
from accord.feedback.models import Invitation, Proposal, Response, Survey
from accord.lib.api import Id, responses
from accord.parties.access import RelationshipAccess
from accord.register import owners, proposals
from accord.register.access import action_item_for_user
from accord.register.models import ActionItem

router = Router(tags=["feedback"])
MINE = SURVEY + "/my-response"
PROPOSAL = SURVEY + "/proposals/{proposal_id}"

# --- responses ---------------------------------------------------------------------------------------


def _counted(responses_: Any) -> Any:
    return responses_.select_related("invitation__user").annotate(
        rated_n=Count("answers", filter=Q(answers__rating__isnull=False)),
        na_n=Count("answers", filter=Q(answers__not_applicable=True)),
        comments_n=Count("answers", filter=~Q(answers__comment="")),
    )


def _response(r: Response, names: bool) -> dict[str, Any]:
    counts = {"rated": getattr(r, "rated_n", 0), "not_applicable": getattr(r, "na_n", 0)}
    out = response_out(r, names=names, counts={**counts, "comments": getattr(r, "comments_n", 0)})
    if not names:  # the moment of submission could tell who it was
        out["submitted_at"] = None
    return out


@router.get(
    SURVEY + "/responses",
    response=responses({200: list[FeedbackResponseOut]}),
    summary="The submitted responses, in order of submission",
)
def list_responses(request: AuthedRequest, rel_id: Id, survey_number: Number) -> list[dict[str, Any]]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    names = rules.shows_names(access, survey)
    return [_response(r, names) for r in _counted(selectors.submitted(survey)).order_by("number")]


@router.get(
    SURVEY + "/responses/{response_number}",
    response=responses({200: FeedbackResponseDetailOut}),
    summary="One submitted response with its answers",
)
def get_response(
    request: AuthedRequest, rel_id: Id, survey_number: Number, response_number: Number
) -> dict[str, Any]:
    found, access = response_for_user(request.user, pk=rel_id, number=survey_number, response=response_number)
    response = _counted(Response.objects.filter(pk=found.pk)).get()
    return {
        **_response(response, rules.shows_names(access, found.survey)),
        "answers": [_answer_out(row) for row in selectors.response_rows(access, found)],
    }


def _answer_out(row: dict[str, Any]) -> dict[str, Any]:
    """A row of ``selectors.response_rows``: the answer, its proposal and its files."""
    a, proposal = row["answer"], row["proposal"]
    return {
        "id": a.pk,
        "area_id": a.area_id,
        "area_key": a.area.key,
        "area_title": a.area.title,
        "rating": a.rating,
        "not_applicable": a.not_applicable,
        "comment": a.comment,
        "flagged": a.flagged,
        "proposal_id": proposal.pk if proposal else None,
        "files": [
            {"id": f.pk, "name": f.name, "size": f.size, "content_type": f.content_type} for f in row["files"]
        ],
    }


def _my_invitation(
    request: AuthedRequest, rel_id: int, survey_number: int
) -> tuple[Invitation, RelationshipAccess]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    invitation = my_invitation(access, survey)
    if invitation is None:
        raise PermissionDenied(_("Only the people invited answer this survey."))
    invitation.survey = survey
    return invitation, access


def _mine(invitation: Invitation) -> dict[str, Any]:
    response = answering.response_for(invitation)
    answers = list(response.answers.order_by("area__position")) if response else []
    return {
        "survey": invitation.survey.ref,
        "function": invitation.function,
        "status": response.status if response else "not_started",
        "expires_at": invitation.expires_at,
        "saved_at": response.saved_at if response else None,
        "submitted_at": response.submitted_at if response else None,
        "answers": [
            {
                "area_id": a.area_id,
                "rating": a.rating,
                "not_applicable": a.not_applicable,
                "comment": a.comment,
            }
            for a in answers
        ],
    }


def _answers(given: Any) -> list[AreaAnswer]:
    return [
        AreaAnswer(area_id=a.area_id, rating=a.rating, not_applicable=a.not_applicable, comment=a.comment)
        for a in given
    ]


@router.get(
    MINE,
    response=responses({200: FeedbackMyResponseOut}, admin=True),
    summary="Your own response to a survey you are invited to (a draft until you submit it)",
)
def get_my_response(request: AuthedRequest, rel_id: Id, survey_number: Number) -> dict[str, Any]:
    invitation, _access = _my_invitation(request, rel_id, survey_number)
    return _mine(invitation)


@router.put(
    MINE,
    response=responses({200: FeedbackMyResponseOut}, write=True),
    summary="Save your answers as a draft (every value checked; a bad one saves nothing)",
)
def save_my_response(
    request: AuthedRequest, rel_id: Id, survey_number: Number, payload: FeedbackAnswersIn
) -> dict[str, Any]:
    invitation, access = _my_invitation(request, rel_id, survey_number)
    answering.save_as_member(access=access, invitation=invitation, answers=_answers(payload.answers))
    return _mine(invitation)


@router.post(
    MINE + "/submit",
    response=responses({200: FeedbackMyResponseOut}, write=True),
    summary="Submit your response (with these answers, if given): it is final",
)
def submit_my_response(
    request: AuthedRequest, rel_id: Id, survey_number: Number, payload: FeedbackSubmitIn
) -> dict[str, Any]:
    invitation, access = _my_invitation(request, rel_id, survey_number)
    answering.save_as_member(
        access=access, invitation=invitation, answers=_answers(payload.answers), submit=True
    )
    return _mine(invitation)


# --- results -----------------------------------------------------------------------------------------


@router.get(
    SURVEY + "/results",
    response=responses({200: FeedbackResultsOut}),
    summary="Per area: the distribution, mean, not applicable, comments and means by function",
)
def results(request: AuthedRequest, rel_id: Id, survey_number: Number) -> dict[str, Any]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    return {
        "survey": survey.ref,
        "responses": selectors.submitted(survey).count(),
        "areas": [result_out(r) for r in selectors.results(access, survey)],
    }


# --- triage ------------------------------------------------------------------------------------------


def _proposals_out(access: RelationshipAccess, survey: Survey, found: list[Proposal]) -> list[dict[str, Any]]:
    """Proposals of ``selectors.proposals`` (their item only where the viewer's side sees it), with the
    respondents as ``rules.shows_names`` says."""
    names = rules.shows_names(access, survey)
    out = []
    for p in found:
        answer = p.answer
        response = answer.response
        out.append(
            {
                "id": p.pk,
                "reason": p.reason,
                "status": p.status,
                "answer_id": answer.pk,
                "response_number": response.number or 0,
                "respondent": answering.respondent_label(response, response.invitation, names=names),
                "area_key": answer.area.key,
                "area_title": answer.area.title,
                "rating": answer.rating,
                "comment": answer.comment,
                "suggested_title": triage.suggested_title(p),
                "item": item_out(p.item),
                "dismiss_reason": p.dismiss_reason,
                "decided_by": p.decided_by.full_name if p.decided_by else "",
                "decided_at": p.decided_at,
                "created_at": p.created_at,
            }
        )
    return out


def _proposal(access: RelationshipAccess, survey: Survey, proposal: Proposal) -> dict[str, Any]:
    found = next(p for p in selectors.proposals(access, survey) if p.pk == proposal.pk)
    return _proposals_out(access, survey, [found])[0]


@router.get(
    SURVEY + "/proposals",
    response=responses({200: list[FeedbackProposalOut]}),
    summary="What was raised (ratings of 2 or less, flagged comments) and how each was triaged",
)
def list_proposals(
    request: AuthedRequest, rel_id: Id, survey_number: Number, filters: Query[FeedbackProposalFilters]
) -> list[dict[str, Any]]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    return _proposals_out(access, survey, selectors.proposals(access, survey, status=filters.status))


@router.post(
    SURVEY + "/answers/{answer_id}/flag",
    response=responses({200: FeedbackProposalOut}, write=True),
    summary="Flag a submitted answer's comment as an issue to act on: a proposal (once; a supplier lead)",
)
def flag(request: AuthedRequest, rel_id: Id, survey_number: Number, answer_id: Id) -> dict[str, Any]:
    answer, access = answer_for_user(request.user, pk=rel_id, number=survey_number, answer_id=answer_id)
    survey = answer.response.survey
    return _proposal(access, survey, triage.flag(access=access, answer=answer))


def _decided(
    request: AuthedRequest, rel_id: int, survey_number: int, proposal_id: int
) -> tuple[Proposal, RelationshipAccess]:
    proposal, access = proposal_for_user(
        request.user, pk=rel_id, number=survey_number, proposal_id=proposal_id
    )
    return proposal, access  # who may, and whether it is still open: the triage service's checks


@router.post(
    PROPOSAL + "/create-item",
    response=responses({200: FeedbackProposalOut}, write=True),
    summary="Triage: create a shared action item whose source is the response",
)
def create_item(
    request: AuthedRequest, rel_id: Id, survey_number: Number, proposal_id: Id, payload: FeedbackCreateItemIn
) -> dict[str, Any]:
    proposal, access = _decided(request, rel_id, survey_number, proposal_id)
    owner = None
    if payload.owner_id is not None:
        probe = ActionItem(relationship=access.relationship, owner_side=payload.owner_side)
        owner = owners.possible_owners(probe, payload.owner_side).filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": [proposals.NO_SUCH_OWNER]})
    decided = triage.create_item(
        access=access,
        proposal=proposal,
        title=payload.title.strip() or triage.suggested_title(proposal),
        description=payload.description,
        owner_side=payload.owner_side,
        owner=owner,
        due_date=payload.due_date,
        priority=payload.priority,
    )
    return _proposal(access, proposal.survey, decided)


@router.post(
    PROPOSAL + "/merge",
    response=responses({200: FeedbackProposalOut}, write=True),
    summary="Triage: merge into an item of the register (its timeline gets what was raised)",
)
def merge(
    request: AuthedRequest, rel_id: Id, survey_number: Number, proposal_id: Id, payload: FeedbackMergeIn
) -> dict[str, Any]:
    proposal, access = _decided(request, rel_id, survey_number, proposal_id)
    item, _item_access = action_item_for_user(request.user, pk=rel_id, number=payload.item)
    decided = triage.merge(access=access, proposal=proposal, item=item)
    return _proposal(access, proposal.survey, decided)


@router.post(
    PROPOSAL + "/dismiss",
    response=responses({200: FeedbackProposalOut}, write=True),
    summary="Triage: dismiss with a reason (the customer reads it)",
)
def dismiss(
    request: AuthedRequest, rel_id: Id, survey_number: Number, proposal_id: Id, payload: FeedbackDismissIn
) -> dict[str, Any]:
    proposal, access = _decided(request, rel_id, survey_number, proposal_id)
    decided = triage.dismiss(access=access, proposal=proposal, reason=payload.reason)
    return _proposal(access, proposal.survey, decided)
