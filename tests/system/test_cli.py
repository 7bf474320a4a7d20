import io
import subprocess
import sys
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accord.accounts.models import ApiToken, User, hash_token
from accord.parties.models import Invitation, Membership, Party, Relationship
from tests.conftest import DEMO_DAY


def run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_accord_help_lists_its_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "accord.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in (
        "demo",
        "serve",
        "worker",
        "tick",
        "check",
        "migrate",
        "party create",
        "relationship create",
        "user create",
        "token create",
        "backup FILE",
        "restore FILE [--force]",
    ):
        assert command in result.stdout


def test_party_and_relationship_create(db: Any) -> None:
    assert "Created party Northwind" in run("party", "create", "Northwind Networks", "--slug", "northwind")
    run("party", "create", "Telco A", "--slug", "telco-a")
    out = run("relationship", "create", "--supplier", "northwind", "--customer", "telco-a", "--prefix", "TLA")
    rel = Relationship.objects.get()
    assert (rel.slug, rel.item_prefix) == ("northwind-telco-a", "TLA") and f"id {rel.pk}" in out
    assert "northwind-telco-a" in run("relationship", "list")


def test_relationship_create_names_an_unknown_party(db: Any) -> None:
    with pytest.raises(CommandError, match="No party with the short name 'ghost'"):
        run("relationship", "create", "--supplier", "ghost", "--customer", "ghost2")


def test_user_create_with_password_from_stdin(world: Any) -> None:
    out = run(
        "user",
        "create",
        "new@northwind.example",
        "--party",
        "northwind",
        "--role",
        "editor",
        "--password-stdin",
        stdin="Long-enough-pass-1\n",
    )
    assert "editor of Northwind Networks" in out
    user = User.objects.get(email="new@northwind.example")
    assert user.check_password("Long-enough-pass-1")
    assert Membership.objects.get(user=user).role == "editor"


def test_user_create_refuses_a_weak_password(world: Any) -> None:
    with pytest.raises(CommandError, match="too short"):
        run(
            "user",
            "create",
            "weak@northwind.example",
            "--party",
            "northwind",
            "--role",
            "viewer",
            "--password-stdin",
            stdin="123\n",
        )
    assert not User.objects.filter(email="weak@northwind.example").exists()


def test_user_create_without_password_prints_an_invitation_link(world: Any) -> None:
    out = run("user", "create", "inv@northwind.example", "--party", "northwind", "--role", "viewer")
    assert "/accounts/invitation/" in out
    assert Invitation.objects.get(email="inv@northwind.example").role == "viewer"


def test_token_create_prints_a_working_token(world: Any) -> None:
    raw = run("token", "create", "carol@telco-a.example").strip()
    assert ApiToken.objects.get(user=world.carol).key_hash == hash_token(raw)
    with pytest.raises(CommandError):
        run("token", "create", "ghost@example.org")


def test_load_demo_builds_the_world_and_prints_sign_ins(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("ACCORD_DEMO_PASSWORD", "demo-password-for-tests")
    with time_machine.travel(datetime.combine(DEMO_DAY, time(12), tzinfo=UTC)):  # builds it for "today"
        out = run("load_demo")
    assert "ada@northwind.example" in out and "demo-password-for-tests" in out
    assert set(Party.objects.values_list("slug", flat=True)) == {"northwind", "telco-a", "telco-b", "photon"}
    photon = Relationship.objects.get(slug="photon-northwind")
    assert (photon.supplier.slug, photon.customer.slug) == ("photon", "northwind")
    roles = {(m.user.email.split("@")[0], m.role) for m in Membership.objects.select_related("user")}
    assert {
        ("ada", "admin"),
        ("sam", "editor"),
        ("val", "viewer"),
        ("carol", "editor"),
        ("vic", "viewer"),
        ("mallory", "admin"),
    } <= roles
    assert User.objects.get(email="ada@northwind.example").check_password("demo-password-for-tests")
    from accord.parties.models import Product

    assert Product.objects.count() == 15
    assert Product.objects.values("category").distinct().count() == 4
    with pytest.raises(CommandError, match="already has data"):
        run("load_demo")


def test_demo_links_point_to_the_port_it_serves(db: Any, monkeypatch: Any) -> None:
    """``accord demo --port N`` serves on N, and the links in its e-mails say N too."""
    from django.conf import settings

    from accord.system.management.commands import demo

    served: list[tuple[str, str]] = []

    def fake_call_command(name: str, *args: Any, **kwargs: Any) -> None:
        if name == "runserver":
            served.append((args[0], settings.ACCORD_BASE_URL))

    monkeypatch.delenv("ACCORD_BASE_URL", raising=False)
    monkeypatch.setattr(settings, "ACCORD_BASE_URL", settings.ACCORD_BASE_URL)
    monkeypatch.setattr(demo, "call_command", fake_call_command)
    monkeypatch.setattr(demo, "generate", lambda **kwargs: None)
    monkeypatch.setenv("ACCORD_DEMO_PASSWORD", "demo-password-for-tests")
    out = run("demo", "--port", "8123", "--no-worker")
    assert served == [("127.0.0.1:8123", "http://127.0.0.1:8123")]
    assert "http://127.0.0.1:8123/" in out
    # a base URL set by the operator wins
    monkeypatch.setenv("ACCORD_BASE_URL", "https://accord.example.org")
    monkeypatch.setattr(settings, "ACCORD_BASE_URL", "https://accord.example.org")
    run("demo", "--port", "8124", "--no-worker")
    assert served[-1] == ("127.0.0.1:8124", "https://accord.example.org")
