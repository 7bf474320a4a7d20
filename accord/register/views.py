"""Register pages: the list with filters and quick edits, item pages, task forces, exports and import.

Thin: access door, form, service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.accounts.types import AuthedRequest
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error
from accord.parties.access import RelationshipAccess, relationship_for_user
from accord.register import rows, selectors, services, workflow
from accord.register.access import action_item_for_user
from accord.register.forms import (
    CommentForm,
    FilterForm,
    ItemForm,
    QuickEditForm,
    TransitionForm,
    relationship_people,
)
from accord.register.models import ActionItem

PAGE_SIZE = 50


def _filter_form(request: AuthedRequest, access: RelationshipAccess | None) -> FilterForm:
    return FilterForm(request.GET or None, relationship=access.relationship if access else None)


@require_GET
@login_required
def register(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    today = timezone.localdate()
    form = _filter_form(request, access)
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
        "query": _query_without_page(request),
    }
    template = "register/_table.html" if request.headers.get("HX-Request") else "register/list.html"
    return render(request, template, context)


def _query_without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@login_required
def my_items(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    form = _filter_form(request, None)
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
            "query": _query_without_page(request),
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
            return redirect("register:item", slug=slug, number=item.number)
    return render(
        request,
        "register/form.html",
        {"access": access, "rel": access.relationship, "form": form, "title": _("New action item")},
    )


@require_GET
@login_required
def item_detail(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number)
    return _item_page(request, item, access)


def _item_page(
    request: AuthedRequest,
    item: ActionItem,
    access: RelationshipAccess,
    *,
    transition_form: TransitionForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
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
            "transition_form": transition_form,
            "comment_form": comment_form or CommentForm(),
            "due_moves": item.due_moves,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number, write=True)
    related = sorted(item.related.visible_to(access).values_list("number", flat=True))
    form = ItemForm(
        request.POST or None,
        instance=item,
        relationship=access.relationship,
        initial={"version": item.version, "related_numbers": ", ".join(str(n) for n in related)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_item(
                    access=access, item=item, version=form.cleaned_data["version"] or 0, **form.values()
                )
                if sorted(form.cleaned_data["related_numbers"]) != related:
                    services.set_related(
                        access=access, item=item, numbers=form.cleaned_data["related_numbers"]
                    )
        except Conflict as exc:
            add_service_error(form, exc)
            fresh = ItemForm(
                instance=exc.current,
                relationship=access.relationship,
                initial={
                    "version": exc.current.version,
                    "related_numbers": ", ".join(str(n) for n in related),
                },
            )
            setattr(fresh, "_errors", form.errors)  # noqa: B010 (keep the conflict message on the fresh form)
            form = fresh
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": item.reference})
            return redirect("register:item", slug=slug, number=number)
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
    )


@require_POST
@login_required
def item_transition(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
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
            return redirect("register:item", slug=slug, number=number)
    item, access = action_item_for_user(request.user, slug=slug, number=number)
    return _item_page(request, item, access, transition_form=form, status=400)


@require_POST
@login_required
def item_comment(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number, write=True)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment(access=access, item=item, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect(reverse("register:item", args=[slug, number]) + "#timeline-end")
    return _item_page(request, item, access, comment_form=form, status=400)


@require_POST
@login_required
def item_quick(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
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
