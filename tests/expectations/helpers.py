"""Expectations as the test people make them: proposed by one side, agreed by the other."""

from __future__ import annotations

from typing import Any

from accord.expectations import services
from accord.expectations.models import Expectation
from accord.expectations.services import Terms
from accord.parties.access import access_from

OTI_95 = Terms(
    area="OTD", statement="Deliver order lines on time", measure="OTD.OTI", comparator="at_least", target=95
)
DOCS_4 = Terms(area="documentation", statement="Documentation rated 4 of 5 or better", rating_target=4)


def propose(
    world: Any, terms: Terms = OTI_95, *, by: Any = None, holder: str = "customer", **kw: Any
) -> Expectation:
    access = access_from(by or world.carol, world.nw_ta, allow_guest=True)
    assert access is not None
    return services.propose(access=access, holder=holder, terms=terms, **kw)


def agree(world: Any, expectation: Expectation, *, by: Any = None) -> Expectation:
    access = access_from(by or world.ada, world.nw_ta, allow_guest=True)
    assert access is not None
    expectation.refresh_from_db()
    services.agree(access=access, expectation=expectation, version=expectation.version)
    expectation.refresh_from_db()
    return expectation


def agreed(world: Any, terms: Terms = OTI_95, **kw: Any) -> Expectation:
    return agree(world, propose(world, terms, **kw))
