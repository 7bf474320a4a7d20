"""The expectations' doors, built on the tenancy core ``parties.access.relationship_for_user``.

Expectations, their assessments and gaps are the shared expectations team's work: both sides and the
relationship's facilitator (``allow_guest``) read them all; anyone else gets the same 404 as for a
missing one. What a person may change is ``expectations.rules``' business, asked by the services.
"""

from __future__ import annotations

from typing import Any

from accord.expectations.models import Expectation, ExpectationQuerySet, Gap
from accord.parties.access import RelationshipAccess, accesses_for, first_or_404, relationship_for_user
from accord.parties.models import Relationship


def relationship_expectations(
    user: Any, *, slug: str | None = None, pk: int | None = None
) -> tuple[ExpectationQuerySet, RelationshipAccess]:
    access = relationship_for_user(user, slug=slug, pk=pk, allow_guest=True)
    return Expectation.objects.visible_to(access), access


def expectation_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, expectation_id: int
) -> tuple[Expectation, RelationshipAccess]:
    expectations, access = relationship_expectations(user, slug=slug, pk=pk)
    found = first_or_404(expectations.filter(pk=expectation_id).select_related("relationship", "owner"))
    return found, access


def expectation_by_number(user: Any, *, slug: str, number: int) -> tuple[Expectation, RelationshipAccess]:
    expectations, access = relationship_expectations(user, slug=slug)
    found = first_or_404(expectations.filter(number=number).select_related("relationship", "owner"))
    return found, access


def gap_for_user(
    user: Any, *, slug: str | None = None, pk: int | None = None, gap_id: int
) -> tuple[Gap, RelationshipAccess]:
    expectations, access = relationship_expectations(user, slug=slug, pk=pk)
    gaps = Gap.objects.filter(expectation__in=expectations, pk=gap_id)
    return first_or_404(gaps.select_related("expectation", "expectation__relationship")), access


def expectation_accesses(
    user: Any, relationships: list[Relationship] | None = None
) -> list[RelationshipAccess]:
    """``user``'s access to each of their relationships, a facilitator's included (the home page)."""
    return accesses_for(user, relationships, allow_guest=True)
