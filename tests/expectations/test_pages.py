"""The expectations' pages as each test person uses them: the list by holder, proposing, agreeing side
by side, changing, withdrawing, retiring, rating, the gap's plan; errors re-render with what was typed;
a stale version is a conflict; Fay reads and drafts but agrees nothing; Mallory gets 404."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from accord.expectations.models import Assessment, Expectation
from accord.register.models import ActionItem
from tests.access import TA
from tests.expectations.helpers import OTI_95, propose
from tests.expectations.scenario import DAY, Scenario, build

BASE = f"/r/{TA}/expectations/"


@pytest.fixture
def scene(world: Any) -> Any:
    with time_machine.travel(DAY, tick=False):
        yield build(world)


def page(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_the_list_groups_by_holder_and_marks_what_awaits_your_side(
    world: Any, scene: Scenario, as_user: Any
) -> None:
    carol = page(as_user(world.carol), BASE)
    assert (
        "What Telco A expects of Northwind Networks" in carol
        and "What Northwind Networks expects of Telco A" in carol
    )
    assert "Deliver order lines on time" in carol and "Send a rolling forecast every month" in carol
    assert carol.count('data-testid="awaiting"') == 1  # Northwind's proposal, for Telco A to agree
    assert "1 expectation awaits your side" in carol
    ada = page(as_user(world.ada), BASE)
    assert 'data-testid="awaiting"' not in ada  # Northwind agreed it by proposing it
    proposed = page(as_user(world.val), BASE + "?status=proposed")
    assert "Send a rolling forecast" in proposed and "Deliver order lines on time" not in proposed
    assert "Send a rolling forecast" in page(as_user(world.fay), BASE)
    page(as_user(world.mallory), BASE, 404)


def test_carol_proposes_a_measurable_expectation_with_the_measures_direction(
    world: Any, as_user: Any
) -> None:
    client = as_user(world.carol)
    form = page(client, BASE + "new/")
    assert (
        "OTD.OTI · On-time delivery to requested date" in form
        and "What Telco A expects of Northwind Networks" in form
    )
    response = client.post(
        BASE + "new/",
        {
            "holder": "customer",
            "area": "OTD",
            "statement": "On time",
            "kind": "measurable",
            "measure": "OTD.OTI",
            "category": "ALL",
            "comparator": "",
            "target": "95",
            "basis": "3",
            "open_after": "2",
            "close_after": "3",
            "owner": world.sam.pk,
        },
    )
    assert response.status_code == 302
    expectation = Expectation.objects.get(relationship=world.nw_ta)
    revision = expectation.revisions.get()
    assert (revision.comparator, revision.basis, revision.open_after, expectation.owner) == (
        "at_least",
        3,
        2,
        world.sam,
    )
    detail = page(client, response["Location"])
    assert "Telco A: agreed by Carol" in detail and "Northwind Networks: not agreed yet" in detail
    assert "Agree for my side" not in detail  # Carol's side has agreed


def test_a_bad_proposal_re_renders_with_the_reasons_and_what_was_typed(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    response = client.post(
        BASE + "new/",
        {
            "holder": "customer",
            "area": "documentation",
            "statement": "Good manuals",
            "kind": "qualitative",
            "basis": "1",
            "open_after": "1",
            "close_after": "13",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Good manuals" in body
    assert "Ensure this value is less than or equal to 12." in body
    response = client.post(
        BASE + "new/",
        {
            "holder": "customer",
            "area": "documentation",
            "statement": "Good manuals",
            "kind": "qualitative",
            "basis": "1",
            "open_after": "1",
            "close_after": "3",
        },
    )
    assert response.status_code == 400 and "qualitative expectation must reach" in response.content.decode()
    response = client.post(
        BASE + "new/",
        {
            "holder": "customer",
            "area": "OTD",
            "statement": "x",
            "kind": "measurable",
            "measure": "OTD.OTI",
            "category": "ALL",
            "basis": "1",
            "open_after": "1",
            "close_after": "3",
        },
    )
    assert response.status_code == 400 and "needs a target value" in response.content.decode()
    assert not Expectation.objects.exists()


def test_ada_agrees_and_the_expectation_is_in_force(world: Any, as_user: Any) -> None:
    with time_machine.travel(DAY, tick=False):
        expectation = propose(world, OTI_95)
        client = as_user(world.ada)
        detail = page(client, f"{BASE}{expectation.number}/")
        assert "Agree for my side" in detail
        response = client.post(f"{BASE}{expectation.number}/agree/", {"version": expectation.version})
        assert response.status_code == 302
        detail = page(client, f"{BASE}{expectation.number}/")
    expectation.refresh_from_db()
    assert expectation.status == "agreed"
    assert "Agreed" in detail and "Terms in force" in detail and "OTD.OTI ≥ 95" in detail
    assert "Assessed from" in detail and "2026-06" in detail


def test_a_stale_agreement_comes_back_with_a_conflict(world: Any, as_user: Any) -> None:
    expectation = propose(world, OTI_95)
    client = as_user(world.ada)
    response = client.post(f"{BASE}{expectation.number}/agree/", {"version": expectation.version + 1})
    assert response.status_code == 303
    detail = page(client, response["Location"])
    assert "Someone else changed this record" in detail
    expectation.refresh_from_db()
    assert expectation.status == "proposed"


def test_a_change_needs_a_reason_and_a_stale_one_is_409(world: Any, scene: Scenario, as_user: Any) -> None:
    client = as_user(world.carol)
    url = f"{BASE}{scene.oti.number}/change/"
    form = page(client, url)
    assert 'value="Deliver order lines on time"' not in form  # a textarea
    assert "Deliver order lines on time" in form
    data = {
        "area": "OTD",
        "statement": "Deliver order lines on time",
        "kind": "measurable",
        "measure": "OTD.OTI",
        "category": "ALL",
        "comparator": "at_least",
        "target": "97",
        "basis": "1",
        "open_after": "1",
        "close_after": "3",
        "version": scene.oti.version,
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(url, data | {"version": scene.oti.version - 1, "reason": "Tighter"})
    assert response.status_code == 409
    assert "Your entries are kept below" in response.content.decode()
    response = client.post(url, data | {"reason": "Tighter"})
    assert response.status_code == 302
    detail = page(as_user(world.ada), f"{BASE}{scene.oti.number}/")
    assert "Proposed change" in detail and "OTD.OTI ≥ 95" in detail and "OTD.OTI ≥ 97" in detail
    assert "Tighter" in detail and "Agree for my side" in detail


def test_withdrawing_a_proposal_that_was_never_agreed_retires_it(world: Any, as_user: Any) -> None:
    expectation = propose(world, OTI_95)
    response = as_user(world.sam).post(
        f"{BASE}{expectation.number}/withdraw/", {"version": expectation.version}
    )
    assert response.status_code == 302
    expectation.refresh_from_db()
    assert expectation.status == "retired"


def test_only_the_holding_side_retires_with_a_reason(world: Any, scene: Scenario, as_user: Any) -> None:
    url = f"{BASE}{scene.oti.number}/retire/"
    assert as_user(world.ada).get(url).status_code == 403
    client = as_user(world.carol)
    response = client.post(url, {"version": scene.oti.version, "reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert client.post(url, {"version": scene.oti.version, "reason": "Met for a year"}).status_code == 302
    scene.oti.refresh_from_db()
    assert scene.oti.status == "retired"
    assert "Met for a year" in page(client, f"{BASE}{scene.oti.number}/")


def test_the_expectation_page_shows_assessments_chart_and_the_gaps_plan(
    world: Any, scene: Scenario, as_user: Any
) -> None:
    with time_machine.travel(DAY, tick=False):
        detail = page(as_user(world.vic), f"{BASE}{scene.oti.number}/")
    assert "<svg" in detail and "E-1 target ≥ 95" in detail  # the chart's legend names it
    # April: 40 of 50, with the records behind each number
    assert "/r/northwind-telco-a/measurements/records/?measure=OTD.OTI&amp;month=2026-04" in detail
    assert ">40</a> / <a" in detail and "✗ Not met" in detail and "✓ Met" in detail
    assert "Improving" in detail
    assert scene.item.reference in detail and "Add a second carrier for Berlin" in detail
    assert "(overdue)" in detail
    assert "Add an action to the plan" not in detail  # Vic is a viewer
    assert "Add an action to the plan" in page(as_user(world.sam), f"{BASE}{scene.oti.number}/")
    page(as_user(world.mallory), f"{BASE}{scene.oti.number}/", 404)


def test_fay_reads_and_drafts_a_rating_but_agrees_nothing(world: Any, scene: Scenario, as_user: Any) -> None:
    client = as_user(world.fay)
    detail = page(client, f"{BASE}{scene.docs.number}/")
    assert "Rate a month" in detail and "draft until a lead of the holding side confirms" in detail
    response = client.post(f"{BASE}{scene.docs.number}/rate/", {"month": "2026-05", "rating": "5"})
    assert response.status_code == 302
    assert Assessment.objects.get(expectation=scene.docs, month="2026-05").status == "draft"
    forecasts = scene.forecasts
    assert client.post(f"{BASE}{forecasts.number}/agree/", {"version": forecasts.version}).status_code == 403
    assert client.get(BASE + "new/").status_code == 403
    assert (
        client.post(
            f"{BASE}{scene.oti.number}/gap/plan/", {"title": "x", "owner_side": "supplier", "priority": "low"}
        ).status_code
        == 403
    )
    assert "Propose an expectation" not in page(client, BASE)


def test_a_bad_rating_goes_back_to_the_page_with_its_message(
    world: Any, scene: Scenario, as_user: Any
) -> None:
    client = as_user(world.sam)
    response = client.post(f"{BASE}{scene.docs.number}/rate/", {"month": "June", "rating": "4"})
    assert response.status_code == 303
    detail = page(client, response["Location"])
    assert "Write a month as YYYY-MM." in detail and 'value="June"' in detail


def test_carol_confirms_the_facilitators_draft(world: Any, scene: Scenario, as_user: Any) -> None:
    client = as_user(world.carol)
    detail = page(client, f"{BASE}{scene.docs.number}/")
    assert "Release notes late" in detail and "Confirm" in detail
    assert "Confirm</button>" not in page(as_user(world.ada), f"{BASE}{scene.docs.number}/")
    with time_machine.travel(DAY, tick=False):
        response = client.post(f"{BASE}{scene.docs.number}/ratings/2026-06/confirm/")
    assert response.status_code == 302
    rating = Assessment.objects.get(expectation=scene.docs, month="2026-06")
    assert (rating.status, rating.result, rating.confirmed_by) == ("confirmed", "not_met", world.carol)


def test_sam_plans_an_action_and_chooses_the_tracking_measure(
    world: Any, scene: Scenario, as_user: Any
) -> None:
    client = as_user(world.sam)
    url = f"{BASE}{scene.oti.number}/gap/"
    response = client.post(
        url + "plan/",
        {
            "title": "Daily dispatch review",
            "owner_side": "supplier",
            "priority": "high",
            "due_date": "2026-09-30",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get(title="Daily dispatch review")
    assert item.source_kind == "gap" and item.source_url.endswith(f"/expectations/{scene.oti.number}/#gap")
    response = client.post(url + "plan/", {"title": "", "owner_side": "supplier", "priority": "high"})
    assert response.status_code == 303
    assert "This field is required." in page(client, response["Location"])
    assert client.post(url + "track/", {"measure": "OTD.OTIP"}).status_code == 302
    scene.gap.refresh_from_db()
    assert scene.gap.tracked_by == "OTD.OTIP"
    detail = page(client, f"{BASE}{scene.oti.number}/")
    assert "Daily dispatch review" in detail and "OTD.OTIP" in detail


def test_the_tab_overview_and_home_page_tell_the_scorecards_headline(
    world: Any, scene: Scenario, as_user: Any
) -> None:
    with time_machine.travel(DAY, tick=False):
        overview = page(as_user(world.fay), f"/r/{TA}/")
        home = page(as_user(world.carol), "/")
    assert f'href="{BASE}"' in overview  # the Expectations tab, for the facilitator too
    assert "1 of 1 expectations met in 2026-06" in overview and "1 open gap" in overview
    assert "1 of 1 expectations met in 2026-06" in home and "1 open gap" in home
