"""Meetings and topics carry attachments (slides, logs): this app tells ``accord.attachments`` how to
find each through its own door and which of them a viewer may see, so a file is exactly as visible as
its parent. Registered from ``MeetingsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accord.attachments.kinds import ParentKind, register
from accord.meetings import rules
from accord.meetings.access import meeting_for_user, topic_for_user
from accord.meetings.models import Meeting, Topic

MEETING = "meeting"
TOPIC = "topic"


def _int(ref: str) -> int:
    from django.http import Http404

    if not str(ref).isdigit() or len(str(ref)) > 18:
        raise Http404
    return int(ref)


def _find_meeting(
    user: Any, *, slug: str | None = None, pk: int | None = None, ref: str, write: bool = False
) -> tuple[Meeting, Any]:
    return meeting_for_user(user, slug=slug, pk=pk, meeting_id=_int(ref))


def _find_topic(
    user: Any, *, slug: str | None = None, pk: int | None = None, ref: str, write: bool = False
) -> tuple[Topic, Any]:
    return topic_for_user(user, slug=slug, pk=pk, topic_id=_int(ref), write=write)


def connect() -> None:
    register(
        ParentKind(
            key=MEETING,
            label="meeting",
            model=Meeting,
            find=_find_meeting,
            visible=lambda access: Meeting.objects.visible_to(access),
            ref=lambda meeting: str(meeting.pk),
            url=lambda meeting: reverse("meetings:detail", args=[meeting.relationship.slug, meeting.pk]),
            describe=lambda meeting: meeting.title,
            # slides and logs: whoever may record the meeting's minutes (the facilitator of a team
            # meeting included), until they are approved
            may_add=lambda access, meeting: rules.may_minute(access, meeting),
        )
    )
    register(
        ParentKind(
            key=TOPIC,
            label="topic",
            model=Topic,
            find=_find_topic,
            visible=lambda access: Topic.objects.visible_to(access),
            ref=lambda topic: str(topic.pk),
            url=lambda topic: reverse("meetings:topic", args=[topic.relationship.slug, topic.pk]),
            describe=lambda topic: topic.title,
            may_add=lambda access, topic: rules.may_write_topics(access),
        )
    )
