"""Demo reports: each customer of Northwind receives the periodic report it asked for, and Northwind
receives Photon Optics' (the symmetric relationship).

The story (every period relative to ``ctx.today``; the words are ``demo_content``):

- **Northwind → Telco A**: "Quarterly quality report", every section, ALL and each category with data,
  the benchmarks' position; Carol and Tom receive it. Ada published the last four quarters, each a few
  days after its numbers came in, with commentary that follows the numbers: the quarter of the
  transponder card returns (whose first issue blamed the firmware and was corrected by a second revision
  once the failure analysis found a heat-sink component), the late deliveries over the year-end
  holidays, the minor fixes falling behind. The latest quarter waits as a draft for Ada's commentary:
  Northwind's people see it, Telco A's do not.
- **Northwind → Telco B**: a monthly report of returns, delivery and support, a year of it, published
  by Sam; Mallory and Ben receive it.
- **Photon Optics → Northwind**: Photon's quarterly report of returns and delivery, a year of it,
  published by Ines; Ada and Lena receive it in Northwind's portal.

Written through the real services (``create_definition``, ``generate`` with the period, ``comment``,
``render_issue``, ``publish``, ``revise``); each issue's times are then moved back to when it happened in
the story (audit events keep the clock's time, as in the other demos). Every issue is rendered here
(HTML, PDF and XLSX), which takes most of the step's time. Nobody is e-mailed and nothing is queued:
this step's commit hooks (the render queue, the "published" e-mails) are switched off.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.db.models import Sum

from accord.lib.demo import DemoContext, step
from accord.lib.months import month_end, month_start
from accord.measurements.models import MeasurementSettings
from accord.operations.demo_history import BAD_FAILURE, HOLIDAY
from accord.operations.models import OrderLine, Return
from accord.parties.access import RelationshipAccess, access_from
from accord.reports import periods, rendering, services
from accord.reports.demo_content import BAD_AT_LEAST, BAD_PRODUCT, CORRECTION, SPECS, Facts, Spec, commentary
from accord.reports.models import ReportDefinition, ReportFile, ReportIssue


def _access(ctx: DemoContext, key: str, rel: Any) -> RelationshipAccess:
    found = access_from(ctx.people[key], rel)
    assert found is not None, (key, rel.slug)
    return found


def bad_returns(rel: Any, period: str) -> int:
    """Returns of the defective transponder cards with the defect's alarm, received in ``period``."""
    months = periods.months_of(period)
    found = Return.objects.filter(
        relationship=rel,
        product__code=BAD_PRODUCT,
        reason=BAD_FAILURE,
        received_date__range=(month_start(months[0]), month_end(months[-1])),
    ).aggregate(n=Sum("quantity"))["n"]
    return int(found or 0)


def holiday_late(rel: Any, period: str) -> int:
    """Order lines requested in the year-end holidays of ``period`` and delivered after the tolerance."""
    months = periods.months_of(period)
    found = MeasurementSettings.objects.filter(relationship=rel).first()
    late = found.otd_days_late if found is not None else 0
    (dec_month, dec_day), (jan_month, jan_day) = HOLIDAY
    count = 0
    for month in months:
        first, last = month_start(month), month_end(month)
        if first.month == dec_month:
            first = first.replace(day=dec_day)
        elif first.month == jan_month:
            last = last.replace(day=jan_day)
        else:
            continue
        lines = OrderLine.objects.filter(
            relationship=rel, requested_date__range=(first, last), delivered_date__isnull=False
        ).values_list("requested_date", "delivered_date")
        for asked, came in lines:
            if came is not None and (came - asked).days > late:
                count += 1
    return count


class Story:
    """One definition's year of issues, in the order they happened."""

    def __init__(self, ctx: DemoContext, spec: Spec) -> None:
        self.ctx, self.spec = ctx, spec
        self.rel = ctx.relationships[spec.slug]
        self.zone = ZoneInfo(self.rel.time_zone)
        self.editor = _access(ctx, spec.editor, self.rel)
        self.word = "quarter" if spec.period == "quarterly" else "month"
        latest = periods.latest_due(spec.period, ctx.today, spec.after_days)
        count = spec.published + (1 if spec.draft else 0)
        self.periods = [periods.shift(latest, -back) for back in reversed(range(count))]
        self.first_bad = next((p for p in self.periods if bad_returns(self.rel, p) >= BAD_AT_LEAST), "")

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def facts(self, period: str, *, corrected: bool = False) -> Facts:
        before = periods.shift(period, -1)
        return Facts(
            word=self.word,
            bad=bad_returns(self.rel, period),
            bad_before=bad_returns(self.rel, before),
            holiday_late=holiday_late(self.rel, period),
            holiday_late_before=holiday_late(self.rel, before),
            cause_known=corrected or bool(self.first_bad and period > self.first_bad),
        )

    def define(self) -> ReportDefinition:
        spec = self.spec
        definition = services.create_definition(
            access=self.editor,
            data=services.DefinitionInput(
                title=spec.title,
                sections=list(spec.sections),
                first_period=self.periods[0],
                period=spec.period,
                categories=list(spec.categories),
                benchmarks=spec.benchmarks,
                recipients=[self.ctx.people[k].pk for k in spec.recipients],
                after_days=spec.after_days,
            ),
        )
        made = self.at(periods.last_day(self.periods[0]) - timedelta(days=20), 14, 30)
        ReportDefinition.objects.filter(pk=definition.pk).update(created_at=made, updated_at=made)
        return definition

    def issue(self, definition: ReportDefinition, period: str, *, publish: bool) -> ReportIssue:
        """Generate ``period``'s issue; the editor comments and publishes it (or leaves it a draft)."""
        issue, created = services.generate(
            access=self.editor, definition=definition, period=period, today=self.ctx.today
        )
        assert created, (definition, period)
        # the schedule's time on the period's day (history ends yesterday, as in the other demos)
        yesterday = self.ctx.today - timedelta(days=1)
        generated = self.at(min(periods.due_on(period, self.spec.after_days), yesterday), 6, 10)
        self.taken(issue, generated)
        if publish:
            issue = services.comment(
                access=self.editor, issue=issue, commentary=commentary(issue.data, self.facts(period))
            )
        rendering.render_issue(issue.pk)
        published = None
        if publish:
            issue = services.publish(access=self.editor, issue=ReportIssue.objects.get(pk=issue.pk))
            reviewed = generated.date() + timedelta(days=self.spec.review_days)
            published = max(self.at(min(reviewed, yesterday), 15, 20), generated + timedelta(hours=2))
        self.move_back(issue, generated, published)
        return ReportIssue.objects.get(pk=issue.pk)

    def correct(self, issue: ReportIssue) -> ReportIssue:
        """The second revision of a published issue: the cause of its returns, corrected."""
        assert issue.published_at is not None
        new = services.revise(access=self.editor, issue=issue, reason=CORRECTION)
        when = min(issue.published_at + timedelta(days=40), self.at(self.ctx.today - timedelta(days=2), 9))
        when = max(when, issue.published_at + timedelta(hours=2))
        self.taken(new, when)
        new = services.comment(
            access=self.editor,
            issue=new,
            commentary=commentary(new.data, self.facts(issue.period, corrected=True)),
        )
        rendering.render_issue(new.pk)
        new = services.publish(access=self.editor, issue=ReportIssue.objects.get(pk=new.pk))
        self.move_back(new, when, when + timedelta(hours=3))
        return new

    def taken(self, issue: ReportIssue, when: datetime) -> None:
        """The snapshot was taken when the issue was generated in the story (before its files render)."""
        data = {**issue.data, "taken_at": when.astimezone(ZoneInfo("UTC")).isoformat()}
        ReportIssue.objects.filter(pk=issue.pk).update(data=data)
        issue.data = data

    def move_back(self, issue: ReportIssue, generated: datetime, published: datetime | None) -> None:
        rendered = generated + timedelta(minutes=2)
        ReportIssue.objects.filter(pk=issue.pk).update(
            created_at=generated, rendered_at=rendered, published_at=published
        )
        ReportFile.objects.filter(issue_id=issue.pk).update(created_at=rendered)

    def run(self) -> None:
        definition = self.define()
        made: dict[str, ReportIssue] = {}
        last = len(self.periods) - 1
        draft = last if self.spec.draft else None
        for n, period in enumerate(self.periods):
            made[period] = self.issue(definition, period, publish=n != draft)
        if self.spec.corrected:
            # the first issue of the defect blamed the firmware; corrected once the analysis found the cause
            target = made.get(self.first_bad) or made[self.periods[0]]
            self.correct(target)


@step(85)
def reports(ctx: DemoContext) -> None:
    # A year of invented issues in one transaction: no render is queued for the worker (this step
    # renders each issue itself) and no "published" e-mail goes out when it commits.
    with mock.patch("django.db.transaction.on_commit"):
        for spec in SPECS:
            if spec.slug in ctx.relationships:
                Story(ctx, spec).run()
