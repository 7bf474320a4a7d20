"""How the expectations' API lists grow, for tests/api/test_query_counts.py: each entry is (who calls,
the URL, how its rows grow, how to count the rows of an answer). Kept here so the expectations' part of
that test lives in the expectations' folder."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from accord.expectations import services
from accord.expectations.models import Expectation, Gap
from accord.expectations.services import Terms
from accord.lib.months import add_months
from accord.parties.access import access_from
from tests.expectations.api_helpers import api
from tests.expectations.helpers import DOCS_4, OTI_95, agree, agreed, propose

SERIAL = itertools.count(1)


def _first(w: Any) -> Expectation:
    """Telco A's E-1 (documentation rated 4 of 5, agreed), made by the first URL asked for it."""
    found = Expectation.objects.filter(relationship=w.nw_ta, number=1).first()
    return found or agreed(w, DOCS_4)


def _gap(w: Any) -> Gap:
    exp = _first(w)
    found = Gap.objects.filter(expectation=exp).first()
    if found is None:
        services.rate(access=access_from(w.carol, w.nw_ta), expectation=exp, rating=1)
        found = Gap.objects.get(expectation=exp)
    return found


def _gapped(w: Any) -> Gap:
    exp = agreed(w, DOCS_4)
    services.rate(access=access_from(w.carol, w.nw_ta), expectation=exp, rating=2)
    return Gap.objects.get(expectation=exp)


def _plan(w: Any, gap: Gap, i: int) -> None:
    """A shared item of Sam's, and every third one private to Northwind (only its side sees it)."""
    who = w.ada if i % 3 == 0 else w.sam
    services.plan_action(
        access=access_from(who, w.nw_ta),
        gap=gap,
        title=f"Action {i}",
        owner=w.sam,
        visibility="private" if i % 3 == 0 else "shared",
    )


def grow_expectations(w: Any, n: int) -> None:
    """Proposed, agreed (with an owner) and gapped expectations of both sides."""
    for i in range(n):
        if i % 3 == 0:
            propose(w, OTI_95, by=w.sam, holder="supplier")
        elif i % 3 == 1:
            agreed(w, OTI_95, owner=w.sam)
        else:
            _gapped(w)


def grow_revisions(w: Any, n: int) -> None:
    """Changes proposed to E-1 (each replaces the last one not agreed; every third one agreed)."""
    exp = _first(w)
    for i in range(n):
        exp.refresh_from_db()
        services.propose_change(
            access=access_from(w.sam, w.nw_ta),
            expectation=exp,
            version=exp.version,
            terms=Terms(area="documentation", statement=f"Rated {i}", rating_target=3 + i % 3),
            reason=f"Change {i}",
        )
        if i % 3 == 0:
            agree(w, exp, by=w.carol)


def grow_assessments(w: Any, n: int) -> None:
    """Ratings of E-1, drafted by Fay or given by Carol, one month each (back from 2026-01)."""
    exp = _first(w)
    for _ in range(n):
        k = next(SERIAL)
        who = access_from(w.fay if k % 2 else w.carol, w.nw_ta, allow_guest=True)
        services.rate(access=who, expectation=exp, rating=1 + k % 5, month=add_months("2026-01", -k))


def grow_gaps(w: Any, n: int) -> None:
    for i in range(n):
        _plan(w, _gapped(w), i)


def grow_plan(w: Any, n: int) -> None:
    gap = _gap(w)
    for i in range(n):
        _plan(w, gap, i)


def grow_scorecard(w: Any, n: int) -> None:
    for i in range(n):
        if i % 2:
            _plan(w, _gapped(w), i)
        else:
            agreed(w, OTI_95)


Growth = tuple[str, Callable[[Any], str], Callable[[Any, int], None], Callable[[Any], int]]
REL = "/relationships/{rel_id}"

LISTS: dict[str, Growth] = {
    REL + "/expectations": ("vic", lambda w: api(w, "/expectations"), grow_expectations, len),
    REL + "/expectations/{expectation_id}": (
        "carol",
        lambda w: api(w, f"/expectations/{_first(w).pk}"),
        grow_revisions,
        lambda b: len(b["revisions"]),
    ),
    REL + "/expectations/{expectation_id}/assessments": (
        "vic",
        lambda w: api(w, f"/expectations/{_first(w).pk}/assessments?month_to=2026-12"),
        grow_assessments,
        len,
    ),
    REL + "/gaps": ("ada", lambda w: api(w, "/gaps"), grow_gaps, len),
    REL + "/gaps/{gap_id}": (
        "ada",
        lambda w: api(w, f"/gaps/{_gap(w).pk}"),
        grow_plan,
        lambda b: len(b["plan"]),
    ),
    REL + "/scorecard": ("carol", lambda w: api(w, "/scorecard"), grow_scorecard, lambda b: len(b["rows"])),
}
