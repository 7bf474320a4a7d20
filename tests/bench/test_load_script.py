"""`make loadtest`'s reading of wrk and its verdict (bench/load.py), without a server or the demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.load import WRK_SCRIPT, Result, parse_wrk, table

# What wrk 4.1 printed for a 1 s run with WRK_SCRIPT against a server answering 404.
WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:18765/nothing
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.99ms    4.72ms  24.19ms   60.67%
    Req/Sec   373.65    149.40   680.00     70.00%
  745 requests in 1.00s, 378.32KB read
  Non-2xx or 3xx responses: 745
Requests/sec:    743.81
Transfer/sec:    377.72KB
LOADTEST requests=745 duration_us=1001602 connect=0 read=3 write=0 status=745 timeout=2 p50_us=7618 \
p99_us=21122
"""


def test_it_reads_requests_latencies_and_errors_from_wrks_summary_line() -> None:
    result = parse_wrk("x", WRK_OUTPUT)
    assert result.requests == 745
    assert result.seconds == pytest.approx(1.001602)
    assert result.rps == pytest.approx(743.8, abs=0.1)
    assert (result.p50_ms, result.p99_ms) == (7.618, 21.122)
    assert result.errors == 745 + 3 + 2  # answers of 400 or more, socket errors and timeouts


def test_it_fails_clearly_without_the_summary_line() -> None:
    with pytest.raises(ValueError, match="no LOADTEST line"):
        parse_wrk("register page", "Running 1s test @ http://127.0.0.1:1/\n")


def _result(name: str, rps: float, p99: float, errors: int = 0) -> Result:
    return Result(name=name, requests=int(rps * 10), seconds=10.0, p50_ms=p99 / 2, p99_ms=p99, errors=errors)


def test_each_endpoint_needs_a_p99_under_100_ms_a_tenth_of_healthz_and_no_errors() -> None:
    results = [
        _result("/healthz", 1000, 20),
        _result("fast enough", 100, 99.9),
        _result("too few", 99, 50),
        _result("too slow", 500, 100),
        _result("errors", 500, 50, errors=1),
    ]
    text, met = table(results)
    verdict = {line.split("  ")[0].strip(): line.split()[-1] for line in text.splitlines()[2:-1]}
    assert verdict == {
        "/healthz": "yes",
        "fast enough": "yes",
        "too few": "NO",
        "too slow": "NO",
        "errors": "NO",
    }
    assert "10.0%" in text and "9.9%" in text  # the share of /healthz's requests per second
    assert met is False
    assert table(results[:2]) == (table(results[:2])[0], True)


def test_healthz_itself_must_answer_within_the_goal() -> None:
    _text, met = table([_result("/healthz", 1000, 150), _result("page", 500, 20)])
    assert met is False


# ------------------------------------------------------------- with the real wrk (1 s), when installed
class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_wrk_writes_the_line_it_is_read_from(server: int, tmp_path: Path) -> None:
    if shutil.which("wrk") is None:  # .ci/run installs it, so there a missing wrk fails
        if os.environ.get("CI"):
            raise AssertionError("wrk is not installed (apt-get install wrk; .ci/run and make loadtest do)")
        pytest.skip("wrk is not installed (make loadtest installs it)")
    script = tmp_path / "summary.lua"
    script.write_text(WRK_SCRIPT)

    def run(path: str) -> Result:
        argv = ["wrk", "-t1", "-c2", "-d1s", "-s", str(script), f"http://127.0.0.1:{server}{path}"]
        done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=30)
        return parse_wrk(path, done.stdout)

    ok, missing = run("/ok"), run("/missing")
    assert ok.requests > 0 and ok.errors == 0 and 0 < ok.p50_ms <= ok.p99_ms
    assert missing.requests > 0 and missing.errors == missing.requests  # every 404 is an error
