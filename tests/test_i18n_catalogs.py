"""Accord's translation catalogs (accord/locale/LANG/LC_MESSAGES/django.po and its compiled .mo):
every string translated, placeholders kept, the compiled catalog in step with its source, and the
catalogs in step with the code (``makemessages`` finds no string they lack).

The last check runs Django's ``makemessages``, which needs GNU gettext (Debian's ``gettext``): without it
the check is skipped on a developer's machine and fails in CI, which installs it."""

from __future__ import annotations

import gettext
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import to_locale

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\([a-zA-Z_0-9]+\)[sdif]|%[sdif]|\{[a-zA-Z_0-9]*\}")
# makemessages reads the project's own code and templates, nothing installed or generated.
NOT_SOURCE = [".venv/*", "tests/*", "bench/*", "build/*", "var/*", "*.egg-info/*", "node_modules/*"]

# A translation may equal the English only when the English is a code or a name, or the same word in
# that language; each here with why.
SAME_AS_ENGLISH = {
    "%(status)s: %(t)s": "placeholders only",
    "%(n)s": "placeholders only",
    "%(end)s": "placeholders only",
    "%(title)s, %(period)s": "placeholders and a comma",
    "%(n)s min": "the unit's abbreviation is the same in Spanish",
    "%(n)s min · +%(start)s′": "the unit's abbreviation is the same in Spanish",
    "%(s)s s": "the second's symbol",
    "Ref.": "the Spanish abbreviation is the same",
    "no": "Spanish says no too",
    "PDF": "a file format",
    "XLSX": "a file format",
    "CSV": "a file format",
    "ID": "an abbreviation kept in every language",
    "NTF": "a TL 9000 abbreviation (no trouble found)",
    "NU:": "the normalization unit's abbreviation",
    "No": "Spanish says no too",
    "Editor": "the Spanish word for the role is the same",
    "Ticket": "the Spanish support term is the same",
}


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def entry_problems(entry: polib.POEntry) -> list[str]:
    """What is wrong with one entry: untranslated, fuzzy, the English left, placeholders changed."""
    where = f"{entry.msgid!r}"
    if entry.obsolete:
        return []
    if "fuzzy" in entry.flags:
        return [f"{where}: fuzzy"]
    forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    if not forms or any(not form.strip() for form in forms):
        return [f"{where}: not translated"]
    problems = []
    english = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
    for form in forms:
        if entry.msgid_plural:  # a singular may spell the count out ("una vez"), never add one
            if placeholders(form) - english:
                problems.append(f"{where}: {sorted(placeholders(form) - english)} is not in the English")
        elif placeholders(form) != english:
            problems.append(f"{where}: placeholders {sorted(placeholders(form))} != {sorted(english)}")
        if form == entry.msgid and entry.msgid not in SAME_AS_ENGLISH:
            problems.append(f"{where}: left in English")
    return problems


def test_the_checks_find_what_they_look_for() -> None:
    assert entry_problems(polib.POEntry(msgid="Save", msgstr="")) == ["'Save': not translated"]
    assert entry_problems(polib.POEntry(msgid="Save", msgstr="Save")) == ["'Save': left in English"]
    assert entry_problems(polib.POEntry(msgid="Save", msgstr="保存", flags=["fuzzy"])) == ["'Save': fuzzy"]
    assert entry_problems(polib.POEntry(msgid="Due %(day)s", msgstr="期限 %(date)s")) == [
        "'Due %(day)s': placeholders ['%(date)s'] != ['%(day)s']"
    ]
    plural = polib.POEntry(
        msgid="%(n)d item", msgid_plural="%(n)d items", msgstr_plural={0: "un punto", 1: ""}
    )
    assert entry_problems(plural) == ["'%(n)d item': not translated"]
    assert entry_problems(polib.POEntry(msgid="PDF", msgstr="PDF")) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_with_its_placeholders(language: str) -> None:
    po = catalog(language)
    assert po.metadata.get("Language") == language
    problems = [problem for entry in po for problem in entry_problems(entry)]
    assert problems == [], f"{len(problems)} problems in {language}:\n" + "\n".join(problems[:50])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_source_catalog(language: str) -> None:
    """The .mo Django reads holds exactly the .po's translations (`msgfmt` after each change)."""
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo:
        compiled = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items() if k}  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in catalog(language).translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(key, int(index))] = text
        else:
            expected[key] = entry.msgstr
    assert compiled == expected


def test_the_catalogs_hold_every_string_of_the_code(tmp_path: Path) -> None:
    """``makemessages`` on the code finds exactly the strings each catalog has (after adding or
    changing a string: `make messages`, translate, `make messages` again to compile)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is missing: CI installs Debian's gettext")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    scratch = LOCALE / "zz"
    try:
        call_command("makemessages", locale=["zz"], ignore_patterns=NOT_SOURCE, verbosity=0)
        in_code = {
            (e.msgctxt, e.msgid, e.msgid_plural)
            for e in polib.pofile(str(scratch / "LC_MESSAGES" / "django.po"))
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for language in LANGUAGES:
        in_catalog = {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalog(language) if not e.obsolete}
        assert sorted(in_code - in_catalog, key=str) == [], f"{language} lacks these: run `make messages`"
        assert sorted(in_catalog - in_code, key=str) == [], f"{language} has strings the code no longer has"
