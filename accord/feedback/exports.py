"""A survey's exports, as the guidance asks the site visit to be documented: ``visit_pdf`` is the visit
record (WeasyPrint, ``accord.lib.pdf``): the relationship, the survey, the site-visit meeting and who
attended it, the site and the equipment's age at the visit, who was asked and how many answered, the
feedback by area with its chart, every comment, and what became of each issue raised (the action items,
the dismissals with their reasons, and how many proposals are still open). ``results_xlsx`` writes the
results per area and every answer (openpyxl, write-only).

Both read what the viewer may see: respondents are named only where ``rules.shows_names`` allows (on the
supplier side of an anonymous survey, by function and number only), and action items only through
``ActionItem.objects.visible_to`` (an item one side keeps private never shows on the other side's copy).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from accord.feedback import charts, rules, selectors
from accord.feedback.answering import respondent_label
from accord.feedback.areas import Function
from accord.feedback.models import Answer, Proposal, ProposalStatus, ResponseStatus, Survey
from accord.lib import charts as chart_render
from accord.lib.pdf import html_to_pdf
from accord.lib.xlsx import DATETIME_FORMAT, HEADER_ALIGNMENT, HEADER_FILL, HEADER_FONT, as_naive, sheet_name
from accord.meetings.models import Attendee, Meeting
from accord.parties.access import RelationshipAccess
from accord.parties.models import Side
from accord.register.models import ActionItem

PDF_TEMPLATE = "feedback/visit_pdf.html"
PDF_FONT = "DejaVu Sans"  # the PDF's own font: charts measure their labels in it, so none is cut
PREFERRED_MONTHS = (3, 6)  # the guidance visits a site whose equipment has run under a year, best 3–6 months


# --- the equipment's age ------------------------------------------------------------------------------


def months_between(since: date, on: date) -> int:
    """Whole months from ``since`` to ``on`` (0 within the first month)."""
    months = (on.year - since.year) * 12 + on.month - since.month
    return months - 1 if on.day < since.day else months


def equipment_age(since: date | None, on: date) -> str:
    """ "in service 5 months", "in service 1 year and 2 months", "in service 12 days"; "" when unknown
    or not in service yet on ``on``."""
    if since is None or since > on:
        return ""
    months = months_between(since, on)
    if months < 1:
        days = (on - since).days
        return ngettext("in service %(n)d day", "in service %(n)d days", days) % {"n": days}
    years, rest = divmod(months, 12)
    if not years:
        return ngettext("in service %(n)d month", "in service %(n)d months", months) % {"n": months}
    text = ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    if rest:
        text = _("%(years)s and %(months)s") % {
            "years": text,
            "months": ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest},
        }
    return _("in service %(age)s") % {"age": text}


def age_remark(since: date | None, on: date) -> str:
    """How the age compares with the guidance's advice for a site visit."""
    if since is None or since > on:
        return ""
    months = months_between(since, on)
    if PREFERRED_MONTHS[0] <= months < PREFERRED_MONTHS[1] + 1:
        return _("within the 3 to 6 months the guidance prefers")
    if months < 12:
        return _("under the year the guidance asks for")
    return _("over a year: the guidance visits sites whose equipment has run for less than one")


# --- the record ---------------------------------------------------------------------------------------


def _zone(meeting: Meeting | None, survey: Survey) -> ZoneInfo:
    name = meeting.time_zone if meeting is not None and meeting.time_zone else survey.relationship.time_zone
    return ZoneInfo(name or "UTC")


def visit_day(survey: Survey) -> date:
    """The day of the visit: the site-visit meeting's (in its time zone), else the day the survey
    opened."""
    meeting = survey.meeting
    if meeting is not None:
        return meeting.starts_at.astimezone(_zone(meeting, survey)).date()
    return charts.survey_day(survey)


@dataclass
class Raised:
    """One proposal as the record shows it: what was raised, and what became of it."""

    proposal: Proposal
    area: str
    who: str
    rating: str
    comment: str
    item: ActionItem | None  # None when there is none, or the viewer may not see it

    @property
    def status(self) -> str:
        return self.proposal.status

    @property
    def decision(self) -> str:
        return str(self.proposal.get_status_display())


def _rating_text(answer: Answer) -> str:
    if answer.rating is not None:
        return f"{answer.rating}/5"
    return _("not applicable") if answer.not_applicable else _("not rated")


def raised(access: RelationshipAccess, survey: Survey) -> list[Raised]:
    """Every proposal of the survey in area order, with its item only where the viewer's side sees it
    (``selectors.proposals`` reads the items through ``ActionItem.objects.visible_to``)."""
    names = rules.shows_names(access, survey)
    found = selectors.proposals(access, survey)
    found.sort(key=lambda p: (p.answer.area.position, p.answer.response.number or 0, p.pk))
    out = []
    for p in found:
        answer = p.answer
        response = answer.response
        out.append(
            Raised(
                proposal=p,
                area=answer.area.title,
                who=respondent_label(response, response.invitation, names=names),
                rating=_rating_text(answer),
                comment=answer.comment,
                item=p.item,
            )
        )
    return out


def _attendees(meeting: Meeting | None, survey: Survey) -> list[dict[str, Any]]:
    if meeting is None:
        return []
    rel = survey.relationship
    party: dict[str, str] = {Side.SUPPLIER.value: rel.supplier.name, Side.CUSTOMER.value: rel.customer.name}
    order: dict[str, int] = {Side.SUPPLIER.value: 0, Side.CUSTOMER.value: 1}
    rows = []
    for a in Attendee.objects.filter(meeting=meeting).select_related("user"):
        title = getattr(a.user, "job_title", "") if a.user is not None else ""
        rows.append(
            {
                "name": a.display_name,
                "title": title,
                "party": party.get(a.side, _("Guest")) if a.side else _("Guest"),
                "external": a.is_external,
                "response": a.get_response_display(),
                "attended": a.attended,
                "order": (order.get(a.side, 2), a.display_name.casefold()),
            }
        )
    return sorted(rows, key=lambda r: r["order"])


def _invited(access: RelationshipAccess, survey: Survey, names: bool) -> dict[str, Any]:
    """Who was asked and how many answered, per function (in the order of the functions); the people
    themselves only where the viewer may see names."""
    people = selectors.invitations(access, survey)
    drafts = set(survey.responses.filter(status=ResponseStatus.DRAFT).values_list("invitation_id", flat=True))
    groups: dict[str, dict[str, Any]] = {}
    for person in people:
        person["draft"] = person["invitation"].pk in drafts
        group = groups.setdefault(
            person["invitation"].function,
            {"function": person["function"], "invited": 0, "answered": 0, "people": []},
        )
        group["invited"] += 1
        group["answered"] += person["invitation"].submitted_at is not None
        if names:
            group["people"].append(person)
    order = [str(value) for value in Function.values]
    return {"groups": [groups[f] for f in sorted(groups, key=lambda f: order.index(f) if f in order else 99)]}


def _printed(spec: dict[str, Any]) -> str:
    """The chart in the PDF's font, as an image's ``data:`` address: WeasyPrint draws it as an image
    rather than styling each of its shapes as part of the document (a second or more on a long record)."""
    drawn = chart_render.svg({**spec, "config": {**spec.get("config", {}), "font": PDF_FONT}})
    return "data:image/svg+xml;base64," + base64.b64encode(drawn.encode()).decode()


def _comments(results: list[selectors.AreaResult], by_answer: dict[int, Raised]) -> list[dict[str, Any]]:
    """Each area's comments, with what became of the issue each raised (the item only if visible)."""
    out = []
    for r in results:
        if not r.comments:
            continue
        rows = []
        for c in r.comments:
            found = by_answer.get(c.answer_id)
            rows.append(
                {
                    "label": c.label,
                    "rating": f"{c.rating}/5" if c.rating is not None else "–",
                    "low": c.rating is not None and c.rating <= 2,
                    "text": c.text,
                    "raised": found,
                }
            )
        out.append({"title": r.title, "rows": rows})
    return out


def record(access: RelationshipAccess, survey: Survey, *, with_charts: bool = True) -> dict[str, Any]:
    """Everything the visit record prints, for the viewer ``access``."""
    survey = (
        Survey.objects.select_related(
            "relationship__supplier", "relationship__customer", "meeting__site", "site", "template"
        )
        .filter(pk=survey.pk)
        .get()
    )
    rel = survey.relationship
    meeting = survey.meeting
    zone = _zone(meeting, survey)
    day = visit_day(survey)
    names = rules.shows_names(access, survey)
    results = selectors.results(access, survey)
    progress = selectors.progress(survey)
    proposals = raised(access, survey)
    shown = {r.item.pk for r in proposals if r.item is not None}  # the items the viewer's side sees
    items = ActionItem.objects.visible_to(access).filter(pk__in=shown).select_related("owner", "relationship")
    history_svg = ""
    if with_charts:
        surveys, means = selectors.history(access, survey)
        if len(surveys) > 1:
            areas = [(a.key, a.title) for a in survey.template.areas.all()]
            history_svg = _printed(charts.history_spec(surveys, means, areas))
    return {
        "survey": survey,
        "rel": rel,
        "meeting": meeting,
        "meeting_when": (
            f"{meeting.starts_at.astimezone(zone):%Y-%m-%d %H:%M}–{meeting.ends_at.astimezone(zone):%H:%M}"
            if meeting is not None
            else ""
        ),
        "zone": str(zone),
        "host": (
            rel.supplier.name
            if meeting is not None and meeting.host_side == Side.SUPPLIER
            else rel.customer.name
        ),
        "site": survey.site or (meeting.site if meeting is not None else None),
        "visit_day": day,
        "age": equipment_age(survey.equipment_since, day),
        "age_remark": age_remark(survey.equipment_since, day),
        "attendees": _attendees(meeting, survey),
        "names": names,
        "invited": _invited(access, survey, names),
        "progress": progress,
        "results": results,
        "commented": _comments(results, {r.proposal.answer_id: r for r in proposals}),
        "chart": _printed(charts.distribution_spec(results)) if with_charts else "",
        "history_chart": history_svg,
        "raised": proposals,
        "decided": {
            s: sum(1 for r in proposals if r.status == s)
            for s in (ProposalStatus.CREATED, ProposalStatus.MERGED, ProposalStatus.DISMISSED)
        },
        "still_open": sum(1 for r in proposals if r.status == ProposalStatus.OPEN),
        "items": sorted(items, key=lambda i: (i.series, i.number)),
    }


def visit_pdf(access: RelationshipAccess, survey: Survey, *, generated_at: datetime | None = None) -> bytes:
    """The visit record as a PDF (A4), for the viewer ``access``."""
    generated_at = generated_at or timezone.now()
    user = access.user
    context = record(access, survey) | {
        "generated": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
        "viewer_name": (getattr(user, "full_name", "") or str(user)) if user is not None else "",
        "viewer_party": access.party.name if access.party is not None else "",
        "today": timezone.localdate(generated_at),
    }
    return html_to_pdf(render_to_string(PDF_TEMPLATE, context))


# --- the workbook -----------------------------------------------------------------------------------------


def _cell(ws: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=as_naive(value, timezone.get_current_timezone()))
        cell.number_format = DATETIME_FORMAT
        return cell
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: "=HYPERLINK(…)" never becomes a formula
    return cell


def _sheet(wb: Workbook, title: str, columns: list[tuple[str, float]], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(sheet_name(title))
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "B2"
    header = []
    for text, _width in columns:
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    ws.append(header)
    for values in rows:
        ws.append([None if v is None or v == "" else _cell(ws, v) for v in values])
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{len(rows) + 1}"


def _functions() -> list[tuple[str, str]]:
    """(value, label) of each function, in the viewer's language."""
    return [(str(value), str(label)) for value, label in Function.choices]


def _area_rows(results: list[selectors.AreaResult]) -> list[list[Any]]:
    rows = []
    for r in results:
        means = {f: round(sum(v) / len(v), 2) for f, v in r.by_function.items() if v}
        rows.append(
            [
                r.title,
                r.question,
                r.mean,
                r.rated,
                *r.counts,
                r.not_applicable,
                len(r.comments),
                *[means.get(f) for f, _label in _functions()],
            ]
        )
    return rows


def _answer_rows(access: RelationshipAccess, survey: Survey) -> list[list[Any]]:
    names = rules.shows_names(access, survey)
    answers = (
        Answer.objects.filter(response__survey=survey, response__status=ResponseStatus.SUBMITTED)
        .select_related("response__invitation__user", "area")
        .order_by("response__number", "area__position")
    )
    functions = dict(_functions())
    labels: dict[int, str] = {}  # per response: a label reads the choices' translations (slow ×2,400)
    rows = []
    for a in answers:
        response = a.response
        if response.pk not in labels:
            labels[response.pk] = respondent_label(response, response.invitation, names=names)
        rows.append(
            [
                response.number,
                labels[response.pk],
                functions.get(response.function, response.function),
                a.area.title,
                a.rating,
                _("yes") if a.not_applicable else "",
                a.comment,
                response.submitted_at,
            ]
        )
    return rows


def _proposal_rows(access: RelationshipAccess, survey: Survey) -> list[list[Any]]:
    rows = []
    for r in raised(access, survey):
        item = r.item
        rows.append(
            [
                r.area,
                r.who,
                r.rating,
                r.proposal.get_reason_display(),
                r.decision,
                item.reference if item else "",
                item.title if item else "",
                item.get_status_display() if item else "",
                r.proposal.dismiss_reason,
            ]
        )
    return rows


def results_xlsx(access: RelationshipAccess, survey: Survey) -> bytes:
    """Three sheets: the results per area (mean, ratings 1–5, not applicable, comments, mean per
    function), every submitted answer (the respondent as ``rules.shows_names`` allows), and the issues
    raised with what became of them."""
    results = selectors.results(access, survey)
    wb = Workbook(write_only=True)
    _sheet(
        wb,
        _("Results by area"),
        [
            (_("Area"), 34),
            (_("Question"), 50),
            (_("Mean"), 8),
            (_("Ratings"), 9),
            *[(str(n), 6) for n in charts.RATINGS],
            (_("Not applicable"), 11),
            (_("Comments"), 10),
            *[(_("Mean: %(f)s") % {"f": label}, 13) for _f, label in _functions()],
        ],
        _area_rows(results),
    )
    _sheet(
        wb,
        _("Answers"),
        [
            (_("Response"), 10),
            (_("Respondent"), 30),
            (_("Function"), 14),
            (_("Area"), 34),
            (_("Rating"), 8),
            (_("Not applicable"), 11),
            (_("Comment"), 60),
            (_("Submitted"), 17),
        ],
        _answer_rows(access, survey),
    )
    _sheet(
        wb,
        _("Issues raised"),
        [
            (_("Area"), 30),
            (_("Raised by"), 30),
            (_("Rating"), 8),
            (_("Why"), 24),
            (_("Decision"), 24),
            (_("Action item"), 12),
            (_("Title"), 44),
            (_("Item status"), 12),
            (_("Dismissed because"), 50),
        ],
        _proposal_rows(access, survey),
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
