"""The access matrix's cases for the calendar part (collected through ``access_cases``).

Telco A's quality review (``helpers.review``: Sam scheduled it, Carol invited): both sides download
its ``.ics``, only the people invited answer it on its page (the others who see it: 403), Fay and
Mallory get the one 404. The answer link and the feed address are credentials in themselves: they
answer anyone who holds them, signed in or not (an external guest's link; Mallory's own, empty feed,
so that what they show names nothing of Telco A)."""

from __future__ import annotations

from typing import Any

from tests.access import REL, TA, Case, everyone, readers


def _review(w: Any) -> int:
    from tests.meetings.helpers import review

    return review(w).pk


def guest_token(w: Any) -> str:
    """The answer link's token of Grace, an external guest invited to the review (made on first use)."""
    found = getattr(w, "_guest_token", None)
    if found is None:
        from accord.meetings import rsvp, services
        from accord.parties.access import access_from
        from tests.meetings.helpers import review

        meeting = review(w)
        guest = services.ExternalGuest(name="Grace Guest", email="grace@consultants.example")
        (attendee,) = services.invite(access=access_from(w.sam, w.nw_ta), meeting=meeting, guests=[guest])
        found = rsvp.token_for(attendee)
        w._guest_token = found
    return found


def mallorys_feed(w: Any) -> str:
    """Mallory's calendar feed token (made on first use)."""
    found = getattr(w, "_mallorys_feed", None)
    if found is None:
        from accord.meetings import feeds

        found = feeds.new_feed(user=w.mallory)
        w._mallorys_feed = found
    return found


def _accept(w: Any) -> dict[str, Any]:
    return {"response": "accepted"}


INVITED = everyone(403, anonymous=302, sam=302, carol=302, mallory=404, fay=404)

PAGES: dict[str, Case] = {
    "meetings:answer": Case("GET", lambda w: f"/m/answer/{guest_token(w)}/", everyone(200, anonymous=200)),
    "meetings:answer_meeting": Case(
        "POST", lambda w: f"/r/{TA}/meetings/{_review(w)}/answer/", INVITED, data=_accept
    ),
    "meetings:invite_ics": Case("GET", lambda w: f"/r/{TA}/meetings/{_review(w)}/invite.ics", readers(200)),
    "meetings:feed": Case("GET", lambda w: f"/calendar/{mallorys_feed(w)}.ics", everyone(200, anonymous=200)),
    "meetings:my_calendar": Case("GET", lambda w: "/my/calendar/", everyone(200)),
}

API: dict[tuple[str, str], Case] = {
    ("GET", REL + "/meetings/{meeting_id}/ics"): Case(
        "GET", lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/meetings/{_review(w)}/ics", readers(200, 401)
    ),
}
