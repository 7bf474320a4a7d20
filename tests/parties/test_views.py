from typing import Any

from django.core import mail

from accord.audit.models import AuditEvent
from accord.parties.models import Invitation, Membership, Relationship, Site


def test_home_lists_only_my_relationships_with_what_is_in_them(world: Any, as_user: Any) -> None:
    body = as_user(world.carol).get("/").content.decode()
    assert "Northwind Networks → Telco A" in body and "Telco B" not in body
    assert "7 units installed" in body
    ada = as_user(world.ada).get("/").content.decode()
    assert "Northwind Networks → Telco A" in ada and "Northwind Networks → Telco B" in ada


def test_home_says_what_to_do_when_there_is_nothing(db: Any, as_user: Any) -> None:
    from tests.conftest import make_user

    body = as_user(make_user("lonely@example.org", "Lonely")).get("/").content.decode()
    assert "not part of any relationship yet" in body


def test_relationship_page_shows_both_sides_sites_and_installed_base(world: Any, as_user: Any) -> None:
    body = as_user(world.val).get("/r/northwind-telco-a/").content.decode()
    for text in ("Ada Quinn", "Carol Nguyen", "Fay Facilitator", "Munich core", "Stuttgart HQ", "NW-OTX-100"):
        assert text in body
    assert "Lyon CO" not in body  # Telco B's site


def test_the_facilitator_sees_people_but_not_sites_or_installed_base(world: Any, as_user: Any) -> None:
    body = as_user(world.fay).get("/r/northwind-telco-a/").content.decode()
    assert "Carol Nguyen" in body and "Munich core" not in body and "Settings" not in body


def test_settings_form_saves_and_redirects(world: Any, as_user: Any) -> None:
    response = as_user(world.ada).post(
        "/r/northwind-telco-a/settings/",
        {
            "version": 1,
            "status": "active",
            "time_zone": "Europe/Berlin",
            "item_prefix": "TLA",
            "description": "Hi",
            "language": "ja",
        },
    )
    assert response.status_code == 302
    saved = Relationship.objects.get(pk=world.nw_ta.pk)
    assert (saved.time_zone, saved.language) == ("Europe/Berlin", "ja")


def test_settings_form_rerenders_with_errors_next_to_the_field(world: Any, as_user: Any) -> None:
    response = as_user(world.ada).post(
        "/r/northwind-telco-a/settings/",
        {
            "version": 1,
            "status": "active",
            "time_zone": "Europe/Berlin",
            "item_prefix": "no good",
            "description": "",
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert "Use 2 to 8 capital letters" in response.content.decode()
    assert Relationship.objects.get(pk=world.nw_ta.pk).item_prefix == "TLA"


def test_settings_form_from_a_stale_version_says_so_and_shows_the_current_values(
    world: Any, as_user: Any
) -> None:
    client = as_user(world.ada)
    client.post(
        "/r/northwind-telco-a/settings/",
        {"version": 1, "status": "active", "time_zone": "UTC", "item_prefix": "TLA", "description": "Ada's"},
    )
    response = client.post(
        "/r/northwind-telco-a/settings/",
        {"version": 1, "status": "paused", "time_zone": "UTC", "item_prefix": "TLA", "description": "stale"},
    )
    body = response.content.decode()
    assert response.status_code == 409 and "Someone else saved this record" in body
    assert "stale</textarea>" in body and "Now saved:</strong> Ada&#x27;s" in body  # typed, and theirs
    assert Relationship.objects.get(pk=world.nw_ta.pk).description == "Ada's"


def test_settings_refuse_a_wrong_method(world: Any, as_user: Any) -> None:
    assert as_user(world.ada).delete("/r/northwind-telco-a/settings/").status_code == 405


def test_viewer_gets_403_and_mallory_404_on_settings_post(world: Any, as_user: Any) -> None:
    data = {"version": 1, "status": "ended", "time_zone": "UTC", "item_prefix": "TLA"}
    assert as_user(world.val).post("/r/northwind-telco-a/settings/", data).status_code == 403
    assert as_user(world.mallory).post("/r/northwind-telco-a/settings/", data).status_code == 404
    assert Relationship.objects.get(pk=world.nw_ta.pk).status == "active"


def test_audit_trail_lists_changes_with_old_and_new(world: Any, as_user: Any) -> None:
    as_user(world.ada).post(
        "/r/northwind-telco-a/settings/",
        {"version": 1, "status": "paused", "time_zone": "UTC", "item_prefix": "TLA", "description": ""},
    )
    body = as_user(world.ada).get("/r/northwind-telco-a/audit/").content.decode()
    assert "relationship.updated" in body and "<del>active</del>" in body and "<ins>paused</ins>" in body


def test_admin_invites_someone_and_the_email_goes_out(
    world: Any, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.ada).post(
            "/parties/northwind/invite/",
            {"email": "lena@northwind.example", "full_name": "Lena", "role": "editor"},
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="lena@northwind.example", role="editor").exists()
    assert mail.outbox[0].to == ["lena@northwind.example"]


def test_invite_form_rerenders_on_bad_input(world: Any, as_user: Any) -> None:
    response = as_user(world.ada).post("/parties/northwind/invite/", {"email": "nope", "role": "editor"})
    assert response.status_code == 200 and "valid email" in response.content.decode().lower()
    assert not Invitation.objects.exists()


def test_admin_withdraws_an_invitation(world: Any, as_user: Any) -> None:
    as_user(world.ada).post("/parties/northwind/invite/", {"email": "x@northwind.example", "role": "viewer"})
    invitation = Invitation.objects.get()
    assert (
        as_user(world.ada).post(f"/parties/northwind/invitations/{invitation.pk}/revoke/").status_code == 302
    )
    invitation.refresh_from_db()
    assert not invitation.is_open


def test_admin_changes_a_role(world: Any, as_user: Any) -> None:
    membership = Membership.objects.get(user=world.val)
    response = as_user(world.ada).post(
        f"/memberships/{membership.pk}/", {"role": "editor", "is_active": "on"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "editor"


def test_the_last_admin_cannot_demote_themself(world: Any, as_user: Any) -> None:
    membership = Membership.objects.get(user=world.ada)
    response = as_user(world.ada).post(
        f"/memberships/{membership.pk}/", {"role": "viewer", "is_active": "on"}
    )
    assert response.status_code == 200 and "at least one admin" in response.content.decode()


def test_admin_creates_a_customer_and_invites_its_admin(world: Any, as_user: Any) -> None:
    response = as_user(world.ada).post(
        "/parties/northwind/counterparts/new/",
        {"name": "Telco C", "seat": "customer", "admin_email": "boss@telco-c.example", "time_zone": "UTC"},
    )
    rel = Relationship.objects.get(customer__name="Telco C")
    assert response["Location"] == f"/r/{rel.slug}/"
    assert Invitation.objects.get(email="boss@telco-c.example").role == "admin"


def test_editor_adds_and_edits_a_site(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    response = client.post(
        "/parties/telco-a/sites/new/",
        {"name": "Hamburg POP", "kind": "customer", "country": "DE", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    site = Site.objects.get(name="Hamburg POP")
    assert site.country == "DE"
    response = client.post(
        f"/sites/{site.pk}/",
        {
            "version": 1,
            "name": "Hamburg metro POP",
            "kind": "customer",
            "country": "DE",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="site.updated", party=world.telco_a).exists()


def test_site_form_rerenders_with_missing_fields(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post("/parties/telco-a/sites/new/", {"name": "", "kind": "customer"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()


def test_supplier_editor_adds_a_product(world: Any, as_user: Any) -> None:
    response = as_user(world.sam).post(
        "/parties/northwind/products/new/",
        {"code": "NW-R550", "name": "R550 router", "category": world.category.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    assert world.northwind.products.filter(code="NW-R550").exists()


def test_party_page_of_a_counterpart_is_read_only(world: Any, as_user: Any) -> None:
    body = as_user(world.ada).get("/parties/telco-a/").content.decode()
    assert "Carol Nguyen" in body and "Invite someone" not in body and "Add a site" not in body


def test_party_audit_is_for_its_admins(world: Any, as_user: Any) -> None:
    assert as_user(world.ada).get("/parties/northwind/audit/").status_code == 200
    assert as_user(world.sam).get("/parties/northwind/audit/").status_code == 403


def test_the_guest_invite_form_posts_an_invitation(world: Any, as_user: Any) -> None:
    response = as_user(world.ada).post(
        "/r/northwind-telco-a/facilitators/invite/", {"email": "f2@example.org"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="f2@example.org").guest_of == world.nw_ta


def test_a_bad_facilitator_address_rerenders_the_page_with_the_error_and_the_input(
    world: Any, as_user: Any
) -> None:
    response = as_user(world.ada).post(
        "/r/northwind-telco-a/facilitators/invite/", {"email": "not-an-address"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert '<details class="mt-2" open>' in body and 'value="not-an-address"' in body
    assert "valid email" in body.lower()
    assert not Invitation.objects.exists()


def test_a_site_country_must_be_a_real_country(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post(
        "/parties/telco-a/sites/new/",
        {"name": "Somewhere", "kind": "customer", "country": "Germany", "time_zone": "UTC"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Site.objects.filter(name="Somewhere").exists()
