"""The reports API: a relationship's report definitions, each definition's issues (generate, commentary,
publish, correct by a new revision, render again, take the data again) and their files (collected by
``accord.api.main``).

Every operation opens its records through the doors of ``reports.access`` (both sides' members read the
definitions; the customer's members only published issues; a facilitator or anyone else gets the one 404)
and changes them only through ``reports.services`` (who may is ``reports.rules``' business: a visible record
the role may not change is a 403). A stale version is a 409 with the current record; the services' refusals
become the one error shape in ``accord.api.main``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Router

from accord.accounts.types import AuthedRequest
from accord.lib.api import Id, responses
from accord.parties.access import RelationshipAccess
from accord.reports import rendering, rules, services
from accord.reports.access import (
    definition_for_user,
    file_for_user,
    issue_for_user,
    relationship_definitions,
    relationship_issues,
)
from accord.reports.api_schemas import (
    DefinitionNumber,
    PeriodKey,
    ReportCommentaryIn,
    ReportDefinitionIn,
    ReportDefinitionOut,
    ReportDefinitionPatch,
    ReportGenerateIn,
    ReportIssueDetailOut,
    ReportIssueOut,
    ReportReviseIn,
    ReportVersionIn,
    Revision,
    definition_out,
    issue_detail_out,
    issue_out,
)
from accord.reports.models import Edition, FileFormat, ReportDefinition, ReportIssue
from accord.reports.services import DefinitionInput

router = Router(tags=["reports"])
REPORTS = "/relationships/{rel_id}/reports"
DEFINITION = REPORTS + "/{definition_number}"
ISSUES = DEFINITION + "/issues"
ISSUE = ISSUES + "/{period}"
FILE = ISSUE + "/revisions/{revision}/files/{edition}.{fmt}"

CONTENT_TYPES = {
    FileFormat.HTML: "text/html; charset=utf-8",
    FileFormat.PDF: "application/pdf",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BINARY = {
    "description": "The stored file's bytes (their SHA-256 is the detail's), as an attachment.",
    "content": {
        kind.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
        for kind in CONTENT_TYPES.values()
    },
}


# --- definitions -------------------------------------------------------------------------------------


def _definitions(found: QuerySet[ReportDefinition]) -> QuerySet[ReportDefinition]:
    return found.select_related("created_by").prefetch_related("recipients")


def _definition(definition: ReportDefinition) -> dict[str, Any]:
    return definition_out(_definitions(ReportDefinition.objects.filter(pk=definition.pk)).get())


def _input(payload: ReportDefinitionIn | dict[str, Any]) -> DefinitionInput:
    values = payload if isinstance(payload, dict) else payload.dict()
    return DefinitionInput(
        **{
            **values,
            "sections": [str(s) for s in values["sections"]],
            "period": str(values["period"]),
            "benchmarks": str(values["benchmarks"]),
            "language": values.get("language") or "",
        }
    )


@router.get(
    REPORTS,
    response=responses({200: list[ReportDefinitionOut]}),
    summary="The relationship's report definitions (what the customer receives), by number",
)
def list_definitions(request: AuthedRequest, rel_id: Id) -> list[dict[str, Any]]:
    definitions, _access = relationship_definitions(request.user, pk=rel_id)
    return [definition_out(d) for d in _definitions(definitions).order_by("number")]


@router.post(
    REPORTS,
    response=responses({201: ReportDefinitionOut}, write=True),
    summary="Define a periodic report (a supplier lead)",
)
def create_definition(request: AuthedRequest, rel_id: Id, payload: ReportDefinitionIn) -> Any:
    _definitions_found, access = relationship_definitions(request.user, pk=rel_id)
    definition = services.create_definition(access=access, data=_input(payload))
    return 201, _definition(definition)


@router.get(DEFINITION, response=responses({200: ReportDefinitionOut}), summary="One report definition")
def get_definition(request: AuthedRequest, rel_id: Id, definition_number: DefinitionNumber) -> dict[str, Any]:
    definition, _access = definition_for_user(request.user, pk=rel_id, number=definition_number)
    return _definition(definition)


@router.patch(
    DEFINITION,
    response=responses({200: ReportDefinitionOut}, write=True, conflict=True),
    summary="Change what later issues show (a supplier lead); issues made already keep their data",
)
def patch_definition(
    request: AuthedRequest, rel_id: Id, definition_number: DefinitionNumber, payload: ReportDefinitionPatch
) -> dict[str, Any]:
    definition, access = definition_for_user(request.user, pk=rel_id, number=definition_number)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    version = given.pop("version")
    current = _definition(definition)
    values = {name: current[name] for name in DefinitionInput.__dataclass_fields__ if name in current}
    values["recipients"] = [r["id"] for r in current["recipients"]]
    changed = services.update_definition(
        access=access, definition=definition, data=_input({**values, **given}), version=version
    )
    return _definition(changed)


# --- issues ------------------------------------------------------------------------------------------


def _detail(access: RelationshipAccess, issue: ReportIssue) -> dict[str, Any]:
    """The issue as the viewer may read it: the revisions of its period they see, the files of their
    editions."""
    found = ReportIssue.objects.select_related("definition", "published_by").filter(pk=issue.pk).get()
    visible = ReportIssue.objects.visible_to(access).filter(
        definition_id=found.definition_id, period=found.period
    )
    files = found.files.filter(edition__in=rules.editions_for(access)).order_by("edition", "format")
    return issue_detail_out(
        found,
        revisions=sorted(visible.values_list("revision", flat=True)),
        files=list(files),
    )


def _issue(request: AuthedRequest, rel_id: int, number: int, period: str, revision: int | None = None) -> Any:
    return issue_for_user(request.user, pk=rel_id, number=number, period=period, revision=revision)


@router.get(
    ISSUES,
    response=responses({200: list[ReportIssueOut]}),
    summary="A definition's issues, newest period first (the customer's members: published ones)",
)
def list_issues(
    request: AuthedRequest, rel_id: Id, definition_number: DefinitionNumber
) -> list[dict[str, Any]]:
    definition, _access = definition_for_user(request.user, pk=rel_id, number=definition_number)
    issues, _same = relationship_issues(request.user, pk=rel_id)
    return [issue_out(i) for i in issues.filter(definition=definition).order_by("-period", "-revision")]


@router.post(
    ISSUES,
    response=responses({200: ReportIssueDetailOut, 201: ReportIssueDetailOut}, write=True),
    summary="Generate the issue of an ended period from today's data (201; 200 with the one that exists)",
)
def generate(
    request: AuthedRequest, rel_id: Id, definition_number: DefinitionNumber, payload: ReportGenerateIn
) -> Any:
    definition, access = definition_for_user(request.user, pk=rel_id, number=definition_number)
    issue, created = services.generate(access=access, definition=definition, period=payload.period)
    return (201 if created else 200), _detail(access, issue)


@router.get(
    ISSUE,
    response=responses({200: ReportIssueDetailOut}),
    summary="An issue: its latest revision you may read, or ?revision=N",
)
def get_issue(
    request: AuthedRequest,
    rel_id: Id,
    definition_number: DefinitionNumber,
    period: PeriodKey,
    revision: Revision | None = None,
) -> dict[str, Any]:
    issue, access = _issue(request, rel_id, definition_number, period, revision)
    return _detail(access, issue)


@router.patch(
    ISSUE + "/commentary",
    response=responses({200: ReportIssueDetailOut}, write=True, conflict=True),
    summary="Write a draft's commentary per section (a supplier lead); the draft renders again",
)
def comment(
    request: AuthedRequest,
    rel_id: Id,
    definition_number: DefinitionNumber,
    period: PeriodKey,
    payload: ReportCommentaryIn,
) -> dict[str, Any]:
    issue, access = _issue(request, rel_id, definition_number, period)
    changed = services.comment(
        access=access, issue=issue, commentary=dict(payload.commentary), version=payload.version
    )
    return _detail(access, changed)


@router.post(
    ISSUE + "/publish",
    response=responses({200: ReportIssueDetailOut}, write=True, conflict=True),
    summary="Publish a rendered draft: the customer reads it, its recipients are told; its files are fixed",
)
def publish(
    request: AuthedRequest,
    rel_id: Id,
    definition_number: DefinitionNumber,
    period: PeriodKey,
    payload: ReportVersionIn,
) -> dict[str, Any]:
    issue, access = _issue(request, rel_id, definition_number, period)
    return _detail(access, services.publish(access=access, issue=issue, version=payload.version))


@router.post(
    ISSUE + "/revise",
    response=responses({201: ReportIssueDetailOut}, write=True),
    summary="Correct a published issue: a new draft revision with today's data and the reason",
)
def revise(
    request: AuthedRequest,
    rel_id: Id,
    definition_number: DefinitionNumber,
    period: PeriodKey,
    payload: ReportReviseIn,
) -> Any:
    issue, access = _issue(request, rel_id, definition_number, period)
    return 201, _detail(access, services.revise(access=access, issue=issue, reason=payload.reason))


@router.post(
    ISSUE + "/retry",
    response=responses({200: ReportIssueDetailOut}, write=True),
    summary="Render a draft whose rendering failed again",
)
def retry(
    request: AuthedRequest, rel_id: Id, definition_number: DefinitionNumber, period: PeriodKey
) -> dict[str, Any]:
    issue, access = _issue(request, rel_id, definition_number, period)
    return _detail(access, services.retry(access=access, issue=issue))


@router.post(
    ISSUE + "/refresh",
    response=responses({200: ReportIssueDetailOut}, write=True, conflict=True),
    summary="Take a draft's data again (data imported since it was generated); it renders again",
)
def refresh(
    request: AuthedRequest,
    rel_id: Id,
    definition_number: DefinitionNumber,
    period: PeriodKey,
    payload: ReportVersionIn,
) -> dict[str, Any]:
    issue, access = _issue(request, rel_id, definition_number, period)
    return _detail(access, services.refresh(access=access, issue=issue, version=payload.version))


# --- files -------------------------------------------------------------------------------------------


@router.get(
    FILE,
    response=responses({200: None}),
    openapi_extra={"responses": {200: BINARY}},
    summary="Download a revision's file in an edition you may read (customer, or the supplier's internal)",
    url_name="report_file",
)
def download(
    request: AuthedRequest,
    rel_id: Id,
    definition_number: DefinitionNumber,
    period: PeriodKey,
    revision: Revision,
    edition: Edition,
    fmt: FileFormat,
) -> HttpResponse:
    found, _access = file_for_user(
        request.user,
        pk=rel_id,
        number=definition_number,
        period=period,
        revision=revision,
        fmt=str(fmt),
        edition=str(edition),
    )
    response = HttpResponse(rendering.read_file(found), content_type=CONTENT_TYPES[FileFormat(found.format)])
    name = f"RD-{definition_number}-{period}-r{revision}-{found.edition}.{found.format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"  # an HTML edition opened here runs nothing
    return response
