"""The access matrix's cases for attachments (collected by ``tests/test_access_matrix.py``).

Files on Telco A's shared item TLA-0001, added by Carol: both sides read them, writers add them, only
Carol (or an admin of Telco A) removes hers; no facilitator, no Mallory. A private item's files are
checked in tests/attachments (the same 404 as a stranger's)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access import REL, TA, Case, everyone, readers, writers

ITEM_FILES = "/attachments/action-item/1"


def carols_file(w: Any) -> int:
    """Carol's file on TLA-0001 (made on first use in the test's world)."""
    from tests.attachments.helpers import attach

    found = getattr(w, "_carols_file", None)
    if found is None:
        found = attach(w, w.carol, w.item).pk
        w._carols_file = found
    return found


def _upload(w: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("alarms.log", b"LOS alarm at 10:00\n", content_type="text/plain")}


ONLY_CAROL = everyone(403, ada=403, carol=302, mallory=404, fay=404)

PAGES: dict[str, Case] = {
    "attachments:upload": Case("POST", lambda w: f"/r/{TA}/files/action-item/1/", writers(302), data=_upload),
    # a record's files live on its page: a reader is sent there (303), a stranger gets the one 404
    "attachments:record": Case("GET", lambda w: f"/r/{TA}/files/action-item/1/page/", readers(303)),
    "attachments:download": Case(
        "GET", lambda w: f"/r/{TA}/files/action-item/1/{carols_file(w)}/", readers(200)
    ),
    "attachments:remove": Case(
        "POST", lambda w: f"/r/{TA}/files/action-item/1/{carols_file(w)}/remove/", ONLY_CAROL
    ),
}

API: dict[tuple[str, str], Case] = {
    ("GET", REL + "/attachments/{kind}/{number}"): Case(
        "GET", lambda w: f"/api/v1/relationships/{w.nw_ta.pk}{ITEM_FILES}", readers(200, 401)
    ),
    ("POST", REL + "/attachments/{kind}/{number}"): Case(
        "POST",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}{ITEM_FILES}",
        writers(201, 401),
        data=_upload,
        multipart=True,
    ),
    ("GET", REL + "/attachments/{kind}/{number}/{attachment_id}"): Case(
        "GET",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}{ITEM_FILES}/{carols_file(w)}",
        readers(200, 401),
    ),
    ("DELETE", REL + "/attachments/{kind}/{number}/{attachment_id}"): Case(
        "DELETE",
        lambda w: f"/api/v1/relationships/{w.nw_ta.pk}{ITEM_FILES}/{carols_file(w)}",
        everyone(403, anonymous=401, carol=204, mallory=404, fay=404),
    ),
}
