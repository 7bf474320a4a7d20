import pytest
from django.core.exceptions import ImproperlyConfigured

from accord.lib.env import email_settings, env_bool, env_int, env_list, env_str


def test_it_reads_booleans_in_many_spellings() -> None:
    for word in ("1", "true", "YES", "on"):
        assert env_bool("X", environ={"X": word}) is True
    for word in ("0", "false", "No", "off", ""):
        assert env_bool("X", True, environ={"X": word}) is False


def test_it_uses_the_default_when_a_variable_is_absent() -> None:
    assert env_bool("X", True, environ={}) is True
    assert env_int("X", 7, environ={}) == 7
    assert env_str("X", "dflt", environ={}) == "dflt"
    assert env_list("X", ["a"], environ={}) == ["a"]


def test_it_refuses_a_bad_boolean_with_the_variable_name() -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", environ={"DEBUG": "maybe"})


def test_it_refuses_a_bad_number() -> None:
    with pytest.raises(ImproperlyConfigured, match="PORT must be a whole number"):
        env_int("PORT", 1, environ={"PORT": "eighty"})


def test_it_splits_lists_and_drops_blanks() -> None:
    assert env_list("H", environ={"H": "a.example, b.example,, "}) == ["a.example", "b.example"]


def test_email_defaults_to_the_console() -> None:
    assert email_settings("")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_email_smtp_url_with_starttls_and_credentials() -> None:
    s = email_settings("smtp://user%40x:p%3Ass@mail.example.com:587?tls=true")
    assert s["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (s["EMAIL_HOST"], s["EMAIL_PORT"]) == ("mail.example.com", 587)
    assert (s["EMAIL_HOST_USER"], s["EMAIL_HOST_PASSWORD"]) == ("user@x", "p:ss")
    assert s["EMAIL_USE_TLS"] is True and s["EMAIL_USE_SSL"] is False


def test_email_smtps_uses_implicit_tls_on_465() -> None:
    s = email_settings("smtps://mail.example.com")
    assert s["EMAIL_PORT"] == 465 and s["EMAIL_USE_SSL"] is True


@pytest.mark.parametrize("url", ["ftp://x", "smtp://", "smtp://host:notaport"])
def test_email_refuses_bad_urls(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings(url)
