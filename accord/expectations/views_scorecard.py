"""The scorecard: the agreed expectations × the last 12, 24 or 36 months, a small chart per measurable
expectation, and the open gaps with their action plans; as a page, a PDF and a workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accord.accounts.types import AuthedRequest
from accord.expectations import exports, selectors
from accord.expectations.access import relationship_expectations

MONTHS = (12, 24, 36)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _months(request: AuthedRequest) -> int:
    try:
        months = int(request.GET.get("months", selectors.SCORECARD_DEFAULT_MONTHS))
    except ValueError:
        return selectors.SCORECARD_DEFAULT_MONTHS
    return months if months in MONTHS else selectors.SCORECARD_DEFAULT_MONTHS


@require_GET
@login_required
def scorecard(request: AuthedRequest, slug: str) -> HttpResponse:
    _expectations, access = relationship_expectations(request.user, slug=slug)
    rel = access.relationship
    months = _months(request)
    card = selectors.scorecard(access, months=months)
    today = timezone.localdate()
    rows = exports.card_view(card, rel, today=today)
    return render(
        request,
        "expectations/scorecard.html",
        {
            "access": access,
            "rel": rel,
            "card": card,
            "rows": rows,
            "gap_rows": [r for r in rows if r.gap is not None and r.gap.is_open],
            "headline": card.headline,
            "months": months,
            "month_choices": MONTHS,
            "today": today,
        },
    )


def _download(body: bytes, content_type: str, slug: str, ext: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slug}-scorecard-{stamp}.{ext}"'
    return response


@require_GET
@login_required
def scorecard_pdf(request: AuthedRequest, slug: str) -> HttpResponse:
    _expectations, access = relationship_expectations(request.user, slug=slug)
    card = selectors.scorecard(access, months=_months(request))
    body = exports.scorecard_pdf(
        card, access.relationship, generated_at=timezone.now(), viewer_name=request.user.get_full_name()
    )
    return _download(body, "application/pdf", slug, "pdf")


@require_GET
@login_required
def scorecard_xlsx(request: AuthedRequest, slug: str) -> HttpResponse:
    _expectations, access = relationship_expectations(request.user, slug=slug)
    card = selectors.scorecard(access, months=_months(request))
    body = exports.scorecard_xlsx(card, access.relationship, today=timezone.localdate())
    return _download(body, XLSX, slug, "xlsx")
