"""The month helpers moved to ``accord.lib.months`` (operations needs them too, and sits below);
this name stays for the measurements modules that still import it from here."""

from accord.lib.months import (
    add_months,
    month_end,
    month_of,
    month_range,
    month_start,
    months_between,
    next_month_start_utc,
    parse_month,
)

__all__ = [
    "add_months",
    "month_end",
    "month_of",
    "month_range",
    "month_start",
    "months_between",
    "next_month_start_utc",
    "parse_month",
]
