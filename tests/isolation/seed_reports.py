"""The reports of a seeded relationship (seed.py): every text field marked. The supplier's lead defines
a report (marked title) with the sections that show seeded text, so the register's, the expectations'
and the meetings' seeded markers reach its snapshot as each side may read them; one period is
published with marked commentary, then corrected (a marked reason) and the correction left a draft
with more marked commentary; the period after is a draft. Written through the reports services,
rendered as the worker would.

A draft is the supplier's (``SUP``): its commentary and a draft correction's reason reach the customer
only once published. A facilitator reads no report.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accord.lib.months import month_of
from accord.parties.access import relationship_for_user
from accord.parties.models import Membership, Relationship
from accord.reports import periods, rendering, services
from accord.reports.models import Section
from tests.isolation.markers import Registry


def seed_reports(m: Registry, s: str, rel: Relationship, supplier: Any) -> None:
    """``supplier``: a lead (editor or admin) of ``rel``'s supplier side."""

    def mark(what: str, vis: str = "SH") -> str:
        return m.new(s, vis, what)

    ours = relationship_for_user(supplier, pk=rel.pk, write=True)
    recipients = Membership.objects.filter(party_id=rel.customer_id, is_active=True).values_list(
        "user_id", flat=True
    )
    last = periods.shift(periods.period_of(month_of(timezone.localdate()), "quarterly"), -1)  # ended, any day
    before = periods.shift(last, -1)
    definition = services.create_definition(
        access=ours,
        data=services.DefinitionInput(
            title=mark("reports.ReportDefinition.title"),
            # the sections that carry seeded text (and one measure section: its tables and charts)
            sections=[Section.RETURNS, Section.REGISTER, Section.EXPECTATIONS, Section.MEETINGS],
            first_period=before,
            recipients=list(recipients),
            benchmarks="position",
        ),
    )
    published, _ = services.generate(access=ours, definition=definition, period=before)
    rendering.render_issue(published.pk)
    published = services.comment(
        access=ours,
        issue=published,
        commentary={
            "overall": mark("reports.ReportIssue.commentary"),
            "register": mark("reports.ReportIssue.commentary"),
        },
    )
    rendering.render_issue(published.pk)
    published.refresh_from_db()
    published = services.publish(access=ours, issue=published)
    correction = services.revise(
        access=ours, issue=published, reason=mark("reports.ReportIssue.reason", "SUP")
    )
    services.comment(
        access=ours, issue=correction, commentary={"returns": mark("reports.ReportIssue.commentary", "SUP")}
    )
    rendering.render_issue(correction.pk)
    draft, _ = services.generate(access=ours, definition=definition, period=last)
    services.comment(
        access=ours, issue=draft, commentary={"overall": mark("reports.ReportIssue.commentary", "SUP")}
    )
    rendering.render_issue(draft.pk)
