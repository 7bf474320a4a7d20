"""A person's language: chosen on the profile (else the browser's), for the pages they read and the
e-mails they get; the time zone goes with it into e-mails (``accounts.locale``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation

from accord.accounts import locale, services
from accord.audit.models import AuditEvent
from tests.meetings.helpers import schedule

PROFILE = {"full_name": "Carol Nguyen", "job_title": "", "time_zone": "Asia/Tokyo"}


@pytest.fixture(autouse=True)
def no_leftover_mail() -> Iterator[None]:
    mail.outbox.clear()
    yield


def page_language(response: Any) -> tuple[str, str]:
    """The language a page says it is in: its ``<html lang>`` and its Content-Language header."""
    body = response.content.decode()
    start = body.index('<html lang="') + len('<html lang="')
    return body[start : body.index('"', start)], response["Content-Language"]


def test_without_a_choice_pages_are_in_the_language_the_browser_asks_for(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    assert page_language(client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")) == ("ja", "ja")
    assert page_language(client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="fr")) == ("en", "en")
    assert page_language(client.get("/accounts/profile/")) == ("en", "en")


def test_the_language_chosen_on_the_profile_wins_over_the_browser_and_is_audited(
    world: Any, as_user: Any
) -> None:
    client = as_user(world.carol)
    assert client.post("/accounts/profile/", {**PROFILE, "language": "es"}).status_code == 302
    world.carol.refresh_from_db()
    assert (world.carol.language, world.carol.time_zone) == ("es", "Asia/Tokyo")
    event = AuditEvent.objects.filter(verb="profile.updated").latest("id")
    assert event.changes["language"] == ["", "es"]
    response = client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="ja")
    assert page_language(response) == ("es", "es")
    assert '<option value="es" selected>Español</option>' in response.content.decode()
    # back to the browser's
    assert client.post("/accounts/profile/", {**PROFILE, "language": ""}).status_code == 302
    assert page_language(client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="ko")) == ("ko", "ko")


def test_a_language_accord_does_not_speak_is_refused_and_nothing_is_saved(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).post("/accounts/profile/", {**PROFILE, "language": "xx"})
    assert response.status_code == 400
    assert "Select a valid choice. xx is not one of the available choices." in response.content.decode()
    world.carol.refresh_from_db()
    assert (world.carol.language, world.carol.time_zone) == ("", "UTC")
    with pytest.raises(ValidationError) as refused:
        services.update_profile(user=world.carol, full_name="C", job_title="", time_zone="UTC", language="fr")
    assert refused.value.message_dict == {"language": ["Accord is not available in 'fr'."]}
    world.carol.refresh_from_db()
    assert world.carol.full_name == "Carol Nguyen"


def test_the_api_says_which_language_was_chosen(world: Any, as_user: Any) -> None:
    world.carol.language = "ja"
    world.carol.save(update_fields=["language"])
    assert as_user(world.carol).get("/api/v1/me").json()["language"] == "ja"
    assert as_user(world.sam).get("/api/v1/me").json()["language"] == ""


def test_of_recipient_renders_in_their_language_and_zone_and_restores_the_request_s(world: Any) -> None:
    world.carol.language, world.carol.time_zone = "es", "Asia/Tokyo"
    with translation.override("ko"), timezone.override(timezone.get_fixed_timezone(60)):
        with locale.of_recipient(world.carol):
            assert translation.get_language() == "es"
            assert timezone.get_current_timezone_name() == "Asia/Tokyo"
        with locale.of_recipient(None):  # someone without an account: Accord's defaults
            assert (translation.get_language(), timezone.get_current_timezone_name()) == ("en", "UTC")
        world.sam.language, world.sam.time_zone = "tlh", "Mars/Base"  # stored before a language was dropped
        with locale.of_recipient(world.sam):
            assert (translation.get_language(), timezone.get_current_timezone_name()) == ("en", "UTC")
        assert translation.get_language() == "ko"
        assert timezone.get_current_timezone_name() == "+0100"


def test_each_invitation_e_mail_is_in_its_recipient_s_language(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The meeting's day, written out (weekday and month names), in Spanish for Carol who chose it,
    in English for Sam who did not, whatever the language of the request that scheduled it."""
    world.carol.language = "es"
    world.carol.save(update_fields=["language"])
    with translation.override("ja"), django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(world, invitees=[world.carol], days=40)
    start = timezone.localtime(meeting.starts_at, ZoneInfo(meeting.time_zone))
    bodies = {message.to[0]: message.body for message in mail.outbox}
    with translation.override("es"):  # the day as each language writes it ("jue 17 dic 2026")
        spanish = formats.date_format(start, translation.gettext("D j M Y"))
    with translation.override("en"):
        english = formats.date_format(start, translation.gettext("D j M Y"))
    assert spanish != english
    assert spanish in bodies["carol@telco-a.example"] and english not in bodies["carol@telco-a.example"]
    assert english in bodies["sam@northwind.example"] and spanish not in bodies["sam@northwind.example"]
