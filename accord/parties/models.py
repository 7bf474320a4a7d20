"""Parties (companies), the relationships between them, and who belongs where.

A Relationship is one supplier party and one customer party: the unit of sharing and of access.
Every domain row of later capabilities hangs off a relationship.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accord.lib.timezones import KNOWN_TIME_ZONES


def validate_time_zone(value: str) -> None:
    if value not in KNOWN_TIME_ZONES:
        raise ValidationError(
            _("%(value)s is not a known time zone (e.g. Europe/Berlin)."), params={"value": value}
        )


class Side(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


WRITE_ROLES = frozenset({Role.ADMIN, Role.EDITOR})


class PartyQuerySet(models.QuerySet["Party"]):
    def of_member(self, user: object) -> PartyQuerySet:
        return self.filter(memberships__user=user, memberships__is_active=True)


class Party(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    country = CountryField(_("country"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.name


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class RelationshipQuerySet(models.QuerySet["Relationship"]):
    def involving(self, party_ids: list[int] | set[int]) -> RelationshipQuerySet:
        return self.filter(Q(supplier_id__in=party_ids) | Q(customer_id__in=party_ids))


prefix_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,7}$", _("Use 2 to 8 capital letters or digits, e.g. TLA.")
)


class Relationship(models.Model):
    supplier = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="as_supplier")
    customer = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="as_customer")
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RelationshipStatus, default=RelationshipStatus.ACTIVE
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    item_prefix = models.CharField(
        _("item number prefix"),
        max_length=8,
        validators=[prefix_validator],
        help_text=_("Prefix of action item numbers, e.g. TLA gives TLA-0042."),
    )
    description = models.TextField(_("description"), blank=True)
    # What both sides are written to by default where no person's own language applies: the default
    # agenda and survey templates, new report definitions, e-mails to people without an account.
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "For what both sides share by default: agenda and survey templates, reports, e-mails to people"
            " without an account."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["supplier__name", "customer__name"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "customer"], name="relationship_unique_pair"),
            models.CheckConstraint(
                condition=~Q(supplier=models.F("customer")), name="relationship_two_parties"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.name} → {self.customer.name}"

    def side_of(self, party_id: int) -> Side | None:
        if party_id == self.supplier_id:
            return Side.SUPPLIER
        if party_id == self.customer_id:
            return Side.CUSTOMER
        return None

    def party_on(self, side: str) -> Party:
        return self.supplier if side == Side.SUPPLIER else self.customer

    def other_party(self, party_id: int) -> Party:
        return self.customer if party_id == self.supplier_id else self.supplier


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.VIEWER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["party__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["user", "party"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.party} · {self.role}"


class GuestRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")


class Guest(models.Model):
    """Someone of neither side, invited into one relationship (a shared expectations facilitator)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest_roles")
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="guests")
    role = models.CharField(_("role"), max_length=20, choices=GuestRole, default=GuestRole.FACILITATOR)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "relationship"], name="guest_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.relationship} · {self.role}"


class SiteKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization location")
    CUSTOMER = "customer", _("Customer site")


class Site(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind, default=SiteKind.ORGANIZATION)
    address = models.TextField(_("address"), blank=True)
    country = CountryField(_("country"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["party__name", "name"]
        constraints = [models.UniqueConstraint(fields=["party", "name"], name="site_unique_name")]

    def __str__(self) -> str:
        return self.name


class NormalizationBasis(models.TextChoices):
    SHIPPED_12M = "shipped_12m", _("Units shipped in the last 12 months")
    INSTALLED = "installed", _("Installed units at month end")


class ProductCategory(models.Model):
    """A TL 9000 product category (global: the handbook's classification), imported with the
    ``categories`` import (``accord.operations.importers_catalog``) or added in the Django admin.

    ``normalization_basis`` is the default: a supplier that sets its own (``SupplierCategoryBasis``,
    by a products import's ``nu_basis``) counts NPR's S its way on all its relationships."""

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("e.g. 3.2.1"))
    name = models.CharField(_("name"), max_length=200)
    normalization_basis = models.CharField(
        _("normalization basis"),
        max_length=20,
        choices=NormalizationBasis,
        default=NormalizationBasis.SHIPPED_12M,
    )
    normalization_unit = models.CharField(_("normalization unit"), max_length=60, default="units")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    table_release = models.CharField(
        _("table release"), max_length=20, blank=True, help_text=_("The handbook's table, e.g. R6.5.")
    )
    effective_from = models.DateField(
        _("effective from"),
        null=True,
        blank=True,
        help_text=_("The first month (its first day) the category's definition applies to."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("product categories")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplierCategoryBasis(models.Model):
    """How a supplier counts NPR's normalization units in a category, on all its relationships.

    Set by the supplier's products imports (``nu_basis``); a category without a row of the supplier's
    uses the category's default (``ProductCategory.normalization_basis``)."""

    supplier = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="category_bases")
    category = models.ForeignKey(ProductCategory, on_delete=models.CASCADE, related_name="supplier_bases")
    normalization_basis = models.CharField(
        _("normalization basis"), max_length=20, choices=NormalizationBasis
    )

    class Meta:
        ordering = ["supplier__name", "category__code"]
        verbose_name = _("supplier's normalization basis")
        verbose_name_plural = _("suppliers' normalization bases")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "category"], name="supplier_category_basis_unique")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.category.code}: {self.normalization_basis}"


def category_basis(*, supplier_id: int | None = None, relationship_id: int | None = None) -> Coalesce:
    """For a query of categories, the normalization basis that the supplier set for each category
    (``SupplierCategoryBasis``), else the category's default: annotate with it, e.g.
    ``ProductCategory.objects.annotate(basis=category_basis(supplier_id=…))``. The supplier is given,
    or a relationship's (reached in the same query, without reading the relationship first)."""
    own = SupplierCategoryBasis.objects.filter(category_id=OuterRef("pk"))
    if relationship_id is not None:
        own = own.filter(supplier__as_supplier=relationship_id)
    else:
        own = own.filter(supplier_id=supplier_id)
    return Coalesce(Subquery(own.order_by().values("normalization_basis")[:1]), F("normalization_basis"))


def product_basis() -> Coalesce:
    """For a query of products, their supplier's normalization basis of their category, else the
    category's default (what a products download writes as ``nu_basis``)."""
    own = SupplierCategoryBasis.objects.filter(
        supplier_id=OuterRef("supplier_id"), category_id=OuterRef("category_id")
    )
    return Coalesce(
        Subquery(own.order_by().values("normalization_basis")[:1]), F("category__normalization_basis")
    )


class Product(models.Model):
    """An item of a supplier's catalog."""

    supplier = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="products")
    code = models.CharField(_("product code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="products")
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["supplier", "code"], name="product_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Invitation(models.Model):
    """An e-mailed, signed, expiring invitation to join a party (or a relationship as a guest)."""

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.VIEWER)
    guest_of = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, null=True, blank=True, related_name="guest_invitations"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    # the invitation e-mail's language (the invitee has no account yet to say theirs); blank: English
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party__isnull=False, guest_of__isnull=True)
                | Q(party__isnull=True, guest_of__isnull=False),
                name="invitation_party_xor_guest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.party or self.guest_of}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
