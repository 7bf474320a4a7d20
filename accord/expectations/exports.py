"""The scorecard as the page, the PDF and the workbook show it: ``card_view`` turns
``selectors.scorecard`` into rows to print (one per agreed expectation: its terms, a cell per month,
its small chart, its gap and the plan's progress); ``scorecard_pdf`` prints the page's own partials
(WeasyPrint, ``accord.lib.pdf``), ``scorecard_xlsx`` writes three sheets (openpyxl, write-only)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from accord.expectations import charts
from accord.expectations.models import Assessment, Result
from accord.expectations.selectors import Row, Scorecard
from accord.lib import charts as chart_render
from accord.lib.pdf import html_to_pdf
from accord.lib.xlsx import HEADER_ALIGNMENT, HEADER_FILL, HEADER_FONT, sheet_name
from accord.parties.models import Relationship
from accord.register.models import ActionItem

PDF_TEMPLATE = "expectations/scorecard_pdf.html"

# what a cell says, as text (colour is only a help): the page's, the PDF's and the workbook's
MARK = {Result.MET: "✓", Result.NOT_MET: "✗", Result.NO_DATA: "–"}


@dataclass
class Cell:
    month: str
    assessment: Assessment | None

    @property
    def result(self) -> str:
        return self.assessment.result if self.assessment else ""

    @property
    def draft(self) -> bool:
        return bool(self.assessment and self.assessment.status == "draft")

    @property
    def text(self) -> str:
        if self.assessment is None:
            return _("not assessed")
        label = str(Result(self.assessment.result).label)
        return _("%(label)s (draft)") % {"label": label} if self.draft else label

    @property
    def mark(self) -> str:
        return MARK.get(Result(self.result), "") if self.result else ""


@dataclass
class CardRow:
    row: Row
    holder: str
    target: str
    cells: list[Cell]
    chart: str = ""
    plan: list[ActionItem] = field(default_factory=list)
    done: int = 0
    overdue: int = 0

    @property
    def expectation(self) -> Any:
        return self.row.expectation

    @property
    def gap(self) -> Any:
        return self.row.gap


def card_view(card: Scorecard, rel: Relationship, *, today: date, with_charts: bool = True) -> list[CardRow]:
    names = {"supplier": rel.supplier.name, "customer": rel.customer.name}
    out = []
    for row in card.rows:
        terms = row.terms
        cells = [Cell(m, a) for m, a in zip(card.months, row.cells, strict=True)]
        chart = ""
        if with_charts and terms is not None and terms.measurable:
            points = [(c.month, c.assessment.value if c.assessment else None) for c in cells]
            missed = [c.month for c in cells if c.result == Result.NOT_MET]
            spec = charts.small_chart(
                row.expectation, terms, points, missed, start=card.months[0], end=card.months[-1]
            )
            chart = chart_render.svg(spec)
        out.append(
            CardRow(
                row=row,
                holder=names[row.expectation.holder],
                target=charts.target_text(terms) if terms else "",
                cells=cells,
                chart=chart,
                plan=row.plan,
                done=sum(1 for i in row.plan if not i.is_open),
                overdue=sum(1 for i in row.plan if i.is_overdue(today)),
            )
        )
    return out


def _context(card: Scorecard, rel: Relationship, rows: list[CardRow], today: date) -> dict[str, Any]:
    return {
        "rel": rel,
        "card": card,
        "rows": rows,
        "gap_rows": [r for r in rows if r.gap is not None and r.gap.is_open],
        "headline": card.headline,
        "today": today,
    }


def scorecard_pdf(card: Scorecard, rel: Relationship, *, generated_at: datetime, viewer_name: str) -> bytes:
    """The scorecard handed out at a review (A4 landscape): headline, grid, charts, gaps and plans."""
    today = timezone.localdate(generated_at)
    rows = card_view(card, rel, today=today)
    context = _context(card, rel, rows, today) | {
        "generated": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
        "viewer_name": viewer_name,
        "pdf": True,
    }
    return html_to_pdf(render_to_string(PDF_TEMPLATE, context))


# --- the workbook ---------------------------------------------------------------------------------


def _sheet(wb: Workbook, title: str, headers: list[str], widths: list[float], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(sheet_name(title))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "B2"
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    ws.append(header)
    for values in rows:
        line = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # never a formula
            else:
                cell = WriteOnlyCell(ws, value=value)
            line.append(cell)
        ws.append(line)
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{len(rows) + 1}"


def _label(row: CardRow) -> str:
    terms = row.row.terms
    return f"{row.expectation.reference} {terms.statement if terms else ''}".strip()


_NO_PLAN: list[ActionItem | None] = [None]  # a gap without a plan is a row too


def scorecard_xlsx(card: Scorecard, rel: Relationship, *, today: date) -> bytes:
    """Three sheets: the grid (an expectation a row, a month a column), every assessment with its value,
    numerator and denominator, and the open gaps with their action plans."""
    rows = card_view(card, rel, today=today, with_charts=False)
    wb = Workbook(write_only=True)
    _sheet(
        wb,
        _("Scorecard"),
        [_("Expectation"), _("Held by"), _("Target"), *card.months],
        [48, 14, 12, *[11] * len(card.months)],
        [[_label(r), r.holder, r.target, *[c.text for c in r.cells]] for r in rows],
    )
    _sheet(
        wb,
        _("Assessments"),
        [
            _("Expectation"),
            _("Month"),
            _("Result"),
            _("Value"),
            _("Numerator"),
            _("Denominator"),
            _("Target"),
            _("Rating"),
            _("Status"),
        ],
        [48, 10, 12, 10, 12, 12, 10, 8, 11],
        [
            [
                _label(r),
                c.month,
                str(Result(c.assessment.result).label),
                c.assessment.value,
                c.assessment.numerator,
                c.assessment.denominator,
                c.assessment.target,
                c.assessment.rating,
                c.assessment.get_status_display(),
            ]
            for r in rows
            for c in r.cells
            if c.assessment is not None
        ],
    )
    _sheet(
        wb,
        _("Gaps and plans"),
        [
            _("Expectation"),
            _("Gap"),
            _("Since"),
            _("Size"),
            _("Trend"),
            _("Times opened"),
            _("Action item"),
            _("Title"),
            _("Status"),
            _("Due"),
            _("Overdue"),
        ],
        [48, 11, 10, 8, 14, 8, 12, 40, 12, 12, 9],
        [
            [
                _label(r),
                r.gap.get_status_display(),
                r.gap.since,
                r.gap.size,
                r.gap.get_trend_display(),
                r.gap.times_opened,
                item.reference if item else "",
                item.title if item else _("(no action planned)"),
                item.get_status_display() if item else "",
                item.due_date.isoformat() if item and item.due_date else "",
                (_("yes") if item.is_overdue(today) else "") if item else "",
            ]
            for r in rows
            if r.gap is not None and r.gap.is_open
            for item in (r.plan or _NO_PLAN)
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
