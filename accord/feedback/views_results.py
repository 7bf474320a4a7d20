"""A survey's results (per area: mean, distribution, comments, by function; compared with the
relationship's earlier surveys, its other sites, and for the supplier's own people all customers), one
response, and the visit record (PDF) and results (XLSX) exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accord.accounts.types import AuthedRequest
from accord.feedback import answering, charts, exports, rules, selectors
from accord.feedback.access import response_for_user, survey_for_user
from accord.feedback.models import Survey
from accord.lib.charts import svg as chart_svg
from accord.parties.access import RelationshipAccess


def _history_rows(
    access: RelationshipAccess, survey: Survey, results: list[selectors.AreaResult]
) -> dict[str, Any]:
    surveys, means = selectors.history(access, survey)
    sites = selectors.by_site(access, survey)
    over_time = (
        charts.history_spec(surveys, means, [(r.key, r.title) for r in results]) if len(surveys) > 1 else None
    )
    site_names = sorted({name for name, _key in sites})
    everyone = selectors.all_customers(access)
    rows = []
    for r in results:
        rows.append(
            {
                "title": r.title,
                "over_time": [means.get((s.pk, r.key)) for s in surveys],
                "by_site": [sites.get((name, r.key)) for name in site_names],
                "all_customers": everyone.get(r.key),
            }
        )
    return {
        "past": surveys,
        "site_names": site_names,
        "compare_rows": rows,
        "compare_all": rules.may_compare_all(access),
        "history_chart": chart_svg(over_time) if over_time else None,
    }


def results_context(access: RelationshipAccess, survey: Survey) -> dict[str, Any]:
    results = selectors.results(access, survey)
    return {
        "access": access,
        "rel": access.relationship,
        "survey": survey,
        "results": results,
        "chart": chart_svg(charts.distribution_spec(results)) if any(r.rated for r in results) else None,
        "progress": selectors.progress(survey),
        "names": rules.shows_names(access, survey),
        "may_triage": rules.may_triage(access),
        **_history_rows(access, survey, results),
    }


@require_GET
@login_required
def results(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    return render(request, "feedback/results.html", results_context(access, survey))


@require_GET
@login_required
def response(request: AuthedRequest, slug: str, number: int, response: int) -> HttpResponse:
    found, access = response_for_user(request.user, slug=slug, number=number, response=response)
    survey = found.survey
    names = rules.shows_names(access, survey)
    return render(
        request,
        "feedback/response.html",
        {
            "access": access,
            "rel": access.relationship,
            "survey": survey,
            "response": found,
            "label": answering.respondent_label(found, found.invitation, names=names),
            "rows": selectors.response_rows(access, found),
            "may_triage": rules.may_triage(access),
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, content_type: str, survey: Survey, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{survey.relationship.slug}-{survey.ref.lower()}-{name}"'
    )
    return response


@require_GET
@login_required
def visit_pdf(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    return _download(exports.visit_pdf(access, survey), "application/pdf", survey, "visit.pdf")


@require_GET
@login_required
def results_xlsx(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    return _download(exports.results_xlsx(access, survey), XLSX, survey, "results.xlsx")
