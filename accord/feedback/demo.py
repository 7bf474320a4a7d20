"""Demo site-visit feedback: three surveys per customer of the home organization, answered by the
customer's functions, every issue triaged into the register.

The story (every date relative to ``ctx.today``; the words are ``demo_content``):

- **Telco A**, at the meetings demo's site visits: Munich core data centre (its OTX-200 shelves two
  months in service) rated the documentation poorly; Ada triaged it into three action items for Lena
  (one more respondent's complaint merged into one of them, one rating dismissed with a reason, as was a
  low invoices rating) and Telco A verified them done. At Hamburg the documentation was better; a
  training complaint became an item and a delivery complaint went into the register's packaging item.
  The Berlin network lab's visit is ahead: its survey went out twelve days ago so that the visit
  discusses the answers; five functions answered, one saved a draft, Telco A's external installer has
  not answered yet, one proposal became an item yesterday and one (slow support answers) waits for
  triage.
- **Telco B**: its site visits lapsed (the meetings demo cancelled the Marseille visit), so after the
  Lyon visit (training rated poorly: an item verified since, two complaints merged into it, a fan alarm
  merged into the register's item) Sam asked by survey: an anonymous one on the S48 switches at Lyon,
  and one at the Marseille landing station instead of the cancelled visit. Training improved each time.

Written through the real services (``services``, ``answering``, ``triage``, the register's
``transition``), then each row's times moved back to when it happened in the story (as the other demos
do; audit events keep the clock's time). Nobody is e-mailed: this step's e-mails and commit hooks are
switched off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.db.models import Max, Min, Q

from accord.feedback import answering, emails, services, triage
from accord.feedback.answering import AreaAnswer
from accord.feedback.demo_content import (
    EXTERNALS,
    LEADS,
    MEMBERS,
    NOT_APPLICABLE,
    VISITS,
    Decide,
    Say,
    Visit,
)
from accord.feedback.models import (
    Invitation,
    Proposal,
    Response,
    Survey,
    SurveyStatus,
    SurveyTemplate,
)
from accord.lib.demo import DemoContext, step
from accord.meetings.models import Kind, Meeting
from accord.meetings.models import Status as MeetingStatus
from accord.operations.models import InstalledBase
from accord.parties.access import RelationshipAccess, access_from
from accord.register import services as register
from accord.register.models import ActionItem, ActionUpdate

SPREAD = (0, 1, 0, -1)  # an area's usual rating, give or take one, by respondent and area


def _access(ctx: DemoContext, key: str, rel: Any) -> RelationshipAccess:
    found = access_from(ctx.people[key], rel)
    assert found is not None, (key, rel.slug)
    return found


def _last_id(model: Any) -> int:
    return int(model.objects.aggregate(n=Max("pk"))["n"] or 0)


@contextmanager
def happened_at(when: datetime) -> Iterator[None]:
    """Everything the block writes is dated ``when``: the register's timeline entries and items, and
    the feedback's proposals, responses and invitations (the services stamp them with the clock's
    time, always later than any time of the story)."""
    clock = datetime.now(tz=when.tzinfo)
    first_update, first_item = _last_id(ActionUpdate), _last_id(ActionItem)
    yield
    updates = ActionUpdate.objects.filter(pk__gt=first_update)
    touched = set(updates.values_list("item_id", flat=True))
    updates.update(at=when)
    ActionItem.objects.filter(pk__gt=first_item).update(created_at=when)
    ActionItem.objects.filter(pk__in=touched, done_at__gte=clock).update(done_at=when)
    ActionItem.objects.filter(pk__in=touched, closed_at__gte=clock).update(closed_at=when)
    for item_id, last in (
        ActionUpdate.objects.filter(item_id__in=touched)
        .values("item_id")
        .annotate(last=Max("at"))
        .values_list("item_id", "last")
    ):
        ActionItem.objects.filter(pk=item_id).update(updated_at=last)
    Proposal.objects.filter(created_at__gte=clock).update(created_at=when)
    Proposal.objects.filter(decided_at__gte=clock).update(decided_at=when)
    Response.objects.filter(started_at__gte=clock).update(started_at=when)
    Response.objects.filter(saved_at__gte=clock).update(saved_at=when)
    Response.objects.filter(submitted_at__gte=clock).update(submitted_at=when)
    Invitation.objects.filter(submitted_at__gte=clock).update(submitted_at=when)


class Story:
    """One customer relationship's surveys, in the order they happened."""

    def __init__(self, ctx: DemoContext, slug: str) -> None:
        self.ctx = ctx
        self.rel = ctx.relationships[slug]
        self.zone = ZoneInfo(self.rel.time_zone)
        manager, inviter = LEADS[slug]
        self.lead = _access(ctx, manager, self.rel)
        self.inviter = _access(ctx, inviter, self.rel)
        self.customer_lead = self.inviter

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    # -- the visit ------------------------------------------------------------------------------------
    def meeting(self, visit: Visit) -> Meeting | None:
        if not visit.meeting:
            return None
        visits = Meeting.objects.filter(
            relationship=self.rel, kind=Kind.SITE_VISIT, site=self.ctx.sites[visit.meeting]
        )
        if visit.state == "open":
            found = visits.filter(status=MeetingStatus.SCHEDULED).order_by("starts_at").first()
        else:
            found = visits.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
        assert found is not None, (self.rel.slug, visit.meeting, "no site visit in the meetings demo")
        return found

    def equipment(self, visit: Visit, day: date) -> tuple[str, date]:
        rows = InstalledBase.objects.filter(
            relationship=self.rel, site=self.ctx.sites[visit.site], product__code__in=visit.products
        ).select_related("product")
        since = rows.aggregate(since=Min("in_service_date"))["since"]
        assert since is not None and since < day, (visit.title, "no equipment in service at the visit")
        text = "; ".join(f"{r.quantity} × {r.product.name}" for r in rows.order_by("product__code"))
        return text, since

    def invitee(self, who: str) -> services.Invitee:
        if who in MEMBERS:
            return services.Invitee(function=MEMBERS[who], user_id=self.ctx.people[who].pk)
        name, email, function = EXTERNALS[who]
        return services.Invitee(function=function, name=name, email=email)

    def answers(self, survey: Survey, n: int, say: Say) -> list[AreaAnswer]:
        function = MEMBERS.get(say.who) or EXTERNALS[say.who][2]
        out = []
        for j, area in enumerate(survey.template.areas.all()):
            given = say.ratings.get(area.key)
            if given is None and area.key in NOT_APPLICABLE.get(function, set()):
                given = "na"
            if given is None:
                given = min(max(4 + SPREAD[(n * 5 + j * 3 + survey.number) % 4], 3), 5)
            out.append(
                AreaAnswer(
                    area_id=area.pk,
                    rating=None if given == "na" else int(given),
                    not_applicable=given == "na",
                    comment=say.comments.get(area.key, ""),
                )
            )
        return out

    def run(self, visit: Visit) -> Survey:
        today = self.ctx.today
        meeting = self.meeting(visit)
        zone = ZoneInfo(meeting.time_zone) if meeting is not None and meeting.time_zone else self.zone
        day = (
            meeting.starts_at.astimezone(zone).date()
            if meeting is not None
            else today - timedelta(visit.opened)
        )
        if visit.state == "open":  # sent ahead of the visit, open until its day
            created, opened, closes_on = today - timedelta(16), today - timedelta(12), day
        elif meeting is not None:  # sent three weeks ahead, open ten days after
            created, opened, closes_on = day - timedelta(25), day - timedelta(21), day + timedelta(10)
        else:
            created, opened, closes_on = day - timedelta(4), day, day + timedelta(21)
        equipment, since = self.equipment(visit, day)
        survey = services.create_survey(
            access=self.lead,
            title=visit.title,
            closes_on=today + timedelta(days=30),  # moved back below: the service wants a day ahead
            meeting=meeting,
            site=self.ctx.sites[visit.site],
            equipment=equipment,
            equipment_since=since,
            anonymous=visit.anonymous,
        )
        people = [say.who for say in visit.says] + list(visit.invited_only)
        services.invite(access=self.inviter, survey=survey, invitees=[self.invitee(w) for w in people])
        survey = services.open_survey(access=self.lead, survey=survey)
        when = self.answer_times(visit, day, opened, closes_on)
        by_who: dict[str, Response] = {}
        for n, (say, moment) in enumerate(zip(visit.says, when, strict=True)):
            invitation = Invitation.objects.get(survey=survey, email=self.email(say.who))
            with happened_at(moment):
                by_who[say.who] = answering.save(
                    invitation=invitation, answers=self.answers(survey, n, say), submit=say.submit
                )
        decided_at = self.triage_time(visit, when)
        self.triage(survey, visit, by_who, decided_at)
        closed = None
        if visit.state != "open":
            closed = self.at(closes_on + timedelta(1), 6)  # the daily job closes it after its last day
            services.close_survey(access=None, survey=survey)
        self.move_back(survey, visit, created, opened, closes_on, closed)
        return survey

    def email(self, who: str) -> str:
        return str(self.ctx.people[who].email).lower() if who in MEMBERS else EXTERNALS[who][1]

    def answer_times(self, visit: Visit, day: date, opened: date, closes_on: date) -> list[datetime]:
        """When each respondent submitted: open surveys since they opened, a day or so apart; a visit's on
        the day, on a phone on site, but the first (ahead of it) and the last (after it)."""
        count = len(visit.says)
        if visit.state == "open":
            return [self.at(opened + timedelta(1 + 2 * i), 9 + i % 3, 12 * i % 60) for i in range(count)]
        if visit.meeting:
            return [
                self.at(day - timedelta(3), 16, 20)
                if i == 0
                else self.at(day + timedelta(4), 9, 40)
                if i == count - 1
                else self.at(day, 11, 10 + 9 * i)
                for i in range(count)
            ]
        return [self.at(opened + timedelta(1 + 3 * i), 10 + i % 4, 7 * i % 60) for i in range(count)]

    def triage_time(self, visit: Visit, answered: list[datetime]) -> datetime:
        if visit.state == "open":
            return self.at(self.ctx.today - timedelta(1), 15)
        return self.at(max(answered).date() + timedelta(2), 10)

    # -- triage -----------------------------------------------------------------------------------------
    def triage(self, survey: Survey, visit: Visit, by_who: dict[str, Response], start: datetime) -> None:
        made: dict[str, ActionItem] = {}
        for k, d in enumerate(visit.decide):
            when = start + timedelta(minutes=20 * k)
            answer = by_who[d.who].answers.get(area__key=d.area)
            with happened_at(when):
                if d.flag:
                    triage.flag(access=self.lead, answer=answer)
                proposal = Proposal.objects.filter(answer=answer).first()
                assert proposal is not None, (visit.title, d.who, d.area, "raised nothing")
                item = self.decide(d, proposal, made, when)
            if item is not None:
                made[f"{d.who}:{d.area}"] = item
                self.follow_up(item, d, when)

    def decide(self, d: Decide, proposal: Proposal, made: dict[str, ActionItem], when: datetime) -> Any:
        if d.action == "dismiss":
            triage.dismiss(access=self.lead, proposal=proposal, reason=d.reason)
            return None
        if d.action == "open":
            return None
        if d.action == "merge":
            target = made.get(d.into) if not d.into.startswith("register:") else self.open_item(d.into, when)
            if target is not None:
                triage.merge(access=self.lead, proposal=proposal, item=target)
                return None
        decided = triage.create_item(
            access=self.lead,
            proposal=proposal,
            title=d.title,
            owner=self.ctx.people[d.owner],
            due_date=self.due(d, when),
            priority="high" if proposal.answer.rating == 1 else "medium",
        )
        return decided.item

    def due(self, d: Decide, when: datetime) -> date:
        if d.fate in ("done", "verified"):
            return when.date() + timedelta(days=75)
        return max(when.date() + timedelta(days=45), self.ctx.today + timedelta(days=21))

    def open_item(self, into: str, when: datetime) -> ActionItem | None:
        """The register's (shared) item of that title, if it was raised before ``when`` and still open
        then."""
        return (
            ActionItem.objects.filter(
                relationship=self.rel, title=into.removeprefix("register:"), visibility="shared"
            )
            .filter(created_at__lt=when)
            .filter(Q(done_at__isnull=True) | Q(done_at__gt=when))
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=when))
            .first()
        )

    def follow_up(self, item: ActionItem, d: Decide, created: datetime) -> None:
        """Work the item as far as its fate, by its owner; the customer's lead verifies it."""
        steps = (
            {
                "in_progress": [("start", 7, d.owner)],
                "done": [("start", 7, d.owner), ("done", 55, d.owner)],
                "verified": [("start", 7, d.owner), ("done", 55, d.owner), ("verify", 70, "")],
            }[d.fate]
            if d.fate != "open"
            else []
        )
        latest = self.at(self.ctx.today - timedelta(2), 16)
        for action, days, who in steps:
            when = min(created + timedelta(days=days), latest)
            access = _access(self.ctx, who, self.rel) if who else self.customer_lead
            current = ActionItem.objects.get(pk=item.pk)
            note = {"done": "Done as planned; the details are in the timeline.", "verify": "Checked on site."}
            with happened_at(when):
                register.transition(
                    access=access,
                    item=current,
                    version=current.version,
                    action=action,
                    note=note.get(action, ""),
                )

    # -- the times of the story -----------------------------------------------------------------------
    def move_back(
        self,
        survey: Survey,
        visit: Visit,
        created: date,
        opened: date,
        closes_on: date,
        closed: datetime | None,
    ) -> None:
        made, sent = self.at(created, 9, 30), self.at(opened, 8, 0)
        invited = self.at(created + timedelta(1), 11, 15)
        Survey.objects.filter(pk=survey.pk).update(
            created_at=made,
            opened_at=sent,
            closes_on=closes_on,
            closed_at=closed,
            updated_at=closed or sent,
        )
        invitations = Invitation.objects.filter(survey=survey)
        invitations.update(created_at=invited, sent_at=sent, expires_at=services.expiry(closes_on))
        if closed is not None:
            invitations.filter(submitted_at__isnull=True).update(
                reminded_at=self.at(closes_on - timedelta(2), 7)
            )
        template = SurveyTemplate.objects.filter(pk=survey.template_id)
        template.filter(created_at__gt=made).update(created_at=made - timedelta(days=1))


@step(80)
def feedback(ctx: DemoContext) -> None:
    # Invented months of feedback in one transaction: no invitation, reminder or "new response" e-mail,
    # and nothing of this step waits for the commit (the register's and the answers' hooks).
    with (
        mock.patch.object(emails, "invitation"),
        mock.patch.object(emails, "reminder"),
        mock.patch.object(emails, "answered"),
        mock.patch("django.db.transaction.on_commit"),
    ):
        for slug in LEADS:
            if slug not in ctx.relationships:
                continue
            story = Story(ctx, slug)
            for visit in VISITS:
                if visit.slug == slug:
                    story.run(visit)
    assert Survey.objects.filter(status=SurveyStatus.OPEN).count() <= 1
