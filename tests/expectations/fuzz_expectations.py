"""Expectations for the API fuzzer (tests/fuzz/harness.py): of each relationship, one proposed, one
agreed and measured, and one agreed qualitative one with a draft rating and an open gap whose action plan
has a shared and a private item; ids by path parameter name, and body values the services accept."""

from __future__ import annotations

from typing import Any

from accord.expectations import services
from accord.expectations.models import Gap
from accord.parties.access import access_from
from tests.expectations.helpers import DOCS_4, OTI_95


def seed_expectations(world: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {"expectation_id": [], "gap_id": []}
    for rel, customer, supplier in (
        (world.nw_ta, world.carol, world.ada),
        (world.nw_tb, world.mallory, world.sam),
    ):
        cus, sup = access_from(customer, rel), access_from(supplier, rel)
        proposed = services.propose(access=cus, holder="customer", terms=OTI_95)
        measured = services.propose(access=cus, holder="customer", terms=OTI_95)
        services.agree(access=sup, expectation=measured, version=measured.version)
        rated = services.propose(access=cus, holder="customer", terms=DOCS_4)
        services.agree(access=sup, expectation=rated, version=rated.version)
        rated.refresh_from_db()
        services.rate(access=sup, expectation=rated, rating=3, month="2026-10")  # a draft
        services.rate(access=cus, expectation=rated, rating=2)
        gap = Gap.objects.get(expectation=rated)
        for visibility in ("shared", "private"):
            services.plan_action(access=sup, gap=gap, title="Proof-read", visibility=visibility)
        found["expectation_id"] += [proposed.pk, measured.pk, rated.pk]
        found["gap_id"].append(gap.pk)
    return found


def known_values(world: Any) -> dict[str, list[Any]]:
    return {
        "holder": ["customer", "supplier"],
        "measure": ["OTD.OTI", "FR.YRR", ""],
        "rating": [1, 3, 5],
        "rating_target": [4],
        "month": ["2026-10", "2026-11"],
        "month_from": ["2026-01"],
        "month_to": ["2026-12"],
        "reason": ["New contract"],
        "end": ["2026-11"],
        "months": [3, 12],
    }
