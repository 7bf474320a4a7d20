"""Every read about feedback, scoped to the viewer: a survey's results per area (mean, distribution,
comments, by function), the same areas over the relationship's earlier surveys and at its other sites,
and, for the supplier's own people only, across all their customers. Only submitted responses count.
Comments are labelled by ``rules.shows_names``: on the supplier side of an anonymous survey, by function
and respondent number only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from accord.feedback import answering, rules
from accord.feedback.access import feedback_accesses
from accord.feedback.answering import respondent_label
from accord.feedback.areas import Function
from accord.feedback.models import (
    Answer,
    Invitation,
    Proposal,
    ProposalStatus,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from accord.parties.access import RelationshipAccess, accesses_for
from accord.parties.models import Side
from accord.register.models import ActionItem

FUNCTION_LABELS = dict(Function.choices)
COLORS = ("#c0392b", "#e67e22", "#d4ac0d", "#7dbb42", "#2e8b57")  # ratings 1..5, red to green


@dataclass
class Comment:
    label: str
    function: str
    rating: int | None
    text: str
    answer_id: int
    response_number: int
    proposal: Proposal | None = None


@dataclass
class AreaResult:
    key: str
    title: str
    question: str
    area_id: int
    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])  # ratings 1..5
    not_applicable: int = 0
    comments: list[Comment] = field(default_factory=list)
    by_function: dict[str, list[int]] = field(default_factory=dict)

    @property
    def rated(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        n = self.rated
        return round(sum((i + 1) * c for i, c in enumerate(self.counts)) / n, 2) if n else None

    @property
    def low(self) -> int:
        return self.counts[0] + self.counts[1]

    def segments(self) -> list[dict[str, Any]]:
        """The distribution as bar segments on a 0–100 scale (an inline SVG: no style attributes)."""
        total, x, out = self.rated, 0.0, []
        for i, count in enumerate(self.counts):
            if count and total:
                width = 100 * count / total
                out.append(
                    {
                        "rating": i + 1,
                        "count": count,
                        "x": round(x, 2),
                        "w": round(width, 2),
                        "color": COLORS[i],
                    }
                )
                x += width
        return out

    def function_means(self) -> list[tuple[str, float, int]]:
        out = []
        for function, ratings in sorted(self.by_function.items()):
            out.append(
                (
                    str(FUNCTION_LABELS.get(function, function)),
                    round(sum(ratings) / len(ratings), 2),
                    len(ratings),
                )
            )
        return out


def submitted(survey: Survey) -> QuerySet[Response]:
    return Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)


def results(access: RelationshipAccess, survey: Survey) -> list[AreaResult]:
    """Per area of the survey's template, in order; three queries whatever the number of responses."""
    areas = {a.pk: AreaResult(a.key, a.title, a.question, a.pk) for a in survey.template.areas.all()}
    names = rules.shows_names(access, survey)
    proposals = {
        p.answer_id: p
        for p in shown_items(access, Proposal.objects.filter(survey=survey).select_related("item"))
    }
    answers = (
        Answer.objects.filter(response__survey=survey, response__status=ResponseStatus.SUBMITTED)
        .select_related("response__invitation__user")
        .order_by("response__number", "area__position")
    )
    for answer in answers:
        result = areas.get(answer.area_id)
        if result is None:
            continue
        response = answer.response
        if answer.rating is not None:
            result.counts[answer.rating - 1] += 1
            result.by_function.setdefault(response.function, []).append(answer.rating)
        elif answer.not_applicable:
            result.not_applicable += 1
        if answer.comment:
            result.comments.append(
                Comment(
                    label=respondent_label(response, response.invitation, names=names),
                    function=response.get_function_display(),
                    rating=answer.rating,
                    text=answer.comment,
                    answer_id=answer.pk,
                    response_number=response.number or 0,
                    proposal=proposals.get(answer.pk),
                )
            )
    return list(areas.values())


def _means(answers: QuerySet[Answer], group: str) -> dict[tuple[Any, str], tuple[float, int]]:
    rows = (
        answers.filter(rating__isnull=False)
        .values(group, "area__key")
        .annotate(mean=Avg("rating"), n=Count("id"))
    )
    return {(r[group], r["area__key"]): (round(float(r["mean"]), 2), r["n"]) for r in rows}


def _answers(surveys: QuerySet[Survey]) -> QuerySet[Answer]:
    return Answer.objects.filter(response__survey__in=surveys, response__status=ResponseStatus.SUBMITTED)


def history(
    access: RelationshipAccess, survey: Survey
) -> tuple[list[Survey], dict[tuple[Any, str], tuple[float, int]]]:
    """The relationship's surveys up to and including this one (oldest first), with each area's mean in
    each: (survey id, area key) → (mean, ratings)."""
    surveys = (
        Survey.objects.visible_to(access)
        .filter(relationship=survey.relationship, created_at__lte=survey.created_at)
        .exclude(status=SurveyStatus.DRAFT)
        .select_related("site")
        .order_by("created_at", "number")
    )
    chosen = list(surveys)[-8:]
    return chosen, _means(
        _answers(Survey.objects.filter(pk__in=[s.pk for s in chosen])), "response__survey_id"
    )


def by_site(access: RelationshipAccess, survey: Survey) -> dict[tuple[Any, str], tuple[float, int]]:
    """(site name, area key) → (mean, ratings) over all of the relationship's surveys with a site."""
    surveys = Survey.objects.visible_to(access).filter(relationship=survey.relationship, site__isnull=False)
    return _means(_answers(surveys), "response__survey__site__name")


def all_customers(access: RelationshipAccess) -> dict[str, tuple[float, int]]:
    """Area key → (mean, ratings) over every customer relationship where the viewer's party is the
    supplier; empty for anyone but the supplier's own people (``rules.may_compare_all``)."""
    if not rules.may_compare_all(access):
        return {}
    mine = [a for a in accesses_for(access.user) if not a.is_guest and a.side == Side.SUPPLIER]
    rows = (
        _answers(Survey.objects.visible_to(*mine))
        .filter(rating__isnull=False)
        .values("area__key")
        .annotate(mean=Avg("rating"), n=Count("id"))
    )
    return {r["area__key"]: (round(float(r["mean"]), 2), r["n"]) for r in rows}


@dataclass
class Progress:
    invited: int
    answered: int
    drafts: int
    open_proposals: int
    proposals: int


def progress(survey: Survey) -> Progress:
    inv = survey.invitations.aggregate(n=Count("id"), done=Count("id", filter=Q(submitted_at__isnull=False)))
    drafts = Response.objects.filter(survey=survey, status=ResponseStatus.DRAFT).count()
    props = Proposal.objects.filter(survey=survey).aggregate(
        n=Count("id"), open=Count("id", filter=Q(status=ProposalStatus.OPEN))
    )
    return Progress(inv["n"], inv["done"], drafts, props["open"], props["n"])


def open_proposals_by_survey(surveys: list[Survey]) -> dict[int, int]:
    rows = (
        Proposal.objects.filter(survey__in=surveys, status=ProposalStatus.OPEN)
        .values("survey_id")
        .annotate(n=Count("id"))
    )
    return {r["survey_id"]: r["n"] for r in rows}


def answered_by_survey(surveys: list[Survey]) -> dict[int, int]:
    rows = (
        Response.objects.filter(survey__in=surveys, status=ResponseStatus.SUBMITTED)
        .values("survey_id")
        .annotate(n=Count("id"))
    )
    return {r["survey_id"]: r["n"] for r in rows}


def invitations(access: RelationshipAccess, survey: Survey) -> list[dict[str, Any]]:
    """Who was invited, and (unless the survey is anonymous to the viewer) whether they answered."""
    names = rules.shows_names(access, survey)
    out = []
    for inv in survey.invitations.select_related("user").order_by("function", "email"):
        out.append(
            {
                "invitation": inv,
                "name": inv.display_name,
                "email": inv.email,
                "function": inv.get_function_display(),
                "member": inv.user_id is not None,
                "answered": (inv.submitted_at is not None) if names else None,
            }
        )
    return out


def shown_items(access: RelationshipAccess, proposals: Iterable[Proposal]) -> list[Proposal]:
    """The proposals with each one's register item only where the viewer's side sees it (a proposal
    merged into the supplier's private item names no item to the customer): ``ActionItem.visible_to``."""
    found = list(proposals)
    ids = [p.item_id for p in found if p.item_id]
    visible = (
        set(ActionItem.objects.visible_to(access).filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
    )
    for p in found:
        if p.item_id and p.item_id not in visible:
            p.item = None
    return found


def proposals(access: RelationshipAccess, survey: Survey, *, status: str | None = None) -> list[Proposal]:
    found = Proposal.objects.filter(survey=survey).select_related(
        "answer__area",
        "answer__response__invitation__user",
        "item__relationship",
        "decided_by",
        "survey__relationship",
    )
    return shown_items(access, found.filter(status=status) if status else found)


def awaiting(user: Any) -> list[Invitation]:
    """The signed-in person's invitations to open surveys they have not submitted (their dashboard)."""
    if not getattr(user, "is_authenticated", False):
        return []
    visible = Survey.objects.visible_to(*feedback_accesses(user)).filter(status=SurveyStatus.OPEN)
    return list(
        Invitation.objects.filter(user=user, submitted_at__isnull=True, survey__in=visible)
        .select_related("survey__relationship")
        .order_by("survey__closes_on")
    )


def response_rows(access: RelationshipAccess, response: Response) -> list[dict[str, Any]]:
    """One response's answers in area order, each with its proposal (its item only where the viewer's
    side sees it) and its files."""
    answers = list(response.answers.select_related("area").order_by("area__position"))
    found = shown_items(
        access, Proposal.objects.filter(answer__in=answers).select_related("item__relationship")
    )
    by_answer = {p.answer_id: p for p in found}
    files = answering.files_by_area(response)
    return [
        {"answer": a, "proposal": by_answer.get(a.pk), "files": files.get(a.area_id, [])} for a in answers
    ]
