"""Sign-in throttling: growing delays per account and per address, which a known device passes.

Five wrong passwords used to lock any account for 15 minutes, so anyone could lock anyone out. Now each
failure doubles the wait before the next attempt (refused at once, unchecked, with the seconds left),
and the person's own browser (a known device) is throttled on its own failures only. The clock is fixed
and moved by hand.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accord.accounts import devices
from accord.accounts.models import LoginFailure
from tests.conftest import DEMO_DAY, PASSWORD

ADA = "ada@northwind.example"
ATTACKER_ADDRESS = "198.51.100.66"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(datetime.combine(DEMO_DAY, time(9), tzinfo=UTC), tick=False) as traveller:
        yield traveller


def sign_in(client: Client, email: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


def fail_until_the_wait_is(client: Client, clock: Any, seconds: int, address: str = ATTACKER_ADDRESS) -> None:
    """Wrong passwords for Ada, each as soon as it is let through, until the next wait is ``seconds``."""
    while True:
        response = sign_in(client, ADA, "wrong", address)
        if response.status_code == 429:
            if int(response["Retry-After"]) >= seconds:
                return
            clock.shift(timedelta(seconds=int(response["Retry-After"])))


def test_each_failure_doubles_the_wait_and_the_wait_is_refused_with_the_seconds_left(
    world: Any, client: Client, clock: Any
) -> None:
    for expected in (1, 2, 4, 8, 16):
        assert sign_in(client, ADA, "wrong").status_code == 200
        refused = sign_in(client, ADA, PASSWORD)  # even the right password waits
        assert refused.status_code == 429
        assert refused["Retry-After"] == str(expected)
        assert f"Too many failed sign-ins: try again in {expected} s," in refused.content.decode()
        clock.shift(timedelta(seconds=expected - 1))
        assert sign_in(client, ADA, PASSWORD)["Retry-After"] == "1"
        clock.shift(timedelta(seconds=1))
    # Refused attempts were not checked and do not count.
    assert LoginFailure.objects.filter(email=ADA).count() == 5
    assert sign_in(client, ADA, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(email=ADA).exists()


def test_the_wait_stops_growing_at_the_configured_most(
    world: Any, client: Client, clock: Any, settings: Any
) -> None:
    settings.ACCORD_LOGIN_MAX_DELAY_SECONDS = 60
    fail_until_the_wait_is(client, clock, 60)
    clock.shift(timedelta(seconds=60))
    assert sign_in(client, ADA, "wrong", ATTACKER_ADDRESS).status_code == 200
    assert sign_in(client, ADA, "wrong", ATTACKER_ADDRESS)["Retry-After"] == "60"


def test_other_accounts_are_not_slowed_down_by_one_accounts_failures(
    world: Any, client: Client, clock: Any
) -> None:
    fail_until_the_wait_is(client, clock, 64, address="127.0.0.1")
    assert sign_in(client, "sam@northwind.example", PASSWORD).status_code == 302


def test_the_right_password_from_a_known_device_passes_while_an_attacker_fails_on_purpose(
    world: Any, clock: Any
) -> None:
    ada_browser = Client()
    assert sign_in(ada_browser, ADA, PASSWORD).status_code == 302
    ada_browser.post("/accounts/logout/")
    fail_until_the_wait_is(Client(), clock, 512)

    assert sign_in(Client(), ADA, PASSWORD).status_code == 429  # an unknown browser waits
    assert sign_in(ada_browser, ADA, PASSWORD).status_code == 302  # Ada's own does not
    assert ada_browser.get("/").status_code == 200


def test_a_password_reset_makes_the_browser_a_known_device(world: Any, clock: Any) -> None:
    fail_until_the_wait_is(Client(), clock, 512)
    browser = Client()
    assert browser.post("/accounts/password/reset/", {"email": ADA}).status_code == 302
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/" in line)
    form_url = browser.get(link.split("127.0.0.1:8000", 1)[-1], follow=True).redirect_chain[-1][0]
    new = "a-Brand-new-pass-42"
    assert browser.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert sign_in(Client(), ADA, new).status_code == 429  # the attacker's failures still count
    assert sign_in(browser, ADA, new).status_code == 302


def test_a_known_device_is_throttled_on_its_own_failures(world: Any, clock: Any) -> None:
    ada_browser = Client()
    sign_in(ada_browser, ADA, PASSWORD)
    ada_browser.post("/accounts/logout/")
    assert sign_in(ada_browser, ADA, "wrong").status_code == 200
    assert sign_in(ada_browser, ADA, "wrong")["Retry-After"] == "1"
    clock.shift(timedelta(seconds=1))
    assert sign_in(ada_browser, ADA, "wrong").status_code == 200
    assert sign_in(ada_browser, ADA, PASSWORD)["Retry-After"] == "2"


def test_a_device_known_for_one_account_is_unknown_for_another(world: Any, clock: Any) -> None:
    browser = Client()
    sign_in(browser, "sam@northwind.example", PASSWORD)
    browser.post("/accounts/logout/")
    fail_until_the_wait_is(Client(), clock, 8)
    assert sign_in(browser, ADA, PASSWORD).status_code == 429


def test_many_failures_from_one_address_slow_down_every_account_tried_from_it(world: Any, clock: Any) -> None:
    attacker = Client()
    for n in range(20):  # one guess at each of twenty accounts: no account waits, the address does
        assert sign_in(attacker, f"guess{n}@northwind.example", "wrong", ATTACKER_ADDRESS).status_code == 200
    assert sign_in(attacker, "sam@northwind.example", "wrong", ATTACKER_ADDRESS).status_code == 200
    assert sign_in(attacker, "carol@telco-a.example", "wrong", ATTACKER_ADDRESS)["Retry-After"] == "1"
    # Other addresses are not affected, and the address's failures are forgotten after an hour.
    assert sign_in(Client(), "carol@telco-a.example", PASSWORD, "203.0.113.7").status_code == 302
    clock.shift(timedelta(hours=1, seconds=1))
    assert sign_in(attacker, "carol@telco-a.example", PASSWORD, ATTACKER_ADDRESS).status_code == 302


def test_the_device_cookie_is_signed_http_only_and_names_no_address(world: Any, clock: Any) -> None:
    sam_browser = Client()
    cookie = sign_in(sam_browser, "sam@northwind.example", PASSWORD).cookies[devices.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "sam" not in cookie.value and "northwind" not in cookie.value
    # Sam's cookie rewritten to name Ada's account is no known device of Ada's.
    device, _sam, *signature = cookie.value.split(":")
    forged = Client()
    forged.cookies[devices.COOKIE] = ":".join([device, devices._account(ADA), *signature])
    fail_until_the_wait_is(Client(), clock, 4)
    assert sign_in(forged, ADA, PASSWORD).status_code == 429


def test_the_admin_sign_in_is_throttled_too(world: Any, client: Client, clock: Any) -> None:
    world.ada.is_staff = world.ada.is_superuser = True
    world.ada.save()
    client.post("/admin/login/", {"username": ADA, "password": "wrong"})
    refused = client.post("/admin/login/?next=/admin/", {"username": ADA, "password": PASSWORD})
    assert "Too many failed sign-ins: try again in 1 s," in refused.content.decode()
    clock.shift(timedelta(seconds=1))
    assert (
        client.post("/admin/login/?next=/admin/", {"username": ADA, "password": PASSWORD}).status_code == 302
    )
