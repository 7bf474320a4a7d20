"""The TL 9000 glossaries (accord/locale/glossary/): one per language, the same English terms in the same
order, each term once with a translation, and every name the code gives a measure, a default agenda
item, a survey area, a meeting kind, a register status or priority, a role or a side among the terms.

The checks are functions returning the problems they find, so the tests at the bottom can show that
each one fails on a bad glossary."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

import accord

GLOSSARY_DIR = Path(accord.__file__).parent / "locale" / "glossary"
LANGUAGES = ("es", "ja", "ko", "zh_Hans")
HEADER = ["term", "translation", "note"]
KEPT = "kept:"  # a note starting with this allows a translation equal to the English term


class GlossaryError(ValueError):
    """The file is not a glossary: wrong header, or a row without exactly three fields."""


@dataclass(frozen=True)
class Entry:
    line: int
    term: str
    translation: str
    note: str


def parse(text: str) -> list[Entry]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0] != HEADER:
        raise GlossaryError(f"header is {rows[0] if rows else None!r}, not {HEADER!r}")
    entries = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(HEADER):
            raise GlossaryError(f"line {line}: {len(row)} fields, not {len(HEADER)}: {row!r}")
        entries.append(Entry(line, *row))
    return entries


def load(language: str) -> list[Entry]:
    # strict UTF-8; a byte-order mark would end up in the first header field and fail the header check
    return parse((GLOSSARY_DIR / f"{language}.csv").read_text(encoding="utf-8"))


def problems(entries: Iterable[Entry]) -> list[str]:
    """What is wrong with one glossary's rows on their own."""
    found = []
    seen: dict[str, int] = {}
    for e in entries:
        where = f"line {e.line} {e.term!r}"
        if not e.term.strip():
            found.append(f"line {e.line}: empty term")
        for name, value in (("term", e.term), ("translation", e.translation), ("note", e.note)):
            if value != value.strip():
                found.append(f"{where}: {name} has leading or trailing spaces")
        key = e.term.strip().casefold()
        if key in seen:
            found.append(f"{where}: duplicate of line {seen[key]}")
        seen.setdefault(key, e.line)
        if not e.translation.strip():
            found.append(f"{where}: empty translation")
        elif e.translation.strip().casefold() == key and not e.note.strip().casefold().startswith(KEPT):
            found.append(f"{where}: translation equals the English term and the note does not say {KEPT!r}")
    return found


def order_problems(glossaries: Mapping[str, list[Entry]]) -> list[str]:
    """Where the glossaries' English terms differ from the first one's, position by position."""
    (first, reference), *others = glossaries.items()
    found = []
    for language, entries in others:
        want, got = [e.term for e in reference], [e.term for e in entries]
        for i, (a, b) in enumerate(zip(want, got, strict=False), start=2):
            if a != b:
                found.append(f"{language} line {i}: {b!r}, {first} has {a!r}")
                break
        if len(want) != len(got):
            found.append(f"{language}: {len(got)} terms, {first} has {len(want)}")
    return found


def missing(entries: Iterable[Entry], names: Iterable[str]) -> list[str]:
    """The names (compared case-insensitively) that are not terms of the glossary."""
    terms = {e.term.casefold() for e in entries}
    return sorted({n for n in names if n.casefold() not in terms})


# ----------------------------------------------------------------------------- what the code names


def measure_names() -> list[str]:
    from accord.measurements.definitions import MEASURES

    return [m.name for m in MEASURES.values()]


LABEL_SOURCES = (
    "meetings.agendas.DEFAULTS",
    "meetings.models.Kind",
    "feedback.areas.DEFAULT_AREAS",
    "feedback.areas.Function",
    "register.models.Status",
    "register.models.Priority",
    "register.models.OwnerSide",
    "parties.models.Role",
    "parties.models.Side",
    "parties.models.GuestRole",
)


def code_labels() -> dict[str, list[str]]:
    """The English labels the code defines that the glossary must hold, by where they come from."""
    from accord.feedback.areas import DEFAULT_AREAS, Function
    from accord.meetings.agendas import DEFAULTS
    from accord.meetings.models import Kind
    from accord.parties.models import GuestRole, Role, Side
    from accord.register import models as register

    with translation.override("en"):
        return {
            "meetings.agendas.DEFAULTS": [str(d.title) for items in DEFAULTS.values() for d in items],
            "meetings.models.Kind": [str(label) for label in Kind.labels],
            "feedback.areas.DEFAULT_AREAS": [str(title) for _key, title, _question in DEFAULT_AREAS],
            "feedback.areas.Function": [str(label) for label in Function.labels if label != "Other"],
            "register.models.Status": [str(label) for label in register.Status.labels],
            "register.models.Priority": [str(label) for label in register.Priority.labels],
            "register.models.OwnerSide": [str(label) for label in register.OwnerSide.labels],
            "parties.models.Role": [str(label) for label in Role.labels],
            "parties.models.Side": [str(label) for label in Side.labels],
            "parties.models.GuestRole": [str(label) for label in GuestRole.labels],
        }


# ------------------------------------------------------------------------------------ the glossaries


@pytest.fixture(scope="module")
def glossaries() -> dict[str, list[Entry]]:
    return {language: load(language) for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_glossary_parses_with_its_header(language: str) -> None:
    path = GLOSSARY_DIR / f"{language}.csv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(HEADER)
    assert load(language), f"{path} has no terms"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_glossary_has_each_term_once_and_translated(language: str) -> None:
    assert problems(load(language)) == []


def test_the_glossaries_list_the_same_terms_in_the_same_order(glossaries: dict[str, list[Entry]]) -> None:
    assert order_problems(glossaries) == []


def test_every_measure_name_is_a_term(glossaries: dict[str, list[Entry]]) -> None:
    names = measure_names()
    assert len(names) >= 25  # the documented codes and the supplementary one: an import that found them
    for language, entries in glossaries.items():
        assert missing(entries, names) == [], f"{language}: measure names not in the glossary"


@pytest.mark.parametrize("source", LABEL_SOURCES)
def test_every_label_of_the_code_is_a_term(source: str, glossaries: dict[str, list[Entry]]) -> None:
    labels = code_labels()[source]
    assert labels, f"{source} gave no labels"
    for language, entries in glossaries.items():
        assert missing(entries, labels) == [], f"{language}: labels of {source} not in the glossary"


# a label the glossary holds only in another case, whose grammar differs there (each with why)
AGREES_OTHERWISE = {
    # the priority "Critical" qualifies "prioridad" (feminine); the glossary's "critical" is a severity
    ("es", "Critical"): "Crítica",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_say_each_measure_name_and_code_label_as_the_glossary_does(
    language: str, glossaries: dict[str, list[Entry]]
) -> None:
    glossary = {e.term.casefold(): e.translation for e in glossaries[language]}
    names = measure_names() + [label for labels in code_labels().values() for label in labels]
    with translation.override(language.lower().replace("_", "-")):
        differ = {
            name: (translation.gettext(name), glossary[name.casefold()])
            for name in names
            if translation.gettext(name) != AGREES_OTHERWISE.get((language, name), glossary[name.casefold()])
        }
    assert differ == {}


def test_severities_and_abbreviations_are_terms(glossaries: dict[str, list[Entry]]) -> None:
    from accord.measurements.definitions import FAMILIES, SEVERITY_NAMES

    wanted = [*SEVERITY_NAMES.values(), *(f for f in FAMILIES if f not in ("REPAIR", "SUPPORT")), "TL 9000"]
    for entries in glossaries.values():
        assert missing(entries, wanted) == []
        kept = {e.term for e in entries if e.translation == e.term}
        assert {"TL 9000", "NPR", "FRT", "OTD", "FRU"} <= kept


# --------------------------------------------------------------------- each check fails when it should

GOOD = "term,translation,note\nTL 9000,TL 9000,kept: name of the standard\naction item,処置項目,\n"


def test_the_checks_pass_a_good_glossary() -> None:
    entries = parse(GOOD)
    assert [e.term for e in entries] == ["TL 9000", "action item"]
    assert entries[1].line == 3
    assert problems(entries) == []
    assert order_problems({"ja": entries, "ko": parse(GOOD)}) == []
    assert missing(entries, ["Action Item", "tl 9000"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "term,translation\naction item,処置項目\n",  # a column short
        "\ufeffterm,translation,note\naction item,処置項目,\n",  # a byte-order mark
        "Term,Translation,Note\naction item,処置項目,\n",
        "term,translation,note\naction item,処置項目\n",  # a field short
        "term,translation,note\naction item,処置,項目,\n",  # an unquoted comma
    ],
)
def test_parse_refuses_what_is_not_a_glossary(text: str) -> None:
    with pytest.raises(GlossaryError):
        parse(text)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("action item,処置項目,\nAction Item,アクションアイテム,\n", "duplicate of line 2"),
        ("action item,,\n", "empty translation"),
        ("action item,  ,\n", "empty translation"),
        ("NPR,NPR,the number of problem reports\n", "translation equals the English term"),
        ("Editor,editor,role\n", "translation equals the English term"),
        (",処置項目,\n", "empty term"),
        ("action item ,処置項目,\n", "leading or trailing spaces"),
    ],
)
def test_problems_finds_each_fault(rows: str, problem: str) -> None:
    found = problems(parse("term,translation,note\n" + rows))
    assert any(problem in p for p in found), found


def test_a_kept_note_allows_the_english_term() -> None:
    assert problems(parse("term,translation,note\nNPR,NPR,Kept: abbreviation\n")) == []


@pytest.mark.parametrize(
    "other",
    [
        "term,translation,note\naction item,処置項目,\nTL 9000,TL 9000,kept: name\n",  # swapped
        "term,translation,note\nTL 9000,TL 9000,kept: name\n",  # one short
        "term,translation,note\nTL 9000,TL 9000,kept: name\naction item,x,\ngap,y,\n",  # one more
        "term,translation,note\nTL 9000,TL 9000,kept: name\nAction item,x,\n",  # another spelling
    ],
)
def test_order_problems_finds_terms_that_differ(other: str) -> None:
    assert order_problems({"es": parse(GOOD), "ko": parse(other)}) != []


def test_missing_finds_a_name_that_is_not_a_term() -> None:
    assert missing(parse(GOOD), ["action item", "Early return index"]) == ["Early return index"]
