"""Keep one child process running: `accord demo` runs its worker under a Supervisor.

When the child dies it is reaped and started again after a pause that doubles with every quick death
(1 s, 2 s, 4 s … at most 60 s) and falls back to 1 s once a child has run a minute, so a worker that
cannot start does not spin while one that died once is back at once.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
LONGEST_DELAY = 60.0
STEADY_AFTER = 60.0


def pause(stop: threading.Event, seconds: float, *, step: float = 0.1) -> bool:
    """Wait ``seconds`` or until ``stop`` is set (then True), in short sleeps. Not ``stop.wait(seconds)``:
    a timed wait on a lock computes its deadline from the monotonic clock, which tools that move the
    clock (faketime, in the suite's any-day run) shift, and such a wait never returns."""
    end = time.monotonic() + seconds
    while not stop.is_set():
        left = end - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(step, left))
    return True


def next_delay(previous: float | None, ran_for: float) -> float:
    """The pause before the next start: 1 s after a child that ran a while, else double the last."""
    if previous is None or ran_for >= STEADY_AFTER:
        return FIRST_DELAY
    return min(previous * 2, LONGEST_DELAY)


class Supervisor:
    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str] | None = None, name: str = "worker"):
        self.argv = list(argv)
        self.env = dict(env) if env is not None else None
        self.name = name
        self.starts = 0
        self._child: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"supervise-{name}", daemon=True)

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        delay: float | None = None
        while True:
            with self._lock:
                if self._stopping.is_set():
                    return
                self._child = subprocess.Popen(self.argv, env=self.env)  # noqa: S603 (our own argv)
                self.starts += 1
            started = time.monotonic()
            code = self._child.wait()  # reaps it: no zombie is left behind
            if self._stopping.is_set():
                return
            delay = next_delay(delay, time.monotonic() - started)
            log.warning("The %s stopped (exit code %s); starting it again in %g s.", self.name, code, delay)
            if pause(self._stopping, delay):
                return

    def stop(self, timeout: float = 10.0) -> None:
        """Stop supervising and end the child: SIGTERM (a worker ends its current task), then SIGKILL."""
        with self._lock:
            self._stopping.set()
            child = self._child
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log.warning("The %s did not stop within %g s; killing it.", self.name, timeout)
                child.kill()
                child.wait()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)
