"""The expectations' pages: the list, proposing, one expectation's page (its terms, the change both
sides are agreeing, its history, chart, assessments and gap), changing, agreeing, withdrawing and
retiring. Rating, the gap's plan (``views_gap``) and the scorecard (``views_scorecard``) live apart.

Thin: the door (``access``), a form, a service or selector, render. A service's refusal
(PermissionDenied) is the 403 page; its ValidationError goes next to the field; a stale version is a
409 with what was typed kept (a full form) or an error on the expectation's page (a button)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.expectations import charts, rules, selectors, services
from accord.expectations.access import expectation_by_number, relationship_expectations
from accord.expectations.assessing import last_complete_month
from accord.expectations.forms import (
    PlanForm,
    RatingForm,
    RetireForm,
    TermsForm,
    TrackForm,
    VersionForm,
    holder_choices,
    side_name,
)
from accord.expectations.models import (
    Assessment,
    AssessmentStatus,
    Expectation,
    Result,
    Revision,
    RevisionState,
    Status,
)
from accord.expectations.views_gap import expectation_rate, gap_plan, gap_track, rating_confirm
from accord.expectations.views_scorecard import scorecard, scorecard_pdf, scorecard_xlsx
from accord.lib import charts as chart_render
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_failed, keep_typed, kept_form
from accord.lib.http import post_only
from accord.lib.months import add_months
from accord.parties.access import RelationshipAccess
from accord.parties.models import Side

__all__ = [
    "expectation_agree",
    "expectation_change",
    "expectation_detail",
    "expectation_list",
    "expectation_propose",
    "expectation_rate",
    "expectation_retire",
    "expectation_withdraw",
    "gap_plan",
    "gap_track",
    "rating_confirm",
    "scorecard",
    "scorecard_pdf",
    "scorecard_xlsx",
]


def _detail_url(expectation: Expectation) -> str:
    return reverse("expectations:detail", args=[expectation.relationship.slug, expectation.number])


def _refuse(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


def agreed_sides(revision: Revision | None) -> set[str]:
    return {a.side for a in revision.agreements.all()} if revision is not None else set()


def awaiting(access: RelationshipAccess, expectation: Expectation) -> bool:
    """Terms are proposed and the viewer's side has not agreed them yet."""
    revision = selectors.proposed(expectation)
    return revision is not None and not access.is_guest and access.side not in agreed_sides(revision)


@require_GET
@login_required
def expectation_list(request: AuthedRequest, slug: str) -> HttpResponse:
    expectations, access = relationship_expectations(request.user, slug=slug)
    rel = access.relationship
    status = request.GET.get("status", "")
    if status not in (*Status.values, "all", ""):
        status = ""
    shown = selectors.expectation_list(expectations, status=None if status in ("", "all") else status)
    if status == "":  # by default: what is in force or being agreed, not the retired
        shown = [e for e in shown if e.status != Status.RETIRED]
    groups: list[dict[str, Any]] = []
    for holder, title in holder_choices(rel):
        rows = [
            {
                "expectation": e,
                "terms": selectors.terms(e),
                "proposed": selectors.proposed(e),
                "gap": selectors.gap_of(e),
                "awaiting": awaiting(access, e),
            }
            for e in shown
            if e.holder == holder
        ]
        groups.append({"holder": holder, "title": title, "rows": rows})
    return render(
        request,
        "expectations/list.html",
        {
            "access": access,
            "rel": rel,
            "groups": groups,
            "status": status,
            "statuses": [("", _("Agreed and proposed")), *Status.choices, ("all", _("All"))],
            "may_propose": rules.may_propose(access),
            "awaiting_count": sum(1 for g in groups for r in g["rows"] if r["awaiting"]),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def expectation_propose(request: AuthedRequest, slug: str) -> HttpResponse:
    _expectations, access = relationship_expectations(request.user, slug=slug)
    _refuse(rules.may_propose(access), "propose")
    rel = access.relationship
    holder = request.GET.get("holder") if request.GET.get("holder") in Side.values else access.side
    form = TermsForm(request.POST or None, relationship=rel, initial={"holder": holder})
    if request.method == "POST" and form.is_valid():
        try:
            expectation = services.propose(
                access=access,
                holder=form.cleaned_data["holder"],
                terms=form.terms(),
                owner=form.cleaned_data["owner"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(ref)s proposed; %(other)s's leads are asked to agree it.")
                % {"ref": expectation.reference, "other": side_name(rel, _other(access.side))},
            )
            return redirect(_detail_url(expectation))
    return render(
        request,
        "expectations/form.html",
        {"access": access, "rel": rel, "form": form, "title": _("Propose an expectation")},
        status=400 if form.errors else 200,
    )


def _other(side: str | None) -> str:
    return Side.CUSTOMER if side == Side.SUPPLIER else Side.SUPPLIER


@require_GET
@login_required
def expectation_detail(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    expectation, access = expectation_by_number(request.user, slug=slug, number=number)
    return render(request, "expectations/detail.html", detail_context(request, expectation, access))


def detail_context(
    request: AuthedRequest, expectation: Expectation, access: RelationshipAccess
) -> dict[str, Any]:
    """Everything the expectation's page shows; forms whose post failed come back with what was typed."""
    exp = selectors.with_terms(Expectation.objects.filter(pk=expectation.pk)).get()
    rel = exp.relationship
    revisions = list(exp.revisions.all())
    in_force, proposed = selectors.in_force(exp), selectors.proposed(exp)
    sides = agreed_sides(proposed)
    gap = selectors.gap_of(exp)
    assessed = selectors.assessments(exp)
    end = last_complete_month(timezone.localdate())
    chart = _chart(exp, in_force or proposed, assessed, end)
    plan = selectors.plan_items(access, [gap]).get(gap.pk, []) if gap is not None else []
    qualitative = in_force is not None and not in_force.measurable
    may_draft = qualitative and rules.may_draft_rating(access, exp)
    version = {"version": exp.version}
    return {
        "access": access,
        "rel": rel,
        "expectation": exp,
        "holder_title": dict(holder_choices(rel))[exp.holder],
        "in_force": in_force,
        "proposed": proposed,
        "changed": _changed_fields(in_force, proposed),
        "sides": [
            {
                "side": side,
                "name": side_name(rel, side),
                "agreement": next((a for a in proposed.agreements.all() if a.side == side), None)
                if proposed
                else None,
            }
            for side in (Side.CUSTOMER, Side.SUPPLIER)
        ],
        "history": list(reversed(revisions)),
        "assessments": [_assessment_row(rel.slug, a, in_force, exp) for a in assessed],
        "gap": gap,
        "plan": plan,
        "today": timezone.localdate(),
        "chart": chart,
        "target_text": charts.target_text(in_force) if in_force else "",
        "measured": _measured(in_force or proposed),
        "may_agree": rules.may_agree(access, proposed, sides),
        "may_withdraw": rules.may_withdraw(access, proposed),
        "may_change": rules.may_change(access, exp),
        "may_retire": rules.may_retire(access, exp),
        "may_confirm": qualitative and rules.may_confirm_rating(access, exp),
        "may_plan": rules.may_plan(access),
        "agree_form": kept_form(request, VersionForm) or VersionForm(initial=version),
        "rating_form": (
            kept_form(request, RatingForm, relationship=rel)
            or RatingForm(relationship=rel, initial={"month": end})
        )
        if may_draft
        else None,
        "plan_form": (
            kept_form(request, PlanForm, relationship=rel)
            or PlanForm(
                relationship=rel,
                initial={"owner_side": exp.expected_of, "owner": exp.owner_id, "priority": "medium"},
            )
        )
        if gap is not None and rules.may_plan(access)
        else None,
        "track_form": (kept_form(request, TrackForm) or TrackForm(initial={"measure": gap.tracked_by}))
        if gap is not None and rules.may_plan(access)
        else None,
    }


def _measured(terms: Revision | None) -> bool:
    return terms is not None and terms.measurable


def _chart(exp: Expectation, terms: Revision | None, assessed: list[Assessment], end: str) -> str | None:
    """The measure over the last year with the target line and the months assessed not met; where the
    measurements hold no value of it (the data is gone, or was never imported), the values assessed."""
    if terms is None or not terms.measurable:
        return None
    missed = [a.month for a in assessed if a.revision_id == terms.pk and a.result == Result.NOT_MET]
    spec = charts.measure_chart(exp, terms, end=end, missed=missed)
    if not charts.has_values(spec):
        start = add_months(end, -11)
        points: list[tuple[str, float | None]] = [
            (a.month, a.value) for a in assessed if a.value is not None and start <= a.month <= end
        ]
        if not points:
            return None
        spec = charts.small_chart(exp, terms, points, missed, start=start, end=end, size=(460, 170))
    return chart_render.svg(spec)


TERM_FIELDS = (
    "area",
    "statement",
    "measure",
    "category",
    "comparator",
    "target",
    "basis",
    "rating_target",
    "open_after",
    "close_after",
)


def _changed_fields(before: Revision | None, after: Revision | None) -> set[str]:
    if before is None or after is None:
        return set()
    return {f for f in TERM_FIELDS if getattr(before, f) != getattr(after, f)}


def _assessment_row(slug: str, a: Assessment, in_force: Revision | None, exp: Expectation) -> dict[str, Any]:
    """One month: its result, and for a measured one the records behind the numerator and denominator
    (the measurements page's drill-down: the month's records, or those of the basis's window)."""
    links: dict[str, str] = {}
    revision = next((r for r in exp.revisions.all() if r.pk == a.revision_id), in_force)
    if a.automatic and revision is not None and revision.measurable:
        base = reverse("measurements:records", args=[slug])
        query = {"measure": revision.measure, "month": a.month, "category": revision.category or "ALL"}
        if revision.basis > 1:
            query["first"] = add_months(a.month, -(revision.basis - 1))
        for part, number in (("numerator", a.numerator), ("denominator", a.denominator)):
            if number is not None:
                links[part] = f"{base}?{urlencode({**query, 'part': part})}"
    return {"a": a, "links": links, "draft": a.status == AssessmentStatus.DRAFT}


@require_http_methods(["GET", "POST"])
@login_required
def expectation_change(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    expectation, access = expectation_by_number(request.user, slug=slug, number=number)
    _refuse(rules.may_change(access, expectation), "change")
    rel = access.relationship
    exp = selectors.with_terms(Expectation.objects.filter(pk=expectation.pk)).get()
    in_force = selectors.in_force(exp)
    current = selectors.proposed(exp) or in_force
    form = TermsForm(
        request.POST or None,
        relationship=rel,
        expectation=exp,
        initial=TermsForm.initial_from(current, exp),
    )
    if in_force is not None:
        form.fields["reason"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_change(
                access=access,
                expectation=exp,
                version=form.cleaned_data["version"] or 0,
                terms=form.terms(),
                reason=form.cleaned_data["reason"],
                owner=form.cleaned_data["owner"],
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("New terms for %(ref)s proposed; %(other)s's leads are asked to agree them.")
                % {"ref": exp.reference, "other": side_name(rel, _other(access.side))},
            )
            return redirect(_detail_url(exp))
    status = form_status(form) if form.is_bound else 200
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "expectations/form.html",
        {
            "access": access,
            "rel": rel,
            "form": form,
            "expectation": exp,
            "in_force": in_force,
            "title": _("Change %(ref)s") % {"ref": exp.reference},
        },
        status=status,
    )


def _button(request: AuthedRequest, slug: str, number: int, action: str) -> HttpResponse:
    """Agree or withdraw the proposed terms, from the expectation's page."""
    expectation, access = expectation_by_number(request.user, slug=slug, number=number)
    form = VersionForm(request.POST)
    back = _detail_url(expectation)
    if form.is_valid():
        try:
            if action == "agree":
                revision = services.agree(
                    access=access, expectation=expectation, version=form.cleaned_data["version"]
                )
                done = (
                    _("%(ref)s is agreed by both sides and in force.")
                    if revision.state == RevisionState.AGREED
                    else _("You agreed %(ref)s for your side; the other side is asked to agree too.")
                )
            else:
                services.withdraw(
                    access=access, expectation=expectation, version=form.cleaned_data["version"]
                )
                done = _("The proposed terms of %(ref)s are withdrawn.")
        except (Conflict, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, done % {"ref": expectation.reference})
            return redirect(back)
    return keep_failed(request, form, back + "#proposed")


@post_only("expectations:detail")
@login_required
def expectation_agree(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    return _button(request, slug, number, "agree")


@post_only("expectations:detail")
@login_required
def expectation_withdraw(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    return _button(request, slug, number, "withdraw")


@require_http_methods(["GET", "POST"])
@login_required
def expectation_retire(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    expectation, access = expectation_by_number(request.user, slug=slug, number=number)
    _refuse(rules.may_retire(access, expectation), "retire")
    form = RetireForm(request.POST or None, initial={"version": expectation.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.retire(
                access=access,
                expectation=expectation,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(ref)s is retired.") % {"ref": expectation.reference})
            return redirect(_detail_url(expectation))
    status = form_status(form) if form.is_bound else 200
    return render(
        request,
        "expectations/retire.html",
        {
            "access": access,
            "rel": access.relationship,
            "form": form,
            "expectation": expectation,
            "terms": selectors.terms(
                selectors.with_terms(Expectation.objects.filter(pk=expectation.pk)).get()
            ),
        },
        status=400 if form.errors and status == 200 else status,
    )
