"""Every read about expectations, scoped to the viewer through ``Expectation.objects.visible_to`` (the
doors in ``access.py`` hand it over): the list, one expectation's whole story, the scorecard (grid,
headline) and the gaps' action plans (register items through the register's own ``visible_to``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accord.expectations.assessing import last_complete_month
from accord.expectations.models import (
    OPEN_GAPS,
    Agreement,
    Assessment,
    Expectation,
    Gap,
    Result,
    Revision,
    RevisionState,
    Status,
)
from accord.lib.months import add_months, month_range
from accord.parties.access import RelationshipAccess
from accord.register.models import ActionItem, SourceKind

SCORECARD_DEFAULT_MONTHS = 12
SCORECARD_MAX_MONTHS = 36


def with_terms(expectations: QuerySet[Expectation]) -> QuerySet[Expectation]:
    """``expectations`` with their revisions (and agreements), owner and gap in a fixed number of
    queries; read the terms with ``in_force``/``proposed``."""
    revisions = (
        Revision.objects.select_related("proposed_by")
        .order_by("number")
        .prefetch_related(Prefetch("agreements", queryset=Agreement.objects.select_related("user", "party")))
    )
    return expectations.select_related("relationship", "owner", "gap").prefetch_related(
        Prefetch("revisions", queryset=revisions)
    )


def with_history(expectation: Expectation) -> Expectation:
    """``expectation`` (opened by a door) read again with every revision and agreement: its detail,
    or after a change."""
    return with_terms(Expectation.objects.filter(pk=expectation.pk)).get()


def in_force(expectation: Expectation) -> Revision | None:
    """The agreed terms (from prefetched revisions)."""
    return next((r for r in expectation.revisions.all() if r.state == RevisionState.AGREED), None)


def proposed(expectation: Expectation) -> Revision | None:
    return next((r for r in expectation.revisions.all() if r.state == RevisionState.PROPOSED), None)


def terms(expectation: Expectation) -> Revision | None:
    """What to show as the expectation's terms: those in force, else those proposed, else the last."""
    revisions = list(expectation.revisions.all())
    return in_force(expectation) or proposed(expectation) or (revisions[-1] if revisions else None)


def gap_of(expectation: Expectation) -> Gap | None:
    try:
        return expectation.gap
    except Gap.DoesNotExist:
        return None


def expectation_list(
    expectations: QuerySet[Expectation], *, status: str | None = None, holder: str | None = None
) -> list[Expectation]:
    found = expectations
    if status:
        found = found.filter(status=status)
    if holder:
        found = found.filter(holder=holder)
    return list(with_terms(found).order_by("holder", "number"))


def assessments(
    expectation: Expectation,
    *,
    months: int | None = SCORECARD_MAX_MONTHS,
    since: str | None = None,
    until: str | None = None,
) -> list[Assessment]:
    """The expectation's last ``months`` assessments (None: all) from ``since`` to ``until``
    (``YYYY-MM``, either end open), newest first."""
    found = expectation.assessments.select_related("meeting", "drafted_by", "confirmed_by")
    if since:
        found = found.filter(month__gte=since)
    if until:
        found = found.filter(month__lte=until)
    found = found.order_by("-month")
    return list(found if months is None else found[:months])


def gap_list(expectations: QuerySet[Expectation], *, statuses: Sequence[str] = ()) -> list[Gap]:
    """The gaps of ``expectations`` (already scoped to the viewer), with their expectation's terms."""
    found = Gap.objects.filter(expectation__in=expectations)
    if statuses:
        found = found.filter(status__in=statuses)
    terms_of = with_terms(Expectation.objects.all())
    return list(
        found.prefetch_related(Prefetch("expectation", queryset=terms_of)).order_by(
            "expectation__holder", "expectation__number"
        )
    )


def plan_items(access: RelationshipAccess, gaps: Sequence[Gap]) -> dict[int, list[ActionItem]]:
    """gap id → the action plan's items that the viewer may see (the register's rule, once)."""
    if not gaps:
        return {}
    from django.contrib.contenttypes.models import ContentType

    gap_type = ContentType.objects.get_for_model(Gap)
    items = (
        ActionItem.objects.visible_to(access)
        .filter(source_kind=SourceKind.GAP, source_type=gap_type, source_id__in=[str(g.pk) for g in gaps])
        .select_related("owner", "relationship")
        .order_by("due_date", "number")
    )
    out: dict[int, list[ActionItem]] = defaultdict(list)
    for item in items:
        out[int(item.source_id)].append(item)
    return dict(out)


@dataclass
class Row:
    expectation: Expectation
    terms: Revision | None
    cells: list[Assessment | None]
    gap: Gap | None
    plan: list[ActionItem] = field(default_factory=list)

    @property
    def last(self) -> Assessment | None:
        return self.cells[-1] if self.cells else None


@dataclass
class Headline:
    met: int = 0  # agreed expectations met in the month
    assessed: int = 0  # agreed expectations assessed (met or not met) in the month
    agreed: int = 0
    open_gaps: int = 0
    month: str = ""


@dataclass
class Scorecard:
    months: list[str]
    rows: list[Row]
    headline: Headline

    @property
    def gaps(self) -> list[Row]:
        return [r for r in self.rows if r.gap is not None and r.gap.status in OPEN_GAPS]


def scorecard(
    access: RelationshipAccess, *, months: int = SCORECARD_DEFAULT_MONTHS, end: str | None = None
) -> Scorecard:
    """The agreed expectations × the ``months`` months ending with ``end`` (default: the last complete
    month), with their gaps and action plans; a fixed number of queries."""
    months = max(1, min(months, SCORECARD_MAX_MONTHS))
    end = end or last_complete_month(timezone.localdate())
    span = month_range(add_months(end, -(months - 1)), end)
    agreed = with_terms(Expectation.objects.visible_to(access).filter(status=Status.AGREED)).order_by(
        "holder", "number"
    )
    expectations = list(agreed)
    found: dict[tuple[int, str], Assessment] = {
        (a.expectation_id, a.month): a
        for a in Assessment.objects.filter(
            expectation__in=[e.pk for e in expectations], month__gte=span[0], month__lte=span[-1]
        )
    }
    gaps = [g for g in (gap_of(e) for e in expectations) if g is not None]
    plans = plan_items(access, gaps)
    rows = []
    for exp in expectations:
        gap = gap_of(exp)
        rows.append(
            Row(
                expectation=exp,
                terms=in_force(exp),
                cells=[found.get((exp.pk, m)) for m in span],
                gap=gap,
                plan=plans.get(gap.pk, []) if gap else [],
            )
        )
    return Scorecard(span, rows, headline_of(rows, span[-1]))


def headline_of(rows: Sequence[Row], month: str) -> Headline:
    last = [r.cells[-1] for r in rows if r.cells and r.cells[-1] is not None and r.cells[-1].counts]
    return Headline(
        met=sum(1 for a in last if a is not None and a.result == Result.MET),
        assessed=len(last),
        agreed=len(rows),
        open_gaps=sum(1 for r in rows if r.gap is not None and r.gap.status in OPEN_GAPS),
        month=month,
    )


def headlines(accesses: Sequence[RelationshipAccess]) -> dict[int, Headline]:
    """relationship id → the scorecard's headline for last month, for many relationships in three
    queries (the home page)."""
    if not accesses:
        return {}
    month = last_complete_month(timezone.localdate())
    out = {a.relationship.pk: Headline(month=month) for a in accesses}
    agreed = Expectation.objects.visible_to(*accesses).filter(status=Status.AGREED)
    for rel_id in agreed.values_list("relationship_id", flat=True):
        out[rel_id].agreed += 1
    for rel_id, result, status in Assessment.objects.filter(expectation__in=agreed, month=month).values_list(
        "expectation__relationship_id", "result", "status"
    ):
        if status == "confirmed" and result != Result.NO_DATA:
            out[rel_id].assessed += 1
            out[rel_id].met += result == Result.MET
    for rel_id in Gap.objects.filter(expectation__in=agreed, status__in=OPEN_GAPS).values_list(
        "expectation__relationship_id", flat=True
    ):
        out[rel_id].open_gaps += 1
    return out
