"""`accord tl9000-data` on the test world: the home organization found without --party, bad months, and
the `accord` command's alias (the demo's data is checked in ``test_tl9000_data``)."""

from __future__ import annotations

import io
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord import cli

MONTH = "2026-10"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("tl9000_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_without_party_the_only_supplier_is_the_home_organization(world: Any) -> None:
    out, err = run("--month", MONTH)
    assert out.splitlines() == ["category,measure,component,month,count"]
    assert "Northwind Networks, 2026-10: 0 counts over 2 customer relationships." in err


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "October", "1899-12", ""])
def test_a_bad_month_is_a_clear_error(world: Any, month: str) -> None:
    with pytest.raises(CommandError, match=r"is not a month|is out of range"):
        run("--month", month)


def test_accord_tl9000_data_runs_the_command_and_exits_non_zero_on_a_bad_month(
    world: Any, capsys: Any
) -> None:
    # a failed command closes the database connections (Django's run_from_argv): keep the test's open
    with mock.patch("django.core.management.base.connections.close_all"), pytest.raises(SystemExit) as exited:
        cli.main(["accord", "tl9000-data", "--month", "2026-13"])
    assert exited.value.code != 0
    assert "'2026-13' is not a month (YYYY-MM, e.g. 2026-09)." in capsys.readouterr().err
    cli.main(["accord", "tl9000-data", "--month", MONTH])
    assert capsys.readouterr().out.startswith("category,measure,component,month,count")
    cli.main(["accord", "help"])
    assert "tl9000-data --month YYYY-MM" in capsys.readouterr().out
