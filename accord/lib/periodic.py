"""The registry of periodic jobs that `accord tick` runs when due.

A job runs at most once per time slot (the hour or the day it is due in), so running `tick` again,
or from two machines at once, does no work twice. Apps register jobs in their ``jobs.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

EVERY = ("minute", "hour", "day")


@dataclass(frozen=True)
class Job:
    name: str
    every: str
    func: Callable[[datetime], str | None]


REGISTRY: dict[str, Job] = {}


def periodic(
    name: str, *, every: str
) -> Callable[[Callable[[datetime], str | None]], Callable[[datetime], str | None]]:
    """Register ``func(now) -> outcome`` to run once per ``every`` (minute, hour or day)."""
    if every not in EVERY:
        raise ValueError(f"every must be one of {EVERY}")

    def register(func: Callable[[datetime], str | None]) -> Callable[[datetime], str | None]:
        REGISTRY[name] = Job(name=name, every=every, func=func)
        return func

    return register


def slot_for(every: str, now: datetime) -> str:
    """The UTC time slot ``now`` falls in, e.g. ``2026-11-25`` for a daily job."""
    formats = {"minute": "%Y-%m-%dT%H:%M", "hour": "%Y-%m-%dT%H", "day": "%Y-%m-%d"}
    return now.strftime(formats[every])
