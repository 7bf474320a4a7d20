"""Meetings pages: the list of a relationship and across relationships, scheduling, the meeting page
(with the agenda and minutes parts' sections and the files), changing, cancelling, inviting, and the
cadence's settings.

Thin: a door (``meetings.access``), a form, a service or selector, render. A facilitator sees her
team's meetings (list and page) and nothing else; anyone else outside the relationship gets the 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.attachments import views as attachments
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_failed, keep_typed, kept_form
from accord.lib.http import post_only
from accord.meetings import agenda, cadence, minutes, rsvp, rules, selectors, services
from accord.meetings.access import meeting_for_user, relationship_meetings
from accord.meetings.evidence import MEETING
from accord.meetings.forms import (
    CadenceForm,
    CancelForm,
    FilterForm,
    InviteForm,
    MeetingForm,
    ScheduleForm,
    edit_initial,
    schedule_initial,
)
from accord.meetings.models import GUEST_KINDS, Kind, Meeting
from accord.parties.access import first_or_404, relationship_for_user

PAST_PAGE_SIZE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS["schedule"])


@require_GET
@login_required
def meeting_list(request: AuthedRequest, slug: str) -> HttpResponse:
    _meetings, access = relationship_meetings(request.user, slug=slug)
    now = timezone.now()
    form = FilterForm(request.GET or None, kinds=GUEST_KINDS if access.is_guest else None)
    upcoming, past = selectors.upcoming_first(selectors.meetings_of(access, form.filters(), now), now)
    page = Paginator(past, PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/list.html",
        {
            "access": access,
            "rel": access.relationship,
            "form": form,
            "upcoming": list(upcoming),
            "page": page,
            "query": query.urlencode(),
            "states": selectors.cadence_states([access], now).get(access.relationship.pk, []),
            "may_schedule": rules.may_schedule(access),
            "kinds": Kind.choices,
            "now": now,
        },
    )


@require_GET
@login_required
def my_meetings(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    form = FilterForm(request.GET or None)
    upcoming, past = selectors.upcoming_first(selectors.my_meetings(request.user, form.filters(), now), now)
    page = Paginator(past, PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/mine.html",
        {
            "form": form,
            "upcoming": list(upcoming),
            "page": page,
            "query": query.urlencode(),
            "across": True,
            "now": now,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, write=True)
    _require(rules.may_schedule(access))
    asked = request.POST.get("kind") or request.GET.get("kind") or Kind.SET
    kind = asked if asked in Kind.values else Kind.SET
    proposal = cadence.proposals(access, kind, timezone.now())
    form = ScheduleForm(
        request.POST or None,
        relationship=access.relationship,
        scheduler=request.user,
        initial=schedule_initial(access.relationship, kind, proposal),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule(
                access=access,
                **form.values(),
                invitees=form.invited_users(),
                guests=form.cleaned_data["guests"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(title)s scheduled.") % {"title": meeting.title})
            return redirect("meetings:detail", slug=slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "access": access,
            "rel": access.relationship,
            "form": form,
            "proposal": proposal,
            "kind": kind,
            "kinds": Kind.choices,
            "title": _("Schedule a meeting"),
            "schedule": True,
        },
    )


@require_GET
@login_required
def meeting_detail(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    may_edit = rules.may_edit(access, meeting)
    context: dict[str, Any] = {
        **agenda.agenda_context(access, meeting),
        **minutes.minutes_context(access, meeting),
    }
    context.update(
        {
            "access": access,
            "rel": access.relationship,
            "meeting": meeting,
            "attendees": selectors.attendees(meeting),
            "may_edit": may_edit,
            "cancel_form": (
                kept_form(request, CancelForm) or CancelForm(initial={"version": meeting.version})
            )
            if may_edit
            else None,
            "invite_form": (kept_form(request, InviteForm, meeting=meeting) or InviteForm(meeting=meeting))
            if may_edit
            else None,
            "attachments": attachments.section(access, MEETING, meeting),
            "invitation": rsvp.my_invitation(access, meeting),
            "now": timezone.now(),
        }
    )
    return render(request, "meetings/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    _require(rules.may_edit(access, meeting))
    form = MeetingForm(request.POST or None, relationship=access.relationship, initial=edit_initial(meeting))
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            meeting = services.update(
                access=access, meeting=meeting, version=form.cleaned_data["version"] or 0, **values
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(title)s saved.") % {"title": meeting.title})
            return redirect("meetings:detail", slug=slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "access": access,
            "rel": access.relationship,
            "form": form,
            "meeting": meeting,
            "title": _("Change %(title)s") % {"title": meeting.title},
            "schedule": False,
        },
        status=form_status(form),
    )


def _meeting_url(slug: str, meeting: Meeting, anchor: str = "") -> str:
    return reverse("meetings:detail", args=[slug, meeting.pk]) + anchor


@post_only("meetings:detail")
@login_required
def meeting_cancel(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    _require(rules.may_edit(access, meeting))
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.cancel(
                access=access,
                meeting=meeting,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except (Conflict, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(title)s is cancelled.") % {"title": meeting.title})
            return redirect(_meeting_url(slug, meeting))
    return keep_failed(request, form, _meeting_url(slug, meeting))


@post_only("meetings:detail")
@login_required
def meeting_invite(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    _require(rules.may_edit(access, meeting))
    form = InviteForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            added = services.invite(
                access=access, meeting=meeting, users=form.invited_users(), guests=form.cleaned_data["guests"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(n)d invited.") % {"n": len(added)})
            return redirect(_meeting_url(slug, meeting, "#invitees"))
    return keep_failed(request, form, _meeting_url(slug, meeting, "#invite"))


@post_only("meetings:detail", keep=["slug", "meeting_id"])
@login_required
def meeting_uninvite(request: AuthedRequest, slug: str, meeting_id: int, attendee_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    _require(rules.may_edit(access, meeting))
    attendee = first_or_404(meeting.attendees.filter(pk=attendee_id).select_related("user"))
    services.uninvite(access=access, meeting=meeting, attendee=attendee)
    messages.success(request, _("%(name)s is no longer invited.") % {"name": attendee.display_name})
    return redirect(_meeting_url(slug, meeting, "#invitees"))


@require_http_methods(["GET", "POST"])
@login_required
def cadence_settings(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, write=True)
    _require(rules.may_schedule(access))
    current = cadence.cadence_for(access.relationship)
    initial = {"version": current.version, **{n: getattr(current, n) for n in cadence.MONTH_FIELDS.values()}}
    form = CadenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cadence.update_cadence(access=access, version=data.pop("version"), **data)
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The meeting cadence is saved."))
            return redirect("meetings:list", slug=slug)
    return render(
        request,
        "meetings/cadence.html",
        {"access": access, "rel": access.relationship, "form": form},
        status=form_status(form),
    )
