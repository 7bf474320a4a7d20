from datetime import UTC, datetime, time, timedelta
from typing import Any

import time_machine
from django.core import mail

from accord.accounts.models import LoginFailure
from tests.conftest import DEMO_DAY, PASSWORD


def sign_in(client: Any, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_it_signs_in_with_email_and_password(world: Any, client: Any) -> None:
    response = sign_in(client, "ADA@northwind.example", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_rerenders_with_a_message_and_is_counted(world: Any, client: Any) -> None:
    response = sign_in(client, "ada@northwind.example", "wrong")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert LoginFailure.objects.filter(email="ada@northwind.example").count() == 1


def test_a_successful_sign_in_clears_earlier_failures(world: Any, client: Any) -> None:
    with time_machine.travel(datetime.combine(DEMO_DAY, time(9), tzinfo=UTC), tick=False) as clock:
        sign_in(client, "ada@northwind.example", "wrong")
        clock.shift(timedelta(seconds=1))  # the wait after one failure
        assert sign_in(client, "ada@northwind.example", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(email="ada@northwind.example").exists()


def test_sign_out_is_a_post(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    visit = client.get("/accounts/logout/")  # a link or a reload signs nobody out: it goes home
    assert visit.status_code == 303 and visit["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_reset_by_email(world: Any, client: Any) -> None:
    response = client.post("/accounts/password/reset/", {"email": "carol@telco-a.example"})
    assert response.status_code == 302
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("127.0.0.1:8000", 1)[1] if "127.0.0.1:8000" in link else link
    page = client.get(path, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": "a-Brand-new-pass-42", "new_password2": "a-Brand-new-pass-42"}
    )
    assert done.status_code == 302
    world.carol.refresh_from_db()
    assert world.carol.check_password("a-Brand-new-pass-42")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(db: Any, client: Any) -> None:
    assert client.post("/accounts/password/reset/", {"email": "nobody@example.org"}).status_code == 302
    assert mail.outbox == []


def test_password_change_checks_the_old_password(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    bad = client.post(
        "/accounts/password/change/",
        {"old_password": "nope", "new_password1": "x-Strong-pass-9", "new_password2": "x-Strong-pass-9"},
    )
    assert bad.status_code == 200
    ok = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "x-Strong-pass-9", "new_password2": "x-Strong-pass-9"},
    )
    assert ok.status_code == 302
    world.sam.refresh_from_db()
    assert world.sam.check_password("x-Strong-pass-9")


def test_behind_a_trusted_proxy_failures_count_against_the_forwarded_client(
    world: Any, client: Any, settings: Any
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.post(
        "/accounts/login/",
        {"username": "ada@northwind.example", "password": "wrong"},
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9"},
    )
    assert LoginFailure.objects.get().ip == "203.0.113.9"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(world: Any, client: Any) -> None:
    client.post(
        "/accounts/login/",
        {"username": "ada@northwind.example", "password": "wrong"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert LoginFailure.objects.get().ip == "127.0.0.1"
