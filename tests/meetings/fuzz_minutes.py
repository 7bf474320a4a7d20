"""Records for the API fuzzer's minutes operations (tests/fuzz/harness.py ``seed``): a meeting of each
relationship with a decision, and Telco A's approved review (revision 1), so generated requests reach
the services with ids each role may and may not see."""

from __future__ import annotations

from typing import Any

from accord.meetings import minutes, services
from accord.meetings.models import Kind
from accord.parties.access import access_from
from tests.meetings.helpers import at, review, team_meeting
from tests.meetings.helpers_minutes import approve_both, first_item


def seed_minutes(world: Any) -> dict[str, list[Any]]:
    mallory = access_from(world.mallory, world.nw_tb)
    assert mallory is not None
    tb_meeting = services.schedule(
        access=mallory,
        kind=Kind.OTHER,
        title="Lyon review",
        starts_at=at(20),
        ends_at=at(20, 12),
        time_zone="Europe/Paris",
        host_side="customer",
        site=world.tb_site,
    )
    approved = approve_both(world, review(world))
    team = team_meeting(world)
    decisions = [
        minutes.add_decision(access=access, item=first_item(meeting), text="Keep the cadence").pk
        for access, meeting in ((mallory, tb_meeting), (access_from(world.sam, world.nw_ta), team))
    ]
    meetings = [team, approved, tb_meeting]
    return {
        "meeting_id": [m.pk for m in meetings],
        "item_id": [first_item(m).pk for m in meetings],
        "decision_id": decisions,
        "revision": [1, 2],
    }
