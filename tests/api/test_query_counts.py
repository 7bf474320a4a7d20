"""Every list operation of the API answers in a number of queries that does not grow with its rows.

A list operation is a GET whose answer is a list, or holds one (a page of items, the people of both
sides, a task force's members). Each is listed below with who calls it and how its rows grow; the
test calls it with a few rows and again with ten more, and the two counts must be equal. A new list
operation fails ``test_every_list_operation_is_measured`` until it is added here.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.api.main import api
from accord.lib.months import month_of
from accord.measurements import services as measurements
from accord.measurements.selectors import _COMPUTED
from accord.operations.models import ImportBatch, InstalledBase
from accord.parties.access import access_from
from accord.parties.models import (
    Guest,
    Membership,
    Party,
    Product,
    ProductCategory,
    Relationship,
    Role,
    Site,
    SupplierCategoryBasis,
)
from accord.register import services as register
from tests.conftest import World, make_user
from tests.expectations.query_growth import LISTS as EXPECTATION_LISTS
from tests.feedback.query_growth import LISTS as FEEDBACK_LISTS
from tests.reports.api_helpers import LISTS as REPORT_LISTS

PREFIX = "/api/v1"
SERIAL = itertools.count(1)


def _n() -> int:
    return next(SERIAL)


def _party() -> Party:
    n = _n()
    return Party.objects.create(name=f"Party {n}", slug=f"party-{n}", country="DE")


def _relationship(supplier: Party, customer: Party) -> Relationship:
    n = _n()
    letters = f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"
    return Relationship.objects.create(
        supplier=supplier, customer=customer, slug=f"rel-{n}", item_prefix=f"Q{letters}"
    )


def _person(party: Party, role: str) -> Any:
    n = _n()
    return make_user(f"person{n}@example.com", f"Person {n}", party, role)


def _category() -> ProductCategory:
    n = _n()
    return ProductCategory.objects.create(code=f"9.{n}.1", name=f"Category {n}")


def _product(world: World) -> Product:
    n = _n()
    return Product.objects.create(
        supplier=world.northwind, code=f"P-{n}", name=f"Product {n}", category=_category()
    )


def _site(party: Party) -> Site:
    n = _n()
    return Site.objects.create(party=party, name=f"Site {n}", country="DE", kind="customer")


# --- how each list grows -------------------------------------------------------------------------


def grow_me(world: World, n: int) -> None:
    for _ in range(n):
        party = _party()
        Membership.objects.create(user=world.ada, party=party, role=Role.VIEWER)
        Guest.objects.create(user=world.ada, relationship=_relationship(party, world.telco_b))


def grow_relationships(world: World, n: int) -> None:
    for _ in range(n):
        _relationship(world.northwind, _party())


def grow_items(world: World, n: int) -> None:
    """Items of both sides, some private to Northwind, with owners, a task force and related items."""
    ada, carol = access_from(world.ada, world.nw_ta), access_from(world.carol, world.nw_ta)
    for i in range(n):
        if i % 3 == 0:
            item = register.create_item(
                access=ada, title=f"Ours {i}", owner=world.sam, visibility="private", priority="high"
            )
        elif i % 3 == 1:
            item = register.create_item(
                access=carol, title=f"Theirs {i}", owner_side="customer", owner=world.carol
            )
        else:
            item = register.create_item(
                access=carol, title=f"Joint {i}", owner_side="joint", task_force=world.task_force
            )
        register.set_related(access=ada, item=item, numbers=[world.item.key, world.private_item.key])


def grow_related(world: World, n: int) -> None:
    ada = access_from(world.ada, world.nw_ta)
    for i in range(n):
        item = register.create_item(access=ada, title=f"Related {i}", owner=world.ada)
        register.set_related(access=ada, item=item, numbers=[world.item.key])


def grow_comments(world: World, n: int) -> None:
    for i in range(n):
        who = (world.sam, world.carol, world.ada)[i % 3]
        register.comment(access=access_from(who, world.nw_ta), item=world.item, body=f"Note {i}")


def grow_imports(world: World, n: int) -> None:
    for _ in range(n):
        ImportBatch.objects.create(
            relationship=world.nw_ta, kind="returns", file_name=f"r{_n()}.csv", sha256="0" * 64,
            uploaded_by=world.sam,
        )  # fmt: skip


def grow_import_errors(world: World, n: int) -> None:
    batch = ImportBatch.objects.get(relationship=world.nw_ta, file_name="bad.csv")
    batch.errors = [*batch.errors, *[[i + 2, "qty", "x", "Not a number."] for i in range(n)]]
    batch.error_count = len(batch.errors)
    batch.save()


def grow_installed_base(world: World, n: int) -> None:
    for _ in range(n):
        InstalledBase.objects.create(
            relationship=world.nw_ta,
            site=_site(world.telco_a),
            product=_product(world),
            quantity=3,
            in_service_date=date(2026, 1, 1),
        )


def grow_metrics(world: World, n: int) -> None:
    month = month_of(timezone.localdate())
    for _ in range(n):  # through the service, which moves the facts' version on (cached measurements)
        measurements.add_facts(world.nw_ta, "shipments", {(_category().code, month, "shipped", ""): 10})


def grow_people(world: World, n: int) -> None:
    for i in range(n):
        _person((world.northwind, world.telco_a)[i % 2], (Role.ADMIN, Role.EDITOR, Role.VIEWER)[i % 3])
        Guest.objects.create(user=_person(world.telco_b, Role.VIEWER), relationship=world.nw_ta)


def grow_owners(world: World, n: int) -> None:
    for _i in range(n):  # editors of the owning side (Northwind, for TLA-0001) may own it
        _person(world.northwind, Role.EDITOR)


def grow_products(world: World, n: int) -> None:
    for i in range(n):
        product = _product(world)
        if i % 2:
            SupplierCategoryBasis.objects.create(
                supplier=world.northwind, category=product.category, normalization_basis="installed"
            )


def grow_sites(world: World, n: int) -> None:
    for i in range(n):
        _site((world.northwind, world.telco_a)[i % 2])


def grow_task_forces(world: World, n: int) -> None:
    ada = access_from(world.ada, world.nw_ta)
    for _ in range(n):
        register.create_task_force(
            access=ada, name=f"Task force {_n()}", lead=world.carol, members=[world.sam, world.ada]
        )


def grow_attachments(world: World, n: int) -> None:
    from tests.attachments.helpers import attach

    for i in range(n):
        attach(world, (world.carol, world.sam)[i % 2], world.item, name=f"log-{_n()}.log")


def grow_task_force_members(world: World, n: int) -> None:
    for i in range(n):
        world.task_force.members.add(_person((world.northwind, world.telco_a)[i % 2], Role.EDITOR))


def grow_agenda(world: World, n: int) -> None:
    from accord.meetings import agenda
    from tests.meetings.helpers import review

    sam = access_from(world.sam, world.nw_ta)
    for i in range(n):
        agenda.add_item(
            access=sam, meeting=review(world), title=f"Item {i}", binding="register", presenter=world.carol
        )


def grow_agenda_template(world: World, n: int) -> None:
    from accord.meetings import agenda

    for i in range(n):
        agenda.add_template_item(
            access=access_from(world.carol, world.nw_ta), kind="set", title=f"Item {i}", binding="forecasts"
        )


def grow_packs(world: World, n: int) -> None:
    from accord.meetings.models import Pack
    from tests.meetings.helpers import review

    for i in range(n):
        Pack.objects.create(
            meeting=review(world), created_by=(world.sam, world.carol)[i % 2], file=f"p{i}.pdf"
        )


def _schedule(world: World, relationship: Relationship, kind: str, days: int) -> None:
    """A meeting of ``kind`` ``days`` from now: a site visit at the customer's site, the others at
    Northwind's or remote; the shared expectations team of Telco A with Fay facilitating."""
    from accord.meetings import services
    from tests.meetings.helpers import at

    telco_a = relationship == world.nw_ta
    site = (world.ta_site if telco_a else world.tb_site) if kind == "site_visit" else world.nw_site
    services.schedule(
        access=access_from(world.sam, relationship),
        kind=kind,
        title=f"Meeting {_n()}",
        starts_at=at(days),
        ends_at=at(days, 13),
        time_zone="Europe/Berlin",
        host_side="customer" if kind == "site_visit" else "supplier",
        site=site if days % 2 else None,
        remote_link="" if days % 2 else "https://meet.example/accord",
        facilitator=world.fay if kind == "set" and telco_a else None,
        invitees=[world.carol] if telco_a else [world.mallory],
    )


KINDS = ("quality_review", "site_visit", "program_review", "set", "other")


def grow_meetings(world: World, n: int) -> None:
    for _i in range(n):
        i = _n()
        _schedule(world, world.nw_ta, KINDS[i % len(KINDS)], i % 60 - 30)


def grow_my_meetings(world: World, n: int) -> None:
    for _i in range(n):  # across Ada's relationships
        i = _n()
        _schedule(world, (world.nw_ta, world.nw_tb)[i % 2], KINDS[i % len(KINDS)], i % 60 - 30)


def grow_cadence(world: World, n: int) -> None:
    for i in range(n):  # a past and a coming meeting of each approach's kinds
        for kind in ("set", ("quality_review", "site_visit")[i % 2], "program_review"):
            _schedule(world, world.nw_ta, kind, -10 * (i + 1) - 1)
            _schedule(world, world.nw_ta, kind, 10 * (i + 1))


def grow_sites_to_visit(world: World, n: int) -> None:
    for i in range(n):  # customer sites, most with this relationship's equipment in service
        site = _site(world.telco_a)
        if i % 4:
            InstalledBase.objects.create(
                relationship=world.nw_ta,
                site=site,
                product=world.product,
                quantity=i + 1,
                in_service_date=timezone.localdate() - timedelta(days=60 * i),
            )


def grow_attendees(world: World, n: int) -> None:
    from accord.meetings import services
    from tests.meetings.helpers import review

    sam = access_from(world.sam, world.nw_ta)
    for i in range(n):  # members of either side, and external guests
        if i % 3 == 2:
            guest = services.ExternalGuest(name=f"Guest {i}", email=f"guest{_n()}@example.org")
            services.invite(access=sam, meeting=review(world), guests=[guest])
        else:
            person = _person((world.northwind, world.telco_a)[i % 3], Role.VIEWER)
            services.invite(access=sam, meeting=review(world), users=[person])


def grow_minutes(world: World, n: int) -> None:
    from accord.meetings import agenda, minutes
    from tests.meetings.helpers import review

    sam = access_from(world.sam, world.nw_ta)
    for i in range(n):  # agenda items, each with a decision
        item = agenda.add_item(access=sam, meeting=review(world), title=f"Item {i}", binding="register")
        item.meeting = review(world)
        minutes.add_decision(access=sam, item=item, text=f"Decision {i}")


def grow_revisions(world: World, n: int) -> None:
    from accord.meetings import minutes
    from accord.meetings.models import Meeting
    from tests.meetings.helpers import review
    from tests.meetings.helpers_minutes import approve_both

    for i in range(n):  # approved by both sides, then corrected: the next revision
        meeting = Meeting.objects.get(pk=review(world).pk)
        if meeting.minutes_locked:
            sam = access_from(world.sam, world.nw_ta)
            minutes.correct(access=sam, meeting=meeting, reason=f"Correction {i}")
        approve_both(world, meeting)


def grow_topics(world: World, n: int) -> None:
    from accord.meetings import topics

    carol, sam = access_from(world.carol, world.nw_ta), access_from(world.sam, world.nw_ta)
    for i in range(n):  # shared concerns with an action item, change notices, Telco A's private requests
        if i % 3 == 0:
            topic = topics.create_topic(access=carol, kind="customer_concern", title=f"Concern {i}")
            topics.link_items(access=carol, topic=topic, keys=[world.item.key])
        elif i % 3 == 1:
            topics.create_topic(
                access=sam,
                kind="change_notice",
                title=f"Change {i}",
                effective_date=date(2027, 1, 1),
                products=[_product(world), world.product],
            )
        else:
            topics.create_topic(
                access=carol, kind="feature_request", title=f"Request {i}", visibility="private"
            )


def grow_topic_items(world: World, n: int) -> None:
    from accord.meetings import topics
    from tests.meetings.topic_helpers import concern

    carol = access_from(world.carol, world.nw_ta)
    for i in range(n):
        item = register.create_item(
            access=carol, title=f"Follow-up {i}", owner_side=("customer", "supplier")[i % 2]
        )
        topics.link_items(access=carol, topic=concern(world), keys=[item.key])


def grow_forecasts(world: World, n: int) -> None:
    from accord.meetings import topics

    editor = _person(world.telco_a, Role.EDITOR)
    for i in range(n):  # by Carol and another editor of Telco A
        who = access_from((world.carol, editor)[i % 2], world.nw_ta)
        topics.create_forecast(
            access=who, product=_product(world), month=f"2027-{i % 12 + 1:02d}", quantity=i
        )


def _topic(world: World) -> str:
    from tests.meetings.topic_helpers import concern

    return f"{_rel(world)}/topics/{concern(world).pk}"


def _meeting(world: World) -> str:
    from tests.meetings.helpers import review

    return f"{_rel(world)}/meetings/{review(world).pk}"


@dataclass(frozen=True)
class ListOperation:
    who: str
    url: Callable[[World], str]
    grow: Callable[[World, int], None]
    rows: Callable[[Any], int]  # the rows in an answer


def _rel(world: World) -> str:
    return f"{PREFIX}/relationships/{world.nw_ta.pk}"


def _bad_batch(world: World) -> str:
    batch, _created = ImportBatch.objects.get_or_create(
        relationship=world.nw_ta, file_name="bad.csv", defaults={"kind": "returns", "sha256": "0" * 64}
    )
    return f"{_rel(world)}/imports/{batch.pk}"


LIST_OPERATIONS: dict[str, ListOperation] = {
    "/me": ListOperation(
        "ada", lambda w: f"{PREFIX}/me", grow_me, lambda b: len(b["memberships"]) + len(b["facilitator_of"])
    ),
    "/relationships": ListOperation("ada", lambda w: f"{PREFIX}/relationships", grow_relationships, len),
    "/relationships/{rel_id}/action-items": ListOperation(
        "ada", lambda w: f"{_rel(w)}/action-items", grow_items, lambda b: len(b["items"])
    ),
    "/relationships/{rel_id}/action-items/{number}": ListOperation(
        "carol", lambda w: f"{_rel(w)}/action-items/1", grow_related, lambda b: len(b["related"])
    ),
    "/relationships/{rel_id}/action-items/{number}/comments": ListOperation(
        "vic", lambda w: f"{_rel(w)}/action-items/1/comments", grow_comments, len
    ),
    "/relationships/{rel_id}/action-items/{number}/owners": ListOperation(
        "carol", lambda w: f"{_rel(w)}/action-items/1/owners", grow_owners, len
    ),
    "/relationships/{rel_id}/imports": ListOperation(
        "sam", lambda w: f"{_rel(w)}/imports", grow_imports, len
    ),
    "/relationships/{rel_id}/imports/{batch_id}": ListOperation(
        "sam", _bad_batch, grow_import_errors, lambda b: len(b["errors"])
    ),
    "/relationships/{rel_id}/installed-base": ListOperation(
        "carol", lambda w: f"{_rel(w)}/installed-base", grow_installed_base, len
    ),
    "/relationships/{rel_id}/metrics": ListOperation(
        "vic", lambda w: f"{_rel(w)}/metrics", grow_metrics, lambda b: len({r["category"] for r in b["rows"]})
    ),
    "/relationships/{rel_id}/people": ListOperation(
        "vic", lambda w: f"{_rel(w)}/people", grow_people, lambda b: sum(len(v) for v in b.values())
    ),
    "/relationships/{rel_id}/products": ListOperation(
        "carol", lambda w: f"{_rel(w)}/products", grow_products, len
    ),
    "/relationships/{rel_id}/sites": ListOperation("carol", lambda w: f"{_rel(w)}/sites", grow_sites, len),
    "/relationships/{rel_id}/task-forces": ListOperation(
        "carol", lambda w: f"{_rel(w)}/task-forces", grow_task_forces, len
    ),
    "/relationships/{rel_id}/attachments/{kind}/{number}": ListOperation(
        "vic", lambda w: f"{_rel(w)}/attachments/action-item/{w.item.key}", grow_attachments, len
    ),
    "/relationships/{rel_id}/meetings/{meeting_id}/agenda": ListOperation(
        "vic", lambda w: f"{_meeting(w)}/agenda", grow_agenda, lambda b: len(b["items"])
    ),
    "/relationships/{rel_id}/agenda-templates/{meeting_kind}": ListOperation(
        "vic", lambda w: f"{_rel(w)}/agenda-templates/set", grow_agenda_template, len
    ),
    "/relationships/{rel_id}/meetings/{meeting_id}/packs": ListOperation(
        "vic", lambda w: f"{_meeting(w)}/packs", grow_packs, len
    ),
    "/meetings": ListOperation(
        "ada", lambda w: f"{PREFIX}/meetings", grow_my_meetings, lambda b: len(b["items"])
    ),
    "/relationships/{rel_id}/meetings": ListOperation(
        "vic", lambda w: f"{_rel(w)}/meetings", grow_meetings, lambda b: len(b["items"])
    ),
    "/relationships/{rel_id}/meetings/cadence": ListOperation(
        "vic", lambda w: f"{_rel(w)}/meetings/cadence", grow_cadence, lambda b: len(b["approaches"])
    ),
    "/relationships/{rel_id}/meetings/proposals": ListOperation(
        "sam",
        lambda w: f"{_rel(w)}/meetings/proposals?kind=site_visit",
        grow_sites_to_visit,
        lambda b: len(b["sites"]),
    ),
    "/relationships/{rel_id}/meetings/{meeting_id}": ListOperation(
        "vic", _meeting, grow_attendees, lambda b: len(b["attendees"])
    ),
    "/relationships/{rel_id}/meetings/{meeting_id}/attendance": ListOperation(
        "vic", lambda w: f"{_meeting(w)}/attendance", grow_attendees, len
    ),
    "/relationships/{rel_id}/meetings/{meeting_id}/minutes": ListOperation(
        "vic", lambda w: f"{_meeting(w)}/minutes", grow_minutes, lambda b: len(b["items"])
    ),
    "/relationships/{rel_id}/meetings/{meeting_id}/minutes/revisions": ListOperation(
        "vic", lambda w: f"{_meeting(w)}/minutes/revisions", grow_revisions, len
    ),
    "/relationships/{rel_id}/topics": ListOperation(
        "carol", lambda w: f"{_rel(w)}/topics", grow_topics, lambda b: len(b["topics"])
    ),
    "/relationships/{rel_id}/topics/{topic_id}": ListOperation(
        "vic", _topic, grow_topic_items, lambda b: len(b["action_items"])
    ),
    "/relationships/{rel_id}/forecasts": ListOperation(
        "vic", lambda w: f"{_rel(w)}/forecasts", grow_forecasts, len
    ),
    "/relationships/{rel_id}/task-forces/{tf_id}": ListOperation(
        "carol",
        lambda w: f"{_rel(w)}/task-forces/{w.task_force.pk}",
        grow_task_force_members,
        lambda b: len(b["members"]),
    ),
    **{path: ListOperation(*growth) for path, growth in EXPECTATION_LISTS.items()},
    **{path: ListOperation(*growth) for path, growth in FEEDBACK_LISTS.items()},
    **{path: ListOperation(*growth) for path, growth in REPORT_LISTS.items()},
}
# How many rows each answer gains between the two calls (more for the people: two per step).
GROWTH = {
    "/relationships/{rel_id}/people": 20,
    "/me": 20,
    # One row per approach however many meetings: the meetings grow (sixty more), not the rows.
    "/relationships/{rel_id}/meetings/cadence": 0,
}


def _schema(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def _answers_a_list(doc: dict[str, Any], operation: dict[str, Any]) -> bool:
    content = operation["responses"]["200"].get("content", {})
    if "application/json" not in content:  # a download (bytes): no list
        return False
    schema = _schema(doc, content["application/json"]["schema"])
    if schema.get("type") == "array":
        return True
    return any(prop.get("type") == "array" for prop in schema.get("properties", {}).values())


def list_operations() -> set[str]:
    doc = json.loads(json.dumps(api.get_openapi_schema(), default=str))  # as served: string keys
    return {
        path.removeprefix(PREFIX)
        for path, item in doc["paths"].items()
        if "get" in item and _answers_a_list(doc, item["get"])
    }


def test_every_list_operation_is_measured() -> None:
    assert list_operations() == set(LIST_OPERATIONS)


def _call(client: Any, url: str) -> tuple[Any, list[str]]:
    _COMPUTED.clear()  # measurements counted as computed, not as read again from this process's cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(
    "path",
    sorted(LIST_OPERATIONS),
)
def test_a_list_answers_in_as_many_queries_for_12_rows_as_for_2(
    world: World, as_user: Any, path: str
) -> None:
    operation = LIST_OPERATIONS[path]
    client = as_user(getattr(world, operation.who))
    url = operation.url(world)
    operation.grow(world, 2)
    _call(client, url)  # warm up: sessions, caches
    small, few = _call(client, url)
    operation.grow(world, 10)
    large, many = _call(client, url)
    assert operation.rows(large) - operation.rows(small) == GROWTH.get(path, 10)
    assert len(many) == len(few), f"{len(few)} → {len(many)} queries, these more often: {_more(few, many)}"


def _more(few: list[str], many: list[str]) -> list[str]:
    """The queries (numbers blanked) that the larger answer ran more often."""
    shape = lambda sql: re.sub(r"\d+", "N", sql)[:300]  # noqa: E731
    return list((Counter(map(shape, many)) - Counter(map(shape, few))).keys())
