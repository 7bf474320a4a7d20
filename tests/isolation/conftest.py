"""The seeded world of the isolation sweep, built once per module (it takes a few seconds), in a
transaction rolled back at the end, with the clock at noon UTC of DEMO_DAY; each test runs in its own
savepoint, so one person's sweep (Mallory's writes included) cannot change what the next one sees."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import TestCase, override_settings

from accord.register.emails import send_digests
from tests.conftest import DEMO_DAY
from tests.isolation.seed import Seeded, seed


@pytest.fixture(scope="module")
def seeded_once(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Seeded]:
    tmp = tmp_path_factory.mktemp("isolation")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp / "media"),
        time_machine.travel(datetime.combine(DEMO_DAY, time(12), tzinfo=UTC)),
        transaction.atomic(),
    ):
        mail.outbox = []
        with TestCase.captureOnCommitCallbacks(execute=True):  # e-mails go out on commit
            seeded = seed(tmp, DEMO_DAY)
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert send_digests(DEMO_DAY) > 0
        seeded.mail = list(mail.outbox)
        yield seeded
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once: Seeded, db: Any) -> Seeded:
    return seeded_once
