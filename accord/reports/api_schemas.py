"""The reports API's schemas and how records become them (``reports.api`` holds the operations). Every
class name is unique across the API (tests/api/test_schema_names.py), hence the ``Report`` prefix.

An issue's snapshot (``ReportIssue.data``) is never answered whole: with ``Benchmarks.POSITION`` it holds
the licensed benchmark values that the customer's edition keeps from the customer. The detail says what the
snapshot covers; the numbers are in the files."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from accord.accounts.locale import Language
from accord.lib.api import MAX_INT, Id, Version, serializer
from accord.reports import periods
from accord.reports.models import (
    COMMENTARY_MAX,
    HISTORY_MAX,
    HISTORY_MIN,
    REASON_MAX,
    TITLE_MAX,
    Benchmarks,
    Edition,
    FileFormat,
    IssueStatus,
    Period,
    RenderState,
    ReportDefinition,
    ReportFile,
    ReportIssue,
    Section,
)
from accord.reports.render import SECTION_TITLES
from accord.reports.services import AFTER_DAYS_MAX, OVERALL

CATEGORIES_MAX = 200
RECIPIENTS_MAX = 200

# A definition's number (RD-n), a 32-bit column
DefinitionNumber = Annotated[int, Field(ge=1, le=MAX_INT, description="The definition's number (RD-n)")]
# A revision, a 16-bit column
Revision = Annotated[int, Field(ge=1, le=32767, description="1 for the first issue, 2 for its correction")]
PERIOD_PATTERN = r"^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$"
PeriodKey = Annotated[
    str, Field(pattern=PERIOD_PATTERN, description="A quarter (2026-Q3) or a month (2026-09)")
]
CategoryCode = Annotated[str, Field(min_length=1, max_length=20)]
SectionKey = Annotated[str, Field(min_length=1, max_length=40)]


# --- definitions -------------------------------------------------------------------------------------


class ReportPersonOut(Schema):
    id: int
    full_name: str


class ReportDefinitionOut(Schema):
    id: int
    number: int
    reference: str = Field(description="RD-n")
    title: str
    sections: list[Section] = Field(description="In the order they print")
    categories: list[str] = Field(description="TL 9000 category codes; empty: all, pooled and each")
    period: Period
    history_months: int
    compare_targets: bool
    compare_previous: bool
    benchmarks: Benchmarks
    recipients: list[ReportPersonOut] = Field(description="Members of the customer told of each issue")
    after_days: int = Field(description="A scheduled issue is generated this many days after its period")
    auto_publish: bool
    active: bool = Field(description="Scheduled")
    language: Language = Field(description="The files' language")
    first_period: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class ReportDefinitionIn(Schema):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    sections: list[Section] = Field(min_length=1, max_length=len(Section.values))
    first_period: str = Field(
        max_length=7, description="The first period the schedule generates: 2026-Q3, or 2026-09 when monthly"
    )
    period: Period = Period.QUARTERLY
    categories: list[CategoryCode] = Field(default=[], max_length=CATEGORIES_MAX)
    history_months: int = Field(default=12, ge=HISTORY_MIN, le=HISTORY_MAX)
    compare_targets: bool = True
    compare_previous: bool = True
    benchmarks: Benchmarks = Benchmarks.POSITION
    recipients: list[Id] = Field(default=[], max_length=RECIPIENTS_MAX, description="User ids")
    after_days: int = Field(default=1, ge=0, le=AFTER_DAYS_MAX)
    auto_publish: bool = False
    active: bool = True
    language: Language | None = Field(
        default=None, description="The files' language; none: the relationship's"
    )


class ReportDefinitionPatch(Schema):
    """What is left out stays."""

    version: Version
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    sections: list[Section] | None = Field(default=None, min_length=1, max_length=len(Section.values))
    first_period: str | None = Field(default=None, max_length=7)
    period: Period | None = None
    categories: list[CategoryCode] | None = Field(default=None, max_length=CATEGORIES_MAX)
    history_months: int | None = Field(default=None, ge=HISTORY_MIN, le=HISTORY_MAX)
    compare_targets: bool | None = None
    compare_previous: bool | None = None
    benchmarks: Benchmarks | None = None
    recipients: list[Id] | None = Field(default=None, max_length=RECIPIENTS_MAX)
    after_days: int | None = Field(default=None, ge=0, le=AFTER_DAYS_MAX)
    auto_publish: bool | None = None
    active: bool | None = None
    language: Language | None = None


# --- issues ------------------------------------------------------------------------------------------


class ReportIssueOut(Schema):
    period: str
    period_label: str = Field(description="Q3 2026, September 2026")
    revision: int
    reason: str = Field(description="What a correction corrects (revisions after the first)")
    status: IssueStatus
    render_state: RenderState
    created_at: datetime
    published_at: datetime | None
    version: int


class ReportFileOut(Schema):
    edition: Edition
    format: FileFormat
    sha256: str = Field(description="Of the bytes the download answers")
    size: int
    download_url: str


class ReportSectionOut(Schema):
    key: str = Field(description="The commentary's key (``overall``: the summary on the cover)")
    title: str


class ReportIssueDetailOut(ReportIssueOut):
    definition: str = Field(description="RD-n")
    title: str
    months: list[str] = Field(description="The months the period covers")
    taken_at: str = Field(description="When the data was taken (UTC, ISO 8601)")
    sections: list[ReportSectionOut] = Field(description="What commentary may be written on")
    commentary: dict[str, str]
    render_attempts: int
    render_error: str
    rendered_at: datetime | None
    published_by: str
    revisions: list[int] = Field(description="The revisions of this period you may read")
    files: list[ReportFileOut] = Field(description="The editions you may read, each as HTML, PDF, XLSX")


class ReportGenerateIn(Schema):
    period: str = Field(
        min_length=7, max_length=7, description="An ended period of the definition's kind: 2026-Q3 or 2026-09"
    )


class ReportCommentaryIn(Schema):
    version: Version
    commentary: dict[SectionKey, Annotated[str, Field(max_length=COMMENTARY_MAX)]] = Field(
        max_length=len(Section.values) + 1,
        description="Per section key, or ``overall``; an empty text removes that commentary; keys left "
        "out stay",
    )


class ReportVersionIn(Schema):
    version: Version


class ReportReviseIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="What the correction corrects")


# --- serializers -------------------------------------------------------------------------------------


def _name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or user) if user is not None else ""


def definition_out(d: ReportDefinition) -> dict[str, Any]:
    """``d`` with ``created_by`` loaded and ``recipients`` prefetched."""
    return {
        "id": d.pk,
        "number": d.number,
        "reference": d.ref,
        "title": d.title,
        "sections": d.sections,
        "categories": d.categories,
        "period": d.period,
        "history_months": d.history_months,
        "compare_targets": d.compare_targets,
        "compare_previous": d.compare_previous,
        "benchmarks": d.benchmarks,
        "recipients": [
            {"id": u.pk, "full_name": _name(u)} for u in sorted(d.recipients.all(), key=lambda u: u.pk)
        ],
        "after_days": d.after_days,
        "auto_publish": d.auto_publish,
        "active": d.active,
        "language": d.language,
        "first_period": d.first_period,
        "created_by": _name(d.created_by),
        "created_at": d.created_at,
        "updated_at": d.updated_at,
        "version": d.version,
    }


@serializer("reports.reportdefinition")
def _definition_current(d: ReportDefinition) -> dict[str, Any]:
    found = ReportDefinition.objects.select_related("created_by").prefetch_related("recipients").get(pk=d.pk)
    return definition_out(found)


def issue_out(i: ReportIssue) -> dict[str, Any]:
    return {
        "period": i.period,
        "period_label": periods.label(i.period),
        "revision": i.revision,
        "reason": i.reason,
        "status": i.status,
        "render_state": i.render_state,
        "created_at": i.created_at,
        "published_at": i.published_at,
        "version": i.version,
    }


@serializer("reports.reportissue")
def _issue_current(i: ReportIssue) -> dict[str, Any]:
    """The issue as a 409 answer shows it: as the list shows it."""
    return issue_out(i)


def file_url(rel_id: int, number: int, f: ReportFile, issue: ReportIssue) -> str:
    return reverse(
        "api:report_file",
        kwargs={
            "rel_id": rel_id,
            "definition_number": number,
            "period": issue.period,
            "revision": issue.revision,
            "edition": f.edition,
            "fmt": f.format,
        },
    )


def issue_detail_out(issue: ReportIssue, *, revisions: list[int], files: list[ReportFile]) -> dict[str, Any]:
    """``issue`` with ``definition`` and ``published_by`` loaded; ``files`` those the viewer may read."""
    data = issue.data
    keys = [k for k in data.get("order", issue.definition.sections) if k in data.get("sections", {})]
    return {
        **issue_out(issue),
        "definition": issue.definition.ref,
        "title": data.get("title", issue.definition.title),
        "months": data.get("months", periods.months_of(issue.period)),
        "taken_at": data.get("taken_at", ""),
        "sections": [{"key": OVERALL, "title": _("Overall")}]
        + [{"key": k, "title": str(SECTION_TITLES.get(k, k))} for k in keys],
        "commentary": issue.commentary,
        "render_attempts": issue.render_attempts,
        "render_error": issue.render_error,
        "rendered_at": issue.rendered_at,
        "published_by": _name(issue.published_by),
        "revisions": revisions,
        "files": [
            {
                "edition": f.edition,
                "format": f.format,
                "sha256": f.sha256,
                "size": f.size,
                "download_url": file_url(issue.relationship_id, issue.definition.number, f, issue),
            }
            for f in files
        ],
    }
