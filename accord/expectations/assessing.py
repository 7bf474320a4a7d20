"""Assessing agreed expectations, month by month, and keeping their gaps.

Measurable expectations are assessed from the measurements engine (one read of a relationship's facts
for all its expectations): each complete month from ``HISTORY`` months before the first agreement to the
last complete month, under the terms in force for that month (``governing``). The assessments are
stored (``Assessment``, automatic) so the scorecard reads rows, and rewritten only where they changed.
Then each agreed expectation's gap follows its assessed periods (``judging.follow``): from the month
its first terms took effect, confirmed periods only; owners hear of a gap that opens or reopens.

Runs after every change of a relationship's facts (``listeners``), when an expectation is agreed, and
daily from ``accord tick`` (a new month completes): idempotent, so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from accord.audit import services as audit
from accord.expectations import emails, judging
from accord.expectations.models import Assessment as AssessmentRow
from accord.expectations.models import (
    AssessmentStatus,
    Expectation,
    Gap,
    GapStatus,
    Result,
    Revision,
    RevisionState,
    Status,
)
from accord.lib.months import add_months, month_of, month_range
from accord.measurements import engine
from accord.measurements.selectors import metrics_by_window
from accord.parties.models import Relationship

HISTORY = 11  # months assessed before the first terms took effect: a year's line on the scorecard
SCORECARD_MONTHS = 36  # the most months kept assessed back from the last complete month
RECENT = 3  # the daily job's months: the one just completed and two before (late recounts)
AUTO_FIELDS = ("revision_id", "result", "value", "numerator", "denominator", "target")


def last_complete_month(today: date | None = None) -> str:
    return add_months(month_of(today or timezone.localdate()), -1)


def governing(revisions: Sequence[Revision], month: str) -> Revision | None:
    """The terms ``month`` is held to: the latest agreed (or since superseded) revision in effect by
    then, else the first ever agreed (months before any agreement are assessed against it, as history)."""
    agreed = [r for r in revisions if r.state in (RevisionState.AGREED, RevisionState.SUPERSEDED)]
    if not agreed:
        return None
    agreed.sort(key=lambda r: r.number)
    found = None
    for r in agreed:
        if r.effective_month and r.effective_month <= month:
            found = r
    return found or agreed[0]


def first_effective(revisions: Sequence[Revision]) -> str | None:
    months = [
        r.effective_month
        for r in revisions
        if r.state in (RevisionState.AGREED, RevisionState.SUPERSEDED) and r.effective_month
    ]
    return min(months) if months else None


@dataclass
class Outcome:
    assessed: int = 0  # assessments written or changed
    opened: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return f"{self.assessed} assessments changed, {self.opened} gaps opened, {self.closed} closed"


def _agreed(relationships: list[Relationship]) -> dict[int, list[Expectation]]:
    """relationship id → its agreed expectations with their revisions (two queries for them all)."""
    by_id = {r.pk: r for r in relationships}
    found: dict[int, list[Expectation]] = {pk: [] for pk in by_id}
    for exp in (
        Expectation.objects.filter(relationship_id__in=list(by_id), status=Status.AGREED)
        .select_related("owner")
        .prefetch_related("revisions")
        .order_by("number")
    ):
        exp.relationship = by_id[exp.relationship_id]
        found[exp.relationship_id].append(exp)
    return found


def _values(
    relationship: Relationship, wanted: list[tuple[Revision, str]], start: str, end: str
) -> dict[tuple[str, str, int, str], engine.Value]:
    """(measure, category, window, month) → the engine's value, for every measurable revision."""
    measures = sorted({r.measure for r, _m in wanted})
    windows = sorted({r.basis for r, _m in wanted})
    if not measures:
        return {}
    found = metrics_by_window(relationship, start=start, end=end, windows=windows, measures=measures)
    return {
        (v.measure, v.category, window, v.month): v
        for window, values in found.items()
        for v in values
        if not v.severity
    }


@transaction.atomic
def assess_relationship(
    relationship: Relationship,
    *,
    today: date | None = None,
    since: str | None = None,
    expectations: list[Expectation] | None = None,
) -> Outcome:
    """Assess every agreed measurable expectation of ``relationship`` (the months from ``since`` on,
    when given: the facts of earlier months did not change) and follow every gap."""
    outcome = Outcome()
    if expectations is None:
        expectations = _agreed([relationship])[relationship.pk]
    if not expectations:
        return outcome
    end = last_complete_month(today)
    plan: list[tuple[Expectation, Revision, str]] = []
    for exp in expectations:
        revisions = list(exp.revisions.all())
        first = first_effective(revisions)
        if first is None:
            continue
        start = max(add_months(first, -HISTORY), add_months(end, -(SCORECARD_MONTHS - 1)), since or "")
        for month in month_range(start, end) if start <= end else []:
            rev = governing(revisions, month)
            if rev is not None and rev.measurable:
                plan.append((exp, rev, month))
    if plan:
        start = min(m for _e, _r, m in plan)
        values = _values(relationship, [(r, m) for _e, r, m in plan], start, end)
        outcome.assessed = _store(plan, values)
    rows: dict[int, list[Judged]] = {e.pk: [] for e in expectations}
    for exp_id, *fields in (
        AssessmentRow.objects.filter(expectation_id__in=list(rows)).order_by("month").values_list(*JUDGED)
    ):
        rows[exp_id].append(Judged(*fields))
    gaps = {g.expectation_id: g for g in Gap.objects.filter(expectation_id__in=list(rows))}
    for exp in expectations:
        _follow_gap(exp, outcome, rows[exp.pk], gaps.get(exp.pk))
    return outcome


def _fresh(rev: Revision, value: engine.Value | None) -> tuple[Any, ...]:
    """The ``AUTO_FIELDS`` of ``rev``'s assessment for a month whose engine value is ``value``."""
    target = float(rev.target) if rev.target is not None else None
    shown = engine.round_value(value.value, rev.measure) if value is not None else None
    result = (
        Result.NO_DATA
        if shown is None or target is None
        else judging.result_of(shown, rev.comparator, target)
    )
    numerator = value.numerator if value is not None else None
    denominator = value.denominator if value is not None else None
    return (rev.pk, result, shown, numerator, denominator, target)


def _store(
    plan: list[tuple[Expectation, Revision, str]], values: dict[tuple[str, str, int, str], engine.Value]
) -> int:
    """Write the plan's assessments where they are new or changed (rows compared as tuples: a monthly
    run over many relationships rewrites few). A month rated by hand keeps its rating."""
    ids = {e.pk for e, _r, _m in plan}
    stored: dict[tuple[int, str], tuple[Any, ...]] = {}
    by_hand: set[tuple[int, str]] = set()
    for pk, exp_id, month, automatic, *fields in AssessmentRow.objects.filter(
        expectation_id__in=ids
    ).values_list("pk", "expectation_id", "month", "automatic", *AUTO_FIELDS):
        if automatic:
            stored[(exp_id, month)] = (pk, *fields)
        else:
            by_hand.add((exp_id, month))
    new: list[AssessmentRow] = []
    changed: list[AssessmentRow] = []
    for exp, rev, month in plan:
        if (exp.pk, month) in by_hand:
            continue
        fresh = _fresh(rev, values.get((rev.measure, rev.category or engine.ALL, rev.basis, month)))
        old = stored.get((exp.pk, month))
        if old is not None and tuple(old[1:]) == fresh:
            continue
        row = AssessmentRow(
            pk=old[0] if old else None,
            expectation=exp,
            month=month,
            automatic=True,
            status=AssessmentStatus.CONFIRMED,
            **dict(zip(AUTO_FIELDS, fresh, strict=True)),
        )
        (new if old is None else changed).append(row)
    AssessmentRow.objects.bulk_create(new, batch_size=500)
    AssessmentRow.objects.bulk_update(changed, [f.removesuffix("_id") for f in AUTO_FIELDS], batch_size=500)
    return len(new) + len(changed)


class Judged(NamedTuple):
    """What a gap follows of one assessment."""

    month: str
    result: str
    value: float | None
    target: float | None
    rating: int | None
    status: str


JUDGED = ("expectation_id", *Judged._fields)


def periods(exp: Expectation, assessments: Iterable[AssessmentRow | Judged]) -> list[judging.Period]:
    """The periods a gap follows: confirmed assessments from the month the first terms took effect."""
    first = first_effective(list(exp.revisions.all()))
    if first is None:
        return []
    return [
        judging.Period(a.month, a.result, a.value if a.rating is None else float(a.rating), a.target)
        for a in sorted(assessments, key=lambda a: a.month)
        if a.month >= first and a.status == AssessmentStatus.CONFIRMED
    ]


def _comparator(exp: Expectation) -> str:
    current = governing(list(exp.revisions.all()), "9999-12")
    return current.comparator if current is not None and current.comparator else "at_least"


def follow_gap(exp: Expectation) -> Outcome:
    """Keep ``exp``'s gap in step with its assessments (after a rating is confirmed, say)."""
    outcome = Outcome()
    _follow_gap(exp, outcome, list(exp.assessments.all()), Gap.objects.filter(expectation=exp).first())
    return outcome


def _follow_gap(
    exp: Expectation, outcome: Outcome, assessments: Sequence[AssessmentRow | Judged], gap: Gap | None
) -> None:
    current = governing(list(exp.revisions.all()), "9999-12")
    if current is None:
        return
    state = judging.follow(
        periods(exp, assessments),
        comparator=_comparator(exp),
        open_after=current.open_after,
        close_after=current.close_after,
    )
    if state is None:
        return
    now = timezone.now()
    values: dict[str, Any] = {
        "status": state.status,
        "since": state.since,
        "opened_month": state.opened_month,
        "last_month": state.last_month,
        "closed_month": state.closed_month,
        "value": state.value,
        "target": state.target,
        "size": state.size,
        "trend": state.trend,
        "met_streak": state.met_streak,
        "times_opened": state.times_opened,
    }
    if gap is None:
        gap = Gap(expectation=exp, opened_at=now, tracked_by=current.measure, **values)
        if not state.is_open:
            gap.closed_at = now
        gap.save()
        audit.record(
            actor=None,
            verb="gap opened",
            obj=gap,
            relationship=exp.relationship,
            changes=_changes({}, values),
        )
        outcome.opened += 1
        if state.is_open:
            emails.gap_opened(gap)
        return
    before = {k: getattr(gap, k) for k in values}
    if before == values:
        return
    reopened = state.times_opened > gap.times_opened
    closed = state.status == GapStatus.CLOSED and before["status"] != GapStatus.CLOSED
    for k, v in values.items():
        setattr(gap, k, v)
    if reopened:
        gap.opened_at, gap.closed_at = now, None
    elif closed:
        gap.closed_at = now
        outcome.closed += 1
    gap.save()
    verb = "gap reopened" if reopened else ("gap closed" if closed else "gap updated")
    audit.record(
        actor=None,
        verb=verb,
        obj=gap,
        relationship=exp.relationship,
        changes=_changes(
            before, values, only=("status", "since", "last_month", "closed_month", "times_opened")
        ),
    )
    if reopened:
        outcome.opened += 1
        emails.gap_opened(gap)


def _changes(before: dict[str, Any], after: dict[str, Any], only: Sequence[str] = ()) -> dict[str, list[Any]]:
    keys = only or tuple(after)
    return {k: [before.get(k), after[k]] for k in keys if before.get(k) != after[k]}


def assess_all(now: datetime | None = None, *, recent: int | None = RECENT) -> Outcome:
    """Every relationship with agreed expectations: the daily job, which assesses the ``recent`` last
    complete months (None: every month). Imports and recounts reassess what they change as they
    commit (``listeners``); the job adds the month that has just completed."""
    today = timezone.localdate(now) if now is not None else None
    since = add_months(last_complete_month(today), -(recent - 1)) if recent else None
    total = Outcome()
    ids = Expectation.objects.filter(status=Status.AGREED).values("relationship_id").distinct()
    relationships = list(Relationship.objects.filter(pk__in=ids))
    agreed = _agreed(relationships)
    for rel in relationships:
        found = assess_relationship(rel, today=today, since=since, expectations=agreed[rel.pk])
        total.assessed += found.assessed
        total.opened += found.opened
        total.closed += found.closed
    return total
