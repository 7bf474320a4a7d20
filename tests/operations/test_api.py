"""Importing through the API: POST a file, read its batch."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accord.accounts.services import create_api_token
from accord.operations.models import Shipment


def upload(client: Any, world: Any, body: bytes, kind: str = "shipments", **extra: Any) -> Any:
    file = SimpleUploadedFile("shipments.csv", body, content_type="text/csv")
    return client.post(
        f"/api/v1/relationships/{world.nw_ta.pk}/imports",
        {"kind": kind, "file": file, **extra},
        headers=extra.pop("headers", {}),
    )


def test_a_good_file_is_imported_with_a_bearer_token(world: Any) -> None:
    _token, raw = create_api_token(user=world.sam, name="nightly export")
    body = b"shipment_id,product_code,ship_date,quantity\r\nS1,NW-OTX-100,2026-05-04,10\r\n"
    file = SimpleUploadedFile("shipments.csv", body, content_type="text/csv")
    response = Client().post(
        f"/api/v1/relationships/{world.nw_ta.pk}/imports",
        {"kind": "shipments", "file": file},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    batch = response.json()
    assert (batch["status"], batch["created"], batch["errors"]) == ("succeeded", 1, [])
    assert Shipment.objects.get(shipment_id="S1").quantity == 10
    listed = (
        Client()
        .get(f"/api/v1/relationships/{world.nw_ta.pk}/imports", headers={"Authorization": f"Bearer {raw}"})
        .json()
    )
    assert [b["id"] for b in listed] == [batch["id"]]


def test_a_bad_file_is_rejected_with_every_error_and_nothing_written(world: Any, as_user: Any) -> None:
    body = b"shipment_id,product_code,ship_date,quantity\r\nS1,NOPE,2026-05-04,10\r\nS2,NW-OTX-100,May,x\r\n"
    response = upload(as_user(world.sam), world, body)
    batch = response.json()
    assert batch["status"] == "rejected" and batch["error_count"] == 3
    assert {(e["row"], e["column"]) for e in batch["errors"]} == {
        (2, "product_code"),
        (3, "ship_date"),
        (3, "quantity"),
    }
    assert not Shipment.objects.exists()
    detail = as_user(world.carol).get(f"/api/v1/relationships/{world.nw_ta.pk}/imports/{batch['id']}").json()
    assert detail["error_count"] == 3


def test_an_unknown_kind_is_a_field_error(world: Any, as_user: Any) -> None:
    response = upload(as_user(world.sam), world, b"x\r\n", kind="invoices")
    assert response.status_code == 400 and "kind" in response.json()["fields"]


def test_the_customer_cannot_import_operational_data(world: Any, as_user: Any) -> None:
    response = upload(as_user(world.carol), world, b"shipment_id\r\n")
    assert response.status_code == 403 and "supplier" in response.json()["error"]
