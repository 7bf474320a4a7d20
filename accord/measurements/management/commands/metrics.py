import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accord.lib.months import check_range, parse_month
from accord.measurements.selectors import as_dict, metrics
from accord.parties.models import Relationship

COLUMNS = ["measure", "month", "category", "severity", "numerator", "denominator", "value", "partial"]


def month_arg(value: str) -> str:
    try:
        parse_month(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a month (YYYY-MM).") from exc
    return value


class Command(BaseCommand):
    help = "Print the TL 9000 measurements of a relationship for a range of months."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--relationship", required=True, help="the relationship's short name")
        parser.add_argument("--from", dest="start", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", dest="end", required=True, help="last month, YYYY-MM")
        parser.add_argument("--category", help="one TL 9000 product category code, or ALL")
        parser.add_argument(
            "--window",
            type=int,
            choices=[1, 3, 12],
            default=1,
            help="months pooled per value (rolling 3 or 12)",
        )
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")

    def handle(
        self,
        *args: Any,
        relationship: str,
        start: str,
        end: str,
        category: str | None,
        window: int,
        format: str,
        **options: Any,
    ) -> None:
        rel = Relationship.objects.filter(slug=relationship).first()
        if rel is None:
            raise CommandError(f"No relationship with the short name {relationship!r}.")
        start, end = month_arg(start), month_arg(end)
        try:
            check_range(start, end)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        rows = [as_dict(r) for r in metrics(rel, start=start, end=end, category=category, window=window)]
        if format == "json":
            self.stdout.write(
                json.dumps({"relationship": rel.slug, "from": start, "to": end, "rows": rows}, indent=1)
            )
        elif format == "csv":
            writer = csv.DictWriter(
                self.stdout, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows({**r, "partial": "true" if r["partial"] else "false"} for r in rows)
        else:
            self.stdout.write(
                f"{'measure':<34} {'month':<8} {'category':<9} {'numerator':>12} "
                f"{'denominator':>12} {'value':>10}  partial"
            )
            for r in rows:
                name = r["measure"] + (f" sev {r['severity']}" if r.get("severity") else "")
                value = "–" if r["value"] is None else f"{r['value']:.4g}"
                num = "" if r["numerator"] is None else f"{r['numerator']:g}"
                den = "" if r["denominator"] is None else f"{r['denominator']:g}"
                partial = "  yes" if r["partial"] else ""
                self.stdout.write(
                    f"{name:<34} {r['month']:<8} {r['category']:<9} {num:>12} {den:>12} {value:>10}{partial}"
                )
