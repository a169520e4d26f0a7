"""Headers, footers and notes of a reviewed DOCX: what the PDF repeats, marks, and warnings."""

from __future__ import annotations

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

from ooxml_fixtures import NSDECL, add_block, add_part, new_document, paragraph, run, save
from reportgen import documents as d
from reportgen.results import Warnings
from reportgen.word.reader import read_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def read(data: bytes) -> tuple[d.Document, list[str]]:
    warnings = Warnings()
    return read_docx(data, warnings), [str(m) for m in warnings.messages]


def test_a_first_page_header_with_other_words_is_named_in_a_warning() -> None:
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Follow-up report"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Restricted until publication"
    model, warnings = read(save(document))
    assert model.furniture.header == "Follow-up report"
    assert any("first-page header" in w and "Restricted until publication" in w for w in warnings)


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
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Restricted until publication\t12 May 2019"
    _, warnings = read(save(document))
    (warning,) = [w for w in warnings if "first-page header" in w]
    assert "Restricted until publication 12 May 2019" in warning


def test_a_long_header_left_out_is_quoted_whole_up_to_two_thousand_characters() -> None:
    document = new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Follow-up report"
    section.different_first_page_header_footer = True
    long = " ".join(f"word{n}" for n in range(500))
    section.first_page_header.paragraphs[0].text = long
    _, warnings = read(save(document))
    (warning,) = [w for w in warnings if "first-page header" in w]
    assert "word200" in warning and "word499" not in warning
