"""API operations for measurements and the relationship's measurement settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field, field_validator
from pydantic_core import to_json

from accord.accounts.types import AuthedRequest
from accord.lib.api import Days, Hours, Id, Version, responses, serializer
from accord.lib.months import MAX_RANGE_MONTHS, add_months, check_range, month_of, parse_month
from accord.measurements import services
from accord.measurements.access import settings_for_user
from accord.measurements.selectors import as_dict, metrics
from accord.parties.access import relationship_for_user

router = Router(tags=["measurements"])
WINDOWS = (1, 3, 12)


class MetricRow(Schema):
    measure: str
    month: str
    category: str
    numerator: float | None
    denominator: float | None
    value: float | None = Field(description="null when the denominator is 0")
    partial: bool = Field(
        description="the value's window reaches before the first month with the data it needs "
        "(e.g. FR.YRR's shipments of M-18 … M-7 in a data set's first 18 months)"
    )
    severity: str | None = None
    window: int | None = None


class MetricsOut(Schema):
    relationship: str
    from_: str = Field(alias="from")
    to: str
    rows: list[MetricRow]


class MetricsQuery(Schema):
    from_: str | None = Field(
        default=None,
        alias="from",
        description=f"YYYY-MM; default 11 months before `to`; at most {MAX_RANGE_MONTHS} months in all",
    )
    to: str | None = Field(default=None, description="YYYY-MM; default this month")
    category: str | None = Field(default=None, description="a TL 9000 category code, or ALL")
    # An int checked against the choices: a Literal[1, 3, 12] refuses the text "12" of a query string.
    window: int = Field(default=1, description="months pooled per value: 1, 3 or 12")

    @field_validator("from_", "to")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None:
            parse_month(value)
        return value

    @field_validator("window")
    @classmethod
    def _window(cls, value: int) -> int:
        if value not in WINDOWS:
            raise ValueError("Input should be 1, 3 or 12")
        return value


class SettingsOut(Schema):
    frt_major_days: int
    frt_minor_days: int
    otd_days_early: int
    otd_days_late: int
    repair_sla_days: int | None
    support_response_critical_h: float | None
    support_response_major_h: float | None
    support_response_minor_h: float | None
    version: int


class SettingsPatch(Schema):
    version: Version
    frt_major_days: Days | None = Field(default=None, ge=1)
    frt_minor_days: Days | None = Field(default=None, ge=1)
    otd_days_early: Days | None = None
    otd_days_late: Days | None = None
    repair_sla_days: Days | None = Field(default=None, ge=1)
    support_response_critical_h: Hours | None = None
    support_response_major_h: Hours | None = None
    support_response_minor_h: Hours | None = None


@router.get(
    "/relationships/{rel_id}/metrics",
    response=responses({200: MetricsOut}),
    summary="TL 9000 measurements per measure, month and category (and ALL)",
    by_alias=True,
)
def get_metrics(request: AuthedRequest, rel_id: Id, query: Query[MetricsQuery]) -> HttpResponse:
    rel = relationship_for_user(request.user, pk=rel_id).relationship
    end = query.to or month_of(timezone.localdate())
    start = query.from_ or add_months(end, -11)
    try:
        check_range(start, end)
    except ValueError as exc:
        raise ValidationError({"from": [str(exc)]}) from None
    rows = [
        as_dict(r) for r in metrics(rel, start=start, end=end, category=query.category, window=query.window)
    ]
    # Thousands of plain rows: written straight to JSON rather than validated one by one against the
    # documented schema (which they are built to match); that validation would double the time.
    # pydantic-core writes them about ten times faster than the json module.
    body = to_json({"relationship": rel.slug, "from": start, "to": end, "rows": rows})
    return HttpResponse(body, content_type="application/json")


def _settings(s: Any) -> dict[str, Any]:
    return {name: getattr(s, name) for name in [*services.SETTINGS_FIELDS, "version"]}


@serializer("measurements.measurementsettings")
def _settings_current(s: Any) -> dict[str, Any]:
    return _settings(s)


@router.get(
    "/relationships/{rel_id}/measurement-settings",
    response=responses({200: SettingsOut}),
    summary="Agreed thresholds, tolerances and targets",
)
def get_settings(request: AuthedRequest, rel_id: Id) -> dict[str, Any]:
    return _settings(settings_for_user(request.user, pk=rel_id)[0])


@router.patch(
    "/relationships/{rel_id}/measurement-settings",
    response=responses({200: SettingsOut}, write=True, conflict=True, admin=True),
    summary="Change the agreed settings (admins of either side); recomputes the facts",
)
def patch_settings(request: AuthedRequest, rel_id: Id, payload: SettingsPatch) -> dict[str, Any]:
    _current, access = settings_for_user(request.user, pk=rel_id, admin=True)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    return _settings(
        services.update_settings(
            actor=request.user, relationship=access.relationship, version=version, **values
        )
    )
