"""The Word writer: real styles, footnotes, fields and properties, read back as Word would."""

from __future__ import annotations

import dataclasses
import io
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from lxml import etree

from ooxml import assert_valid_docx, save
from reportgen import documents as d
from reportgen.errors import ReportgenError, TemplateError, UnsafeDocumentError
from reportgen.results import Warnings
from reportgen.templates import Template, load_template
from reportgen.word.package import (
    content_fingerprint,
    is_edited,
    recorded_fingerprint,
)
from reportgen.word.writer import write_docx

ROOT = Path(__file__).resolve().parents[1]
LOGO = ROOT / "templates" / "meeting-report" / "logo.svg"
EPOCH = 1543449600  # 2018-11-29 00:00 UTC
W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small single-colour PNG, made here so that the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PNG_RED = png(2, 1, (200, 30, 30))


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template(ROOT / "templates" / "meeting-report")


def t(text: str) -> d.Text:
    return d.Text(text)


def para(*children: d.Inline, style: str = "Normal") -> d.Paragraph:
    return d.Paragraph(list(children), style=style)


def cell(text: str) -> d.TableCell:
    return d.TableCell([para(t(text))])


def sample() -> d.Document:
    """A document with every node of the model in it."""
    participants = [d.TableRow([cell("Name"), cell("Country")], header=True)] + [
        d.TableRow([cell(f"Participant {n}"), cell("Georgia")]) for n in range(1, 61)
    ]
    return d.Document(
        children=[
            para(t("Meeting report"), style="Title"),
            para(t("Expert workshop, Tbilisi"), style="Subtitle"),
            para(t("Organised by the Office"), style="Cover Organizer"),
            para(t("28–29 November 2018"), style="Cover Details"),
            para(t("DRAFT"), style="Draft Mark"),
            d.Heading(1, [t("Cover heading")], in_toc=False),
            d.PageBreak(),
            d.TableOfContents("Contents"),
            d.PageBreak(),
            d.Heading(1, [t("Introduction")]),
            para(
                t("Plain "),
                d.Emphasis([t("italic "), d.Strong([t("bold italic")])]),
                t(" and "),
                d.Strong([t("bold")]),
                t(", see "),
                d.Link("https://example.org/news", [t("the news item")]),
                d.FootnoteRef(
                    [
                        para(
                            t("Footnote about the "),
                            d.Emphasis([t("workshop")]),
                            t(", online at "),
                            d.Link("https://example.org/footnote", [t("example.org")]),
                            t("."),
                        )
                    ]
                ),
                d.LineBreak(),
                t("after a line break."),
            ),
            para(t("Second footnote here"), d.FootnoteRef([para(t("The second footnote."))])),
            d.Heading(2, [t("Recommendations")]),
            para(t("To participating States"), style="Addressee"),
            d.ListBlock(
                True,
                [
                    d.ListItem([para(t("First recommendation"))]),
                    d.ListItem(
                        [
                            para(t("Second recommendation")),
                            para(t("More about the second.")),
                            d.ListBlock(False, [d.ListItem([para(t("a nested point"))])]),
                        ]
                    ),
                ],
            ),
            para(t("To the Office"), style="Addressee"),
            d.ListBlock(True, [d.ListItem([para(t("Third recommendation"))])], start=3),
            d.ListBlock(False, [d.ListItem([para(t("a bullet"))])]),
            d.Heading(3, [t("A quotation")]),
            d.Quote([para(t("Justice delayed is justice denied."))], attribution=[t("A speaker")]),
            d.Image(PNG_RED, "image/png", alt="A red rectangle", width_mm=20),
            para(t("Figure 1: a picture"), style="Caption"),
            d.Heading(1, [t("Participants")]),
            d.Table(participants, widths=[3, 1]),
            para(t("Contact: the Office"), style="Contact"),
            para(t("Printed for review."), style="Small Print"),
        ],
        metadata=d.Metadata(
            title="Meeting report",
            subject="Expert workshop",
            authors=["Ana Beridze", "John Smith"],
            keywords=["justice", "workshop"],
            language="en",
            draft=True,
            reference="REF/2018/1",
            template="meeting-report",
        ),
        furniture=d.PageFurniture(header="Expert workshop", footer="REF/2018/1"),
    )


@pytest.fixture(scope="module")
def sample_docx(template: Template) -> bytes:
    return write_docx(sample(), template)


def part(docx_bytes: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return etree.fromstring(archive.read(name))


def opened(docx_bytes: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(docx_bytes))


def body_paragraphs(docx_bytes: bytes) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in opened(docx_bytes).paragraphs]


# -- styles and blocks ----------------------------------------------------------


def test_paragraphs_use_word_built_in_and_template_styles(sample_docx: bytes) -> None:
    found = body_paragraphs(sample_docx)
    for pair in [
        ("Title", "Meeting report"),
        ("Subtitle", "Expert workshop, Tbilisi"),
        ("Cover Organizer", "Organised by the Office"),
        ("Cover Details", "28–29 November 2018"),
        ("Draft Mark", "DRAFT"),
        ("Heading 1", "Introduction"),
        ("Heading 2", "Recommendations"),
        ("Heading 3", "A quotation"),
        ("Addressee", "To participating States"),
        ("Quote", "Justice delayed is justice denied."),
        ("Attribution", "A speaker"),
        ("Caption", "Figure 1: a picture"),
        ("Contact", "Contact: the Office"),
        ("Small Print", "Printed for review."),
    ]:
        assert pair in found


def test_every_custom_style_is_defined_on_normal(sample_docx: bytes) -> None:
    styles = opened(sample_docx).styles
    for name in d.CUSTOM_STYLES:
        style = styles[name]
        assert style.type == WD_STYLE_TYPE.PARAGRAPH
        assert style.base_style.name == "Normal"


def test_theme_fonts_sizes_and_colours_reach_the_styles(
    sample_docx: bytes, template: Template
) -> None:
    styles = opened(sample_docx).styles
    theme = template.theme
    assert styles["Normal"].font.name == theme.body_font
    assert styles["Normal"].font.size.pt == theme.size("body")
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        assert styles[name].font.name == theme.heading_font
    assert styles["Heading 1"].font.size.pt == theme.size("heading1")
    assert str(styles["Heading 1"].font.color.rgb) == theme.color("accent").lstrip("#").upper()
    fonts = styles["Heading 1"].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:cs")) == theme.heading_font
    assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would win over the named one


def test_changing_a_theme_colour_changes_the_styles(template: Template) -> None:
    colors = {**template.theme.colors, "accent": "#123456"}
    recoloured = dataclasses.replace(
        template, theme=dataclasses.replace(template.theme, colors=colors)
    )
    styles = part(write_docx(sample(), recoloured), "word/styles.xml")
    heading = styles.find("w:style[@w:styleId='Heading1']", W)
    assert heading.find("w:rPr/w:color", W).get(qn("w:val")) == "123456"


def test_a_theme_colour_that_is_no_colour_is_a_template_error(template: Template) -> None:
    colors = {**template.theme.colors, "accent": "blue"}
    broken = dataclasses.replace(template, theme=dataclasses.replace(template.theme, colors=colors))
    with pytest.raises(TemplateError, match="accent"):
        write_docx(sample(), broken)


def test_runs_are_italic_bold_and_both(sample_docx: bytes) -> None:
    paragraph = next(p for p in opened(sample_docx).paragraphs if p.text.startswith("Plain"))
    runs = {r.text: (bool(r.bold), bool(r.italic)) for r in paragraph.runs if r.text}
    assert runs["italic "] == (False, True)
    assert runs["bold italic"] == (True, True)
    assert runs["bold"] == (True, False)
    assert runs["Plain "] == (False, False)
    assert "\n" in paragraph.text  # the line break


def test_links_are_real_hyperlinks_in_the_hyperlink_style(sample_docx: bytes) -> None:
    paragraph = next(p for p in opened(sample_docx).paragraphs if p.text.startswith("Plain"))
    (link,) = paragraph.hyperlinks
    assert link.url == "https://example.org/news"
    assert link.text == "the news item"
    assert link.runs[0].style.name == "Hyperlink"


def test_footnotes_are_word_footnotes_numbered_in_order(sample_docx: bytes) -> None:
    notes = part(sample_docx, "word/footnotes.xml")
    kinds = [n.get(qn("w:type")) for n in notes.findall("w:footnote", W)]
    assert kinds[:2] == ["separator", "continuationSeparator"]
    real = [n for n in notes.findall("w:footnote", W) if n.get(qn("w:type")) is None]
    assert [n.get(qn("w:id")) for n in real] == ["1", "2"]
    first = "".join(real[0].itertext())
    assert first.strip() == "Footnote about the workshop, online at example.org."
    assert real[0].find("w:p/w:pPr/w:pStyle", W).get(qn("w:val")) == "FootnoteText"
    assert real[0].find(".//w:footnoteRef", W) is not None
    assert real[0].find(".//w:r[w:t='workshop']/w:rPr/w:i", W) is not None
    document = part(sample_docx, "word/document.xml")
    refs = document.findall(".//w:footnoteReference", W)
    assert [r.get(qn("w:id")) for r in refs] == ["1", "2"]
    style = refs[0].getparent().find("w:rPr/w:rStyle", W).get(qn("w:val"))
    assert style == "FootnoteReference"


def test_links_in_footnotes_have_relationships_of_their_own(sample_docx: bytes) -> None:
    rels = part(sample_docx, "word/_rels/footnotes.xml.rels")
    targets = {r.get("Target"): r.get("TargetMode") for r in rels}
    assert targets == {"https://example.org/footnote": "External"}


def test_ordered_lists_restart_and_respect_their_start(sample_docx: bytes) -> None:
    document = part(sample_docx, "word/document.xml")
    numbered = document.xpath(".//w:p[w:pPr/w:pStyle/@w:val='ListNumber']", namespaces=W)
    num_ids = [p.find("w:pPr/w:numPr/w:numId", W).get(qn("w:val")) for p in numbered]
    assert len(numbered) == 3
    assert num_ids[0] == num_ids[1] != num_ids[2]  # the second list is an instance of its own
    numbering = part(sample_docx, "word/numbering.xml")
    starts = {
        num.get(qn("w:numId")): num.find("w:lvlOverride/w:startOverride", W).get(qn("w:val"))
        for num in numbering.findall("w:num", W)
        if num.find("w:lvlOverride", W) is not None
    }
    assert starts[num_ids[0]] == "1"
    assert starts[num_ids[2]] == "3"


def test_list_items_nest_and_continue(sample_docx: bytes) -> None:
    found = body_paragraphs(sample_docx)
    assert ("List Number", "Second recommendation") in found
    assert ("List Continue", "More about the second.") in found
    assert ("List Bullet 2", "a nested point") in found
    assert ("List Bullet", "a bullet") in found


def test_table_header_rows_repeat_and_widths_follow_the_proportions(sample_docx: bytes) -> None:
    table = opened(sample_docx).tables[0]
    assert table.style.name == "Report Table"
    assert table.rows[0].cells[0].text == "Name"
    assert len(table.rows) == 61
    rows = table._tbl.findall("w:tr", W)
    assert rows[0].find("w:trPr/w:tblHeader", W) is not None
    assert rows[1].find("w:trPr/w:tblHeader", W) is None
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.findall("w:tblGrid/w:gridCol", W)]
    assert abs(grid[0] - 3 * grid[1]) <= 3


def test_header_rows_below_the_first_are_bold_and_shaded(template: Template) -> None:
    rows = [
        d.TableRow([cell("Group")], header=True),
        d.TableRow([cell("Name")], header=True),
        d.TableRow([cell("Ana")]),
    ]
    tbl = opened(write_docx(d.Document([d.Table(rows)]), template)).tables[0]
    second = tbl.rows[1]
    assert second.cells[0].paragraphs[0].runs[0].bold
    assert second._tr.find("w:trPr/w:tblHeader", W) is not None
    assert second.cells[0]._tc.find("w:tcPr/w:shd", W) is not None


def test_a_table_of_contents_is_a_field_pre_filled_with_the_headings(sample_docx: bytes) -> None:
    document = part(sample_docx, "word/document.xml")
    instructions = "".join(document.xpath(".//w:instrText/text()", namespaces=W))
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions
    found = body_paragraphs(sample_docx)
    assert ("TOC Heading", "Contents") in found
    entries = [(style, text) for style, text in found if style.startswith("toc ")]
    assert entries == [
        ("toc 1", "Introduction"),
        ("toc 2", "Recommendations"),
        ("toc 3", "A quotation"),
        ("toc 1", "Participants"),
    ]
    anchors = document.xpath(".//w:hyperlink/@w:anchor", namespaces=W)
    bookmarks = document.xpath(".//w:bookmarkStart/@w:name", namespaces=W)
    assert anchors == bookmarks


def test_headings_kept_out_of_the_contents_get_body_text_outline_level(
    sample_docx: bytes,
) -> None:
    document = part(sample_docx, "word/document.xml")
    (cover,) = document.xpath(".//w:p[w:r/w:t='Cover heading']", namespaces=W)
    assert cover.find("w:pPr/w:outlineLvl", W).get(qn("w:val")) == "9"


def test_page_breaks_are_word_page_breaks(sample_docx: bytes) -> None:
    document = part(sample_docx, "word/document.xml")
    assert len(document.findall(".//w:br[@w:type='page']", W)) == 2


def test_pictures_are_inline_with_their_alt_text(sample_docx: bytes) -> None:
    document = opened(sample_docx)
    (shape,) = document.inline_shapes
    assert round(shape.width.mm) == 20
    assert round(shape.height.mm) == 10
    assert shape._inline.docPr.get("descr") == "A red rectangle"


def test_svg_pictures_keep_the_svg_beside_a_png_fallback(template: Template) -> None:
    pytest.importorskip("cairosvg")
    image = d.Image(LOGO.read_bytes(), "image/svg+xml", alt="Logo", width_mm=40)
    written = write_docx(d.Document([image]), template)
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        media = sorted(n for n in archive.namelist() if n.startswith("word/media/"))
        assert archive.read("word/media/image1.svg") == LOGO.read_bytes()
    assert media == ["word/media/image1.png", "word/media/image1.svg"]
    (shape,) = opened(written).inline_shapes
    assert round(shape.width.mm) == 40
    assert len(list(shape._inline.iter(f"{{{_SVG_NS}}}svgBlip"))) == 1


_SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def test_without_cairosvg_an_svg_picture_leaves_its_alt_text_and_a_warning(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # what an absent package looks like
    warnings = Warnings()
    image = d.Image(LOGO.read_bytes(), "image/svg+xml", alt="Organisation logo")
    written = write_docx(d.Document([image]), template, warnings=warnings)
    assert ("Caption", "Organisation logo") in body_paragraphs(written)
    assert "SVG" in str(warnings.messages[0])


def test_a_broken_picture_is_a_clear_error(template: Template) -> None:
    with pytest.raises(ReportgenError, match="not a PNG"):
        write_docx(d.Document([d.Image(b"not a picture", "image/png", alt="x")]), template)


def test_an_unknown_paragraph_style_is_a_template_error(template: Template) -> None:
    with pytest.raises(TemplateError, match="Fancy"):
        write_docx(d.Document([para(t("x"), style="Fancy")]), template)


def test_a_heading_below_level_three_is_a_template_error(template: Template) -> None:
    with pytest.raises(TemplateError, match="level 4"):
        write_docx(d.Document([d.Heading(4, [t("x")])]), template)


def test_text_xml_cannot_hold_is_a_clear_error(template: Template) -> None:
    with pytest.raises(ReportgenError, match="U\\+0001"):
        write_docx(d.Document([para(t("bad \x01 text"))]), template)


# -- pages, furniture and properties ------------------------------------------------


def test_pages_are_a4_with_the_theme_margins(sample_docx: bytes, template: Template) -> None:
    section = opened(sample_docx).sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == template.theme.margin("left")
    assert round(section.right_margin.mm) == template.theme.margin("right")
    assert round(section.top_margin.mm) == template.theme.margin("top")


def test_header_and_footer_carry_running_text_draft_mark_and_page_fields(
    sample_docx: bytes,
) -> None:
    section = opened(sample_docx).sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "Expert workshop\tDRAFT"
    draft_run = section.header.paragraphs[0].runs[-1]
    assert draft_run.style.name == "Draft Label" and draft_run.style.font.bold
    assert section.first_page_header.paragraphs[0].text == "\tDRAFT"
    assert section.first_page_footer.paragraphs[0].text == ""
    footer = section.footer.paragraphs[0]
    assert footer.text == "REF/2018/1\tPage 1 of 1"  # cached field results, updated by Word
    instructions = [i.text.strip() for i in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_a_final_document_has_no_draft_mark(template: Template) -> None:
    document = sample()
    document.metadata.draft = False
    written = opened(write_docx(document, template))
    section = written.sections[0]
    assert section.header.paragraphs[0].text == "Expert workshop"
    assert "DRAFT" not in section.first_page_header.paragraphs[0].text
    assert written.core_properties.content_status == "Final"


def test_core_properties_come_from_the_metadata(sample_docx: bytes) -> None:
    props = opened(sample_docx).core_properties
    assert props.title == "Meeting report"
    assert props.subject == "Expert workshop"
    assert props.author == "Ana Beridze; John Smith"
    assert props.keywords == "justice; workshop"
    assert props.language == "en-GB"
    assert props.content_status == "Draft"
    assert props.last_modified_by == "reportgen"
    assert props.revision == 1
    assert props.comments == ""


def test_the_language_is_set_for_word_proofing(template: Template) -> None:
    document = sample()
    document.metadata.language = "ru"
    written = write_docx(document, template)
    styles = part(written, "word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", W)
    assert lang.get(qn("w:val")) == "ru-RU"
    settings = part(written, "word/settings.xml")
    assert settings.find("w:themeFontLang", W).get(qn("w:val")) == "ru-RU"
    assert settings.find("w:proofState", W) is None  # Word is to check the spelling itself


def test_custom_properties_name_template_reference_and_fingerprint(sample_docx: bytes) -> None:
    props = part(sample_docx, "docProps/custom.xml")
    values = {p.get("name"): "".join(p.itertext()) for p in props}
    assert values["reportgen.template"] == "meeting-report"
    assert values["reportgen.reference"] == "REF/2018/1"
    assert values["reportgen.fingerprint"] == content_fingerprint(sample_docx)
    assert recorded_fingerprint(sample_docx) == content_fingerprint(sample_docx)


def test_nothing_of_the_python_docx_sample_template_is_left_behind(sample_docx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(sample_docx)) as archive:
        names = archive.namelist()
    assert "docProps/thumbnail.jpeg" not in names
    assert "word/stylesWithEffects.xml" not in names
    # The sample's bibliography sources are gone; the only custom XML is reportgen's record.
    assert sorted(n for n in names if n.startswith("customXml/")) == [
        "customXml/_rels/item1.xml.rels",
        "customXml/item1.xml",
        "customXml/itemProps1.xml",
    ]
    assert part(sample_docx, "customXml/item1.xml").tag == "{urn:reportgen:record:1}record"
    theme = part(sample_docx, "word/theme/theme1.xml")
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    assert theme.find(".//a:majorFont/a:latin", ns).get("typeface") == "Noto Sans"


# -- determinism and fingerprints ------------------------------------------------------


def test_the_same_document_gives_the_same_bytes(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = write_docx(sample(), template)
    second = write_docx(sample(), template)
    assert first == second
    props = opened(first).core_properties
    assert props.created == props.modified == datetime(2018, 11, 29, tzinfo=UTC)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2018, 11, 29, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}


def test_without_source_date_epoch_the_zip_entries_are_dated_1980(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with zipfile.ZipFile(io.BytesIO(write_docx(sample(), template))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_fingerprint_ignores_the_time_of_writing(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = write_docx(sample(), template)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86400))
    second = write_docx(sample(), template)
    assert first != second
    assert recorded_fingerprint(first) == recorded_fingerprint(second)


def test_an_unedited_document_is_not_edited(sample_docx: bytes) -> None:
    assert not is_edited(sample_docx)


def test_a_document_edited_and_saved_is_edited(sample_docx: bytes) -> None:
    document = opened(sample_docx)
    paragraph = next(p for p in document.paragraphs if p.text == "Printed for review.")
    paragraph.runs[0].text = "Printed for publication."
    edited = save(document)
    assert recorded_fingerprint(edited) == recorded_fingerprint(sample_docx)
    assert is_edited(edited)


def test_a_docx_reportgen_did_not_write_is_not_taken_for_an_edited_one() -> None:
    theirs = save(docx.Document())
    assert recorded_fingerprint(theirs) is None
    assert not is_edited(theirs)


def test_a_file_that_is_no_docx_is_refused_clearly() -> None:
    with pytest.raises(UnsafeDocumentError, match="not a DOCX"):
        is_edited(b"plain text, not a zip")


# -- Word's schemas ------------------------------------------------------------------


def final_sample() -> d.Document:
    document = sample()
    document.metadata.draft = False
    return document


def read_back_content() -> d.Document:
    """What the reader brings from a reviewer's DOCX that templates never compose."""
    merged = [
        d.TableRow([d.TableCell([para(t("Region and year"))], colspan=2)], header=True),
        d.TableRow([d.TableCell([para(t("Imereti"))], rowspan=2), cell("2018")]),
        d.TableRow([cell("2019")]),
    ]
    return d.Document(
        [
            d.Table(merged, widths=[2, 1]),
            para(t("In Hebrew: "), d.RightToLeft([t("שלום עולם")]), t(".")),
            d.Paragraph([t("שלום עולם")], direction="rtl"),
            d.TextBox([para(t("A sidebar beside the text."))], placement="right"),
            d.Table([d.TableRow([d.TableCell([d.Image(PNG_RED, "image/png", alt="Red")])])]),
            para(
                t("A note holding a list"),
                d.FootnoteRef([d.ListBlock(False, [d.ListItem([para(t("a point"))])])]),
            ),
        ]
    )


WRITTEN = {
    "every node of the model": sample,
    "a final document (no DRAFT mark)": final_sample,
    "an SVG picture beside its PNG": lambda: d.Document(
        [d.Image(LOGO.read_bytes(), "image/svg+xml", alt="Logo", width_mm=40)]
    ),
    "header rows below the first": lambda: d.Document(
        [d.Table([d.TableRow([cell("Group")], header=True), d.TableRow([cell("Name")], True)])]
    ),
    "content read back from a reviewer's DOCX": read_back_content,
    "an empty document": d.Document,
}


@pytest.mark.parametrize("name", WRITTEN)
def test_what_the_writer_writes_passes_words_schemas(template: Template, name: str) -> None:
    assert_valid_docx(write_docx(WRITTEN[name](), template), name)


def test_an_svg_picture_without_cairosvg_passes_words_schemas(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cairosvg", None)
    image = d.Image(LOGO.read_bytes(), "image/svg+xml", alt="Organisation logo")
    assert_valid_docx(write_docx(d.Document([image]), template), "alt text for an SVG")


# -- speed --------------------------------------------------------------------------


def test_a_table_of_2500_participants_is_written_quickly(template: Template) -> None:
    rows = [d.TableRow([cell("Name"), cell("Organisation"), cell("Country"), cell("Role")], True)]
    rows += [
        d.TableRow([cell(f"Participant {n}"), cell("Ministry"), cell("Georgia"), cell("Expert")])
        for n in range(2500)
    ]
    document = d.Document([d.Heading(1, [t("Participants")]), d.Table(rows, [3, 4, 2, 2])])
    started = time.perf_counter()
    written = write_docx(document, template)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"writing 2 500 rows took {elapsed:.2f} s"
    assert len(opened(written).tables[0].rows) == 2501


# -- LibreOffice reads it as a reader would ----------------------------------------------


@pytest.fixture(scope="module")
def soffice(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    binary = shutil.which("soffice")
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path_factory.mktemp("lo-profile")
    return [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless"]


def convert(soffice: list[str], source: Path, target: str) -> Path:
    out = source.parent / "out"
    result = subprocess.run(
        [*soffice, "--convert-to", target, "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = out / f"{source.stem}.{target.split(':')[0]}"
    assert result.returncode == 0 and converted.is_file(), result.stderr
    return converted


@pytest.mark.slow
def test_libreoffice_renders_text_footnotes_and_page_numbers(
    soffice: list[str], sample_docx: bytes, tmp_path: Path
) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(sample_docx)
    pdf = convert(soffice, source, "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Meeting report",
        "Justice delayed is justice denied.",
        "Footnote about the workshop, online at example.org.",
        "The second footnote.",
        "Participant 60",
        "Page 2 of",
        "Expert workshop",
        "DRAFT",
    ):
        assert expected in text
    assert "Page 1 of" not in text  # the cover has no footer


@pytest.mark.slow
def test_a_document_saved_by_libreoffice_is_edited(
    soffice: list[str], sample_docx: bytes, tmp_path: Path
) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(sample_docx)
    saved = convert(soffice, source, "docx:MS Word 2007 XML").read_bytes()
    assert recorded_fingerprint(saved) == recorded_fingerprint(sample_docx)
    assert is_edited(saved)
