"""The shared expectations of a seeded relationship (seed.py): every text field marked. An expectation
of the customer's, agreed, with a change proposed to it (a reason); a qualitative one, agreed and rated
below its target with a note (an open gap) whose action plan holds an item shared with both sides and
one private to the supplier; a retired one (its reason). Written through the expectations services.

Expectations are the shared expectations team's work: both sides and the relationship's facilitator
read every one (``SH``); only the private plan item is the supplier's own (``SUP``).
"""

from __future__ import annotations

from typing import Any

from accord.expectations import services
from accord.expectations.models import Gap
from accord.expectations.services import Terms
from accord.parties.access import relationship_for_user
from accord.parties.models import Relationship
from tests.isolation.markers import Registry


def seed_expectations(m: Registry, s: str, rel: Relationship, supplier: Any, customer: Any) -> None:
    """``supplier`` and ``customer``: a lead (editor or admin) of each side of ``rel``."""

    def access(user: Any) -> Any:
        return relationship_for_user(user, pk=rel.pk, write=True)

    def mark(what: str, vis: str = "SH") -> str:
        return m.new(s, vis, what)

    ours, theirs = access(supplier), access(customer)

    def agreed(terms: Terms, owner: Any = None) -> Any:
        exp = services.propose(access=theirs, holder="customer", terms=terms, owner=owner)
        services.agree(access=ours, expectation=exp, version=exp.version)
        exp.refresh_from_db()
        return exp

    oti = agreed(
        Terms(area="OTD", statement=mark("expectations.Revision.statement"), measure="OTD.OTI",
              comparator="at_least", target=95),
        owner=supplier,
    )  # fmt: skip
    services.propose_change(
        access=theirs,
        expectation=oti,
        version=oti.version,
        terms=Terms(area="OTD", statement=mark("expectations.Revision.statement"), measure="OTD.OTI",
                    comparator="at_least", target=97),
        reason=mark("expectations.Revision.reason"),
        owner=supplier,
    )  # fmt: skip
    docs = agreed(
        Terms(area="documentation", statement=mark("expectations.Revision.statement"), rating_target=4),
        owner=supplier,
    )
    services.rate(access=theirs, expectation=docs, rating=2, note=mark("expectations.Assessment.note"))
    gap = Gap.objects.get(expectation=docs)
    for vis, visibility in (("SH", "shared"), ("SUP", "private")):
        services.plan_action(
            access=ours,
            gap=gap,
            title=mark("register.ActionItem.title", vis),
            description=mark("register.ActionItem.description", vis),
            owner=supplier,
            visibility=visibility,
        )
    retired = agreed(Terms(area="other", statement=mark("expectations.Revision.statement"), rating_target=3))
    services.retire(
        access=theirs,
        expectation=retired,
        version=retired.version,
        reason=mark("expectations.Expectation.retired_reason"),
    )
