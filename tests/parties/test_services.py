from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from accord.audit.models import AuditEvent
from accord.lib.errors import Conflict
from accord.parties import services
from accord.parties.models import Guest, Invitation, Membership, Relationship, Role


def test_it_creates_a_relationship_with_a_suggested_slug_and_prefix(world: Any) -> None:
    party = services.create_party(actor=world.ada, name="Metro Fibre GmbH")
    rel = services.create_relationship(actor=world.ada, supplier=world.northwind, customer=party)
    assert rel.slug == "northwind-metro-fibre-gmbh"
    assert rel.item_prefix == "MFG"
    event = AuditEvent.objects.get(verb="relationship.created", object_id=str(rel.pk))
    assert event.actor == world.ada and event.relationship == rel


def test_it_refuses_a_second_relationship_between_the_same_parties(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_relationship(actor=None, supplier=world.northwind, customer=world.telco_a)
    assert "already have a relationship" in str(exc.value)


def test_it_refuses_a_relationship_of_a_party_with_itself(world: Any) -> None:
    with pytest.raises(ValidationError, match="two different parties"):
        services.create_relationship(actor=None, supplier=world.northwind, customer=world.northwind)


def test_it_updates_settings_and_audits_old_and_new_values(world: Any) -> None:
    rel = services.update_relationship(
        actor=world.ada, relationship=world.nw_ta, version=1, time_zone="Europe/Berlin", status="paused"
    )
    assert rel.version == 2
    event = AuditEvent.objects.get(verb="relationship.updated")
    assert event.changes == {"status": ["active", "paused"], "time_zone": ["UTC", "Europe/Berlin"]}


def test_a_stale_version_is_refused_and_nothing_changes(world: Any) -> None:
    services.update_relationship(actor=world.ada, relationship=world.nw_ta, version=1, description="first")
    with pytest.raises(Conflict) as exc:
        services.update_relationship(
            actor=world.ada, relationship=world.nw_ta, version=1, description="second"
        )
    assert exc.value.current.description == "first"
    assert Relationship.objects.get(pk=world.nw_ta.pk).description == "first"


def test_an_unknown_time_zone_is_a_field_error(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_relationship(
            actor=world.ada, relationship=world.nw_ta, version=1, time_zone="Mars/Base"
        )
    assert "time_zone" in exc.value.message_dict


def test_an_invalid_prefix_is_a_field_error(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_relationship(actor=world.ada, relationship=world.nw_ta, version=1, item_prefix="a-b")
    assert "item_prefix" in exc.value.message_dict


def test_saving_without_a_change_keeps_the_version_and_writes_no_event(world: Any) -> None:
    before = AuditEvent.objects.count()
    rel = services.update_relationship(actor=world.ada, relationship=world.nw_ta, version=1, status="active")
    assert rel.version == 1 and AuditEvent.objects.count() == before


def test_an_invitation_is_emailed_with_a_signed_link_and_accepted(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # the link is signed with the second it was made: sent and recomputed within one frozen second
    with time_machine.travel(timezone.now(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invite(
                actor=world.ada, party=world.northwind, email="New.Person@Northwind.example", role=Role.EDITOR
            )
        url = services.invitation_url(invitation)
    assert invitation.email == "new.person@northwind.example"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@northwind.example"]
    assert "Ada Quinn invites you to Northwind Networks" in message.subject
    assert url in message.body
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert services.invitation_from_token(token) == invitation
    user = services.accept_invitation(
        invitation=invitation, user=None, full_name="New Person", password="a-Strong-passw0rd"
    )
    assert Membership.objects.get(user=user, party=world.northwind).role == Role.EDITOR
    assert user.check_password("a-Strong-passw0rd")
    assert services.invitation_from_token(token) is None  # used once only


def test_an_expired_or_forged_invitation_link_does_not_work(world: Any, settings: Any) -> None:
    invitation = services.invite(
        actor=world.ada, party=world.northwind, email="x@northwind.example", role=Role.VIEWER
    )
    assert services.invitation_from_token("forged") is None
    expired = signing.dumps({"i": invitation.pk}, salt=services.INVITATION_SALT)
    settings.ACCORD_INVITATION_DAYS = -1
    assert services.invitation_from_token(expired) is None


def test_inviting_again_withdraws_the_earlier_invitation(world: Any) -> None:
    first = services.invite(
        actor=world.ada, party=world.northwind, email="x@northwind.example", role=Role.VIEWER
    )
    services.invite(actor=world.ada, party=world.northwind, email="x@northwind.example", role=Role.EDITOR)
    first.refresh_from_db()
    assert not first.is_open


def test_inviting_a_member_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError, match="already a member"):
        services.invite(
            actor=world.ada, party=world.northwind, email="sam@northwind.example", role=Role.VIEWER
        )


def test_inviting_a_bad_address_is_a_field_error(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.invite(actor=world.ada, party=world.northwind, email="not-an-address", role=Role.VIEWER)
    assert "email" in exc.value.message_dict


def test_accepting_needs_a_password_for_a_new_account(world: Any) -> None:
    invitation = services.invite(
        actor=world.ada, party=world.northwind, email="x@northwind.example", role=Role.VIEWER
    )
    with pytest.raises(ValidationError):
        services.accept_invitation(invitation=invitation, user=None, full_name="X", password="")
    assert Invitation.objects.get(pk=invitation.pk).is_open


def test_an_existing_person_accepts_while_signed_in(world: Any) -> None:
    invitation = services.invite(
        actor=None, party=world.northwind, email="carol@telco-a.example", role=Role.VIEWER
    )
    with pytest.raises(ValidationError, match="sign in first"):
        services.accept_invitation(
            invitation=invitation, user=None, full_name="C", password="whatever-123456"
        )
    services.accept_invitation(invitation=invitation, user=world.carol)
    assert Membership.objects.filter(user=world.carol, party=world.northwind).exists()


def test_a_facilitator_invitation_makes_a_guest(world: Any) -> None:
    invitation = services.invite_guest(
        actor=world.ada, relationship=world.nw_tb, email="fay@facilitators.example"
    )
    services.accept_invitation(invitation=invitation, user=world.fay)
    assert Guest.objects.filter(user=world.fay, relationship=world.nw_tb).exists()


def test_a_party_keeps_at_least_one_admin(world: Any) -> None:
    membership = Membership.objects.get(user=world.ada, party=world.northwind)
    with pytest.raises(ValidationError, match="at least one admin"):
        services.change_membership(actor=world.ada, membership=membership, role=Role.VIEWER, is_active=True)
    services.change_membership(
        actor=world.ada, membership=Membership.objects.get(user=world.sam), role=Role.ADMIN, is_active=True
    )
    services.change_membership(actor=world.ada, membership=membership, role=Role.VIEWER, is_active=True)
    assert AuditEvent.objects.filter(verb="membership.updated", party=world.northwind).count() == 2


def test_creating_a_customer_makes_party_relationship_and_admin_invitation(world: Any) -> None:
    party, rel, invitation = services.create_counterpart(
        actor=world.ada,
        home=world.northwind,
        name="Telco C",
        seat="customer",
        admin_email="admin@telco-c.example",
    )
    assert (rel.supplier, rel.customer) == (world.northwind, party)
    assert (invitation.party, invitation.role) == (party, Role.ADMIN)


def test_creating_a_supplier_puts_home_in_the_customer_seat(world: Any) -> None:
    party, rel, _ = services.create_counterpart(
        actor=world.ada,
        home=world.northwind,
        name="Photon Optics",
        seat="supplier",
        admin_email="omar@photon.example",
    )
    assert (rel.supplier, rel.customer) == (party, world.northwind)


def test_site_and_product_changes_are_versioned_and_audited(world: Any) -> None:
    site = services.update_site(
        actor=world.carol, site=world.ta_site, version=1, name="Munich core DC", country="de"
    )
    assert (site.version, site.country) == (2, "DE")
    with pytest.raises(Conflict):
        services.update_site(actor=world.carol, site=world.ta_site, version=1, name="stale")
    product = services.update_product(actor=world.ada, product=world.product, version=1, name="OTX-100 shelf")
    assert product.version == 2
    assert AuditEvent.objects.filter(
        verb="product.updated", changes__name=["OTX-100", "OTX-100 shelf"]
    ).exists()


def test_a_duplicate_product_code_is_a_validation_error(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.create_product(
            actor=world.ada, supplier=world.northwind, code="NW-OTX-100", name="dup", category=world.category
        )
