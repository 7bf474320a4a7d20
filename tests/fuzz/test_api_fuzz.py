"""Fuzz every API operation as Carol, Vic, Sam, Mallory and anonymous (tests/fuzz/harness.py).

Each generated request is sent once as each role, so every role meets ``EXAMPLES`` requests per operation
while schemathesis generates them once: generating, not answering, is most of the time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.meetings import minutes_pdf, packs
from tests.fuzz.harness import (
    EXAMPLES,
    ROLES,
    call_and_check,
    cases,
    known_values,
    operations,
    seed,
    tokens,
    with_chosen_values,
)

OPERATIONS = operations()


@pytest.fixture
def in_process() -> Iterator[None]:
    """Requests straight to the WSGI application, inside the test's transaction:

    - the database connection stays open between requests (as Django's test client keeps it; otherwise
      the end of the first request closes it, and the test's transaction with it, on PostgreSQL);
    - thousands of refused requests are what fuzzing is, so Django's warning for each 4xx would be most of
      the output (and time); server errors are still logged."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def quick_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fuzzer asks the API, not WeasyPrint: the seeded approved minutes and pre-read packs (and any
    PDF asked for while fuzzing) are a stand-in, so seeding each operation's world takes a tenth of
    the time. Their rendering has its own tests (tests/meetings)."""
    monkeypatch.setattr(minutes_pdf, "render_pdf", lambda doc, draft=True: STAND_IN_PDF)
    monkeypatch.setattr(packs, "pack_pdf", lambda meeting, generated_at=None: STAND_IN_PDF)


STAND_IN_PDF = b"%PDF-1.4\n% a stand-in for the fuzzer\n%%EOF\n"


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_as_every_role(world: Any, label: str, in_process: None, quick_pdfs: None) -> None:
    operation = OPERATIONS[label]
    known_ids = seed(world)
    requests, values = cases(operation, known_ids), known_values(world, known_ids)
    headers = tokens(world)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        case = with_chosen_values(data, data.draw(requests), values)
        for role in ROLES:
            try:
                call_and_check(case, headers[role])
            except Exception as exc:
                exc.add_note(f"as {role}")
                raise

    fuzz()


def test_every_path_parameter_has_known_ids(world: Any) -> None:
    """A new operation whose path names a new parameter fails here first, asking for seeded ids."""
    known_ids = seed(world)
    names = {p.name for op in OPERATIONS.values() for p in op.path_parameters}
    assert names <= set(known_ids), f"no known ids for {sorted(names - set(known_ids))}: add them to seed()"
    assert all(known_ids[name] for name in names)
