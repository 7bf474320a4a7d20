"""Customized periodic reports (approach C): what a customer asked to receive, and each issue sent.

* ``ReportDefinition``: per relationship, the sections, product categories, period (monthly or
  quarterly), history, comparisons, recipients and schedule of one periodic report; numbered per
  relationship.
* ``ReportIssue``: one period's report, generated as an immutable snapshot of the data used
  (``data``); draft → published. The supplier adds commentary per section while it is a draft; a
  correction is a new revision (with a reason) and earlier revisions stay readable.
* ``ReportFile``: the rendered HTML, PDF and XLSX of an issue, each with its SHA-256; the customer's
  edition, and the supplier's internal one when the benchmark licence keeps values from customers.
  A published issue's files never change.

Who sees what is ``ReportIssueQuerySet.visible_to`` (written once): the supplier's members see every
issue of their relationships; the customer's members only published ones; a facilitator none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.parties.models import Relationship, Side

if TYPE_CHECKING:
    from accord.parties.access import RelationshipAccess

TITLE_MAX = 200
COMMENTARY_MAX = 4000
REASON_MAX = 1000
HISTORY_MIN, HISTORY_MAX = 1, 36


class Period(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Section(models.TextChoices):
    """A report's sections, in the order they print. The first five are the TL 9000 measures' families."""

    RETURNS = "returns", _("Hardware return rates")
    DELIVERY = "delivery", _("Delivery performance")
    REPAIR = "repair", _("Repair turnaround")
    PROBLEMS = "problems", _("Reported problems and fix responsiveness")
    SUPPORT = "support", _("Technical support activity")
    REGISTER = "register", _("Action item register")
    EXPECTATIONS = "expectations", _("Expectations scorecard")
    MEETINGS = "meetings", _("Meetings")


SECTION_ORDER = [s.value for s in Section]


class Benchmarks(models.TextChoices):
    NONE = "none", _("No benchmarks")
    POSITION = (
        "position",
        _(
            "Position only: the customer reads where each value stands; the values stay in the supplier's "
            "internal edition (the licence keeps them from customers)"
        ),
    )
    VALUES = "values", _("Values: the licence lets the customer see the benchmark values")


class DefinitionQuerySet(models.QuerySet["ReportDefinition"]):
    def visible_to(self, *accesses: RelationshipAccess) -> DefinitionQuerySet:
        """Both sides' members read a relationship's report definitions (what the customer asked for);
        a facilitator (a guest) reads none."""
        ids = [a.relationship.pk for a in accesses if not a.is_guest]
        return self.filter(relationship_id__in=ids) if ids else self.none()


class ReportDefinition(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="report_definitions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    sections = models.JSONField(_("sections"), default=list)
    categories = models.JSONField(_("product categories"), default=list, blank=True)
    period = models.CharField(_("period"), max_length=10, choices=Period, default=Period.QUARTERLY)
    history_months = models.PositiveSmallIntegerField(_("months of history shown"), default=12)
    compare_targets = models.BooleanField(_("compare with the agreed targets"), default=True)
    compare_previous = models.BooleanField(_("compare with the previous period"), default=True)
    benchmarks = models.CharField(
        _("TL 9000 benchmarks"), max_length=10, choices=Benchmarks, default=Benchmarks.POSITION
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("recipients")
    )
    after_days = models.PositiveSmallIntegerField(
        _("generate this many days after the period ends"), default=1
    )
    auto_publish = models.BooleanField(_("publish without review"), default=False)
    # the issues' files are written in it (the snapshot's words too: statuses, kinds, measure names)
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES, default="en")
    active = models.BooleanField(_("scheduled"), default=True)
    first_period = models.CharField(_("first period"), max_length=7)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        ordering = ["relationship", "number"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "number"], name="report_definition_number_once")
        ]

    def __str__(self) -> str:
        return f"RD-{self.number} {self.title}"

    @property
    def ref(self) -> str:
        return f"RD-{self.number}"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class RenderState(models.TextChoices):
    PENDING = "pending", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Rendering failed")


class ReportIssueQuerySet(models.QuerySet["ReportIssue"]):
    def visible_to(self, *accesses: RelationshipAccess) -> ReportIssueQuerySet:
        """THE rule of who reads which report issues, written once: the supplier's members every issue
        of their relationship (drafts are its work in progress), the customer's members published ones
        only; a facilitator (a guest) none. Pages, API, files, counts, e-mails and the audit trail all
        read issues through this method."""
        cond = Q(pk__in=[])
        for access in accesses:
            if access.is_guest:
                continue
            mine = Q(relationship_id=access.relationship.pk)
            if access.side != Side.SUPPLIER:
                mine &= Q(status=IssueStatus.PUBLISHED)
            cond |= mine
        return self.filter(cond)


class ReportIssue(models.Model):
    definition = models.ForeignKey(ReportDefinition, on_delete=models.CASCADE, related_name="issues")
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="report_issues")
    period = models.CharField(_("period"), max_length=7)
    revision = models.PositiveSmallIntegerField(default=1)
    reason = models.TextField(_("reason for the correction"), max_length=REASON_MAX, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=IssueStatus, default=IssueStatus.DRAFT)
    data = models.JSONField(default=dict)  # the snapshot: every number the files show (snapshot.py)
    commentary = models.JSONField(default=dict)  # section → the supplier's text
    render_state = models.CharField(max_length=10, choices=RenderState, default=RenderState.PENDING)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(blank=True)
    render_queued_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = ReportIssueQuerySet.as_manager()

    class Meta:
        ordering = ["definition", "-period", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "period", "revision"], name="report_issue_once"),
            # never two drafts of one period: a correction starts only once the last one is published
            models.UniqueConstraint(
                fields=["definition", "period"],
                condition=Q(status="draft"),
                name="report_issue_one_draft",
            ),
        ]
        indexes = [models.Index(fields=["relationship", "status", "period"])]

    def __str__(self) -> str:
        rev = f" r{self.revision}" if self.revision > 1 else ""
        return f"{self.definition.ref} {self.period}{rev}"

    @property
    def is_draft(self) -> bool:
        return self.status == IssueStatus.DRAFT


class Edition(models.TextChoices):
    CUSTOMER = "customer", _("Customer edition")
    INTERNAL = "internal", _("Supplier internal edition")


class FileFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class ReportFile(models.Model):
    issue = models.ForeignKey(ReportIssue, on_delete=models.CASCADE, related_name="files")
    edition = models.CharField(max_length=10, choices=Edition)
    format = models.CharField(max_length=5, choices=FileFormat)
    name = models.CharField(max_length=500)  # in default_storage (the data directory, never served by URL)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issue", "edition", "format"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "edition", "format"], name="report_file_once")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.edition} {self.format}"
