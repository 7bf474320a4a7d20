"""The calendar part's pages: answering an invitation (by its e-mailed link, or signed in on the
meeting's page), a meeting's ``.ics`` download, the personal calendar feed and the page that makes
its secret address. Thin: a door, a service, a render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.lib.http import SeeOther
from accord.meetings import calendar, feeds, rsvp
from accord.meetings.access import meeting_for_user
from accord.meetings.models import Meeting, Response

ICS = "text/calendar; charset=utf-8"


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        choices=[(Response.ACCEPTED, gettext_lazy("Accept")), (Response.DECLINED, gettext_lazy("Decline"))]
    )


def ics_response(content: bytes, filename: str, *, download: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=ICS)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def meeting_ics(meeting: Meeting) -> HttpResponse:
    return ics_response(feeds.download(meeting), f"meeting-{meeting.pk}.ics")


# --- the answer link (no sign-in: the token is the credential) --------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation behind the link: its title, time and place and the current answer, with Accept
    and Decline. Any link that does not work (unknown, the meeting over or cancelled, the person no
    longer invited or no longer of the relationship) gets the same page."""
    attendee = rsvp.attendee_for_token(token)
    if attendee is None:
        return render(request, "meetings/calendar/answer_invalid.html", status=404)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rsvp.answer(attendee=attendee, response=form.cleaned_data["response"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: your answer is saved."))
            return SeeOther(request.path)
    meeting = attendee.meeting
    return render(
        request,
        "meetings/calendar/answer.html",
        {
            "attendee": attendee,
            "meeting": meeting,
            "where": calendar.location(meeting),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def answer_meeting(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    """A signed-in invitee answers on the meeting's page (a POST from there; a GET goes there)."""
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    back = calendar.meeting_path(slug, meeting.pk)
    if request.method != "POST":
        return SeeOther(back)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer accept or decline."))
        return SeeOther(back)
    try:
        rsvp.answer_as_member(access=access, meeting=meeting, response=form.cleaned_data["response"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect(back)


# --- downloads and the feed ---------------------------------------------------------------------------


@require_GET
@login_required
def invite_ics(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, _access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    return meeting_ics(meeting)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar feed (no sign-in: calendar apps fetch it; the address is the secret)."""
    person = feeds.owner_of(token)
    if person is None:
        raise Http404
    name = _("Accord meetings")
    return ics_response(calendar.feed(feeds.meetings_of(person), name=name), "accord.ics", download=False)


FEED_KEY = "accord.new_calendar_feed"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def my_calendar(request: AuthedRequest) -> HttpResponse:
    """Make (or replace) the secret feed address; it is shown once, right after."""
    if request.method == "POST":
        raw = feeds.new_feed(user=request.user)
        request.session[FEED_KEY] = raw  # shown on the next page only, then dropped
        return redirect("meetings:my_calendar")
    raw = request.session.pop(FEED_KEY, "")
    new_url = feeds.feed_url(raw) if raw else ""
    context: dict[str, Any] = {
        "feed": feeds.has_feed(request.user),
        "new_url": new_url,
        "webcal_url": "webcal://" + new_url.split("://", 1)[1] if new_url else "",
        "count": feeds.meetings_of(request.user).count(),
    }
    return render(request, "meetings/calendar/my_calendar.html", context)
