"""Meetings of a relationship (the guidance's approaches A, B and D), their agendas, minutes and
attendance; the topic log that feeds agendas, and the customer's forecasts.

Meetings are shared by both sides of their relationship (a facilitator sees the shared expectations
team's meetings only: ``MeetingQuerySet.visible_to``). Topics may be kept private by one side, like
action items: ``TopicQuerySet.visible_to`` is the one rule.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.parties.models import Party, Product, Relationship, Side, Site, validate_time_zone

if TYPE_CHECKING:
    from accord.parties.access import RelationshipAccess


class Kind(models.TextChoices):
    SET = "set", _("Shared expectations team meeting")
    QUALITY_REVIEW = "quality_review", _("Quality review at the organization's location")
    SITE_VISIT = "site_visit", _("Customer site visit")
    PROGRAM_REVIEW = "program_review", _("Program review")
    OTHER = "other", _("Other meeting")


# The guidance's approaches: a quality review alternates between the organization's location and a
# customer site (a site visit), so both kinds are one approach for the cadence.
class Approach(models.TextChoices):
    A = "A", _("Shared expectations team")
    B = "B", _("Quality reviews")
    D = "D", _("Program reviews")


APPROACH_OF = {
    Kind.SET: Approach.A,
    Kind.QUALITY_REVIEW: Approach.B,
    Kind.SITE_VISIT: Approach.B,
    Kind.PROGRAM_REVIEW: Approach.D,
}
# What a facilitator (a Guest of the relationship) may see: the shared expectations team's work.
GUEST_KINDS = (Kind.SET,)


class Status(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")  # Spanish agrees it with "reunión"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated")
    APPROVED = "approved", _("Approved")


class Visibility(models.TextChoices):
    SHARED = "shared", _("Shared with both sides")
    PRIVATE = "private", _("Private to our side")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, *accesses: RelationshipAccess) -> MeetingQuerySet:
        """THE rule of who sees which meetings, written once: both sides see every meeting of their
        relationship; a facilitator sees the shared expectations team's meetings only."""
        if not accesses:
            return self.none()
        cond = Q()
        for access in accesses:
            mine = Q(relationship_id=access.relationship.pk)
            if access.party is None:
                mine &= Q(kind__in=GUEST_KINDS)
            cond |= mine
        return self.filter(cond)

    def upcoming(self, now: object) -> MeetingQuerySet:
        return self.filter(status=Status.SCHEDULED, ends_at__gte=now)


class Meeting(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    host_side = models.CharField(_("host side"), max_length=10, choices=Side)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("site")
    )
    remote_link = models.URLField(_("remote link"), max_length=500, blank=True)
    location_note = models.CharField(_("room or directions"), max_length=200, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_meetings",
        verbose_name=_("facilitator"),
    )
    description = models.TextField(_("purpose"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SCHEDULED)
    # The calendar invitation's identity (RFC 5545): one UID for the meeting's life, SEQUENCE bumped
    # with every change that attendees' calendars must follow.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    minutes_status = models.CharField(
        _("minutes"), max_length=12, choices=MinutesStatus, default=MinutesStatus.DRAFT
    )
    minutes_revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["relationship", "starts_at"]),
            models.Index(fields=["relationship", "kind", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def approach(self) -> str | None:
        return APPROACH_OF.get(Kind(self.kind))

    @property
    def minutes_locked(self) -> bool:
        return self.minutes_status == MinutesStatus.APPROVED

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AgendaTemplate(models.Model):
    """A relationship's agenda for a kind of meeting, kept as data (``meetings.agendas`` holds the
    guidance's defaults, copied when a relationship first needs them)."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="agenda_templates")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "kind"], name="agenda_template_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.relationship_id} {self.kind}"


class TemplateItem(models.Model):
    template = models.ForeignKey(AgendaTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    # a live data section (``meetings.sections``): "" for none, e.g. "register", "topics:customer_concern"
    binding = models.CharField(_("data"), max_length=60, blank=True)
    minutes = models.PositiveIntegerField(_("minutes allotted"), default=15)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    binding = models.CharField(_("data"), max_length=60, blank=True)
    minutes_allotted = models.PositiveIntegerField(_("minutes allotted"), default=15)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    notes = models.TextField(_("notes for the agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    topic = models.ForeignKey(
        "Topic", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    """A decision taken at a meeting, under one of its agenda items."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="outcomes"
    )
    text = models.TextField(_("decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Response(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Attendee(models.Model):
    """Someone invited: a member of either side, the facilitator, or an external guest (name and e-mail,
    no account: they get the invitation, the pre-read and the approved minutes by e-mail, nothing else)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    side = models.CharField(_("side"), max_length=10, choices=Side, blank=True)  # blank: a guest
    response = models.CharField(_("answer"), max_length=10, choices=Response, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # the accept/decline link's token, hashed (sha256 hex); the link carries the token itself
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["side", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="attendee_user_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "email"], condition=Q(user__isnull=True), name="attendee_email_once"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="attendee_user_or_email"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return str(getattr(self.user, "full_name", "") or self.user)
        return self.name or self.email

    @property
    def is_external(self) -> bool:
        return self.user_id is None


class Approval(models.Model):
    """A lead of one side approved one revision of a meeting's minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="approvals")
    revision = models.PositiveIntegerField()
    side = models.CharField(max_length=10, choices=Side)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["revision", "at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "revision", "side"], name="approval_once_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} r{self.revision} {self.side}"


class MinutesRevision(models.Model):
    """An approved revision of a meeting's minutes, frozen: the minutes, decisions, attendance and
    action items as approved (``snapshot``), and why a later revision corrected it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    approved_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.TextField(blank=True)  # why the next revision was opened
    pdf = models.CharField(max_length=500, blank=True)  # stored file name (``default_storage``)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["revision"]
        constraints = [models.UniqueConstraint(fields=["meeting", "revision"], name="minutes_revision_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} r{self.revision}"


class Pack(models.Model):
    """The pre-read pack as it was sent: the agenda with its data sections, frozen as a PDF."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.CharField(max_length=500)  # stored file name (``default_storage``)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.created_at:%Y-%m-%d %H:%M}"


class Cadence(models.Model):
    """How often a relationship's meetings should happen (the guidance's defaults)."""

    relationship = models.OneToOneField(Relationship, on_delete=models.CASCADE, related_name="cadence")
    set_months = models.PositiveSmallIntegerField(
        _("shared expectations team: at most months between meetings"), default=6
    )
    quality_review_months = models.PositiveSmallIntegerField(
        _("quality reviews: at most months between meetings"), default=6
    )
    program_review_months = models.PositiveSmallIntegerField(
        _("program reviews: at most months between meetings"), default=3
    )
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.relationship_id}"


class TopicKind(models.TextChoices):
    NONCONFORMANCE = "nonconformance", _("Nonconformance to TL 9000")
    AUDIT_FINDING = "audit_finding", _("Internal audit finding")
    ENGINEERING_COMPLAINT = "engineering_complaint", _("Engineering complaint")
    CHANGE_NOTICE = "change_notice", _("Product change notice")
    CUSTOMER_CONCERN = "customer_concern", _("Customer concern")
    ORGANIZATION_CONCERN = "organization_concern", _("Organization concern")
    TECHNICAL_ISSUE = "technical_issue", _("Technical issue")
    FEATURE_REQUEST = "feature_request", _("Feature request")
    QUALITY_ISSUE = "quality_issue", _("Quality issue")
    ORDERING_ISSUE = "ordering_issue", _("Ordering or invoicing issue")
    IMPROVEMENT = "improvement", _("Improvement opportunity")


class TopicStatus(models.TextChoices):
    OPEN = "open", _("Open")
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    DECLINED = "declined", _("Declined")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")


# Which statuses a topic of a kind may take (feature requests have their own life), the first is
# where a new topic starts; the statuses after "open work" count as settled.
FEATURE_STATUSES = (
    TopicStatus.NEW,
    TopicStatus.UNDER_REVIEW,
    TopicStatus.PLANNED,
    TopicStatus.DECLINED,
    TopicStatus.DELIVERED,
)
OTHER_STATUSES = (TopicStatus.OPEN, TopicStatus.CLOSED)
SETTLED_STATUSES = (TopicStatus.DECLINED, TopicStatus.DELIVERED, TopicStatus.CLOSED)


def statuses_for(kind: str) -> tuple[TopicStatus, ...]:
    return FEATURE_STATUSES if kind == TopicKind.FEATURE_REQUEST else OTHER_STATUSES


class TopicQuerySet(models.QuerySet["Topic"]):
    def visible_to(self, *accesses: RelationshipAccess) -> TopicQuerySet:
        """THE rule "a side's private topics stay with it", written once: the shared topics of each
        access's relationship and the private ones of the viewer's own party. A facilitator (no party)
        sees no topics: they are not the shared expectations team's work."""
        cond = Q(pk__in=[])
        for access in accesses:
            if access.party is None:
                continue
            side = Q(visibility=Visibility.SHARED) | Q(
                visibility=Visibility.PRIVATE, private_party_id=access.party.pk
            )
            cond |= Q(relationship_id=access.relationship.pk) & side
        return self.filter(cond)

    def shared(self) -> TopicQuerySet:
        return self.filter(visibility=Visibility.SHARED)

    def unsettled(self) -> TopicQuerySet:
        return self.exclude(status__in=SETTLED_STATUSES)


class Topic(models.Model):
    """An agenda input of a relationship: a concern, a finding, a change notice, a feature request…"""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="topics")
    kind = models.CharField(_("kind"), max_length=30, choices=TopicKind)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=15, choices=TopicStatus, default=TopicStatus.OPEN)
    raised_by_side = models.CharField(_("raised by"), max_length=10, choices=Side)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.SHARED
    )
    private_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # product change notices
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    products = models.ManyToManyField(
        Product, blank=True, related_name="topics", verbose_name=_("affected products")
    )
    # feature requests
    target_release = models.CharField(_("target release"), max_length=60, blank=True)
    action_items = models.ManyToManyField(
        "register.ActionItem", blank=True, related_name="topics", verbose_name=_("action items")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["relationship", "kind", "status"]),
            models.Index(fields=["relationship", "-updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility="shared", private_party__isnull=True)
                | Q(visibility="private", private_party__isnull=False),
                name="topic_private_has_party",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_settled(self) -> bool:
        return self.status in SETTLED_STATUSES


class Forecast(models.Model):
    """The customer's forecast of future requirements: a quantity of a product in a month."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="forecasts")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="forecasts")
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    quantity = models.PositiveIntegerField(_("quantity"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["month", "product__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "product", "month"], name="forecast_once_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.quantity}"


class CalendarFeed(models.Model):
    """A person's secret calendar feed address (the token hashed; a new one replaces the old)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}"
