"""PDFs in every language: the register snapshot a reader downloads is in their language, its text
extracted is that language's, and Chinese, Japanese and Korean are set in a font that has their
glyphs (Debian's Noto CJK, which `.ci/run` installs) rather than boxes for missing ones. Without those
fonts the CJK cases are skipped on a developer's machine and fail in CI."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

PDF = "/r/northwind-telco-a/items/export.pdf"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
CJK = {"ja", "ko", "zh-hans"}


def cjk_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False).stdout
    return "Noto Sans CJK" in listed


def fonts_of(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")))
    return names


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_register_pdf_is_in_the_reader_s_language_with_every_glyph(
    world: Any, as_user: Any, language: str
) -> None:
    if language in CJK and not cjk_font_installed():
        if os.environ.get("CI"):
            pytest.fail("Debian's fonts-noto-cjk is missing: .ci/run installs it")
        pytest.skip(
            "PDFs in Chinese, Japanese and Korean need fonts-noto-cjk (apt-get install fonts-noto-cjk)"
        )
    world.carol.language = language
    world.carol.save(update_fields=["language"])
    response = as_user(world.carol).get(PDF)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() or "" for page in reader.pages))
    with translation.override(language):
        expected = [
            translation.gettext("Page %(page)s of %(pages)s") % {"page": 1, "pages": len(reader.pages)},
            translation.gettext("Verified"),
            translation.gettext("Owner"),
        ]
    missing = [phrase for phrase in expected if re.sub(r"\s+", " ", phrase) not in text]
    assert missing == [], f"not in the {language} PDF's text: {missing}"
    assert world.item.title in text  # the data stays as written
    if language in CJK:
        assert any("CJK" in name for name in fonts_of(reader)), fonts_of(reader)
        assert "\ufffd" not in text
