"""The expectations' API schemas and how records become them (``expectations.api`` holds the
operations). Every class name is unique across the API (tests/api/test_schema_names.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from accord.expectations import selectors
from accord.expectations.models import (
    RATING_MAX,
    Agreement,
    Area,
    Assessment,
    AssessmentStatus,
    Comparator,
    Expectation,
    Gap,
    GapStatus,
    Result,
    Revision,
    RevisionState,
    Status,
    Trend,
)
from accord.lib.api import MAX_TEXT, Id, Version, serializer
from accord.parties.models import Side
from accord.register.models import ActionItem, OwnerSide, Priority, Visibility

# YYYY-MM of the years 1900–2999: a scorecard reaches three years back from its last month
MONTH = r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"
Month = Field(pattern=MONTH, min_length=7, max_length=7, description="YYYY-MM")
# --- schemas -----------------------------------------------------------------------------------------


class ExpectationPerson(Schema):
    id: int
    full_name: str


class ExpectationAgreementOut(Schema):
    side: Side
    party: str
    user: str
    at: datetime


class ExpectationTermsOut(Schema):
    revision: int
    state: RevisionState
    area: Area
    statement: str
    measurable: bool
    measure: str = Field(description="A measure code of measurements.md; empty for a qualitative one")
    category: str = Field(description="A product category's code or ALL (measurable ones)")
    comparator: str
    target: float | None
    basis: int = Field(description="1 (monthly), 3 or 12 (rolling months)")
    rating_target: int | None = Field(description=f"The rating (1–{RATING_MAX}) a qualitative one must reach")
    open_after: int
    close_after: int
    reason: str
    proposed_by: str
    proposed_at: datetime
    agreed_at: datetime | None
    effective_month: str
    agreed_by: list[ExpectationAgreementOut] = Field(description="The sides that agreed these terms")


class ExpectationGapSummary(Schema):
    id: int
    status: GapStatus
    since: str
    last_month: str
    value: float | None
    target: float | None
    size: float | None
    trend: Trend
    times_opened: int


class ExpectationOut(Schema):
    id: int
    number: int
    reference: str
    holder: Side = Field(description="The side that expects it of the other")
    expected_of: Side
    status: Status
    owner: ExpectationPerson | None
    retired_reason: str
    in_force: ExpectationTermsOut | None = Field(description="The agreed terms, assessed")
    proposed: ExpectationTermsOut | None = Field(description="Terms awaiting the other side's agreement")
    gap: ExpectationGapSummary | None
    created_at: datetime
    updated_at: datetime
    version: int


class ExpectationDetailOut(ExpectationOut):
    revisions: list[ExpectationTermsOut] = Field(description="Every revision of the terms, oldest first")


class ExpectationFilters(Schema):
    status: Status | None = None
    holder: Side | None = None


class ExpectationTermsIn(Schema):
    area: Area = Area.OTHER
    statement: str = Field(min_length=1, max_length=2000)
    measure: str = Field(
        default="", max_length=40, description="A measure code (OTD.OTI); empty: qualitative"
    )
    category: str = Field(default="", max_length=20, description="A category code or ALL (default ALL)")
    comparator: Comparator | None = Field(default=None, description="Default: as the measure's direction")
    target: float | None = Field(default=None, allow_inf_nan=False, gt=-1e10, lt=1e10)
    basis: Literal[1, 3, 12] = 1
    rating_target: int | None = Field(default=None, ge=1, le=RATING_MAX)
    open_after: int = Field(default=1, ge=1, le=12)
    close_after: int = Field(default=3, ge=1, le=12)


class ExpectationIn(ExpectationTermsIn):
    holder: Side
    owner_id: Id | None = Field(default=None, description="A member of the side expected to meet it")


class ExpectationChangeIn(Schema):
    """New terms: what is left out stays as the current terms say."""

    version: Version
    reason: str = Field(default="", max_length=2000, description="Needed to change agreed terms")
    area: Area | None = None
    statement: str | None = Field(default=None, min_length=1, max_length=2000)
    measure: str | None = Field(default=None, max_length=40)
    category: str | None = Field(default=None, max_length=20)
    comparator: Comparator | None = None
    target: float | None = Field(default=None, allow_inf_nan=False, gt=-1e10, lt=1e10)
    basis: Literal[1, 3, 12] | None = None
    rating_target: int | None = Field(default=None, ge=1, le=RATING_MAX)
    open_after: int | None = Field(default=None, ge=1, le=12)
    close_after: int | None = Field(default=None, ge=1, le=12)
    owner_id: Id | None = Field(default=None, description="Null: no owner; leave out to keep the owner")


class ExpectationVersionIn(Schema):
    version: Version


class ExpectationRetireIn(Schema):
    version: Version
    reason: str = Field(min_length=1, max_length=2000)


class ExpectationAssessmentOut(Schema):
    month: str
    result: Result
    value: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    rating: int | None
    status: AssessmentStatus = Field(description="A draft rating counts once the holding side confirms it")
    automatic: bool
    meeting_id: int | None
    note: str
    drafted_by: str
    confirmed_by: str


class ExpectationAssessmentFilters(Schema):
    month_from: str | None = Field(default=None, pattern=MONTH, max_length=7)
    month_to: str | None = Field(default=None, pattern=MONTH, max_length=7)


class ExpectationRatingIn(Schema):
    rating: int = Field(ge=1, le=RATING_MAX)
    month: str | None = Field(
        default=None, pattern=MONTH, max_length=7, description="Default: the meeting's month, else this one"
    )
    meeting_id: Id | None = Field(default=None, description="The shared expectations meeting rating it")
    note: str = Field(default="", max_length=2000)


class ExpectationConfirmIn(Schema):
    month: str = Month


class GapPlanItemOut(Schema):
    number: str = Field(description="The action item's key: 7, S4, C2")
    reference: str
    title: str
    status: str
    owner_side: str
    owner: str
    due_date: date | None
    priority: str
    visibility: str


class GapOut(Schema):
    id: int
    expectation_id: int
    expectation: str = Field(description="The expectation's reference, E-n")
    statement: str
    status: GapStatus
    since: str = Field(description="The first missed month of the run that opened it")
    opened_month: str
    last_month: str
    closed_month: str
    value: float | None
    target: float | None
    size: float | None = Field(description="How far short of the target, in the measure's unit")
    trend: Trend
    tracked_by: str = Field(description="The measure that tracks the action plan")
    met_streak: int
    times_opened: int
    opened_at: datetime
    closed_at: datetime | None
    plan: list[GapPlanItemOut] = Field(description="The action plan's items you may see")


class GapFilters(Schema):
    status: list[GapStatus] = Field(default=[], description="Default: every status")


class GapActionIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=MAX_TEXT)
    owner_side: OwnerSide = OwnerSide.SUPPLIER
    owner_id: Id | None = None
    due_date: date | None = None
    priority: Priority = Priority.MEDIUM
    visibility: Visibility = Visibility.SHARED


class GapTrackingIn(Schema):
    measure: str = Field(default="", max_length=40, description="A measure code (OTD.OTI…); empty: none")


class ScorecardCellOut(Schema):
    month: str
    result: Result
    value: float | None
    target: float | None
    rating: int | None
    status: AssessmentStatus


class ScorecardRowOut(Schema):
    expectation_id: int
    reference: str
    holder: Side
    terms: ExpectationTermsOut | None
    cells: list[ScorecardCellOut | None] = Field(description="One per month of ``months``; null: none")
    gap: ExpectationGapSummary | None
    plan: list[GapPlanItemOut]


class ScorecardHeadlineOut(Schema):
    month: str
    met: int
    assessed: int
    agreed: int
    open_gaps: int


class ScorecardOut(Schema):
    months: list[str]
    headline: ScorecardHeadlineOut
    rows: list[ScorecardRowOut]


class ScorecardFilters(Schema):
    months: int = Field(default=selectors.SCORECARD_DEFAULT_MONTHS, ge=1, le=selectors.SCORECARD_MAX_MONTHS)
    end: str | None = Field(default=None, pattern=MONTH, max_length=7, description="Default: last month")


# --- serializers -------------------------------------------------------------------------------------


def _name(user: Any) -> str:
    return user.full_name if user is not None else ""


def _agreement(a: Agreement) -> dict[str, Any]:
    return {"side": a.side, "party": a.party.name, "user": a.user.full_name, "at": a.at}


def terms_out(r: Revision | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "revision": r.number,
        "state": r.state,
        "area": r.area,
        "statement": r.statement,
        "measurable": r.measurable,
        "measure": r.measure,
        "category": r.category,
        "comparator": r.comparator,
        "target": float(r.target) if r.target is not None else None,
        "basis": r.basis,
        "rating_target": r.rating_target,
        "open_after": r.open_after,
        "close_after": r.close_after,
        "reason": r.reason,
        "proposed_by": _name(r.proposed_by),
        "proposed_at": r.proposed_at,
        "agreed_at": r.agreed_at,
        "effective_month": r.effective_month,
        "agreed_by": [_agreement(a) for a in r.agreements.all()],
    }


def gap_summary(gap: Gap | None) -> dict[str, Any] | None:
    if gap is None:
        return None
    return {
        "id": gap.pk,
        "status": gap.status,
        "since": gap.since,
        "last_month": gap.last_month,
        "value": gap.value,
        "target": gap.target,
        "size": gap.size,
        "trend": gap.trend,
        "times_opened": gap.times_opened,
    }


def expectation_out(e: Expectation, *, history: bool = False) -> dict[str, Any]:
    """``e`` with its revisions prefetched (``selectors.with_terms``)."""
    out = {
        "id": e.pk,
        "number": e.number,
        "reference": e.reference,
        "holder": e.holder,
        "expected_of": e.expected_of,
        "status": e.status,
        "owner": {"id": e.owner.pk, "full_name": e.owner.full_name} if e.owner else None,
        "retired_reason": e.retired_reason,
        "in_force": terms_out(selectors.in_force(e)),
        "proposed": terms_out(selectors.proposed(e)),
        "gap": gap_summary(selectors.gap_of(e)),
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "version": e.version,
    }
    if history:
        out["revisions"] = [terms_out(r) for r in e.revisions.all()]
    return out


@serializer("expectations.expectation")
def _expectation_current(e: Expectation) -> dict[str, Any]:
    """The expectation as a 409 answer shows it: as its detail operation does."""
    return expectation_out(selectors.with_history(e), history=True)


def assessment_out(a: Assessment) -> dict[str, Any]:
    return {
        "month": a.month,
        "result": a.result,
        "value": a.value,
        "numerator": a.numerator,
        "denominator": a.denominator,
        "target": a.target,
        "rating": a.rating,
        "status": a.status,
        "automatic": a.automatic,
        "meeting_id": a.meeting_id,
        "note": a.note,
        "drafted_by": _name(a.drafted_by),
        "confirmed_by": _name(a.confirmed_by),
    }


def plan_item_out(item: ActionItem) -> dict[str, Any]:
    """An item of a gap's action plan (its title and state; its words are the register's)."""
    return {
        "number": item.key,
        "reference": item.reference,
        "title": item.title,
        "status": item.status,
        "owner_side": item.owner_side,
        "owner": _name(item.owner),
        "due_date": item.due_date,
        "priority": item.priority,
        "visibility": item.visibility,
    }


def gap_out(gap: Gap, plan: list[ActionItem]) -> dict[str, Any]:
    terms = selectors.terms(gap.expectation)
    return {
        "id": gap.pk,
        "expectation_id": gap.expectation_id,
        "expectation": gap.expectation.reference,
        "statement": terms.statement if terms else "",
        "status": gap.status,
        "since": gap.since,
        "opened_month": gap.opened_month,
        "last_month": gap.last_month,
        "closed_month": gap.closed_month,
        "value": gap.value,
        "target": gap.target,
        "size": gap.size,
        "trend": gap.trend,
        "tracked_by": gap.tracked_by,
        "met_streak": gap.met_streak,
        "times_opened": gap.times_opened,
        "opened_at": gap.opened_at,
        "closed_at": gap.closed_at,
        "plan": [plan_item_out(i) for i in plan],
    }


def cell_out(a: Assessment | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "month": a.month,
        "result": a.result,
        "value": a.value,
        "target": a.target,
        "rating": a.rating,
        "status": a.status,
    }
