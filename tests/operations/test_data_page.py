"""The data page: history, upload, a batch's errors and CSV, progress partial, retry; who may do what."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.operations import services
from accord.operations.models import BatchStatus, ImportBatch, Shipment

DATA = "/r/northwind-telco-a/data/"
GOOD = b"shipment_id,product_code,ship_date,quantity\r\nS-1,NW-OTX-100,2026-01-05,3\r\n"
BAD = b"shipment_id,product_code,ship_date,quantity\r\nS-1,NW-NOPE,2026-01-05,3\r\nS-2,NW-OTX-100,=1+1,3\r\n"


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client: Any, content: bytes = GOOD, name: str = "ship.csv", **fields: Any) -> Any:
    data = {"kind": "shipments", "file": SimpleUploadedFile(name, content, "text/csv"), **fields}
    return client.post(DATA + "upload/", data)


def batch_of(world: Any, **values: Any) -> ImportBatch:
    defaults = {"kind": "shipments", "file_name": "s.csv", "uploaded_by": world.sam}
    return ImportBatch.objects.create(relationship=world.nw_ta, **{**defaults, **values})


def test_the_supplier_sees_the_history_and_the_upload_form(world: Any, as_user: Any) -> None:
    batch_of(world, status=BatchStatus.SUCCEEDED, rows_total=12, created=12)
    response = as_user(world.sam).get(DATA)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'action="/r/northwind-telco-a/data/upload/"' in body
    assert "s.csv" in body and "Sam Patel" in body
    assert "/r/northwind-telco-a/data/returns.csv" in body


@pytest.mark.parametrize("person", ["val", "carol", "vic"])
def test_readers_see_the_history_without_the_upload_form(world: Any, as_user: Any, person: str) -> None:
    batch_of(world)
    response = as_user(world.people()[person]).get(DATA)
    assert response.status_code == 200
    assert b"data/upload/" not in response.content


@pytest.mark.parametrize("person", ["mallory", "fay"])
def test_strangers_and_the_facilitator_get_404(world: Any, as_user: Any, person: str) -> None:
    batch = batch_of(world)
    client = as_user(world.people()[person])
    for url in (
        DATA,
        f"{DATA}batches/{batch.pk}/",
        f"{DATA}batches/{batch.pk}/errors.csv",
        f"{DATA}shipments.csv",
    ):
        assert client.get(url).status_code == 404, url
    assert upload(client).status_code == 404
    assert client.post(f"{DATA}batches/{batch.pk}/retry/").status_code == 404


@pytest.mark.parametrize("person", ["carol", "val", "vic"])
def test_only_the_suppliers_writers_upload_and_retry(world: Any, as_user: Any, person: str) -> None:
    batch = batch_of(world, status=BatchStatus.FAILED)
    client = as_user(world.people()[person])
    assert upload(client).status_code == 403
    assert client.post(f"{DATA}batches/{batch.pk}/retry/").status_code == 403
    assert Shipment.objects.count() == 0
    assert ImportBatch.objects.count() == 1


def test_an_upload_imports_the_file_and_shows_the_batch(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    response = upload(client)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{DATA}batches/{batch.pk}/"
    assert batch.status == BatchStatus.SUCCEEDED
    assert Shipment.objects.get().shipment_id == "S-1"
    page = client.get(response["Location"]).content.decode()
    assert "Imported: 1 created, 0 updated, 0 unchanged." in page
    assert "hx-trigger" not in page  # finished: no polling


def test_a_bad_upload_lists_its_errors_and_offers_them_as_csv(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    response = upload(client, BAD)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REJECTED
    page = client.get(response["Location"]).content.decode()
    assert "2 problems found; nothing was imported." in page
    assert "NW-NOPE" in page
    for person in ("sam", "vic"):  # both sides read the errors
        errors = as_user(world.people()[person]).get(f"{DATA}batches/{batch.pk}/errors.csv")
        assert errors.status_code == 200
        assert errors["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(errors.content.decode("utf-8-sig"))))
        assert rows[0] == ["row", "column", "value", "reason"]
        assert [r[:3] for r in rows[1:]] == [["2", "product_code", "NW-NOPE"], ["3", "ship_date", "'=1+1"]]
    assert Shipment.objects.count() == 0


def test_a_dry_run_upload_writes_nothing(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    response = upload(client, dry_run="on")
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was written." in page
    assert Shipment.objects.count() == 0
    # the history says it was a check, not an import (customers read it too)
    history = as_user(world.carol).get(DATA).content.decode()
    assert "Checked, nothing written" in history and "would be 1 new" in history
    assert ">Imported<" not in history


def test_an_upload_without_a_file_or_of_another_type_is_refused(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    assert client.post(DATA + "upload/", {"kind": "shipments"}).status_code == 400
    response = upload(client, b"x", name="ship.txt")
    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_large_upload_is_imported_in_the_background(world: Any, as_user: Any, settings: Any) -> None:
    settings.ACCORD_IMPORT_INLINE_MB = 0
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django keeps the upload in a temporary file
    client = as_user(world.sam)
    response = upload(client)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.QUEUED  # the test's transaction never commits: the task waits
    page = client.get(response["Location"]).content.decode()
    assert "it is being imported in the background" in page
    assert 'hx-trigger="every 2s"' in page
    services.run_batch(batch.pk)
    assert Shipment.objects.count() == 1


def test_a_running_batch_polls_its_row_until_it_finishes(world: Any, as_user: Any) -> None:
    batch = batch_of(world, status=BatchStatus.RUNNING, rows_total=40_000, rows_validated=20_000)
    client = as_user(world.vic)
    row = client.get(f"{DATA}batches/{batch.pk}/", HTTP_HX_REQUEST="true")
    body = row.content.decode()
    assert body.lstrip().startswith("<tr")
    assert 'hx-trigger="every 2s"' in body
    assert 'value="25"' in body  # validating is the first half of the bar
    assert "20000 rows validated · 0 written" in body
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.SUCCEEDED)
    done = client.get(f"{DATA}batches/{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done
    listing = client.get(DATA).content.decode()
    assert f'id="batch-{batch.pk}"' in listing


def test_retrying_a_failed_batch_runs_it_again(world: Any, as_user: Any, tmp_path: Path) -> None:
    client = as_user(world.sam)
    upload(client)
    batch = ImportBatch.objects.get()
    Shipment.objects.all().delete()
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, message="The worker stopped.")
    page = client.get(f"{DATA}batches/{batch.pk}/").content.decode()
    assert "Retry this import" in page
    response = client.post(f"{DATA}batches/{batch.pk}/retry/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUCCEEDED
    assert Shipment.objects.count() == 1
    again = client.post(f"{DATA}batches/{batch.pk}/retry/", follow=True)
    assert "Only a failed import can be retried." in again.content.decode()


def test_another_relationships_batch_is_not_found(world: Any, as_user: Any) -> None:
    other = ImportBatch.objects.create(relationship=world.nw_tb, kind="shipments", file_name="b.csv")
    client = as_user(world.ada)
    assert client.get(f"{DATA}batches/{other.pk}/").status_code == 404
    assert client.get(f"{DATA}batches/{other.pk}/errors.csv").status_code == 404
    assert client.post(f"{DATA}batches/{other.pk}/retry/").status_code == 404


def test_the_anonymous_are_sent_to_sign_in(world: Any, as_user: Any) -> None:
    response = as_user(None).get(DATA)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
