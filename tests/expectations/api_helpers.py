"""Expectations in the states the API tests, the access matrix and the query counts need: proposed by
Carol, agreed by both sides, a qualitative one with a draft rating, and an open gap."""

from __future__ import annotations

from typing import Any

from accord.expectations import services
from accord.expectations.models import Expectation, Gap
from accord.lib.months import month_of
from accord.parties.access import access_from
from tests.expectations.helpers import DOCS_4, agreed, propose

API = "/api/v1/relationships/{rel}"


def api(w: Any, suffix: str = "", rel: Any = None) -> str:
    return API.format(rel=(rel or w.nw_ta).pk) + suffix


def proposed(w: Any) -> Expectation:
    """Carol's OTI ≥ 95 %: proposed, agreed by Telco A only (version 1)."""
    return propose(w)


def agreed_oti(w: Any) -> Expectation:
    """Carol's OTI ≥ 95 %, agreed by Ada too (version 2)."""
    return agreed(w)


def agreed_docs(w: Any) -> Expectation:
    """Telco A's "documentation rated 4 of 5", agreed by both sides (version 2)."""
    return agreed(w, DOCS_4)


def this_month() -> str:
    from django.utils import timezone

    return month_of(timezone.localdate())


def drafted(w: Any) -> Expectation:
    """The documentation expectation with Fay's draft rating (3) of this month."""
    expectation = agreed_docs(w)
    fay = access_from(w.fay, w.nw_ta, allow_guest=True)
    services.rate(access=fay, expectation=expectation, rating=3, note="Manuals came late")
    return expectation


def gap(w: Any) -> Gap:
    """The documentation expectation rated 2 by Carol (holding side, so confirmed): an open gap."""
    expectation = agreed_docs(w)
    carol = access_from(w.carol, w.nw_ta)
    services.rate(access=carol, expectation=expectation, rating=2, note="Release notes missing")
    return Gap.objects.get(expectation=expectation)
