"""API operations of the calendar part (added to ``meetings.api``'s router): a meeting's ``.ics``."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router

from accord.accounts.types import AuthedRequest
from accord.lib.api import Id, responses
from accord.meetings import feeds
from accord.meetings.access import meeting_for_user

router = Router(tags=["meetings"])

ICS = {
    "description": "The meeting as iCalendar (RFC 5545, METHOD:PUBLISH): the invitation's UID and "
    "SEQUENCE, STATUS:CANCELLED once cancelled.",
    "content": {"text/calendar": {"schema": {"type": "string"}}},
}


@router.get(
    "/relationships/{rel_id}/meetings/{meeting_id}/ics",
    response=responses({200: None}),
    openapi_extra={"responses": {200: ICS}},
    summary="A meeting as an .ics file to add to a calendar",
)
def meeting_ics(request: AuthedRequest, rel_id: Id, meeting_id: Id) -> HttpResponse:
    meeting, _access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    response = HttpResponse(feeds.download(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
