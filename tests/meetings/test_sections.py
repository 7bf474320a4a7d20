"""The live data sections of an agenda: the register with automatic carry-over, topics of a kind,
deliveries, forecasts and measurements, always the relationship's shared view."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.lib.months import add_months, month_of
from accord.meetings import sections
from accord.meetings.models import Forecast, Kind, Status, Topic
from accord.operations.models import OrderLine
from accord.parties.access import access_from
from accord.register import services as register
from accord.register.models import ActionItem
from tests.meetings.helpers import review, schedule


def _item(w: Any, title: str, *, days: int | None, by: Any = None, **more: Any) -> ActionItem:
    access = access_from(by or w.carol, w.nw_ta)
    assert access is not None
    due = timezone.localdate() + timedelta(days=days) if days is not None else None
    side = access.side if more.get("visibility") == "private" else "supplier"
    return register.create_item(access=access, title=title, owner_side=side, due_date=due, **more)


def _titles(section: sections.Section, key: str) -> list[str]:
    group = next(g for g in section.groups if g.key == key)
    return [row.title for row in group.rows]


def _topic(w: Any, title: str, kind: str = "customer_concern", **more: Any) -> Topic:
    values: dict[str, Any] = {"raised_by_side": "customer", "status": "open"} | more
    return Topic.objects.create(relationship=w.nw_ta, kind=kind, title=title, **values)


def test_the_register_section_lists_overdue_and_due_before_the_next_meeting(world: Any) -> None:
    meeting = review(world)
    schedule(world, days=90, title="The next review")
    _item(world, "Late fix", days=-5)
    _item(world, "Fix before the next review", days=60)
    _item(world, "Fix after the next review", days=120)
    section = sections.prepare(meeting, ["register"])["register"]
    assert _titles(section, "overdue") == ["Late fix"]
    assert _titles(section, "due") == ["Fix before the next review"]
    assert "Fix after the next review" in _titles(section, "open")
    assert dict(section.counts)["Open"] == 4  # with the world's TLA-0001


def test_without_a_next_meeting_due_soon_means_the_next_three_months(world: Any) -> None:
    meeting = review(world)
    _item(world, "In two months", days=30 + 60)
    _item(world, "In six months", days=180)
    section = sections.prepare(meeting, ["register"])["register"]
    assert _titles(section, "due") == ["In two months"]


def test_open_items_carry_over_and_closed_ones_show_since_the_last_meeting(world: Any) -> None:
    last = schedule(world, days=-60, title="Last review")
    meeting = review(world)
    old = ActionItem.objects.filter(pk=world.item.pk)
    old.update(created_at=last.starts_at - timedelta(days=10))
    closed = _item(world, "Closed after the last review", days=None)
    ActionItem.objects.filter(pk=closed.pk).update(status="done", done_at=last.starts_at + timedelta(days=5))
    before = _item(world, "Closed before the last review", days=None)
    ActionItem.objects.filter(pk=before.pk).update(
        status="verified", closed_at=last.starts_at - timedelta(days=1)
    )
    section = sections.prepare(meeting, ["register"])["register"]
    assert _titles(section, "closed") == ["Closed after the last review"]
    open_rows = next(g for g in section.groups if g.key == "open").rows
    carried = {row.title: row.flag for row in open_rows}
    assert carried["Root-cause the line card returns"] == "carried over"


def test_a_cancelled_or_other_approach_meeting_is_not_the_last_meeting(world: Any) -> None:
    meeting = review(world)
    program = schedule(world, kind=Kind.PROGRAM_REVIEW, days=-10, title="Program review")
    cancelled = schedule(world, days=-5, title="Cancelled review")
    cancelled.status = Status.CANCELLED
    cancelled.save()
    last = schedule(world, kind=Kind.SITE_VISIT, days=-40, title="Site visit")  # the same approach B
    prep = sections.Preparation(meeting)
    assert prep.neighbours() == (last, None)
    assert program.pk != last.pk


def test_private_items_never_reach_the_register_section_whoever_prepares_it(world: Any) -> None:
    _item(world, "Telco A's own overdue item", days=-3, visibility="private")
    _item(world, "Northwind's own overdue item", days=-3, visibility="private", by=world.sam)
    section = sections.prepare(review(world), ["register"])["register"]
    shown = {row.title for group in section.groups for row in group.rows}
    assert (
        not {"Telco A's own overdue item", "Northwind's own overdue item", world.private_item.title} & shown
    )
    assert dict(section.counts)["Overdue"] == 0


def test_a_topic_section_shows_open_and_lately_settled_shared_topics_only(world: Any) -> None:
    meeting = review(world)
    _topic(world, "Slow RMA handling")
    _topic(world, "Settled concern", status="closed", updated_at=timezone.now())
    _topic(world, "Old settled", status="closed", updated_at=timezone.now() - timedelta(days=400))
    _topic(world, "Our private worry", visibility="private", private_party=world.telco_a)
    _topic(world, "A technical issue", kind="technical_issue")
    section = sections.prepare(meeting, ["topics:customer_concern"])["topics:customer_concern"]
    assert _titles(section, "open") == ["Slow RMA handling"]
    assert section.groups[0].rows[0].flag == "changed"
    assert _titles(section, "settled") == ["Settled concern"]
    assert dict(section.counts)["Changed since the last meeting"] == 2
    assert "Our private worry" not in str(section.as_dict())


def test_groups_are_bounded_and_tell_how_many_more(world: Any) -> None:
    meeting = review(world)
    for n in range(sections.ROWS + 5):
        _topic(world, f"Concern {n}")
    group = sections.prepare(meeting, ["topics:customer_concern"])["topics:customer_concern"].groups[0]
    assert (len(group.rows), group.count, group.more) == (sections.ROWS, sections.ROWS + 5, 5)


def test_deliveries_show_open_and_late_order_lines(world: Any) -> None:
    today = timezone.localdate()
    line = {"relationship": world.nw_ta, "product": world.product, "quantity": 4}
    OrderLine.objects.create(order_id="PO-1", line="1", requested_date=today - timedelta(days=9), **line)
    OrderLine.objects.create(order_id="PO-2", line="1", requested_date=today + timedelta(days=9), **line)
    OrderLine.objects.create(
        order_id="PO-3", line="1", requested_date=today - timedelta(days=9), delivered_date=today, **line
    )
    section = sections.prepare(review(world), ["deliveries"])["deliveries"]
    late, coming = section.groups
    assert [r.label for r in late.rows] == ["PO-1/1"]
    assert [r.label for r in coming.rows] == ["PO-2/1"]
    assert late.label == "Late"


def test_forecasts_show_the_next_twelve_months_by_product(world: Any) -> None:
    meeting = review(world)
    first = month_of(timezone.localdate(meeting.starts_at))
    Forecast.objects.create(relationship=world.nw_ta, product=world.product, month=first, quantity=40)
    Forecast.objects.create(
        relationship=world.nw_ta, product=world.product, month=add_months(first, 11), quantity=9
    )
    Forecast.objects.create(
        relationship=world.nw_ta, product=world.product, month=add_months(first, 12), quantity=1
    )
    group = sections.prepare(meeting, ["forecasts"])["forecasts"].groups[0]
    assert group.columns[0] == first and len(group.columns) == 12
    assert group.rows[0].cells[0] == "40" and group.rows[0].cells[11] == "9"


def test_measurements_say_so_when_there_is_no_data(world: Any) -> None:
    section = sections.prepare(review(world), ["measurements"])["measurements"]
    assert section.is_empty and section.empty


def test_every_topic_kind_has_a_section() -> None:
    bindings = dict(sections.choices())
    assert "register" in bindings and "measurements" in bindings
    assert "topics:feature_request" in bindings and "deliveries" in bindings and "forecasts" in bindings


def _queries(meeting: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        sections.prepare(meeting, list(sections.REGISTRY))
    return len(ctx.captured_queries)


def test_preparing_every_section_reads_as_many_queries_for_many_rows_as_for_few(world: Any) -> None:
    meeting = review(world)
    _queries(meeting)  # once first: process-wide caches (content types) are filled whatever ran before
    few = _queries(meeting)
    for n in range(30):
        _item(world, f"Item {n}", days=n - 15)
        _topic(world, f"Concern {n}")
        _topic(world, f"Issue {n}", kind="technical_issue")
    assert _queries(meeting) == few


def test_measurements_show_the_latest_month_against_the_imported_benchmarks(world: Any) -> None:
    from datetime import date

    from accord.measurements import services as measurements
    from accord.operations.models import Benchmark, Return
    from tests.measurements.records import add, returned, ship_monthly

    rel = world.nw_ta
    ship_monthly(rel, world.product, range(1, 6))
    add(
        Return,
        rel,
        world.product,
        returned("R1", date(2026, 5, 3), date(2026, 4, 5), 2, no_trouble_found=False),
    )
    measurements.refresh_all(rel, today=date(2026, 5, 31))
    Benchmark.objects.create(
        supplier=world.northwind,
        category=world.category,
        measure="FR.ERI",
        month="2026-05",
        best_in_class=0.1,
        industry_average=0.2,
        worst_in_class=5.0,
    )
    section = sections.prepare(review(world), ["measurements"])["measurements"]
    group = section.groups[0]
    assert "2026-05" in group.label
    eri = next(r for r in group.rows if r.label == "FR.ERI" and r.cells[0] == "3.2.1")
    assert eri.cells[2:] == ["0.2", "0.1"] and eri.flag == "worse than average"
    pooled = next(r for r in group.rows if r.label == "FR.ERI" and r.cells[0] == "all categories")
    assert pooled.cells[2] == "–" and pooled.flag == ""


def test_the_facilitator_reads_her_teams_action_plans_without_links_to_pages_she_may_not_open(
    world: Any, as_user: Any
) -> None:
    from django.urls import reverse

    from accord.meetings import agenda
    from tests.meetings.helpers import team_meeting

    meeting = team_meeting(world)  # its "Action plans" item binds to the gaps' plans (expectations)
    sam = access_from(world.sam, world.nw_ta)
    assert sam is not None
    agenda.add_item(access=sam, meeting=meeting, title="The whole register", binding="register")
    page = f"/r/northwind-telco-a/meetings/{meeting.pk}/"
    item_url = reverse("register:item", args=["northwind-telco-a", world.item.key])
    fay = as_user(world.fay).get(page).content.decode()
    assert world.item.title in fay and item_url not in fay
    assert as_user(world.fay).get(item_url).status_code == 404
    assert item_url in as_user(world.carol).get(page).content.decode()
