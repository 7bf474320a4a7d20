"""Reports as the test people make them, on fixed months: a year of Telco A's OTX-100 (3.2.1)
deliveries, returns and repairs (January–December 2026, the facts refreshed as of ``TODAY``), Ada's
quarterly report of them, and its issues generated, rendered and published as of ``TODAY``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from accord.measurements import services as measurements
from accord.operations.models import OrderLine, Repair, Return
from accord.parties.access import RelationshipAccess, access_from
from accord.reports import rendering, services
from accord.reports.models import ReportDefinition, ReportIssue
from tests.measurements.records import add, repair, returned, ship_monthly

TODAY = date(2027, 1, 20)  # the reference day: every 2026 period has ended
QUARTER = "2026-Q3"
MEASURES = ["returns", "delivery", "repair"]


def operational_year(world: Any) -> Any:
    """Telco A's 2026: 1000 units shipped each month, a few returned, one repair and one order line a
    month."""
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
    measurements.refresh_all(rel, today=TODAY)
    return world


def access(world: Any, who: Any = None, rel: Any = None) -> RelationshipAccess:
    found = access_from(who or world.ada, rel or world.nw_ta)
    assert found is not None
    return found


def definition(world: Any, **kw: Any) -> ReportDefinition:
    """Ada's quarterly report for Telco A (Carol and Vic receive it)."""
    data = services.DefinitionInput(
        title=kw.pop("title", "Quarterly quality report"),
        sections=kw.pop("sections", MEASURES),
        first_period=kw.pop("first_period", "2026-Q1"),
        recipients=kw.pop("recipients", [world.carol.pk, world.vic.pk]),
        **kw,
    )
    return services.create_definition(access=access(world), data=data)


def issue(
    world: Any,
    d: ReportDefinition,
    period: str = QUARTER,
    *,
    publish: bool = False,
    render: bool = True,
    commentary: dict[str, str] | None = None,
) -> ReportIssue:
    """The issue of ``period`` generated (as of ``TODAY``) and, unless ``render`` is False, rendered as
    the worker would; commented and published when asked."""
    made, _created = services.generate(access=access(world), definition=d, period=period, today=TODAY)
    if commentary:
        made = services.comment(access=access(world), issue=made, commentary=commentary)
    if render:
        rendering.render_issue(made.pk)
        made.refresh_from_db()
    if publish:
        made = services.publish(access=access(world), issue=made)
    return made


def url(d: ReportDefinition, suffix: str = "") -> str:
    return f"/r/{d.relationship.slug}/reports/{d.number}/{suffix}"


def issue_url(i: ReportIssue, suffix: str = "") -> str:
    return f"/r/{i.relationship.slug}/reports/{i.definition.number}/{i.period}/{suffix}"
