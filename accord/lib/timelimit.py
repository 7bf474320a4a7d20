"""A time limit for long work (an import), checked where the work can stop cleanly.

No signals and no threads: ``with time_limit(seconds):`` sets a deadline for the code it runs (in a
context variable, so each thread has its own), and that code calls ``check()`` between blocks or
rows; past the deadline ``check`` raises ``TimeLimitExceeded``. The import framework checks between
rows read, blocks read, rows compared and rows staged, and once more before it starts writing, so a
stopped import writes nothing. ``seconds`` 0 or None means no limit.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("accord_deadline", default=None)


class TimeLimitExceeded(Exception):
    """The work ran past its time limit (``seconds``) and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after its time limit of {seconds:g} seconds")
        self.seconds = seconds


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Run the block with a deadline ``seconds`` from now (none when 0 or None); an outer, earlier
    deadline stays in force."""
    outer = _DEADLINE.get()
    limit: tuple[float, float] | None = outer
    if seconds:
        mine = (time.monotonic() + seconds, float(seconds))
        limit = mine if outer is None or mine[0] < outer[0] else outer
    token = _DEADLINE.set(limit)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check() -> None:
    """Raise ``TimeLimitExceeded`` when the current deadline has passed (a no-op without one)."""
    limit = _DEADLINE.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise TimeLimitExceeded(limit[1])
