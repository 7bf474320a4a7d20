"""A site visit whose feedback was triaged, for the exports' tests: Sam scheduled Telco A's site visit at
Munich core, held three days before the reference day (Carol, Ada and Sam attended; Jonas Weber, an
external installer, declined); Ada's survey asked Carol (engineering), Grace (operation, by link) and
Henry (procurement, by link, who never answered). Their low ratings were triaged: one item created,
one merged into an item Northwind later made private, one dismissed with a reason, and a flagged
comment left open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from accord.feedback import services, triage
from accord.feedback.models import Proposal, Survey
from accord.feedback.services import Invitee
from accord.meetings.models import Attendee, Kind, Meeting, Status
from accord.meetings.models import Response as Answered
from accord.meetings.services import ExternalGuest
from accord.register import services as register
from accord.register.models import ActionItem
from tests.feedback.helpers import GRACE, access, answer
from tests.meetings.helpers import schedule

DAY = datetime(2026, 7, 15, 12, tzinfo=UTC)
HENRY = "henry@telco-a.example"
SINCE = date(2026, 2, 1)  # the OTX shelves went into service: 5 months before the visit


@dataclass
class Visit:
    survey: Survey
    meeting: Meeting
    created: ActionItem
    private: ActionItem
    dismissed: Proposal
    still_open: Proposal


def proposal(survey: Survey, area: str, email: str) -> Proposal:
    return Proposal.objects.get(
        survey=survey, answer__area__key=area, answer__response__invitation__email=email
    )


def build(world: Any, *, anonymous: bool = False, with_meeting: bool = True) -> Visit:
    """Call with the clock at ``DAY``."""
    ada = access(world)
    meeting = schedule(
        world,
        by=world.sam,
        kind=Kind.SITE_VISIT,
        days=-3,
        title="Site visit, Munich core, July 2026",
        invitees=[world.carol, world.ada],
        guests=[ExternalGuest("Jonas Weber", "jonas.weber@fieldworks.example")],
    )
    Attendee.objects.filter(meeting=meeting).update(attended=True, response=Answered.ACCEPTED)
    Attendee.objects.filter(meeting=meeting, user__isnull=True).update(
        attended=False, response=Answered.DECLINED
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=Status.HELD)
    meeting.refresh_from_db()
    survey = services.create_survey(
        access=ada,
        title="Munich core site visit",
        closes_on=DAY.date() + timedelta(days=14),
        meeting=meeting if with_meeting else None,
        site=world.ta_site,
        equipment="OTX-100 metro WDM shelves",
        equipment_since=SINCE,
        anonymous=anonymous,
    )
    services.invite(
        access=ada,
        survey=survey,
        invitees=[
            Invitee(function="engineering", user_id=world.carol.pk),
            Invitee(function="operation", name="Grace Hopper", email=GRACE),
            Invitee(function="procurement", name="Henry Ford", email=HENRY),
        ],
    )
    survey = services.open_survey(access=ada, survey=survey)
    answer(
        survey,
        {
            "quality": 4,
            "delivery": (2, "Two of the shelves came a week late."),
            "documentation": (1, "The manual lacks the fibre-routing drawings."),
            "invoices": "na",
            "training": (3, '=HYPERLINK("http://evil.example","click")'),
        },
    )
    answer(
        survey,
        {
            "quality": 5,
            "delivery": 4,
            "documentation": (2, "The commissioning guide describes release 3.1, not 3.2."),
            "training": (4, "The course was good but too short for the night shift."),
        },
        email=world.carol.email,
    )
    created = triage.create_item(
        access=ada,
        proposal=proposal(survey, "documentation", GRACE),
        title="Add the fibre-routing drawings to the installation manual",
        owner=world.sam,
    ).item
    assert created is not None
    # merged into a shared item that Northwind later made its own (private): the exports must then
    # leave it out of Telco A's copy
    merged_into = register.create_item(access=ada, title="Internal: rework the commissioning guide")
    triage.merge(access=ada, proposal=proposal(survey, "documentation", world.carol.email), item=merged_into)
    made_private = register.update_item(
        access=ada, item=merged_into, version=merged_into.version, visibility="private"
    )
    dismissed = triage.dismiss(
        access=ada,
        proposal=proposal(survey, "delivery", GRACE),
        reason="The shelves waited for Telco A's site readiness date, as agreed.",
    )
    flagged = next(
        a
        for a in survey.responses.get(invitation__user=world.carol).answers.select_related("area")
        if a.area.key == "training"
    )
    still_open = triage.flag(access=ada, answer=flagged)
    survey.refresh_from_db()
    return Visit(survey, meeting, created, made_private, dismissed, still_open)
