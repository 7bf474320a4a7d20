"""The minutes' pages: the "run the meeting" view (attendance, minutes, decisions and action items per
agenda item, one at a time or all stacked), the minutes' workflow (circulate, approve, correct) and the
revisions with their PDFs. Thin: the meetings' doors, the forms, ``meetings.minutes``' services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.accounts.types import AuthedRequest
from accord.lib.api import MAX_INT
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, keep_failed, kept_form
from accord.lib.http import SeeOther, post_only
from accord.meetings import minutes, minutes_pdf
from accord.meetings.access import agenda_item_for_user, meeting_for_user
from accord.meetings.agenda import agenda_context
from accord.meetings.forms_minutes import (
    ActionItemForm,
    ApprovalForm,
    AttendanceForm,
    CorrectionForm,
    DecisionForm,
    MinutesForm,
    WalkInForm,
)
from accord.meetings.models import AgendaItem, Meeting, MinutesRevision, Outcome
from accord.parties.access import first_or_404
from accord.register.models import ActionItem

RUN = "meetings:minutes_run"
KEEP = ["slug", "meeting_id"]


def _run_url(meeting: Meeting, item_id: int | None = None) -> str:
    url = reverse(RUN, args=[meeting.relationship.slug, meeting.pk])
    return f"{url}?item={item_id}#agenda-item-{item_id}" if item_id else url


def _item_or_all(request: AuthedRequest, items: list[AgendaItem]) -> tuple[list[AgendaItem], int]:
    """The agenda items shown (one, or all with ``?all=1``) and the index of the one shown."""
    if request.GET.get("all") or not items:
        return items, -1
    wanted = request.GET.get("item", "")
    index = next((i for i, a in enumerate(items) if str(a.pk) == wanted), 0)
    return [items[index]], index


@require_GET
@login_required
def run(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    view = minutes.minutes_view(access, meeting)
    items = list(meeting.agenda_items.select_related("presenter").prefetch_related("outcomes"))
    shown, index = _item_or_all(request, items)
    made = ActionItem.objects.visible_to(access).filter(
        source_type=ContentType.objects.get_for_model(AgendaItem),
        source_id__in=[str(a.pk) for a in shown],
    )
    by_item: dict[str, list[ActionItem]] = {}
    for found in made.select_related("relationship", "owner"):
        by_item.setdefault(found.source_id, []).append(found)
    summaries = agenda_context(access, meeting).get("summaries", {})
    kept_minutes = kept_form(request, MinutesForm)
    rows = [
        {
            "item": a,
            "made": by_item.get(str(a.pk), []),
            "summary": summaries.get(a.pk, ""),
            "typed": kept_minutes.data.get("minutes")
            if kept_minutes is not None and kept_minutes.data.get("item") == str(a.pk)
            else None,
        }
        for a in shown
    ]
    attendees = list(meeting.attendees.select_related("user"))
    kept = [f for f in (kept_minutes, *(kept_form(request, c) for c in KEPT_FORMS)) if f is not None]
    return render(
        request,
        "meetings/minutes/run.html",
        {
            "access": access,
            "rel": access.relationship,
            "meeting": meeting,
            "minutes": view,
            "rows": rows,
            "all": index < 0,
            "previous": items[index - 1] if index > 0 else None,
            "next": items[index + 1] if 0 <= index < len(items) - 1 else None,
            "position": index + 1,
            "count": len(items),
            "attendees": attendees,
            "attendance_form": AttendanceForm(attendees=attendees),
            "walk_in_form": WalkInForm(meeting=meeting),
            "decision_form": DecisionForm(),
            "action_form": ActionItemForm(meeting=meeting, initial={"owner_side": access.side or "supplier"}),
            "kept_errors": [e for f in kept for errors in f.errors.values() for e in errors],
            "meeting_url": minutes.meeting_url(meeting),
        },
    )


@post_only(RUN, keep=KEEP)
@login_required
def attendance(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    form = AttendanceForm(request.POST, attendees=list(meeting.attendees.select_related("user")))
    if form.is_valid():
        try:
            minutes.set_attendance(access=access, meeting=meeting, marks=form.marks())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Attendance saved."))
            return SeeOther(_run_url(meeting) + "#attendance")
    return keep_failed(request, form, _run_url(meeting))


@post_only(RUN, keep=KEEP)
@login_required
def walk_in(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    form = WalkInForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            minutes.add_walk_in(access=access, meeting=meeting, **form.person())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return SeeOther(_run_url(meeting) + "#attendance")
    return keep_failed(request, form, _run_url(meeting))


@post_only(RUN, keep=KEEP)
@login_required
def item_minutes(request: AuthedRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    item, access = agenda_item_for_user(request.user, slug=slug, meeting_id=meeting_id, item_id=item_id)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            minutes.write_minutes(
                access=access,
                item=item,
                version=form.cleaned_data["version"],
                minutes=form.cleaned_data["minutes"],
            )
        except (Conflict, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Minutes of “%(item)s” saved.") % {"item": item.title})
            return SeeOther(_run_url(item.meeting, item.pk))
    return keep_failed(request, form, _run_url(item.meeting, item.pk))


@post_only(RUN, keep=KEEP)
@login_required
def decision_add(request: AuthedRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    item, access = agenda_item_for_user(request.user, slug=slug, meeting_id=meeting_id, item_id=item_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            minutes.add_decision(access=access, item=item, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return SeeOther(_run_url(item.meeting, item.pk))
    return keep_failed(request, form, _run_url(item.meeting, item.pk))


@post_only(RUN, keep=KEEP)
@login_required
def decision_remove(request: AuthedRequest, slug: str, meeting_id: int, decision_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    outcome = first_or_404(Outcome.objects.filter(meeting=meeting, pk=decision_id))
    minutes.remove_decision(access=access, meeting=meeting, outcome=outcome)
    return SeeOther(_run_url(meeting, outcome.agenda_item_id))


@post_only(RUN, keep=KEEP)
@login_required
def action_item(request: AuthedRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    item, access = agenda_item_for_user(request.user, slug=slug, meeting_id=meeting_id, item_id=item_id)
    form = ActionItemForm(request.POST, meeting=item.meeting)
    if form.is_valid():
        try:
            made = minutes.create_action_item(access=access, item=item, **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(ref)s added to the register.") % {"ref": made.reference})
            return SeeOther(_run_url(item.meeting, item.pk))
    return keep_failed(request, form, _run_url(item.meeting, item.pk))


@post_only(RUN, keep=KEEP)
@login_required
def circulate(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    try:
        minutes.circulate(access=access, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The minutes are circulated for approval."))
    return SeeOther(minutes.meeting_url(meeting) + "#minutes")


@post_only(RUN, keep=KEEP)
@login_required
def approve(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        return keep_failed(request, form, _run_url(meeting))
    try:
        meeting = minutes.approve(access=access, meeting=meeting, revision=form.cleaned_data["revision"])
    except Conflict:
        messages.error(request, _("These minutes changed since you read them; read them again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You approved the minutes for your side."))
    return SeeOther(minutes.meeting_url(meeting) + "#minutes")


@post_only(RUN, keep=KEEP)
@login_required
def correct(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            minutes.correct(access=access, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("A new revision of the minutes is open as a draft."))
            return SeeOther(_run_url(meeting))
    return keep_failed(request, form, _run_url(meeting))


KEPT_FORMS = (AttendanceForm, WalkInForm, DecisionForm, ActionItemForm, ApprovalForm, CorrectionForm)


# --- revisions and PDFs ----------------------------------------------------------------------------


def _document(meeting: Meeting, rev: int) -> tuple[dict[str, Any], bool]:
    """Revision ``rev``'s document: an approved one as frozen, the current one as it stands (draft)."""
    if rev > MAX_INT:
        raise Http404
    frozen = MinutesRevision.objects.filter(meeting=meeting, revision=rev).exclude(approved_at=None).first()
    if frozen is not None:
        return frozen.snapshot, False
    if rev == meeting.minutes_revision and not meeting.minutes_locked:
        return minutes_pdf.document(meeting), True
    raise Http404


@require_GET
@login_required
def revision(request: AuthedRequest, slug: str, meeting_id: int, rev: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    doc, draft = _document(meeting, rev)
    frozen = MinutesRevision.objects.filter(meeting=meeting, revision=rev).first()
    return render(
        request,
        "meetings/minutes/revision.html",
        {
            "access": access,
            "rel": access.relationship,
            "meeting": meeting,
            "doc": doc,
            "draft": draft,
            "frozen": frozen,
            "meeting_url": minutes.meeting_url(meeting),
        },
    )


def _pdf_response(meeting: Meeting, rev: int) -> HttpResponse:
    if rev > MAX_INT:
        raise Http404
    frozen = MinutesRevision.objects.filter(meeting=meeting, revision=rev).exclude(approved_at=None).first()
    if frozen is not None:
        body = minutes_pdf.revision_pdf(frozen)
        draft = False
    else:
        doc, draft = _document(meeting, rev)
        body = minutes_pdf.render_pdf(doc, draft=draft)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"minutes-{meeting.pk}-r{rev}{'-draft' if draft else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_GET
@login_required
def revision_pdf(request: AuthedRequest, slug: str, meeting_id: int, rev: int) -> HttpResponse:
    meeting, _access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    return _pdf_response(meeting, rev)


@require_GET
@login_required
def current_pdf(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    """The current revision's PDF: approved as frozen, else the draft as it stands."""
    meeting, _access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    return _pdf_response(meeting, meeting.minutes_revision)
