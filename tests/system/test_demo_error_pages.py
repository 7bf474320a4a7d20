"""`accord demo` as a person runs it: signed in, a missing page or a bad request shows Accord's own page,
never Django's debug page with the URL patterns; static files are still served (by WhiteNoise)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.system.test_demo_worker import free_port

EMAIL, PASSWORD = "dana@somebody.example", "a-password-for-the-demo-test"


def fetch(opener: urllib.request.OpenerDirector, url: str, **kwargs: object) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, **kwargs)  # type: ignore[arg-type]
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def test_the_demo_shows_accord_s_error_pages_to_a_signed_in_user(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ACCORD_HTTPS"}}
    env |= {"ACCORD_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "ACCORD_DEMO_PASSWORD": "demo-pw-for-tests"}
    env.pop("ALLOWED_HOSTS", None)
    accord = [sys.executable, "-m", "accord.cli"]
    setup = {**env, "DEBUG": "true"}
    subprocess.run([*accord, "migrate", "-v", "0"], env=setup, check=True)
    # One party: the demo skips loading its data, which this test does not need.
    subprocess.run([*accord, "party", "create", "Somebody"], env=setup, check=True, capture_output=True)
    subprocess.run(
        [*accord, "user", "create", EMAIL, "--party", "somebody", "--role", "admin", "--password-stdin"],
        env=setup,
        input=PASSWORD,
        text=True,
        check=True,
        capture_output=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen(
        [*accord, "demo", "--no-worker", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        deadline = time.monotonic() + 60
        while not _up(base):
            assert demo.poll() is None, (tmp_path / "demo.log").read_text()
            assert time.monotonic() < deadline, "the demo did not start"
            time.sleep(0.2)

        _status, page, _ = fetch(opener, f"{base}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        form = {"csrfmiddlewaretoken": token[1], "username": EMAIL, "password": PASSWORD}
        status, page, _ = fetch(opener, f"{base}/accounts/login/", data=urllib.parse.urlencode(form).encode())
        assert status == 200 and "Sign out" in page, page[:2000]

        status, page, headers = fetch(opener, f"{base}/no-such-page/")
        assert status == 404
        assert 'data-testid="error-page"' in page and "Not found" in page
        assert 'href="/">Back to your relationships</a>' in page
        assert "URLconf" not in page and "Traceback" not in page and "urlpatterns" not in page
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        stylesheet = re.search(r'href="(/static/accord/accord[^"]*\.css)"', page)
        assert stylesheet and fetch(opener, base + stylesheet[1])[0] == 200

        status, page, _ = fetch(opener, f"{base}/", headers={"Host": "evil.example"})
        assert status == 400 and 'data-testid="error-page"' in page
        assert "DisallowedHost" not in page and "Traceback" not in page
    finally:
        demo.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            demo.wait(timeout=30)
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        log.close()


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2):
            return True
    except OSError:
        return False
