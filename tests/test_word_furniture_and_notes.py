"""Headers, footers and notes of a reviewed DOCX: what the PDF repeats, marks, and warnings."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

from conftest import pdf_text
from ooxml_fixtures import NSDECL, add_block, add_part, new_document, paragraph, run, save
from reportgen import documents as d
from reportgen.pipeline import publish
from reportgen.results import Warnings
from reportgen.word.reader import read_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def read(data: bytes) -> tuple[d.Document, list[str]]:
    warnings = Warnings()
    return read_docx(data, warnings), [str(m) for m in warnings.messages]


def test_a_first_page_header_and_footer_are_read_for_the_first_page() -> None:
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Follow-up report"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Restricted until publication"
    section.first_page_footer.paragraphs[0].text = "Letterhead"
    model, warnings = read(save(document))
    assert model.furniture.header == "Follow-up report"
    assert model.furniture.first == d.RunningText("Restricted until publication", "Letterhead", "")
    assert model.furniture.even is None
    assert not any("header" in w or "footer" in w for w in warnings), warnings


def test_even_page_headers_are_read_when_the_settings_ask_for_them() -> None:
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Odd pages"
    section.even_page_header.paragraphs[0].text = "Even pages"
    document.settings.odd_and_even_pages_header_footer = True
    model, warnings = read(save(document))
    assert model.furniture.header == "Odd pages"
    assert model.furniture.even is not None and model.furniture.even.header == "Even pages"
    assert model.furniture.first is None  # no w:titlePg
    assert not any("header" in w for w in warnings), warnings


def test_an_even_page_header_without_the_setting_is_named_in_a_warning() -> None:
    # Word shows it only with w:evenAndOddHeaders in settings.xml; neither does the PDF.
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Every page"
    section.even_page_header.paragraphs[0].text = "Never shown"
    model, warnings = read(save(document))
    assert model.furniture.even is None
    assert any("even-page header" in w and "Never shown" in w for w in warnings), warnings


def test_another_sections_header_is_named_in_a_warning() -> None:
    document = new_document()
    document.sections[0].header.paragraphs[0].text = "Part one"
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Annexes"
    model, warnings = read(save(document))
    assert model.furniture.header in ("Part one", "Annexes")
    other = "Annexes" if model.furniture.header == "Part one" else "Part one"
    assert any(other in w and "header" in w for w in warnings), warnings


def test_page_fields_in_a_header_become_placeholders_and_dates_their_result() -> None:
    document = new_document()
    header = document.sections[0].header.paragraphs[0]._p
    header.append(parse_xml(f'<w:r {NSDECL}><w:t xml:space="preserve">Page </w:t></w:r>'))
    header.append(
        parse_xml(f'<w:fldSimple {NSDECL} w:instr="PAGE"><w:r><w:t>7</w:t></w:r></w:fldSimple>')
    )
    header.append(parse_xml(f'<w:r {NSDECL}><w:t xml:space="preserve">, </w:t></w:r>'))
    header.append(
        parse_xml(
            f'<w:fldSimple {NSDECL} w:instr="CREATEDATE"><w:r><w:t>1 May 2019</w:t></w:r>'
            "</w:fldSimple>"
        )
    )
    model, _ = read(save(document))
    assert model.furniture.header == "Page {page}, 1 May 2019"


def notes_part(document: docx.document.Document, settings_format: str) -> None:
    xml = (
        f"<w:footnotes {NSDECL}>"
        + "".join(
            f'<w:footnote w:id="{n}"><w:p><w:r><w:t>Note {n}.</w:t></w:r></w:p></w:footnote>'
            for n in (1, 2)
        )
        + "</w:footnotes>"
    )
    add_part(document, "/word/footnotes.xml", FOOTNOTES_TYPE, xml.encode(), RT.FOOTNOTES)
    if settings_format:
        properties = parse_xml(
            f'<w:footnotePr {NSDECL}><w:numFmt w:val="{settings_format}"/></w:footnotePr>'
        )
        # In schema order: w:footnotePr comes before w:compat in settings.xml.
        compat = document.settings.element.find(f"{{{W_NS}}}compat")
        if compat is not None:
            compat.addprevious(properties)
        else:
            document.settings.element.append(properties)
    for n in (1, 2):
        add_block(
            document, paragraph(run(f"Text {n}.") + f'<w:r><w:footnoteReference w:id="{n}"/></w:r>')
        )


def marks(model: d.Document) -> list[str]:
    return [
        node.mark
        for block in model.children
        if isinstance(block, d.Paragraph)
        for node in block.children
        if isinstance(node, d.FootnoteRef)
    ]


def test_footnotes_numbered_1_2_3_need_no_marks_of_their_own() -> None:
    document = new_document()
    notes_part(document, "")
    assert marks(read(save(document))[0]) == ["", ""]


def test_footnotes_keep_the_number_format_the_settings_give_them() -> None:
    document = new_document()
    notes_part(document, "lowerLetter")
    assert marks(read(save(document))[0]) == ["a", "b"]


def test_the_warning_quotes_all_of_a_header_left_out_also_what_the_shown_one_shares() -> None:
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Follow-up report\t12 May 2019"
    # An even-page header without w:evenAndOddHeaders: Word does not show it either.
    section.even_page_header.paragraphs[0].text = "Restricted until publication\t12 May 2019"
    _, warnings = read(save(document))
    (warning,) = [w for w in warnings if "even-page header" in w]
    assert "Restricted until publication 12 May 2019" in warning


def test_a_long_header_left_out_is_quoted_whole_up_to_two_thousand_characters() -> None:
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Follow-up report"
    long = " ".join(f"word{n}" for n in range(500))
    section.even_page_header.paragraphs[0].text = long  # not shown: no w:evenAndOddHeaders
    _, warnings = read(save(document))
    (warning,) = [w for w in warnings if "even-page header" in w]
    assert "word200" in warning and "word499" not in warning


def test_the_pdf_shows_the_first_page_and_even_page_headers_where_word_does(
    tmp_path: Path,
) -> None:
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Odd page header"
    section.footer.paragraphs[0].text = "Odd page footer"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Letterhead of the Office"
    section.even_page_header.paragraphs[0].text = "Even page header"
    document.settings.odd_and_even_pages_header_footer = True
    for page in (1, 2, 3):
        document.add_paragraph(f"Body of page {page}.")
        if page < 3:
            document.add_page_break()
    reviewed = tmp_path / "reviewed.docx"
    reviewed.write_bytes(save(document))
    publish(reviewed)
    pages = [pdf_text(tmp_path / "reviewed.pdf", first=n, last=n) for n in (1, 2, 3)]
    assert "Letterhead of the Office" in pages[0] and "Odd page" not in pages[0]
    assert "Page 1" not in pages[0]  # the first-page footer has no page number
    assert "Even page header" in pages[1] and "Odd page" not in pages[1]
    assert "Odd page header" in pages[2] and "Odd page footer" in pages[2]
    assert "Page 3 of 3" in pages[2]
    assert all(f"Body of page {n}." in pages[n - 1] for n in (1, 2, 3))
