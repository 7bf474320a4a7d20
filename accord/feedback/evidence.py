"""A respondent's photo or file for one area: an attachment whose parent is the ``Answer``. Readers
see it as they see the response (submitted responses of the surveys they see); only the respondent adds
files, from the answer form (``answering.add_file``), so the generic upload page refuses everyone else.
Registered from ``FeedbackConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accord.attachments.kinds import ParentKind, register
from accord.feedback.access import relationship_surveys
from accord.feedback.answering import ANSWER_KIND, RESPONDENT
from accord.feedback.models import Answer, ResponseStatus, Survey
from accord.parties.access import first_or_404


def _visible(access: Any) -> Any:
    return Answer.objects.filter(
        response__survey__in=Survey.objects.visible_to(access), response__status=ResponseStatus.SUBMITTED
    )


def _find(
    user: Any, *, slug: str | None = None, pk: int | None = None, ref: str, write: bool = False
) -> tuple[Answer, Any]:
    _surveys, access = relationship_surveys(user, slug=slug, pk=pk)
    answer_id = int(ref) if ref.isdigit() and len(ref) < 12 else 0
    found = first_or_404(
        _visible(access).filter(pk=answer_id).select_related("response__survey__relationship", "area")
    )
    return found, access


def _url(answer: Answer) -> str:
    survey = answer.response.survey
    return reverse(
        "feedback:response", args=[survey.relationship.slug, survey.number, answer.response.number]
    )


def connect() -> None:
    register(
        ParentKind(
            key=ANSWER_KIND,
            label="feedback answer",
            model=Answer,
            find=_find,
            visible=_visible,
            ref=lambda answer: str(answer.pk),
            url=_url,
            describe=lambda answer: f"{answer.response.survey.ref} {answer.area.title}",
            may_add=lambda access, answer: (
                access.role == RESPONDENT and answer.response.status == ResponseStatus.DRAFT
            ),
        )
    )
