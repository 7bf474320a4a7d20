"""Every user-facing English string in the templates is marked for translation.

The checker tokenizes each template with Django's own lexer, drops what a
translator never sees as English prose (translated strings, comments,
``{% verbatim %}``, variables, ``<script>``/``<style>`` bodies), and parses the
rest as HTML. Text nodes and the user-facing attributes that still hold a word
of two or more ASCII letters are reported with file:line.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent / "accord"

# A dropped token leaves this behind: it separates words and is never a word.
PLACEHOLDER = " "

# Words that are the same in every language, so they are never translated.
ALLOW = {
    "Accord": "the product's name",
    "TL 9000": "the QuEST Forum standard's name",
    "ISO": "standard body's name, as in ISO 8601",
    "SHA-256": "a hash algorithm's name",
    "UTC": "the time standard's abbreviation",
    "CSV": "a file format's name",
    "XLSX": "a file format's name",
    "PDF": "a file format's name",
    "SVG": "a file format's name",
    "HTML": "a file format's name",
    "API": "a technical term kept as is in every target language",
    "URL": "a technical term kept as is in every target language",
    "ID": "a technical code",
    "kB": "unit symbol",
    "MB": "unit symbol",
    "px": "unit symbol",
}
ALLOW_RE = re.compile(
    "|".join(r"(?<![A-Za-z])" + re.escape(w) + r"(?![A-Za-z])" for w in sorted(ALLOW, key=len, reverse=True))
)
ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
WORD_RE = re.compile(r"[A-Za-z]{2,}")

# data-label is shown as each cell's label on small screens (accord.css: `content: attr(data-label)`).
TEXT_ATTRS = {"title", "alt", "aria-label", "placeholder", "aria-description", "data-label"}

# In <style>, the strings of `content:` declarations are printed (PDF page headers and footers).
CSS_CONTENT_RE = re.compile(r"content\s*:([^;}]*)")
CSS_STRING_RE = re.compile(r'"([^"]*)"|\'([^\']*)\'')

# Elements whose text is a literal the user types or compares (column names, tokens, hashes), never prose.
LITERAL_TAGS = {"code", "kbd", "samp"}

BLOCK_END = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


def _is_user_text(text):
    text = text.replace(PLACEHOLDER, " ")
    text = ENTITY_RE.sub(" ", text)
    text = ALLOW_RE.sub(" ", text)
    return bool(WORD_RE.search(text))


def _strip_template(source):
    """The template's HTML with each template construct replaced by a placeholder.

    Newlines are kept so that line numbers stay right.
    """
    out = []
    closing = None
    for token in Lexer(source).tokenize():
        raw = token.contents
        if closing is not None:
            if token.token_type == TokenType.BLOCK and raw.split()[:1] == [closing]:
                closing = None
                out.append(PLACEHOLDER)
            out.append(_newlines(token, source))
            continue
        if token.token_type == TokenType.TEXT:
            out.append(raw)
            continue
        if token.token_type == TokenType.BLOCK:
            name = raw.split()[0] if raw.split() else ""
            if name in BLOCK_END:
                closing = BLOCK_END[name]
        out.append(PLACEHOLDER + _newlines(token, source))
    return "".join(out)


def _newlines(token, source):
    # Django's tags never span lines; dropped text tokens (inside blocktranslate, comment, verbatim) may.
    return "\n" * token.contents.count("\n")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found = []
        self.skip = 0
        self.style = 0
        self.literal = 0

    def _add(self, text):
        if _is_user_text(text):
            line, _ = self.getpos()
            self.found.append((line, " ".join(text.replace(PLACEHOLDER, " ").split())))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "style":
            self.style += 1
        if tag in LITERAL_TAGS:
            self.literal += 1
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value is None:
                continue
            button = tag == "input" and (attrs.get("type") or "").lower() in ("submit", "button")
            if name in TEXT_ATTRS or (name == "value" and button):
                self._add(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "style":
            self.style -= 1
        if tag in LITERAL_TAGS:
            self.literal -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag == "style" and self.style:
            self.style -= 1
        if tag in LITERAL_TAGS and self.literal:
            self.literal -= 1

    def handle_data(self, data):
        if self.style:
            for declaration in CSS_CONTENT_RE.finditer(data):
                for match in CSS_STRING_RE.finditer(declaration.group(1)):
                    self._add(match.group(1) or match.group(2) or "")
        elif not self.skip and not self.literal:
            self._add(data)

    def handle_entityref(self, name):
        pass

    def handle_charref(self, name):
        pass


def unmarked(source, plain=False):
    """(line, text) for every untranslated user-facing string in a template."""
    stripped = _strip_template(source)
    if plain:
        found = []
        for number, line in enumerate(stripped.splitlines(), start=1):
            if _is_user_text(line):
                found.append((number, " ".join(line.replace(PLACEHOLDER, " ").split())))
        return found
    collector = _Collector()
    collector.feed(stripped)
    collector.close()
    return collector.found


def _templates():
    for path in sorted(ROOT.glob("**/templates/**/*")):
        if path.is_file() and path.suffix in (".html", ".txt"):
            yield path


def test_every_template_string_is_marked_for_translation():
    problems = []
    paths = list(_templates())
    assert len(paths) > 100
    for path in paths:
        source = path.read_text(encoding="utf-8")
        for line, text in unmarked(source, plain=path.suffix == ".txt"):
            problems.append(f"{path.relative_to(ROOT.parent)}:{line}: {text}")
    assert not problems, "Unmarked template text:\n" + "\n".join(problems)


def test_checker_finds_unmarked_text():
    source = '{% load i18n %}<h1>{% translate "Title" %}</h1>\n<p>Nothing here yet</p>'
    assert unmarked(source) == [(2, "Nothing here yet")]


def test_checker_passes_marked_text():
    source = (
        "{% load i18n %}{# A note for developers #}\n"
        '<h1>{% translate "Title" %}</h1>\n'
        "<p>{% blocktranslate trimmed with name=user.name %}\n"
        "  Hello {{ name }}\n"
        "{% endblocktranslate %}</p>\n"
        "{% comment %}Not shown{% endcomment %}{% verbatim %}{{ raw }} text{% endverbatim %}\n"
        "<script>const label = 'English';</script>\n"
        "<style>@page { @bottom-right {\n"
        "  content: \"{% translate 'Page' %} \" counter(page); font: 7pt 'DejaVu Sans'; } }</style>\n"
        "<p>{{ item.title }} &middot; Accord · PDF · 12 kB</p>\n"
        "<p>{% translate 'Columns:' %} <code>title, due_date</code></p>"
    )
    assert unmarked(source) == []


def test_checker_reads_user_facing_attributes():
    source = (
        '{% load i18n %}<button aria-label="Close window"></button>\n'
        '<img alt="{% translate \'Logo\' %}" class="logo-image">\n'
        '<input type="submit" value="Send it"><input type="hidden" name="action" value="resolve">\n'
        '<input placeholder="Search…" title="{{ hint }}">\n'
        '<td data-label="Owner">{{ owner }}</td>\n'
        "<style>@page { @top-right { content: 'Draft minutes'; } }</style>"
    )
    assert unmarked(source) == [
        (1, "Close window"),
        (3, "Send it"),
        (4, "Search…"),
        (5, "Owner"),
        (6, "Draft minutes"),
    ]


def test_checker_reads_plain_text_templates():
    source = '{% load i18n %}{% translate "Hello" %}\n{{ link }}\nThe Accord team\n'
    assert unmarked(source, plain=True) == [(3, "The Accord team")]
