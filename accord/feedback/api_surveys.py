"""The feedback API's areas (versioned), surveys and invitations (``feedback.api`` collects this router
and ``api_answers``'s). Doors, services and error translation as ``feedback.api`` describes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router

from accord.accounts.types import AuthedRequest
from accord.feedback import rules, selectors, services
from accord.feedback.access import (
    invitation_for_user,
    my_invitation,
    relationship_surveys,
    survey_for_user,
)
from accord.feedback.api_schemas import (
    FeedbackInvitationOut,
    FeedbackInviteIn,
    FeedbackSurveyDetailOut,
    FeedbackSurveyFilters,
    FeedbackSurveyIn,
    FeedbackSurveyOut,
    FeedbackSurveyPatch,
    FeedbackTemplateIn,
    FeedbackTemplateOut,
    FeedbackVersionIn,
    Number,
    survey_out,
    template_out,
)
from accord.feedback.models import Invitation, Survey, SurveyTemplate
from accord.feedback.services import AreaInput, Invitee
from accord.lib.api import Id, responses
from accord.meetings.access import meeting_for_user
from accord.parties.access import RelationshipAccess, first_or_404
from accord.parties.selectors import sites_in

router = Router(tags=["feedback"])
FEEDBACK = "/relationships/{rel_id}/feedback"
AREAS = FEEDBACK + "/areas"
SURVEYS = FEEDBACK + "/surveys"
SURVEY = SURVEYS + "/{survey_number}"

# --- the services' refusals, in the API's words ------------------------------------------------------


@contextmanager
def renamed(**names: str) -> Iterator[None]:
    """Fields the services name after the record (``meeting``) named as the API takes them
    (``meeting_id``). A stale version needs nothing here: the services raise ``Conflict`` (a 409 with
    the current record)."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {names.get(name, name): messages for name, messages in exc.message_dict.items()}
            ) from exc
        raise


def require(allowed: bool, refusal: str) -> None:
    """The service's own check, made before the API resolves ids it would otherwise answer 400 for."""
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


# --- areas -------------------------------------------------------------------------------------------


def _template(template: SurveyTemplate) -> dict[str, Any]:
    loaded = SurveyTemplate.objects.select_related("created_by").prefetch_related("areas")
    return template_out(loaded.get(pk=template.pk))


@router.get(
    AREAS,
    response=responses({200: FeedbackTemplateOut}),
    summary="The relationship's current feedback areas (the guidance's twelve until edited)",
)
def current_areas(request: AuthedRequest, rel_id: Id) -> dict[str, Any]:
    _surveys, access = relationship_surveys(request.user, pk=rel_id)
    return _template(services.current_template(access.relationship))


@router.get(
    AREAS + "/{template_version}",
    response=responses({200: FeedbackTemplateOut}),
    summary="The areas of one version (a survey keeps the version it was made with)",
)
def areas_version(request: AuthedRequest, rel_id: Id, template_version: Number) -> dict[str, Any]:
    _surveys, access = relationship_surveys(request.user, pk=rel_id)
    services.current_template(access.relationship)  # version 1 exists once asked for
    found = first_or_404(
        SurveyTemplate.objects.filter(relationship=access.relationship, version=template_version)
    )
    return _template(found)


@router.post(
    AREAS,
    response=responses({201: FeedbackTemplateOut}, write=True, conflict=True),
    summary="Save a new version of the areas (add, reword, reorder, drop; a supplier lead)",
)
def save_areas(request: AuthedRequest, rel_id: Id, payload: FeedbackTemplateIn) -> Any:
    _surveys, access = relationship_surveys(request.user, pk=rel_id)
    areas = [AreaInput(title=a.title, question=a.question, key=a.key) for a in payload.areas]
    template = services.save_template(access=access, areas=areas, note=payload.note, version=payload.version)
    return 201, _template(template)


# --- surveys -----------------------------------------------------------------------------------------


def _loaded(surveys: Any) -> Any:
    return surveys.select_related("site", "template", "created_by")


def _detail(access: RelationshipAccess, survey: Survey) -> dict[str, Any]:
    loaded = _loaded(Survey.objects.filter(pk=survey.pk)).get()
    progress = selectors.progress(loaded)
    mine = my_invitation(access, loaded)
    return {
        **survey_out(loaded, progress),
        "drafts": progress.drafts,
        "proposals": progress.proposals,
        "my_invitation": {"function": mine.function, "answered": mine.submitted_at is not None}
        if mine
        else None,
    }


def _meeting(request: AuthedRequest, rel_id: int, meeting_id: int | None) -> Any:
    if meeting_id is None:
        return None
    try:
        return meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)[0]
    except Http404:
        raise ValidationError(
            {"meeting_id": [_("Choose one of this relationship's customer site visits.")]}
        ) from None


def _site(access: RelationshipAccess, site_id: int | None) -> Any:
    if site_id is None:
        return None
    site = sites_in(access.relationship).filter(pk=site_id).first()
    if site is None:
        raise ValidationError({"site_id": [_("Choose one of this relationship's sites.")]})
    return site


@router.get(
    SURVEYS,
    response=responses({200: list[FeedbackSurveyOut]}),
    summary="The relationship's surveys, newest first, with their progress",
)
def list_surveys(
    request: AuthedRequest, rel_id: Id, filters: Query[FeedbackSurveyFilters]
) -> list[dict[str, Any]]:
    surveys, _access = relationship_surveys(request.user, pk=rel_id)
    if filters.status:
        surveys = surveys.filter(status=filters.status)
    found = list(_loaded(surveys).annotate(invited=Count("invitations")).order_by("-number"))
    answered = selectors.answered_by_survey(found)
    open_ = selectors.open_proposals_by_survey(found)
    return [
        survey_out(
            s,
            {"invited": s.invited, "answered": answered.get(s.pk, 0), "open_proposals": open_.get(s.pk, 0)},
        )
        for s in found
    ]


@router.post(
    SURVEYS,
    response=responses({201: FeedbackSurveyDetailOut}, write=True),
    summary="Prepare a survey (a draft on the current areas; a supplier lead)",
)
def create_survey(request: AuthedRequest, rel_id: Id, payload: FeedbackSurveyIn) -> Any:
    _surveys, access = relationship_surveys(request.user, pk=rel_id)
    require(rules.may_manage(access), "manage")
    with renamed(meeting="meeting_id", site="site_id"):
        survey = services.create_survey(
            access=access,
            title=payload.title,
            closes_on=payload.closes_on,
            meeting=_meeting(request, rel_id, payload.meeting_id),
            site=_site(access, payload.site_id),
            equipment=payload.equipment,
            equipment_since=payload.equipment_since,
            anonymous=payload.anonymous,
        )
    return 201, _detail(access, survey)


@router.get(
    SURVEY,
    response=responses({200: FeedbackSurveyDetailOut}),
    summary="One survey with its progress, and your invitation to it",
)
def get_survey(request: AuthedRequest, rel_id: Id, survey_number: Number) -> dict[str, Any]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    return _detail(access, survey)


@router.patch(
    SURVEY,
    response=responses({200: FeedbackSurveyDetailOut}, write=True, conflict=True),
    summary="Change a survey that is not closed (a supplier lead)",
)
def patch_survey(
    request: AuthedRequest, rel_id: Id, survey_number: Number, payload: FeedbackSurveyPatch
) -> dict[str, Any]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    require(rules.may_change(access, survey), "manage")
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    for name in ("title", "closes_on", "anonymous"):
        if name in values and values[name] is None:
            values.pop(name)
    if "equipment" in values and values["equipment"] is None:
        values["equipment"] = ""
    if "meeting_id" in values:
        values["meeting"] = _meeting(request, rel_id, values.pop("meeting_id"))
    if "site_id" in values:
        values["site"] = _site(access, values.pop("site_id"))
    with renamed(meeting="meeting_id", site="site_id"):
        changed = services.update_survey(access=access, survey=survey, version=version, **values)
    return _detail(access, changed)


@router.post(
    SURVEY + "/open",
    response=responses({200: FeedbackSurveyDetailOut}, write=True, conflict=True),
    summary="Open a draft survey for answers: everyone invited gets their link",
)
def open_survey(
    request: AuthedRequest, rel_id: Id, survey_number: Number, payload: FeedbackVersionIn
) -> dict[str, Any]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    opened = services.open_survey(access=access, survey=survey, version=payload.version)
    return _detail(access, opened)


@router.post(
    SURVEY + "/close",
    response=responses({200: FeedbackSurveyDetailOut}, write=True, conflict=True),
    summary="Close an open survey: no more answers",
)
def close_survey(
    request: AuthedRequest, rel_id: Id, survey_number: Number, payload: FeedbackVersionIn
) -> dict[str, Any]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    closed = services.close_survey(access=access, survey=survey, version=payload.version)
    return _detail(access, closed)


# --- invitations -------------------------------------------------------------------------------------


def _invitation_out(invitation: Invitation, *, names: bool) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "name": invitation.display_name,
        "email": invitation.email,
        "function": invitation.function,
        "member": invitation.user_id is not None,
        "answered": (invitation.submitted_at is not None) if names else None,
        "sent_at": invitation.sent_at,
        "expires_at": invitation.expires_at,
    }


@router.get(
    SURVEY + "/invitations",
    response=responses({200: list[FeedbackInvitationOut]}),
    summary="Who was invited (and, unless the survey hides names from you, who answered)",
)
def list_invitations(request: AuthedRequest, rel_id: Id, survey_number: Number) -> list[dict[str, Any]]:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    names = rules.shows_names(access, survey)
    return [_invitation_out(row["invitation"], names=names) for row in selectors.invitations(access, survey)]


@router.post(
    SURVEY + "/invitations",
    response=responses({201: list[FeedbackInvitationOut]}, write=True),
    summary="Invite people: the customer's members by user id, anyone else by name and e-mail (a lead)",
)
def invite(request: AuthedRequest, rel_id: Id, survey_number: Number, payload: FeedbackInviteIn) -> Any:
    survey, access = survey_for_user(request.user, pk=rel_id, number=survey_number)
    invitees = [
        Invitee(function=i.function, user_id=i.user_id, name=i.name, email=i.email, language=i.language)
        for i in payload.invitees
    ]
    with renamed(user="user_id"):
        made = services.invite(access=access, survey=survey, invitees=invitees)
    names = rules.shows_names(access, survey)
    return 201, [_invitation_out(i, names=names) for i in made]


@router.post(
    SURVEY + "/invitations/{invitation_id}/send-again",
    response=responses({200: FeedbackInvitationOut}, write=True),
    summary="Send someone a new link (the old one stops working; an open survey)",
)
def send_again(
    request: AuthedRequest, rel_id: Id, survey_number: Number, invitation_id: Id
) -> dict[str, Any]:
    invitation, access = invitation_for_user(
        request.user, pk=rel_id, number=survey_number, invitation_id=invitation_id
    )
    sent = services.send_again(access=access, invitation=invitation)
    return _invitation_out(sent, names=rules.shows_names(access, invitation.survey))
