"""A report issue's files from its snapshot: the HTML document, the PDF (WeasyPrint, from the same HTML)
and the XLSX (one sheet per section with the monthly data). Pure functions of (snapshot, commentary,
edition). Each file is rendered once per draft state and stored; the SHA-256 kept with it vouches that the
bytes a reader downloads are those that were published.

The customer's edition shows a benchmark's position only when the definition keeps the licensed values
from customers (``Benchmarks.POSITION``); the supplier's internal edition shows them.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from accord.lib import charts as chart_render
from accord.lib.pdf import html_to_pdf
from accord.lib.targets import Target
from accord.lib.xlsx import HEADER_ALIGNMENT, HEADER_FILL, HEADER_FONT, sheet_name
from accord.measurements import charting, definitions, engine
from accord.reports.models import Benchmarks, Edition, Section
from accord.reports.snapshot import MEASURE_SECTIONS, as_value

PDF_FONT = "DejaVu Sans"  # the PDF's own font: charts measure their labels in it, so none is cut
POSITIONS = {
    "best": gettext_lazy("At or better than the best in class"),
    "above": gettext_lazy("Better than the industry average"),
    "below": gettext_lazy("Worse than the industry average"),
    "worst": gettext_lazy("At or worse than the worst in class"),
    "": gettext_lazy("No value to compare"),
}
SECTION_TITLES = dict(Section.choices)


def language_of(data: dict[str, Any]) -> str:
    """The definition's language, kept in the snapshot (before there was one, English)."""
    return str(data.get("language") or settings.LANGUAGE_CODE)


@contextmanager
def in_language(data: dict[str, Any]) -> Iterator[None]:
    """The files speak the snapshot's language, whoever renders or reads them."""
    with translation.override(language_of(data)):
        yield


def editions(data: dict[str, Any]) -> list[str]:
    """The editions an issue has: the customer's, and the supplier's internal one when the licensed
    benchmark values are kept from the customer and the report has any."""
    out = [Edition.CUSTOMER.value]
    if data.get("benchmarks") == Benchmarks.POSITION and any(
        block["benchmarks"]
        for key in MEASURE_SECTIONS
        for block in data["sections"].get(key, {}).get("categories", [])
    ):
        out.append(Edition.INTERNAL.value)
    return out


def shows_values(data: dict[str, Any], edition: str) -> bool:
    """Whether ``edition`` shows the benchmark values (and bands), not just the position."""
    return data.get("benchmarks") == Benchmarks.VALUES or (
        edition == Edition.INTERNAL and data.get("benchmarks") == Benchmarks.POSITION
    )


def number(value: float | None, code: str) -> str:
    """A measure's value as the measurements page and ``accord metrics`` round it."""
    if value is None:
        return "–"
    d = definitions.measure(code)
    shown = engine.round_value(value, code)
    return _grouped(shown, d.decimals) if shown is not None else "–"


def count(value: float | None) -> str:
    if value is None:
        return ""
    return _grouped(value, 0 if float(value).is_integer() else 2)


def _grouped(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` places and thousands grouped, as the report's language writes numbers
    (1,234.5 in English, 1.234,5 in Spanish)."""
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _cell(row: list[Any] | None, code: str) -> dict[str, Any]:
    if row is None:
        return {"value": "–", "num": "", "den": "", "partial": False}
    return {
        "value": number(row[5], code),
        "num": count(row[3]),
        "den": count(row[4]),
        "partial": bool(row[7]),
    }


def _change(now: list[Any] | None, before: list[Any] | None, code: str) -> str:
    if now is None or before is None or now[5] is None or before[5] is None:
        return ""
    d = definitions.measure(code)
    delta = now[5] - before[5]
    if abs(delta) < 10 ** (-d.decimals) / 2:
        return _("no change")
    better = (delta < 0) if d.direction == "lower" else (delta > 0) if d.direction == "higher" else None
    change = {"arrow": "▲" if delta > 0 else "▼", "delta": number(abs(delta), code)}
    if better is None:
        return f"{change['arrow']} {change['delta']}"
    return (_("%(arrow)s %(delta)s better") if better else _("%(arrow)s %(delta)s worse")) % change


def _printed(spec: dict[str, Any], *, for_pdf: bool) -> dict[str, str]:
    """A chart for a page (inline SVG) or for a file (a PNG picture in the document's font: WeasyPrint
    draws an SVG chart shape by shape, ten times slower, and the HTML file then shows the same one)."""
    if for_pdf:
        drawn = chart_render.png({**spec, "config": {**spec.get("config", {}), "font": PDF_FONT}})
        return {"src": "data:image/png;base64," + base64.b64encode(drawn).decode()}
    return {"svg": chart_render.svg(spec)}


def _block(
    data: dict[str, Any],
    block: dict[str, Any],
    codes: list[str],
    edition: str,
    *,
    for_pdf: bool,
    charted: bool,
) -> dict[str, Any]:
    values = shows_values(data, edition)
    shown = [c for c in codes if any(r[0] == c for r in block["monthly"])]
    by_month: dict[str, dict[str, list[Any]]] = {}
    for row in block["monthly"]:
        by_month.setdefault(row[1], {})[row[0]] = row
    summary = []
    for code in shown:
        d = definitions.measure(code)
        mark = block["benchmarks"].get(code)
        summary.append(
            {
                "code": code,
                "name": d.shown_name,
                "unit": d.shown_unit,
                "now": _cell(block["period"].get(code), code),
                "before": _cell(block["previous"].get(code), code) if block["previous"] else None,
                "change": _change(block["period"].get(code), block["previous"].get(code), code),
                "targets": [t for t in block["targets"] if t["measure"] == code],
                "benchmark": (
                    {
                        "month": mark["month"],
                        "position": str(POSITIONS.get(mark["position"], "")),
                        "key": mark["position"],
                        "best": number(mark["best"], code) if values else "",
                        "average": number(mark["average"], code) if values else "",
                        "worst": number(mark["worst"], code) if values else "",
                    }
                    if mark
                    else None
                ),
            }
        )
    months = sorted(by_month)
    # the monthly table goes with the charts; every category's months are in the workbook
    table = (
        [{"month": m, "cells": [_cell(by_month[m].get(c), c) for c in shown]} for m in months]
        if charted
        else []
    )
    charts_out: list[dict[str, str]] = []
    if months and charted:
        monthly = [as_value(r) for r in block["monthly"]]
        rolling = [as_value(r) for r in block["rolling"]]
        window = rolling[0].window if rolling else 1
        bands = (
            {
                m: [
                    SimpleNamespace(
                        month=b[0], best_in_class=b[1], industry_average=b[2], worst_in_class=b[3]
                    )
                    for b in mark["band"]
                ]
                for m, mark in block["benchmarks"].items()
            }
            if values
            else {}
        )
        targets = [
            Target(t["measure"], block["category"], t["window"], t["comparator"], t["target"], t["label"])
            for t in block["targets"]
        ]
        specs, _partial = charting.chart_specs(
            monthly, rolling, bands, start=months[0], end=months[-1], window=window, targets=targets
        )
        charts_out = [_printed(spec, for_pdf=for_pdf) for spec in specs]
    return {
        "category": block["category"],
        "category_name": data["categories"].get(block["category"], block["category"]),
        "codes": shown,
        "names": [definitions.measure(c).shown_name for c in shown],
        "summary": summary,
        "has_previous": bool(block["previous"]),
        "table": table,
        "charts": charts_out,
    }


def document(
    data: dict[str, Any], commentary: dict[str, str], edition: str, *, for_pdf: bool = False
) -> dict[str, Any]:
    """What the document shows, section by section, for ``edition``."""
    sections = []
    for key in data["order"]:
        found = data["sections"].get(key)
        if found is None:
            continue
        entry: dict[str, Any] = {
            "key": key,
            "title": SECTION_TITLES.get(key, key),
            "commentary": commentary.get(key, ""),
        }
        if key in MEASURE_SECTIONS:
            # charts for the pooled ALL (then each category has its tables), else for each chosen category
            pooled = any(b["category"] == engine.ALL for b in found["categories"])
            entry["blocks"] = [
                _block(
                    data,
                    b,
                    found["measures"],
                    edition,
                    for_pdf=for_pdf,
                    charted=not pooled or b["category"] == engine.ALL,
                )
                for b in found["categories"]
            ]
        else:
            entry["data"] = found
        sections.append(entry)
    return {
        "data": data,
        "sections": sections,
        "edition": edition,
        "internal": edition == Edition.INTERNAL,
        "values": shows_values(data, edition),
        "overall": commentary.get("overall", ""),
    }


def html(data: dict[str, Any], commentary: dict[str, str], edition: str, *, meta: dict[str, Any]) -> str:
    """The standalone HTML document (its charts the PDF's pictures)."""
    with in_language(data):
        context = document(data, commentary, edition, for_pdf=True) | {"meta": meta, "for_pdf": False}
        return render_to_string("reports/document.html", context)


def pdf(data: dict[str, Any], commentary: dict[str, str], edition: str, *, meta: dict[str, Any]) -> bytes:
    """The PDF (A4): cover, contents, a section per chosen area, definitions appendix."""
    with in_language(data):
        context = document(data, commentary, edition, for_pdf=True) | {"meta": meta, "for_pdf": True}
        return html_to_pdf(render_to_string("reports/document.html", context))


# --- the workbook ------------------------------------------------------------------------------------


def _sheet(wb: Workbook, title: Any, header: list[str], rows: list[list[Any]], widths: list[float]) -> None:
    ws = wb.create_sheet(sheet_name(str(title)))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    cells = []
    for text in header:
        cell = WriteOnlyCell(ws, value=str(text))
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        cells.append(cell)
    ws.append(cells)
    for values in rows:
        out = []
        for v in values:
            if v is not None and not isinstance(v, (int, float)):
                v = str(v)  # lazy translations, dates as the snapshot keeps them (ISO text)
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # text stays text: "=HYPERLINK(…)" never becomes a formula
            out.append(cell)
        ws.append(out)
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{len(rows) + 1}"


def _measure_rows(data: dict[str, Any], key: str, edition: str) -> list[list[Any]]:
    values = shows_values(data, edition)
    yes = _("yes")
    rows = []
    for block in data["sections"][key]["categories"]:
        for r in block["monthly"]:
            name = definitions.measure(r[0]).shown_name
            partial = yes if r[7] else ""
            rows.append([block["category"], r[0], name, r[1], _("month"), r[3], r[4], _value(r), partial])
        for r in block["rolling"]:
            name = definitions.measure(r[0]).shown_name
            window = ngettext("%(n)d month", "%(n)d months", r[6]) % {"n": r[6]}
            rows.append(
                [block["category"], r[0], name, r[1], window, r[3], r[4], _value(r), yes if r[7] else ""]
            )
        for code, mark in block["benchmarks"].items():
            if values:
                for month, best, average, worst in mark["band"]:
                    rows.append(
                        [
                            block["category"],
                            code,
                            _("TL 9000 benchmark"),
                            month,
                            _("best / average / worst"),
                            best,
                            average,
                            worst,
                            "",
                        ]
                    )
            rows.append(
                [
                    block["category"],
                    code,
                    _("Benchmark position"),
                    mark["month"],
                    "",
                    None,
                    None,
                    None,
                    str(POSITIONS.get(mark["position"], "")),
                ]
            )
    return rows


def _value(row: list[Any]) -> float | None:
    return engine.round_value(row[5], row[0])


def xlsx(data: dict[str, Any], commentary: dict[str, str], edition: str) -> bytes:
    """One sheet per section: the measures' monthly (and rolling) numerators, denominators and values;
    the register's, scorecard's and meetings' rows; a sheet of the definitions."""
    with in_language(data):
        return _workbook(data, commentary, edition)


def _workbook(data: dict[str, Any], commentary: dict[str, str], edition: str) -> bytes:
    wb = Workbook(write_only=True)
    cover = [
        [_("Report"), data["title"]],
        [_("Period"), data["period_label"]],
        [_("Supplier"), data["supplier"]],
        [_("Customer"), data["customer"]],
        [_("Edition"), dict(Edition.choices)[edition]],
        [_("Data taken at (UTC)"), data["taken_at"]],
    ]
    cover += [
        [_("Commentary: %(section)s") % {"section": SECTION_TITLES.get(k, _("Overall"))}, v]
        for k, v in commentary.items()
        if v
    ]
    _sheet(wb, _("Report"), ["", ""], cover, [28, 90])
    header = [
        _("Category"),
        _("Measure"),
        _("Name"),
        _("Month"),
        _("Window"),
        _("Numerator"),
        _("Denominator"),
        _("Value"),
        _("Partial"),
    ]
    yes = _("yes")
    for key in data["order"]:
        found = data["sections"].get(key)
        if found is None:
            continue
        title = SECTION_TITLES.get(key, key)
        if key in MEASURE_SECTIONS:
            _sheet(wb, title, header, _measure_rows(data, key, edition), [12, 22, 34, 10, 14, 12, 12, 12, 24])
        elif key == Section.REGISTER:
            rows = [
                [i["reference"], i["title"], i["owner"], i["due"], i["status"], yes if i["overdue"] else ""]
                for i in found["items"]
            ]
            _sheet(
                wb,
                title,
                [_("Item"), _("Title"), _("Owner"), _("Due"), _("Status"), _("Overdue")],
                rows,
                [10, 60, 24, 12, 14, 10],
            )
        elif key == Section.EXPECTATIONS:
            rows = [
                [r["reference"], r["statement"], r["measure"], *r["cells"], r["gap"]] for r in found["rows"]
            ]
            _sheet(
                wb,
                title,
                [_("Expectation"), _("Statement"), _("Measure"), *found["months"], _("Gap")],
                rows,
                [12, 60, 16, *([10] * len(found["months"])), 12],
            )
        elif key == Section.MEETINGS:
            rows = [[_("held"), m["date"], m["kind"], m["title"]] for m in found["held"]]
            rows += [[_("upcoming"), m["date"], m["kind"], m["title"]] for m in found["upcoming"]]
            _sheet(wb, title, ["", _("Date"), _("Kind"), _("Title")], rows, [10, 12, 36, 60])
    _sheet(
        wb,
        _("Definitions"),
        [_("Measure"), _("Name"), _("Unit"), _("Definition")],
        [[d["code"], d["name"], d["unit"], d["definition"]] for d in data["definitions"]],
        [22, 36, 10, 100],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
