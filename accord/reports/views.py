"""The reports' definition pages: the relationship's reports (each with its latest issues), defining and
changing a report, a report's page (its settings, generating an issue, every issue and revision). An
issue's own page, its actions and its files live in ``views_issue``.

Thin: the door (``access``), a form, a service, render. A service's refusal (PermissionDenied) is the
403 page; its ValidationError goes next to the field; a stale version keeps what was typed (409)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_typed
from accord.lib.http import post_only
from accord.lib.months import month_of
from accord.parties.access import RelationshipAccess
from accord.reports import periods, rules, services
from accord.reports.access import definition_for_user, relationship_definitions, relationship_issues
from accord.reports.forms import DefinitionForm, GenerateForm
from accord.reports.models import Edition, ReportDefinition, ReportFile, ReportIssue, Section

LATEST_SHOWN = 4  # periods per report on the list


def definition_url(definition: ReportDefinition) -> str:
    return reverse("reports:definition", args=[definition.relationship.slug, definition.number])


def issue_url(issue: ReportIssue, *, revision: bool = False) -> str:
    url = reverse("reports:issue", args=[issue.relationship.slug, issue.definition.number, issue.period])
    return f"{url}?revision={issue.revision}" if revision else url


def _refuse(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


def _status(form: Any) -> int:
    status = form_status(form) if form.is_bound else 200
    return 400 if form.errors and status == 200 else status


def _customer_files() -> Prefetch:
    return Prefetch(
        "files", queryset=ReportFile.objects.filter(edition=Edition.CUSTOMER), to_attr="customer_files"
    )


def latest_issues(
    issues: Any, definitions: Sequence[ReportDefinition], per: int
) -> dict[int, list[ReportIssue]]:
    """Per definition, the latest visible revision of its ``per`` latest periods (with their customer
    edition's files): two queries for the whole list."""
    chosen: dict[int, dict[str, int]] = {}
    rows = (
        issues.filter(definition__in=definitions)
        .order_by("definition_id", "-period", "-revision")
        .values_list("pk", "definition_id", "period")
    )
    for pk, definition_id, period in rows:
        mine = chosen.setdefault(definition_id, {})
        if period not in mine and len(mine) < per:
            mine[period] = pk
    ids = [pk for mine in chosen.values() for pk in mine.values()]
    found = (
        ReportIssue.objects.filter(pk__in=ids)
        .select_related("definition", "relationship")
        .prefetch_related(_customer_files())
        .order_by("-period")
    )
    out: dict[int, list[ReportIssue]] = {}
    for issue in found:
        out.setdefault(issue.definition_id, []).append(issue)
    return out


@require_GET
@login_required
def definition_list(request: AuthedRequest, slug: str) -> HttpResponse:
    definitions, access = relationship_definitions(request.user, slug=slug)
    shown = list(definitions.annotate(recipient_count=Count("recipients")).order_by("number"))
    issues, _access = relationship_issues(request.user, slug=slug)
    latest = latest_issues(issues, shown, LATEST_SHOWN)
    titles = dict(Section.choices)
    rows = [
        {
            "definition": d,
            "sections": [titles.get(s, s) for s in d.sections],
            "issues": latest.get(d.pk, []),
        }
        for d in shown
    ]
    return render(
        request,
        "reports/list.html",
        {
            "access": access,
            "rel": access.relationship,
            "rows": rows,
            "may_manage": rules.may_manage(access),
            "supplier": rules.is_supplier(access),
        },
    )


def _form_page(
    request: AuthedRequest,
    access: RelationshipAccess,
    form: DefinitionForm,
    definition: ReportDefinition | None,
) -> HttpResponse:
    title = _("Change %(ref)s") % {"ref": definition.ref} if definition else _("Define a report")
    return render(
        request,
        "reports/form.html",
        {
            "access": access,
            "rel": access.relationship,
            "form": form,
            "definition": definition,
            "title": title,
        },
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@login_required
def definition_new(request: AuthedRequest, slug: str) -> HttpResponse:
    _definitions, access = relationship_definitions(request.user, slug=slug)
    _refuse(rules.may_manage(access), "manage")
    rel = access.relationship
    initial = DefinitionForm.initial_for(None, access.relationship) | {
        "first_period": periods.shift(periods.period_of(month_of(timezone.localdate()), "quarterly"), -1)
    }
    form = DefinitionForm(request.POST or None, relationship=rel, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.create_definition(access=access, data=form.definition_input())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(ref)s defined: generate an issue for an ended period below.") % {"ref": definition.ref},
            )
            return redirect(definition_url(definition))
    return _form_page(request, access, form, None)


@require_http_methods(["GET", "POST"])
@login_required
def definition_edit(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    definition, access = definition_for_user(request.user, slug=slug, number=number)
    _refuse(rules.may_manage(access), "manage")
    form = DefinitionForm(
        request.POST or None,
        relationship=access.relationship,
        initial=DefinitionForm.initial_for(definition, access.relationship),
    )
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.update_definition(
                access=access,
                definition=definition,
                data=form.definition_input(),
                version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(ref)s saved; issues generated already keep their data.") % {"ref": definition.ref},
            )
            return redirect(definition_url(definition))
    return _form_page(request, access, form, definition)


def _previous_period(definition: ReportDefinition) -> str:
    """The last period of the report's kind that has ended (a sensible default to generate)."""
    return periods.shift(periods.period_of(month_of(timezone.localdate()), definition.period), -1)


def _definition_page(
    request: AuthedRequest,
    definition: ReportDefinition,
    access: RelationshipAccess,
    generate_form: GenerateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    issues, _access = relationship_issues(request.user, pk=definition.relationship_id)
    listed = list(
        issues.filter(definition=definition)
        .select_related("definition", "relationship", "created_by", "published_by")
        .prefetch_related(_customer_files())
        .order_by("-period", "-revision")
    )
    may_manage = rules.may_manage(access)
    if generate_form is None and may_manage:
        generate_form = GenerateForm(initial={"period": _previous_period(definition)})
    titles = dict(Section.choices)
    return render(
        request,
        "reports/definition.html",
        {
            "access": access,
            "rel": access.relationship,
            "definition": definition,
            "sections": [titles.get(s, s) for s in definition.sections],
            "recipients": list(definition.recipients.order_by("full_name", "email")),
            "issues": listed,
            "may_manage": may_manage,
            "supplier": rules.is_supplier(access),
            "generate_form": generate_form,
        },
        status=status,
    )


@require_GET
@login_required
def definition_detail(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    definition, access = definition_for_user(request.user, slug=slug, number=number)
    return _definition_page(request, definition, access)


@post_only("reports:definition")
@login_required
def generate(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    definition, access = definition_for_user(request.user, slug=slug, number=number)
    _refuse(rules.may_manage(access), "manage")
    form = GenerateForm(request.POST)
    form.is_valid()
    try:
        issue, created = services.generate(
            access=access, definition=definition, period=form.cleaned_data.get("period") or ""
        )
    except ValidationError as exc:
        add_service_error(form, exc)
        return _definition_page(request, definition, access, form, status=400)
    if created:
        messages.success(
            request,
            _("%(ref)s for %(period)s generated as a draft: its files are being rendered.")
            % {"ref": definition.ref, "period": periods.label(issue.period)},
        )
    else:
        messages.info(
            request,
            _("%(ref)s for %(period)s exists already: here it is.")
            % {"ref": definition.ref, "period": periods.label(issue.period)},
        )
    return redirect(issue_url(issue))
