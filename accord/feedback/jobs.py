"""Daily: remind whoever has not answered an open survey that closes within three days (once), close
surveys whose closing day has passed, and forget the invitation door's old hits. Idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from accord.feedback import door, services
from accord.feedback.models import Invitation, Survey, SurveyStatus
from accord.lib.periodic import periodic

REMIND_DAYS = 3


@periodic("feedback.remind", every="day")
def remind_and_close(now: datetime) -> str:
    today = timezone.localdate(now)
    due = Invitation.objects.filter(
        survey__status=SurveyStatus.OPEN,
        survey__closes_on__gte=today,
        survey__closes_on__lte=today + timedelta(days=REMIND_DAYS),
        submitted_at__isnull=True,
        sent_at__isnull=False,
        reminded_at__isnull=True,
        expires_at__gt=now,
    ).select_related("survey__relationship__supplier", "survey__template", "survey__site", "user")
    reminded = 0
    for invitation in due:
        services.remind(invitation)
        reminded += 1
    closed = 0
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN, closes_on__lt=today).select_related(
        "relationship"
    ):
        services.close_survey(access=None, survey=survey)
        closed += 1
    forgotten = door.forget_old()
    return f"reminded {reminded}, closed {closed}, forgot {forgotten} door hits"
