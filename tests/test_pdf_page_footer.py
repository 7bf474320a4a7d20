"""The PDFs' "Page 3 of 12" footer is one sentence to translate (``{% page_of_pages %}``), its
placeholders turned into CSS page counters, in whatever order a language puts them."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from accord.lib.pdf import html_to_pdf
from accord.parties.templatetags import accord_tags

PAGE = (
    "{% load accord_tags %}<html><head><style>"
    "@page { size: A6; @bottom-center { content: {% page_of_pages %}; } }"
    '</style></head><body><p>One</p><p style="break-before: page">Two</p></body></html>'
)


def content(translated: str | None = None) -> str:
    with mock.patch.object(accord_tags, "_", (lambda s: translated) if translated else (lambda s: s)):
        return Template("{% load accord_tags %}{% page_of_pages %}").render(Context())


def test_the_english_footer_is_the_sentence_with_the_counters_in_it() -> None:
    assert content() == '"Page " counter(page) " of " counter(pages)'


@pytest.mark.parametrize(
    ("translated", "css"),
    [
        ("%(page)s / %(pages)s ページ", 'counter(page) " / " counter(pages) " ページ"'),
        ("共 %(pages)s 页，第 %(page)s 页", '"共 " counter(pages) " 页，第 " counter(page) " 页"'),
        (
            'Seite "%(page)s" \\ %(pages)s</style>',
            '"Seite \\"" counter(page) "\\" \\\\ " counter(pages) "\\3C /style>"',
        ),
    ],
)
def test_a_translation_may_reorder_the_counters_and_cannot_break_out_of_the_string(
    translated: str, css: str
) -> None:
    assert content(translated) == css


def test_the_footer_renders_in_a_real_pdf() -> None:
    pdf = PdfReader(io.BytesIO(html_to_pdf(Template(PAGE).render(Context()))))
    assert [page.extract_text().split("\n")[-1].strip() for page in pdf.pages] == [
        "Page 1 of 2",
        "Page 2 of 2",
    ]
    with mock.patch.object(accord_tags, "_", lambda s: "%(page)s / %(pages)s"):
        reordered = PdfReader(io.BytesIO(html_to_pdf(Template(PAGE).render(Context()))))
    assert reordered.pages[1].extract_text().split("\n")[-1].strip() == "2 / 2"
