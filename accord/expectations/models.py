"""Shared expectations (approach A): what each side expects of the other, the terms both sides agreed,
how each month measured up against them, and the gaps that follow.

* ``Expectation``: one side's expectation of the other in a relationship, numbered ``E-n``. Its terms
  live in ``Revision`` rows: the first proposal, and each change. A revision is proposed, then agreed
  once a lead of **each** side has agreed it (``Agreement``); the agreed revision is the one in force
  until a later one is agreed (it becomes superseded). A change proposed to an agreed expectation
  leaves the agreed terms in force meanwhile, and the history keeps every revision.
* ``Assessment``: one expectation in one month: met, not met or no data, with the value, its
  numerator and denominator and the target it was held to. Measurable expectations are assessed from
  the measurements engine every month (``assessing.py``); qualitative ones are rated at a shared
  expectations meeting.
* ``Gap``: opened when an agreed expectation is not met for ``open_after`` consecutive periods; improving
  once met again, closed after ``close_after`` consecutive periods met, reopened when missed again.
  Its action plan is the register's action items whose source is the gap.

Expectations are the shared expectations team's work: both sides and the team's facilitator see all of
a relationship's expectations (``ExpectationQuerySet.visible_to``); no side keeps one private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.parties.models import Party, Relationship, Side

if TYPE_CHECKING:
    from accord.parties.access import RelationshipAccess


class Area(models.TextChoices):
    """What an expectation is about: the guidance's feedback areas, a measurement family, or other."""

    QUALITY = "quality", _("Quality and reliability of hardware and software")
    ORDERING = "ordering", _("Ease of ordering")
    REPRESENTATIVES = "representatives", _("Organization representatives")
    NPI = "npi", _("New product introduction")
    DELIVERY = "delivery", _("Product delivery")
    SUPPORT = "support", _("Technical support")
    DOCUMENTATION = "documentation", _("Documentation")
    CHANGE_NOTICES = "change_notices", _("Product change notices")
    INVOICES = "invoices", _("Invoices")
    INSTALLATION = "installation", _("Installation")
    REPAIR = "repair", _("Repair")
    TRAINING = "training", _("Training")
    FR = "FR", _("Hardware return rates (FR)")
    OTD = "OTD", _("On-time delivery (OTD)")
    REPAIR_TAT = "REPAIR", _("Repair turnaround (REPAIR)")
    NPR = "NPR", _("Problem reports (NPR)")
    FRT = "FRT", _("Fix response time (FRT)")
    OFR = "OFR", _("Overdue fix responsiveness (OFR)")
    SUPPORT_ACTIVITY = "SUPPORT", _("Technical support activity (SUPPORT)")
    OTHER = "other", _("Other")


class Comparator(models.TextChoices):
    AT_LEAST = "at_least", "≥"
    AT_MOST = "at_most", "≤"
    ABOVE = "above", ">"
    BELOW = "below", "<"


class Basis(models.IntegerChoices):
    """Which value of the measure is held to the target: the month's, or the rolling window's ending
    with it (pooled counts, measurements.md)."""

    MONTHLY = 1, _("Monthly")
    ROLLING_3 = 3, _("Rolling 3 months")
    ROLLING_12 = 12, _("Rolling 12 months")


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    RETIRED = "retired", _("Retired")


class RevisionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed, in force")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Result(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NO_DATA = "no_data", _("No data")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # a facilitator's or a writer's draft rating: counts once confirmed
    CONFIRMED = "confirmed", _("Confirmed")


class GapStatus(models.TextChoices):
    # a context each: some languages agree the word with "gap" (Spanish "brecha": abierta, cerrada)
    OPEN = "open", pgettext_lazy("gap", "Open")
    IMPROVING = "improving", _("Improving")
    CLOSED = "closed", pgettext_lazy("gap", "Closed")


class Trend(models.TextChoices):
    BETTER = "better", _("Getting better")
    WORSE = "worse", _("Getting worse")
    FLAT = "flat", _("No change")
    UNKNOWN = "", _("Not enough data")


RATING_MAX = 5
OPEN_GAPS = (GapStatus.OPEN, GapStatus.IMPROVING)


class ExpectationQuerySet(models.QuerySet["Expectation"]):
    def visible_to(self, *accesses: RelationshipAccess) -> ExpectationQuerySet:
        """THE rule of who sees which expectations, written once: both sides and the relationship's
        facilitator see every expectation of the relationship (they are the team's shared work)."""
        if not accesses:
            return self.none()
        return self.filter(relationship_id__in=[a.relationship.pk for a in accesses])

    def in_force(self) -> ExpectationQuerySet:
        return self.filter(status=Status.AGREED)


class Expectation(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="expectations")
    number = models.PositiveIntegerField(_("number"))
    holder = models.CharField(
        _("held by"),
        max_length=10,
        choices=Side,
        help_text=_("The side that expects it of the other."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PROPOSED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Who answers for meeting it on the other side; told of new gaps."),
    )
    retired_reason = models.TextField(_("reason for retiring"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ExpectationQuerySet.as_manager()

    class Meta:
        ordering = ("relationship", "number")
        constraints = [
            models.UniqueConstraint(fields=("relationship", "number"), name="expectation_number_unique"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"E-{self.number}"

    @property
    def expected_of(self) -> str:
        return Side.SUPPLIER if self.holder == Side.CUSTOMER else Side.CUSTOMER


class Revision(models.Model):
    """One version of an expectation's terms."""

    expectation = models.ForeignKey(Expectation, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    state = models.CharField(_("state"), max_length=12, choices=RevisionState, default=RevisionState.PROPOSED)
    area = models.CharField(_("area"), max_length=20, choices=Area, default=Area.OTHER)
    statement = models.TextField(_("statement"), max_length=2000)
    # A measurable target: the measure (measurements.md's code), its category (a code, or ALL), how
    # its value compares with the target, and which value (the month's or a rolling window's).
    measure = models.CharField(_("measure"), max_length=40, blank=True)
    category = models.CharField(_("product category"), max_length=20, blank=True)
    comparator = models.CharField(_("comparator"), max_length=10, choices=Comparator, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4, null=True, blank=True)
    basis = models.PositiveSmallIntegerField(_("basis"), choices=Basis, default=Basis.MONTHLY)
    # A qualitative one: the rating (of RATING_MAX) it must reach when assessed at a meeting.
    rating_target = models.PositiveSmallIntegerField(
        _("rating target"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(RATING_MAX)],
    )
    open_after = models.PositiveSmallIntegerField(
        _("open a gap after"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Consecutive periods not met before a gap opens."),
    )
    close_after = models.PositiveSmallIntegerField(
        _("close a gap after"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Consecutive periods met before a gap closes."),
    )
    reason = models.TextField(_("reason for the change"), blank=True, max_length=2000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField()
    agreed_at = models.DateTimeField(null=True, blank=True)
    # The first month assessed under these terms: the month before the one they were agreed in (that
    # month's data is what both sides saw when they agreed). Set on agreement.
    effective_month = models.CharField(max_length=7, blank=True)

    class Meta:
        ordering = ("expectation", "number")
        constraints = [
            models.UniqueConstraint(fields=("expectation", "number"), name="revision_number_unique"),
            models.UniqueConstraint(
                fields=("expectation",),
                condition=Q(state="agreed"),
                name="one_revision_in_force",
            ),
            models.UniqueConstraint(
                fields=("expectation",),
                condition=Q(state="proposed"),
                name="one_revision_proposed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expectation.reference} r{self.number}"

    @property
    def measurable(self) -> bool:
        return bool(self.measure)


class Agreement(models.Model):
    """A lead of one side agreed one revision."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="agreements")
    side = models.CharField(max_length=10, choices=Side)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ("revision", "at")
        constraints = [
            models.UniqueConstraint(fields=("revision", "side"), name="one_agreement_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.revision}: {self.side}"


class Assessment(models.Model):
    expectation = models.ForeignKey(Expectation, on_delete=models.CASCADE, related_name="assessments")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    month = models.CharField(_("month"), max_length=7)
    result = models.CharField(_("result"), max_length=10, choices=Result)
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    # Qualitative: the rating given at a meeting (1…RATING_MAX), drafted and confirmed.
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(RATING_MAX)]
    )
    status = models.CharField(max_length=10, choices=AssessmentStatus, default=AssessmentStatus.CONFIRMED)
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    automatic = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("expectation", "month")
        constraints = [
            models.UniqueConstraint(fields=("expectation", "month"), name="one_assessment_per_month"),
        ]
        indexes = [models.Index(fields=("month",), name="assessment_month")]

    def __str__(self) -> str:
        return f"{self.expectation.reference} {self.month}"

    @property
    def counts(self) -> bool:
        """It counts for the scorecard and gaps: confirmed, and either met or not met."""
        return self.status == AssessmentStatus.CONFIRMED and self.result != Result.NO_DATA


class Gap(models.Model):
    """Where performance falls short of an agreed expectation: one per expectation, reopened when missed
    again after closing."""

    expectation = models.OneToOneField(Expectation, on_delete=models.CASCADE, related_name="gap")
    status = models.CharField(_("status"), max_length=10, choices=GapStatus, default=GapStatus.OPEN)
    since = models.CharField(_("since"), max_length=7, help_text=_("The first missed month of this run."))
    opened_month = models.CharField(max_length=7)
    last_month = models.CharField(_("last assessed"), max_length=7)
    closed_month = models.CharField(max_length=7, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    size = models.FloatField(
        _("size"), null=True, blank=True, help_text=_("How far short of the target (in the measure's unit).")
    )
    trend = models.CharField(_("trend"), max_length=10, choices=Trend, blank=True, default=Trend.UNKNOWN)
    tracked_by = models.CharField(
        _("tracked by"),
        max_length=40,
        blank=True,
        help_text=_("The measure that tracks the action plan (the expectation's own, unless chosen)."),
    )
    met_streak = models.PositiveSmallIntegerField(default=0)
    times_opened = models.PositiveSmallIntegerField(default=1)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("expectation",)

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_GAPS

    @property
    def reference(self) -> str:
        return f"Gap {self.expectation.reference}"
