"""A report issue's page (its header, render state, files, the document itself and, for the supplier's
leads, commentary, taking the data again, publishing and correcting) and its files' downloads.

Every read goes through the doors (``reports.access``), every write through ``reports.services``. A
role that may not change the issue gets the services' 403; a lead whose action the issue's state refuses
(publishing while it renders, commenting a published issue) reads why on the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, keep_typed
from accord.lib.http import post_only
from accord.parties.access import RelationshipAccess
from accord.reports import periods, rendering, rules, services
from accord.reports import render as documents
from accord.reports.access import file_for_user, issue_for_user, relationship_issues
from accord.reports.forms import CommentaryForm, ReviseForm
from accord.reports.models import Edition, FileFormat, ReportIssue
from accord.reports.views import _refuse, _status, issue_url

CONTENT_TYPES = {
    FileFormat.HTML: "text/html; charset=utf-8",
    FileFormat.PDF: "application/pdf",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ISSUE_KEYS = ("slug", "number", "period")


def _revision(request: AuthedRequest) -> int | None:
    raw = request.POST.get("revision") or request.GET.get("revision") or ""
    return int(raw) if raw.isdigit() and len(raw) < 6 else None


def _issue(
    request: AuthedRequest, slug: str, number: int, period: str
) -> tuple[ReportIssue, RelationshipAccess]:
    return issue_for_user(request.user, slug=slug, number=number, period=period, revision=_revision(request))


def _version(request: AuthedRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def shown_edition(access: RelationshipAccess, issue: ReportIssue) -> str:
    """The edition the page shows: the supplier's internal one when the issue has it, else the
    customer's (the only one the customer's people read)."""
    has = documents.editions(issue.data)
    if Edition.INTERNAL in has and Edition.INTERNAL in rules.editions_for(access):
        return Edition.INTERNAL
    return Edition.CUSTOMER


def file_name(issue: ReportIssue, edition: str, fmt: str) -> str:
    """``RD-1-2026-Q3-r1.pdf``; the internal edition says so (``…-r1-internal.pdf``)."""
    suffix = "-internal" if edition == Edition.INTERNAL else ""
    return f"{issue.definition.ref}-{issue.period}-r{issue.revision}{suffix}.{fmt}"


def _files(access: RelationshipAccess, issue: ReportIssue) -> list[dict[str, Any]]:
    """The issue's files the viewer may download, by edition (the customer's first)."""
    allowed = rules.editions_for(access)
    found = [f for f in issue.files.all() if f.edition in allowed]
    order: dict[str, int] = {"html": 0, "pdf": 1, "xlsx": 2}
    out = []
    for edition, label in Edition.choices:
        mine = sorted((f for f in found if f.edition == edition), key=lambda f: order.get(f.format, 9))
        if mine:
            out.append(
                {
                    "edition": edition,
                    "label": label,
                    "internal": edition == Edition.INTERNAL,
                    "files": [{"file": f, "name": file_name(issue, edition, f.format)} for f in mine],
                }
            )
    return out


def issue_context(
    request: AuthedRequest, issue: ReportIssue, access: RelationshipAccess, **forms: Any
) -> dict[str, Any]:
    issues, _access = relationship_issues(request.user, pk=issue.relationship_id)
    revisions = list(
        issues.filter(definition_id=issue.definition_id, period=issue.period)
        .order_by("revision")
        .values_list("revision", "status")
    )
    earlier = [r for r in revisions if r[0] < issue.revision]
    later = [r for r in revisions if r[0] > issue.revision]
    edition = shown_edition(access, issue)
    may_comment = rules.may_comment(access, issue)
    may_revise = rules.may_revise(access, issue) and not later
    context: dict[str, Any] = {
        "access": access,
        "rel": access.relationship,
        "issue": issue,
        "definition": issue.definition,
        "period_label": periods.label(issue.period),
        "earlier": earlier,
        "later": later,
        "downloads": _files(access, issue),
        "may_manage": rules.may_manage(access),
        "may_comment": may_comment,
        "may_publish": rules.may_publish(access, issue),
        "may_revise": may_revise,
        "supplier": rules.is_supplier(access),
        "recipients": issue.definition.recipients.count(),
        "commentary_form": forms.get("commentary_form")
        or (CommentaryForm(initial={"version": issue.version}, issue=issue) if may_comment else None),
        "revise_form": forms.get("revise_form") or (ReviseForm() if may_revise else None),
    }
    # the document itself, as the files show it (charts inline as SVG): reports/_sections.html's context
    with documents.in_language(issue.data):  # in the files' language, whoever reads it
        document = documents.document(issue.data, issue.commentary, edition, for_pdf=False)
    context.update(
        {
            "document_language": documents.language_of(issue.data),
            "data": document["data"],
            "sections": document["sections"],
            "edition": edition,
            "internal": document["internal"],
            "values": document["values"],
            "overall": document["overall"],
            "for_pdf": False,
        }
    )
    return context


@require_GET
@login_required
def issue_page(request: AuthedRequest, slug: str, number: int, period: str) -> HttpResponse:
    issue, access = _issue(request, slug, number, period)
    return render(request, "reports/issue.html", issue_context(request, issue, access))


def _lead(access: RelationshipAccess) -> None:
    """A supplier lead may act on an issue (which actions its state allows is the service's to say)."""
    _refuse(rules.may_manage(access), "manage")


def _back(issue: ReportIssue) -> HttpResponse:
    return redirect(issue_url(issue, revision=True))


@post_only("reports:issue", keep=ISSUE_KEYS)
@login_required
def commentary(request: AuthedRequest, slug: str, number: int, period: str) -> HttpResponse:
    issue, access = _issue(request, slug, number, period)
    _lead(access)
    if not rules.may_comment(access, issue):
        messages.error(request, str(rules.REFUSALS["comment"]))
        return _back(issue)
    form = CommentaryForm(request.POST, issue=issue)
    if form.is_valid():
        try:
            issue = services.comment(
                access=access,
                issue=issue,
                commentary=form.commentary(),
                version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            keep_typed(form, exc)
            _now_saved(form, exc.current)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Commentary saved; the files are being rendered again."))
            return _back(issue)
    issue.refresh_from_db()
    return render(
        request,
        "reports/issue.html",
        issue_context(request, issue, access, commentary_form=form),
        status=_status(form),
    )


def _now_saved(form: CommentaryForm, current: ReportIssue) -> None:
    """Under each text that differs, the commentary saved meanwhile (keep_typed reads model fields; the
    commentary is one JSON field)."""
    for key in form.keys:
        saved = current.commentary.get(key, "")
        if saved != (form[key].data or "").strip():
            field: Any = form.fields[key]
            field.now_saved = saved or _("(empty)")
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " border-warning").strip()


def _act(request: AuthedRequest, slug: str, number: int, period: str, action: str) -> HttpResponse:
    issue, access = _issue(request, slug, number, period)
    _lead(access)
    try:
        if action == "refresh":
            issue = services.refresh(access=access, issue=issue, version=_version(request))
            messages.success(request, _("The data was taken again; the files are being rendered."))
        elif action == "retry":
            issue = services.retry(access=access, issue=issue)
            messages.success(request, _("Rendering again."))
        else:
            issue = services.publish(access=access, issue=issue, version=_version(request))
            messages.success(
                request,
                _("%(ref)s for %(period)s is published: its recipients are being e-mailed.")
                % {"ref": issue.definition.ref, "period": periods.label(issue.period)},
            )
    except Conflict:
        messages.error(request, _("Someone changed this issue meanwhile: look again, then retry."))
    except PermissionDenied as exc:  # the issue's state refuses it (a lead's role was checked above)
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(issue)


@post_only("reports:issue", keep=ISSUE_KEYS)
@login_required
def refresh(request: AuthedRequest, slug: str, number: int, period: str) -> HttpResponse:
    return _act(request, slug, number, period, "refresh")


@post_only("reports:issue", keep=ISSUE_KEYS)
@login_required
def retry(request: AuthedRequest, slug: str, number: int, period: str) -> HttpResponse:
    return _act(request, slug, number, period, "retry")


@post_only("reports:issue", keep=ISSUE_KEYS)
@login_required
def publish(request: AuthedRequest, slug: str, number: int, period: str) -> HttpResponse:
    return _act(request, slug, number, period, "publish")


@require_http_methods(["GET", "POST"])
@login_required
def revise(request: AuthedRequest, slug: str, number: int, period: str) -> HttpResponse:
    """A correction of a published issue: the reason, then a new draft revision."""
    issue, access = _issue(request, slug, number, period)
    _refuse(rules.may_revise(access, issue), "revise")
    form = ReviseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.revise(access=access, issue=issue, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Revision %(n)s is a draft: check it, then publish it to replace revision %(old)s.")
                % {"n": new.revision, "old": issue.revision},
            )
            return redirect(issue_url(new, revision=True))
    return render(
        request,
        "reports/revise.html",
        {
            "access": access,
            "rel": access.relationship,
            "issue": issue,
            "definition": issue.definition,
            "period_label": periods.label(issue.period),
            "form": form,
            "recipients": issue.definition.recipients.count(),
        },
        status=_status(form),
    )


@require_GET
@login_required
def download(
    request: AuthedRequest, slug: str, number: int, period: str, revision: int, edition: str, fmt: str
) -> HttpResponse:
    """A stored file of an issue, in an edition the viewer may read (else the one 404), as an
    attachment: the bytes that were rendered, whose SHA-256 the issue page shows."""
    found, _access = file_for_user(
        request.user, slug=slug, number=number, period=period, revision=revision, fmt=fmt, edition=edition
    )
    issue = found.issue
    response = HttpResponse(rendering.read_file(found), content_type=CONTENT_TYPES[FileFormat(found.format)])
    response["Content-Disposition"] = (
        f'attachment; filename="{file_name(issue, found.edition, found.format)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
