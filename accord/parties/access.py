"""The only doors to tenant data.

Every view and API operation reaches a relationship, party or their records through these
functions. Missing objects and objects of another tenant give the same ``Http404``; a visible
object that the viewer's role may not change gives ``PermissionDenied`` (403).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accord.parties.models import (
    WRITE_ROLES,
    Guest,
    GuestRole,
    Membership,
    Party,
    Product,
    Relationship,
    Role,
    Side,
    Site,
)

ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


def _not_found() -> Http404:
    return Http404(_("Not found."))


@dataclass(frozen=True)
class RelationshipAccess:
    """What one person may do in one relationship."""

    relationship: Relationship
    user: Any
    party: Party | None  # the viewer's own party in this relationship; None for a guest
    side: Side | None
    role: str  # admin · editor · viewer · facilitator

    @property
    def is_guest(self) -> bool:
        return self.party is None

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def other_party(self) -> Party | None:
        return None if self.party is None else self.relationship.other_party(self.party.pk)

    @property
    def role_label(self) -> str:
        """The role as people read it, in the active language ("Editor", "Facilitator")."""
        return str(dict([*Role.choices, *GuestRole.choices]).get(self.role, self.role))


@dataclass(frozen=True)
class PartyAccess:
    """What one person may do with one party: members by role, counterparts read only."""

    party: Party
    user: Any
    role: str | None  # None when the viewer is not a member (a counterpart)

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def member_roles(user: Any) -> dict[int, str]:
    """party id → role, for the user's active memberships."""
    if not _active(user):
        return {}
    return dict(Membership.objects.filter(user=user, is_active=True).values_list("party_id", "role"))


def visible_relationships(user: Any) -> QuerySet[Relationship]:
    """Every relationship the user may open: their parties' and those they are a guest of."""
    if not _active(user):
        return Relationship.objects.none()
    party_ids = list(member_roles(user))
    guest_of = Guest.objects.filter(user=user, is_active=True).values("relationship_id")
    return Relationship.objects.filter(
        Q(supplier_id__in=party_ids) | Q(customer_id__in=party_ids) | Q(pk__in=guest_of)
    ).select_related("supplier", "customer")


def visible_party_ids(user: Any) -> set[int]:
    """The user's parties and every counterpart of a relationship of theirs (not a guest's)."""
    roles = member_roles(user)
    ids = set(roles)
    for supplier_id, customer_id in Relationship.objects.involving(ids).values_list(
        "supplier_id", "customer_id"
    ):
        ids.update((supplier_id, customer_id))
    return ids


def _check(role: str, *, write: bool, admin: bool) -> None:
    if admin and role != Role.ADMIN:
        raise PermissionDenied(_("Only an admin of this party may do that."))
    if write and role not in WRITE_ROLES:
        raise PermissionDenied(_("Your role may read but not change this."))


def _access(
    user: Any, relationship: Relationship, roles: dict[int, str], guest_role: str | None
) -> RelationshipAccess | None:
    """The access that ``roles`` (party id → role) or a guest role give ``user`` to ``relationship``."""
    best: tuple[int, int] | None = None
    for party_id in (relationship.supplier_id, relationship.customer_id):
        if party_id in roles:
            rank = ROLE_RANK[Role(roles[party_id])]
            if best is None or rank > best[1]:
                best = (party_id, rank)
    if best is not None:
        party_id = best[0]
        party = relationship.supplier if party_id == relationship.supplier_id else relationship.customer
        side = relationship.side_of(party_id)
        return RelationshipAccess(relationship, user, party, side, roles[party_id])
    if guest_role is not None:
        return RelationshipAccess(relationship, user, None, None, guest_role)
    return None


def access_from(
    user: Any, relationship: Relationship, *, allow_guest: bool = False
) -> RelationshipAccess | None:
    """The viewer's access to an already-loaded relationship, or None when they have none."""
    found = accesses_for(user, [relationship], allow_guest=allow_guest)
    return found[0] if found else None


def accesses_for(
    user: Any, relationships: Iterable[Relationship] | None = None, *, allow_guest: bool = False
) -> list[RelationshipAccess]:
    """The viewer's access to each of ``relationships`` (default: every one they may open) that they
    have access to, in their order; two queries whatever their number."""
    if relationships is None:
        relationships = visible_relationships(user)
    roles = member_roles(user)
    guest_roles: dict[int, str] = {}
    if allow_guest and _active(user):
        guest_roles = dict(
            Guest.objects.filter(user=user, is_active=True).values_list("relationship_id", "role")
        )
    found = (_access(user, rel, roles, guest_roles.get(rel.pk)) for rel in relationships)
    return [access for access in found if access is not None]


def relationship_for_user(
    user: Any,
    *,
    pk: int | None = None,
    slug: str | None = None,
    write: bool = False,
    admin: bool = False,
    allow_guest: bool = False,
) -> RelationshipAccess:
    """The relationship by id or slug, with the viewer's access; 404 when it is not theirs to see.

    ``allow_guest`` admits a facilitator (read only); pages that are not shared-expectations work
    leave it off, so a guest gets the same 404 as a stranger.
    """
    if not _active(user) or (pk is None and slug is None):
        raise _not_found()
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    relationship = Relationship.objects.select_related("supplier", "customer").filter(**lookup).first()
    if relationship is None:
        raise _not_found()
    access = access_from(user, relationship, allow_guest=allow_guest)
    if access is None:
        raise _not_found()
    if access.is_guest and (write or admin):
        raise PermissionDenied(_("A facilitator may read but not change this."))
    _check(access.role, write=write, admin=admin)
    return access


def first_or_404(queryset: QuerySet[Any]) -> Any:
    """The first row of ``queryset`` (already scoped to what the viewer may see), or the one 404."""
    found = queryset.first()
    if found is None:
        raise _not_found()
    return found


def party_for_user(user: Any, *, slug: str, write: bool = False, admin: bool = False) -> PartyAccess:
    """A party the viewer belongs to, or a counterpart of one of their relationships (read only)."""
    if not _active(user):
        raise _not_found()
    party = Party.objects.filter(slug=slug).first()
    if party is None or party.pk not in visible_party_ids(user):
        raise _not_found()
    role = member_roles(user).get(party.pk)
    if role is None and (write or admin):
        raise PermissionDenied(_("Only members of this party may change it."))
    if role is not None:
        _check(role, write=write, admin=admin)
    return PartyAccess(party, user, role)


def site_for_user(user: Any, *, pk: int, write: bool = False) -> tuple[Site, PartyAccess]:
    site = Site.objects.select_related("party").filter(pk=pk).first()
    if site is None:
        raise _not_found()
    return site, party_for_user(user, slug=site.party.slug, write=write)


def product_for_user(user: Any, *, pk: int, write: bool = False) -> tuple[Product, PartyAccess]:
    product = Product.objects.select_related("supplier", "category").filter(pk=pk).first()
    if product is None:
        raise _not_found()
    return product, party_for_user(user, slug=product.supplier.slug, write=write)


def membership_for_admin(user: Any, *, pk: int) -> tuple[Membership, PartyAccess]:
    """A membership that the viewer administers (admin of its party)."""
    membership = Membership.objects.select_related("party", "user").filter(pk=pk).first()
    if membership is None:
        raise _not_found()
    return membership, party_for_user(user, slug=membership.party.slug, admin=True)
