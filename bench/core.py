"""Shared pieces of the benchmarks: the result row, the case registry and timing helpers."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    case: str
    size: str
    median_ms: float
    p90_ms: float
    queries: int
    goal: str
    ok: bool


CASES: list[Callable[[], list[Row]]] = []


def case(func: Callable[[], list[Row]]) -> Callable[[], list[Row]]:
    CASES.append(func)
    return func


def timed(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)
