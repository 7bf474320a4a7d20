"""The expectations' API: expectations with their terms and agreements, assessments, qualitative ratings,
gaps with their action plans, and the scorecard (collected by ``accord.api.main``).

Every operation opens its records through the doors of ``expectations.access`` (both sides and the
team's facilitator read; anyone else gets the one 404) and changes them through ``expectations.services``
(who may is ``expectations.rules``' business: a visible record the role may not change is a 403).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router

from accord.accounts.types import AuthedRequest
from accord.expectations import selectors, services
from accord.expectations.access import expectation_for_user, gap_for_user, relationship_expectations
from accord.expectations.api_schemas import (
    ExpectationAssessmentFilters,
    ExpectationAssessmentOut,
    ExpectationChangeIn,
    ExpectationConfirmIn,
    ExpectationDetailOut,
    ExpectationFilters,
    ExpectationIn,
    ExpectationOut,
    ExpectationRatingIn,
    ExpectationRetireIn,
    ExpectationVersionIn,
    GapActionIn,
    GapFilters,
    GapOut,
    GapPlanItemOut,
    GapTrackingIn,
    ScorecardFilters,
    ScorecardOut,
    assessment_out,
    cell_out,
    expectation_out,
    gap_out,
    gap_summary,
    plan_item_out,
    terms_out,
)
from accord.expectations.models import Area, Expectation
from accord.lib.api import Id, responses
from accord.meetings.access import meeting_for_user
from accord.parties.access import RelationshipAccess
from accord.parties.models import Membership, Side
from accord.register import owners, proposals
from accord.register.models import ActionItem

router = Router(tags=["expectations"])
EXPECTATIONS = "/relationships/{rel_id}/expectations"
ONE = EXPECTATIONS + "/{expectation_id}"
GAPS = "/relationships/{rel_id}/gaps"

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
    return [expectation_out(e) for e in found]


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
    return 201, expectation_out(selectors.with_history(expectation), history=True)


@router.get(ONE, response=responses({200: ExpectationDetailOut}), summary="One expectation with its history")
def get_expectation(request: AuthedRequest, rel_id: Id, expectation_id: Id) -> dict[str, Any]:
    expectation, _access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    return expectation_out(selectors.with_history(expectation), history=True)


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
    return 201, expectation_out(selectors.with_history(expectation), history=True)


@router.post(
    ONE + "/agree",
    response=responses({200: ExpectationDetailOut}, write=True, conflict=True),
    summary="Agree the proposed terms for your side (in force once both sides have)",
)
def agree(request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationVersionIn) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    services.agree(access=access, expectation=expectation, version=payload.version)
    return expectation_out(selectors.with_history(expectation), history=True)


@router.post(
    ONE + "/withdraw",
    response=responses({200: ExpectationDetailOut}, write=True, conflict=True),
    summary="Withdraw the proposed terms (an expectation never agreed is retired with them)",
)
def withdraw(request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationVersionIn) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    services.withdraw(access=access, expectation=expectation, version=payload.version)
    return expectation_out(selectors.with_history(expectation), history=True)


@router.post(
    ONE + "/retire",
    response=responses({200: ExpectationDetailOut}, write=True, conflict=True),
    summary="Retire an expectation (a lead of the holding side, with a reason)",
)
def retire(request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationRetireIn) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    services.retire(access=access, expectation=expectation, version=payload.version, reason=payload.reason)
    return expectation_out(selectors.with_history(expectation), history=True)


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
    return [assessment_out(a) for a in found]


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
    return assessment_out(found)


@router.post(
    ONE + "/ratings/confirm",
    response=responses({200: ExpectationAssessmentOut}, write=True),
    summary="Confirm a month's draft rating (a lead of the holding side)",
)
def confirm_rating(
    request: AuthedRequest, rel_id: Id, expectation_id: Id, payload: ExpectationConfirmIn
) -> Any:
    expectation, access = expectation_for_user(request.user, pk=rel_id, expectation_id=expectation_id)
    return assessment_out(
        services.confirm_rating(access=access, expectation=expectation, month=payload.month)
    )


# --- gaps and the scorecard --------------------------------------------------------------------------


@router.get(GAPS, response=responses({200: list[GapOut]}), summary="The gaps, with their action plans")
def list_gaps(request: AuthedRequest, rel_id: Id, filters: Query[GapFilters]) -> list[dict[str, Any]]:
    expectations, access = relationship_expectations(request.user, pk=rel_id)
    gaps = selectors.gap_list(expectations, statuses=[str(s) for s in filters.status])
    plans = selectors.plan_items(access, gaps)
    return [gap_out(g, plans.get(g.pk, [])) for g in gaps]


@router.get(GAPS + "/{gap_id}", response=responses({200: GapOut}), summary="One gap with its action plan")
def get_gap(request: AuthedRequest, rel_id: Id, gap_id: Id) -> dict[str, Any]:
    gap, access = gap_for_user(request.user, pk=rel_id, gap_id=gap_id)
    return gap_out(gap, selectors.plan_items(access, [gap]).get(gap.pk, []))


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
    return 201, plan_item_out(item)


@router.post(
    GAPS + "/{gap_id}/tracking",
    response=responses({200: GapOut}, write=True),
    summary="Choose the measure that tracks a gap's action plan",
)
def track_gap(request: AuthedRequest, rel_id: Id, gap_id: Id, payload: GapTrackingIn) -> dict[str, Any]:
    gap, access = gap_for_user(request.user, pk=rel_id, gap_id=gap_id)
    services.track_gap(access=access, gap=gap, measure=payload.measure)
    return gap_out(gap, selectors.plan_items(access, [gap]).get(gap.pk, []))


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
                "terms": terms_out(row.terms),
                "cells": [cell_out(c) for c in row.cells],
                "gap": gap_summary(row.gap),
                "plan": [plan_item_out(i) for i in row.plan],
            }
            for row in card.rows
        ],
    }
