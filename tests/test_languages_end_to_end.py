"""The Tbilisi report in English, Russian and French, read back from the DOCX and the PDF.

Fixed text is looked up in the template's catalogs, never written out here
in English; what a reader of each language expects to see (dates, numbers
in words, quotation marks) is written out, so that the code producing it is
under test.  pdftotext prints no-break spaces as spaces, so the exact
characters are read from the DOCX and with pypdf from the PDF.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import docx
import pikepdf
import pyphen
import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from conftest import Generated, pdf_text
from reportgen.language import translations_for
from reportgen.language.catalogs import catalog_path
from tagtree import marked_content
from test_generate_end_to_end import (
    TEMPLATE,
    docx_paragraphs,
    pdf_body,
    word_footnotes,
    words,
    workshop,
)

NNBSP, NBSP = "\u202f", "\u00a0"
STEMS = {
    "en": "tbilisi-2018-migrant-integration",
    "ru": "tbilisi-2018-migrant-integration.ru",
    "fr": "tbilisi-2018-migrant-integration.fr",
}
TAGS = {"en": "en-GB", "ru": "ru-RU", "fr": "fr-FR"}

# What a reader of each language expects, written out.
DATES = {  # the workshop on the cover and in the text; the report's own date
    "en": ["29 November 2018", "15 February 2019"],
    "ru": [f"29 ноября 2018{NNBSP}г.", f"15 февраля 2019{NNBSP}г."],
    "fr": ["29 novembre 2018", "15 février 2019"],
}
COUNTS = {  # ten States, nine men: in words, in the case the sentence needs
    "en": ["Experts from ten OSCE participating States", "16 women and nine men"],
    "ru": ["эксперты из десяти государств-участников ОБСЕ", "16 женщин и девять мужчин"],
    "fr": ["Des experts de dix États participants de l’OSCE", "16 femmes et neuf hommes"],
}
QUOTATION_MARKS = {"en": ("“", "”"), "ru": ("«", "»"), "fr": (f"«{NNBSP}", f"{NNBSP}»")}


@pytest.fixture(params=list(STEMS))
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def report(language: str, generated: dict[str, Generated]) -> Generated:
    return generated[STEMS[language]]


def gettext(language: str) -> Callable[[str], str]:
    return translations_for(TEMPLATE, language).gettext


def ngettext(language: str) -> Callable[[str, str, int], str]:
    return translations_for(TEMPLATE, language).ngettext


def docx_text(report: Generated) -> str:
    return "\n".join(text for _style, text in docx_paragraphs(report.docx))


@cache
def pdf_characters(pdf: Path) -> str:
    """The PDF's text with every character as written (no-break spaces kept), by pypdf."""
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_each_language_has_its_example(generated):
    for language, stem in STEMS.items():
        assert workshop(generated[stem].source).report.language == language


# -- fixed text: the catalogs' translations ---------------------------------------------------


def headings(language: str) -> list[str]:
    _ = gettext(language)
    return [
        _("Contents"),
        _("Executive summary"),
        _("Introduction"),
        _("Summary of the discussions"),
        _("Key points"),
        _("Good practices"),
        _("Challenges"),
        _("Recommendations"),
        _("General recommendations"),
        _("Follow-up"),
        _("Annex %(number)s: Agenda") % {"number": 1},
    ]


def test_the_headings_are_the_catalogs_translations_in_word(report, language):
    styled = {
        text
        for style, text in docx_paragraphs(report.docx)
        if style.startswith(("Heading", "TOC Heading"))
    }
    assert [h for h in headings(language) if h not in styled] == []


def test_the_headings_are_the_catalogs_translations_in_the_pdf(report, language):
    text = f" {words(pdf_text(report.pdf))} "
    assert [h for h in headings(language) if f" {words(h)} " not in text] == []


def test_the_contents_entries_are_the_headings_character_for_character(report):
    paragraphs = docx_paragraphs(report.docx)
    entries = [text for style, text in paragraphs if style.startswith("toc ")]
    body_headings = [text for style, text in paragraphs if style in ("Heading 1", "Heading 2")]
    assert entries == body_headings  # no-break spaces included ("Annexe 1 : Programme")


def test_the_page_furniture_is_translated(report, language):
    _ = gettext(language)
    pages = pdf_text(report.pdf).split("\f")[:-1]
    assert _("Page {page} of {pages}").format(page=2, pages=len(pages)) in pages[1]
    assert _("DRAFT") in pages[1]  # the examples are drafts
    assert words(_("Draft for review")) in words(pages[0])
    assert words(_("Meeting report")) in words(pages[0])  # the subtitle: none in the input


def test_the_recommendations_are_counted_and_addressed_in_the_language(report, language):
    model = workshop(report.source)
    n = len(model.recommendations)
    text = words(pdf_body(report))
    intro = ngettext(language)(
        "The participants put forward the following recommendation.",
        "The participants put forward the following %(n)s recommendations.",
        n,
    )
    # 11: figures in every language, whatever the form the sentence asks for.
    assert words(intro % {"n": n, "n_gen": n, "nf_acc": n}) in text
    to = ngettext(language)("To %(addressees)s", "To %(addressees)s", 1)
    first = model.recommendation_groups[0]
    assert words(to % {"addressees": first.addressees[0]}) in text


def fixed_phrases(language: str) -> Iterator[tuple[str, str]]:
    """(English phrase, its msgid) for each run of fixed text the catalog translates differently.

    A msgid is cut at its placeholders and markup; a piece is kept if it has
    two words or more, or is one word of five letters or more, and the
    translation does not use it too ("Page" in "Page {page} sur {pages}").
    """
    with open(catalog_path(TEMPLATE, language), "rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated = " ".join(words(s) for s in strings)
        for msgid in ids:
            if words(msgid) == translated:
                continue
            for piece in re.split(r"%\(\w+\)s|\{\w+\}|<[^>]+>", msgid):
                phrase = words(piece)
                if not phrase or f" {phrase} " in f" {translated} ":
                    continue
                if len(phrase.split()) >= 2 or len(phrase) >= 5:
                    yield phrase, msgid


@pytest.mark.parametrize("language", ["ru", "fr"])
def test_no_english_fixed_text_remains(generated, language):
    report = generated[STEMS[language]]
    phrases = list(fixed_phrases(language))
    assert len(phrases) > 40  # the check reaches most of the template's sentences
    for name, text in (("PDF", pdf_text(report.pdf)), ("DOCX", docx_text(report))):
        text = f" {words(text).lower()} "
        found = [(p, m) for p, m in phrases if f" {p.lower()} " in text]
        assert found == [], name


# -- language-aware facts ----------------------------------------------------------------------


def test_dates_are_written_as_the_language_writes_them(report, language):
    for date in DATES[language]:
        assert date in docx_text(report)
        assert date in pdf_characters(report.pdf)


def test_counts_are_written_in_words_in_the_right_form(report, language):
    for phrase in COUNTS[language]:
        assert phrase in docx_text(report)
        assert words(phrase) in words(pdf_body(report))


def test_quotations_are_in_the_languages_quotation_marks(report, language):
    opening, closing = QUOTATION_MARKS[language]
    model = workshop(report.source)
    quotes = [q.text for q in model.general_quotes] + [
        q.text for t in model.topics for q in t.quotes
    ]
    shown = [text for style, text in docx_paragraphs(report.docx) if style == "Quote"]
    assert len(shown) == len(quotes)
    for quote, text in zip(quotes, shown, strict=True):
        assert text.startswith(opening) and text.endswith(closing), text
        assert words(text) == words(quote)
        inner = text[len(opening) : -len(closing)].split()
        # Lines joined, words hyphenated at a line end made whole again
        # (pypdf may double a justified space; no-break spaces are kept.)
        printed = re.sub(r"[ \t\r\n]+", " ", pdf_characters(report.pdf).replace("\u2010\n", ""))
        assert opening + " ".join(inner[:3]) in printed
        assert " ".join(inner[-3:]) + closing in printed


def test_no_straight_quotes_or_double_hyphens_reach_a_reader(report):
    # Typed as ' " and -- in the input; printed as ’ “” «» – (input-format.md).
    for name, text in (("DOCX", docx_text(report)), ("PDF", pdf_characters(report.pdf))):
        assert re.findall(r".{0,20}['\"].{0,20}|.{0,20}--.{0,20}", text) == [], name


@pytest.mark.parametrize("name", ["DOCX", "PDF"])
def test_french_punctuation_has_its_no_break_spaces(generated, name):
    report = generated[STEMS["fr"]]
    text = docx_text(report) if name == "DOCX" else pdf_characters(report.pdf)
    # A line may not begin with : ; ! ? » nor end with «.
    assert re.findall(r".{0,15}(?: [:;!?»]|« ).{0,5}", text) == []
    assert re.findall(rf"\w[;!?]|«[^{NNBSP}{NBSP}]|[^{NNBSP}{NBSP}]»", text) == []


# -- the language in the files ------------------------------------------------------------------


def test_the_docx_marks_its_text_and_properties_with_the_language(report, language):
    document = docx.Document(str(report.docx))
    styles = document.styles.element
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", {"w": styles.nsmap["w"]})
    assert lang is not None and lang.get(f"{{{styles.nsmap['w']}}}val") == TAGS[language]
    assert document.core_properties.language == TAGS[language]


def test_the_pdf_declares_its_language(report, language):
    with pikepdf.open(report.pdf) as pdf:
        assert str(pdf.Root.Lang) in (language, TAGS[language])  # "ru" or "ru-RU"


def hyphenated_words(pdf: Path) -> list[tuple[str, str]]:
    """(first part, rest) of every word WeasyPrint broke with a hyphen at a line end.

    Read from the glyphs drawn, line by line: the text a reader extracts has
    the word whole (ActualText, pdf/tagging.py).  A compound ("co-ordin‐ated")
    is hyphenated in its last part: that part is the word.
    """
    with pikepdf.open(pdf) as document:
        lines = "\n".join(
            "".join(mark.glyphs)
            for page in document.pages
            for mark in marked_content(document, page)
            if mark.tag != "/Artifact"
        )
    return [
        (head.split("-")[-1], tail) for head, tail in re.findall(r"([\w-]+)\u2010\n(\w+)", lines)
    ]


def test_the_pdf_hyphenates_with_the_languages_dictionary(report, language):
    breaks = hyphenated_words(report.pdf)
    assert len(breaks) > 20
    dictionary = pyphen.Pyphen(lang=TAGS[language].replace("-", "_"), left=1, right=1)
    notes = " ".join(note for _context, note in word_footnotes(report.docx))
    text = f" {words(docx_text(report) + ' ' + notes)} "
    for head, tail in breaks:
        word = head + tail
        assert re.search(rf"\w*{word}\b", text), word  # a word (or compound) of the report
        assert len(head) in dictionary.positions(word), f"{head}‐{tail}"
    if language == "ru":
        assert any(re.fullmatch(r"[а-яё]+", head.lower()) for head, _ in breaks)


# -- fonts: every script drawn, with the theme's fonts -----------------------------------------


GEORGIAN = re.compile(r"[\u10a0-\u10ff\u1c90-\u1cbf]+")


def test_georgian_names_in_the_russian_report_are_printed(generated):
    report = generated[STEMS["ru"]]
    names = GEORGIAN.findall(report.source.read_text(encoding="utf-8"))
    assert names, "the Russian example has Georgian script"
    text = pdf_text(report.pdf)
    assert [name for name in names if name not in text] == []
    fonts = {str(name) for name in font_names(report.pdf)}
    assert any("Georgian" in name for name in fonts), fonts


def font_names(pdf: Path) -> Iterator[str]:
    with pikepdf.open(pdf) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                assert any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                yield str(obj.FontName).split("+")[-1]


def test_only_the_themes_fonts_are_used(report):
    # A character missing from the theme's fonts would bring in another font.
    allowed = ("Noto-Serif", "Noto-Sans", "NotoSerif", "NotoSans")
    assert [name for name in font_names(report.pdf) if not name.startswith(allowed)] == []


def shown_glyphs(pdf: pikepdf.Pdf) -> Iterator[tuple[str, int]]:
    """(font, glyph id) of every glyph drawn with a two-byte (Identity-H) font."""

    def strings(operands: list) -> Iterator[bytes]:
        for operand in operands:
            if isinstance(operand, pikepdf.String):
                yield bytes(operand)
            elif isinstance(operand, pikepdf.Array):
                yield from strings(list(operand))

    def walk(stream: object, resources: pikepdf.Dictionary) -> Iterator[tuple[str, int]]:
        fonts = resources.get("/Font", {})
        font = None
        for operands, operator in pikepdf.parse_content_stream(stream):
            if operator == pikepdf.Operator("Tf"):
                font = fonts.get(operands[0])
            elif operator in (pikepdf.Operator("Tj"), pikepdf.Operator("TJ")):
                if font is None or font.get("/Encoding") != "/Identity-H":
                    continue
                for data in strings(operands):
                    for i in range(0, len(data) - 1, 2):
                        yield str(font.BaseFont), int.from_bytes(data[i : i + 2], "big")
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form":
                yield from walk(xobject, xobject.get("/Resources", resources))

    for page in pdf.pages:
        yield from walk(page, page.Resources)


def test_no_character_is_drawn_as_a_missing_glyph_box(report):
    with pikepdf.open(report.pdf) as pdf:
        glyphs = list(shown_glyphs(pdf))
    assert len(glyphs) > 1000
    assert [font for font, glyph in glyphs if glyph == 0] == []  # glyph 0 is .notdef


def test_every_script_of_the_text_is_in_the_pdf(report):
    # Letters of each script the DOCX uses reach the PDF's text layer.
    def scripts(text: str) -> set[str]:
        return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}

    assert scripts(docx_text(report)) <= scripts(pdf_text(report.pdf))
