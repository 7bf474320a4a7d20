"""Every read about parties and relationships, scoped to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accord.audit.models import AuditEvent
from accord.lib import auditing, summary
from accord.parties.access import PartyAccess, RelationshipAccess, accesses_for, visible_relationships
from accord.parties.models import (
    Guest,
    Invitation,
    Membership,
    Party,
    Product,
    Relationship,
    Site,
    SupplierCategoryBasis,
    product_basis,
)


@dataclass(frozen=True)
class HomeRow:
    access: RelationshipAccess
    counterpart: Party | None
    facts: list[summary.Fact]


def home_rows(user: Any) -> list[HomeRow]:
    """The relationships the user can see, their side in each, and what is open in each."""
    accesses = visible_accesses(user)
    facts = summary.facts_for(accesses)
    return [HomeRow(a, a.other_party, facts.get(a.relationship.pk, [])) for a in accesses]


def visible_accesses(user: Any) -> list[RelationshipAccess]:
    """The viewer's access to every relationship they may open, facilitators' included, in order."""
    ordered = visible_relationships(user).order_by("status", "supplier__name", "customer__name")
    return accesses_for(user, ordered, allow_guest=True)


def members_of(party: Party, *, include_inactive: bool = False) -> QuerySet[Membership]:
    qs = Membership.objects.filter(party=party).select_related("user").order_by("user__full_name")
    return qs if include_inactive else qs.filter(is_active=True, user__is_active=True)


def guests_of(relationship: Relationship) -> QuerySet[Guest]:
    return Guest.objects.filter(relationship=relationship, is_active=True).select_related("user")


def open_invitations(party: Party) -> QuerySet[Invitation]:
    return Invitation.objects.filter(party=party, accepted_at=None, revoked_at=None).select_related(
        "invited_by"
    )


def sites_in(relationship: Relationship) -> QuerySet[Site]:
    return Site.objects.filter(
        party_id__in=[relationship.supplier_id, relationship.customer_id]
    ).select_related("party")


def products_of(party: Party) -> QuerySet[Product]:
    """The supplier's catalog, each product with ``basis``: the supplier's NPR normalization basis of
    its category (its own, else the category's default)."""
    return Product.objects.filter(supplier=party).select_related("category").annotate(basis=product_basis())


def category_of(product: Product) -> dict[str, str]:
    """A product's category as the API shows it, with the supplier's normalization basis."""
    c = product.category
    basis = getattr(product, "basis", None)
    if basis is None:
        own = SupplierCategoryBasis.objects.filter(supplier_id=product.supplier_id, category_id=c.pk)
        basis = own.values_list("normalization_basis", flat=True).first() or c.normalization_basis
    return {"code": c.code, "name": c.name, "normalization_basis": basis}


def relationships_of(party: Party, viewer: PartyAccess) -> QuerySet[Relationship]:
    """A party's relationships that the viewer may see: all for members, the shared ones for others."""
    qs = Relationship.objects.filter(Q(supplier=party) | Q(customer=party)).select_related(
        "supplier", "customer"
    )
    if viewer.is_member:
        return qs
    return qs.filter(pk__in=visible_relationships(viewer.user).values("pk"))


def audit_trail(
    *, access: RelationshipAccess | None = None, party: Party | None = None
) -> QuerySet[AuditEvent]:
    """A relationship's events that the viewer (``access``) may read, or a party's own events."""
    qs = AuditEvent.objects.select_related("actor")
    if access is not None:
        return auditing.visible_events(qs.filter(relationship=access.relationship), access)
    return qs.filter(party=party, relationship__isnull=True)


def side_label(access: RelationshipAccess) -> str:
    if access.is_guest:
        return _("Facilitator")
    return _("Supplier") if access.side == "supplier" else _("Customer")
