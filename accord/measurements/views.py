"""The measurements page, the drill-down to records, and the agreed settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.lib import charts
from accord.lib.api import MAX_DAYS, MAX_HOURS
from accord.lib.errors import Conflict
from accord.lib.forms import (
    StyledForm,
    StyledModelForm,
    VersionField,
    add_service_error,
    form_status,
    keep_typed,
)
from accord.lib.months import (
    add_months,
    check_range,
    month_of,
    months_between,
    parse_month,
)
from accord.lib.targets import targets_for
from accord.measurements import charting, definitions, services
from accord.measurements.access import settings_for_user
from accord.measurements.drilldown import MAX_MONTHS, drill, normalization_units, total
from accord.measurements.engine import ALL, Value, round_value
from accord.measurements.models import MeasurementSettings, MonthlyFact
from accord.measurements.selectors import benchmarks, engine_settings, metrics_by_window
from accord.parties.access import relationship_for_user
from accord.parties.models import ProductCategory, Relationship, Role
from accord.parties.selectors import members_of

WINDOWS = (3, 12)  # the rolling windows the page offers (the API and the command also give 1)


class PeriodForm(StyledForm):
    category = forms.CharField(required=False)
    start = forms.CharField(label=gettext_lazy("From (YYYY-MM)"), required=False)
    end = forms.CharField(label=gettext_lazy("To (YYYY-MM)"), required=False)
    window = forms.TypedChoiceField(
        label=gettext_lazy("Rolling window"),
        choices=[(w, w) for w in WINDOWS],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def clean_category(self) -> str:
        code = self.cleaned_data["category"].strip()
        if code and code != ALL and not ProductCategory.objects.filter(code=code).exists():
            raise forms.ValidationError(_("There is no TL 9000 product category %(code)s.") % {"code": code})
        return code

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


@dataclass(frozen=True)
class Period:
    """What the page shows: months ``start`` … ``end``, one category (or ALL), a rolling window."""

    form: PeriodForm
    start: str
    end: str
    category: str
    window: int

    def query(self) -> str:
        """The page's own query string: what a link away and back again must keep."""
        return urlencode(
            {"category": self.category, "start": self.start, "end": self.end, "window": self.window}
        )


def _period(request: AuthedRequest) -> Period:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    last_complete = add_months(month_of(timezone.localdate()), -1)
    end = data.get("end") or last_complete
    start = data.get("start") or add_months(end, -11)
    if start > end:
        start, end = end, start
    try:
        check_range(start, end)
    except ValueError as exc:  # the page says why and shows the last twelve months
        form.add_error(None, str(exc))
        start, end = add_months(last_complete, -11), last_complete
    return Period(form, start, end, data.get("category") or ALL, data.get("window") or 12)


def _category_choices(rel: Relationship, chosen: str) -> list[tuple[str, str]]:
    """The pooled ALL first, then every category with data in the relationship (in any month), by code,
    each with its name: "1.2.7 Routers". Data of no category (a support ticket about no product) counts
    in ALL only."""
    facts = MonthlyFact.objects.filter(relationship=rel).exclude(category="")
    codes = set(facts.order_by().values_list("category", flat=True).distinct())
    if chosen != ALL:
        codes.add(chosen)  # so the list shows what the page shows, even a category without data
    names = dict(ProductCategory.objects.filter(code__in=codes).values_list("code", "name"))
    ordered = sorted(
        codes, key=lambda code: [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".")]
    )
    return [(ALL, _("All categories (pooled)"))] + [
        (code, f"{code} {names[code]}" if code in names else code) for code in ordered
    ]


@dataclass(frozen=True)
class _Records:
    """The records page's address and the query leading back to the period: the same for every link
    of a page, so worked out once per page."""

    base: str
    back: str

    @classmethod
    def of(cls, slug: str, period: Period) -> _Records:
        back = {"start": period.start, "end": period.end, "window": period.window}
        return cls(reverse("measurements:records", args=[slug]), urlencode(back))


def _links(records: _Records, row: Value | None, period: Period, *, rolling: bool = False) -> dict[str, str]:
    """The records behind a row's numerator and denominator (those it has), keeping the page's own
    query for the way back. A rolling value's records are those of every month of its window (a
    point-in-time value's: its last month's)."""
    if row is None:
        return {}
    query = {"measure": row.measure, "month": row.month, "category": row.category}
    extra = {"severity": row.severity} if row.severity else {}
    if rolling and period.window > 1 and not definitions.measure(row.measure).point_in_time:
        extra["first"] = add_months(row.month, -(period.window - 1))
    return {
        part: f"{records.base}?{urlencode({**query, 'part': part, **extra})}&{records.back}"
        for part, number in (("numerator", row.numerator), ("denominator", row.denominator))
        if number is not None
    }


class _Key(NamedTuple):
    """A row of the page's table: a measure, of one severity (SUPPORT) or of all ("")."""

    measure: str
    severity: str


_ORDER = {code: i for i, code in enumerate(definitions.MEASURES)}


def _at(rows: list[Value], month: str) -> dict[_Key, Value]:
    return {_Key(r.measure, r.severity): r for r in rows if r.month == month}


class Trend(NamedTuple):
    arrow: str  # from last month's value to this month's
    better: bool | None  # None: the measure has no better direction


def _trend(d: definitions.MeasureDef, now: Value | None, before: Value | None) -> Trend | None:
    if not (now and before) or now.value is None or before.value is None or now.value == before.value:
        return None
    up = now.value > before.value
    return Trend("↑" if up else "↓", None if d.direction == "none" else (up == (d.direction == "higher")))


def _table(slug: str, monthly: list[Value], rolling: list[Value], period: Period) -> list[dict[str, Any]]:
    """The table's rows: each measure (and severity) with a value in the period's last month."""
    latest, rolled = _at(monthly, period.end), _at(rolling, period.end)
    previous = _at(monthly, add_months(period.end, -1))
    records = _Records.of(slug, period)
    table = []
    for key in sorted({*latest, *rolled}, key=lambda k: (_ORDER[k.measure], k.severity)):
        d = definitions.measure(key.measure)
        now, roll = latest.get(key), rolled.get(key)
        table.append(
            {
                "def": d,
                "severity": key.severity,
                "latest": now,
                "rolling": roll,
                "trend": _trend(d, now, previous.get(key)),
                "latest_value": round_value(now.value, d.code) if now else None,
                "rolling_value": round_value(roll.value, d.code) if roll else None,
                "latest_partial": bool(now and now.partial),
                "rolling_partial": bool(roll and roll.partial),
                "latest_links": _links(records, now, period),
                "rolling_links": _links(records, roll, period, rolling=True),
                # a value that is neither a count nor made of counted records: link to "the records"
                "records_only": d.records_only,
            }
        )
    return table


@require_GET
@login_required
def measurements(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug)
    rel = access.relationship
    period = _period(request)
    start, end, category, window = period.start, period.end, period.category, period.window
    by_window = metrics_by_window(rel, start=start, end=end, category=category, windows=[1, window])
    monthly, rolling = by_window[1], by_window[window]
    table = _table(rel.slug, monthly, rolling, period)
    choices = _category_choices(rel, category)
    codes = [code for code, _label in choices if code != ALL] if category == ALL else [category]
    npr = any(row["def"].normalized for row in table)
    units = normalization_units(engine_settings(services.settings_for(rel)), codes) if npr else []
    bands = benchmarks(rel, category=category, start=start, end=end)
    # the targets both sides agreed on these measures, for this category (accord.lib.targets)
    measures = sorted({v.measure for v in monthly})
    agreed = [t for t in targets_for(access, measures) if t.category == category]
    chart_specs, charted_partial = charting.chart_specs(
        monthly, rolling, bands, start=start, end=end, window=window, targets=agreed
    )
    any_partial = charted_partial or any(row["latest_partial"] or row["rolling_partial"] for row in table)
    return render(
        request,
        "measurements/page.html",
        {
            "access": access,
            "rel": rel,
            "form": period.form,
            "start": start,
            "end": end,
            "category": category,
            "window": window,
            "windows": WINDOWS,
            "period_query": period.query() if request.GET else "",  # for links away and back
            "categories": choices,
            "table": table,
            "units": units,  # NPR's normalization units: (name, what is counted, categories)
            "any_partial": any_partial,
            "charts": [{"spec": spec, "svg": charts.svg(spec)} for spec in chart_specs],
            "targets": [t for t in agreed if t.window in (1, window)],
        },
    )


@require_GET
@login_required
def records(request: AuthedRequest, slug: str) -> HttpResponse:
    """The records behind a number: of one month, or of each month ``first`` … ``month`` (a rolling
    value's window)."""
    access = relationship_for_user(request.user, slug=slug)
    measure, month = request.GET.get("measure", ""), request.GET.get("month", "")
    category, part = request.GET.get("category", "ALL"), request.GET.get("part", "denominator")
    first = request.GET.get("first") or None
    try:
        definitions.measure(measure)
        parse_month(month)
        if first is not None and not 0 <= months_between(first, month) < MAX_MONTHS:  # parses first
            raise ValueError(first)
    except (KeyError, ValueError):
        raise Http404 from None
    severity = request.GET.get("severity", "")
    if part not in ("numerator", "denominator") or severity not in ("", "1", "2", "3"):
        raise Http404
    result = drill(
        access.relationship,
        measure=measure,
        month=month,
        category=category,
        part=part,
        settings=services.settings_for(access.relationship),
        today=timezone.localdate(),
        severity=severity,
        first=first,
    )
    rows = result.rows
    if isinstance(rows, QuerySet):  # a stable order, so pages neither repeat nor skip records
        rows = rows.select_related("product")
        if not rows.ordered:
            rows = rows.order_by("pk")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    back = _period(request)  # the page the records were opened from: its category, period and window
    d = definitions.measure(measure)
    return render(
        request,
        "measurements/records.html",
        {
            "access": access,
            "rel": access.relationship,
            "drill": result,
            "page": page,
            "measure": d,
            "month": month,
            "months": result.months,
            "severity": severity if d.per_severity else "",
            "category": category,
            "category_name": ProductCategory.objects.filter(code=category)
            .values_list("name", flat=True)
            .first(),
            "back_query": back.query(),
            "part": part,
            "cells": [[_cell(obj, c.attribute) for c in result.columns] for obj in page.object_list],
            "query": query.urlencode(),
            # the number the records give, when it sums a column (units, days) rather than counts them
            "total": total(result) if result.quantity else None,
            "total_of": next((c.header for c in result.columns if c.attribute == result.quantity), ""),
        },
    )


def _cell(obj: Any, attr: str) -> Any:
    """A record's value for a column; dates as ISO, times to the second in the viewer's time zone
    (response times are judged to the second)."""
    for part in attr.split("."):
        obj = getattr(obj, part, None) if obj is not None else None
    if isinstance(obj, datetime):
        return (timezone.localtime(obj) if timezone.is_aware(obj) else obj).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


class SettingsForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = MeasurementSettings
        fields = services.SETTINGS_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The bounds the API holds to (a huge number re-renders the form with a message, not a 500)
        for name, field in self.fields.items():
            bound = MAX_DAYS if name.endswith("_days") else MAX_HOURS if name.endswith("_h") else None
            if bound is not None:
                field.validators.append(MaxValueValidator(bound))
                field.widget.attrs["max"] = bound

    def _post_clean(self) -> None:
        pass


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request: AuthedRequest, slug: str) -> HttpResponse:
    current, access = settings_for_user(request.user, slug=slug, admin=request.method == "POST")
    # the measurements page it was opened from, to go back to: its category, period and window
    back = reverse("measurements:page", args=[slug]) + (f"?{_period(request).query()}" if request.GET else "")
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
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Settings saved; the measurements were recomputed."))
            return redirect(back)
    if not access.is_admin:  # they read what was agreed; an admin of either side changes it
        for field in form.fields.values():
            field.disabled, field.required = True, False
    rel = access.relationship
    return render(
        request,
        "measurements/settings.html",
        {
            "access": access,
            "rel": rel,
            "form": form,
            "back": back,
            "admins": get_text_list(
                [
                    f"{m.user.full_name} ({party.name})"
                    for party in (rel.supplier, rel.customer)
                    for m in members_of(party).filter(role=Role.ADMIN)
                ],
                _("or"),
            ),
        },
        status=form_status(form),
    )
