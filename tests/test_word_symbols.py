"""Characters of symbol fonts (w:sym, runs set in Symbol, Wingdings, Webdings) read as Unicode."""

from __future__ import annotations

import docx

from reportgen.word.symbols import is_symbol_font, symbol_character, symbol_text
from test_word_reader import raw_paragraph, read, texts


def test_a_symbol_font_character_is_the_unicode_character_it_draws() -> None:
    assert symbol_character("Symbol", 0x70) == "\u03c0"  # "p" in Symbol is pi
    assert symbol_character("Wingdings", 0x4A) == "\u263a"  # "J" a smiling face
    assert symbol_character("Wingdings", 0xF0FC) == symbol_character("Wingdings", 0xFC)


def test_fonts_that_are_not_symbol_fonts_are_not_mapped() -> None:
    assert not is_symbol_font("Calibri")
    assert is_symbol_font(" wingdings ")
    assert symbol_character("Calibri", 0x70) is None
    assert symbol_text("Symbol", "a+b") == "\u03b1+\u03b2"


def test_a_w_sym_in_wingdings_reads_as_its_picture_not_a_latin_letter() -> None:
    document = docx.Document()
    raw_paragraph(
        document,
        '<w:r><w:t xml:space="preserve">Done </w:t></w:r>'
        '<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'
        '<w:r><w:t xml:space="preserve"> and </w:t></w:r>'
        '<w:r><w:sym w:font="Calibri" w:char="0041"/></w:r>',
    )
    model, _ = read(document)
    assert texts(model.children) == ["Done \u2713 and A"]


def test_a_run_set_in_the_symbol_font_reads_as_greek() -> None:
    document = docx.Document()
    raw_paragraph(
        document,
        '<w:r><w:t xml:space="preserve">Area = </w:t></w:r>'
        '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t>p</w:t></w:r>'
        '<w:r><w:t xml:space="preserve">r²</w:t></w:r>',
    )
    model, _ = read(document)
    assert texts(model.children) == ["Area = \u03c0r²"]
