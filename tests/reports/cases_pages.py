"""The access matrix's cases for the reports' pages (collected through ``access_cases``): the members of
both sides read the definitions and the published issues (and their customer edition's files); a
supplier lead (Ada, Sam) defines, generates, comments, takes the data again, retries, publishes and
corrects; a draft is the supplier's own, so the customer's people get the one 404 for it (as Fay, a
facilitator, and Mallory, of Telco B, do everywhere)."""

from __future__ import annotations

from typing import Any

from accord.reports import services
from accord.reports.models import IssueStatus, RenderState, ReportDefinition, ReportIssue
from tests.access import TA, Case, everyone
from tests.reports.helpers import access, definition, issue

BASE = f"/r/{TA}/reports/"
SECTIONS = ["register", "meetings"]  # quick to render: no charts


def readers(status: int) -> dict[str, int]:
    return everyone(status, mallory=404, fay=404)


def supplier_leads(status: int) -> dict[str, int]:
    return everyone(403, ada=status, sam=status, mallory=404, fay=404)


def draft_leads(status: int) -> dict[str, int]:
    """A draft: the supplier's leads act, Val (a viewer) is refused, the customer's people see nothing."""
    return everyone(404, ada=status, sam=status, val=403)


def _definition(w: Any) -> ReportDefinition:
    found = ReportDefinition.objects.filter(relationship=w.nw_ta).first()
    return found or definition(w, sections=SECTIONS)


def _rendered(made: ReportIssue) -> ReportIssue:
    """As if the worker had rendered it (without files: only the file route reads them)."""
    ReportIssue.objects.filter(pk=made.pk).update(render_state=RenderState.READY)
    made.refresh_from_db()
    return made


def _published(w: Any, *, files: bool = False) -> ReportIssue:
    found = ReportIssue.objects.filter(relationship=w.nw_ta, status=IssueStatus.PUBLISHED).first()
    if found is None:
        made = issue(w, _definition(w), "2026-Q1", render=files)
        found = services.publish(access=access(w), issue=made if files else _rendered(made))
    return found


def _draft(w: Any) -> ReportIssue:
    found = ReportIssue.objects.filter(relationship=w.nw_ta, status=IssueStatus.DRAFT).first()
    return found or _rendered(issue(w, _definition(w), "2026-Q2", render=False))


def _file(w: Any) -> str:
    found = _published(w, files=True)
    return _at(w, found, f"r{found.revision}/customer.pdf")


def _at(w: Any, found: ReportIssue, suffix: str = "") -> str:
    return f"{BASE}{found.definition.number}/{found.period}/{suffix}"


def _version(w: Any) -> dict[str, Any]:
    return {"version": _draft(w).version, "overall": "A calm quarter"}


PAGES: dict[str, Case] = {
    "reports:list": Case("GET", lambda w: BASE, readers(200)),
    "reports:new": Case("GET", lambda w: BASE + "new/", supplier_leads(200)),
    "reports:definition": Case("GET", lambda w: f"{BASE}{_definition(w).number}/", readers(200)),
    "reports:edit": Case("GET", lambda w: f"{BASE}{_definition(w).number}/edit/", supplier_leads(200)),
    "reports:generate": Case(
        "POST",
        lambda w: f"{BASE}{_definition(w).number}/generate/",
        supplier_leads(302),
        data=lambda w: {"period": "2026-Q1"},  # ended on any day these tests run
    ),
    "reports:issue": Case("GET", lambda w: _at(w, _published(w)), readers(200)),
    "reports:commentary": Case(
        "POST", lambda w: _at(w, _draft(w), "commentary/"), draft_leads(302), data=_version
    ),
    "reports:refresh": Case("POST", lambda w: _at(w, _draft(w), "refresh/"), draft_leads(302), data=_version),
    "reports:retry": Case("POST", lambda w: _at(w, _draft(w), "retry/"), draft_leads(302)),
    "reports:publish": Case("POST", lambda w: _at(w, _draft(w), "publish/"), draft_leads(302), data=_version),
    "reports:revise": Case("GET", lambda w: _at(w, _published(w), "revise/"), supplier_leads(200)),
    "reports:file": Case("GET", _file, readers(200)),
}
