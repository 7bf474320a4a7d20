"""The measurements page, the drill-down to records, and the agreed settings."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accord.lib import charts
from accord.lib.errors import Conflict
from accord.lib.forms import StyledForm, StyledModelForm, VersionField, add_service_error
from accord.lib.types import AuthedRequest
from accord.measurements import definitions, services
from accord.measurements.drilldown import drill
from accord.measurements.engine import round_value
from accord.measurements.models import MeasurementSettings
from accord.measurements.months import add_months, month_of, parse_month
from accord.measurements.selectors import benchmarks, metrics, metrics_by_window
from accord.parties.access import relationship_for_user


class PeriodForm(StyledForm):
    category = forms.CharField(required=False)
    start = forms.CharField(label=gettext_lazy("From (YYYY-MM)"), required=False)
    end = forms.CharField(label=gettext_lazy("To (YYYY-MM)"), required=False)

    def clean_start(self) -> str:
        return _month(self.cleaned_data["start"])

    def clean_end(self) -> str:
        return _month(self.cleaned_data["end"])


def _month(value: str) -> str:
    if value:
        try:
            parse_month(value)
        except ValueError:
            raise forms.ValidationError(_("Write a month as YYYY-MM.")) from None
    return value


def _period(request: AuthedRequest) -> tuple[PeriodForm, str, str, str]:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    end = data.get("end") or add_months(month_of(timezone.localdate()), -1)  # the last complete month
    start = data.get("start") or add_months(end, -11)
    if start > end:
        start, end = end, start
    return form, start, end, data.get("category") or "ALL"


def _chart(
    family: str, series: dict[str, list[Any]], rolling: dict[str, list[Any]], bands: dict[str, list[Any]]
) -> str:
    points = []
    for measure, rows in series.items():
        points += [{"month": r.month, "value": r.value, "measure": measure, "line": "monthly"} for r in rows]
    for measure, rows in rolling.items():
        points += [
            {"month": r.month, "value": r.value, "measure": measure, "line": "rolling 12"} for r in rows
        ]
    layers: list[dict[str, Any]] = []
    band_points = [
        {"month": b.month, "low": b.best_in_class, "high": b.worst_in_class, "measure": m}
        for m, rows in bands.items()
        for b in rows
    ]
    if band_points:
        layers.append(
            {
                "data": {"values": band_points},
                "mark": {"type": "area", "opacity": 0.15, "color": "#6c757d"},
                "encoding": {
                    "x": {"field": "month", "type": "temporal"},
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                },
            }
        )
    layers.append(
        {
            "data": {"values": [p for p in points if p["value"] is not None]},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "month", "type": "temporal", "title": None, "axis": {"format": "%b %y"}},
                "y": {"field": "value", "type": "quantitative", "title": None},
                "color": {"field": "measure", "type": "nominal", "title": None},
                "strokeDash": {"field": "line", "type": "nominal", "title": None},
            },
        }
    )
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 460,
        "height": 170,
        "title": {"text": family, "anchor": "start", "fontSize": 12},
        "layer": layers,
        "config": {"view": {"stroke": None}, "legend": {"orient": "bottom", "labelFontSize": 10}},
    }
    return charts.svg(spec)


@require_GET
@login_required
def measurements(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    rel = access.relationship
    form, start, end, category = _period(request)
    by_window = metrics_by_window(rel, start=start, end=end, category=category, windows=[1, 12])
    monthly, rolling = by_window[1], by_window[12]
    latest = {(r.measure, r.severity): r for r in monthly if r.month == end}
    previous = {(r.measure, r.severity): r for r in monthly if r.month == add_months(end, -1)}
    rolled = {(r.measure, r.severity): r for r in rolling if r.month == end}
    table = []
    for code in definitions.MEASURES:
        d = definitions.measure(code)
        keys = sorted({k for k in (*latest, *rolled) if k[0] == code}, key=lambda k: k[1])
        for key in keys:
            now, before = latest.get(key), previous.get(key)
            trend = None
            if (
                now
                and before
                and now.value is not None
                and before.value is not None
                and now.value != before.value
            ):
                up = now.value > before.value
                better = None if d.direction == "none" else (up == (d.direction == "higher"))
                trend = ("↑" if up else "↓", better)
            table.append(
                {
                    "def": d,
                    "severity": key[1],
                    "latest": now,
                    "rolling": rolled.get(key),
                    "trend": trend,
                    "latest_value": round_value(now.value, code) if now else None,
                    "rolling_value": round_value(rolled[key].value, code) if key in rolled else None,
                    "latest_partial": bool(now and now.partial),
                    "rolling_partial": key in rolled and rolled[key].partial,
                }
            )
    # One chart per family and unit, so no chart mixes days with percentages.
    by_chart: dict[tuple[str, str], dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    rolling_by_chart: dict[tuple[str, str], dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for r in monthly:
        d = definitions.measure(r.measure)
        if not r.severity:
            by_chart[(d.family, d.unit)][r.measure].append(r)
    for r in rolling:
        d = definitions.measure(r.measure)
        if not r.severity and d.family in ("FR", "OTD", "NPR"):
            rolling_by_chart[(d.family, d.unit)][r.measure].append(r)
    bands = benchmarks(category=category, start=start, end=end)
    chart_svgs = [
        _chart(
            f"{family} · {unit}",
            by_chart[(family, unit)],
            rolling_by_chart.get((family, unit), {}),
            {m: bands.get(m, []) for m in by_chart[(family, unit)]},
        )
        for family, unit in sorted(by_chart, key=lambda k: (definitions.FAMILIES.index(k[0]), k[1]))
    ]
    categories = sorted({r.category for r in metrics(rel, start=end, end=end)} | {"ALL"})
    return render(
        request,
        "measurements/page.html",
        {
            "access": access,
            "rel": rel,
            "form": form,
            "start": start,
            "end": end,
            "category": category,
            "categories": categories,
            "table": table,
            "any_partial": any(row["latest_partial"] or row["rolling_partial"] for row in table),
            "charts": chart_svgs,
        },
    )


@require_GET
@login_required
def records(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    measure, month = request.GET.get("measure", ""), request.GET.get("month", "")
    category, part = request.GET.get("category", "ALL"), request.GET.get("part", "denominator")
    try:
        definitions.measure(measure)
        parse_month(month)
    except (KeyError, ValueError):
        raise Http404 from None
    if part not in ("numerator", "denominator"):
        raise Http404
    result = drill(
        access.relationship,
        measure=measure,
        month=month,
        category=category,
        part=part,
        settings=services.settings_for(access.relationship),
        today=timezone.localdate(),
        severity=request.GET.get("severity", ""),
    )
    rows = result.rows
    if isinstance(rows, QuerySet):  # a stable order, so pages neither repeat nor skip records
        rows = rows.select_related("product")
        if not rows.ordered:
            rows = rows.order_by("pk")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "measurements/records.html",
        {
            "access": access,
            "rel": access.relationship,
            "drill": result,
            "page": page,
            "measure": definitions.measure(measure),
            "month": month,
            "category": category,
            "part": part,
            "cells": [[_cell(obj, attr) for _h, attr in result.columns] for obj in page.object_list],
            "query": query.urlencode(),
        },
    )


def _cell(obj: Any, attr: str) -> Any:
    for part in attr.split("."):
        obj = getattr(obj, part, None) if obj is not None else None
    return obj


class SettingsForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = MeasurementSettings
        fields = services.SETTINGS_FIELDS

    def _post_clean(self) -> None:
        pass


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, admin=request.method == "POST")
    current = services.settings_for(access.relationship)
    form = SettingsForm(request.POST or None, instance=current, initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_settings(
                actor=request.user,
                relationship=access.relationship,
                version=form.cleaned_data["version"],
                **values,
            )
        except (Conflict, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Settings saved; the measurements were recomputed."))
            return redirect("measurements:page", slug=slug)
    return render(
        request, "measurements/settings.html", {"access": access, "rel": access.relationship, "form": form}
    )
