"""Schemathesis over Accord's whole OpenAPI document, in process (the WSGI application, no server).

- The document comes from the application itself (``/api/v1/openapi.json``), so an operation is fuzzed
  the day it lands.
- Each role calls with its own API token (``Authorization: Bearer``), as scripts do; anonymous with none.
- Path parameters are mostly real ids of the seeded world (``known_ids``), some the caller may see and
  some of the other relationship, so requests reach real code rather than stopping at a 404; the rest
  are what schemathesis generates (out of range, unknown).
- Checks: no server error, every answer matches its documented schema, every status code is documented.
"""

from __future__ import annotations

import io
from typing import Any

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from accord.accounts.services import create_api_token
from accord.attachments import kinds as attachment_kinds
from accord.attachments import services as attachments
from accord.lib.importing import importer_kinds
from accord.meetings.models import Attendee
from accord.operations.models import ImportBatch
from accord.parties.access import access_from
from accord.register import proposals
from accord.register import services as register
from tests.expectations import fuzz_expectations
from tests.feedback import fuzz_feedback
from tests.meetings.fuzz_minutes import seed_minutes
from tests.reports import api_helpers as fuzz_reports

APP = get_wsgi_application()
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
BASE_URL = "http://testserver"
ROLES = ("carol", "vic", "sam", "mallory", "anonymous")
EXAMPLES = 100  # per operation and role
CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance, status_code_conformance]


def operations() -> dict[str, Any]:
    """Every operation of the document, by ``METHOD path``."""
    found = {}
    for result in SCHEMA.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


def known_values(world: Any, known_ids: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Values of body and query fields that the services accept (real people, task forces, categories,
    import kinds, countries and zones): mixed into generated requests so writes succeed often enough to
    reach the services, and not only their validation."""
    people = [getattr(world, name).pk for name in ("ada", "sam", "carol", "vic", "mallory")]
    return {
        "owner_id": people,
        "lead_id": people,
        "member_ids": [[world.carol.pk, world.sam.pk], [world.mallory.pk], []],
        "task_force_id": known_ids["tf_id"],
        "related": [[n] for n in known_ids["number"]],
        "category": [world.category.code],
        "kind": sorted(importer_kinds()),
        "country": ["DE", "FR"],
        "time_zone": ["UTC", "Europe/Berlin"],
        "from": ["2026-01"],
        "to": ["2026-11"],
        **fuzz_expectations.known_values(world),
        **fuzz_feedback.known_values(world),
        **fuzz_reports.known_values(world),
    }


def seed(world: Any) -> dict[str, list[Any]]:
    """Records of both relationships beyond the ``world`` fixture's, and the ids to fuzz with, keyed by
    path parameter name: Northwind–Telco A's (Carol's, Vic's, Sam's) and Northwind–Telco B's
    (Mallory's, Sam's), so every role meets ids it may see and ids it may not."""
    mallory = access_from(world.mallory, world.nw_tb)
    tb_task_force = register.create_task_force(access=mallory, name="Lyon outages", lead=world.mallory)
    tb_item = register.create_item(access=mallory, title="Lyon CO power", owner_side="customer")
    # proposals: the other side's on a shared item of each relationship (Carol's, and Sam's on Mallory's)
    ta_proposal = proposals.propose(
        access=access_from(world.carol, world.nw_ta), item=world.item, note="Later?", propose_due=True
    )
    tb_proposal = proposals.propose(
        access=access_from(world.sam, world.nw_tb), item=tb_item, owner=world.mallory, propose_owner=True
    )
    batches = [
        ImportBatch.objects.create(
            relationship=rel, kind="shipments", file_name="s.csv", sha256="0" * 64, status="done"
        )
        for rel in (world.nw_ta, world.nw_tb)
    ]
    files = [  # a shared, a private (Northwind's) and a Telco B item's file
        attachments.add(
            access=access_from(user, item.relationship),
            kind=attachment_kinds.get("action-item"),
            parent=item,
            upload=io.BytesIO(b"LOS alarm at 10:00\n"),
            name="alarms.log",
        ).pk
        for user, item in (
            (world.carol, world.item),
            (world.ada, world.private_item),
            (world.mallory, tb_item),
        )
    ]
    topic_ids, forecast_ids = _topics_and_forecasts(world, mallory)
    feedback = fuzz_feedback.seed_feedback(world)
    feedback_proposals = feedback.pop("proposal_id")  # the same path parameter as the register's
    meetings, minutes = _meeting_ids(world), seed_minutes(world)
    return {
        **{name: meetings.get(name, []) + minutes.get(name, []) for name in {*meetings, *minutes}},
        "rel_id": [world.nw_ta.pk, world.nw_tb.pk],
        "kind": ["action-item"],
        "attachment_id": files,
        "number": sorted({world.item.key, world.private_item.key, tb_item.key, "TLA-S0001", "C1"}),
        "tf_id": [world.task_force.pk, tb_task_force.pk],
        "site_id": [world.nw_site.pk, world.ta_site.pk, world.tb_site.pk],
        "product_id": [world.product.pk],
        "batch_id": [b.pk for b in batches],
        "proposal_id": [ta_proposal.pk, tb_proposal.pk, *feedback_proposals],
        "topic_id": topic_ids,
        "forecast_id": forecast_ids,
        # the people invited to each meeting: of both sides, of both relationships
        "attendee_id": list(Attendee.objects.order_by("pk").values_list("pk", flat=True)),
        **fuzz_expectations.seed_expectations(world),
        **feedback,
        **fuzz_reports.seed_reports(world),
    }


def meeting_ids(world: Any) -> list[int]:
    """Telco A's shared expectations team meeting and quality review, and a Telco B meeting."""
    from accord.meetings import services as meetings
    from tests.meetings.helpers import at, review, team_meeting

    tb = meetings.schedule(
        access=access_from(world.mallory, world.nw_tb),
        kind="program_review",
        title="Lyon program review",
        starts_at=at(20),
        ends_at=at(20, 11),
        time_zone="Europe/Paris",
        host_side="customer",
        site=world.tb_site,
    )
    return [team_meeting(world).pk, review(world).pk, tb.pk]


def _topics_and_forecasts(world: Any, mallory: Any) -> tuple[list[int], list[int]]:
    """A shared and a private (Northwind's) topic of Telco A, a topic of Telco B; a forecast of each."""
    from accord.meetings import topics

    carol, sam = access_from(world.carol, world.nw_ta), access_from(world.sam, world.nw_ta)
    found = [
        topics.create_topic(access=carol, kind="customer_concern", title="Alarm floods"),
        topics.create_topic(access=sam, kind="organization_concern", title="Late pay", visibility="private"),
        topics.create_topic(access=mallory, kind="feature_request", title="Lyon alarms"),
    ]
    forecasts = [
        topics.create_forecast(access=access, product=world.product, month="2027-01", quantity=5)
        for access in (carol, mallory)
    ]
    return [t.pk for t in found], [f.pk for f in forecasts]


def _meeting_ids(world: Any) -> dict[str, list[Any]]:
    """A quality review of each relationship (Sam's), its agenda items and a pre-read pack of each."""
    from datetime import timedelta

    from django.utils import timezone

    from accord.meetings import packs
    from accord.meetings import services as meetings

    found: dict[str, list[Any]] = {"meeting_id": meeting_ids(world), "item_id": [], "pack_id": []}
    starts = timezone.now() + timedelta(days=30)
    for rel in (world.nw_ta, world.nw_tb):
        access = access_from(world.sam, rel)
        meeting = meetings.schedule(
            access=access,
            kind="quality_review",
            title="Quality review",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            time_zone="UTC",
            host_side="supplier",
        )
        found["meeting_id"].append(meeting.pk)
        found["item_id"] += list(meeting.agenda_items.values_list("pk", flat=True)[:2])
        found["pack_id"].append(packs.send(access=access, meeting=meeting).pk)
    found["meeting_kind"] = ["quality_review", "set"]
    return found


def tokens(world: Any) -> dict[str, dict[str, str]]:
    """Each role's request headers: its own API token, none for anonymous."""
    headers = {"anonymous": {}}
    for role in ROLES[:-1]:
        _token, raw = create_api_token(user=getattr(world, role), name="fuzzing")
        headers[role] = {"Authorization": f"Bearer {raw}"}
    return headers


def path_ids(operation: Any, known_ids: dict[str, list[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Real ids for every path parameter of ``operation``; fails loudly on a parameter name with none, so
    a new operation's parameter gets its ids here before it is fuzzed blind."""
    names = [p.name for p in operation.path_parameters]
    missing = [n for n in names if n not in known_ids]
    assert not missing, f"known_ids has no ids for {missing} of {operation.label}: add seeded records"
    return st.fixed_dictionaries(
        {n: st.one_of(*[st.sampled_from(known_ids[n])] * 4, st.sampled_from(EDGE_INTS)) for n in names}
    )


def cases(operation: Any, known_ids: dict[str, list[Any]]) -> st.SearchStrategy[Any]:
    """Valid and invalid requests, mostly on real ids, sometimes on generated ones."""

    def on(ids: dict[str, Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=ids),
        )

    real = path_ids(operation, known_ids).flatmap(on) if operation.path_parameters else on({})
    if not operation.path_parameters:
        return real
    return st.one_of(real, real, real, operation.as_strategy(GenerationMode.POSITIVE))


# Hostile values schemathesis seldom draws by itself: numbers just inside and past what 32- and 64-bit
# columns hold, text with NUL characters, an empty and a long text.
EDGE_INTS = [0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**20]
EDGE_TEXTS = ["\x00", "a\x00b", "", " ", "x" * 5000]
EDGE_LISTS = [[2**63], [0], [-1], list(range(1, 1100))]


def _edges(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return EDGE_INTS
    if isinstance(value, str):
        return EDGE_TEXTS
    if isinstance(value, list):
        return EDGE_LISTS
    return []


def with_chosen_values(data: st.DataObject, case: Any, values: dict[str, list[Any]]) -> Any:
    """Each body or query field keeps what schemathesis generated, or takes a known good value (a real
    person, task force, category, …; for ``version`` a small one that may be current, as records start at
    1 and fuzzing moves them on), or a hostile one (``EDGE_*``): so writes get past validation and the
    optimistic lock to the services, and the services meet the values that broke them before."""
    for fields in (case.body, case.query):
        if not isinstance(fields, dict):
            continue
        for name in list(fields):
            good = list(range(1, 5)) if name == "version" else values.get(name, [])
            choices = [fields[name]] * 3 + ([st.sampled_from(good)] * 3 if good else [])
            edges = _edges(fields[name])
            if edges:
                choices.append(st.sampled_from(edges))
            chosen = data.draw(st.sampled_from(range(len(choices))))
            if chosen >= 3:
                fields[name] = data.draw(choices[chosen])
    return case


def call_and_check(case: Any, headers: dict[str, str]) -> Any:
    response = case.call(app=APP, base_url=BASE_URL, headers=headers)
    case.validate_response(response, checks=CHECKS)
    return response
