"""The supplier's operational data per relationship. The foundation holds the installed base;
shipments, returns, repairs and the rest join it with the measurements capability.

The relationship of each kind has no index of its own (``db_index=False``): every kind's natural
key and date indexes begin with it, and an index less makes large imports faster.

Shipments and returns, the kinds that come by the million, have no database foreign key constraints
on their relationship and product (``db_constraint=False``): checking them row by row took half of
a large import on PostgreSQL. Nor has their product an index: only deleting a product (rare, and
refused while rows use it) looks rows up by product alone, while keeping the index up cost about a
tenth of a large import's time on PostgreSQL. Their integrity holds all the same: the import is
their only writer and looks every product up in the supplier's catalog; deleting a product they use
is refused by Django (``PROTECT``, see ``tests/operations/test_columnar.py``); a relationship is
never deleted (its audit trail protects it), and if it were, Django would delete them with it
(``CASCADE``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.parties.models import Product, Relationship, Site


class InstalledBase(models.Model):
    """Units of a product in service at one of the customer's sites."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="installed_base", db_index=False
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="installed_base")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="installed_base")
    quantity = models.PositiveIntegerField(_("quantity"))
    in_service_date = models.DateField(_("in service since"))
    serial = models.CharField(_("serial number"), max_length=100, blank=True)

    class Meta:
        ordering = ["site__name", "product__code", "in_service_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "site", "product", "in_service_date", "serial"],
                name="installed_base_key",
            )
        ]
        indexes = [models.Index(fields=["relationship", "in_service_date"])]
        verbose_name_plural = _("installed base")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product.code} at {self.site.name}"


class Shipment(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="shipments", db_index=False, db_constraint=False
    )
    shipment_id = models.CharField(max_length=100)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    ship_date = models.DateField()
    quantity = models.PositiveIntegerField()
    serial = models.CharField(max_length=100, blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order_id = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["relationship", "shipment_id"], name="shipment_key")]
        indexes = [
            models.Index(fields=["relationship", "ship_date"]),
            models.Index(fields=["relationship", "serial"]),
        ]

    def __str__(self) -> str:
        return self.shipment_id


class Return(models.Model):
    """A returned unit, counted in the month it was received (FR measures)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="returns", db_index=False, db_constraint=False
    )
    return_id = models.CharField(max_length=100)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    received_date = models.DateField()
    ship_date = models.DateField(help_text=_("From the file, or the shipment with the same serial."))
    serial = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    reason = models.CharField(max_length=300, blank=True)
    no_trouble_found = models.BooleanField(default=False)
    excluded_reason = models.CharField(
        max_length=300, blank=True, help_text=_("Not a suspected failure (retrofit, stock rotation, …).")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["relationship", "return_id"], name="return_key")]
        indexes = [models.Index(fields=["relationship", "received_date"])]

    def __str__(self) -> str:
        return self.return_id


class Repair(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="repairs", db_index=False
    )
    repair_id = models.CharField(max_length=100)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    received_date = models.DateField()
    shipped_date = models.DateField(null=True, blank=True)
    return_id = models.CharField(max_length=100, blank=True)
    finding = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["relationship", "repair_id"], name="repair_key")]
        indexes = [
            models.Index(fields=["relationship", "received_date"]),
            models.Index(fields=["relationship", "shipped_date"]),
        ]

    def __str__(self) -> str:
        return self.repair_id


class OrderLine(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="order_lines", db_index=False
    )
    order_id = models.CharField(max_length=100)
    line = models.CharField(max_length=20)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    requested_date = models.DateField()
    promised_date = models.DateField(null=True, blank=True)
    delivered_date = models.DateField(null=True, blank=True)
    delivered_quantity = models.PositiveIntegerField(null=True, blank=True)
    early_accepted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "order_id", "line"], name="order_line_key")
        ]
        indexes = [
            models.Index(fields=["relationship", "requested_date"]),
            models.Index(fields=["relationship", "promised_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line}"


class Severity(models.IntegerChoices):
    CRITICAL = 1, _("Critical")
    MAJOR = 2, _("Major")
    MINOR = 3, _("Minor")


class ProblemReport(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="problem_reports", db_index=False
    )
    report_id = models.CharField(max_length=100)
    received_date = models.DateField()
    severity = models.PositiveSmallIntegerField(choices=Severity)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    fix_delivered_date = models.DateField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    customer_originated = models.BooleanField(default=True)
    duplicate_of = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "report_id"], name="problem_report_key")
        ]
        indexes = [
            models.Index(fields=["relationship", "received_date"]),
            models.Index(fields=["relationship", "fix_delivered_date"]),
        ]

    def __str__(self) -> str:
        return self.report_id


class SupportTicket(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="support_tickets", db_index=False
    )
    ticket_id = models.CharField(max_length=100)
    opened_at = models.DateTimeField()
    severity = models.PositiveSmallIntegerField(choices=Severity)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    category = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "ticket_id"], name="support_ticket_key")
        ]
        indexes = [
            models.Index(fields=["relationship", "opened_at"]),
            models.Index(fields=["relationship", "resolved_at"]),
        ]

    def __str__(self) -> str:
        return self.ticket_id


class Benchmark(models.Model):
    """TL 9000 published benchmarks, imported under licence (never invented) by a supplier's admins.

    They are the supplier's (its licence, its charts): shown on the measurements of its relationships
    only, so no other party can change what a supplier and its customers see."""

    supplier = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="benchmarks")
    category = models.ForeignKey(
        "parties.ProductCategory", on_delete=models.CASCADE, related_name="benchmarks"
    )
    measure = models.CharField(max_length=40)
    month = models.CharField(max_length=7)
    best_in_class = models.FloatField()
    industry_average = models.FloatField()
    worst_in_class = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supplier", "category", "measure", "month"], name="benchmark_key")
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.measure} {self.month}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    REJECTED = "rejected", _("Rejected (bad rows)")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """One import of one file: who, when, what, how it went. Large files run in the worker."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, null=True, blank=True, related_name="import_batches"
    )
    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    stored_file = models.CharField(max_length=500, blank=True, help_text=_("Kept for a retry."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(
        max_length=300, blank=True, help_text=_("host:pid of the process running it (to tell a dead one).")
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=BatchStatus, default=BatchStatus.QUEUED)
    dry_run = models.BooleanField(default=False)
    ignore_extra = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_validated = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text=_("The first errors: [row, column, value, reason]")
    )
    message = models.TextField(blank=True)
    read_as = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("What the file was read as: CSV separated by ';', encoded Windows-1252, …"),
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["relationship", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

    @property
    def duration(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
