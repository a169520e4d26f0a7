"""The DOCX passes the rules of Word's accessibility checker that can be read from the file."""

from __future__ import annotations

import itertools

import docx
import pytest
from docx.oxml.ns import qn

from conftest import INPUTS, Generated

STEMS = [source.stem for source in INPUTS]


@pytest.fixture(params=STEMS)
def document(request: pytest.FixtureRequest, generated: dict[str, Generated]):
    return docx.Document(str(generated[request.param].docx))


def test_the_document_has_a_title_and_a_language(document) -> None:
    props = document.core_properties
    assert props.title.strip()
    assert props.language
    # Word reads the language of the text from the styles' defaults (w:lang).
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f".//{qn('w:lang')}")
    assert lang is not None and lang.get(qn("w:val")) == props.language


def test_every_picture_has_alternative_text(document) -> None:
    pictures = document.element.body.findall(f".//{qn('wp:docPr')}")
    assert pictures  # the organizer's logo on the cover
    for picture in pictures:
        assert (picture.get("descr") or "").strip(), picture.get("name")


def test_every_table_marks_its_header_row(document) -> None:
    tables = document.tables
    for table in tables:
        first = table.rows[0]._tr
        properties = first.trPr
        assert properties is not None and properties.find(qn("w:tblHeader")) is not None


def test_headings_go_down_one_level_at_a_time(document) -> None:
    levels = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name if paragraph.style is not None else ""
        if name.startswith("Heading ") and name[8:].isdigit():
            levels.append(int(name[8:]))
    assert levels and levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_no_empty_paragraph_makes_space(document) -> None:
    body = document.element.body
    paragraphs = list(body.iterchildren(qn("w:p")))
    last = paragraphs[-1]
    if last.getprevious() is not None and last.getprevious().tag == qn("w:tbl"):
        # A document that ends with a table ends with one empty paragraph after
        # it: Word needs it (and adds it to any document that lacks it).
        assert last.getnext().tag == qn("w:sectPr")
        paragraphs.pop()
    for p in paragraphs:
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        content = (
            text.strip()
            or p.find(f".//{qn('w:br')}") is not None  # a page break
            or p.find(f".//{qn('w:drawing')}") is not None
            or p.find(f".//{qn('w:fldChar')}") is not None
            or p.find(f".//{qn('w:instrText')}") is not None
            or p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None  # a section's end
        )
        assert content, docx.text.paragraph.Paragraph(p, document).style.name
