"""Operational data for the reports' tests: a year of Telco A's OTX-100 (3.2.1) deliveries, returns,
repairs, problem reports and support tickets, January–December 2026, facts refreshed as of a fixed day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from accord.measurements import services as measurements
from accord.operations.models import Benchmark, OrderLine, ProblemReport, Repair, Return, SupportTicket
from accord.parties.access import RelationshipAccess, access_from
from accord.reports import rendering, services
from accord.reports.models import ReportDefinition, ReportIssue, Section
from tests.measurements.records import add, repair, returned, ship_monthly

TODAY = date(2027, 1, 20)  # the reference day: every 2026 period has ended
ALL_SECTIONS = [s.value for s in Section]


def operational_year(world: Any) -> Any:
    rel, product = world.nw_ta, world.product
    ship_monthly(rel, product, range(1, 13))
    add(
        Return,
        rel,
        product,
        *(
            returned(f"R{m}", date(2026, m, 20), date(2026, max(1, m - 1), 5), 1 + m % 3)
            for m in range(2, 13)
        ),
    )
    add(
        Repair,
        rel,
        product,
        *(repair(f"P{m}", date(2026, m, 2), date(2026, m, 2) + timedelta(days=5 + m)) for m in range(1, 13)),
    )
    add(
        OrderLine,
        rel,
        product,
        *(
            {
                "order_id": f"O{m}",
                "line": "1",
                "quantity": 10,
                "requested_date": date(2026, m, 10),
                "delivered_date": date(2026, m, 10 + (m % 4) * 3),
            }
            for m in range(1, 13)
        ),
    )
    add(
        ProblemReport,
        rel,
        product,
        *(
            {
                "report_id": f"PR{m}",
                "received_date": date(2026, m, 3),
                "severity": 2 + m % 2,
                "fix_delivered_date": date(2026, m, 3) + timedelta(days=20 * (m % 3)),
            }
            for m in range(1, 13)
        ),
    )
    SupportTicket.objects.bulk_create(
        SupportTicket(
            relationship=rel,
            ticket_id=f"T{m}",
            severity=2,
            product=product,
            opened_at=datetime(2026, m, 8, 9, tzinfo=UTC),
            first_response_at=datetime(2026, m, 8, 11, tzinfo=UTC),
            resolved_at=datetime(2026, m, 9, 9, tzinfo=UTC),
        )
        for m in range(1, 13)
    )
    Benchmark.objects.bulk_create(
        Benchmark(
            supplier=world.northwind,
            category=world.category,
            measure="FR.YRR",
            month=f"2026-{m:02d}",
            best_in_class=0.5,
            industry_average=2.0,
            worst_in_class=6.0,
        )
        for m in range(1, 13)
    )
    measurements.refresh_all(rel, today=TODAY)
    return world


def access(world: Any, who: Any = None, rel: Any = None) -> RelationshipAccess:
    found = access_from(who or world.ada, rel or world.nw_ta)
    assert found is not None
    return found


def definition(world: Any, **kw: Any) -> ReportDefinition:
    data = services.DefinitionInput(
        title=kw.pop("title", "Quarterly quality report"),
        sections=kw.pop("sections", ALL_SECTIONS),
        first_period=kw.pop("first_period", "2026-Q1"),
        recipients=kw.pop("recipients", [world.carol.pk, world.vic.pk]),
        **kw,
    )
    return services.create_definition(access=access(world), data=data)


def issue(world: Any, d: ReportDefinition, period: str = "2026-Q3", *, publish: bool = False) -> ReportIssue:
    made, _created = services.generate(access=access(world), definition=d, period=period, today=TODAY)
    rendering.render_issue(made.pk)
    made.refresh_from_db()
    if publish:
        made = services.publish(access=access(world), issue=made)
    return made
