"""The owning side plans its own work: only it (either side of a joint item) changes an item's owner,
owner side and due date, in forms, quick edits, the API and imports; the other side proposes, and the
owning side accepts (through the normal versioned update) or declines with one click."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.audit.models import AuditEvent
from accord.lib.errors import Conflict
from accord.lib.importing import ImportContext, ImportRejected, get_importer, run_import
from accord.parties.access import access_from
from accord.register import owners, proposals, services, workflow
from accord.register.forms import ItemForm
from accord.register.models import ActionItem, Decision, OwnerSide

NEW_DUE = date(2031, 1, 31)


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def acc(user: Any, world: Any) -> Any:
    access = access_from(user, world.nw_ta)
    assert access is not None
    return access


def api(world: Any, suffix: str = "") -> str:
    return f"/api/v1/relationships/{world.nw_ta.pk}/action-items/1{suffix}"


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


# --- the rule ----------------------------------------------------------------------------------------


def test_the_owning_sides_writers_plan_an_item_and_nobody_else_does(world: Any) -> None:
    item = world.item  # a supplier item
    assert workflow.plans(acc(world.sam, world), item) and workflow.plans(acc(world.ada, world), item)
    assert not workflow.plans(acc(world.carol, world), item)
    assert not workflow.plans(acc(world.val, world), item)  # a viewer plans nothing
    item.owner_side = OwnerSide.JOINT
    assert workflow.plans(acc(world.carol, world), item) and workflow.plans(acc(world.sam, world), item)
    item.owner_side = OwnerSide.CUSTOMER
    assert workflow.plans(acc(world.carol, world), item) and not workflow.plans(acc(world.sam, world), item)


def test_the_service_refuses_the_other_side_a_new_owner_due_date_or_side(world: Any) -> None:
    carol = acc(world.carol, world)
    for change in ({"due_date": NEW_DUE}, {"owner": world.ada}, {"owner_side": "joint"}):
        with pytest.raises(PermissionDenied, match="Only the owning side"):
            services.update_item(access=carol, item=world.item, version=1, **change)
    item = services.update_item(access=carol, item=world.item, version=1, priority="high")
    assert item.priority == "high" and item.due_date != NEW_DUE  # other fields stay open to both


def test_the_owning_side_hands_an_item_over_to_the_other_side(world: Any) -> None:
    item = services.update_item(
        access=acc(world.sam, world), item=world.item, version=1, owner_side="customer", owner=world.carol
    )
    assert (item.owner_side, item.owner) == ("customer", world.carol)
    with pytest.raises(PermissionDenied):  # now Telco A plans it
        services.update_item(access=acc(world.sam, world), item=item, version=item.version, due_date=NEW_DUE)


# --- proposals ---------------------------------------------------------------------------------------


def test_the_other_side_proposes_and_the_owning_side_accepts_through_a_versioned_update(
    world: Any, commit: Any
) -> None:
    with commit():
        proposal = proposals.propose(
            access=acc(world.carol, world),
            item=world.item,
            due_date=NEW_DUE,
            propose_due=True,
            note="Lab slot",
        )
    assert proposal.kind == "proposal" and proposal.proposed == {"due_date": "2031-01-31"}
    assert world.sam.email in [a for m in mail.outbox for a in m.to]  # the owner hears of it
    assert "proposes: due date 2031-01-31" in mail.outbox[0].body
    mail.outbox.clear()
    with commit():
        item = proposals.decide(
            access=acc(world.sam, world), item=world.item, proposal=proposal, accept=True, version=1
        )
    proposal.refresh_from_db()
    assert item.due_date == NEW_DUE and item.version == 2 and item.due_moves == 1
    assert (proposal.decision, proposal.decided_by) == (Decision.ACCEPTED, world.sam)
    assert [m.to for m in mail.outbox] == [[world.carol.email]]
    assert mail.outbox[0].subject.startswith("[TLA-0001] your proposal was accepted")


def test_a_stale_accept_is_a_conflict_and_changes_nothing(world: Any) -> None:
    proposal = proposals.propose(
        access=acc(world.carol, world), item=world.item, due_date=NEW_DUE, propose_due=True
    )
    services.update_item(access=acc(world.sam, world), item=world.item, version=1, priority="high")
    with pytest.raises(Conflict):
        proposals.decide(
            access=acc(world.sam, world), item=world.item, proposal=proposal, accept=True, version=1
        )
    proposal.refresh_from_db()
    assert proposal.decision == Decision.PENDING


def test_a_proposal_on_an_item_without_an_owner_reaches_the_owning_sides_writers(
    world: Any, commit: Any
) -> None:
    # Carol asks Northwind for something and names no owner: her proposal must reach someone who plans it
    item = services.create_item(
        access=acc(world.carol, world), title="Send the RMA list", owner_side="supplier"
    )
    mail.outbox.clear()
    with commit():
        proposals.propose(access=acc(world.carol, world), item=item, due_date=NEW_DUE, propose_due=True)
    told = sorted(a for m in mail.outbox for a in m.to)
    assert told == sorted([world.ada.email, world.sam.email])  # Northwind's admin and editor, not Val


def test_accepting_a_proposal_of_the_current_values_is_still_recorded(world: Any) -> None:
    proposal = proposals.propose(
        access=acc(world.carol, world), item=world.item, due_date=NEW_DUE, propose_due=True
    )
    # Sam moves the date himself, then accepts what is now the current value
    moved = services.update_item(access=acc(world.sam, world), item=world.item, version=1, due_date=NEW_DUE)
    item = proposals.decide(
        access=acc(world.sam, world), item=moved, proposal=proposal, accept=True, version=2
    )
    assert item.version == 2  # nothing left to change
    event = AuditEvent.objects.filter(verb="action_item.proposal_accepted").get()
    assert (event.actor, event.object_label) == (world.sam, "TLA-0001")


def test_declining_tells_the_proposer_and_changes_nothing(world: Any, commit: Any) -> None:
    proposal = proposals.propose(
        access=acc(world.carol, world), item=world.item, owner=world.ada, propose_owner=True
    )
    mail.outbox.clear()
    with commit():
        proposals.decide(
            access=acc(world.ada, world), item=world.item, proposal=proposal, accept=False, version=1
        )
    assert ActionItem.objects.get(pk=world.item.pk).owner == world.sam
    assert [m.to for m in mail.outbox] == [[world.carol.email]] and "declined" in mail.outbox[0].subject
    with pytest.raises(ValidationError, match="declined already"):
        proposals.decide(
            access=acc(world.ada, world), item=world.item, proposal=proposal, accept=True, version=1
        )


def test_only_the_owning_side_decides_and_only_the_other_side_proposes(world: Any) -> None:
    proposal = proposals.propose(
        access=acc(world.carol, world), item=world.item, due_date=NEW_DUE, propose_due=True
    )
    with pytest.raises(PermissionDenied):
        proposals.decide(
            access=acc(world.carol, world), item=world.item, proposal=proposal, accept=True, version=1
        )
    with pytest.raises(ValidationError, match="Your side plans this item"):
        proposals.propose(access=acc(world.sam, world), item=world.item, due_date=NEW_DUE, propose_due=True)


def test_only_open_items_take_proposals(world: Any) -> None:
    item = services.transition(
        access=acc(world.sam, world), item=world.item, version=1, action="done", note="x"
    )
    with pytest.raises(ValidationError, match="Only open items take proposals"):
        proposals.propose(access=acc(world.carol, world), item=item, due_date=NEW_DUE, propose_due=True)


def test_a_proposed_owner_must_be_one_who_may_own_the_item(world: Any) -> None:
    for person in (world.carol, world.val, world.mallory):  # other side, a viewer, another tenant
        with pytest.raises(ValidationError) as caught:
            proposals.propose(
                access=acc(world.carol, world), item=world.item, owner=person, propose_owner=True
            )
        assert caught.value.message_dict == {"owner": ["Choose one of the people who may own this item."]}


def test_possible_owners_are_the_owning_sides_writers_labelled_by_party(world: Any) -> None:
    people = list(owners.possible_owners(world.item))
    assert people == [world.ada, world.sam]
    assert proposals.owner_labels(world.item, people) == {
        world.ada.pk: "Ada Quinn (Northwind Networks)",
        world.sam.pk: "Sam Patel (Northwind Networks)",
    }


# --- forms and pages ---------------------------------------------------------------------------------


def test_the_other_sides_edit_form_shows_owner_and_due_date_read_only(world: Any, as_user: Any) -> None:
    form = ItemForm(instance=world.item, relationship=world.nw_ta, plans=False)
    assert all(form.fields[name].disabled for name in ("owner", "due_date", "owner_side"))
    assert not form.fields["title"].disabled
    page = as_user(world.carol).get("/r/northwind-telco-a/items/1/edit/").content.decode()
    assert "propose a change on the item" in page


def test_the_owner_list_holds_the_possible_owners_by_name_and_party(world: Any, as_user: Any) -> None:
    page = as_user(world.sam).get("/r/northwind-telco-a/items/1/edit/").content.decode()
    assert "Sam Patel (Northwind Networks)" in page and "Ada Quinn (Northwind Networks)" in page
    assert "Carol Nguyen (" not in page and "northwind.example)" not in page


def test_the_other_side_sees_a_proposal_form_and_the_owning_side_accept_and_decline(
    world: Any, as_user: Any
) -> None:
    carol, sam = as_user(world.carol), as_user(world.sam)
    assert "Propose a new due date or owner" in carol.get("/r/northwind-telco-a/items/1/").content.decode()
    assert "Propose a new due date or owner" not in sam.get("/r/northwind-telco-a/items/1/").content.decode()
    response = carol.post("/r/northwind-telco-a/items/1/propose/", {"due_date": "2031-01-31", "note": "Lab"})
    assert response.status_code == 302
    page = sam.get("/r/northwind-telco-a/items/1/").content.decode()
    assert "proposes</strong> due date 2031-01-31" in page and ">Accept</button>" in page
    assert ">Accept</button>" not in carol.get("/r/northwind-telco-a/items/1/").content.decode()
    proposal = proposals.pending(world.item).get()
    accept = sam.post(f"/r/northwind-telco-a/items/1/proposals/{proposal.pk}/accepted/", {"version": 1})
    assert accept.status_code == 302
    assert ActionItem.objects.get(pk=world.item.pk).due_date == NEW_DUE


def test_an_empty_proposal_goes_back_to_the_item_with_a_reason_and_the_note(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    response = client.post("/r/northwind-telco-a/items/1/propose/", {"note": "Later please"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [("/r/northwind-telco-a/items/1/#propose", 303)]
    assert "Propose a due date or an owner" in page and "Later please" in page
    # a reload keeps the note but says the reason once
    again = client.get("/r/northwind-telco-a/items/1/").content.decode()
    assert "Later please" in again and "Propose a due date or an owner" not in again


# --- the API -----------------------------------------------------------------------------------------


def test_the_api_proposes_accepts_and_declines(world: Any, as_user: Any) -> None:
    carol, sam = as_user(world.carol), as_user(world.sam)
    made = post(carol, api(world, "/proposals"), {"due_date": "2031-01-31", "note": "Lab slot"})
    assert made.status_code == 201 and made.json()["proposed"] == {"due_date": "2031-01-31"}
    assert made.json()["decision"] == ""
    refused = post(carol, api(world, f"/proposals/{made.json()['id']}/accept"), {"version": 1})
    assert refused.status_code == 403 and set(refused.json()) == {"error", "fields"}
    accepted = post(sam, api(world, f"/proposals/{made.json()['id']}/accept"), {"version": 1})
    assert accepted.status_code == 200 and accepted.json()["due_date"] == "2031-01-31"
    other = post(carol, api(world, "/proposals"), {"owner_id": world.ada.pk})
    declined = post(sam, api(world, f"/proposals/{other.json()['id']}/decline"), {"version": 2})
    assert declined.status_code == 200 and declined.json()["decision"] == "declined"
    assert declined.json()["decided_by"]["id"] == world.sam.pk
    again = post(sam, api(world, f"/proposals/{other.json()['id']}/accept"), {"version": 2})
    assert again.status_code == 400 and "declined already" in str(again.json()["fields"])


def test_an_impossible_owner_gets_one_fixed_message_naming_no_one(world: Any, as_user: Any) -> None:
    carol = as_user(world.carol)
    answers = [
        post(carol, api(world, "/proposals"), {"owner_id": pk}).json()
        for pk in (world.mallory.pk, world.val.pk, world.carol.pk, 999_999)
    ]
    assert all(a == answers[0] for a in answers)
    assert answers[0]["fields"] == {"owner_id": ["Choose one of the people who may own this item."]}
    assert "Mallory" not in str(answers) and "Stone" not in str(answers)
    patch = as_user(world.sam).patch(
        api(world), {"version": 1, "owner_id": world.mallory.pk}, content_type="application/json"
    )
    assert patch.status_code == 400 and "Mallory" not in patch.content.decode()


def test_the_api_lists_possible_owners_and_refuses_the_other_side_a_new_due_date(
    world: Any, as_user: Any
) -> None:
    owners = as_user(world.carol).get(api(world, "/owners")).json()
    assert [o["label"] for o in owners] == [
        "Ada Quinn (Northwind Networks)",
        "Sam Patel (Northwind Networks)",
    ]
    patch = as_user(world.carol).patch(
        api(world), {"version": 1, "due_date": "2031-01-31"}, content_type="application/json"
    )
    assert patch.status_code == 403 and "propose" in patch.json()["error"]


def test_the_api_refuses_proposals_on_items_that_are_not_open(world: Any, as_user: Any) -> None:
    services.transition(access=acc(world.sam, world), item=world.item, version=1, action="done", note="x")
    response = post(as_user(world.carol), api(world, "/proposals"), {"due_date": "2031-01-31"})
    assert response.status_code == 400 and "Only open items" in str(response.json()["fields"])


# --- the import --------------------------------------------------------------------------------------

HEADER = "title,owner_side,owner_email,due_date,priority,external_id\r\n"


def do_import(world: Any, who: Any, text: str) -> Any:
    return run_import(
        kind="action-items",
        path_or_file=io.BytesIO(text.encode()),
        filename="register.csv",
        relationship_access=acc(who, world),
    )


def test_the_import_refuses_other_side_planning_changes_with_row_and_column(world: Any) -> None:
    do_import(world, world.sam, HEADER + "Fix A,supplier,sam@northwind.example,2030-01-01,high,X-1\r\n")
    result = do_import(
        world, world.carol, HEADER + "Fix A,supplier,ada@northwind.example,2030-02-01,low,X-1\r\n"
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "owner_email"), (2, "due_date")]
    assert "planned by the side that owns it" in result.errors[0].reason
    item = ActionItem.objects.get(external_id="X-1")
    assert (item.owner, item.due_date, item.priority) == (world.sam, date(2030, 1, 1), "high")
    # the same values, or other fields only, import fine
    result = do_import(
        world, world.carol, HEADER + "Fix A,supplier,sam@northwind.example,2030-01-01,low,X-1\r\n"
    )
    assert not result.errors and ActionItem.objects.get(external_id="X-1").priority == "low"


def test_the_import_checks_planning_again_under_the_row_locks(world: Any) -> None:
    do_import(world, world.carol, HEADER + "Fix A,joint,carol@telco-a.example,2030-01-01,high,X-1\r\n")
    importer = get_importer("action-items")
    context = ImportContext(
        access=acc(world.carol, world),
        filename="r.csv",
        columns=frozenset(["title", "owner_side", "due_date", "external_id"]),
    )
    rows = [(2, {"title": "Fix A", "owner_side": "joint", "due_date": "2030-03-01", "external_id": "X-1"})]
    records, errors = importer.validate(rows, context)
    assert not errors  # a joint item: Carol plans it
    item = ActionItem.objects.get(external_id="X-1")
    services.update_item(
        access=acc(world.sam, world), item=item, version=item.version, owner_side="supplier", owner=world.sam
    )
    with pytest.raises(ImportRejected) as caught:
        importer.apply(records, context)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "owner_side"), (2, "due_date")]
    assert ActionItem.objects.get(external_id="X-1").due_date == date(2030, 1, 1)


def test_the_import_page_names_the_refused_cells(world: Any, as_user: Any) -> None:
    def upload(client: Any, text: str) -> Any:
        file = SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")
        return client.post("/r/northwind-telco-a/items/import/", {"file": file})

    upload(as_user(world.sam), HEADER + "Fix A,supplier,sam@northwind.example,2030-01-01,high,X-1\r\n")
    page = upload(
        as_user(world.carol), HEADER + "Fix A,supplier,sam@northwind.example,2030-05-01,high,X-1\r\n"
    )
    assert page.status_code == 400 and "planned by the side that owns it" in page.content.decode()
