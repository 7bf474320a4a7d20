"""The topic log's pages: the list opens on the open work with filters that fold on a phone, a topic's
page with its facts, action items and status buttons, the forms, the tab and the exports."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from accord.meetings import topics
from accord.meetings.models import Topic
from tests.meetings.topic_helpers import access, concern, raise_topic

TA = "/r/northwind-telco-a"


def _closed(w: Any) -> Topic:
    topic = raise_topic(w, kind="ordering_issue", title="Invoice 4711 twice")
    return topics.change_status(access=access(w, w.carol), topic=topic, version=1, status="closed")


def test_the_log_opens_on_the_open_work_and_one_click_shows_all(world: Any, as_user: Any) -> None:
    concern(world)
    _closed(world)
    client = as_user(world.vic)
    page = client.get(f"{TA}/topics/").content.decode()
    assert "Alarm floods after upgrade" in page and "Invoice 4711 twice" not in page
    toggle = client.get(f"{TA}/topics/").context["toggle"]
    every = next(option for option in toggle if option["key"] == "all")
    assert "Invoice 4711 twice" in client.get(f"{TA}/topics/?{every['query']}").content.decode()


def test_the_log_filters_by_kind_and_raising_side(world: Any, as_user: Any) -> None:
    concern(world)
    raise_topic(world, by=world.sam, kind="organization_concern", title="Forecasts arrive late")
    client = as_user(world.val)
    by_kind = client.get(f"{TA}/topics/?kind=organization_concern").content.decode()
    assert "Forecasts arrive late" in by_kind and "Alarm floods" not in by_kind
    by_side = client.get(f"{TA}/topics/?raised_by_side=customer").content.decode()
    assert "Alarm floods" in by_side and "Forecasts arrive late" not in by_side


def test_the_filters_fold_behind_one_button_and_rows_become_cards_on_a_phone(
    world: Any, as_user: Any
) -> None:
    concern(world)
    page = as_user(world.vic).get(f"{TA}/topics/?kind=customer_concern").content.decode()
    assert 'data-testid="filters-toggle"' in page and "Filters (1 active)" in page
    assert "collapse filters-fold" in page
    assert "table-cards" in page and "card-title-cell" in page


def test_the_relationship_pages_have_a_topics_tab(world: Any, as_user: Any) -> None:
    page = as_user(world.carol).get(f"{TA}/items/").content.decode()
    assert f'href="{TA}/topics/"' in page and ">Topics<" in page
    active = as_user(world.carol).get(f"{TA}/forecasts/").content.decode()
    assert f'class="nav-link active" aria-current="page" href="{TA}/topics/"' in active


def test_a_topic_page_shows_its_facts_items_and_next_statuses(world: Any, as_user: Any) -> None:
    topic = concern(world)
    page = as_user(world.sam).get(f"{TA}/topics/{topic.pk}/")
    text = html.unescape(page.content.decode())
    assert "TLA-0001" in text and "Root-cause the line card returns" in text
    assert [str(s) for s in page.context["next_statuses"]] == ["closed"]
    assert 'data-testid="attachments"' in text
    viewer = as_user(world.vic).get(f"{TA}/topics/{topic.pk}/")
    assert list(viewer.context["next_statuses"]) == [] and 'name="keys"' not in viewer.content.decode()


def test_a_writer_raises_a_topic_with_the_form(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    data = {
        "kind": "change_notice",
        "title": "PCN 2027-01: new optics vendor",
        "raised_by_side": "supplier",
        "raised_on": "2026-11-02",
        "visibility": "shared",
        "effective_date": "2027-02-01",
        "products": [world.product.pk],
    }
    response = client.post(f"{TA}/topics/new/", data)
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert response["Location"] == f"{TA}/topics/{topic.pk}/"
    assert (topic.raised_by, str(topic.effective_date), list(topic.products.all())) == (
        world.sam,
        "2027-02-01",
        [world.product],
    )


def test_the_form_shows_the_services_field_errors(world: Any, as_user: Any) -> None:
    data = {
        "kind": "quality_issue",
        "title": "Bad solder joints",
        "raised_by_side": "supplier",
        "raised_on": "2026-11-02",
        "visibility": "shared",
        "target_release": "R9",
    }
    response = as_user(world.sam).post(f"{TA}/topics/new/", data)
    assert response.status_code == 200
    assert "Only a feature request has a target release." in html.unescape(response.content.decode())
    assert not Topic.objects.exists()


def test_an_edit_from_a_stale_form_answers_409_and_keeps_what_was_typed(world: Any, as_user: Any) -> None:
    topic = concern(world)
    topics.update_topic(access=access(world, world.sam), topic=topic, version=1, title="Sam's words")
    data = {
        "kind": "customer_concern",
        "title": "Carol's words",
        "raised_by_side": "customer",
        "raised_on": "2026-11-02",
        "version": 1,
    }
    response = as_user(world.carol).post(f"{TA}/topics/{topic.pk}/edit/", data)
    assert response.status_code == 409
    assert "Carol&#x27;s words" in response.content.decode()


def test_status_buttons_move_a_feature_request_and_a_failed_move_comes_back_to_the_page(
    world: Any, as_user: Any
) -> None:
    request = raise_topic(world, kind="feature_request", title="Per-port alarm suppression")
    client = as_user(world.carol)
    url = f"{TA}/topics/{request.pk}/status/"
    assert client.post(url, {"status": "under_review", "version": 1}).status_code == 302
    failed = client.post(url, {"status": "planned", "version": 2, "target_release": ""})
    assert failed.status_code == 303
    page = client.get(failed["Location"]).content.decode()
    assert "Give the target release of a planned feature request." in page
    assert client.post(url, {"status": "planned", "version": 2, "target_release": "R7.3"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.target_release) == ("planned", "R7.3")


def test_linking_on_the_page_refuses_a_private_item_for_a_shared_topic(world: Any, as_user: Any) -> None:
    topic = raise_topic(world, by=world.ada, kind="quality_issue", title="Bad solder joints")
    client = as_user(world.ada)
    failed = client.post(f"{TA}/topics/{topic.pk}/link/", {"keys": "S1"})
    assert failed.status_code == 303
    assert "other side would see the link" in html.unescape(client.get(failed["Location"]).content.decode())
    assert client.post(f"{TA}/topics/{topic.pk}/link/", {"keys": "TLA-0001"}).status_code == 302
    assert client.post(f"{TA}/topics/{topic.pk}/unlink/", {"key": "1"}).status_code == 302
    assert not topic.action_items.exists()


def test_the_csv_export_follows_the_pages_filters(world: Any, as_user: Any) -> None:
    concern(world)
    _closed(world)
    body = as_user(world.vic).get(f"{TA}/topics/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["ID", "Kind", "Title"]
    assert [r[2] for r in rows[1:]] == ["Alarm floods after upgrade"]
    assert rows[1][10] == "TLA-0001"
    every = (
        as_user(world.vic)
        .get(f"{TA}/topics/export.csv?status=open&status=closed")
        .content.decode("utf-8-sig")
    )
    assert "Invoice 4711 twice" in every
    assert as_user(world.vic).get(f"{TA}/topics/export.pdf").status_code == 404
