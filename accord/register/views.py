"""Register pages: the list with filters and quick edits, item pages, task forces, exports and import.

Thin: access door, form, service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.attachments import views as attachments
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_failed, keep_typed, kept_form
from accord.lib.http import post_only
from accord.parties.access import RelationshipAccess, relationship_for_user
from accord.register import rows, selectors, services, workflow
from accord.register.access import action_item_for_user
from accord.register.evidence import KIND
from accord.register.forms import (
    CommentForm,
    FilterForm,
    ItemForm,
    ProposalForm,
    QuickEditForm,
    TransitionForm,
    relationship_people,
    status_toggle,
    with_default_status,
)
from accord.register.models import ActionItem

PAGE_SIZE = 50


def _filter_form(request: AuthedRequest, access: RelationshipAccess | None) -> tuple[FilterForm, QueryDict]:
    """The list's filters and the query they read: the request's, opening on the open work when it
    names no status."""
    query = with_default_status(request.GET)
    return FilterForm(query, relationship=access.relationship if access else None), query


@require_GET
@login_required
def register(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    today = timezone.localdate()
    form, query = _filter_form(request, access)
    filters = form.filters()
    page = Paginator(selectors.register_items(access, filters, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "access": access,
        "rel": access.relationship,
        "form": form,
        "filters": filters,
        "page": page,
        "rows": rows.rows(access, page.object_list, relationship_people(access.relationship)),
        "counts": selectors.status_counts(access, today),
        "today": today,
        "query": query.urlencode(),
        "toggle": status_toggle(query),
    }
    template = "register/_table.html" if request.headers.get("HX-Request") else "register/list.html"
    return render(request, template, context)


@require_GET
@login_required
def my_items(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    form, query = _filter_form(request, None)
    page = Paginator(selectors.my_items(request.user, form.filters(), today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "register/my_items.html",
        {
            "form": form,
            "page": page,
            "rows": rows.own_rows(request.user, page.object_list),
            "today": today,
            "query": query.urlencode(),
            "toggle": status_toggle(query),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_create(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, write=True)
    initial = {"owner_side": access.side, "priority": "medium", "visibility": "shared"}
    form = ItemForm(request.POST or None, relationship=access.relationship, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                item = services.create_item(access=access, **form.values())
                services.set_related(access=access, item=item, numbers=form.cleaned_data["related_numbers"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(ref)s created.") % {"ref": item.reference})
            return redirect("register:item", slug=slug, number=item.key)
    return render(
        request,
        "register/form.html",
        {"access": access, "rel": access.relationship, "form": form, "title": _("New action item")},
    )


@require_GET
@login_required
def item_detail(request: AuthedRequest, slug: str, number: str) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number)
    if number != item.key:  # an old key (an alias) or another spelling: the item's own address
        return redirect("register:item", slug=slug, number=item.key)
    return _item_page(request, item, access)


def _item_page(request: AuthedRequest, item: ActionItem, access: RelationshipAccess) -> HttpResponse:
    """The item page; a form whose post failed comes back with what was typed (``kept_form``)."""
    timeline = list(selectors.timeline(access, item))
    related = selectors.base_items(access).filter(related=item).select_related("relationship")
    return render(
        request,
        "register/item.html",
        {
            "access": access,
            "rel": access.relationship,
            "item": item,
            "timeline": timeline,
            "related": related,
            "actions": workflow.allowed(access, item),
            "today": timezone.localdate(),
            "transition_form": kept_form(request, TransitionForm),
            "comment_form": kept_form(request, CommentForm) or CommentForm(),
            "due_moves": item.due_moves,
            "attachments": attachments.section(access, KIND, item),
            **planning_context(access, item, kept_form(request, ProposalForm, item=item)),
        },
    )


def planning_context(
    access: RelationshipAccess, item: ActionItem, propose_form: ProposalForm | None = None
) -> dict[str, Any]:
    """What the item page shows of planning: whether the viewer plans it, and the proposal form for the
    other side's writers while the item is open (a proposal's words: ``ActionUpdate.proposal_text``)."""
    plans = workflow.plans(access, item)
    may_propose = item.is_open and access.can_write and not access.is_guest and not plans
    return {
        "plans": plans,
        "propose_form": (propose_form or ProposalForm(item=item)) if may_propose else None,
    }


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: AuthedRequest, slug: str, number: str) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number, write=True)
    related = ", ".join(r.reference for r in selectors.related_items(access, item))
    form = ItemForm(
        request.POST or None,
        instance=item,
        relationship=access.relationship,
        plans=workflow.plans(access, item),
        initial={"version": item.version, "related_numbers": related},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                item = services.update_item(
                    access=access, item=item, version=form.cleaned_data["version"] or 0, **form.values()
                )
                services.set_related(access=access, item=item, numbers=form.cleaned_data["related_numbers"])
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": item.reference})
            return redirect("register:item", slug=slug, number=item.key)
    return render(
        request,
        "register/form.html",
        {
            "access": access,
            "rel": access.relationship,
            "form": form,
            "item": item,
            "title": _("Edit %(ref)s") % {"ref": item.reference},
        },
        status=form_status(form),
    )


@post_only("register:item")
@login_required
def item_transition(request: AuthedRequest, slug: str, number: str) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number, write=True)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.transition(
                access=access, item=item, version=data["version"], action=data["action"], note=data["note"]
            )
        except Conflict as exc:
            add_service_error(form, exc)
            item = exc.current
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(ref)s is now %(status)s.")
                % {"ref": item.reference, "status": item.get_status_display().lower()},
            )
            return redirect("register:item", slug=slug, number=item.key)
    return keep_failed(request, form, reverse("register:item", args=[slug, item.key]))


@post_only("register:item")
@login_required
def item_comment(request: AuthedRequest, slug: str, number: str) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number, write=True)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment(access=access, item=item, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect(reverse("register:item", args=[slug, item.key]) + "#timeline-end")
    return keep_failed(request, form, reverse("register:item", args=[slug, item.key]) + "#comment")


@post_only("register:item")
@login_required
def item_quick(request: AuthedRequest, slug: str, number: str) -> HttpResponse:
    """Edit one field of a register row in place (htmx): owner, due date or a workflow action.

    Answers the re-rendered row; a stale version or a refused change shows its reason in the row.
    The register's status counts come along as an out-of-band swap.
    """
    item, access = action_item_for_user(request.user, slug=slug, number=number, write=True)
    form = QuickEditForm(request.POST, relationship=access.relationship)
    error = ""
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        version = form.cleaned_data["version"]
        try:
            if "action" in request.POST:
                note = request.headers.get("HX-Prompt", "") or request.POST.get("note", "")
                item = services.transition(
                    access=access, item=item, version=version, action=request.POST["action"], note=note
                )
            elif "owner" in request.POST:
                item = services.update_item(
                    access=access, item=item, version=version, owner=form.cleaned_data["owner"]
                )
            elif "due_date" in request.POST:
                item = services.update_item(
                    access=access, item=item, version=version, due_date=form.cleaned_data["due_date"]
                )
        except Conflict:
            error = _("Someone changed this item meanwhile; this row now shows their version.")
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        item = ActionItem.objects.select_related("relationship", "owner", "task_force", "requested_by").get(
            pk=item.pk
        )
    today = timezone.localdate()
    drawn = rows.RowMaker(access, relationship_people(access.relationship)).row(item)
    row = render_to_string(
        "register/_row.html",
        {
            "row": drawn,
            "item": item,
            "actions": drawn.actions,
            "access": access,
            "rel": access.relationship,
            "today": today,
            "row_error": error,
        },
        request,
    )
    # The status count badges follow the edit, swapped out of band (what this viewer may see).
    counts = render_to_string(
        "register/_status_counts.html",
        {"counts": selectors.status_counts(access, today), "oob": True},
        request,
    )
    return HttpResponse(row + counts)
