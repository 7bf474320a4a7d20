"""Every write about reports: keyword-only, in a transaction, checked against ``reports.rules``, one audit
event each. Rendering runs in the worker (``tasks.render_report``); ``schedule`` is ``accord tick``'s.

An issue's life: ``generate`` takes the snapshot (a draft, rendered in the background) → the supplier
writes commentary (each change renders the draft again) → ``publish`` (only once the files are rendered:
they are the ones the customer reads, and never change again) → a correction is ``revise``: a new draft
revision with a fresh snapshot and a reason; the earlier revision stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.audit import services as audit
from accord.lib.errors import check_version
from accord.parties.access import RelationshipAccess
from accord.parties.models import Membership, ProductCategory, Relationship
from accord.reports import periods, rules, snapshot
from accord.reports.models import (
    COMMENTARY_MAX,
    HISTORY_MAX,
    HISTORY_MIN,
    REASON_MAX,
    TITLE_MAX,
    Benchmarks,
    IssueStatus,
    Period,
    RenderState,
    ReportDefinition,
    ReportIssue,
    Section,
)
from accord.reports.publishing import locked_draft, require
from accord.reports.publishing import publish as publish  # a service: the pages and API publish here
from accord.reports.rendering import MAX_ATTEMPTS
from accord.reports.tasks import render_report

STALE_RENDER = timedelta(minutes=15)  # a render queued this long ago and not done was lost: queue again
SCHEDULED_PER_RUN = 24  # periods one definition generates in one tick (a new definition's backlog)
AFTER_DAYS_MAX = 60
OVERALL = "overall"  # the commentary key of the report's summary on its cover


# --- definitions -------------------------------------------------------------------------------------


@dataclass
class DefinitionInput:
    title: str
    sections: Sequence[str]
    first_period: str
    period: str = Period.QUARTERLY
    categories: Sequence[str] = ()
    history_months: int = 12
    compare_targets: bool = True
    compare_previous: bool = True
    benchmarks: str = Benchmarks.POSITION
    recipients: Sequence[int] = field(default_factory=list)  # user ids
    after_days: int = 1
    auto_publish: bool = False
    active: bool = True
    language: str = ""  # "": the relationship's


def _clean(relationship: Relationship, data: DefinitionInput) -> dict[str, Any]:
    """The definition's fields from ``data``, or a ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = _("Give the report a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("At most %(n)s characters.") % {"n": TITLE_MAX}
    known = [s.value for s in Section]
    sections = [s for s in known if s in set(data.sections)]
    unknown = sorted(set(data.sections) - set(known))
    if unknown:
        errors["sections"] = _("Unknown sections: %(s)s.") % {"s": ", ".join(map(str, unknown))}
    elif not sections:
        errors["sections"] = _("Choose at least one section.")
    codes = list(dict.fromkeys(data.categories))
    found = set(ProductCategory.objects.filter(code__in=codes).values_list("code", flat=True))
    if set(codes) - found:
        errors["categories"] = _("Unknown TL 9000 product categories: %(c)s.") % {
            "c": ", ".join(sorted(set(codes) - found))
        }
    if data.period not in Period.values:
        errors["period"] = _("The period is monthly or quarterly.")
    if not HISTORY_MIN <= data.history_months <= HISTORY_MAX:
        errors["history_months"] = _("Between %(a)s and %(b)s months.") % {"a": HISTORY_MIN, "b": HISTORY_MAX}
    if data.benchmarks not in Benchmarks.values:
        errors["benchmarks"] = _("Choose how the benchmarks show.")
    language = data.language or relationship.language
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of Accord's languages.")
    if not 0 <= data.after_days <= AFTER_DAYS_MAX:
        errors["after_days"] = _("Between 0 and %(n)s days.") % {"n": AFTER_DAYS_MAX}
    first = (data.first_period or "").strip().upper()
    try:
        if periods.kind_of(first) != data.period:
            errors["first_period"] = (
                _("A monthly report's periods are months (2026-09).")
                if data.period == Period.MONTHLY
                else _("A quarterly report's periods are quarters (2026-Q3).")
            )
    except ValueError as exc:
        errors["first_period"] = str(exc)
    members = set(
        Membership.objects.filter(party_id=relationship.customer_id, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    recipients = list(dict.fromkeys(int(r) for r in data.recipients))
    if set(recipients) - members:
        errors["recipients"] = _("Recipients are active members of %(party)s.") % {
            "party": relationship.customer.name
        }
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "sections": sections,
        "categories": codes,
        "period": data.period,
        "history_months": data.history_months,
        "compare_targets": data.compare_targets,
        "compare_previous": data.compare_previous,
        "benchmarks": data.benchmarks,
        "after_days": data.after_days,
        "auto_publish": data.auto_publish,
        "active": data.active,
        "language": language,
        "first_period": first,
        "recipients": recipients,
    }


@transaction.atomic
def create_definition(*, access: RelationshipAccess, data: DefinitionInput) -> ReportDefinition:
    require(rules.may_manage(access), "manage")
    rel = access.relationship
    fields = _clean(rel, data)
    recipients = fields.pop("recipients")
    Relationship.objects.select_for_update().filter(pk=rel.pk).first()  # one number at a time
    number = (ReportDefinition.objects.filter(relationship=rel).aggregate(n=Max("number"))["n"] or 0) + 1
    definition = ReportDefinition.objects.create(
        relationship=rel, number=number, created_by=access.user, **fields
    )
    definition.recipients.set(recipients)
    audit.record(actor=access.user, verb="report_definition.created", obj=definition, relationship=rel)
    return definition


@transaction.atomic
def update_definition(
    *,
    access: RelationshipAccess,
    definition: ReportDefinition,
    data: DefinitionInput,
    version: int | None = None,
) -> ReportDefinition:
    """Change what later issues show; issues already generated keep their snapshot."""
    require(rules.may_manage(access), "manage")
    locked = ReportDefinition.objects.select_for_update().get(pk=definition.pk)
    if version is not None:
        check_version(locked, version)
    fields = _clean(locked.relationship, data)
    recipients = fields.pop("recipients")
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = getattr(locked, name)
        if old != value:
            changes[name] = [old, value]
            setattr(locked, name, value)
    before = sorted(locked.recipients.values_list("pk", flat=True))
    if before != sorted(recipients):
        changes["recipients"] = [before, sorted(recipients)]
        locked.recipients.set(recipients)
    if changes:
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        audit.record(
            actor=access.user,
            verb="report_definition.updated",
            obj=locked,
            relationship=locked.relationship,
            changes=changes,
        )
    return locked


# --- issues ------------------------------------------------------------------------------------------


def _queue_render(issue: ReportIssue) -> None:
    """Queue the draft's rendering once this transaction commits; ``render_queued_at`` lets the schedule
    find a render the worker lost."""
    ReportIssue.objects.filter(pk=issue.pk).update(render_queued_at=timezone.now())
    transaction.on_commit(partial(render_report.enqueue, issue_id=issue.pk))


def _check_period(definition: ReportDefinition, period: str, today: date) -> str:
    period = period.strip().upper()
    try:
        kind = periods.kind_of(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if kind != definition.period:
        raise ValidationError(
            {
                "period": _("%(ref)s is %(kind)s: give a period like %(example)s.")
                % {
                    "ref": definition.ref,
                    "kind": definition.get_period_display().lower(),
                    "example": "2026-09" if definition.period == Period.MONTHLY else "2026-Q3",
                }
            }
        )
    if periods.last_day(period) >= today:
        raise ValidationError(
            {"period": _("%(period)s has not ended yet.") % {"period": periods.label(period)}}
        )
    return period


def generate(
    *, access: RelationshipAccess | None, definition: ReportDefinition, period: str, today: date | None = None
) -> tuple[ReportIssue, bool]:
    """The issue of ``period`` (its latest revision) and whether it was generated now: a new draft with
    the snapshot of today's data, rendered in the background. Never two issues for one period
    (``access`` None: the schedule)."""
    if access is not None:
        require(rules.may_manage(access), "manage")
    today = today or timezone.localdate()
    period = _check_period(definition, period, today)
    existing = ReportIssue.objects.filter(definition=definition, period=period).order_by("-revision").first()
    if existing is not None:
        return existing, False
    data = snapshot.take(definition, period)
    try:
        with transaction.atomic():
            issue = ReportIssue.objects.create(
                definition=definition,
                relationship_id=definition.relationship_id,
                period=period,
                data=data,
                created_by=access.user if access is not None else None,
            )
            audit.record(
                actor=access.user if access is not None else None,
                verb="report_issue.generated",
                obj=issue,
                relationship=definition.relationship,
            )
            _queue_render(issue)
    except IntegrityError:  # generated meanwhile (another tick, another click): that one stands
        found = ReportIssue.objects.filter(definition=definition, period=period).order_by("-revision").first()
        if found is None:
            raise
        return found, False
    return issue, True


def _rerender(locked: ReportIssue) -> None:
    locked.render_state = RenderState.PENDING
    locked.render_attempts = 0
    locked.render_error = ""
    locked.version += 1
    locked.save()
    _queue_render(locked)


@transaction.atomic
def refresh(*, access: RelationshipAccess, issue: ReportIssue, version: int | None = None) -> ReportIssue:
    """Take a draft's snapshot again (data imported since it was generated)."""
    require(rules.may_manage(access), "manage")
    locked = locked_draft(issue, version, "comment")
    locked.data = snapshot.take(locked.definition, locked.period)
    _rerender(locked)
    audit.record(
        actor=access.user, verb="report_issue.refreshed", obj=locked, relationship=locked.relationship
    )
    return locked


@transaction.atomic
def comment(
    *, access: RelationshipAccess, issue: ReportIssue, commentary: dict[str, str], version: int | None = None
) -> ReportIssue:
    """Set the supplier's commentary of a draft, per section (``overall``: the cover's summary)."""
    require(rules.may_manage(access), "manage")
    locked = locked_draft(issue, version, "comment")
    allowed = {OVERALL, *locked.definition.sections, *locked.data.get("order", [])}
    errors = {}
    for key, text in commentary.items():
        if key not in allowed:
            errors[key] = _("This report has no such section.")
        elif len(text) > COMMENTARY_MAX:
            errors[key] = _("At most %(n)s characters.") % {"n": COMMENTARY_MAX}
    if errors:
        raise ValidationError(errors)
    new = {k: v.strip() for k, v in {**locked.commentary, **commentary}.items() if v and v.strip()}
    if new == locked.commentary:
        return locked
    changes = {
        k: [locked.commentary.get(k, ""), new.get(k, "")]
        for k in set(new) | set(locked.commentary)
        if locked.commentary.get(k) != new.get(k)
    }
    locked.commentary = new
    _rerender(locked)
    audit.record(
        actor=access.user,
        verb="report_issue.commented",
        obj=locked,
        relationship=locked.relationship,
        changes=changes,
    )
    return locked


@transaction.atomic
def revise(*, access: RelationshipAccess, issue: ReportIssue, reason: str) -> ReportIssue:
    """A correction of a published issue: a new draft revision with a fresh snapshot, the commentary
    carried over and the reason the recipients will read; the published one stays readable."""
    require(rules.may_revise(access, issue), "revise")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the correction corrects.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": REASON_MAX}})
    latest = (
        ReportIssue.objects.select_for_update()
        .filter(definition_id=issue.definition_id, period=issue.period)
        .order_by("-revision")
        .first()
    )
    assert latest is not None
    if latest.status == IssueStatus.DRAFT:
        raise ValidationError(
            {"reason": _("Revision %(n)s is already being prepared.") % {"n": latest.revision}}
        )
    new = ReportIssue.objects.create(
        definition=issue.definition,
        relationship_id=issue.relationship_id,
        period=issue.period,
        revision=latest.revision + 1,
        reason=reason,
        data=snapshot.take(issue.definition, issue.period),
        commentary=dict(latest.commentary),
        created_by=access.user,
    )
    audit.record(
        actor=access.user,
        verb="report_issue.revised",
        obj=new,
        relationship=issue.relationship,
        changes={"revision": [latest.revision, new.revision], "reason": ["", reason]},
    )
    _queue_render(new)
    return new


@transaction.atomic
def retry(*, access: RelationshipAccess, issue: ReportIssue) -> ReportIssue:
    """Queue a draft's rendering again: after a failure, or when a queued render never ran."""
    require(rules.may_manage(access), "manage")
    locked = locked_draft(issue, None, "retry")
    if locked.render_state == RenderState.READY:
        return locked
    _rerender(locked)
    audit.record(actor=access.user, verb="report_issue.retried", obj=locked, relationship=locked.relationship)
    return locked


# --- the schedule (accord tick) ------------------------------------------------------------------------


def schedule(now: datetime) -> tuple[int, int]:
    """Generate every due issue of the active definitions (never two per period) and queue again the
    renders that failed (up to ``MAX_ATTEMPTS``) or were lost; returns (generated, requeued)."""
    today = timezone.localdate(now)
    # what to queue again is decided before this run generates anything (a new draft is not lost)
    failed = ReportIssue.objects.filter(
        status=IssueStatus.DRAFT, render_state=RenderState.FAILED, render_attempts__lt=MAX_ATTEMPTS
    )
    lost = ReportIssue.objects.filter(
        status=IssueStatus.DRAFT, render_state=RenderState.PENDING, render_queued_at__lt=now - STALE_RENDER
    )
    again = list((failed | lost).order_by("pk"))
    generated = 0
    for definition in ReportDefinition.objects.filter(active=True).select_related("relationship"):
        last = periods.latest_due(definition.period, today, definition.after_days)
        done = set(ReportIssue.objects.filter(definition=definition).values_list("period", flat=True))
        due = [p for p in periods.between(definition.first_period, last) if p not in done]
        for period in due[-SCHEDULED_PER_RUN:]:
            _issue, created = generate(access=None, definition=definition, period=period, today=today)
            generated += created
    for issue in again:
        with transaction.atomic():
            _queue_render(issue)
    requeued = len(again)
    return generated, requeued
