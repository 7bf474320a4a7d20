"""Agenda pages: the agenda of a meeting (edit, add, remove, reorder), an item's edit page, the
pre-read pack (send, download, live preview) and a relationship's agenda templates per kind.

Thin: the meetings' doors, a form, ``meetings.agenda`` / ``meetings.packs``, render. A post sent from
the meeting page (``back=detail``) returns there; anything else returns to the agenda page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_failed, keep_typed, kept_form
from accord.lib.http import SeeOther, post_only
from accord.meetings import agenda, packs, rules, sections, services
from accord.meetings.access import agenda_item_for_user, meeting_for_user
from accord.meetings.forms_agenda import AddItemForm, ItemForm, MoveForm, TemplateItemForm
from accord.meetings.models import Kind
from accord.parties.access import relationship_for_user

KEEP = ["slug", "meeting_id"]


def _agenda_url(slug: str, meeting_id: int) -> str:
    return reverse("meetings:agenda", args=[slug, meeting_id])


def _back(request: HttpRequest, slug: str, meeting_id: int) -> str:
    """Where a post returns: the meeting page when it came from there (and the pages part serves
    it), else the agenda page."""
    if request.POST.get("back") == "detail":
        try:
            return reverse("meetings:detail", args=[slug, meeting_id]) + "#agenda"
        except NoReverseMatch:
            pass
    return _agenda_url(slug, meeting_id)


def _pdf(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the agenda -----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@login_required
def agenda_page(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    context: dict[str, Any] = agenda.agenda_context(access, meeting)
    add_form = None
    if context["agenda"].may_edit:
        add_form = kept_form(request, AddItemForm, meeting=meeting) or AddItemForm(meeting=meeting)
    context |= {
        "access": access,
        "rel": access.relationship,
        "meeting": meeting,
        "agenda_page": True,
        "add_form": add_form,
    }
    return render(request, "meetings/agenda/page.html", context)


@post_only("meetings:agenda", keep=KEEP)
@login_required
def agenda_add(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    if not agenda.may_edit_agenda(access, meeting):
        raise PermissionDenied(str(agenda.REFUSED))
    form = AddItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agenda.add_item(
                access=access,
                meeting=meeting,
                title=data["title"],
                binding=data["binding"],
                minutes_allotted=data["minutes_allotted"],
                presenter=data["presenter"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Item added to the agenda."))
            return SeeOther(_back(request, slug, meeting_id))
    return keep_failed(request, form, _agenda_url(slug, meeting_id) + "#add-item")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def agenda_item_edit(request: AuthedRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    item, access = agenda_item_for_user(request.user, slug=slug, meeting_id=meeting_id, item_id=item_id)
    if not agenda.may_edit_agenda(access, item.meeting):
        raise PermissionDenied(str(agenda.REFUSED))
    form = ItemForm.for_item(item, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agenda.update_item(
                access=access, item=item, version=form.cleaned_data["version"] or 0, **form.values()
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Agenda item saved."))
            return SeeOther(_agenda_url(slug, meeting_id))
    context = {
        "access": access,
        "rel": access.relationship,
        "meeting": item.meeting,
        "item": item,
        "form": form,
    }
    status = 200
    if request.method == "POST":
        status = 409 if form_status(form) == 409 else 400
    return render(request, "meetings/agenda/item_form.html", context, status=status)


@post_only("meetings:agenda", keep=KEEP)
@login_required
def agenda_item_remove(request: AuthedRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    item, access = agenda_item_for_user(request.user, slug=slug, meeting_id=meeting_id, item_id=item_id)
    try:
        agenda.remove_item(access=access, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” removed from the agenda.") % {"title": item.title})
    return SeeOther(_back(request, slug, meeting_id))


@post_only("meetings:agenda", keep=KEEP)
@login_required
def agenda_item_move(request: AuthedRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    item, access = agenda_item_for_user(request.user, slug=slug, meeting_id=meeting_id, item_id=item_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        if not agenda.may_edit_agenda(access, item.meeting):
            raise PermissionDenied(str(agenda.REFUSED))
        messages.error(request, _("Move an item up or down."))
    else:
        agenda.move_item(access=access, item=item, direction=form.cleaned_data["direction"])
    return SeeOther(_back(request, slug, meeting_id))


# --- the pre-read pack ----------------------------------------------------------------------------


@require_GET
@login_required
def agenda_preview(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    """The pre-read as it would be sent now (not stored)."""
    meeting, _access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _pdf(packs.pack_pdf(meeting), f"pre-read-{meeting.pk}-preview-{stamp}.pdf")


@post_only("meetings:agenda", keep=KEEP)
@login_required
def pack_send(request: AuthedRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting, access = meeting_for_user(request.user, slug=slug, meeting_id=meeting_id)
    packs.send(access=access, meeting=meeting)
    messages.success(request, _("The pre-read was frozen and is being sent to everyone invited."))
    return SeeOther(_back(request, slug, meeting_id))


@require_GET
@login_required
def pack_download(request: AuthedRequest, slug: str, meeting_id: int, pack_id: int) -> HttpResponse:
    pack, _access = packs.pack_for_user(request.user, slug=slug, meeting_id=meeting_id, pack_id=pack_id)
    return _pdf(packs.read(pack), packs.filename(pack))


# --- agenda templates -----------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404
    return kind


def _template_url(slug: str, kind: str) -> str:
    return reverse("meetings:agenda_template", args=[slug, kind])


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def template_page(request: AuthedRequest, slug: str, kind: str) -> HttpResponse:
    """A relationship's agenda template of one kind: readers see it, writers change it (a POST adds
    an item). Meetings scheduled afterwards copy it; scheduled ones keep their agenda."""
    access = relationship_for_user(request.user, slug=slug)
    kind = _kind(kind)
    may_edit = agenda.may_edit_templates(access)
    form = None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(rules.REFUSALS["schedule"])
        form = TemplateItemForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                agenda.add_template_item(
                    access=access,
                    kind=kind,
                    title=data["title"],
                    binding=data["binding"],
                    minutes=data["minutes"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Item added to the template."))
                return SeeOther(_template_url(slug, kind))
        status = 400
    elif may_edit:
        form = TemplateItemForm()
    template = services.template_for(access.relationship, kind)
    items = list(template.items.order_by("position", "pk"))
    context = {
        "access": access,
        "rel": access.relationship,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "kinds": Kind.choices,
        "items": [(i, sections.label_of(i.binding) if i.binding else "") for i in items],
        "total": sum(i.minutes for i in items),
        "form": form,
        "may_edit": may_edit,
    }
    return render(request, "meetings/agenda/template.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def template_item_edit(request: AuthedRequest, slug: str, kind: str, item_id: int) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    item = agenda.template_item_for(access, _kind(kind), item_id)
    if not agenda.may_edit_templates(access):
        raise PermissionDenied(rules.REFUSALS["schedule"])
    initial = {"title": item.title, "binding": item.binding, "minutes": item.minutes}
    form = TemplateItemForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agenda.update_template_item(
                access=access,
                item=item,
                title=data["title"],
                binding=data["binding"],
                minutes=data["minutes"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Template item saved."))
            return SeeOther(_template_url(slug, kind))
    context = {
        "access": access,
        "rel": access.relationship,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "item": item,
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/agenda/template_item_form.html", context, status=status)


@post_only("meetings:agenda_template", keep=["slug", "kind"])
@login_required
def template_item_remove(request: AuthedRequest, slug: str, kind: str, item_id: int) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    item = agenda.template_item_for(access, _kind(kind), item_id)
    agenda.remove_template_item(access=access, item=item)
    messages.success(request, _("“%(title)s” removed from the template.") % {"title": item.title})
    return SeeOther(_template_url(slug, kind))


@post_only("meetings:agenda_template", keep=["slug", "kind"])
@login_required
def template_item_move(request: AuthedRequest, slug: str, kind: str, item_id: int) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    item = agenda.template_item_for(access, _kind(kind), item_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        if not agenda.may_edit_templates(access):
            raise PermissionDenied(rules.REFUSALS["schedule"])
        messages.error(request, _("Move an item up or down."))
    else:
        agenda.move_template_item(access=access, item=item, direction=form.cleaned_data["direction"])
    return SeeOther(_template_url(slug, kind))
