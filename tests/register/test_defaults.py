"""Honest defaults: the register opens on the open work, "N to verify" lists what the viewer may verify,
and a filtered PDF counts what it lists."""

import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from accord.parties.access import access_from
from accord.register import selectors, services, workflow
from accord.register.models import ActionItem

REGISTER = "/r/northwind-telco-a/items/"
OPEN_WORK_QUERY = "status=open&status=in_progress&status=done"


@dataclass
class Items:
    started: ActionItem  # supplier-owned (Sam), in progress
    verified: ActionItem
    cancelled: ActionItem
    supplier_done: ActionItem  # owned by Sam, asked for by Carol: Telco A verifies
    customer_done: ActionItem  # owned by Carol: Northwind verifies
    joint_done: ActionItem  # joint, owned by Sam: anyone but Sam verifies


def _move(access: Any, item: ActionItem, *actions: str) -> ActionItem:
    for action in actions:
        note = "" if action in ("start", "verify") else f"{action}: because"
        item = services.transition(access=access, item=item, version=item.version, action=action, note=note)
    return item


@pytest.fixture
def items(world: Any) -> Items:
    sam, carol = access_from(world.sam, world.nw_ta), access_from(world.carol, world.nw_ta)

    def new(access: Any, title: str, side: str, owner: Any) -> ActionItem:
        return services.create_item(access=access, title=title, owner_side=side, owner=owner)

    return Items(
        started=_move(sam, new(sam, "Started work", "supplier", world.sam), "start"),
        verified=_move(
            carol, _move(sam, new(carol, "Verified fix", "supplier", world.sam), "done"), "verify"
        ),
        cancelled=_move(sam, new(sam, "Cancelled idea", "supplier", world.sam), "cancel"),
        supplier_done=_move(sam, new(carol, "Supplier done", "supplier", world.sam), "done"),
        customer_done=_move(carol, new(carol, "Customer done", "customer", world.carol), "done"),
        joint_done=_move(sam, new(sam, "Joint done", "joint", world.sam), "done"),
    )


def refs(body: str) -> set[str]:
    """The references of the rows a register or "my items" table lists."""
    return set(re.findall(r">(TLA-\d{4})</a>", body))


# --- the register and "My action items" open on the open work -----------------------------------


def test_the_register_opens_on_the_open_work(world: Any, items: Items, as_user: Any) -> None:
    body = as_user(world.sam).get(REGISTER).content.decode()
    listed = refs(body)
    assert {items.started.reference, items.supplier_done.reference, "TLA-0001"} <= listed
    assert items.verified.reference not in listed and items.cancelled.reference not in listed
    # the form shows the statuses it filters by
    for status in ("open", "in_progress", "done"):
        assert re.search(rf'<input type="checkbox" name="status" value="{status}"[^>]*checked', body)
    for status in ("verified", "cancelled"):
        assert not re.search(rf'<input type="checkbox" name="status" value="{status}"[^>]*checked', body)


def test_the_export_links_carry_the_statuses_shown(world: Any, items: Items, as_user: Any) -> None:
    body = as_user(world.sam).get(REGISTER + "?owner_side=supplier").content.decode()
    for fmt in ("xlsx", "csv", "pdf"):
        link = re.search(rf'href="({REGISTER}export\.{fmt}\?[^"]*)"', body)
        assert link, fmt
        query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
        assert query["status"] == ["open", "in_progress", "done"] and query["owner_side"] == ["supplier"]


def test_one_click_shows_all_and_keeps_the_other_filters(world: Any, items: Items, as_user: Any) -> None:
    client = as_user(world.sam)
    body = client.get(REGISTER + "?owner_side=supplier").content.decode()
    toggle = dict(re.findall(r'href="\?([^"]*)" data-scope="(\w+)"', body))
    by_scope = {scope: query.replace("&amp;", "&") for query, scope in toggle.items()}
    assert 'data-scope="open"' in body and re.search(r'aria-current="true">Open work<', body)
    everything = client.get(REGISTER + "?" + by_scope["all"]).content.decode()
    listed = refs(everything)
    assert {items.verified.reference, items.cancelled.reference, items.started.reference} <= listed
    assert items.customer_done.reference not in listed  # the owner side filter stayed
    assert re.search(r'aria-current="true">All<', everything)
    back = client.get(REGISTER + "?" + parse_qs_keep(everything, "open")).content.decode()
    assert items.verified.reference not in refs(back) and items.started.reference in refs(back)


def parse_qs_keep(body: str, scope: str) -> str:
    match = re.search(rf'href="\?([^"]*)" data-scope="{scope}"', body)
    assert match
    return match.group(1).replace("&amp;", "&")


def test_an_empty_open_work_list_offers_all_statuses(world: Any, items: Items, as_user: Any) -> None:
    body = as_user(world.sam).get(REGISTER + "?q=Verified+fix").content.decode()
    assert "No action item matches" in body and "Show all statuses" in body


def test_a_bare_export_lists_what_the_bare_page_shows(world: Any, items: Items, as_user: Any) -> None:
    client = as_user(world.sam)
    csv = client.get(REGISTER + "export.csv").content.decode("utf-8-sig")
    assert items.started.reference in csv and items.verified.reference not in csv
    everything = client.get(
        REGISTER + "export.csv?status=open&status=in_progress&status=done&status=verified&status=cancelled"
    ).content.decode("utf-8-sig")
    assert items.verified.reference in everything and items.cancelled.reference in everything


def test_my_items_open_on_the_open_work_with_one_click_to_all(world: Any, items: Items, as_user: Any) -> None:
    client = as_user(world.sam)
    body = client.get("/my/items/").content.decode()
    assert items.started.reference in refs(body) and items.verified.reference not in refs(body)
    everything = client.get("/my/items/?" + parse_qs_keep(body, "all")).content.decode()
    assert {items.verified.reference, items.cancelled.reference} <= refs(everything)


def test_the_api_still_lists_every_status_unless_filtered(world: Any, items: Items, as_user: Any) -> None:
    url = f"/api/v1/relationships/{world.nw_ta.pk}/action-items?page_size=200"
    response = as_user(world.sam).get(url)
    assert response.status_code == 200, response.content
    statuses = {row["status"] for row in response.json()["items"]}
    assert {"verified", "cancelled"} <= statuses
    mine = as_user(world.carol).get(url + "&to_verify=true").json()["items"]
    assert {row["reference"] for row in mine} == {items.supplier_done.reference, items.joint_done.reference}


# --- "N to verify" is the list of what the viewer may verify --------------------------------------


def test_the_verify_query_is_the_workflows_rule_for_every_person_and_action(world: Any, items: Items) -> None:
    """``workflow.may_q`` asks the database what ``workflow.allowed`` decides item by item."""
    for who in ("ada", "sam", "val", "carol", "vic", "fay", "mallory"):
        user = getattr(world, who)
        for rel in (world.nw_ta, world.nw_tb):
            access = access_from(user, rel, allow_guest=True)
            if access is None:
                continue
            visible = list(ActionItem.objects.visible_to(access).select_related("relationship"))
            for action in workflow.WORKFLOW:
                by_query = set(
                    ActionItem.objects.visible_to(access)
                    .filter(workflow.may_q(access, action))
                    .values_list("pk", flat=True)
                )
                by_rule = {i.pk for i in visible if action in workflow.allowed(access, i)}
                assert by_query == by_rule, (who, rel.slug, action.name)


FACT = re.compile(r'<a class="badge[^"]*" href="([^"]*)">(\d+) to verify</a>')


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("sam", {"customer_done"}),
        ("carol", {"supplier_done", "joint_done"}),
        ("ada", {"customer_done", "joint_done"}),
    ],
)
def test_the_home_pages_to_verify_count_is_the_list_it_links_to(
    world: Any, items: Items, as_user: Any, who: str, expected: set[str]
) -> None:
    client = as_user(getattr(world, who))
    facts = FACT.findall(client.get("/").content.decode())
    assert len(facts) == 1, facts
    url, count = facts[0]
    listed = refs(client.get(url.replace("&amp;", "&")).content.decode())
    assert int(count) == len(listed) == len(expected)
    assert listed == {getattr(items, name).reference for name in expected}


@pytest.mark.parametrize("who", ["val", "vic", "fay"])
def test_who_may_verify_nothing_sees_no_to_verify_link(
    world: Any, items: Items, as_user: Any, who: str
) -> None:
    client = as_user(getattr(world, who))
    assert not FACT.findall(client.get("/").content.decode())
    if who != "fay":  # a facilitator has no register to open
        body = client.get(REGISTER).content.decode()
        assert 'data-testid="to-verify"' not in body
        assert refs(client.get(REGISTER + "?status=done&to_verify=on").content.decode()) == set()


def test_the_registers_to_verify_badge_counts_its_list(world: Any, items: Items, as_user: Any) -> None:
    client = as_user(world.carol)
    body = client.get(REGISTER).content.decode()
    badge = re.search(r'href="\?([^"]*)" data-testid="to-verify">(\d+) for me to verify', body)
    assert badge and int(badge.group(2)) == 2
    listed = refs(client.get(REGISTER + "?" + badge.group(1).replace("&amp;", "&")).content.decode())
    assert listed == {items.supplier_done.reference, items.joint_done.reference}
    counts = selectors.status_counts(access_from(world.carol, world.nw_ta), items.started.created_at.date())
    assert counts["to_verify"] == 2 and counts["done"] == 3


# --- a filtered PDF counts what it lists ------------------------------------------------------------


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def test_a_filtered_pdf_counts_what_it_lists_and_says_how_it_was_filtered(
    world: Any, items: Items, as_user: Any
) -> None:
    response = as_user(world.sam).get(REGISTER + "export.pdf?status=done&owner_side=supplier")
    assert response.status_code == 200
    text = pdf_text(response.content)
    compact = re.sub(r"\s+", " ", text)
    assert items.supplier_done.reference in text and items.joint_done.reference not in text
    assert "Status: Done" in compact and "Owner side: Supplier" in compact
    # the summary: 0 open, 0 in progress, 1 done, 0 verified, 0 cancelled, 0 overdue, 1 listed
    summary = re.search(r"(\d+)\s*Open\s*(\d+)\s*In progress\s*(\d+)\s*Done\s*(\d+)\s*Verified", text)
    assert summary and [int(n) for n in summary.groups()] == [0, 0, 1, 0]
    assert re.search(r"(\d+)\s*Listed", text).group(1) == "1"  # type: ignore[union-attr]
    assert "Shows 1 of 8 items" in compact  # Sam sees 8: the 2 of the world, the 6 above


def test_the_default_pdf_counts_the_open_work_it_lists(world: Any, items: Items, as_user: Any) -> None:
    text = pdf_text(as_user(world.sam).get(REGISTER + "export.pdf").content)
    summary = re.search(
        r"(\d+)\s*Open\s*(\d+)\s*In progress\s*(\d+)\s*Done\s*(\d+)\s*Verified\s*(\d+)\s*Cancelled", text
    )
    assert summary and [int(n) for n in summary.groups()] == [2, 1, 3, 0, 0]
    assert "Status: Open, In progress, Done" in re.sub(r"\s+", " ", text)
