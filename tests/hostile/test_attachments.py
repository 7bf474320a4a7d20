"""Hostile attachments through the item page and the API: names that climb folders or hide their
extension, HTML and SVG that would run script if a browser rendered them, empty and over-large files.
Each is refused with a reason, or stored under a random name and served as a download that no browser
renders or sniffs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.attachments.models import Attachment

ITEM = "/r/northwind-telco-a/files/action-item/1/"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def _post(client: Any, name: str, data: bytes, content_type: str = "text/plain") -> Any:
    return client.post(ITEM, {"file": SimpleUploadedFile(name, data, content_type=content_type)})


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../etc/cron.d/evil", "evil"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("/absolute/path/evil.sh", "evil.sh"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("nul\x00.txt", "nul.txt"),
        ("\u200f\u2066hidden\u2069.txt", "hidden.txt"),
        (". .", "file"),
        ("x" * 5000 + ".log", "x" * 196 + ".log"),
    ],
)
def test_a_hostile_name_is_cleaned_and_never_used_on_disk(
    name: str, shown: str, world: Any, as_user: Any, media: Path
) -> None:
    response = _post(as_user(world.carol), name, b"log line\n")
    assert response.status_code == 302, response.content[:500]
    a = Attachment.objects.get()
    assert a.name == shown
    stored = Path(a.file.path).resolve()
    assert stored.is_relative_to((media / "attachments").resolve())
    assert [p for p in media.rglob("*") if p.is_file()] == [stored]
    assert shown not in str(stored)


@pytest.mark.parametrize(
    ("name", "data", "claimed"),
    [("page.html", HTML, "text/html"), ("image.svg", SVG, "image/svg+xml"), ("x.png", HTML, "image/png")],
)
def test_html_and_svg_are_served_as_attachments_never_rendered_or_sniffed(
    name: str, data: bytes, claimed: str, world: Any, as_user: Any
) -> None:
    assert _post(as_user(world.carol), name, data, claimed).status_code == 302
    a = Attachment.objects.get()
    assert a.content_type == "text/plain"  # from the bytes, not the client's header or the name
    response = as_user(world.sam).get(f"{ITEM}{a.pk}/")
    assert response["Content-Type"] in ("text/plain; charset=utf-8", "application/octet-stream")
    assert "html" not in response["Content-Type"] and "svg" not in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data


def test_a_zero_byte_file_is_refused_with_a_message(world: Any, as_user: Any) -> None:
    response = _post(as_user(world.carol), "empty.log", b"")
    assert response.status_code == 400 and "The file is empty" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_passes_the_body_limit(
    world: Any, as_user: Any, settings: Any, media: Path
) -> None:
    settings.ACCORD_ATTACHMENT_MAX_MB = 2
    settings.ACCORD_UPLOAD_MAX_MB = 3
    client = as_user(world.carol)
    over = _post(client, "big.log", b"x" * (2 * 1024 * 1024 + 1))
    assert over.status_code == 400 and "at most 2 MB is accepted" in over.content.decode()
    assert not [p for p in media.rglob("*") if p.is_file()]
    at_limit = _post(client, "limit.log", b"x" * (2 * 1024 * 1024))
    assert at_limit.status_code == 302 and Attachment.objects.get().size == 2 * 1024 * 1024


def test_a_body_past_the_request_limit_is_a_413_before_it_is_read(
    world: Any, as_user: Any, settings: Any
) -> None:
    settings.ACCORD_UPLOAD_MAX_MB = 1
    response = as_user(world.carol).post(
        f"/api/v1/relationships/{world.nw_ta.pk}/attachments/action-item/1",
        {"file": SimpleUploadedFile("big.log", b"x" * (1024 * 1024 + 10))},
    )
    assert response.status_code == 413 and set(response.json()) == {"error", "fields"}


def test_the_default_attachment_limit_fits_inside_the_request_body_limit(settings: Any) -> None:
    assert settings.ACCORD_ATTACHMENT_MAX_MB == 25
    assert settings.ACCORD_ATTACHMENT_MAX_MB < settings.ACCORD_UPLOAD_MAX_MB
