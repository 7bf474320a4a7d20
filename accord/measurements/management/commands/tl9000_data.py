"""`accord tl9000-data --month YYYY-MM [--party SLUG] [-o FILE] [--trace FILE]`: the monthly TL 9000 data."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accord.lib.csvsafe import BOM, write_csv
from accord.lib.months import parse_month
from accord.measurements import tl9000data
from accord.operations.cells import FIRST_YEAR, LAST_YEAR


def month_arg(value: str) -> str:
    try:
        year, _mon = parse_month(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a month (YYYY-MM, e.g. 2026-09).") from exc
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CommandError(
            f"{value!r} is out of range: a month must lie between {FIRST_YEAR} and {LAST_YEAR}."
        )
    return value


class Command(BaseCommand):
    help = (
        "The monthly TL 9000 data: for one month, the raw counts per product category and measure "
        "component, summed over the home organization's customer relationships, as CSV (category, "
        "measure, component, month, count); --trace writes every source record behind each count."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument(
            "--party",
            help="the home organization's short name (default: the only party that is a supplier)",
        )
        parser.add_argument("-o", "--output", help="write the counts to FILE (default: standard output)")
        parser.add_argument(
            "--trace",
            metavar="FILE",
            help="write the trace to FILE: one line per source record and count it adds to",
        )

    def handle(
        self,
        *args: Any,
        month: str,
        party: str | None,
        output: str | None,
        trace: str | None,
        **options: Any,
    ) -> None:
        month = month_arg(month)
        try:
            home = tl9000data.home_party(party)
        except tl9000data.NoHomeParty as exc:
            raise CommandError(str(exc)) from None
        rows = tl9000data.counts(home, month)
        data = write_csv(tl9000data.COLUMNS, (c.row() for c in rows))
        if output:
            Path(output).write_bytes(data)
        else:
            self.stdout.write(data.decode("utf-8").removeprefix(BOM), ending="")
        if trace:
            sources = list(tl9000data.trace(home, month, today=timezone.localdate()))
            Path(trace).write_bytes(write_csv(tl9000data.TRACE_COLUMNS, (s.row() for s in sources)))
            for problem in tl9000data.mismatches(rows, tl9000data.traced_totals(sources)):
                self.stderr.write(f"The trace does not add up (a daily recount may be pending): {problem}")
        count = len(rows)
        relationships = len(tl9000data.relationships_of(home))
        self.stderr.write(
            f"{home.name}, {month}: {count} count{'s' if count != 1 else ''} "
            f"over {relationships} customer relationship{'s' if relationships != 1 else ''}."
        )
