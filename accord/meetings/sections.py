"""The live data sections an agenda item binds to (``AgendaItem.binding``): the register, measurements,
deliveries, forecasts and the topics of each kind, pulled in when the agenda is prepared.

An agenda is read by both sides and e-mailed to external guests, so every section is prepared as the
**shared view** of the relationship: shared action items and shared topics only, never a side's private
ones, whoever looks. Each section is plain data (groups of rows with links, counts, "and N more") that
the meeting page, the API and the pre-read PDF all render; each reads a bounded number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.lib.months import add_months, month_of, month_range
from accord.meetings import agendas
from accord.meetings.models import (
    APPROACH_OF,
    SETTLED_STATUSES,
    Forecast,
    Kind,
    Meeting,
    Status,
    Topic,
    TopicKind,
    TopicStatus,
)
from accord.parties.models import Side
from accord.register.access import shared_view
from accord.register.models import CLOSED_STATUSES, ActionItem

ROWS = 10  # rows per group; the rest is told as "and N more"
FORECAST_PRODUCTS = 30
FORECAST_MONTHS = 12
MEASUREMENT_ROWS = 40
NEXT_MEETING_FALLBACK = 3  # months: "due before the next meeting" when none is scheduled
LAST_MEETING_FALLBACK = 3  # months: "closed since the last meeting" when there was none


@dataclass
class Row:
    label: str  # a reference, a code: what the row is called
    title: str
    url: str = ""
    cells: list[str] = field(default_factory=list)  # further columns, as text
    flag: str = ""  # "overdue", "late", "carried over", "worse", "better"


@dataclass
class Group:
    key: str
    label: str
    count: int
    rows: list[Row] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    grid: bool = False  # a table to read across (forecasts by month); else a list of rows

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))

    @property
    def lines(self) -> list[tuple[Row, str]]:
        """Each row with its further columns as one line ("Owner: Sam · Due: 2027-01-05")."""
        return [
            (row, " · ".join(f"{c}: {v}" for c, v in zip(self.columns, row.cells, strict=False)))
            for row in self.rows
        ]


@dataclass
class Section:
    binding: str
    label: str
    url: str = ""
    counts: list[tuple[str, int]] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    empty: str = ""  # said when there is nothing to show

    @property
    def is_empty(self) -> bool:
        return not any(g.count for g in self.groups)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["is_empty"] = self.is_empty
        out["counts"] = [{"label": label, "count": n} for label, n in self.counts]
        for group, raw in zip(self.groups, out["groups"], strict=True):
            raw["more"] = group.more
        return out


class Preparation:
    """What the sections of one agenda share: the meeting, its neighbours of the same approach and
    the day; a section bound twice is prepared once."""

    def __init__(self, meeting: Meeting, *, today: date | None = None) -> None:
        self.meeting = meeting
        self.relationship = meeting.relationship
        self.view = shared_view(self.relationship)
        self.today = today or timezone.localdate()
        self._neighbours: tuple[Meeting | None, Meeting | None] | None = None
        self._prepared: dict[str, Section] = {}
        self._topics: TopicDigest | None = None

    def _same_approach(self) -> Any:
        approach = APPROACH_OF.get(Kind(self.meeting.kind)) if self.meeting.kind in Kind.values else None
        kinds = [k for k, a in APPROACH_OF.items() if a == approach] if approach else [self.meeting.kind]
        return (
            Meeting.objects.filter(relationship_id=self.relationship.pk, kind__in=kinds)
            .exclude(status=Status.CANCELLED)
            .exclude(pk=self.meeting.pk)
        )

    def neighbours(self) -> tuple[Meeting | None, Meeting | None]:
        """The last meeting of the same approach before this one, and the next after it."""
        if self._neighbours is None:
            same = self._same_approach().only("pk", "title", "starts_at")
            last = same.filter(starts_at__lt=self.meeting.starts_at).order_by("-starts_at").first()
            after = same.filter(starts_at__gt=self.meeting.starts_at).order_by("starts_at").first()
            self._neighbours = (last, after)
        return self._neighbours

    @property
    def since(self) -> datetime:
        last, _after = self.neighbours()
        if last is not None:
            return last.starts_at
        return self.meeting.starts_at - timedelta(days=30 * LAST_MEETING_FALLBACK)

    @property
    def until(self) -> date:
        _last, after = self.neighbours()
        if after is not None:
            return timezone.localdate(after.starts_at)
        return timezone.localdate(self.meeting.starts_at) + timedelta(days=30 * NEXT_MEETING_FALLBACK)

    def topics(self) -> TopicDigest:
        if self._topics is None:
            self._topics = TopicDigest(self)
        return self._topics

    def section(self, binding: str) -> Section | None:
        if not binding:
            return None
        found = self._prepared.get(binding)
        if found is None:
            kind = REGISTRY.get(binding)
            if kind is None:
                return Section(binding=binding, label=binding, empty=_("This data section no longer exists."))
            found = kind.prepare(self)
            self._prepared[binding] = found
        return found


@dataclass(frozen=True)
class SectionKind:
    binding: str
    label: str | Promise
    prepare: Callable[[Preparation], Section]


REGISTRY: dict[str, SectionKind] = {}


def register(binding: str, label: str | Promise) -> Callable[[Callable[[Preparation], Section]], Any]:
    def add(prepare: Callable[[Preparation], Section]) -> Callable[[Preparation], Section]:
        REGISTRY[binding] = SectionKind(binding, label, prepare)
        return prepare

    return add


def choices() -> list[tuple[str, str]]:
    """The bindings an agenda or template item may choose ("" for none)."""
    return [("", _("No data section")), *((b, str(k.label)) for b, k in REGISTRY.items())]


def label_of(binding: str) -> str:
    kind = REGISTRY.get(binding)
    return str(kind.label) if kind else binding


def prepare(meeting: Meeting, bindings: list[str], *, today: date | None = None) -> dict[str, Section]:
    """Each of ``bindings``' sections for ``meeting``, once each."""
    prep = Preparation(meeting, today=today)
    out: dict[str, Section] = {}
    for binding in bindings:
        section = prep.section(binding)
        if section is not None:
            out[binding] = section
    return out


def _link(name: str, *args: Any) -> str:
    """A page's address, or "" while the part that serves it is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _date(d: date | None) -> str:
    return d.isoformat() if d else "–"


# --- the register ---------------------------------------------------------------------------------


def _item_row(item: ActionItem, slug: str, *, flag: str = "", when: date | None = None) -> Row:
    owner = item.owner.full_name if item.owner is not None else item.get_owner_side_display()
    return Row(
        label=f"{item.relationship.item_prefix}-{item.series}{item.number:04d}",
        title=item.title,
        url=_link("register:item", slug, item.key),
        cells=[str(owner), _date(when if when is not None else item.due_date), item.get_status_display()],
        flag=flag,
    )


@register(agendas.REGISTER, gettext_lazy("Action item register"))
def register_section(prep: Preparation) -> Section:
    rel = prep.relationship
    items = ActionItem.objects.visible_to(prep.view)
    since, until, today = prep.since, prep.until, prep.today
    closed = Q(status__in=CLOSED_STATUSES) & (Q(closed_at__gte=since) | Q(done_at__gte=since))
    counts = items.aggregate(
        open=Count("pk", filter=Q(status__in=("open", "in_progress"))),
        overdue=Count("pk", filter=Q(status__in=("open", "in_progress"), due_date__lt=today)),
        due=Count(
            "pk", filter=Q(status__in=("open", "in_progress"), due_date__gte=today, due_date__lt=until)
        ),
        closed=Count("pk", filter=closed),
    )
    rows = items.select_related("relationship", "owner")
    last, _after = prep.neighbours()

    def carried(item: ActionItem) -> str:
        return _("carried over") if last is not None and item.created_at < last.starts_at else ""

    overdue = [
        _item_row(i, rel.slug, flag=carried(i))
        for i in rows.overdue(today).order_by("due_date", "number")[:ROWS]
    ]
    due = [
        _item_row(i, rel.slug, flag=carried(i))
        for i in rows.open()
        .filter(due_date__gte=today, due_date__lt=until)
        .order_by("due_date", "number")[:ROWS]
    ]
    others = (
        rows.open().exclude(due_date__lt=until, due_date__isnull=False).order_by("due_date", "number")[:ROWS]
    )
    other = [_item_row(i, rel.slug, flag=carried(i)) for i in others]
    done = [
        _item_row(
            i,
            rel.slug,
            when=timezone.localdate(i.closed_at or i.done_at) if (i.closed_at or i.done_at) else None,
        )
        for i in rows.filter(closed).order_by("-updated_at", "-number")[:ROWS]
    ]
    columns = [_("Owner"), _("Due"), _("Status")]
    since_label = (
        _("Closed since the last meeting (%(date)s)") % {"date": _date(timezone.localdate(since))}
        if last is not None
        else _("Closed in the last %(n)s months") % {"n": LAST_MEETING_FALLBACK}
    )
    return Section(
        binding=agendas.REGISTER,
        label=label_of(agendas.REGISTER),
        url=_link("register:list", rel.slug),
        counts=[
            (_("Open"), counts["open"]),
            (_("Overdue"), counts["overdue"]),
            (_("Due before the next meeting"), counts["due"]),
            (_("Closed since the last meeting"), counts["closed"]),
        ],
        groups=[
            Group("overdue", _("Overdue"), counts["overdue"], overdue, columns),
            Group(
                "due",
                _("Due before the next meeting (%(date)s)") % {"date": _date(until)},
                counts["due"],
                due,
                columns,
            ),
            Group(
                "open",
                _("Other open items"),
                counts["open"] - counts["overdue"] - counts["due"],
                other,
                columns,
            ),
            Group("closed", since_label, counts["closed"], done, [_("Owner"), _("Closed"), _("Status")]),
        ],
        notes=[_("Shared items only: each side's private items are not part of a shared agenda.")],
        empty=_("No shared action items yet."),
    )


# --- topics of a kind -----------------------------------------------------------------------------


TOPIC_FIELDS = ("pk", "kind", "title", "status", "raised_by_side", "raised_on", "updated_at")


class TopicDigest:
    """The shared topics of every kind, read at once for all the topic sections of an agenda: the
    counts per kind in one query, and the first ``ROWS`` open and recently settled topics of each kind
    in one query each (a row number per kind)."""

    def __init__(self, prep: Preparation) -> None:
        # the shared view: a side's private topics never reach a shared agenda
        topics = Topic.objects.filter(relationship_id=prep.relationship.pk).shared()
        settled = Q(status__in=SETTLED_STATUSES)
        changed = Q(updated_at__gte=prep.since)
        self.counts = {
            row["kind"]: row
            for row in topics.values("kind")
            .annotate(
                open=Count("pk", filter=~settled),
                changed=Count("pk", filter=changed),
                settled=Count("pk", filter=settled & changed),
            )
            .order_by()
        }
        self.open = self._first(topics.exclude(settled), F("raised_on").asc(), F("pk").asc())
        self.settled = self._first(topics.filter(settled & changed), F("updated_at").desc(), F("pk").desc())
        self.since = prep.since

    @staticmethod
    def _first(topics: Any, *order: Any) -> dict[str, list[dict[str, Any]]]:
        numbered = topics.annotate(n=Window(RowNumber(), partition_by=[F("kind")], order_by=list(order)))
        found: dict[str, list[dict[str, Any]]] = {}
        for row in numbered.filter(n__lte=ROWS).values(*TOPIC_FIELDS).order_by("kind", "n"):
            found.setdefault(row["kind"], []).append(row)
        return found


def _topic_row(topic: dict[str, Any], slug: str, labels: dict[str, str], *, flag: str = "") -> Row:
    return Row(
        label=labels[topic["raised_by_side"]],
        title=topic["title"],
        url=_link("meetings:topic", slug, topic["pk"]),
        cells=[
            _date(topic["raised_on"]),
            labels[topic["status"]],
            _date(timezone.localdate(topic["updated_at"])),
        ],
        flag=flag,
    )


def _topics_section(kind: TopicKind) -> Callable[[Preparation], Section]:
    binding = agendas.topics(kind)

    def prepare_topics(prep: Preparation) -> Section:
        rel = prep.relationship
        digest = prep.topics()
        counts = digest.counts.get(kind.value, {"open": 0, "changed": 0, "settled": 0})
        labels = {**{s.value: str(s.label) for s in TopicStatus}, **{s.value: str(s.label) for s in Side}}
        changed = _("changed")
        columns = [_("Raised"), _("Status"), _("Changed")]
        open_rows = [
            _topic_row(t, rel.slug, labels, flag=changed if t["updated_at"] >= digest.since else "")
            for t in digest.open.get(kind.value, [])
        ]
        settled_rows = [_topic_row(t, rel.slug, labels) for t in digest.settled.get(kind.value, [])]
        return Section(
            binding=binding,
            label=str(kind.label),
            url=_link("meetings:topics", rel.slug),
            counts=[(_("Open"), counts["open"]), (_("Changed since the last meeting"), counts["changed"])],
            groups=[
                Group("open", _("Open"), counts["open"], open_rows, columns),
                Group(
                    "settled", _("Settled since the last meeting"), counts["settled"], settled_rows, columns
                ),
            ],
            empty=_("No shared topics of this kind."),
        )

    return prepare_topics


for _kind in TopicKind:
    register(agendas.topics(_kind), _kind.label)(_topics_section(_kind))


# --- deliveries -----------------------------------------------------------------------------------


@register(agendas.DELIVERIES, gettext_lazy("Current deliveries"))
def deliveries_section(prep: Preparation) -> Section:
    from accord.operations.models import OrderLine

    rel = prep.relationship
    lines = OrderLine.objects.filter(relationship_id=rel.pk, delivered_date__isnull=True)
    due = Q(promised_date__lt=prep.today) | Q(promised_date__isnull=True, requested_date__lt=prep.today)
    counts = lines.aggregate(open=Count("pk"), late=Count("pk", filter=due))
    columns = [_("Product"), _("Quantity"), _("Requested"), _("Promised")]

    def row(line: Any) -> Row:
        cells = [line.product.code, str(line.quantity), _date(line.requested_date), _date(line.promised_date)]
        return Row(label=f"{line.order_id}/{line.line}", title=line.product.name, cells=cells)

    rows = lines.select_related("product")
    late = [row(line) for line in rows.filter(due).order_by("requested_date", "pk")[:ROWS]]
    coming = [row(line) for line in rows.exclude(due).order_by("requested_date", "pk")[:ROWS]]
    return Section(
        binding=agendas.DELIVERIES,
        label=label_of(agendas.DELIVERIES),
        url=_link("operations:data", rel.slug),
        counts=[(_("Open order lines"), counts["open"]), (_("Late"), counts["late"])],
        groups=[
            Group("late", _("Late"), counts["late"], late, columns),
            Group("open", _("Open, not late yet"), counts["open"] - counts["late"], coming, columns),
        ],
        empty=_("No open order lines in the imported data."),
    )


# --- forecasts ------------------------------------------------------------------------------------


@register(agendas.FORECASTS, gettext_lazy("Forecast of future requirements"))
def forecasts_section(prep: Preparation) -> Section:
    rel = prep.relationship
    first = month_of(timezone.localdate(prep.meeting.starts_at))
    months = month_range(first, add_months(first, FORECAST_MONTHS - 1))
    rows = Forecast.objects.filter(relationship_id=rel.pk, month__gte=months[0], month__lte=months[-1])
    by_product: dict[int, Row] = {}
    products = list(
        rows.values_list("product_id", "product__code", "product__name").distinct().order_by("product__code")
    )
    for product_id, code, name in products[:FORECAST_PRODUCTS]:
        by_product[product_id] = Row(label=code, title=name, cells=["–"] * len(months))
    index = {m: i for i, m in enumerate(months)}
    for product_id, month, quantity in rows.filter(product_id__in=list(by_product)).values_list(
        "product_id", "month", "quantity"
    ):
        by_product[product_id].cells[index[month]] = str(quantity)
    return Section(
        binding=agendas.FORECASTS,
        label=label_of(agendas.FORECASTS),
        url=_link("meetings:forecasts", rel.slug),
        counts=[(_("Products"), len(products))],
        groups=[
            Group(
                "products",
                _("Quantity by month, %(first)s to %(last)s") % {"first": months[0], "last": months[-1]},
                len(products),
                list(by_product.values()),
                months,
                grid=True,
            )
        ]
        if products
        else [],
        empty=_("No forecast for the next 12 months."),
    )


# --- measurements ---------------------------------------------------------------------------------


@register(agendas.MEASUREMENTS, gettext_lazy("Measurements"))
def measurements_section(prep: Preparation) -> Section:
    from accord.measurements import selectors
    from accord.measurements.definitions import MEASURES
    from accord.measurements.engine import ALL, round_value
    from accord.measurements.models import MonthlyFact

    rel = prep.relationship
    section = Section(
        binding=agendas.MEASUREMENTS,
        label=label_of(agendas.MEASUREMENTS),
        url=_link("measurements:page", rel.slug),
        empty=_("No measurement data yet."),
    )
    latest = (
        MonthlyFact.objects.filter(relationship_id=rel.pk, month__lte=month_of(prep.today))
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if latest is None:
        return section
    values = [
        v
        for v in selectors.metrics(rel, start=latest, end=latest)
        if v.value is not None and not v.severity and v.measure in MEASURES
    ]
    values.sort(key=lambda v: (v.category != ALL, v.category, list(MEASURES).index(v.measure)))
    marks: dict[tuple[str, str], Any] = {}
    for category in sorted({v.category for v in values} - {ALL}):
        for measure, found in selectors.benchmarks(rel, category=category, start=latest, end=latest).items():
            marks[(category, measure)] = found[-1]
    rows = []
    for v in values[:MEASUREMENT_ROWS]:
        definition = MEASURES[v.measure]
        shown = round_value(v.value, v.measure)
        mark = marks.get((v.category, v.measure))
        flag = ""
        if mark is not None and definition.direction != "none" and shown is not None:
            better = (
                shown <= mark.industry_average
                if definition.direction == "lower"
                else shown >= mark.industry_average
            )
            flag = _("better than average") if better else _("worse than average")
        rows.append(
            Row(
                label=v.measure,
                title=definition.shown_name,
                cells=[
                    _("all categories") if v.category == ALL else v.category,
                    f"{shown} {definition.shown_unit}".strip(),
                    f"{mark.industry_average:g}" if mark is not None else "–",
                    f"{mark.best_in_class:g}" if mark is not None else "–",
                ],
                flag=flag,
            )
        )
    section.counts = [(_("Values"), len(values))]
    section.groups = [
        Group(
            "latest",
            _("%(month)s, against the TL 9000 benchmarks where imported") % {"month": latest},
            len(values),
            rows,
            [_("Category"), _("Value"), _("Industry average"), _("Best in class")],
        )
    ]
    section.notes = [_("Targets from the shared expectations will appear here once they are set.")]
    return section
