"""The expectations' API: expectations with their terms and agreements, assessments, qualitative ratings,
gaps with their action plans, and the scorecard (collected by ``accord.api.main``).

Every operation opens its records through the doors of ``expectations.access`` (both sides and the
team's facilitator read; anyone else gets the one 404) and changes them through ``expectations.services``
(who may is ``expectations.rules``' business: a visible record the role may not change is a 403).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from pydantic import Field

from accord.accounts.types import AuthedRequest
from accord.expectations import selectors, services
from accord.expectations.access import expectation_for_user, gap_for_user, relationship_expectations
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
from accord.lib.api import MAX_TEXT, Id, Version, responses, serializer
from accord.meetings.access import meeting_for_user
from accord.parties.access import RelationshipAccess
from accord.parties.models import Membership, Side
from accord.register import owners, proposals
from accord.register.models import ActionItem, OwnerSide, Priority, Visibility

router = Router(tags=["expectations"])
EXPECTATIONS = "/relationships/{rel_id}/expectations"
ONE = EXPECTATIONS + "/{expectation_id}"
GAPS = "/relationships/{rel_id}/gaps"
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
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


def _terms(r: Revision | None) -> dict[str, Any] | None:
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


def _gap_summary(gap: Gap | None) -> dict[str, Any] | None:
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


def _expectation(e: Expectation, *, history: bool = False) -> dict[str, Any]:
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
        "in_force": _terms(selectors.in_force(e)),
        "proposed": _terms(selectors.proposed(e)),
        "gap": _gap_summary(selectors.gap_of(e)),
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "version": e.version,
    }
    if history:
        out["revisions"] = [_terms(r) for r in e.revisions.all()]
    return out


@serializer("expectations.expectation")
def _expectation_current(e: Expectation) -> dict[str, Any]:
    """The expectation as a 409 answer shows it: as its detail operation does."""
    return _expectation(selectors.with_history(e), history=True)


def _assessment(a: Assessment) -> dict[str, Any]:
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


def _plan_item(item: ActionItem) -> dict[str, Any]:
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


def _gap(gap: Gap, plan: list[ActionItem]) -> dict[str, Any]:
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
        "plan": [_plan_item(i) for i in plan],
    }


def _cell(a: Assessment | None) -> dict[str, Any] | None:
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


# --- inputs → records --------------------------------------------------------------------------------


NO_SUCH_OWNER = gettext_lazy("Choose a member of the side expected to meet it.")


def _owner(access: RelationshipAccess, owner_id: int | None, expected_of: str) -> Any:
    """The owner by id: an active member of the side expected to meet it; anyone else gets one fixed
    message that names no one."""
    if owner_id is None:
        return None
    rel = access.relationship
    party_id = rel.supplier_id if expected_of == Side.SUPPLIER else rel.customer_id
    member = (
        Membership.objects.filter(party_id=party_id, user_id=owner_id, is_active=True)
        .select_related("user")
        .first()
    )
    if member is None:
        raise ValidationError({"owner_id": [str(NO_SUCH_OWNER)]})
    return member.user


def _terms_in(values: dict[str, Any]) -> services.Terms:
    comparator = values.get("comparator") or (
        services.default_comparator(values["measure"]) if values.get("measure") else ""
    )
    return services.Terms(
        area=values["area"],
        statement=values["statement"],
        measure=values.get("measure") or "",
        category=values.get("category") or "",
        comparator=comparator,
        target=values.get("target"),
        basis=values.get("basis") or 1,
        rating_target=values.get("rating_target"),
        open_after=values["open_after"],
        close_after=values["close_after"],
    )


def _current_terms(e: Expectation) -> dict[str, Any]:
    r = selectors.terms(e)
    if r is None:
        return {"area": Area.OTHER, "statement": "", "open_after": 1, "close_after": 3}
    return {
        "area": r.area,
        "statement": r.statement,
        "measure": r.measure,
        "category": r.category,
        "comparator": r.comparator,
        "target": r.target,
        "basis": r.basis,
        "rating_target": r.rating_target,
        "open_after": r.open_after,
        "close_after": r.close_after,
    }


def _meeting(request: AuthedRequest, rel_id: int, meeting_id: int | None) -> Any:
    if meeting_id is None:
        return None
    try:
        return meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)[0]
    except Http404:
        raise ValidationError(
            {"meeting_id": [_("Choose a shared expectations team meeting of this relationship.")]}
        ) from None


# --- expectations ------------------------------------------------------------------------------------


@router.get(
    EXPECTATIONS,
    response=responses({200: list[ExpectationOut]}),
    summary="The relationship's expectations, with their terms, agreements and gaps",
)
def list_expectations(
    request: AuthedRequest, rel_id: Id, filters: Query[ExpectationFilters]
) -> list[dict[str, Any]]:
    expectations, _access = relationship_expectations(request.user, pk=rel_id)
    found = selectors.expectation_list(expectations, status=filters.status, holder=filters.holder)
    return [_expectation(e) for e in found]


@router.post(
    EXPECTATIONS,
    response=responses({201: ExpectationDetailOut}, write=True),
    summary="Propose an expectation (agreed by your side; the other side's leads are asked)",
)
def propose(request: AuthedRequest, rel_id: Id, payload: ExpectationIn) -> Any:
    _expectations, access = relationship_expectations(request.user, pk=rel_id)
    values = payload.dict()
    expected_of = Side.SUPPLIER if payload.holder == Side.CUSTOMER else Side.CUSTOMER
    owner = _owner(access, values.pop("owner_id"), expected_of) if payload.owner_id else None
    expectation = services.propose(access=access, holder=payload.holder, terms=_terms_in(values), owner=owner)
    return 201, _expectation(selectors.with_history(expectation), history=True)


@router.get(ONE, response=responses({200: ExpectationDetailOut}), summary="One expectation with its history")
def get_expectation(request: AuthedRequest, rel_id: Id, expectation_id: Id) -> dict[str, Any]:
    expectation, _access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    return _expectation(selectors.with_history(expectation), history=True)


@router.post(
    ONE + "/changes",
    response=responses({201: ExpectationDetailOut}, write=True, conflict=True),
    summary="Propose new terms (the agreed ones stay in force until both sides agree these)",
)
def propose_change(
    request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationChangeIn
) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    given = payload.dict(exclude_unset=True)
    version, reason = given.pop("version"), given.pop("reason", "")
    owner = expectation.owner
    if "owner_id" in given:
        owner = _owner(access, given.pop("owner_id"), expectation.expected_of)
    current = _current_terms(selectors.with_history(expectation))
    terms = _terms_in({**current, **{k: v for k, v in given.items() if v is not None}})
    services.propose_change(
        access=access, expectation=expectation, version=version, terms=terms, reason=reason, owner=owner
    )
    return 201, _expectation(selectors.with_history(expectation), history=True)


@router.post(
    ONE + "/agree",
    response=responses({200: ExpectationDetailOut}, write=True, conflict=True),
    summary="Agree the proposed terms for your side (in force once both sides have)",
)
def agree(request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationVersionIn) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    services.agree(access=access, expectation=expectation, version=payload.version)
    return _expectation(selectors.with_history(expectation), history=True)


@router.post(
    ONE + "/withdraw",
    response=responses({200: ExpectationDetailOut}, write=True, conflict=True),
    summary="Withdraw the proposed terms (an expectation never agreed is retired with them)",
)
def withdraw(request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationVersionIn) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    services.withdraw(access=access, expectation=expectation, version=payload.version)
    return _expectation(selectors.with_history(expectation), history=True)


@router.post(
    ONE + "/retire",
    response=responses({200: ExpectationDetailOut}, write=True, conflict=True),
    summary="Retire an expectation (a lead of the holding side, with a reason)",
)
def retire(request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationRetireIn) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    services.retire(access=access, expectation=expectation, version=payload.version, reason=payload.reason)
    return _expectation(selectors.with_history(expectation), history=True)


# --- assessments and ratings -------------------------------------------------------------------------


@router.get(
    ONE + "/assessments",
    response=responses({200: list[ExpectationAssessmentOut]}),
    summary="An expectation's assessments, newest first (the last 36 months unless a range is given)",
)
def list_assessments(
    request: AuthedRequest, rel_id: Id, expectation_id: Id, filters: Query[ExpectationAssessmentFilters]
) -> list[dict[str, Any]]:
    expectation, _access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    ranged = bool(filters.month_from or filters.month_to)
    found = selectors.assessments(
        expectation,
        months=None if ranged else selectors.SCORECARD_MAX_MONTHS,
        since=filters.month_from,
        until=filters.month_to,
    )
    return [_assessment(a) for a in found]


@router.post(
    ONE + "/ratings",
    response=responses({200: ExpectationAssessmentOut}, write=True),
    summary="Rate an agreed qualitative expectation for a month (a draft unless the holding side rates)",
)
def rate(request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationRatingIn) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    meeting = _meeting(request, rel_id, payload.meeting_id)
    found = services.rate(
        access=access,
        expectation=expectation,
        rating=payload.rating,
        month=payload.month,
        meeting=meeting,
        note=payload.note,
    )
    return _assessment(found)


@router.post(
    ONE + "/ratings/confirm",
    response=responses({200: ExpectationAssessmentOut}, write=True),
    summary="Confirm a month's draft rating (a lead of the holding side)",
)
def confirm_rating(
    request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationConfirmIn
) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    return _assessment(services.confirm_rating(access=access, expectation=expectation, month=payload.month))


# --- gaps and the scorecard --------------------------------------------------------------------------


@router.get(GAPS, response=responses({200: list[GapOut]}), summary="The gaps, with their action plans")
def list_gaps(request: AuthedRequest, rel_id: Id, filters: Query[GapFilters]) -> list[dict[str, Any]]:
    expectations, access = relationship_expectations(request.user, pk=rel_id)
    gaps = selectors.gap_list(expectations, statuses=[str(s) for s in filters.status])
    plans = selectors.plan_items(access, gaps)
    return [_gap(g, plans.get(g.pk, [])) for g in gaps]


@router.get(GAPS + "/{gap_id}", response=responses({200: GapOut}), summary="One gap with its action plan")
def get_gap(request: AuthedRequest, rel_id: Id, gap_id: Id) -> dict[str, Any]:
    gap, access = gap_for_user(request.user, pk=rel_id, gap_id=gap_id)
    return _gap(gap, selectors.plan_items(access, [gap]).get(gap.pk, []))


@router.post(
    GAPS + "/{gap_id}/action-items",
    response=responses({201: GapPlanItemOut}, write=True),
    summary="Add an action item to a gap's action plan (a register item whose source is the gap)",
)
def plan_action(request: AuthedRequest, rel_id: Id, gap_id: Id, payload: GapActionIn) -> Any:
    gap, access = gap_for_user(request.user, pk=rel_id, gap_id=gap_id)
    owner = None
    if payload.owner_id is not None:
        probe = ActionItem(relationship=access.relationship, owner_side=payload.owner_side)
        owner = owners.possible_owners(probe, payload.owner_side).filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": [proposals.NO_SUCH_OWNER]})
    item = services.plan_action(
        access=access,
        gap=gap,
        title=payload.title,
        description=payload.description,
        owner_side=payload.owner_side,
        owner=owner,
        due_date=payload.due_date,
        priority=payload.priority,
        visibility=payload.visibility,
    )
    return 201, _plan_item(item)


@router.get(
    "/relationships/{rel_id}/scorecard",
    response=responses({200: ScorecardOut}),
    summary="The scorecard: agreed expectations × months, their gaps and action plans, the headline",
)
def scorecard(request: AuthedRequest, rel_id: Id, filters: Query[ScorecardFilters]) -> dict[str, Any]:
    _expectations, access = relationship_expectations(request.user, pk=rel_id)
    card = selectors.scorecard(access, months=filters.months, end=filters.end)
    h = card.headline
    return {
        "months": card.months,
        "headline": {
            "month": h.month,
            "met": h.met,
            "assessed": h.assessed,
            "agreed": h.agreed,
            "open_gaps": h.open_gaps,
        },
        "rows": [
            {
                "expectation_id": row.expectation.pk,
                "reference": row.expectation.reference,
                "holder": row.expectation.holder,
                "terms": _terms(row.terms),
                "cells": [_cell(c) for c in row.cells],
                "gap": _gap_summary(row.gap),
                "plan": [_plan_item(i) for i in row.plan],
            }
            for row in card.rows
        ],
    }
