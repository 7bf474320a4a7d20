"""register 0002: the e-mail opt-outs people chose move to accounts (every app's notifications use
them), none lost."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial"), ("register", "0001_initial")]
AFTER = [
    ("accounts", "0002_notification_opt_outs"),
    ("register", "0002_notification_opt_outs_move_to_accounts"),
]


@pytest.mark.django_db(transaction=True)
def test_the_opt_outs_people_chose_survive_the_move_to_accounts() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps: Any = executor.loader.project_state(BEFORE).apps
    user = old_apps.get_model("accounts", "User").objects.create(email="ines@example.org", full_name="Ines")
    old = old_apps.get_model("register", "NotificationOptOut")
    old.objects.bulk_create([old(user_id=user.pk, kind="digest"), old(user_id=user.pk, kind="verify")])

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_apps: Any = executor.loader.project_state(AFTER).apps
    kept = new_apps.get_model("accounts", "NotificationOptOut").objects.filter(user_id=user.pk)
    assert sorted(kept.values_list("kind", flat=True)) == ["digest", "verify"]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
