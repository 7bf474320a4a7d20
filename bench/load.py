"""`make loadtest`: Accord under load, on loopback only, as production serves it.

Builds the demo (for the fixed day ``DEMO_DAY``, as the tests do) in a fresh SQLite file, starts
``accord serve`` (gunicorn, 2 workers) with production settings (DEBUG off, a throwaway secret key,
``ALLOWED_HOSTS=127.0.0.1``) on a free loopback port, signs Carol in (a session cookie for the pages,
a personal API token for the API) and runs ``wrk`` with 10 connections for ``LOADTEST_SECONDS``
(default 30) on each endpoint in turn, ``/healthz`` first: the other endpoints' throughput is read as a
share of that one's, measured on the same server in the same run, so a slow or busy machine moves
both. Prints a table; exits 1 when an endpoint misses its goal (p99 under 100 ms, throughput at least
10 % of ``/healthz``, no errors). The server is always stopped.

Plain HTTP on loopback: ``ACCORD_SSL_REDIRECT=false`` (the TLS proxy in front is not measured), every
other security setting is production's (secure cookies, HSTS, CSP).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

DEMO_DAY = date(2026, 12, 4)  # the day the demo is built for (as tests/conftest.py's DEMO_DAY)
CONNECTIONS = 10
WORKERS = 2
GOAL_P99_MS = 100.0
GOAL_SHARE = 10.0  # % of /healthz's requests per second
WARMUP_SECONDS = 2  # per endpoint, before it is measured: each worker fills its caches
SLUG = "northwind-telco-a"
EMAIL = "carol@telco-a.example"  # an editor of Telco A: the customer's everyday view

# wrk's own summary, written by its Lua ``done`` hook as one line: easier to read than its text
# report, whose units change with the magnitude ("850.00us", "1.20ms", "2.00s"). Times in µs.
WRK_SCRIPT = """\
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LOADTEST requests=%d duration_us=%d connect=%d read=%d write=%d status=%d "
    .. "timeout=%d p50_us=%d p99_us=%d\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""
_LINE = re.compile(r"^LOADTEST (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    auth: str  # "", "session" or "token"


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts and answers of 400 or more

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_wrk(name: str, output: str) -> Result:
    """The result in wrk's output (the ``LOADTEST`` line that ``WRK_SCRIPT`` writes)."""
    match = _LINE.search(output)
    if match is None:
        raise ValueError(f"no LOADTEST line in wrk's output for {name}:\n{output}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    errors = sum(values[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Result(
        name=name,
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        errors=errors,
    )


def table(results: list[Result], reference: str = "/healthz") -> tuple[str, bool]:
    """The printed table, and whether every endpoint met its goal. ``reference`` (measured in the same
    run) gives the throughput the others are a share of; it must meet the p99 goal too."""
    base = next(r for r in results if r.name == reference).rps
    header = (
        f"{'endpoint':<28} {'req/s':>9} {'% healthz':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  goal met"
    )
    lines = [header, "-" * len(header)]
    all_met = True
    for r in results:
        share = 100 * r.rps / base if base else 0.0
        met = r.p99_ms < GOAL_P99_MS and r.errors == 0 and (r.name == reference or share >= GOAL_SHARE)
        all_met = all_met and met
        lines.append(
            f"{r.name:<28} {r.rps:>9.1f} {share:>9.1f}% {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {r.errors:>7}  "
            f"{'yes' if met else 'NO'}"
        )
    lines.append(
        f"goal: p99 < {GOAL_P99_MS:.0f} ms, no errors, and at least {GOAL_SHARE:.0f} % of {reference}'s "
        f"req/s ({CONNECTIONS} connections each)"
    )
    return "\n".join(lines), all_met


# ------------------------------------------------------------------------------------------ running
def wrk_path() -> str:
    """Debian's wrk, installed with apt-get when missing (as root), or a clear failure."""
    found = shutil.which("wrk")
    if found:
        return found
    apt_get = shutil.which("apt-get")
    if os.geteuid() == 0 and apt_get:
        print("== installing wrk (apt-get)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([apt_get, "update", "-qq"], check=False, env=env)  # noqa: S603 (constant arguments)
        subprocess.run([apt_get, "install", "-y", "-qq", "wrk"], check=False, env=env)  # noqa: S603
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("make loadtest needs wrk: install it (Debian: `apt-get install wrk`) and run it again.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="accord.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),  # 80 random characters, thrown away with the data
        ALLOWED_HOSTS="127.0.0.1",
        ACCORD_DATA_DIR=str(data_dir),  # a fresh SQLite file: accord.sqlite3 in there
        ACCORD_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    return env


def build_world(password: str) -> tuple[int, str]:
    """Migrate, build the demo for ``DEMO_DAY``; the relationship's id and an API token of Carol's."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from accord.accounts.models import User
    from accord.accounts.services import create_api_token
    from accord.lib.demo import generate
    from accord.parties.models import Relationship

    call_command("migrate", interactive=False, verbosity=0)
    generate(password=password, today=DEMO_DAY)
    _token, raw = create_api_token(user=User.objects.get(email=EMAIL), name="loadtest")
    rel_id = Relationship.objects.get(slug=SLUG).pk
    connections.close_all()
    return rel_id, raw


def targets(rel_id: int) -> list[Target]:
    from accord.lib.months import add_months, month_of

    # the twelve months ending with the demo's last complete month (what its pages show that day)
    end = add_months(month_of(DEMO_DAY), -1)
    start = add_months(end, -11)
    period = urlencode({"start": start, "end": end})
    api = f"/api/v1/relationships/{rel_id}"
    return [
        Target("/healthz", "/healthz", ""),
        Target("register page", f"/r/{SLUG}/items/", "session"),
        Target("measurements page", f"/r/{SLUG}/measurements/?{period}", "session"),
        Target("action items API (50)", f"{api}/action-items?page_size=50", "token"),
        Target("metrics API", f"{api}/metrics?{urlencode({'from': start, 'to': end})}", "token"),
    ]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    out = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _sep, rest = header.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


def sign_in(port: int, password: str) -> str:
    """Carol's session cookie, from the real sign-in form (CSRF token and all)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = _cookies(response)["csrftoken"]
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    body = urlencode({"csrfmiddlewaretoken": match.group(1), "username": EMAIL, "password": password})
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    session = _cookies(response).get("sessionid")
    if response.status != 302 or not session:
        raise RuntimeError(f"signing in failed: HTTP {response.status}")
    return session


@contextmanager
def server(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``accord serve`` (collectstatic, then gunicorn) until ``/healthz`` answers; stopped on leaving."""
    accord = Path(sys.executable).with_name("accord")
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 (our own command, a port number)
            [str(accord), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
                try:
                    if _get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer in 120 s:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
            yield proc
        finally:
            proc.terminate()  # gunicorn's master stops its workers gracefully on SIGTERM
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_wrk(wrk: str, script: Path, port: int, target: Target, headers: dict[str, str], seconds: int) -> str:
    argv = [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(f"http://127.0.0.1:{port}{target.path}")
    # wrk, a URL of our own, our own session and token
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=seconds + 60)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed on {target.name}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def main() -> None:
    from accord.lib.env import env_int

    seconds = env_int("LOADTEST_SECONDS", 30)
    if not 1 <= seconds <= 600:
        sys.exit("LOADTEST_SECONDS must be between 1 and 600.")
    wrk = wrk_path()
    with tempfile.TemporaryDirectory(prefix="accord-loadtest-") as tmp:
        work = Path(tmp)
        env = production_env(work / "data")
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(env)  # the data is built with the settings the server runs with
        password = "loadtest-" + secrets.token_urlsafe(12)
        started = time.monotonic()
        print(f"== building the demo for {DEMO_DAY} in {work / 'data'}", flush=True)
        rel_id, token = build_world(password)
        print(f"   done in {time.monotonic() - started:.0f} s", flush=True)
        script = work / "summary.lua"
        script.write_text(WRK_SCRIPT)
        port = free_port()
        with server(env, port, work / "server.log"):
            session = sign_in(port, password)
            auth = {
                "": {},
                "session": {"Cookie": f"sessionid={session}"},
                "token": {"Authorization": f"Bearer {token}"},
            }
            results = []
            for target in targets(rel_id):
                headers = auth[target.auth]
                status, _response = _get(port, target.path, headers)
                if status != 200:  # e.g. a redirect to the sign-in page, which wrk would count as fine
                    raise RuntimeError(f"{target.name} ({target.path}) answered {status}, not 200")
                run_wrk(wrk, script, port, target, headers, WARMUP_SECONDS)
                print(f"== {target.name}: {seconds} s at {CONNECTIONS} connections", flush=True)
                results.append(parse_wrk(target.name, run_wrk(wrk, script, port, target, headers, seconds)))
        text, met = table(results)
        when = time.strftime("%Y-%m-%d %H:%M")
        print(f"\nAccord under load: gunicorn ({WORKERS} workers), SQLite, the demo ({when})\n")
        print(text)
        print()
        if not met:
            sys.exit(1)


if __name__ == "__main__":
    main()
