"""Every write about parties, relationships, people, sites and products.

Each function is keyword-only, runs in one transaction, validates its input (raising Django's
``ValidationError`` with field messages) and writes one audit event.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accord.accounts.locale import of_recipient, supported
from accord.accounts.models import User
from accord.audit import services as audit
from accord.audit.versioned import versioned_update
from accord.lib import written
from accord.lib.mail import absolute_url, queue_email
from accord.parties.models import (
    Guest,
    GuestRole,
    Invitation,
    Membership,
    Party,
    Product,
    Relationship,
    Role,
    Side,
    Site,
)

INVITATION_SALT = "accord.parties.invitation"


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude)


def _unique_slug(model: Any, base: str) -> str:
    base = slugify(base)[:40] or "x"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def suggest_prefix(name: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", name.upper())
    prefix = "".join(w[0] for w in words)[:4] if len(words) > 1 else (words[0][:3] if words else "REL")
    if not prefix[0].isalpha():
        prefix = "R" + prefix
    return (prefix + "XX")[: max(2, len(prefix))]


# --- parties and relationships -------------------------------------------------------------------


@transaction.atomic
def create_party(*, actor: User | None, name: str, slug: str = "", country: str = "") -> Party:
    party = Party(name=name.strip(), slug=slug.strip() or _unique_slug(Party, name), country=country.upper())
    _clean(party)
    party.save()
    audit.record(actor=actor, verb="party.created", obj=party, party=party)
    return party


@transaction.atomic
def create_relationship(
    *,
    actor: User | None,
    supplier: Party,
    customer: Party,
    slug: str = "",
    item_prefix: str = "",
    time_zone: str = "UTC",
    description: str = "",
    language: str = "en",
) -> Relationship:
    if supplier.pk == customer.pk:
        raise ValidationError({"customer": _("A relationship needs two different parties.")})
    if Relationship.objects.filter(supplier=supplier, customer=customer).exists():
        raise ValidationError(
            {
                "customer": _("%(s)s and %(c)s already have a relationship.")
                % {"s": supplier.name, "c": customer.name}
            }
        )
    relationship = Relationship(
        supplier=supplier,
        customer=customer,
        slug=slug.strip() or _unique_slug(Relationship, f"{supplier.slug}-{customer.slug}"),
        item_prefix=(item_prefix.strip().upper() or suggest_prefix(customer.name)),
        time_zone=time_zone,
        description=description,
        language=language or settings.LANGUAGE_CODE,
    )
    _clean(relationship)
    relationship.save()
    audit.record(actor=actor, verb="relationship.created", obj=relationship, relationship=relationship)
    return relationship


RELATIONSHIP_FIELDS = ["status", "time_zone", "item_prefix", "description", "language"]


@transaction.atomic
def update_relationship(
    *, actor: User, relationship: Relationship, version: int, **values: Any
) -> Relationship:
    return versioned_update(
        relationship,
        version=version,
        fields=RELATIONSHIP_FIELDS,
        values=values,
        actor=actor,
        verb="relationship.updated",
        relationship=relationship,
    ).obj


@transaction.atomic
def create_counterpart(
    *,
    actor: User,
    home: Party,
    name: str,
    seat: str,
    admin_email: str,
    admin_name: str = "",
    slug: str = "",
    item_prefix: str = "",
    time_zone: str = "UTC",
    language: str = "en",
) -> tuple[Party, Relationship, Invitation]:
    """A new customer (or supplier, by ``seat``) of ``home``, its relationship, and its first admin's
    invitation."""
    if seat not in (Side.CUSTOMER, Side.SUPPLIER):
        raise ValidationError({"seat": _("Choose customer or supplier.")})
    party = create_party(actor=actor, name=name, slug=slug)
    supplier, customer = (home, party) if seat == Side.CUSTOMER else (party, home)
    relationship = create_relationship(
        actor=actor,
        supplier=supplier,
        customer=customer,
        item_prefix=item_prefix,
        time_zone=time_zone,
        language=language,
    )
    invitation = invite(
        actor=actor,
        party=party,
        email=admin_email,
        role=Role.ADMIN,
        full_name=admin_name,
        language=relationship.language,
    )
    return party, relationship, invitation


# --- people ------------------------------------------------------------------------------------


@transaction.atomic
def add_member(*, actor: User | None, party: Party, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose admin, editor or viewer.")})
    membership, created = Membership.objects.get_or_create(user=user, party=party, defaults={"role": role})
    if not created:
        before = audit.snapshot(membership, ["role", "is_active"])
        membership.role, membership.is_active = role, True
        membership.save(update_fields=["role", "is_active"])
        changes = audit.changes_between(before, audit.snapshot(membership, before))
        audit.record(actor=actor, verb="membership.updated", obj=membership, party=party, changes=changes)
    else:
        audit.record(
            actor=actor,
            verb="membership.created",
            obj=membership,
            party=party,
            changes={"role": [None, role]},
        )
    return membership


def _admins_left(party: Party, excluding: Membership) -> int:
    return (
        Membership.objects.filter(party=party, role=Role.ADMIN, is_active=True, user__is_active=True)
        .exclude(pk=excluding.pk)
        .count()
    )


@transaction.atomic
def change_membership(*, actor: User, membership: Membership, role: str, is_active: bool) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose admin, editor or viewer.")})
    membership = Membership.objects.select_for_update().select_related("party", "user").get(pk=membership.pk)
    losing_admin = membership.role == Role.ADMIN and (role != Role.ADMIN or not is_active)
    if losing_admin and _admins_left(membership.party, membership) == 0:
        raise ValidationError({"role": _("A party needs at least one admin; make someone else admin first.")})
    before = audit.snapshot(membership, ["role", "is_active"])
    membership.role, membership.is_active = role, is_active
    membership.save(update_fields=["role", "is_active"])
    changes = audit.changes_between(before, audit.snapshot(membership, before))
    if changes:
        audit.record(
            actor=actor, verb="membership.updated", obj=membership, party=membership.party, changes=changes
        )
    return membership


@transaction.atomic
def create_user(*, actor: User | None, email: str, full_name: str, password: str | None) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this e-mail address already has an account.")})
    user = User(email=email, full_name=full_name.strip() or email.split("@")[0])
    _clean(user, exclude=["password"])
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(actor=actor, verb="user.created", obj=user)
    return user


# --- invitations ---------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return absolute_url(reverse("parties:invitation", args=[invitation_token(invitation)]))


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation behind a signed link, or None when it is forged, expired or used."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=settings.ACCORD_INVITATION_DAYS * 86400)
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.select_related("party", "guest_of__supplier", "guest_of__customer")
        .filter(pk=data.get("i"))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


def _send_invitation(invitation: Invitation) -> None:
    with of_recipient(None, invitation.language):
        _queue_invitation(invitation)


def _queue_invitation(invitation: Invitation) -> None:
    target = invitation.party.name if invitation.party else str(invitation.guest_of)
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else "Accord"
    queue_email(
        to=[invitation.email],
        subject=_("%(inviter)s invites you to %(target)s on Accord") % {"inviter": inviter, "target": target},
        template="email/invitation.txt",
        context={
            "invitation": invitation,
            "target": target,
            "inviter": inviter,
            "url": invitation_url(invitation),
            "days": settings.ACCORD_INVITATION_DAYS,
        },
    )


def _validate_email(email: str) -> str:
    email = email.strip().lower()
    Invitation(email=email).clean_fields(
        exclude=[f.name for f in Invitation._meta.fields if f.name != "email"]
    )
    return email


@transaction.atomic
def invite(
    *, actor: User | None, party: Party, email: str, role: str, full_name: str = "", language: str = ""
) -> Invitation:
    """Invite someone to ``party`` with ``role``; the e-mail, in ``language``, carries a signed link that
    expires."""
    email = _validate_email(email)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose admin, editor or viewer.")})
    if Membership.objects.filter(party=party, user__email__iexact=email, is_active=True).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(party)s.")
                % {"email": email, "party": party.name}
            }
        )
    Invitation.objects.filter(party=party, email__iexact=email, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        party=party,
        role=role,
        invited_by=actor,
        language=supported(language),
    )
    audit.record(
        actor=actor, verb="invitation.sent", obj=invitation, party=party, changes={"role": [None, role]}
    )
    transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


@transaction.atomic
def invite_guest(*, actor: User, relationship: Relationship, email: str, full_name: str = "") -> Invitation:
    """Invite a facilitator: they will see only this relationship's shared-expectations work."""
    email = _validate_email(email)
    if Guest.objects.filter(relationship=relationship, user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": _("%(email)s is already a facilitator here.") % {"email": email}})
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        guest_of=relationship,
        invited_by=actor,
        language=relationship.language,
    )
    audit.record(
        actor=actor,
        verb="invitation.sent",
        obj=invitation,
        relationship=relationship,
        changes={"role": [None, GuestRole.FACILITATOR]},
    )
    transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


@transaction.atomic
def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    if invitation.is_open:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            verb="invitation.revoked",
            obj=invitation,
            party=invitation.party,
            relationship=invitation.guest_of,
        )
    return invitation


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, user: User | None, full_name: str = "", password: str = ""
) -> User:
    """Join through an invitation: as the signed-in ``user``, or as a new account with ``password``."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has already been used or withdrawn."))
    if user is None:
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if existing is not None:
            raise ValidationError(_("You already have an account: sign in first, then open the link again."))
        if not password:
            raise ValidationError({"password1": _("Choose a password.")})
        user = create_user(actor=None, email=invitation.email, full_name=full_name, password=password)
    if invitation.party is not None:
        add_member(actor=user, party=invitation.party, user=user, role=invitation.role)
    else:
        guest, _created = Guest.objects.update_or_create(
            user=user, relationship=invitation.guest_of, defaults={"is_active": True}
        )
        audit.record(actor=user, verb="guest.joined", obj=guest, relationship=invitation.guest_of)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(
        actor=user,
        verb="invitation.accepted",
        obj=invitation,
        party=invitation.party,
        relationship=invitation.guest_of,
    )
    return user


# --- sites and products --------------------------------------------------------------------------

SITE_FIELDS = ["name", "kind", "address", "country", "time_zone"]
PRODUCT_FIELDS = ["code", "name", "category", "description", "is_active"]


def _save_new(obj: Any, *, actor: User | None, party: Party, verb: str, fields: list[str]) -> Any:
    _clean(obj)
    obj.save()
    audit.record(
        actor=actor,
        verb=verb,
        obj=obj,
        party=party,
        changes=audit.changes_between({}, audit.snapshot(obj, fields)),
    )
    return obj


def _save_changes(
    obj: Any, *, actor: User, party: Party, verb: str, fields: list[str], version: int, values: dict[str, Any]
) -> Any:
    return versioned_update(
        obj, version=version, fields=fields, values=values, actor=actor, verb=verb, party=party
    ).obj


@transaction.atomic
def create_site(*, actor: User | None, party: Party, **values: Any) -> Site:
    if Site.objects.filter(party=party, name=values.get("name", "")).exists():
        raise ValidationError(
            {"name": _("%(party)s already has a site of this name.") % {"party": party.name}}
        )
    values["country"] = str(values.get("country", "")).upper()
    return _save_new(
        Site(party=party, **values), actor=actor, party=party, verb="site.created", fields=SITE_FIELDS
    )


@transaction.atomic
def update_site(*, actor: User, site: Site, version: int, **values: Any) -> Site:
    if "country" in values:
        values["country"] = str(values["country"]).upper()
    return _save_changes(
        site,
        actor=actor,
        party=site.party,
        verb="site.updated",
        fields=SITE_FIELDS,
        version=version,
        values=values,
    )


@transaction.atomic
def create_product(*, actor: User | None, supplier: Party, **values: Any) -> Product:
    if Product.objects.filter(supplier=supplier, code=values.get("code", "")).exists():
        raise ValidationError({"code": _("This product code is already in your catalog.")})
    return _save_new(
        Product(supplier=supplier, **values),
        actor=actor,
        party=supplier,
        verb="product.created",
        fields=PRODUCT_FIELDS,
    )


@transaction.atomic
def update_product(*, actor: User, product: Product, version: int, **values: Any) -> Product:
    before = product.category_id
    saved = _save_changes(
        product,
        actor=actor,
        party=product.supplier,
        verb="product.updated",
        fields=PRODUCT_FIELDS,
        version=version,
        values=values,
    )
    if saved.category_id != before:  # its records count in another category now
        for relationship in Relationship.objects.filter(supplier=saved.supplier):
            written.replaced(relationship)
    return saved
