"""The access matrix's cases for operations's routes (collected by ``tests/test_access_matrix.py``).

Operational data: both sides read; only the supplier's editors and admins upload and retry.
"""

from __future__ import annotations

from typing import Any

from tests.access import REL, TA, Case, everyone, readers, rel_of, rel_url


def _shipments_csv() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"shipment_id,product_code,ship_date,quantity\r\nS1,NW-OTX-100,2026-05-04,10\r\n"
    return SimpleUploadedFile("shipments.csv", body, content_type="text/csv")


def _batch(w: Any) -> Any:
    from accord.operations.models import ImportBatch

    return ImportBatch.objects.create(
        relationship=w.nw_ta, kind="shipments", file_name="s.csv", sha256="0" * 64
    )


PAGES: dict[str, Case] = {
    # Operational data: both sides read; only the supplier's editors and admins upload and retry.
    "operations:data": Case("GET", lambda w: f"/r/{TA}/data/", readers(200)),
    "operations:upload": Case(  # an empty form: the writers get it back with its errors
        "POST", lambda w: f"/r/{TA}/data/upload/", everyone(403, ada=400, sam=400, mallory=404, fay=404)
    ),
    "operations:batch": Case(
        "GET",
        lambda w: f"/r/{TA}/data/batches/{w.nw_ta.import_batches.create(kind='returns').pk}/",
        readers(200),
    ),
    "operations:batch_errors": Case(
        "GET",
        lambda w: f"/r/{TA}/data/batches/{w.nw_ta.import_batches.create(kind='returns').pk}/errors.csv",
        readers(200),
    ),
    "operations:batch_retry": Case(  # a queued batch is not retried: the writers are sent back to it
        "POST",
        lambda w: f"/r/{TA}/data/batches/{w.nw_ta.import_batches.create(kind='returns').pk}/retry/",
        everyone(403, ada=302, sam=302, mallory=404, fay=404),
    ),
    "operations:download": Case("GET", lambda w: f"/r/{TA}/data/shipments.csv", readers(200)),
}

API: dict[tuple[str, str], Case] = {
    ("POST", REL + "/imports"): Case(
        "POST",
        rel_url("/imports"),
        everyone(403, anonymous=401, ada=201, sam=201, mallory=404, fay=404),
        data=lambda w: {"kind": "shipments", "file": _shipments_csv()},
        multipart=True,
    ),
    ("GET", REL + "/imports"): Case("GET", rel_url("/imports"), readers(200, 401)),
    ("GET", REL + "/imports/{batch_id}"): Case(
        "GET", lambda w: f"{rel_of(w)}/imports/{_batch(w).pk}", readers(200, 401)
    ),
    ("GET", REL + "/installed-base"): Case(
        "GET", rel_url("/installed-base"), everyone(200, anonymous=401, mallory=404, fay=404)
    ),
}
