"""Rendering a draft issue's files, in the worker (``tasks.render_report``): the HTML, PDF and XLSX of
each edition, stored with their SHA-256. A published issue is never rendered again; a failure is kept on
the issue (shown, and queued again by the schedule up to ``MAX_ATTEMPTS``); a scheduled draft of a
definition that publishes without review is published once rendered."""

from __future__ import annotations

import hashlib
import logging
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accord.reports import emails, render
from accord.reports.models import IssueStatus, RenderState, ReportFile, ReportIssue
from accord.reports.publishing import publish

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # automatic renders of one draft state; then the leads hear of it and retry by hand


def meta(issue: ReportIssue) -> dict[str, Any]:
    return {
        "ref": issue.definition.ref,
        "revision": issue.revision,
        "reason": issue.reason,
        "draft": issue.status == IssueStatus.DRAFT,
        "published_at": issue.published_at.strftime("%Y-%m-%d") if issue.published_at else "",
    }


def _files(issue: ReportIssue) -> list[tuple[str, str, bytes]]:
    data, commentary = issue.data, issue.commentary
    m = meta(issue) | {"draft": False}  # the files are what gets published
    out = []
    for edition in render.editions(data):
        out.append((edition, "html", render.html(data, commentary, edition, meta=m).encode()))
        out.append((edition, "pdf", render.pdf(data, commentary, edition, meta=m)))
        out.append((edition, "xlsx", render.xlsx(data, commentary, edition)))
    return out


def _store(issue: ReportIssue, edition: str, fmt: str, content: bytes) -> ReportFile:
    digest = hashlib.sha256(content).hexdigest()
    base = f"reports/{issue.relationship_id}/{issue.definition.number}/{issue.period}"
    name = default_storage.save(
        f"{base}/r{issue.revision}-{edition}-{digest[:12]}.{fmt}", ContentFile(content)
    )
    return ReportFile(issue=issue, edition=edition, format=fmt, name=name, sha256=digest, size=len(content))


def render_issue(issue_id: int) -> str:
    """Render a draft's files and store them; returns what happened (the task's result)."""
    issue = ReportIssue.objects.select_related("definition", "relationship").filter(pk=issue_id).first()
    if issue is None or issue.status != IssueStatus.DRAFT:
        return "nothing to render"
    seen = issue.version
    try:
        made = _files(issue)
    except Exception as exc:
        log.exception("rendering report issue %s failed", issue_id)
        return _failed(issue_id, seen, f"{type(exc).__name__}: {exc}")
    with transaction.atomic():
        locked = (
            ReportIssue.objects.select_for_update()
            .select_related("definition", "relationship")
            .get(pk=issue_id)
        )
        if locked.status != IssueStatus.DRAFT or locked.version != seen:
            return "changed meanwhile: a newer render follows"
        for old in locked.files.all():
            transaction.on_commit(partial(default_storage.delete, old.name))
        locked.files.all().delete()
        ReportFile.objects.bulk_create(
            [_store(locked, edition, fmt, content) for edition, fmt, content in made]
        )
        locked.render_state = RenderState.READY
        locked.render_error = ""
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["render_state", "render_error", "rendered_at"])
    if locked.definition.auto_publish and locked.created_by_id is None and locked.revision == 1:
        publish(access=None, issue=locked)
        return "rendered and published"
    return "rendered"


def _failed(issue_id: int, seen: int, error: str) -> str:
    with transaction.atomic():
        locked = (
            ReportIssue.objects.select_for_update()
            .select_related("definition", "relationship")
            .get(pk=issue_id)
        )
        if locked.version != seen:
            return "changed meanwhile: a newer render follows"
        locked.render_state = RenderState.FAILED
        locked.render_attempts += 1
        locked.render_error = error[:2000]
        locked.save(update_fields=["render_state", "render_attempts", "render_error"])
        if locked.render_attempts >= MAX_ATTEMPTS:
            transaction.on_commit(partial(emails.failed, locked))
    return f"failed: {error}"


def read_file(found: ReportFile) -> bytes:
    with default_storage.open(found.name, "rb") as handle:
        content: bytes = handle.read()
    return content
