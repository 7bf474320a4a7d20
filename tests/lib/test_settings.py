"""The settings module as a deployment sees it: run in a fresh interpreter with chosen variables."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-key-of-more-than-fifty-characters-xyz",
    "ALLOWED_HOSTS": "accord.example.com",
    "DEBUG": "false",
}


def run_accord(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    drop = {"SECRET_KEY", "DEBUG", "ACCORD_HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    clean |= {"ACCORD_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "accord.settings"} | env
    return subprocess.run(
        [sys.executable, "-m", "accord.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = run_accord("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_a_tls_proxy_that_redirects_itself_the_deploy_check_is_clean(tmp_path: Path) -> None:
    behind_a_proxy = PRODUCTION | {"ACCORD_SSL_REDIRECT": "false", "ACCORD_TRUST_X_FORWARDED_PROTO": "true"}
    result = run_accord("check", "--deploy", "--fail-level", "WARNING", env=behind_a_proxy, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_fails_on_plain_http(tmp_path: Path) -> None:
    plain = PRODUCTION | {"ACCORD_HTTPS": "false"}
    result = run_accord("check", "--deploy", "--fail-level", "WARNING", env=plain, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


def test_secret_key_is_required_when_debug_is_off(tmp_path: Path) -> None:
    result = run_accord("check", env={"DEBUG": "false"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("key", ["x", "only-for-the-checks", "a" * 60, "0123" * 20])
def test_a_short_or_uniform_secret_key_is_refused_when_debug_is_off(key: str, tmp_path: Path) -> None:
    result = run_accord("check", env=PRODUCTION | {"SECRET_KEY": key}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is too short or too simple: use at least 50 random characters" in result.stderr


def test_a_short_secret_key_does_in_development(tmp_path: Path) -> None:
    result = run_accord("check", env={"DEBUG": "true", "SECRET_KEY": "x"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_debug_without_a_secret_key_keeps_one_in_the_data_dir(tmp_path: Path) -> None:
    result = run_accord("check", env={"DEBUG": "true"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "dev-secret-key").read_text()
    assert len(key) > 40
    assert oct((tmp_path / "dev-secret-key").stat().st_mode)[-3:] == "600"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only setting; this run uses " + connection.vendor)
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in connection.settings_dict["OPTIONS"]["init_command"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
