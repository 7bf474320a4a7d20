"""A person's language and time zone: for the pages they read and the e-mails they get."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# ``LANGUAGES``' codes, for the API's schemas (tests/test_i18n_shared_language.py keeps the two equal)
Language = Literal["en", "es", "ja", "ko", "zh-hans"]


def supported(code: str | None) -> str:
    """``code`` when Accord speaks it (``LANGUAGES``), else ""."""
    return code if code and code in dict(settings.LANGUAGES) else ""


def choices() -> list[tuple[str, Any]]:
    """The language choice on the profile: the browser's by default, or one of ``LANGUAGES``."""
    return [("", _("As my browser asks")), *settings.LANGUAGES]


@contextmanager
def of_recipient(user: Any | None, language: str = "") -> Iterator[None]:
    """Render what ``user`` will read outside a request (an e-mail) in their language and time zone:
    the language they chose, else ``language`` (someone without an account: the language they were
    invited in), else Accord's default (an e-mail has no browser to ask); their time zone, else UTC."""
    language = supported(getattr(user, "language", "")) or supported(language) or settings.LANGUAGE_CODE
    try:
        zone = zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    with translation.override(language), timezone.override(zone):
        yield
