"""Every read of the register, scoped to what the viewer's side may see."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accord.parties.access import RelationshipAccess
from accord.register import numbering, workflow
from accord.register.access import items_visible_to_user
from accord.register.models import (
    OPEN_STATUSES,
    ActionItem,
    ActionUpdate,
    Priority,
    Status,
    TaskForce,
)

# What the register and "My action items" open on: the work not yet verified or cancelled.
OPEN_WORK = (Status.OPEN, Status.IN_PROGRESS, Status.DONE)

SORTS = {
    "number": ("number", "series"),
    "-number": ("-number", "series"),
    "due": ("due_date", "number", "series"),
    "-due": ("-due_date", "-number", "series"),
    "priority": ("-priority_rank", "due_date", "number", "series"),
    "updated": ("-updated_at", "-number", "series"),
    "status": ("status", "-number", "series"),
    "owner": ("owner__full_name", "-number", "series"),
}


@dataclass
class Filters:
    status: list[str] = field(default_factory=list)
    owner_side: str = ""
    owner: int | None = None
    task_force: int | None = None
    priority: list[str] = field(default_factory=list)
    overdue: bool = False
    due_within: int | None = None
    source_kind: str = ""
    q: str = ""
    to_verify: bool = False  # only the items the viewer may verify now (``to_verify``)
    sort: str = "-number"

    def is_empty(self) -> bool:
        return self == Filters(sort=self.sort)


def base_items(access: RelationshipAccess) -> QuerySet[ActionItem]:
    """All items of the relationship that the viewer's side may see."""
    return ActionItem.objects.visible_to(access)


def _with_rank(qs: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    from django.db.models import Case, IntegerField, Value, When

    return qs.annotate(
        priority_rank=Case(
            When(priority=Priority.CRITICAL, then=Value(4)),
            When(priority=Priority.HIGH, then=Value(3)),
            When(priority=Priority.MEDIUM, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


def apply_filters(
    qs: QuerySet[ActionItem], f: Filters, today: date, access: RelationshipAccess | None = None
) -> QuerySet[ActionItem]:
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.owner_side:
        qs = qs.filter(owner_side=f.owner_side)
    if f.owner is not None:
        qs = qs.filter(owner_id=f.owner)
    if f.task_force is not None:
        qs = qs.filter(task_force_id=f.task_force)
    if f.priority:
        qs = qs.filter(priority__in=f.priority)
    if f.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    if f.due_within is not None:
        qs = qs.filter(
            status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=today + timedelta(days=f.due_within)
        )
    if f.source_kind:
        qs = qs.filter(source_kind=f.source_kind)
    if f.q:
        text = f.q.strip()
        cond = Q(title__icontains=text) | Q(description__icontains=text) | Q(external_id__iexact=text)
        parsed = numbering.parse_key(text)
        if parsed is not None:  # by key (7, S4, TLA-0007); within one relationship also by an old key
            by_key = numbering.key_condition(access, text) if access is not None else None
            cond |= by_key or Q(series=parsed[0], number=parsed[1])
        qs = qs.filter(cond)
    order = SORTS.get(f.sort, SORTS["-number"])
    if f.sort == "priority":
        qs = _with_rank(qs)
    return qs.order_by(*order)


def for_listing(qs: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """What a register row shows, fetched in one query whatever the page size."""
    return qs.select_related("relationship", "owner", "task_force", "requested_by")


def to_verify_q(access: RelationshipAccess) -> Q:
    """The items the viewer may verify now: done, and the viewer among those the workflow's "verify"
    action names (``workflow.may_q``). The "N to verify" counts and the list they link to both use it."""
    return workflow.may_q(access, workflow.ACTIONS["verify"])


def register_items(access: RelationshipAccess, f: Filters, today: date) -> QuerySet[ActionItem]:
    qs = base_items(access)
    if f.to_verify:
        qs = qs.filter(to_verify_q(access))
    return for_listing(apply_filters(qs, f, today, access))


def related_items(access: RelationshipAccess, item: ActionItem) -> QuerySet[ActionItem]:
    """The item's related items that the viewer may see, in key order."""
    return item.related.visible_to(access).select_related("relationship").order_by("series", "number")


def status_counts(access: RelationshipAccess, today: date) -> dict[str, int]:
    """Items per status, plus overdue and those the viewer may verify, for the register's header
    (one query)."""
    row = base_items(access).aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in Status.values},
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        to_verify=Count("pk", filter=to_verify_q(access)),
        total=Count("pk"),
    )
    return {k: v or 0 for k, v in row.items()}


def my_items(user: Any, f: Filters, today: date) -> QuerySet[ActionItem]:
    """Everything the user owns, across every relationship they may see."""
    qs = items_visible_to_user(user).filter(owner=user)
    return for_listing(apply_filters(qs, f, today))


def timeline(access: RelationshipAccess, item: ActionItem) -> QuerySet[ActionUpdate]:
    return (
        ActionUpdate.objects.visible_to(access)
        .filter(item=item)
        .select_related("actor", "decided_by")
        .order_by("at", "id")
    )


def task_forces(access: RelationshipAccess) -> QuerySet[TaskForce]:
    visible = base_items(access)
    return (
        TaskForce.objects.filter(relationship=access.relationship)
        .select_related("lead")
        .annotate(
            total=Count("items", filter=Q(items__in=visible), distinct=True),
            open_items=Count(
                "items", filter=Q(items__in=visible, items__status__in=OPEN_STATUSES), distinct=True
            ),
            member_count=Count("members", distinct=True),
        )
    )


@dataclass(frozen=True)
class Health:
    open: int
    overdue: int
    due_soon: int
    median_age_days: float | None
    on_time_percent: float | None
    closed_recently: int
    trend: list[tuple[date, int]]  # open items at the end of each of the last 12 weeks


def health(access: RelationshipAccess, today: date) -> Health:
    """The register's health at a glance (three queries, whatever the register's size)."""
    items = base_items(access)
    counts = items.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        due_soon=Count(
            "pk",
            filter=Q(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=today + timedelta(days=14)),
        ),
    )
    since = timezone.make_aware(datetime.combine(today - timedelta(days=90), time.min))
    closed = list(items.filter(done_at__gte=since, due_date__isnull=False).values_list("done_at", "due_date"))
    on_time = len(
        [1 for done_at, due in closed if due is not None and done_at and timezone.localdate(done_at) <= due]
    )
    spans = list(items.values_list("created_at", "done_at", "closed_at", "status"))
    now = timezone.now()
    ages = [(now - created).days for created, _d, _c, status in spans if status in OPEN_STATUSES]
    week_ends = [today - timedelta(days=7 * k) for k in range(11, -1, -1)]
    trend = []
    for end in week_ends:
        moment = timezone.make_aware(datetime.combine(end, time.max))
        trend.append(
            (
                end,
                sum(
                    1
                    for created, done, closed_at, _s in spans
                    if created <= moment
                    and not ((done and done <= moment) or (closed_at and closed_at <= moment))
                ),
            )
        )
    return Health(
        open=counts["open"],
        overdue=counts["overdue"],
        due_soon=counts["due_soon"],
        median_age_days=statistics.median(ages) if ages else None,
        on_time_percent=round(100 * on_time / len(closed), 1) if closed else None,
        closed_recently=len(closed),
        trend=trend,
    )
