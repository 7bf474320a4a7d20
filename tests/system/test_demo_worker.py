"""`accord demo` keeps its worker alive: a worker that dies is reaped and started again, and stopping
the demo stops the worker too."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accord.system import supervisor
from accord.system.supervisor import Supervisor, next_delay


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # a thread that just ended
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def is_worker(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[-3:-1] == [b"accord.cli", b"worker"]
    except OSError:
        return False


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def ignores_sigterm(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    ignored = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
    return (
        bool(ignored & (1 << (signal.SIGTERM - 1))) and b"sleep" in Path(f"/proc/{pid}/cmdline").read_bytes()
    )


def wait_for(condition: Callable[[], Any], seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc")
def test_the_demo_restarts_a_dead_worker_and_stops_it_when_stopped(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ACCORD_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "DEBUG": "true",
        "ACCORD_DEMO_PASSWORD": "demo-password-for-tests",
    }
    accord = [sys.executable, "-m", "accord.cli"]
    subprocess.run([*accord, "migrate", "-v", "0"], env=env, check=True)
    # One party: the demo skips loading its data, which this test does not need.
    subprocess.run([*accord, "party", "create", "Somebody"], env=env, check=True, capture_output=True)
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen(
        [*accord, "demo", "--port", str(free_port())], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        workers = lambda: {p for p in children(demo.pid) if is_worker(p) and alive(p)}  # noqa: E731
        first = wait_for(workers)
        os.kill(next(iter(first)), signal.SIGKILL)
        second = wait_for(lambda: workers() - first, seconds=30)
        assert len(second) == 1 and demo.poll() is None
        assert "starting it again in 1 s" in (tmp_path / "demo.log").read_text()
        # The dead one was reaped: no zombie left under the demo.
        assert not [p for p in children(demo.pid) if not alive(p)]

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=30) == 0
        assert not alive(second.pop()), "the worker outlived the demo"
    finally:
        if demo.poll() is None:
            for pid in children(demo.pid):  # leave no worker behind when the test fails
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            demo.kill()
            demo.wait()
        log.close()


def test_the_pause_before_a_restart_doubles_to_a_minute_and_resets_after_a_good_run() -> None:
    delays, delay = [], None
    for _ in range(9):
        delay = next_delay(delay, ran_for=0.5)
        delays.append(delay)
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert next_delay(60, ran_for=61) == 1
    assert next_delay(None, ran_for=0) == 1


def test_a_supervisor_restarts_a_child_that_keeps_dying_and_stops_for_good(monkeypatch: Any) -> None:
    monkeypatch.setattr(supervisor, "FIRST_DELAY", 0.05)
    child = Supervisor([sys.executable, "-c", "raise SystemExit(3)"], name="test child")
    child.start()
    try:
        wait_for(lambda: child.starts >= 3, seconds=30)  # 0.05 s, then 0.1 s, …
    finally:
        child.stop(timeout=5)
    starts = child.starts
    time.sleep(0.5)
    assert child.starts == starts and child.pid is None


def test_stop_ends_a_child_that_ignores_sigterm() -> None:
    child = Supervisor(["sh", "-c", "trap '' TERM; exec sleep 60"], name="stubborn child")
    child.start()
    pid = wait_for(lambda: child.pid, seconds=30)
    wait_for(lambda: ignores_sigterm(pid), seconds=30)
    started = time.monotonic()
    child.stop(timeout=1)
    assert time.monotonic() - started < 10 and not alive(pid)


def test_a_pause_ends_when_stopped_or_when_its_time_is_up() -> None:
    import threading

    stop = threading.Event()
    began = time.monotonic()
    assert supervisor.pause(stop, 0.2) is False
    assert time.monotonic() - began >= 0.2
    threading.Thread(target=lambda: (time.sleep(0.1), stop.set())).start()  # not a Timer: see pause
    began = time.monotonic()
    assert supervisor.pause(stop, 30) is True
    assert time.monotonic() - began < 5  # ended by the stop, not the 30 s
