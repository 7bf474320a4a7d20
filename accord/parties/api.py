"""API operations for who am I, relationships, their people, sites and products."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from accord.accounts.locale import Language
from accord.accounts.types import AuthedRequest
from accord.lib.api import Id, Version, responses, serializer
from accord.parties import selectors, services
from accord.parties.access import relationship_for_user
from accord.parties.models import (
    Guest,
    Membership,
    ProductCategory,
    Relationship,
    RelationshipStatus,
    SiteKind,
)

router = Router(tags=["relationships"])


class PartyOut(Schema):
    id: int
    slug: str
    name: str


class RelationshipOut(Schema):
    id: int
    slug: str
    supplier: PartyOut
    customer: PartyOut
    status: str
    time_zone: str
    item_prefix: str
    description: str
    language: str = Field(
        description="the language of what both sides share by default: agenda and survey templates, new"
        " report definitions, e-mails to people without an account"
    )
    version: int
    my_side: str | None = Field(description="supplier, customer, or null for a facilitator")
    my_role: str


class RelationshipPatch(Schema):
    version: Version
    status: RelationshipStatus | None = None
    time_zone: str | None = None
    item_prefix: str | None = None
    description: str | None = None
    language: Language | None = None


class PersonOut(Schema):
    id: int
    full_name: str
    email: str
    job_title: str
    role: str


class PeopleOut(Schema):
    supplier: list[PersonOut]
    customer: list[PersonOut]
    facilitators: list[PersonOut]


class SiteOut(Schema):
    id: int
    party: PartyOut
    name: str
    kind: str
    address: str
    country: str = Field(description="ISO 3166 alpha-2 code")
    time_zone: str
    version: int

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country)


class SiteIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: SiteKind = SiteKind.ORGANIZATION
    address: str = ""
    country: str = Field(min_length=2, max_length=2)
    time_zone: str = "UTC"


class SitePatch(Schema):
    version: Version
    name: str | None = None
    kind: SiteKind | None = None
    address: str | None = None
    country: str | None = None
    time_zone: str | None = None


class CategoryOut(Schema):
    code: str
    name: str
    normalization_basis: str


class ProductOut(Schema):
    id: int
    code: str
    name: str
    category: CategoryOut
    description: str
    is_active: bool
    version: int

    @staticmethod
    def resolve_category(product: Any) -> dict[str, str]:
        return selectors.category_of(product)


class ProductIn(Schema):
    code: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(description="TL 9000 product category code, e.g. 3.2.1")
    description: str = ""


class ProductPatch(Schema):
    version: Version
    name: str | None = None
    category: str | None = None
    description: str | None = None
    is_active: bool | None = None


class PartyRef(PartyOut):
    pass  # a party one belongs to: its own schema name in the OpenAPI document, as clients know it


class MembershipOut(Schema):
    party: PartyRef
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    job_title: str
    time_zone: str
    language: str = Field(description="the language chosen on the profile; empty: the browser's")
    memberships: list[MembershipOut]
    facilitator_of: list[int]


def _relationship(rel: Relationship, access: Any) -> dict[str, Any]:
    return {
        "id": rel.pk,
        "slug": rel.slug,
        "supplier": rel.supplier,
        "customer": rel.customer,
        "status": rel.status,
        "time_zone": rel.time_zone,
        "item_prefix": rel.item_prefix,
        "description": rel.description,
        "language": rel.language,
        "version": rel.version,
        "my_side": access.side if access else None,
        "my_role": access.role if access else "",
    }


@serializer("parties.relationship")
def _relationship_current(rel: Relationship) -> dict[str, Any]:
    out = _relationship(rel, None)
    out.pop("my_side"), out.pop("my_role")
    out["supplier"] = {"id": rel.supplier.pk, "slug": rel.supplier.slug, "name": rel.supplier.name}
    out["customer"] = {"id": rel.customer.pk, "slug": rel.customer.slug, "name": rel.customer.name}
    return out


@router.get(
    "/me",
    response=responses({200: MeOut}, takes_input=False),
    summary="Who am I",
    tags=["me"],
    operation_id="accord_accounts_api_me",  # as before it moved here: generated clients keep their names
)
def me(request: AuthedRequest) -> dict[str, object]:
    user = request.user
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("party")
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "time_zone": user.time_zone,
        "language": user.language,
        "memberships": [{"party": m.party, "role": m.role} for m in memberships],
        "facilitator_of": list(
            Guest.objects.filter(user=user, is_active=True).values_list("relationship_id", flat=True)
        ),
    }


@router.get(
    "/relationships",
    response=responses({200: list[RelationshipOut]}, takes_input=False),
    summary="Relationships I can see",
)
def list_relationships(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_relationship(a.relationship, a) for a in selectors.visible_accesses(request.user)]


@router.get("/relationships/{rel_id}", response=responses({200: RelationshipOut}), summary="One relationship")
def get_relationship(request: AuthedRequest, rel_id: Id) -> dict[str, Any]:
    access = relationship_for_user(request.user, pk=rel_id, allow_guest=True)
    return _relationship(access.relationship, access)


@router.patch(
    "/relationships/{rel_id}",
    response=responses({200: RelationshipOut}, write=True, conflict=True),
    summary="Change a relationship's settings (its admins)",
)
def patch_relationship(request: AuthedRequest, rel_id: Id, payload: RelationshipPatch) -> dict[str, Any]:
    access = relationship_for_user(request.user, pk=rel_id, admin=True)
    values = payload.dict(exclude_unset=True, exclude_none=True)
    version = values.pop("version")
    rel = services.update_relationship(
        actor=request.user, relationship=access.relationship, version=version, **values
    )
    return _relationship(rel, access)


def _person(m: Any, role: str) -> dict[str, Any]:
    return {
        "id": m.user.pk,
        "full_name": m.user.full_name,
        "email": m.user.email,
        "job_title": m.user.job_title,
        "role": role,
    }


@router.get(
    "/relationships/{rel_id}/people",
    response=responses({200: PeopleOut}),
    summary="Both sides' people and the facilitators",
)
def people(request: AuthedRequest, rel_id: Id) -> dict[str, Any]:
    rel = relationship_for_user(request.user, pk=rel_id, allow_guest=True).relationship
    return {
        "supplier": [_person(m, m.role) for m in selectors.members_of(rel.supplier)],
        "customer": [_person(m, m.role) for m in selectors.members_of(rel.customer)],
        "facilitators": [_person(g, g.role) for g in selectors.guests_of(rel)],
    }


@router.get(
    "/relationships/{rel_id}/sites", response=responses({200: list[SiteOut]}), summary="Both sides' sites"
)
def list_sites(request: AuthedRequest, rel_id: Id) -> Any:
    return selectors.sites_in(relationship_for_user(request.user, pk=rel_id).relationship)


@router.post(
    "/relationships/{rel_id}/sites",
    response=responses({201: SiteOut}, write=True),
    summary="Add a site of my own party",
)
def create_site(request: AuthedRequest, rel_id: Id, payload: SiteIn) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    assert access.party is not None  # writers are members, never guests
    return 201, services.create_site(actor=request.user, party=access.party, **payload.dict())


@router.patch(
    "/relationships/{rel_id}/sites/{site_id}",
    response=responses({200: SiteOut}, write=True, conflict=True),
    summary="Change a site of my party",
)
def patch_site(request: AuthedRequest, rel_id: Id, site_id: Id, payload: SitePatch) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    site = selectors.sites_in(access.relationship).filter(pk=site_id).first()
    if site is None:
        raise Http404
    if site.party_id != access.party.pk:  # type: ignore[union-attr]
        raise PermissionDenied(_("Only the site's own party may change it."))
    values = payload.dict(exclude_unset=True, exclude_none=True)
    return services.update_site(actor=request.user, site=site, version=values.pop("version"), **values)


@serializer("parties.site")
def _site_current(site: Any) -> dict[str, Any]:
    return {
        "id": site.pk,
        "party": {"id": site.party.pk, "slug": site.party.slug, "name": site.party.name},
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "country": str(site.country),
        "time_zone": site.time_zone,
        "version": site.version,
    }


@router.get(
    "/relationships/{rel_id}/products",
    response=responses({200: list[ProductOut]}),
    summary="The supplier's product catalog",
)
def list_products(request: AuthedRequest, rel_id: Id) -> Any:
    return selectors.products_of(relationship_for_user(request.user, pk=rel_id).relationship.supplier)


def _category(code: str) -> ProductCategory:
    category = ProductCategory.objects.filter(code=code).first()
    if category is None:
        raise ValidationError(
            {"category": [_("Unknown TL 9000 product category %(code)s.") % {"code": code}]}
        )
    return category


def _supplier_writer(request: AuthedRequest, rel_id: Id) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    if access.side != "supplier":
        raise PermissionDenied(_("Only the supplier keeps its product catalog."))
    return access


@router.post(
    "/relationships/{rel_id}/products",
    response=responses({201: ProductOut}, write=True),
    summary="Add a product to the supplier's catalog (supplier editors)",
)
def create_product(request: AuthedRequest, rel_id: Id, payload: ProductIn) -> Any:
    access = _supplier_writer(request, rel_id)
    values = payload.dict()
    values["category"] = _category(values["category"])
    return 201, services.create_product(actor=request.user, supplier=access.party, **values)


@router.patch(
    "/relationships/{rel_id}/products/{product_id}",
    response=responses({200: ProductOut}, write=True, conflict=True),
    summary="Change a product",
)
def patch_product(request: AuthedRequest, rel_id: Id, product_id: Id, payload: ProductPatch) -> Any:
    access = _supplier_writer(request, rel_id)
    product = selectors.products_of(access.party).filter(pk=product_id).first()
    if product is None:
        raise Http404
    values = payload.dict(exclude_unset=True, exclude_none=True)
    if "category" in values:
        values["category"] = _category(values["category"])
    return services.update_product(
        actor=request.user, product=product, version=values.pop("version"), **values
    )


@serializer("parties.product")
def _product_current(product: Any) -> dict[str, Any]:
    return {
        "id": product.pk,
        "code": product.code,
        "name": product.name,
        "description": product.description,
        "is_active": product.is_active,
        "version": product.version,
        "category": selectors.category_of(product),
    }
