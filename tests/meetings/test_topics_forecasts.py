"""The customer's forecasts: entered by the customer's writers only, of the supplier's products, one per
product and month, with clear errors; read by both sides, audited; and their page and API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.audit.models import AuditEvent
from accord.lib.errors import Conflict
from accord.meetings import topics
from accord.meetings.models import Forecast
from accord.parties import services as parties
from tests.meetings.topic_helpers import access, forecast

PAGE = "/r/northwind-telco-a/forecasts/"


def _enter(w: Any, person: Any, **values: Any) -> Forecast:
    given = {"product": w.product, "month": "2027-02", "quantity": 10} | values
    return topics.create_forecast(access=access(w, person), **given)


def test_the_customers_writer_enters_a_forecast(world: Any) -> None:
    entered = _enter(world, world.carol, note="Rollout wave 2")
    assert (entered.month, entered.quantity, entered.entered_by) == ("2027-02", 10, world.carol)
    event = AuditEvent.objects.get(verb="forecast.created")
    assert (event.object_label, event.relationship) == ("NW-OTX-100 2027-02", world.nw_ta)


@pytest.mark.parametrize("person", ["sam", "ada", "vic", "val"])
def test_only_the_customers_writers_enter_forecasts(world: Any, person: str) -> None:
    with pytest.raises(PermissionDenied) as caught:
        _enter(world, getattr(world, person))
    assert "customer" in str(caught.value)
    existing = forecast(world)
    with pytest.raises(PermissionDenied):
        topics.update_forecast(
            access=access(world, getattr(world, person)), forecast=existing, version=1, quantity=1
        )


@pytest.mark.parametrize("month", ["2027-13", "27-01", "2027/01", "", "1999-12", "2100-01"])
def test_a_month_that_is_not_yyyy_mm_is_refused_clearly(world: Any, month: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _enter(world, world.carol, month=month)
    assert list(caught.value.message_dict) == ["month"]


def test_a_negative_quantity_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _enter(world, world.carol, quantity=-1)
    assert "quantity" in caught.value.message_dict


def test_one_forecast_per_product_and_month(world: Any) -> None:
    forecast(world)
    with pytest.raises(ValidationError) as caught:
        _enter(world, world.carol, month="2027-01", quantity=5)
    assert "There is a forecast of NW-OTX-100 for 2027-01 already" in caught.value.message_dict["month"][0]
    moved = _enter(world, world.carol, month="2027-04")
    with pytest.raises(ValidationError):
        topics.update_forecast(access=access(world, world.carol), forecast=moved, version=1, month="2027-01")


def test_forecasts_are_of_the_suppliers_products(world: Any) -> None:
    theirs = parties.create_product(
        actor=None, supplier=world.telco_a, code="TA-1", name="Telco A's own", category=world.category
    )
    with pytest.raises(ValidationError) as caught:
        _enter(world, world.carol, product=theirs)
    assert "Northwind" in caught.value.message_dict["product"][0]


def test_a_forecast_is_changed_at_its_version_and_removed_with_an_audit_event(world: Any) -> None:
    carol = access(world, world.carol)
    found = forecast(world)
    changed = topics.update_forecast(access=carol, forecast=found, version=1, quantity=55)
    assert (changed.quantity, changed.version) == (55, 2)
    with pytest.raises(Conflict):
        topics.update_forecast(access=carol, forecast=found, version=1, quantity=60)
    with pytest.raises(Conflict):
        topics.delete_forecast(access=carol, forecast=found, version=1)
    topics.delete_forecast(access=carol, forecast=found, version=2)
    assert not Forecast.objects.exists()
    assert list(
        AuditEvent.objects.filter(object_type="meetings.forecast").values_list("verb", flat=True)
    ) == [
        "forecast.deleted",
        "forecast.updated",
        "forecast.created",
    ]


def test_the_forecasts_page_shows_the_grid_to_both_sides_and_the_form_to_the_customer(
    world: Any, as_user: Any
) -> None:
    forecast(world)
    for person in (world.sam, world.vic):
        page = as_user(person).get(PAGE)
        assert page.status_code == 200
        assert b"2027-01" in page.content and b">40<" in page.content
        assert b'name="quantity"' not in page.content
    assert b'name="quantity"' in as_user(world.carol).get(PAGE).content


def test_carol_enters_a_forecast_on_the_page_and_sees_a_clear_error_for_a_twin(
    world: Any, as_user: Any
) -> None:
    client = as_user(world.carol)
    data = {"product": world.product.pk, "month": "2027-06", "quantity": "8", "note": ""}
    assert client.post(PAGE, data).status_code == 302
    twin = client.post(PAGE, data)
    assert twin.status_code == 400
    assert "There is a forecast of NW-OTX-100 for 2027-06 already" in twin.content.decode()
    assert Forecast.objects.count() == 1


def test_the_supplier_cannot_post_a_forecast_on_the_page(world: Any, as_user: Any) -> None:
    data = {"product": world.product.pk, "month": "2027-06", "quantity": "8"}
    assert as_user(world.sam).post(PAGE, data).status_code == 403
    assert as_user(world.vic).post(PAGE, data).status_code == 403
    assert not Forecast.objects.exists()


def test_the_api_refuses_a_bad_month_and_a_twin_with_the_error_shape(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    url = f"/api/v1/relationships/{world.nw_ta.pk}/forecasts"

    def post(body: dict[str, Any]) -> Any:
        return client.post(url, json.dumps(body), content_type="application/json")

    bad = post({"product_id": world.product.pk, "month": "2027-1", "quantity": 3})
    assert bad.status_code == 400 and "month" in bad.json()["fields"]
    assert post({"product_id": world.product.pk, "month": "2027-07", "quantity": 3}).status_code == 201
    twin = post({"product_id": world.product.pk, "month": "2027-07", "quantity": 4})
    assert twin.status_code == 400
    assert "already" in twin.json()["fields"]["month"][0]
    other = post({"product_id": 10**9, "month": "2027-08", "quantity": 4})
    assert other.status_code == 400 and "product_id" in other.json()["fields"]
    listed = client.get(url + "?month_from=2027-07&month_to=2027-07").json()
    assert [(f["product_code"], f["quantity"]) for f in listed] == [("NW-OTX-100", 3)]
