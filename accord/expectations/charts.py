"""The expectations' charts: a measurable expectation's measure with its agreed target as a line (the
measurements page's own chart, ``measurements.charting.chart_spec``), and the same target as the
measurements page draws it (``accord.lib.targets``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from accord.expectations.models import Comparator, Expectation, Revision
from accord.lib.months import add_months
from accord.lib.targets import Target
from accord.measurements import charting, definitions
from accord.measurements.engine import Value
from accord.measurements.selectors import metrics_by_window

SYMBOL = {c.value: c.label for c in Comparator}


def target_text(revision: Revision) -> str:
    """ "≥ 95", "rating ≥ 4 of 5"."""
    if revision.measurable:
        value = f"{float(revision.target or 0):g}"
        return f"{SYMBOL.get(revision.comparator, revision.comparator)} {value}"
    return _("rating ≥ %(n)s of 5") % {"n": revision.rating_target}


def target_of(expectation: Expectation, revision: Revision, missed: Iterable[str] = ()) -> Target:
    rel = expectation.relationship
    return Target(
        measure=revision.measure,
        category=revision.category or "ALL",
        window=revision.basis,
        comparator=revision.comparator,
        value=float(revision.target or 0),
        label=_("%(ref)s target %(target)s")
        % {"ref": expectation.reference, "target": target_text(revision)},
        url=reverse("expectations:detail", args=[rel.slug, expectation.number]),
        missed=tuple(sorted(missed)),
    )


def measure_chart(
    expectation: Expectation, revision: Revision, *, end: str, months: int = 12, missed: Iterable[str] = ()
) -> dict[str, Any]:
    """The expectation's measure over ``months`` months ending with ``end``: its monthly values, the
    rolling value its basis holds to the target, and the target line."""
    start = add_months(end, -(months - 1))
    windows = sorted({1, revision.basis})
    by_window = metrics_by_window(
        expectation.relationship,
        start=start,
        end=end,
        category=revision.category or "ALL",
        windows=windows,
        measures=[revision.measure],
    )
    pooled = lambda rows: [r for r in rows if r.measure == revision.measure and not r.severity]  # noqa: E731
    d = definitions.measure(revision.measure)
    return charting.chart_spec(
        f"{revision.measure} · {d.shown_name} ({d.shown_unit}) · {revision.category or 'ALL'}",
        {revision.measure: pooled(by_window[1])},
        {revision.measure: pooled(by_window[revision.basis])} if revision.basis != 1 else {},
        {},
        start=start,
        end=end,
        window=revision.basis,
        targets=[target_of(expectation, revision, missed)],
    )


def small_chart(
    expectation: Expectation,
    revision: Revision,
    points: list[tuple[str, float | None]],
    missed: Iterable[str],
    *,
    start: str,
    end: str,
    size: tuple[int, int] = (260, 90),
) -> dict[str, Any]:
    """The scorecard's small chart: the values held to the target (from the assessments), the target
    line and the missed months."""
    rows = [
        Value(revision.measure, month, revision.category or "ALL", None, None, value, revision.basis)
        for month, value in points
    ]
    spec = charting.chart_spec(
        f"{expectation.reference} · {revision.measure}",
        {revision.measure: rows},
        {},
        {},
        start=start,
        end=end,
        window=1,
        # the values judged are drawn as one line, so the target rules that line
        targets=[replace(target_of(expectation, revision, missed), window=1)],
    )
    spec["width"], spec["height"] = size
    return spec


def has_values(spec: dict[str, Any]) -> bool:
    return any(p.get("value") is not None for p in spec["data"]["values"])
