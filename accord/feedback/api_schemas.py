"""The feedback API's schemas and how records become them (``feedback.api`` holds the operations). Every
class name is unique across the API (tests/api/test_schema_names.py), hence the ``Feedback`` prefix.

Who gave which answer is shown as ``rules.shows_names`` says: on the supplier side of an anonymous survey
a respondent is "Respondent 2 (Operation)", never a name."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field

from accord.accounts.locale import Language
from accord.feedback import selectors
from accord.feedback.answering import respondent_label
from accord.feedback.areas import AREAS_MAX, COMMENT_MAX, QUESTION_MAX, RATING_MAX, RATING_MIN, TITLE_MAX
from accord.feedback.areas import Function as FeedbackFunction
from accord.feedback.models import (
    ProposalReason,
    ProposalStatus,
    Response,
    Survey,
    SurveyStatus,
    SurveyTemplate,
    TemplateArea,
)
from accord.feedback.selectors import FUNCTION_LABELS, AreaResult, Progress
from accord.lib.api import MAX_INT, MAX_TEXT, Id, Key, Version, serializer
from accord.register.models import ActionItem, OwnerSide, Priority

INVITEES_MAX = 200  # people invited in one request


def _in_years(value: date | None) -> date | None:
    """A day of the years 1900–2999: a link expires the day after a survey closes, and the database
    and Python's dates end at 9999-12-31, so a far-off day must be a 400, never a 500."""
    if value is not None and not 1900 <= value.year <= 2999:
        raise ValueError("Choose a day of the years 1900 to 2999.")
    return value


Day = Annotated[date, AfterValidator(_in_years)]
# A survey's number (FB-n), a response's (in order of submission) or a template version: 32-bit columns
Number = Annotated[int, Field(ge=1, le=MAX_INT)]

# --- areas -------------------------------------------------------------------------------------------


class FeedbackAreaOut(Schema):
    id: int = Field(description="The area's id in this version: answers name it")
    key: str = Field(description="Stays the same across versions, so results compare over time")
    position: int
    title: str
    question: str


class FeedbackTemplateOut(Schema):
    version: int = Field(description="Surveys keep the version they were made with")
    note: str
    created_by: str
    created_at: datetime
    areas: list[FeedbackAreaOut]


class FeedbackAreaIn(Schema):
    key: str = Field(
        default="",
        max_length=40,
        pattern=r"^[-a-z0-9_]*$",
        description="An area of the version you started from (kept, maybe reworded); empty: a new area",
    )
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    question: str = Field(min_length=1, max_length=QUESTION_MAX)


class FeedbackTemplateIn(Schema):
    version: Version = Field(description="The template version you started from (409 if not the latest)")
    areas: list[FeedbackAreaIn] = Field(max_length=AREAS_MAX, description="Every area, in order")
    note: str = Field(default="", max_length=300, description="What changed")


# --- surveys -----------------------------------------------------------------------------------------


class FeedbackSiteOut(Schema):
    id: int
    name: str


class FeedbackProgressOut(Schema):
    invited: int
    answered: int = Field(description="Responses submitted")
    open_proposals: int = Field(description="Weak ratings and flagged comments not triaged yet")


class FeedbackSurveyOut(Schema):
    id: int
    number: int
    reference: str = Field(description="FB-n")
    title: str
    status: SurveyStatus
    meeting_id: int | None = Field(description="The site-visit meeting it belongs to")
    site: FeedbackSiteOut | None
    equipment: str
    equipment_since: date | None
    template_version: int = Field(description="The areas asked (GET …/feedback/areas/{version})")
    closes_on: date
    anonymous: bool = Field(description="Names hidden from the supplier side")
    opened_at: datetime | None
    closed_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    progress: FeedbackProgressOut


class FeedbackMyInvitationOut(Schema):
    function: FeedbackFunction
    answered: bool


class FeedbackSurveyDetailOut(FeedbackSurveyOut):
    drafts: int = Field(description="Responses started and not submitted")
    proposals: int = Field(description="Proposals raised, triaged or not")
    my_invitation: FeedbackMyInvitationOut | None = Field(description="Yours, when you are invited")


class FeedbackSurveyFilters(Schema):
    status: SurveyStatus | None = None


class FeedbackSurveyIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    closes_on: Day = Field(description="Links work to the end of this day (UTC)")
    meeting_id: Id | None = Field(default=None, description="A customer site visit of this relationship")
    site_id: Id | None = Field(default=None, description="Default: the site visit's site")
    equipment: str = Field(default="", max_length=200)
    equipment_since: Day | None = None
    anonymous: bool = False


class FeedbackSurveyPatch(Schema):
    """What is left out stays; ``null`` clears the meeting, site or equipment date."""

    version: Version
    title: str | None = Field(default=None, min_length=1, max_length=200)
    closes_on: Day | None = None
    meeting_id: Id | None = None
    site_id: Id | None = None
    equipment: str | None = Field(default=None, max_length=200)
    equipment_since: Day | None = None
    anonymous: bool | None = Field(default=None, description="Fixed once anyone has answered")


class FeedbackVersionIn(Schema):
    version: Version


# --- invitations -------------------------------------------------------------------------------------


class FeedbackInvitationOut(Schema):
    id: int
    name: str
    email: str
    function: FeedbackFunction
    member: bool = Field(description="A member of the customer, who answers signed in")
    answered: bool | None = Field(description="Null when the survey hides names from you")
    sent_at: datetime | None
    expires_at: datetime


class FeedbackInviteeIn(Schema):
    function: FeedbackFunction
    user_id: Id | None = Field(default=None, description="A member of the customer (then no name or e-mail)")
    name: str = Field(default="", max_length=150)
    email: str = Field(default="", max_length=254)
    language: Language | Literal[""] = Field(
        default="",
        description="The e-mails' and answer page's language for someone without an account; empty: the"
        " relationship's",
    )


class FeedbackInviteIn(Schema):
    invitees: list[FeedbackInviteeIn] = Field(min_length=1, max_length=INVITEES_MAX)


# --- responses ---------------------------------------------------------------------------------------


class FeedbackResponseOut(Schema):
    number: int
    respondent: str = Field(description="Name and function, or 'Respondent n (function)' when hidden")
    function: FeedbackFunction
    submitted_at: datetime | None
    rated: int = Field(description="Areas rated")
    not_applicable: int
    comments: int


class FeedbackFileOut(Schema):
    id: int = Field(description="Download: GET …/attachments/feedback-answer/{answer id}/{id}")
    name: str
    size: int
    content_type: str


class FeedbackAnswerOut(Schema):
    id: int
    area_id: int
    area_key: str
    area_title: str
    rating: int | None
    not_applicable: bool
    comment: str
    flagged: bool
    proposal_id: int | None = Field(description="The proposal it raised, if any")
    files: list[FeedbackFileOut] = Field(description="The respondent's photos or files for this area")


class FeedbackResponseDetailOut(FeedbackResponseOut):
    answers: list[FeedbackAnswerOut]


class FeedbackMyAnswerOut(Schema):
    area_id: int
    rating: int | None
    not_applicable: bool
    comment: str


class FeedbackMyResponseOut(Schema):
    survey: str = Field(description="FB-n")
    function: FeedbackFunction
    status: str = Field(description="not_started, draft or submitted")
    expires_at: datetime
    saved_at: datetime | None
    submitted_at: datetime | None
    answers: list[FeedbackMyAnswerOut]


class FeedbackAnswerIn(Schema):
    area_id: Id = Field(description="An area of the survey's template version")
    rating: int | None = Field(default=None, ge=RATING_MIN, le=RATING_MAX)
    not_applicable: bool = False
    comment: str = Field(default="", max_length=COMMENT_MAX)


class FeedbackAnswersIn(Schema):
    answers: list[FeedbackAnswerIn] = Field(max_length=AREAS_MAX)


class FeedbackSubmitIn(Schema):
    answers: list[FeedbackAnswerIn] = Field(
        default=[], max_length=AREAS_MAX, description="Saved with the draft before submitting"
    )


# --- results -----------------------------------------------------------------------------------------


class FeedbackFunctionMeanOut(Schema):
    function: FeedbackFunction
    label: str
    mean: float
    ratings: int


class FeedbackProposalRefOut(Schema):
    id: int
    status: ProposalStatus


class FeedbackCommentOut(Schema):
    answer_id: int
    respondent: str
    function: str
    rating: int | None
    text: str
    response_number: int
    proposal: FeedbackProposalRefOut | None


class FeedbackAreaResultOut(Schema):
    area_id: int
    key: str
    title: str
    question: str
    counts: list[int] = Field(description="How many rated 1, 2, 3, 4 and 5")
    rated: int
    not_applicable: int
    mean: float | None
    low: int = Field(description="Ratings of 2 or less")
    by_function: list[FeedbackFunctionMeanOut]
    comments: list[FeedbackCommentOut]


class FeedbackResultsOut(Schema):
    survey: str
    responses: int
    areas: list[FeedbackAreaResultOut]


# --- proposals ---------------------------------------------------------------------------------------


class FeedbackItemOut(Schema):
    number: str = Field(description="The action item's key: 7, S4, C2")
    reference: str
    title: str
    status: str


class FeedbackProposalOut(Schema):
    id: int
    reason: ProposalReason
    status: ProposalStatus
    answer_id: int
    response_number: int
    respondent: str
    area_key: str
    area_title: str
    rating: int | None
    comment: str
    suggested_title: str
    item: FeedbackItemOut | None = Field(description="The item created or merged into, if you may see it")
    dismiss_reason: str
    decided_by: str
    decided_at: datetime | None
    created_at: datetime


class FeedbackProposalFilters(Schema):
    status: ProposalStatus | None = None


class FeedbackCreateItemIn(Schema):
    title: str = Field(default="", max_length=300, description="Default: the suggested title")
    description: str = Field(default="", max_length=MAX_TEXT, description="Default: what was raised")
    owner_side: OwnerSide = OwnerSide.SUPPLIER
    owner_id: Id | None = None
    due_date: Day | None = None
    priority: Priority = Priority.MEDIUM


class FeedbackMergeIn(Schema):
    item: Key = Field(description="The key of an item of this register that you see")


class FeedbackDismissIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, description="The customer reads it")


# --- serializers -------------------------------------------------------------------------------------


def _name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or user) if user is not None else ""


def area_out(a: TemplateArea) -> dict[str, Any]:
    return {"id": a.pk, "key": a.key, "position": a.position, "title": a.title, "question": a.question}


def template_out(t: SurveyTemplate) -> dict[str, Any]:
    return {
        "version": t.version,
        "note": t.note,
        "created_by": _name(t.created_by),
        "created_at": t.created_at,
        "areas": [area_out(a) for a in t.areas.all()],
    }


@serializer("feedback.surveytemplate")
def _template_current(t: SurveyTemplate) -> dict[str, Any]:
    found = SurveyTemplate.objects.select_related("created_by").prefetch_related("areas").get(pk=t.pk)
    return template_out(found)


def survey_out(s: Survey, progress: Progress | dict[str, int]) -> dict[str, Any]:
    """``s`` with ``site``, ``template`` and ``created_by`` loaded (``api._surveys``)."""
    counts = progress if isinstance(progress, dict) else vars(progress)
    return {
        "id": s.pk,
        "number": s.number,
        "reference": s.ref,
        "title": s.title,
        "status": s.status,
        "meeting_id": s.meeting_id,
        "site": {"id": s.site.pk, "name": s.site.name} if s.site else None,
        "equipment": s.equipment,
        "equipment_since": s.equipment_since,
        "template_version": s.template.version,
        "closes_on": s.closes_on,
        "anonymous": s.anonymous,
        "opened_at": s.opened_at,
        "closed_at": s.closed_at,
        "created_by": _name(s.created_by),
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "version": s.version,
        "progress": {k: counts[k] for k in ("invited", "answered", "open_proposals")},
    }


@serializer("feedback.survey")
def _survey_current(s: Survey) -> dict[str, Any]:
    """The survey as a 409 answer shows it: as the list shows it."""
    found = Survey.objects.select_related("site", "template", "created_by").get(pk=s.pk)
    return survey_out(found, selectors.progress(found))


def response_out(r: Response, *, names: bool, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "number": r.number,
        "respondent": respondent_label(r, r.invitation, names=names),
        "function": r.function,
        "submitted_at": r.submitted_at,
        **counts,
    }


def item_out(item: ActionItem | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {"number": item.key, "reference": item.reference, "title": item.title, "status": item.status}


def function_means(result: AreaResult) -> list[dict[str, Any]]:
    return [
        {
            "function": function,
            "label": str(FUNCTION_LABELS.get(function, function)),
            "mean": round(sum(ratings) / len(ratings), 2),
            "ratings": len(ratings),
        }
        for function, ratings in sorted(result.by_function.items())
    ]


def result_out(result: AreaResult) -> dict[str, Any]:
    return {
        "area_id": result.area_id,
        "key": result.key,
        "title": result.title,
        "question": result.question,
        "counts": result.counts,
        "rated": result.rated,
        "not_applicable": result.not_applicable,
        "mean": result.mean,
        "low": result.low,
        "by_function": function_means(result),
        "comments": [
            {
                "answer_id": c.answer_id,
                "respondent": c.label,
                "function": c.function,
                "rating": c.rating,
                "text": c.text,
                "response_number": c.response_number,
                "proposal": {"id": c.proposal.pk, "status": c.proposal.status} if c.proposal else None,
            }
            for c in result.comments
        ],
    }
