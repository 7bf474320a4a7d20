"""Count first responses within the agreed target exactly (``support_first_within`` facts).

``SUPPORT.FIRST_RESPONSE_WITHIN_SLA`` used to be read from the hour histogram of first responses,
rounded down, which miscounted fractional targets (a 45-minute answer "within" half an hour) and an
answer exactly at the target. The facts it now reads are added here for the tickets already stored;
counted as ``accord.measurements.counting.count_tickets`` counts them."""

from datetime import timedelta

from django.db import migrations


def add_within_facts(apps, schema_editor):
    MeasurementSettings = apps.get_model("measurements", "MeasurementSettings")
    MonthlyFact = apps.get_model("measurements", "MonthlyFact")
    SupportTicket = apps.get_model("operations", "SupportTicket")
    from accord.lib.months import month_of

    for s in MeasurementSettings.objects.all():
        hours = {1: s.support_response_critical_h, 2: s.support_response_major_h, 3: s.support_response_minor_h}
        limits = {sev: timedelta(hours=h) for sev, h in hours.items() if h is not None}
        if not limits:
            continue
        counts: dict[tuple[str, str, str], int] = {}
        tickets = SupportTicket.objects.filter(
            relationship_id=s.relationship_id, first_response_at__isnull=False, severity__in=list(limits)
        ).values_list("product__category__code", "severity", "opened_at", "first_response_at")
        for category, severity, opened, answered in tickets.iterator():
            if answered - opened <= limits[severity]:
                key = (category or "", month_of(opened), str(severity))
                counts[key] = counts.get(key, 0) + 1
        MonthlyFact.objects.filter(relationship_id=s.relationship_id, key="support_first_within").delete()
        MonthlyFact.objects.bulk_create(
            MonthlyFact(
                relationship_id=s.relationship_id, category=c, month=m, key="support_first_within", dim=d, value=n
            )
            for (c, m, d), n in counts.items()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("measurements", "0001_initial"),
        ("operations", "0004_product_without_index"),
    ]

    operations = [migrations.RunPython(add_within_facts, migrations.RunPython.noop)]
