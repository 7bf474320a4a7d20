"""Demo measurement settings: what Northwind and Telco A agreed (repair and support targets, on-time
tolerance). A step before the operational data (step 50), whose monthly facts are counted by them."""

from __future__ import annotations

from accord.lib.demo import DemoContext, step
from accord.measurements.models import MeasurementSettings


@step(45)
def measurement_settings(ctx: DemoContext) -> None:
    MeasurementSettings.objects.update_or_create(
        relationship=ctx.relationships["northwind-telco-a"],
        defaults={
            "repair_sla_days": 14,
            "support_response_critical_h": 1,
            "support_response_major_h": 4,
            "support_response_minor_h": 24,
            "otd_days_early": 0,
            "otd_days_late": 2,
        },
    )
