"""The shared expectations team's agenda, bound to live data: the six items of the guidance's typical
first meeting (``meetings.agendas``, kind SET) read this app's data through the section kinds
registered here into ``accord.meetings.sections.REGISTRY`` (meetings cannot import expectations, the
layer above them; ``apps.ready`` imports this module).

* ``expectations.customer`` / ``expectations.organization``: each side's expectations, the terms in
  force and those proposed, and where agreement stands.
* ``expectations.comparison``: each agreed expectation's last assessed month, value against target,
  met or not, and the draft ratings of qualitative ones awaiting the holding side's confirmation.
* ``expectations.gaps``: the open and improving gaps (since, size, trend), and those closed since the
  last meeting.
* ``expectations.plans``: each open gap's action plan, **shared** register items only: the agenda is
  read by both sides and the facilitator, so it is prepared as the shared view (``prep.view``).
* ``expectations.measures``: the measure tracking each open gap's plan, its latest value and trend.

Each section reads a bounded number of rows (``ROWS`` per group, at most ``GAPS`` gaps).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.expectations import selectors
from accord.expectations.models import (
    OPEN_GAPS,
    Assessment,
    AssessmentStatus,
    Expectation,
    Gap,
    GapStatus,
    Result,
    Revision,
    Status,
)
from accord.meetings import agendas
from accord.meetings.sections import Group, Preparation, Row, Section, register
from accord.parties.models import Side
from accord.register.models import ActionItem, SourceKind

CUSTOMER = agendas.EXPECTATIONS_CUSTOMER
ORGANIZATION = agendas.EXPECTATIONS_ORGANIZATION
COMPARISON = agendas.EXPECTATIONS_COMPARISON
GAPS = agendas.EXPECTATIONS_GAPS
PLANS = agendas.EXPECTATIONS_PLANS
MEASURES = agendas.EXPECTATIONS_MEASURES

ROWS = 10  # rows per group; the rest is told as "and N more"
GAP_GROUPS = 10  # gaps whose action plan is listed one by one


def _link(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:g} {unit}".strip()


def _unit(revision: Revision | None) -> str:
    from accord.measurements.definitions import MEASURES as DEFINITIONS

    if revision is None or not revision.measurable:
        return ""
    found = DEFINITIONS.get(revision.measure)
    return found.shown_unit if found is not None else ""


def terms_text(revision: Revision | None) -> str:
    """The terms in a line: "OTD.OTI (ALL) ≥ 95 %, monthly", or "rated 4 of 5 or better"."""
    if revision is None:
        return "–"
    if revision.measurable:
        target = _number(float(revision.target), _unit(revision)) if revision.target is not None else "–"
        category = "" if revision.category in ("", "ALL") else f" ({revision.category})"
        return (
            f"{revision.measure}{category} {revision.get_comparator_display()} {target}, "
            f"{revision.get_basis_display().lower()}"
        )
    return _("rated %(n)s of 5 or better") % {"n": revision.rating_target}


def _expectations(prep: Preparation) -> Any:
    return Expectation.objects.visible_to(prep.view)


def _detail(prep: Preparation, exp: Expectation) -> str:
    return _link("expectations:detail", prep.relationship.slug, exp.number)


def _awaiting(revision: Revision) -> str:
    agreed = {a.side for a in revision.agreements.all()}
    waiting = [str(s.label) for s in Side if s.value not in agreed]
    return _("awaits %(side)s") % {"side": ", ".join(waiting)} if waiting else ""


def _side_section(binding: str, holder: str) -> Any:
    def prepare(prep: Preparation) -> Section:
        found = selectors.expectation_list(_expectations(prep).exclude(status=Status.RETIRED), holder=holder)
        agreed = [e for e in found if e.status == Status.AGREED]
        proposed = [e for e in found if e.status == Status.PROPOSED]
        changes = [e for e in agreed if selectors.proposed(e) is not None]

        def row(exp: Expectation, revision: Revision | None, flag: str = "") -> Row:
            return Row(
                label=exp.reference,
                title=revision.statement if revision is not None else "",
                url=_detail(prep, exp),
                cells=[terms_text(revision), str(revision.get_area_display()) if revision else "–"],
                flag=flag,
            )

        in_force = [
            row(e, selectors.in_force(e), _("change proposed") if e in changes else "") for e in agreed
        ]
        waiting = []
        for exp in [*changes, *proposed]:
            revision = selectors.proposed(exp)
            if revision is not None:
                waiting.append(row(exp, revision, _awaiting(revision)))
        columns = [_("Terms"), _("Area")]
        return Section(
            binding=binding,
            label=str(SECTION_LABELS[binding]),
            url=_link("expectations:list", prep.relationship.slug),
            counts=[(_("Agreed"), len(agreed)), (_("Awaiting agreement"), len(waiting))],
            groups=[
                Group("agreed", _("Agreed, in force"), len(in_force), in_force[:ROWS], columns),
                Group("proposed", _("Proposed, awaiting agreement"), len(waiting), waiting[:ROWS], columns),
            ],
            empty=_("No expectations of this side yet."),
        )

    return prepare


def comparison_section(prep: Preparation) -> Section:
    found = selectors.expectation_list(_expectations(prep).filter(status=Status.AGREED))
    ids = [e.pk for e in found]
    last: dict[int, Assessment] = {}
    for a in (
        Assessment.objects.filter(expectation_id__in=ids, status=AssessmentStatus.CONFIRMED)
        .exclude(result=Result.NO_DATA)
        .order_by("expectation_id", "-month")
    ):
        last.setdefault(a.expectation_id, a)
    drafts = list(
        Assessment.objects.filter(expectation_id__in=ids, status=AssessmentStatus.DRAFT)
        .select_related("expectation", "drafted_by", "meeting")
        .order_by("expectation__number", "-month")
    )
    rows: list[Row] = []
    counts = {Result.MET: 0, Result.NOT_MET: 0, Result.NO_DATA: 0}
    for exp in found:
        revision = selectors.in_force(exp)
        got = last.get(exp.pk)
        result = got.result if got is not None else Result.NO_DATA
        counts[Result(result)] += 1
        rows.append(
            Row(
                label=exp.reference,
                title=revision.statement if revision else "",
                url=_detail(prep, exp),
                cells=[
                    got.month if got is not None else "–",
                    _number(got.value, _unit(revision)) if got is not None else "–",
                    terms_text(revision),
                    str(Result(result).label),
                ],
                flag=_("not met") if result == Result.NOT_MET else "",
            )
        )
    rows.sort(key=lambda r: (r.flag == "", r.label))
    draft_rows = [
        Row(
            label=d.expectation.reference,
            title=_("Rated %(n)s of 5 for %(month)s by %(who)s")
            % {"n": d.rating, "month": d.month, "who": d.drafted_by or "–"},
            url=_detail(prep, d.expectation),
            cells=[d.meeting.title if d.meeting else "–", d.note or "–"],
            flag=_("awaiting confirmation"),
        )
        for d in drafts[:ROWS]
    ]
    return Section(
        binding=COMPARISON,
        label=str(SECTION_LABELS[COMPARISON]),
        url=_link("expectations:scorecard", prep.relationship.slug),
        counts=[
            (_("Met"), counts[Result.MET]),
            (_("Not met"), counts[Result.NOT_MET]),
            (_("No data"), counts[Result.NO_DATA]),
            (_("Ratings awaiting confirmation"), len(drafts)),
        ],
        groups=[
            Group(
                "assessed",
                _("Last assessed month of each agreed expectation"),
                len(rows),
                rows[:ROWS],
                [_("Month"), _("Value"), _("Target"), _("Result")],
            ),
            Group(
                "drafts",
                _("Draft ratings awaiting the holding side's confirmation"),
                len(drafts),
                draft_rows,
                [_("Meeting"), _("Note")],
            ),
        ],
        notes=[_("Measured expectations are assessed every month from the imported data.")],
        empty=_("No agreed expectations yet."),
    )


def _open_gaps(prep: Preparation) -> Any:
    return (
        Gap.objects.filter(expectation__in=_expectations(prep), status__in=OPEN_GAPS)
        .select_related("expectation")
        .prefetch_related("expectation__revisions")
        .order_by("since", "expectation__number")
    )


def _gap_row(prep: Preparation, gap: Gap) -> Row:
    exp = gap.expectation
    revision = selectors.in_force(exp)
    detail = _detail(prep, exp)
    return Row(
        label=gap.reference,
        title=revision.statement if revision else "",
        url=f"{detail}#gap" if detail else "",
        cells=[
            str(gap.get_status_display()),
            gap.since,
            _number(round(gap.size, 4) if gap.size is not None else None, _unit(revision)),
            str(gap.get_trend_display()),
        ],
        flag={"worse": _("worse"), "better": _("better")}.get(gap.trend, ""),
    )


def gaps_section(prep: Preparation) -> Section:
    gaps = _open_gaps(prep)
    total = gaps.count()
    closed = (
        Gap.objects.filter(
            expectation__in=_expectations(prep), status=GapStatus.CLOSED, closed_at__gte=prep.since
        )
        .select_related("expectation")
        .prefetch_related("expectation__revisions")
        .order_by("expectation__number")
    )
    columns = [_("Status"), _("Since"), _("Short by"), _("Trend")]
    return Section(
        binding=GAPS,
        label=str(SECTION_LABELS[GAPS]),
        url=_link("expectations:scorecard", prep.relationship.slug),
        counts=[(_("Open gaps"), total), (_("Closed since the last meeting"), closed.count())],
        groups=[
            Group("open", _("Open and improving"), total, [_gap_row(prep, g) for g in gaps[:ROWS]], columns),
            Group(
                "closed",
                _("Closed since the last meeting"),
                closed.count(),
                [_gap_row(prep, g) for g in closed[:ROWS]],
                columns,
            ),
        ],
        empty=_("No open gaps: every agreed expectation is met."),
    )


def _item_row(prep: Preparation, item: ActionItem) -> Row:
    owner = item.owner.full_name if item.owner is not None else item.get_owner_side_display()
    overdue = item.is_open and item.due_date is not None and item.due_date < prep.today
    return Row(
        label=item.reference,
        title=item.title,
        url=_link("register:item", prep.relationship.slug, item.key),
        cells=[str(owner), item.due_date.isoformat() if item.due_date else "–", item.get_status_display()],
        flag=_("overdue") if overdue else "",
    )


def _statement(exp: Expectation) -> str:
    revision = selectors.in_force(exp)
    return revision.statement if revision is not None else ""


def plans_section(prep: Preparation) -> Section:
    gaps = list(_open_gaps(prep)[:GAP_GROUPS])
    gap_type = ContentType.objects.get_for_model(Gap)
    # the shared view: a side's private items never reach a shared agenda
    items = (
        ActionItem.objects.visible_to(prep.view)
        .filter(source_kind=SourceKind.GAP, source_type=gap_type, source_id__in=[str(g.pk) for g in gaps])
        .select_related("owner", "relationship")
        .order_by("due_date", "number")
    )
    by_gap: dict[int, list[ActionItem]] = defaultdict(list)
    for item in items:
        by_gap[int(item.source_id)].append(item)
    columns = [_("Owner"), _("Due"), _("Status")]
    groups = []
    for gap in gaps:
        plan = by_gap.get(gap.pk, [])
        groups.append(
            Group(
                f"gap-{gap.expectation.number}",
                f"{gap.reference}: {_statement(gap.expectation)}",
                len(plan),
                [_item_row(prep, i) for i in plan[:ROWS]],
                columns,
            )
        )
    unplanned = sum(1 for g in gaps if not by_gap.get(g.pk))
    return Section(
        binding=PLANS,
        label=str(SECTION_LABELS[PLANS]),
        url=_link("register:list", prep.relationship.slug),
        counts=[(_("Open gaps"), len(gaps)), (_("Action items"), sum(len(v) for v in by_gap.values()))],
        groups=groups,
        notes=[
            _("Shared items only: each side's private items are not part of a shared agenda."),
            *([_("%(n)s open gaps have no action plan yet.") % {"n": unplanned}] if unplanned else []),
        ],
        empty=_("No action plans: there is no open gap, or none has action items yet."),
    )


def measures_section(prep: Preparation) -> Section:
    """The measure tracking each open gap's plan (the expectation's own unless one was chosen), its
    latest value and trend over the last months."""
    from accord.expectations import judging
    from accord.expectations.assessing import last_complete_month
    from accord.lib.months import add_months
    from accord.measurements.definitions import MEASURES as DEFINITIONS
    from accord.measurements.engine import ALL, round_value
    from accord.measurements.selectors import metrics_by_window

    gaps = list(_open_gaps(prep)[:GAP_GROUPS])
    end = last_complete_month(prep.today)
    start = add_months(end, -(TREND_MONTHS - 1))
    tracked: dict[int, tuple[str, str, int]] = {}  # gap → (measure, category, window)
    for gap in gaps:
        revision = selectors.in_force(gap.expectation)
        measure = gap.tracked_by or (revision.measure if revision is not None else "")
        if measure in DEFINITIONS:
            same = revision is not None and revision.measure == measure
            tracked[gap.pk] = (
                measure,
                (revision.category or ALL) if same and revision is not None else ALL,
                revision.basis if same and revision is not None else 1,
            )
    windows = sorted({w for _m, _c, w in tracked.values()})
    measures = sorted({m for m, _c, _w in tracked.values()})
    values: dict[tuple[str, str, int], list[tuple[str, float | None]]] = defaultdict(list)
    if measures:
        found = metrics_by_window(prep.relationship, start=start, end=end, windows=windows, measures=measures)
        for window, found_values in found.items():
            for v in sorted(found_values, key=lambda v: v.month):
                if not v.severity:
                    values[(v.measure, v.category, window)].append((v.month, round_value(v.value, v.measure)))
    rows: list[Row] = []
    for gap in gaps:
        exp = gap.expectation
        key = tracked.get(gap.pk)
        if key is None:
            rows.append(
                Row(
                    label=gap.reference,
                    title=_("Rated at each shared expectations meeting"),
                    url=_detail(prep, exp),
                    cells=["–", _number(gap.value), "–", str(gap.get_trend_display())],
                )
            )
            continue
        measure, category, window = key
        series = values.get(key, [])
        known = [(m, v) for m, v in series if v is not None]
        definition = DEFINITIONS[measure]
        comparator = "at_most" if str(definition.direction) == "lower" else "at_least"
        trend = judging.trend([v for _m, v in known], comparator) if definition.direction != "none" else ""
        label = {"better": _("Getting better"), "worse": _("Getting worse"), "flat": _("No change")}
        rows.append(
            Row(
                label=measure,
                title=f"{definition.shown_name} ({gap.reference})",
                url=_link("measurements:page", prep.relationship.slug),
                cells=[
                    known[-1][0] if known else "–",
                    _number(known[-1][1], definition.shown_unit) if known else "–",
                    _("all categories") if category == ALL else category,
                    label.get(trend, _("Not enough data")),
                ],
                flag={"better": _("better"), "worse": _("worse")}.get(trend, ""),
            )
        )
    return Section(
        binding=MEASURES,
        label=str(SECTION_LABELS[MEASURES]),
        url=_link("measurements:page", prep.relationship.slug),
        counts=[(_("Open gaps tracked"), len(rows))],
        groups=[
            Group(
                "tracked",
                _("The measure tracking each open gap's action plan, over the last %(n)s months")
                % {"n": TREND_MONTHS},
                len(rows),
                rows,
                [_("Latest month"), _("Latest value"), _("Category"), _("Trend")],
            )
        ],
        empty=_("No open gaps to track."),
    )


TREND_MONTHS = 6

SECTION_LABELS = {
    CUSTOMER: gettext_lazy("Customer expectations"),
    ORGANIZATION: gettext_lazy("Organization expectations"),
    COMPARISON: gettext_lazy("Current performance against the expectations"),
    GAPS: gettext_lazy("Gaps"),
    PLANS: gettext_lazy("Action plans for the gaps"),
    MEASURES: gettext_lazy("Measures tracking the action plans"),
}

register(CUSTOMER, SECTION_LABELS[CUSTOMER])(_side_section(CUSTOMER, Side.CUSTOMER))
register(ORGANIZATION, SECTION_LABELS[ORGANIZATION])(_side_section(ORGANIZATION, Side.SUPPLIER))
register(COMPARISON, SECTION_LABELS[COMPARISON])(comparison_section)
register(GAPS, SECTION_LABELS[GAPS])(gaps_section)
register(PLANS, SECTION_LABELS[PLANS])(plans_section)
register(MEASURES, SECTION_LABELS[MEASURES])(measures_section)
