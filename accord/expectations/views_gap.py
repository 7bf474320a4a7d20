"""Rating a qualitative expectation (drafted by the facilitator or a lead, confirmed by the holding
side's lead) and a gap's action plan, posted from the expectation's page: a failed post goes back there
with what was typed (``keep_failed``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accord.accounts.types import AuthedRequest
from accord.expectations import services
from accord.expectations.access import expectation_by_number
from accord.expectations.forms import PlanForm, RatingForm, TrackForm
from accord.expectations.models import AssessmentStatus, Expectation, Gap
from accord.lib.forms import add_service_error, keep_failed
from accord.lib.http import post_only
from accord.lib.months import parse_month


def _page(expectation: Expectation, anchor: str = "") -> str:
    return reverse("expectations:detail", args=[expectation.relationship.slug, expectation.number]) + anchor


def _gap(expectation: Expectation) -> Gap:
    gap = Gap.objects.filter(expectation=expectation).select_related("expectation__relationship").first()
    if gap is None:
        raise Http404(_("This expectation has no gap."))
    return gap


@post_only("expectations:detail")
@login_required
def expectation_rate(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    expectation, access = expectation_by_number(request.user, slug=slug, number=number)
    form = RatingForm(request.POST, relationship=access.relationship)
    if form.is_valid():
        data = form.cleaned_data
        try:
            found = services.rate(
                access=access,
                expectation=expectation,
                rating=data["rating"],
                month=data["month"],
                meeting=data["meeting"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            done = (
                _("Rating of %(month)s recorded.")
                if found.status == AssessmentStatus.CONFIRMED
                else _("Rating of %(month)s drafted; the holding side's lead confirms it.")
            )
            messages.success(request, done % {"month": found.month})
            return redirect(_page(expectation, "#assessments"))
    return keep_failed(request, form, _page(expectation, "#rating"))


@post_only("expectations:detail", keep=["slug", "number"])
@login_required
def rating_confirm(request: AuthedRequest, slug: str, number: int, month: str) -> HttpResponse:
    expectation, access = expectation_by_number(request.user, slug=slug, number=number)
    try:
        parse_month(month)
    except ValueError:
        raise Http404 from None
    try:
        services.confirm_rating(access=access, expectation=expectation, month=month)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rating of %(month)s confirmed.") % {"month": month})
    return redirect(_page(expectation, "#assessments"))


@post_only("expectations:detail")
@login_required
def gap_plan(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    expectation, access = expectation_by_number(request.user, slug=slug, number=number)
    gap = _gap(expectation)
    form = PlanForm(request.POST, relationship=access.relationship)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.plan_action(
                access=access,
                gap=gap,
                title=data["title"],
                description=data["description"],
                owner_side=data["owner_side"],
                owner=data["owner"],
                due_date=data["due_date"],
                priority=data["priority"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(ref)s added to the action plan.") % {"ref": item.reference})
            return redirect(_page(expectation, "#gap"))
    return keep_failed(request, form, _page(expectation, "#plan"))


@post_only("expectations:detail")
@login_required
def gap_track(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    expectation, access = expectation_by_number(request.user, slug=slug, number=number)
    gap = _gap(expectation)
    form = TrackForm(request.POST)
    if form.is_valid():
        try:
            services.track_gap(access=access, gap=gap, measure=form.cleaned_data["measure"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The measure that tracks the gap is saved."))
            return redirect(_page(expectation, "#gap"))
    return keep_failed(request, form, _page(expectation, "#gap"))
