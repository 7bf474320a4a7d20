"""An oversized request is refused (413) before its body is read, let alone written to disk; an import
file just under the import limit is not."""

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from accord.accounts.services import create_api_token
from accord.lib.bodysize import MB, BodySizeLimitMiddleware, body_limit


class CountingInput(io.RawIOBase):
    """A request body of ``size`` bytes that counts how much of it is read."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


def call(environ: dict[str, Any]) -> tuple[str, bytes]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        seen["status"] = status

    # as Django's test client does: the request's end must not close the test's database connection
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(WSGIHandler()(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return seen["status"], body


def upload_environ(world: Any, size: int, stream: CountingInput) -> dict[str, Any]:
    _token, raw = create_api_token(user=world.sam, name="upload")
    return RequestFactory().post(
        f"/api/v1/relationships/{world.nw_ta.pk}/imports",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    ).environ | {"CONTENT_LENGTH": str(size), "wsgi.input": stream}


def test_an_oversized_upload_is_refused_before_a_byte_of_it_is_read(world: Any) -> None:
    size = django_settings.ACCORD_UPLOAD_MAX_MB * MB + 1
    stream = CountingInput(size)
    status, body = call(upload_environ(world, size, stream))
    assert status.startswith("413")
    assert b"at most 51 MB is accepted" in body and body.startswith(b'{"error": ')
    assert stream.read_bytes == 0


def test_an_upload_within_the_limit_is_read(world: Any) -> None:
    size = 2 * MB
    stream = CountingInput(size)
    status, _body = call(upload_environ(world, size, stream))
    assert status.startswith("400")  # not multipart at all: read, then refused as a bad body
    assert stream.read_bytes > 0


def test_an_import_file_just_under_the_import_limit_is_not_413() -> None:
    """The default body limit leaves room for the form fields and multipart framing around the file."""
    largest_import = django_settings.ACCORD_IMPORT_MAX_MB * MB
    assert body_limit("multipart/form-data; boundary=x") >= largest_import + 64 * 1024
    request = RequestFactory().post(
        "/api/v1/x", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(largest_import + 4096)
    )
    assert BodySizeLimitMiddleware(lambda r: "passed")(request) == "passed"  # type: ignore[arg-type,comparison-overlap]


def test_html_pages_get_a_plain_413_too(world: Any, as_user: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = as_user(world.ada).post(
        f"/r/{world.nw_ta.slug}/measurements/settings/",
        "x=" + "y" * 200,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413 and response["Content-Type"].startswith("text/plain")


def run_check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_UPLOAD")}
    clean |= {"ACCORD_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "accord.settings", "DEBUG": "true"}
    return subprocess.run(
        [sys.executable, "-m", "accord.cli", "check"],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_upload_limit_not_above_the_import_limit_is_refused_at_start(tmp_path: Path) -> None:
    result = run_check({"ACCORD_UPLOAD_MAX_MB": "50", "ACCORD_IMPORT_MAX_MB": "50"}, tmp_path)
    assert result.returncode != 0
    assert "ACCORD_UPLOAD_MAX_MB (50) must be larger than ACCORD_IMPORT_MAX_MB (50)" in result.stderr
    assert run_check({"ACCORD_IMPORT_MAX_MB": "80"}, tmp_path).returncode == 0  # the default follows: 81
