"""The daily feedback job: a reminder, once, to whoever has not answered a survey closing within three
days (with the same link); surveys past their closing day are closed; the door's old hits forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accord.feedback import door
from accord.feedback.jobs import remind_and_close
from accord.feedback.models import DoorHit, Invitation, SurveyStatus
from tests.feedback.helpers import GRACE, answer, survey, token

pytestmark = pytest.mark.django_db
DAY = datetime(2026, 6, 10, 6, tzinfo=UTC)


def test_whoever_has_not_answered_is_reminded_once_before_the_closing_day(world: Any) -> None:
    with time_machine.travel(DAY, tick=False):
        s = survey(world, days=5)
        answer(s, {"delivery": 4}, email="carol@telco-a.example")
        mail.outbox.clear()
        assert "reminded 0" in remind_and_close(timezone.now())  # five days ahead: not yet
    with time_machine.travel(DAY + timedelta(days=3), tick=False):
        assert "reminded 1" in remind_and_close(timezone.now())
        assert [m.to for m in mail.outbox] == [[GRACE]]  # Carol answered already
        assert f"/f/{token(s)}/" in mail.outbox[0].body and "Reminder" in mail.outbox[0].subject
        assert "reminded 0" in remind_and_close(timezone.now())  # once
        assert Invitation.objects.get(email=GRACE).reminded_at is not None


def test_a_survey_past_its_closing_day_is_closed(world: Any) -> None:
    with time_machine.travel(DAY, tick=False):
        s = survey(world, days=2)
    with time_machine.travel(DAY + timedelta(days=3), tick=False):
        assert "closed 1" in remind_and_close(timezone.now())
    s.refresh_from_db()
    assert s.status == SurveyStatus.CLOSED and s.closed_at is not None


def test_the_door_forgets_hits_after_a_day(world: Any) -> None:
    with time_machine.travel(DAY, tick=False):
        door.hit("10.0.0.1", miss=True)
    with time_machine.travel(DAY + door.KEEP + timedelta(minutes=1), tick=False):
        door.hit("10.0.0.1", miss=False)
        remind_and_close(timezone.now())
    assert list(DoorHit.objects.values_list("miss", flat=True)) == [False]
