"""The action item register: every source of action items feeds one register per relationship."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accord.parties.models import Party, Relationship

if TYPE_CHECKING:
    from accord.parties.access import RelationshipAccess


class OwnerSide(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")
    JOINT = "joint", _("Joint")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.DONE, Status.VERIFIED, Status.CANCELLED)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


PRIORITY_RANK = {Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3, Priority.CRITICAL: 4}


class Visibility(models.TextChoices):
    SHARED = "shared", _("Shared with both sides")
    PRIVATE = "private", _("Private to our side")


class SourceKind(models.TextChoices):
    """Where an item came from. Later capabilities add their kinds (and a link to the record)."""

    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported register")
    MEETING = "meeting", _("Meeting agenda item")
    FEEDBACK = "feedback", _("Site-visit feedback")
    GAP = "gap", _("Expectation gap")
    REPORT = "report", _("Report issue")


class TaskForceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class TaskForce(models.Model):
    """A named group of people from both sides that works a set of action items."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="task_forces")
    name = models.CharField(_("name"), max_length=200)
    charter = models.TextField(_("charter"), blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="task_forces", verbose_name=_("members")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskForceStatus, default=TaskForceStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["status", "name"]
        constraints = [models.UniqueConstraint(fields=["relationship", "name"], name="taskforce_unique_name")]

    def __str__(self) -> str:
        return self.name


class Series(models.TextChoices):
    """Which sequence an item's number comes from (``register.numbering``): shared items keep the
    relationship's series (TLA-0007); each side's private items have their own (TLA-S0004 for the
    supplier's, TLA-C0002 for the customer's), so the shared series shows no gap where a private item sits."""

    SHARED = "", _("Shared")
    SUPPLIER = "S", _("Supplier's private")
    CUSTOMER = "C", _("Customer's private")


class ItemSequence(models.Model):
    """The last number given in each series of a relationship's register; numbers are never reused.
    One row per relationship, locked while numbers are given (``register.numbering.allocate``)."""

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, primary_key=True, related_name="item_sequence"
    )
    last_number = models.PositiveIntegerField(default=0)  # the shared series
    last_supplier_private = models.PositiveIntegerField(default=0)
    last_customer_private = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.relationship_id}: {self.last_number}"


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> ActionItemQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date) -> ActionItemQuerySet:
        return self.open().filter(due_date__lt=today)

    def visible_to(self, *accesses: RelationshipAccess) -> ActionItemQuerySet:
        """THE rule "private items stay with their side", written once.

        The items of each access's relationship that the viewer's side may see: the shared ones, and
        the private ones of the viewer's own party (a facilitator, who has no party, sees shared ones
        only). Every page, API operation, export, count, notification and digest reads items through
        this method; several accesses (one person's relationships, the home page) make one query.
        """
        if not accesses:
            return self.none()
        cond = Q()
        for access in accesses:
            side = Q(visibility=Visibility.SHARED)
            if access.party is not None:
                side |= Q(visibility=Visibility.PRIVATE, private_party_id=access.party.pk)
            cond |= Q(relationship_id=access.relationship.pk) & side
        return self.filter(cond)


class ActionItem(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="action_items")
    series = models.CharField(
        _("number series"), max_length=1, choices=Series, default=Series.SHARED, blank=True
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner_side = models.CharField(
        _("owner side"), max_length=10, choices=OwnerSide, default=OwnerSide.SUPPLIER
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_items",
        verbose_name=_("owner"),
    )
    task_force = models.ForeignKey(
        TaskForce,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("task force"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_items",
        verbose_name=_("requested by"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority, default=Priority.MEDIUM)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.SHARED
    )
    private_party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The only side that sees a private item."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    # Where the item came from: a readable label and link, and the record itself when Accord holds it.
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind, default=SourceKind.MANUAL)
    source_label = models.CharField(_("source label"), max_length=300, blank=True)
    source_url = models.CharField(_("source link"), max_length=500, blank=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    external_id = models.CharField(
        _("external ID"), max_length=100, blank=True, help_text=_("The item's ID in an imported register.")
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("related items"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text=_("When it was verified or cancelled."))
    due_moves = models.PositiveIntegerField(_("due date moves"), default=0)
    version = models.PositiveIntegerField(default=1)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["-number", "series"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "series", "number"], name="item_unique_number"),
            # per series: the other side's private items never collide with (nor reveal) an external ID
            models.UniqueConstraint(
                fields=["relationship", "series", "external_id"],
                condition=~Q(external_id=""),
                name="item_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(visibility="shared", private_party__isnull=True)
                | Q(visibility="private", private_party__isnull=False),
                name="item_private_has_party",
            ),
        ]
        indexes = [
            models.Index(fields=["relationship", "status", "due_date"]),
            models.Index(fields=["relationship", "-number"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["relationship", "-updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The key people read: TLA-0007 (shared), TLA-S0004 / TLA-C0002 (a side's private item)."""
        return f"{self.relationship.item_prefix}-{self.series}{self.number:04d}"

    @property
    def key(self) -> str:
        """The item's key within its relationship, in addresses and the API: 7, S4, C2."""
        return f"{self.series}{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < (today or timezone.localdate())


class ItemAliasQuerySet(models.QuerySet["ItemAlias"]):
    def open_to(self, access: RelationshipAccess) -> ItemAliasQuerySet:
        """The aliases ``access`` may resolve: of its relationship, whose old key the viewer's side could
        read when it was in use (an old key of the other side's private series stays unknown to this
        side, even once the item is shared). The item itself must be ``visible_to`` the viewer too:
        callers filter items through it."""
        cond = Q(private_party__isnull=True)
        if access.party is not None:
            cond |= Q(private_party_id=access.party.pk)
        return self.filter(cond, relationship_id=access.relationship.pk)


class ItemAlias(models.Model):
    """An old key of an item, kept when its visibility changed and it took a number in another series:
    addresses and API calls by the old key still find the item, for those who may see both."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=1, choices=Series, blank=True)
    number = models.PositiveIntegerField()
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="aliases")
    private_party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The only side that knew the old key (the item was private then); empty: both."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ItemAliasQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "series", "number"], name="item_alias_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.series}{self.number} → {self.item_id}"


class UpdateKind(models.TextChoices):
    CREATED = "created", _("Created")
    COMMENT = "comment", _("Comment")
    STATUS = "status", _("Status change")
    CHANGE = "change", pgettext_lazy("update kind", "Change")
    PROPOSAL = "proposal", _("Proposal")


class Decision(models.TextChoices):
    """What the owning side made of a proposal (``register.proposals``)."""

    PENDING = "", _("Waiting for the owning side")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ActionUpdateQuerySet(models.QuerySet["ActionUpdate"]):
    def visible_to(self, *accesses: RelationshipAccess) -> ActionUpdateQuerySet:
        """Timeline entries (comments, changes, status changes) of the items ``accesses`` may see."""
        return self.filter(item__in=ActionItem.objects.visible_to(*accesses))


class ActionUpdate(models.Model):
    """One entry of an item's timeline: its creation, a comment, a status change or field changes."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=UpdateKind)
    from_status = models.CharField(max_length=12, choices=Status, blank=True)
    to_status = models.CharField(max_length=12, choices=Status, blank=True)
    body = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # A comment's @mentions: people who may see the item (``register.mentions``).
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # A proposal's values ({"due_date": "YYYY-MM-DD" | None, "owner": user id | None}) and its fate.
    proposed = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=10, choices=Decision, blank=True, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ActionUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "at"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.at:%Y-%m-%d}"

    def proposal_text(self) -> str:
        """A proposal's values in words: "due date 2027-01-15, owner Sam Patel"."""
        from django.contrib.auth import get_user_model

        parts = []
        if "due_date" in self.proposed:
            parts.append(gettext("due date %(d)s") % {"d": self.proposed["due_date"] or "–"})
        if "owner" in self.proposed:
            owner_id = self.proposed["owner"]
            owner = get_user_model().objects.filter(pk=owner_id).first() if owner_id else None
            parts.append(gettext("owner %(p)s") % {"p": getattr(owner, "full_name", None) or "–"})
        return ", ".join(parts)


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("An item is assigned to me")
    DIGEST = "digest", _("Daily digest of my items due within 7 days and overdue")
    STATUS = "status", _("Status changes on items I own or requested")
    VERIFY = "verify", _("An item is done and waits for my verification")
    COMMENT = "comment", _("Comments on items I own, requested or commented on")
    MENTION = "mention", _("Someone mentions me (@name) in a comment")
    DECISION = "decision", _("The owning side accepts or declines a change I proposed")


class DigestSent(models.Model):
    """The daily digest went to this person on this day (so `accord tick` sends it once a day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
