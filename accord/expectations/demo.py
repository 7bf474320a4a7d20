"""Demo shared expectations: about ten per relationship from both sides, agreed months ago, assessed
from the demo's own operational data, with two open gaps per relationship and their action plans.

The story (every date relative to ``ctx.today``):

- Each relationship's team agreed its expectations about ten months ago: at Telco A's shared
  expectations team meeting of that time (facilitated by Fay), elsewhere at a program review. The
  customer proposed its own (measured: on-time delivery, repair turnaround, support response, return
  rate, fix response time, problem reports; rated: documentation, ordering), the supplier its own of
  the customer (a rolling forecast, complete RMA information); each was agreed by the other side.
- Since then the rated ones were rated at the team's meetings (at Telco A; elsewhere by the holding
  side), Fay drafted one rating at Telco A's last meeting that Telco A has not confirmed yet, the
  customer proposed tightening the problem-report target (awaiting the supplier) and proposed a
  training expectation that is still awaiting agreement.
- Two measured expectations per relationship are not met in the last month: their gaps are open, and
  the supplier planned two or three shared action items for each (and one private one of its own).

The targets are the ones the team wanted (95 % on time, ten days' repair, …) where the demo's data
tells that story; otherwise a round target read off the data keeps it (the data's random draws follow
the calendar, and the demo is built for any day: tests/test_demo_any_day.py). Written through the real
services, then the times moved back (as the register's demo does); assessed with
``assessing.assess_relationship(today=ctx.today)``, so the assessments and gaps are the engine's.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from accord.expectations import assessing, emails, services
from accord.expectations.demo_content import LEADS, PLANNERS, PLANS, PRIVATE_PLAN, SPECS, Spec
from accord.expectations.models import Agreement, Expectation, Gap, Revision, Status
from accord.lib.demo import DemoContext, step
from accord.lib.months import add_months, month_of, month_start
from accord.measurements.engine import ALL, round_value
from accord.measurements.selectors import metrics_by_window
from accord.meetings.models import Kind, Meeting
from accord.meetings.models import Status as MeetingStatus
from accord.parties.access import RelationshipAccess, access_from
from accord.register.models import ActionItem, ActionUpdate

GAPS = 2
AGREED_DAYS = 300  # about ten months ago, where no team meeting tells the day


def _access(ctx: DemoContext, key: str, rel: Any) -> RelationshipAccess:
    found = access_from(ctx.people[key], rel, allow_guest=True)
    assert found is not None, (key, rel.slug)
    return found


def _series(rel: Any, spec: Spec, start: str, end: str) -> list[tuple[str, float]]:
    """The measured values (as shown) that the assessment will hold to the target, in month order."""
    found = metrics_by_window(rel, start=start, end=end, windows=[spec.basis], measures=[spec.measure])
    out = []
    for v in found.get(spec.basis, []):
        shown = round_value(v.value, v.measure)
        if v.category == ALL and not v.severity and shown is not None:
            out.append((v.month, shown))
    return sorted(out)


def _step(spec: Spec, values: list[float]) -> float:
    if spec.step:
        return spec.step
    biggest = max((abs(v) for v in values), default=1.0) or 1.0
    return 10 ** math.floor(math.log10(biggest)) / 2


def _met_target(spec: Spec, values: list[float]) -> float:
    """The team's target if every month met it, else a round one every month met."""
    if spec.target is not None and all(_meets(spec, v, spec.target) for v in values):
        return spec.target
    size = _step(spec, values)
    if spec.comparator == "at_least":
        return math.floor(min(values, default=0) / size) * size
    return max(math.ceil(max(values, default=0) / size) * size, size)


def _gap_target(spec: Spec, last: float) -> float | None:
    """A target the last month missed (the team's, else the next round step), or None if none can
    be missed (a month at 100 %, or with nothing to count)."""
    if spec.target is not None and not _meets(spec, last, spec.target):
        return spec.target
    size = _step(spec, [last])
    if spec.comparator == "at_least":
        target = (math.floor(last / size) + 1) * size
        return target if target <= 100 or "%" not in spec.statement else None
    target = (math.ceil(last / size) - 1) * size
    return target if target > 0 else None


def _meets(spec: Spec, value: float, target: float) -> bool:
    return value >= target if spec.comparator == "at_least" else value <= target


def _terms(spec: Spec, target: float | None) -> services.Terms:
    return services.Terms(
        area=spec.area,
        statement=spec.statement.format(target=f"{target:g}" if target is not None else ""),
        measure=spec.measure,
        comparator=spec.comparator,
        target=Decimal(str(round(target, 4))) if target is not None else None,
        basis=spec.basis,
        rating_target=spec.rating_target,
    )


def _team_meetings(rel: Any) -> list[Meeting]:
    return list(
        Meeting.objects.filter(relationship=rel, kind=Kind.SET, status=MeetingStatus.HELD).order_by(
            "starts_at"
        )
    )


class Story:
    """One relationship's expectations."""

    def __init__(self, ctx: DemoContext, slug: str) -> None:
        self.ctx = ctx
        self.rel = ctx.relationships[slug]
        self.zone = ZoneInfo(self.rel.time_zone)
        self.customer, self.supplier = (_access(ctx, k, self.rel) for k in LEADS[slug])
        self.meetings = _team_meetings(self.rel)
        by_then = [m for m in self.meetings if m.starts_at.date() <= ctx.today - timedelta(days=250)]
        self.agreed_meeting = by_then[-1] if by_then else None
        self.agreed_at = (
            self.agreed_meeting.ends_at
            if self.agreed_meeting is not None
            else datetime.combine(ctx.today - timedelta(days=AGREED_DAYS), time(15, 30), tzinfo=self.zone)
        )
        self.effective = add_months(month_of(self.agreed_at.astimezone(self.zone).date()), -1)
        self.end = assessing.last_complete_month(ctx.today)
        self.made: dict[int, Expectation] = {}

    def at(self, days: int, hour: int = 10) -> datetime:
        return datetime.combine(self.ctx.today - timedelta(days=days), time(hour), tzinfo=self.zone)

    def targets(self) -> dict[int, float | None]:
        """Each measured spec's target: the first ``GAPS`` gap candidates whose last month can miss
        get a target it missed; every other one a target every month since the agreement met."""
        chosen: dict[int, float | None] = {}
        gaps = 0
        for i, spec in enumerate(SPECS):
            if not spec.measure:
                continue
            values = _series(self.rel, spec, self.effective, self.end)
            target = None
            if spec.role == "gap" and gaps < GAPS and values:
                target = _gap_target(spec, values[-1][1])
                gaps += target is not None
            chosen[i] = target if target is not None else _met_target(spec, [v for _m, v in values])
        assert gaps == GAPS, (self.rel.slug, "no month to miss")
        return chosen

    def write(self) -> None:
        targets = self.targets()
        for i, spec in enumerate(SPECS):
            proposer, agreer = (
                (self.customer, self.supplier)
                if spec.holder == "customer"
                else (self.supplier, self.customer)
            )
            exp = services.propose(access=proposer, holder=spec.holder, terms=_terms(spec, targets.get(i)))
            self.made[i] = exp
            if spec.role == "proposed":
                self._backdate_proposal(exp, self.at(9, 11))
                continue
            services.agree(access=agreer, expectation=exp, version=exp.version)
            self._backdate_agreement(exp, proposer, agreer, i)
        self._change()

    def _backdate_proposal(self, exp: Expectation, when: datetime) -> None:
        Revision.objects.filter(expectation=exp).update(proposed_at=when)
        Agreement.objects.filter(revision__expectation=exp).update(at=when)
        Expectation.objects.filter(pk=exp.pk).update(created_at=when, updated_at=when)

    def _backdate_agreement(self, exp: Expectation, proposer: Any, agreer: Any, i: int) -> None:
        proposed = self.agreed_at - timedelta(days=21 - i, hours=3)
        Revision.objects.filter(expectation=exp).update(
            proposed_at=proposed, agreed_at=self.agreed_at, effective_month=self.effective
        )
        Agreement.objects.filter(revision__expectation=exp, side=proposer.side).update(at=proposed)
        Agreement.objects.filter(revision__expectation=exp, side=agreer.side).update(at=self.agreed_at)
        Expectation.objects.filter(pk=exp.pk).update(created_at=proposed, updated_at=self.agreed_at)

    def _change(self) -> None:
        """The customer proposes tightening the problem-report target by a fifth, with its reason."""
        i = next(i for i, s in enumerate(SPECS) if s.role == "change")
        exp = Expectation.objects.get(pk=self.made[i].pk)
        current = services.revision_in_force(exp)
        assert current is not None and current.target is not None
        tighter = float(current.target) * 0.8
        spec = SPECS[i]
        revision = services.propose_change(
            access=self.customer,
            expectation=exp,
            version=exp.version,
            terms=_terms(spec, tighter),
            reason="The new release should bring major problem reports down by a fifth.",
        )
        when = self.at(20, 14)
        Revision.objects.filter(pk=revision.pk).update(proposed_at=when)
        Agreement.objects.filter(revision=revision).update(at=when)
        Expectation.objects.filter(pk=exp.pk).update(updated_at=when)

    def rate(self, fay: Any) -> None:
        """The rated expectations at the team's meetings since the agreement (elsewhere, by the holding
        side at about the same times); Fay's draft at the last one awaits the holder's confirmation."""
        since = [m for m in self.meetings if m.starts_at > self.agreed_at]
        occasions: list[tuple[Meeting | None, str]] = [
            (m, month_of(m.starts_at.astimezone(self.zone).date())) for m in since[-2:]
        ]
        if not occasions:
            occasions = [(None, add_months(self.end, -5)), (None, self.end)]
        drafted = False
        for i, spec in enumerate(SPECS):
            if spec.role != "rated":
                continue
            exp = Expectation.objects.get(pk=self.made[i].pk)
            holder = self.customer if spec.holder == "customer" else self.supplier
            for n, (meeting, month) in enumerate(occasions):
                last = n == len(occasions) - 1
                by = fay if (last and fay is not None and not drafted) else holder
                services.rate(
                    access=by,
                    expectation=exp,
                    rating=spec.ratings[min(n, 1)],
                    month=month,
                    meeting=meeting,
                    note="Drafted at the meeting; the holding side to confirm." if by is fay else "",
                )
                drafted = drafted or by is fay

    def plan(self) -> None:
        """Two or three shared action items for each open gap, from the supplier's side, and one item
        the supplier keeps private."""
        planner_key, owners = PLANNERS[self.rel.slug]
        planner = _access(self.ctx, planner_key, self.rel)
        gaps = Gap.objects.filter(expectation__relationship=self.rel, status__in=("open", "improving"))
        made: list[tuple[ActionItem, datetime]] = []
        for n, gap in enumerate(gaps.select_related("expectation").order_by("expectation__number")):
            revision = services.revision_in_force(gap.expectation)
            assert revision is not None
            opened = datetime.combine(month_start(add_months(gap.since, 1)), time(10), tzinfo=self.zone)
            when = min(max(opened, self.agreed_at) + timedelta(days=3), self.at(4, 10))
            for k, (title, due) in enumerate(PLANS[revision.measure]):
                item = services.plan_action(
                    access=planner,
                    gap=gap,
                    title=title,
                    owner=self.ctx.people[owners[(n + k) % len(owners)]],
                    due_date=self.ctx.today + timedelta(days=due),
                    priority="high" if k == 0 else "medium",
                )
                made.append((item, when + timedelta(hours=k)))
            if n == 0:
                item = services.plan_action(
                    access=planner, gap=gap, title=PRIVATE_PLAN, visibility="private", owner=planner.user
                )
                made.append((item, when + timedelta(hours=4)))
        for item, when in made:
            ActionItem.objects.filter(pk=item.pk).update(created_at=when, updated_at=when)
            ActionUpdate.objects.filter(item=item).update(at=when)


@step(70)
def expectations(ctx: DemoContext) -> None:
    # One transaction for invented months of work: nobody is e-mailed about agreements asked or gaps
    # opened (nor about the plans' items, as the register's demo does).
    with (
        mock.patch.object(emails, "agreement_wanted"),
        mock.patch.object(emails, "gap_opened"),
        mock.patch.object(assessing, "assess_relationship"),  # while the times are not moved back yet
        mock.patch("accord.register.notifications.on_commit_assigned"),
        mock.patch("accord.register.notifications.on_commit_status"),
    ):
        stories = [Story(ctx, slug) for slug in LEADS if slug in ctx.relationships]
        for story in stories:
            story.write()
    with mock.patch.object(emails, "gap_opened"), mock.patch.object(emails, "agreement_wanted"):
        for story in stories:
            assessing.assess_relationship(story.rel, today=ctx.today)
            fay = _access(ctx, "fay", story.rel) if story.meetings else None
            story.rate(fay)
            for gap in Gap.objects.filter(expectation__relationship=story.rel):
                begun = datetime.combine(month_start(add_months(gap.since, 1)), time(6), tzinfo=story.zone)
                Gap.objects.filter(pk=gap.pk).update(opened_at=min(begun, story.at(1, 6)))
    with (
        mock.patch("accord.register.notifications.on_commit_assigned"),
        mock.patch("accord.register.notifications.on_commit_status"),
    ):
        for story in stories:
            story.plan()
    assert all(
        Expectation.objects.filter(relationship=s.rel, status=Status.AGREED).count() == 10 for s in stories
    )
