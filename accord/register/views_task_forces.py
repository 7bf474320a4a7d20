"""Joint task force pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_typed
from accord.parties.access import relationship_for_user
from accord.register import selectors, services
from accord.register.access import task_force_for_user
from accord.register.forms import TaskForceForm
from accord.register.models import OPEN_STATUSES, Status


@require_http_methods(["GET", "POST"])
@login_required
def task_forces(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, write=request.method == "POST")
    form = TaskForceForm(request.POST or None, relationship=access.relationship) if access.can_write else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None), data.pop("status", None)
        try:
            task_force = services.create_task_force(access=access, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Task force “%(name)s” created.") % {"name": task_force.name})
            return redirect("register:task_force", slug=slug, pk=task_force.pk)
    return render(
        request,
        "register/task_forces.html",
        {
            "access": access,
            "rel": access.relationship,
            "task_forces": selectors.task_forces(access),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_GET
@login_required
def task_force_detail(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    task_force, access = task_force_for_user(request.user, slug=slug, task_force_id=pk)
    items = list(
        selectors.for_listing(selectors.base_items(access).filter(task_force=task_force)).order_by(
            "status", "due_date"
        )
    )
    done = sum(1 for i in items if i.status in (Status.DONE, Status.VERIFIED))
    live = [i for i in items if i.status != Status.CANCELLED]
    return render(
        request,
        "register/task_force.html",
        {
            "access": access,
            "rel": access.relationship,
            "task_force": task_force,
            "items": items,
            "members": task_force.members.order_by("full_name"),
            "today": timezone.localdate(),
            "progress": round(100 * done / len(live)) if live else None,
            "done": done,
            "live": len(live),
            "open": sum(1 for i in items if i.status in OPEN_STATUSES),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def task_force_edit(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    task_force, access = task_force_for_user(request.user, slug=slug, task_force_id=pk, write=True)
    form = TaskForceForm(
        request.POST or None,
        instance=task_force,
        relationship=access.relationship,
        initial={"version": task_force.version},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        members = data.pop("members")
        try:
            services.update_task_force(
                access=access, task_force=task_force, version=version, members=members, **data
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Task force saved."))
            return redirect("register:task_force", slug=slug, pk=pk)
    return render(
        request,
        "register/task_force_form.html",
        {"access": access, "rel": access.relationship, "task_force": task_force, "form": form},
        status=form_status(form),
    )
