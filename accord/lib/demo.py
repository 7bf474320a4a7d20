"""The modular demo-data generator.

Each app contributes steps in its ``demo.py`` with ``@step(order)``; steps run in order inside one
transaction and share a ``DemoContext`` (the parties, people and relationships made so far), so a
later capability adds its demo data without touching earlier steps.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoContext:
    password: str
    today: date
    rng: random.Random
    parties: dict[str, Any] = field(default_factory=dict)
    people: dict[str, Any] = field(default_factory=dict)  # short name (ada, carol, …) → User
    relationships: dict[str, Any] = field(default_factory=dict)
    sites: dict[str, Any] = field(default_factory=dict)
    products: dict[str, Any] = field(default_factory=dict)
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)  # (email, party, role)


Step = Callable[[DemoContext], None]
STEPS: list[tuple[int, str, Step]] = []


def step(order: int) -> Callable[[Step], Step]:
    def register(func: Step) -> Step:
        name = f"{func.__module__}.{func.__name__}"
        if all(existing != name for _o, existing, _f in STEPS):
            STEPS.append((order, name, func))
        return func

    return register


def generate(*, password: str, today: date | None = None, seed: int = 9000) -> DemoContext:
    """Build the whole demo world; deterministic for a given seed and day.

    ``today`` (default: today in ``TIME_ZONE``, the day the pages count from) is the only "now" the
    steps may use: every date and time of the story they tell (histories, operational data, uploads)
    is relative to ``ctx.today``, never read off the clock. (The services they call stamp audit events
    and back-office times with the clock's time.)"""
    autodiscover_modules("demo")
    ctx = DemoContext(password=password, today=today or timezone.localdate(), rng=random.Random(seed))
    with transaction.atomic():
        for _order, _name, func in sorted(STEPS):
            func(ctx)
    return ctx
