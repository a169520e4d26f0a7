"""Reading DOCX files, as python-docx and LibreOffice write them, into the document model."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from ooxml import define_built_in_styles, save
from reportgen import documents as d
from reportgen.errors import UnsafeDocumentError
from reportgen.results import Warnings
from reportgen.word.reader import read_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"


# -- building DOCX files with python-docx (plus the raw XML it has no API for) ----------


def read(document: docx.document.Document) -> tuple[d.Document, list[str]]:
    warnings = Warnings()
    result = read_docx(save(document), warnings)
    return result, [str(m) for m in warnings.messages]


def raw_paragraph(document: docx.document.Document, inner_xml: str, style: str = "") -> None:
    """Append ``<w:p>`` with ``inner_xml`` (runs, insertions, fields…) to the body."""
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    p = parse_xml(f"<w:p {NSDECL}>{ppr}{inner_xml}</w:p>")
    document.element.body.insert(len(document.element.body) - 1, p)


def add_footnotes(document: docx.document.Document, notes: dict[int, str]) -> None:
    """A footnotes part (python-docx has none) holding ``notes`` by id."""
    define_built_in_styles(document, "FootnoteText", "FootnoteReference")
    bodies = "".join(
        f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for number, text in notes.items()
    )
    xml = (
        f"<w:footnotes {NSDECL}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        "</w:r></w:p></w:footnote>"
        f"{bodies}</w:footnotes>"
    )
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def footnote_reference(number: int) -> str:
    return (
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        f'<w:footnoteReference w:id="{number}"/></w:r>'
    )


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def field(instruction: str, result: str) -> str:
    """A complex field: begin, instruction, separate, cached result, end."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(result)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def hyperlink(document: docx.document.Document, url: str, text: str) -> str:
    rel_id = document.part.relate_to(url, RT.HYPERLINK, is_external=True)
    return f'<w:hyperlink r:id="{rel_id}">{run(text)}</w:hyperlink>'


def png(width: int = 8, height: int = 8) -> io.BytesIO:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (0, 85, 140)).save(out, format="PNG")
    out.seek(0)
    return out


def texts(blocks: list[d.Block]) -> list[str]:
    return [d.plain_text([b]) for b in blocks]


# -- styles, headings, inline formatting -------------------------------------------------


def test_headings_title_and_body_text_are_read_by_style() -> None:
    document = docx.Document()
    document.add_paragraph("Expert workshop", style="Title")
    document.add_paragraph("Follow-up report", style="Subtitle")
    document.add_heading("Summary", level=1)
    document.add_heading("Background", level=2)
    document.add_heading("Details", level=3)
    document.add_paragraph("The workshop gathered experts.")
    result, warnings = read(document)
    assert result.children == [
        d.Paragraph([d.Text("Expert workshop")], style="Title"),
        d.Paragraph([d.Text("Follow-up report")], style="Subtitle"),
        d.Heading(1, [d.Text("Summary")]),
        d.Heading(2, [d.Text("Background")]),
        d.Heading(3, [d.Text("Details")]),
        d.Paragraph([d.Text("The workshop gathered experts.")]),
    ]
    assert warnings == []


def test_custom_heading_styles_are_recognised_through_based_on() -> None:
    document = docx.Document()
    custom = document.styles.add_style("Report Heading", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]
    document.add_paragraph("Findings", style="Report Heading")
    result, warnings = read(document)
    assert result.children == [d.Heading(2, [d.Text("Findings")])]
    assert warnings == []


def test_outline_level_makes_a_heading_and_body_level_keeps_it_out_of_the_contents() -> None:
    document = docx.Document()
    raw_paragraph(document, '<w:pPr><w:outlineLvl w:val="0"/></w:pPr>' + run("Outlined"))
    raw_paragraph(
        document,
        '<w:pPr><w:pStyle w:val="Heading1"/><w:outlineLvl w:val="9"/></w:pPr>' + run("Cover"),
    )
    result, _ = read(document)
    assert result.children == [
        d.Heading(1, [d.Text("Outlined")]),
        d.Heading(1, [d.Text("Cover")], in_toc=False),
    ]


def test_known_custom_styles_are_kept_by_name() -> None:
    document = docx.Document()
    for name in ("Cover Organizer", "Addressee", "Small Print"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph(f"{name} text", style=name)
    result, warnings = read(document)
    assert [(b.style, d.plain_text([b])) for b in result.children] == [
        ("Cover Organizer", "Cover Organizer text"),
        ("Addressee", "Addressee text"),
        ("Small Print", "Small Print text"),
    ]
    assert warnings == []


def test_an_unknown_style_is_body_text_with_one_warning_naming_it() -> None:
    document = docx.Document()
    document.styles.add_style("Fancy Body", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("First.", style="Fancy Body")
    document.add_paragraph("Second.", style="Fancy Body")
    result, warnings = read(document)
    assert result.children == [d.Paragraph([d.Text("First.")]), d.Paragraph([d.Text("Second.")])]
    assert len(warnings) == 1
    assert "'Fancy Body'" in warnings[0]


def test_body_text_styles_are_normal_paragraphs_without_warning() -> None:
    document = docx.Document()
    document.add_paragraph("Plain.", style="Body Text")
    document.add_paragraph("Also plain.", style="No Spacing")
    result, warnings = read(document)
    assert result.children == [
        d.Paragraph([d.Text("Plain.")]),
        d.Paragraph([d.Text("Also plain.")]),
    ]
    assert warnings == []


def test_bold_italic_and_character_styles_become_strong_and_emphasis() -> None:
    document = docx.Document()
    p = document.add_paragraph("We ")
    p.add_run("must").bold = True
    p.add_run(" act ")
    p.add_run("now").italic = True
    p.add_run(" and ")
    p.add_run("here", style="Strong")
    p.add_run(" and ")
    p.add_run("there", style="Emphasis")
    result, _ = read(document)
    assert result.children == [
        d.Paragraph(
            [
                d.Text("We "),
                d.Strong([d.Text("must")]),
                d.Text(" act "),
                d.Emphasis([d.Text("now")]),
                d.Text(" and "),
                d.Strong([d.Text("here")]),
                d.Text(" and "),
                d.Emphasis([d.Text("there")]),
            ]
        )
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co")), min_size=1
    ).filter(lambda s: s.strip())
)
def test_any_text_reads_back_as_written(text: str) -> None:
    document = docx.Document()
    document.add_paragraph(text)
    (paragraph,) = read(document)[0].children
    assert paragraph == d.Paragraph([d.Text(text)])


def test_empty_paragraphs_are_ignored() -> None:
    document = docx.Document()
    document.add_paragraph("")
    document.add_paragraph("   ")
    document.add_paragraph("Text.")
    document.add_paragraph("")
    result, _ = read(document)
    assert result.children == [d.Paragraph([d.Text("Text.")])]


def test_breaks_tabs_and_page_breaks() -> None:
    document = docx.Document()
    raw_paragraph(
        document,
        run("one") + "<w:r><w:br/></w:r>" + run("two") + "<w:r><w:tab/></w:r>" + run("three"),
    )
    document.add_page_break()
    raw_paragraph(document, "<w:pPr><w:pageBreakBefore/></w:pPr>" + run("after"))
    raw_paragraph(document, run("before") + '<w:r><w:br w:type="page"/></w:r>' + run("next"))
    result, _ = read(document)
    assert result.children == [
        d.Paragraph([d.Text("one"), d.LineBreak(), d.Text("two three")]),
        d.PageBreak(),
        d.Paragraph([d.Text("after")]),
        d.Paragraph([d.Text("before")]),
        d.PageBreak(),
        d.Paragraph([d.Text("next")]),
    ]


# -- links and footnotes -------------------------------------------------------------------


def test_web_and_mail_links_are_kept() -> None:
    document = docx.Document()
    raw_paragraph(
        document,
        run("See ")
        + hyperlink(document, "https://www.osce.org/odihr", "ODIHR")
        + run(" or ")
        + hyperlink(document, "mailto:office@example.org", "write"),
    )
    result, warnings = read(document)
    assert result.children == [
        d.Paragraph(
            [
                d.Text("See "),
                d.Link("https://www.osce.org/odihr", [d.Text("ODIHR")]),
                d.Text(" or "),
                d.Link("mailto:office@example.org", [d.Text("write")]),
            ]
        )
    ]
    assert warnings == []


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "file:///etc/passwd", "data:text/html,x"],
)
def test_a_link_with_an_unsafe_scheme_is_dropped_with_a_warning_and_its_text_kept(
    url: str,
) -> None:
    document = docx.Document()
    raw_paragraph(document, run("Click ") + hyperlink(document, url, "here"))
    result, warnings = read(document)
    assert result.children == [d.Paragraph([d.Text("Click here")])]
    assert len(warnings) == 1
    assert "left out" in warnings[0]


def test_a_hyperlink_field_is_a_link() -> None:
    document = docx.Document()
    raw_paragraph(document, field('HYPERLINK "https://example.org/report"', "the report"))
    result, _ = read(document)
    assert result.children == [
        d.Paragraph([d.Link("https://example.org/report", [d.Text("the report")])])
    ]


def test_footnotes_are_read_where_they_are_referenced() -> None:
    document = docx.Document()
    add_footnotes(document, {1: "Adopted in 2018.", 2: "See the annex."})
    raw_paragraph(document, run("The plan") + footnote_reference(1) + run(" was adopted."))
    raw_paragraph(document, run("Participants") + footnote_reference(2) + run("."))
    result, warnings = read(document)
    assert result.children == [
        d.Paragraph(
            [
                d.Text("The plan"),
                d.FootnoteRef([d.Paragraph([d.Text("Adopted in 2018.")])]),
                d.Text(" was adopted."),
            ]
        ),
        d.Paragraph(
            [
                d.Text("Participants"),
                d.FootnoteRef([d.Paragraph([d.Text("See the annex.")])]),
                d.Text("."),
            ]
        ),
    ]
    assert warnings == []


# -- tracked changes and comments ---------------------------------------------------------


def test_tracked_insertions_are_kept_and_deletions_dropped() -> None:
    document = docx.Document()
    change = 'w:author="Reviewer" w:date="2018-12-01T10:00:00Z"'
    raw_paragraph(
        document,
        run("The workshop ")
        + f'<w:del w:id="1" {change}><w:r><w:delText>probably </w:delText></w:r></w:del>'
        + f'<w:ins w:id="2" {change}>{run("clearly ")}</w:ins>'
        + run("succeeded.")
        + f'<w:moveFrom w:id="3" {change}><w:r><w:t>moved away</w:t></w:r></w:moveFrom>'
        + f'<w:moveTo w:id="4" {change}>{run(" Moved here.")}</w:moveTo>',
    )
    result, _ = read(document)
    assert texts(result.children) == ["The workshop clearly succeeded. Moved here."]


def test_a_deleted_paragraph_mark_joins_two_paragraphs() -> None:
    document = docx.Document()
    change = 'w:id="5" w:author="Reviewer" w:date="2018-12-01T10:00:00Z"'
    raw_paragraph(
        document, f"<w:pPr><w:rPr><w:del {change}/></w:rPr></w:pPr>" + run("First half, ")
    )
    raw_paragraph(document, run("second half."))
    result, _ = read(document)
    assert texts(result.children) == ["First half, second half."]


def test_formatting_changes_and_comments_do_not_show() -> None:
    document = docx.Document()
    change = 'w:author="Reviewer" w:date="2018-12-01T10:00:00Z"'
    raw_paragraph(
        document,
        f'<w:r><w:rPr><w:b/><w:rPrChange w:id="7" {change}><w:rPr/></w:rPrChange></w:rPr>'
        "<w:t>Bold now</w:t></w:r>",
    )
    define_built_in_styles(document, "CommentText", "CommentReference")
    document.add_comment(document.paragraphs[-1].runs, text="Why bold?", author="Reviewer")
    result, _ = read(document)
    assert result.children == [d.Paragraph([d.Strong([d.Text("Bold now")])])]


# -- lists, quotes, tables, contents, images ------------------------------------------------


def test_list_paragraphs_group_into_nested_lists() -> None:
    document = docx.Document()
    document.add_paragraph("First", style="List Number")
    document.add_paragraph("Second", style="List Number")
    document.add_paragraph("A point", style="List Bullet 2")
    document.add_paragraph("Third", style="List Number")
    document.add_paragraph("After the list.")
    result, _ = read(document)
    first, after = result.children
    assert isinstance(first, d.ListBlock) and first.ordered and first.start == 1
    assert [d.plain_text(item.children[:1]) for item in first.items] == ["First", "Second", "Third"]
    nested = first.items[1].children[1]
    assert isinstance(nested, d.ListBlock) and not nested.ordered
    assert texts(nested.items[0].children) == ["A point"]
    assert after == d.Paragraph([d.Text("After the list.")])


def numbering_part(document: docx.document.Document, xml: str) -> None:
    """Replace the numbering definitions of python-docx's template with ``xml``."""
    part = document.part.numbering_part
    part._element = parse_xml(f"<w:numbering {NSDECL}>{xml}</w:numbering>")


def test_numbering_continues_through_a_document_and_restarts_where_word_would() -> None:
    document = docx.Document()
    numbering_part(
        document,
        '<w:abstractNum w:abstractNumId="10"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        '<w:abstractNum w:abstractNumId="11"><w:lvl w:ilvl="0">'
        '<w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="10"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>'
        '<w:num w:numId="3"><w:abstractNumId w:val="11"/></w:num>',
    )

    def item(num_id: int, text: str) -> None:
        raw_paragraph(
            document,
            f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
            + run(text),
        )

    item(1, "one")
    item(1, "two")
    document.add_paragraph("To ODIHR")
    item(1, "three")  # same list: Word goes on counting
    document.add_paragraph("Elsewhere")
    item(2, "seven")  # a list restarted at 7
    item(3, "bullet")
    result, _ = read(document)
    lists = [b for b in result.children if isinstance(b, d.ListBlock)]
    assert [(b.ordered, b.start, len(b.items)) for b in lists] == [
        (True, 1, 2),
        (True, 3, 1),
        (True, 7, 1),
        (False, 1, 1),
    ]


def test_quotes_take_the_following_attribution() -> None:
    document = docx.Document()
    document.styles.add_style("Attribution", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Tolerance is work.", style="Quote")
    document.add_paragraph("And it never ends.", style="Intense Quote")
    document.add_paragraph("A participant", style="Attribution")
    document.add_paragraph("Then the discussion went on.")
    result, warnings = read(document)
    assert result.children == [
        d.Quote(
            [
                d.Paragraph([d.Text("Tolerance is work.")]),
                d.Paragraph([d.Text("And it never ends.")]),
            ],
            attribution=[d.Text("A participant")],
        ),
        d.Paragraph([d.Text("Then the discussion went on.")]),
    ]
    assert warnings == []


def test_tables_keep_header_rows_widths_and_cell_blocks() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.columns[0].width = Mm(60)
    table.cell(0, 0).text, table.cell(0, 1).text = "Name", "Country"
    table.cell(1, 0).text, table.cell(1, 1).text = "Nino", "Georgia"
    table.cell(2, 0).text = "Ivan"
    table.cell(2, 1).add_paragraph("Second paragraph")
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(parse_xml(f"<w:tblHeader {NSDECL}/>"))
    grid = table._tbl.tblGrid
    grid.gridCol_lst[0].w, grid.gridCol_lst[1].w = Mm(60), Mm(30)
    result, _ = read(document)
    (read_table,) = result.children
    assert isinstance(read_table, d.Table)
    assert [row.header for row in read_table.rows] == [True, False, False]
    assert read_table.widths[0] == pytest.approx(2 * read_table.widths[1], rel=0.01)
    assert [[texts(c.children) for c in row.cells] for row in read_table.rows] == [
        [["Name"], ["Country"]],
        [["Nino"], ["Georgia"]],
        [["Ivan"], ["Second paragraph"]],
    ]


def test_a_toc_field_is_one_contents_node_titled_by_its_heading() -> None:
    document = docx.Document()
    document.add_paragraph("Contents", style="TOC Heading")
    raw_paragraph(
        document,
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("Summary\t2"),
    )
    raw_paragraph(document, run("Background\t3"))
    raw_paragraph(document, run("Annex\t9") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    document.add_heading("Summary", level=1)
    result, warnings = read(document)
    assert result.children == [
        d.TableOfContents(title="Contents"),
        d.Heading(1, [d.Text("Summary")]),
    ]
    assert warnings == []


def test_a_contents_content_control_is_one_contents_node() -> None:
    document = docx.Document()
    sdt = parse_xml(
        f"<w:sdt {NSDECL}><w:sdtPr><w:docPartObj>"
        '<w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
        "</w:docPartObj></w:sdtPr><w:sdtContent>"
        '<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr>' + run("Inhalt") + "</w:p>"
        "<w:p>" + field('TOC \\o "1-3"', "Summary 2") + "</w:p>"
        "</w:sdtContent></w:sdt>"
    )
    document.element.body.insert(0, sdt)
    document.add_paragraph("Body.")
    result, _ = read(document)
    assert result.children == [d.TableOfContents(title="Inhalt"), d.Paragraph([d.Text("Body.")])]


def test_other_fields_keep_their_shown_result() -> None:
    document = docx.Document()
    raw_paragraph(document, run("Printed on page ") + field("PAGE", "4") + run("."))
    result, _ = read(document)
    assert texts(result.children) == ["Printed on page 4."]


def test_inline_images_keep_bytes_type_size_and_alt_text() -> None:
    document = docx.Document()
    document.add_picture(png(), width=Mm(40))
    document.add_picture(png(4, 4), width=Mm(10))
    pictures = document.inline_shapes
    pictures[0]._inline.docPr.set("descr", "Participants in the hall")
    result, warnings = read(document)
    first, second = result.children
    assert isinstance(first, d.Image) and isinstance(second, d.Image)
    assert first.content_type == "image/png"
    assert first.data.startswith(b"\x89PNG")
    assert first.alt == "Participants in the hall"
    assert first.width_mm == pytest.approx(40, abs=0.1)
    assert second.alt == ""
    assert len(warnings) == 1 and "alternative text" in warnings[0]


# -- metadata and page furniture ------------------------------------------------------------


def custom_properties(document: docx.document.Document, values: dict[str, str]) -> None:
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{name}">'
        f"<vt:lpwstr>{value}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), start=2)
    )
    xml = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{props}</Properties>"
    )
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_TYPE, xml.encode(), document.part.package)
    document.part.package.relate_to(part, RT.CUSTOM_PROPERTIES)


def test_metadata_comes_from_core_and_custom_properties() -> None:
    document = docx.Document()
    props = document.core_properties
    props.title = "Expert Workshop"
    props.subject = "Follow-up report"
    props.author = "Nino Beridze; Jan Kowalski"
    props.keywords = "tolerance; minorities"
    props.language = "ru"
    props.content_status = "Draft"
    custom_properties(
        document, {"reportgen.template": "meeting-report", "reportgen.reference": "ODIHR/18/12"}
    )
    document.add_paragraph("Text.")
    meta = read(document)[0].metadata
    assert (meta.title, meta.subject, meta.language) == (
        "Expert Workshop",
        "Follow-up report",
        "ru",
    )
    assert meta.authors == ["Nino Beridze", "Jan Kowalski"]
    assert meta.keywords == ["tolerance", "minorities"]
    assert meta.draft is True
    assert (meta.template, meta.reference) == ("meeting-report", "ODIHR/18/12")


def test_a_final_status_is_not_a_draft() -> None:
    document = docx.Document()
    document.core_properties.content_status = "Final"
    document.add_paragraph("Text.")
    assert read(document)[0].metadata.draft is False


def test_page_furniture_is_read_from_the_default_header_and_footer() -> None:
    document = docx.Document()
    document.styles.add_style("Draft Label", WD_STYLE_TYPE.CHARACTER)
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.add_run("Expert Workshop")
    header.add_run("\t")
    header.add_run("ПРОЕКТ", style="Draft Label")
    footer = section.footer.paragraphs[0]._p
    runs = (
        run("ODIHR/18/12")
        + "<w:r><w:tab/></w:r>"
        + run("Стр. ")
        + field("PAGE", "1")
        + run(" из ")
        + field("NUMPAGES", "1")
    )
    footer.extend(list(parse_xml(f"<w:root {NSDECL}>{runs}</w:root>")))
    document.add_paragraph("Text.")
    furniture = read(document)[0].furniture
    assert furniture == d.PageFurniture(
        header="Expert Workshop",
        footer="ODIHR/18/12",
        page_label="Стр. {page} из {pages}",
        draft_label="ПРОЕКТ",
    )


# -- safety ------------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(UnsafeDocumentError, match="not a DOCX"):
        read_docx(b"%PDF-1.7 not a docx")


def test_a_doctype_in_a_part_is_refused() -> None:
    data = save(docx.Document())
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = content.replace(
                    b"?>", b'?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1
                )
            target.writestr(info, content)
    with pytest.raises(UnsafeDocumentError, match="DOCTYPE"):
        read_docx(out.getvalue())


# -- LibreOffice as a second real client ------------------------------------------------------

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
  xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>Workshop in Tbilisi</dc:title><dc:language>en-GB</dc:language></office:meta>
 <office:automatic-styles>
  <style:style style:name="Bold" style:family="text">
   <style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="Italic" style:family="text">
   <style:text-properties fo:font-style="italic"/></style:style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:h text:outline-level="1">Summary</text:h>
  <text:p>The workshop was <text:span text:style-name="Bold">useful</text:span> and
   <text:span text:style-name="Italic">lively</text:span>, see
   <text:a xlink:type="simple" xlink:href="https://www.osce.org/">the OSCE</text:a> and
   <text:a xlink:type="simple" xlink:href="javascript:alert(1)">this</text:a>.<text:note
    text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body
    ><text:p>Held on 29 November 2018.</text:p></text:note-body></text:note></text:p>
  <text:h text:outline-level="2">Recommendations</text:h>
  <text:list><text:list-item><text:p>Adopt a plan.</text:p></text:list-item>
   <text:list-item><text:p>Consult widely.</text:p></text:list-item></text:list>
  <text:p>Participants:</text:p>
  <table:table table:name="People"><table:table-column table:number-columns-repeated="2"/>
   <table:table-header-rows><table:table-row>
    <table:table-cell><text:p>Name</text:p></table:table-cell>
    <table:table-cell><text:p>Country</text:p></table:table-cell>
   </table:table-row></table:table-header-rows>
   <table:table-row>
    <table:table-cell><text:p>Nino</text:p></table:table-cell>
    <table:table-cell><text:p>Georgia</text:p></table:table-cell>
   </table:table-row>
  </table:table>
 </office:text></office:body>
</office:document>
"""


@pytest.fixture(scope="module")
def libreoffice_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "workshop.fodt"
    source.write_text(FODT, encoding="utf-8")
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (folder / "workshop.docx").read_bytes()


def test_a_docx_saved_by_libreoffice_is_read(libreoffice_docx: bytes) -> None:
    warnings = Warnings()
    result = read_docx(libreoffice_docx, warnings)
    heading, paragraph, subheading, steps, intro, table = result.children
    assert heading == d.Heading(1, [d.Text("Summary")])
    assert subheading == d.Heading(2, [d.Text("Recommendations")])
    assert isinstance(paragraph, d.Paragraph)
    inlines = paragraph.children
    assert d.Strong([d.Text("useful")]) in inlines
    assert d.Emphasis([d.Text("lively")]) in inlines
    assert d.Link("https://www.osce.org/", [d.Text("the OSCE")]) in inlines
    notes = [n for n in inlines if isinstance(n, d.FootnoteRef)]
    assert [texts(n.body) for n in notes] == [["Held on 29 November 2018."]]
    assert " ".join(d.plain_text(inlines).split()) == (
        "The workshop was useful and lively, see the OSCE and this."
    )
    assert isinstance(steps, d.ListBlock)
    assert [texts(item.children) for item in steps.items] == [
        ["Adopt a plan."],
        ["Consult widely."],
    ]
    assert intro == d.Paragraph([d.Text("Participants:")])
    assert isinstance(table, d.Table)
    assert [row.header for row in table.rows] == [True, False]
    assert [[texts(c.children) for c in row.cells] for row in table.rows] == [
        [["Name"], ["Country"]],
        [["Nino"], ["Georgia"]],
    ]
    assert result.metadata.title == "Workshop in Tbilisi"
    messages = [str(m) for m in warnings.messages]
    assert any("javascript:alert(1)" in m for m in messages)


def test_a_python_docx_file_resaved_by_libreoffice_reads_the_same(
    tmp_path: Path, libreoffice_docx: bytes
) -> None:
    document = docx.Document()
    document.add_heading("Summary", level=1)
    p = document.add_paragraph("The plan was ")
    p.add_run("adopted").bold = True
    document.add_paragraph("Adopt it.", style="List Number")
    document.add_paragraph("Report on it.", style="List Number")
    original = read_docx(save(document))
    source = tmp_path / "original.docx"
    source.write_bytes(save(document))
    out = tmp_path / "out"
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    resaved = read_docx((out / "original.docx").read_bytes())
    assert resaved.children == original.children


# -- legacy form fields, drop caps --------------------------------------------------------


def form_field(instruction: str, ffdata: str) -> str:
    """A legacy form field (w:ffData in its begin mark), with no result of its own."""
    return (
        f'<w:r><w:fldChar w:fldCharType="begin"><w:ffData>{ffdata}</w:ffData></w:fldChar></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def test_legacy_check_boxes_show_checked_or_not_as_word_draws_them() -> None:
    document = docx.Document()
    unchecked = '<w:checkBox><w:sizeAuto/><w:default w:val="0"/></w:checkBox>'
    checked = '<w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox>'
    by_default = '<w:checkBox><w:sizeAuto/><w:default w:val="1"/></w:checkBox>'
    raw_paragraph(
        document,
        form_field("FORMCHECKBOX", unchecked)
        + run(" Yes ")
        + form_field("FORMCHECKBOX", checked)
        + run(" No ")
        + form_field("FORMCHECKBOX", by_default),
    )
    model, _ = read(document)
    assert texts(model.children) == ["\u2610 Yes \u2612 No \u2612"]


def test_a_legacy_drop_down_list_shows_the_entry_chosen_or_its_first() -> None:
    document = docx.Document()
    entries = '<w:listEntry w:val="Geneva"/><w:listEntry w:val="Vienna"/>'
    raw_paragraph(
        document,
        run("Venue: ")
        + form_field("FORMDROPDOWN", f'<w:ddList><w:result w:val="1"/>{entries}</w:ddList>')
        + run(", then ")
        + form_field("FORMDROPDOWN", f"<w:ddList>{entries}</w:ddList>"),
    )
    model, _ = read(document)
    assert texts(model.children) == ["Venue: Vienna, then Geneva"]


def test_a_drop_cap_is_the_first_letter_of_the_paragraph_it_stands_beside() -> None:
    document = docx.Document()
    document.element.body.insert(
        len(document.element.body) - 1,
        parse_xml(
            f'<w:p {NSDECL}><w:pPr><w:framePr w:dropCap="drop" w:lines="3" w:wrap="around"'
            ' w:vAnchor="text" w:hAnchor="text"/></w:pPr><w:r><w:t>T</w:t></w:r></w:p>'
        ),
    )
    raw_paragraph(document, run("he experts met in Geneva."))
    raw_paragraph(document, run("A second paragraph."))
    model, _ = read(document)
    assert texts(model.children) == ["The experts met in Geneva.", "A second paragraph."]
