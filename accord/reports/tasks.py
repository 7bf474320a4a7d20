"""Background tasks of the reports: rendering an issue's files runs in the worker (`accord worker`)."""

from __future__ import annotations

from django_tasks import task

from accord.reports.rendering import render_issue


@task()
def render_report(*, issue_id: int) -> str:
    """Render a draft report issue's HTML, PDF and XLSX; returns what happened."""
    return render_issue(issue_id)
