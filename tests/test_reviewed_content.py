"""What reviewers paste into a DOCX reaches the published PDF, or publish names what it left out."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pikepdf
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from conftest import libreoffice_convert, pdf_text
from ooxml_fixtures import (
    add_block,
    add_part,
    add_picture,
    alternate_content,
    drawingml_text_box,
    emf_with_text,
    grouped_text_boxes,
    new_document,
    paragraph,
    pdf_with_text,
    picture_run,
    publish_docx,
    published_text,
    run,
    save,
    save_unchecked,
    set_numbering,
    vml_text_box,
    vml_wordart,
    wmf_with_text,
)
from reportgen import documents as d
from reportgen.pdf.html import write_html
from reportgen.results import Warnings
from reportgen.templates import find_template
from reportgen.word.reader import read_docx


def read(data: bytes) -> tuple[d.Document, list[str]]:
    warnings = Warnings()
    return read_docx(data, warnings), [str(m) for m in warnings.messages]


# -- text boxes and shapes ---------------------------------------------------------------------


def test_text_boxes_of_every_kind_reach_the_pdf_once_after_their_anchor(tmp_path: Path) -> None:
    document = new_document()
    add_block(
        document, paragraph(run("Objective of the meeting.") + drawingml_text_box("Sidebar one"))
    )
    add_block(document, paragraph(run("Second anchor.") + vml_text_box("Sidebar two")))
    add_block(
        document,
        paragraph(
            run("Third anchor.")
            + alternate_content(drawingml_text_box("Sidebar three"), vml_text_box("Sidebar three"))
        ),
    )
    add_block(
        document, paragraph(run("Fourth anchor.") + grouped_text_boxes("Left cell", "Right cell"))
    )
    add_block(document, paragraph(vml_wordart("Draft for consultation")))
    document.add_paragraph("Closing words.")
    data = save(document)

    model, warnings = read(data)
    order = [d.plain_text([block]) for block in model.children]
    assert order == [
        "Follow-up report",
        "Objective of the meeting.",
        "Sidebar one",
        "Second anchor.",
        "Sidebar two",
        "Third anchor.",
        "Sidebar three",
        "Fourth anchor.",
        "Left cellRight cell",
        "Draft for consultation",
        "Closing words.",
    ]
    boxes = [block for block in model.children if isinstance(block, d.TextBox)]
    assert [box.placement for box in boxes] == ["right", "right", "right", "block", "block"]

    pdf, warnings = publish_docx(tmp_path, data)
    words = published_text(pdf)
    for phrase in (
        "Sidebar one",
        "Sidebar two",
        "Left cell",
        "Right cell",
        "Draft for consultation",
    ):
        assert words.count(phrase) == 1, phrase
    assert words.count("Sidebar three") == 1  # the Choice, not the Fallback too
    assert not [w for w in warnings if "text box" in w]

    # In the tags too, each box follows the paragraph it is anchored in: a P, then
    # a grouping element holding the box's own paragraphs.
    top = top_level_structure(pdf)
    boxes = [i for i, (kind, children) in enumerate(top) if "/P" in children and kind != "/P"]
    assert len(boxes) == 5
    # The WordArt stands in a paragraph of its own, after the group's box.
    assert [top[i - 1][0] == "/P" for i in boxes] == [True, True, True, True, False]


def top_level_structure(pdf: Path) -> list[tuple[str, list[str]]]:
    """The structure elements under the document's part, with the kinds of their children."""
    with pikepdf.open(pdf) as opened:
        part = opened.Root.StructTreeRoot.K
        while isinstance(part, pikepdf.Array) and len(part) == 1:
            part = part[0]
        while str(part.get("/S")) in ("/Document", "/Part") and isinstance(
            part.get("/K"), pikepdf.Array
        ):
            elements = [k for k in part.K if isinstance(k, pikepdf.Dictionary)]
            if len(elements) == 1:
                part = elements[0]
                continue
            return [
                (
                    str(element.S),
                    [
                        str(child.S)
                        for child in (
                            element.K if isinstance(element.get("/K"), pikepdf.Array) else []
                        )
                        if isinstance(child, pikepdf.Dictionary) and "/S" in child
                    ],
                )
                for element in elements
            ]
    return []


def test_a_choice_reportgen_does_not_understand_gives_way_to_the_fallback() -> None:
    document = new_document()
    chart_choice = drawingml_text_box("Not this one")
    add_block(
        document,
        paragraph(
            run("Anchor.") + alternate_content(chart_choice, vml_text_box("Fallback text"), "cx")
        ),
    )
    model, _ = read(save(document))
    assert "Fallback text" in d.plain_text(model.children)
    assert "Not this one" not in d.plain_text(model.children)


# -- tables ------------------------------------------------------------------------------------


def test_merged_cells_become_spans_and_a_column_is_never_narrower_than_its_longest_word(
    tmp_path: Path,
) -> None:
    document = new_document()
    cell = lambda text, props="": f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraph(run(text))}</w:tc>"  # noqa: E731
    add_block(
        document,
        '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="400"/><w:gridCol w:w="4000"/>'
        '<w:gridCol w:w="4000"/></w:tblGrid>'
        "<w:tr>" + cell("Participants by country and sector", '<w:gridSpan w:val="3"/>') + "</w:tr>"
        "<w:tr>"
        + cell("Internationalisation", '<w:vMerge w:val="restart"/>')
        + cell("Georgia")
        + cell("Ministry")
        + "</w:tr>"
        "<w:tr>" + cell("", "<w:vMerge/>") + cell("Armenia") + cell("University") + "</w:tr>"
        "</w:tbl>",
    )
    data = save(document)
    model, _ = read(data)
    table = next(block for block in model.children if isinstance(block, d.Table))
    assert [[(c.colspan, c.rowspan) for c in row.cells] for row in table.rows] == [
        [(3, 1)],
        [(1, 2), (1, 1), (1, 1)],
        [(1, 1), (1, 1)],
    ]
    pdf, _ = publish_docx(tmp_path, data)
    lines = [" ".join(line.split()) for line in published_text_layout(pdf)]
    assert "Participants by country and sector" in lines
    assert any(line.startswith("Internationalisation") for line in lines)


def published_text_layout(pdf: Path) -> list[str]:

    return pdf_text(pdf, layout=True).splitlines()


def test_a_nested_table_is_read_inside_its_cell() -> None:
    document = new_document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Outer"
    inner = outer.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Inner"
    model, _ = read(save(document))
    table = next(block for block in model.children if isinstance(block, d.Table))
    nested = [b for b in table.rows[0].cells[1].children if isinstance(b, d.Table)]
    assert d.plain_text(nested) == "Inner"


# -- lists and notes ---------------------------------------------------------------------------

LEVELS = (
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt0}"/>'
    '<w:lvlText w:val="{text0}"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="{fmt1}"/>'
    '<w:lvlText w:val="{text1}"/></w:lvl>'
)


def numbered(document: docx.document.Document, num: int, level: int, text: str) -> None:
    add_block(
        document,
        paragraph(
            run(text),
            f'<w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num}"/></w:numPr>',
        ),
    )


def test_list_numbers_show_as_word_shows_them(tmp_path: Path) -> None:
    document = new_document()
    set_numbering(
        document,
        '<w:abstractNum w:abstractNumId="1">'
        + LEVELS.format(fmt0="lowerLetter", text0="%1)", fmt1="lowerRoman", text1="(%2)")
        + '</w:abstractNum><w:abstractNum w:abstractNumId="2">'
        + LEVELS.format(fmt0="decimal", text0="%1.", fmt1="decimal", text1="%1.%2.")
        + '</w:abstractNum><w:abstractNum w:abstractNumId="3">'
        + LEVELS.format(fmt0="upperRoman", text0="%1.", fmt1="bullet", text1="\uf0a7")
        + "</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>'
        '<w:num w:numId="3"><w:abstractNumId w:val="3"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride></w:num>',
    )
    numbered(document, 1, 0, "Lettered first")
    numbered(document, 1, 0, "Lettered second")
    numbered(document, 1, 1, "Roman inside")
    document.add_paragraph("Between lists.")
    numbered(document, 2, 0, "Chapter")
    numbered(document, 2, 1, "Section one")
    numbered(document, 2, 1, "Section two")
    document.add_paragraph("Between again.")
    numbered(document, 3, 0, "Fourth in Roman")
    numbered(document, 3, 1, "Square bullet")
    pdf, _ = publish_docx(tmp_path, save(document))
    lines = [" ".join(line.split()) for line in published_text_layout(pdf)]
    for expected in (
        "a) Lettered first",
        "b) Lettered second",
        "(i) Roman inside",
        "1. Chapter",
        "1.1. Section one",
        "1.2. Section two",
        "IV. Fourth in Roman",
        "▪ Square bullet",
    ):
        assert expected in lines, (expected, lines)


def test_endnotes_keep_their_roman_marks(tmp_path: Path) -> None:
    document = new_document()
    add_part(
        document,
        "/word/endnotes.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
        (
            f'<w:endnotes xmlns:w="{W}"><w:endnote w:id="1"><w:p><w:r><w:t xml:space="preserve">'
            " Source of the figures.</w:t></w:r></w:p></w:endnote></w:endnotes>"
        ).encode(),
        RT.ENDNOTES,
    )
    add_block(
        document, paragraph(run("Figures grew.") + '<w:r><w:endnoteReference w:id="1"/></w:r>')
    )
    model, _ = read(save(document))
    note = next(n for n in model.children[1].children if isinstance(n, d.FootnoteRef))
    assert note.mark == "i"
    pdf, _ = publish_docx(tmp_path, save(document))
    assert "i. Source of the figures." in published_text(pdf)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# -- fields in headers and footers ---------------------------------------------------------------


def test_page_fields_and_style_references_in_the_header_show_values(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("First page text.")
    add_block(document, paragraph('<w:r><w:br w:type="page"/></w:r>'))
    document.add_heading("Recommendations", level=1)
    document.add_paragraph("Second page text.")
    header = document.sections[0].header.paragraphs[0]._p
    header.append(
        docx.oxml.parse_xml(
            f'<w:fldSimple xmlns:w="{W}" w:instr=" STYLEREF &quot;Heading 1&quot; ">'
            "<w:r><w:t>Error! No text of specified style in document.</w:t></w:r></w:fldSimple>"
        )
    )
    header.append(
        docx.oxml.parse_xml(f'<w:r xmlns:w="{W}"><w:t xml:space="preserve"> – page </w:t></w:r>')
    )
    header.append(
        docx.oxml.parse_xml(
            f'<w:fldSimple xmlns:w="{W}" w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
    )
    header.append(
        docx.oxml.parse_xml(f'<w:r xmlns:w="{W}"><w:t xml:space="preserve"> printed </w:t></w:r>')
    )
    header.append(
        docx.oxml.parse_xml(
            f'<w:fldSimple xmlns:w="{W}" w:instr=" SAVEDATE \\@ &quot;d MMMM yyyy&quot; ">'
            "<w:r><w:t>3 March 2019</w:t></w:r></w:fldSimple>"
        )
    )
    pdf, _ = publish_docx(tmp_path, save(document))
    text = published_text(pdf)
    assert "{page}" not in text and "{styleref" not in text and "Error!" not in text

    second = " ".join(pdf_text(pdf, first=2, last=2).split())
    assert "Recommendations – page 2 printed 3 March 2019" in second


# -- pictures ----------------------------------------------------------------------------------


def test_metafile_and_pdf_pictures_are_shown(tmp_path: Path) -> None:
    document = new_document()
    emf = add_picture(document, emf_with_text("Growth in 2018"), "emf", "image/x-emf")
    wmf = add_picture(document, wmf_with_text("Budget lines"), "wmf", "image/x-wmf")
    pdf_picture = add_picture(document, pdf_with_text("Organigram"), "pdf", "application/pdf")
    for rel_id, alt in ((emf, "Growth chart"), (wmf, "Budget chart"), (pdf_picture, "Organigram")):
        add_block(document, paragraph(picture_run(rel_id, alt)))
    pdf, warnings = publish_docx(tmp_path, save(document))
    text = published_text(pdf)
    assert "Growth in 2018" in text  # the metafiles' own words, drawn as SVG text
    assert "Budget lines" in text
    assert not [w for w in warnings if "cannot show" in w]
    with pikepdf.open(pdf) as opened:
        images = [
            item
            for item in opened.objects
            if isinstance(item, pikepdf.Stream) and item.get("/Subtype") == "/Image"
        ]
    assert images  # the PDF's first page, drawn as a picture


def test_a_picture_that_cannot_be_shown_is_a_framed_description_and_a_warning(
    tmp_path: Path,
) -> None:
    document = new_document()
    document.add_paragraph("Objective of the meeting.")
    rel_id = add_picture(document, b"\x00\x01not a picture", "xyz", "image/x-unknown")
    add_block(document, paragraph(picture_run(rel_id, "Map of the region")))
    pdf, warnings = publish_docx(tmp_path, save(document))
    assert "Map of the region" in published_text(pdf)
    assert any("after 'Objective of the meeting.'" in w and "frame" in w for w in warnings), (
        warnings
    )


# -- direction, and nothing lost silently -------------------------------------------------------


def test_right_to_left_paragraphs_and_runs_keep_their_direction() -> None:

    document = new_document()
    add_block(document, paragraph(run("שלום עולם"), "<w:bidi/>"))
    add_block(document, paragraph(run("English then ") + run("עברית", "<w:rtl/>")))
    model, _ = read(save(document))
    assert model.children[1].direction == "rtl"
    assert isinstance(model.children[2].children[-1], d.RightToLeft)
    html = write_html(model, find_template("meeting-report"), draft=False)
    # Hebrew script names its language: the run is marked with it (pdf/tagging.py's /Lang).
    assert '<p dir="rtl"><span lang="he">שלום עולם</span></p>' in html
    assert '<span dir="rtl"><span lang="he">עברית</span></span>' in html


def test_an_element_the_reader_does_not_show_is_named_with_where_it_was() -> None:
    document = new_document()
    document.add_paragraph("Objective of the meeting is to agree.")
    add_block(
        document, paragraph('<x:gadget xmlns:x="urn:example:gadgets">Hidden words</x:gadget>')
    )
    # Not checked: an element no schema knows, outside mc:Ignorable, is the point here.
    _, warnings = read(save_unchecked(document))
    assert any(
        "urn:example:gadgets" in w and "after 'Objective of the meeting is to…'" in w
        for w in warnings
    ), warnings


# -- a file LibreOffice wrote ---------------------------------------------------------------------

FRAMES_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles><style:style style:name="fr1" style:family="graphic">
<style:graphic-properties style:wrap="parallel" style:horizontal-pos="right"
 style:horizontal-rel="paragraph"/></style:style></office:automatic-styles>
<office:body><office:text>
<text:p>Objective of the workshop.<draw:frame draw:style-name="fr1" draw:name="Frame1"
 text:anchor-type="paragraph" svg:width="5cm"><draw:text-box><text:p>Framed remark from a
 reviewer.</text:p></draw:text-box></draw:frame></text:p>
<text:p>After the frame.<draw:custom-shape text:anchor-type="paragraph" svg:width="4cm"
 svg:height="2cm"><text:p>Shape with words.</text:p><draw:enhanced-geometry
 draw:type="rectangle"/></draw:custom-shape></text:p>
<text:p>Closing paragraph.</text:p>
</office:text></office:body></office:document>
"""


def test_libreoffice_frames_and_shapes_read_the_same_from_drawingml_and_from_vml(
    tmp_path: Path,
) -> None:
    """LibreOffice writes each frame twice: DrawingML in mc:Choice, VML in mc:Fallback."""

    source = tmp_path / "frames.fodt"
    source.write_text(FRAMES_FODT, encoding="utf-8")
    data = libreoffice_convert(source, "docx", tmp_path).read_bytes()
    expected = [
        "Objective of the workshop.",
        "Framed remark from a reviewer.",
        "After the frame.",
        "Shape with words.",
        "Closing paragraph.",
    ]
    model, warnings = read(data)
    assert [" ".join(d.plain_text([b]).split()) for b in model.children] == expected
    assert not warnings

    # The same file as a reader without DrawingML shapes sees it: every Choice refused.
    parts = reviewed_members(data)
    root = etree.fromstring(parts["word/document.xml"])
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    for choice in root.iter(f"{{{mc}}}Choice"):
        choice.set("Requires", "unknown")
    parts["word/document.xml"] = etree.tostring(root)
    fallback, _ = read(repacked(parts))
    assert [" ".join(d.plain_text([b]).split()) for b in fallback.children] == expected

    pdf, _ = publish_docx(tmp_path, data)
    words = published_text(pdf)
    assert words.count("Framed remark from a reviewer.") == 1
    assert words.count("Shape with words.") == 1


def reviewed_members(data: bytes) -> dict[str, bytes]:

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def repacked(parts: dict[str, bytes]) -> bytes:

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in parts.items():
            archive.writestr(name, value)
    return out.getvalue()


def test_numbered_headings_keep_their_numbers() -> None:
    document = new_document()
    set_numbering(
        document,
        '<w:abstractNum w:abstractNumId="1">'
        + LEVELS.format(fmt0="decimal", text0="%1", fmt1="decimal", text1="%1.%2")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>',
    )
    for level, text in ((0, "Scope"), (1, "Who took part"), (1, "Methods")):
        add_block(
            document,
            paragraph(
                run(text),
                f'<w:pStyle w:val="Heading{level + 1}"/>'
                f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr>',
            ),
        )
    model, _ = read(save(document))
    headings = [d.plain_text([b]) for b in model.children if isinstance(b, d.Heading)]
    assert headings == ["Follow-up report", "1 Scope", "1.1 Who took part", "1.2 Methods"]


def test_a_table_of_figures_shows_what_word_last_listed_not_the_contents() -> None:
    document = new_document()
    add_block(
        document,
        paragraph(
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> TOC \\h \\z \\c "Figure" </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + run("Figure 1: Participants by country")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        ),
    )
    model, _ = read(save(document))
    assert not [b for b in model.children if isinstance(b, d.TableOfContents)]
    assert "Figure 1: Participants by country" in d.plain_text(model.children)
