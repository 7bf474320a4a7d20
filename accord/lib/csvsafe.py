"""CSV files that are safe to open in a spreadsheet.

* RFC 4180: CRLF line ends; a field is quoted only when it holds a comma, a quote or a line
  break, and a quote inside a quoted field is doubled.
* UTF-8 **with** a byte order mark. Excel opens a CSV without a BOM in the machine's legacy code
  page (Windows-1252 in Western Europe), so "Müller" shows as "MÃ¼ller"; with the BOM it reads
  UTF-8. Python reads such files with ``encoding="utf-8-sig"``, and most other tools skip the BOM.
* Formula injection (CWE-1236): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return would be run as a formula by a spreadsheet (``=HYPERLINK(...)``,
  ``@SUM(...)``), so it is prefixed with a single quote ``'``, which the spreadsheet shows as
  text. Numbers the export itself writes (ints, floats, dates) are not text and stay untouched.
* Dates are ISO ``YYYY-MM-DD``; datetimes ``YYYY-MM-DD HH:MM`` in the viewer's time zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

BOM = "\ufeff"
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """``text`` made inert for a spreadsheet: a leading formula character gets a ``'`` in front."""
    return "'" + text if text.startswith(DANGEROUS_STARTS) else text


def format_value(value: Any, tz: tzinfo | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None and tz is not None:
            value = value.astimezone(tz)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    return neutralize(str(value))


def write_csv(header: list[str], rows: Iterable[Sequence[Any]], *, tz: tzinfo | None = None) -> bytes:
    """``header`` and ``rows`` as RFC 4180 CSV in UTF-8 with a BOM, with formula cells neutralized."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, doublequote=True)
    writer.writerow([neutralize(str(h)) for h in header])
    for row in rows:
        writer.writerow([format_value(value, tz) for value in row])
    return out.getvalue().encode("utf-8")
