"""The DOCX peers: a docxtpl template built with python-docx, and python-docx on its own.

Both use the house style of templates/meeting-report/theme.yaml (Noto Serif
and Noto Sans, the same sizes, colours and A4 margins), a running header and a
"Page N of M" footer, so that LibreOffice lays out comparable pages.  What a
user's docxtpl or python-docx script leaves out compared with reportgen: the
table of contents, real footnotes (notes become paragraphs), the cover logo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import content
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

ACCENT = RGBColor(0x00, 0x55, 0x8C)
MUTED = RGBColor(0x5C, 0x66, 0x70)
TEXT = RGBColor(0x1D, 0x1D, 0x1B)


def house_style(doc: DocxDocument) -> None:
    """Fonts, sizes, colours and margins of the meeting-report theme, as Word styles."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin, section.right_margin = Mm(25), Mm(22)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Noto Serif"
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = TEXT
    normal.paragraph_format.line_spacing = 1.25
    normal.paragraph_format.space_after = Pt(7)
    for name, size, color in (
        ("Title", 26, ACCENT),
        ("Subtitle", 15, MUTED),
        ("Heading 1", 16, ACCENT),
        ("Heading 2", 13, ACCENT),
        ("Heading 3", 11, TEXT),
    ):
        style = styles[name]
        style.font.name = "Noto Sans"
        style.font.size = Pt(size)
        style.font.bold = name != "Subtitle"
        style.font.color.rgb = color
    # Cells need a paragraph style: Word lets Normal's font size win over a table style's.
    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.name = "Noto Sans"
    table_text.font.size = Pt(8.5)
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.line_spacing = 1.1
    quote = styles["Quote"]
    quote.font.italic = True
    quote.paragraph_format.left_indent = Mm(5)
    small = styles.add_style("Small Print", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(8.5)
    small.font.color.rgb = MUTED


def field(paragraph: Paragraph, code: str) -> None:
    """A PAGE or NUMPAGES field (python-docx has no API for fields)."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def page_furniture(doc: DocxDocument, title: str, reference: str) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.style = doc.styles["Small Print"]
    header.add_run(title)
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Small Print"]
    footer.add_run(f"{reference}\tPage ")
    field(footer, "PAGE")
    footer.add_run(" of ")
    field(footer, "NUMPAGES")


def repeat_header_row(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    properties.append(header)


# -- docxtpl -------------------------------------------------------------------------


def build_template(path: Path) -> None:
    """The docxtpl template: Jinja tags for the same sections and tables as reportgen's."""
    doc = Document()
    house_style(doc)
    page_furniture(doc, "{{ title }}", "{{ reference }}")

    def p(text: str = "", style: str | None = None) -> Paragraph:
        return doc.add_paragraph(text, style)

    def markdown_field(name: str) -> None:
        p(f"{{%p for b in {name} %}}")
        p("{{r b }}")
        p("{%p endfor %}")

    def items(name: str, heading: str) -> None:
        p(f"{{%p if t.{name} %}}")
        p(heading, "Heading 3")
        p(f"{{%p for item in t.{name} %}}")
        p("{{r item }}", "List Bullet")
        p("{%p endfor %}")
        p("{%p endif %}")

    def quotes(name: str) -> None:
        p(f"{{%p for q in {name} %}}")
        p("{{ q.text }}", "Quote")
        p("— {{ q.attribution }}", "Small Print")
        p("{%p endfor %}")

    p("{{ organizer }}").runs[0].bold = True
    p("{{ title }}", "Title")
    p("{{ subtitle }}", "Subtitle")
    p("{{ event_line }}")
    p("{{ reference }}")
    p("{{ date }}")
    p("{%p if draft %}")
    p("Draft for review").runs[0].bold = True
    p("{%p endif %}")
    p().add_run().add_break(WD_BREAK.PAGE)

    p("Executive summary", "Heading 1")
    markdown_field("summary")
    p("Introduction", "Heading 1")
    p("{{ intro }}")
    markdown_field("background")
    p("{{ participation }}")
    p("{{ topics_sentence }}")
    quotes("general_quotes")

    p("Summary of the discussions", "Heading 1")
    p("{%p for t in topics %}")
    p("{{ t.title }}", "Heading 2")
    markdown_field("t.summary")
    items("points", "Key points")
    items("good_practices", "Good practices")
    items("challenges", "Challenges")
    quotes("t.quotes")
    p("{%p if t.see %}")
    p("{{ t.see }}")
    p("{%p endif %}")
    p("{%p endfor %}")

    p("Recommendations", "Heading 1")
    p("{{ rec_intro }}")
    p("{%p for g in rec_groups %}")
    p("{{ g.heading }}", "Heading 2")
    p("{%p for r in g.recs %}")
    rec = p("{{ r.number }}.\t")
    rec.paragraph_format.left_indent = Mm(7)
    rec.paragraph_format.first_line_indent = Mm(-7)
    rec.add_run("{{r r.rt }}")
    p("{%p endfor %}")
    p("{%p endfor %}")

    p("Follow-up", "Heading 1")
    markdown_field("follow_up")
    p("{{ contact }}")

    p("{%p if agenda %}")
    p("Annex 1: Agenda", "Heading 1")
    _template_table(
        doc,
        ["Time", "Session"],
        "item in agenda",
        ["{{ item.time }}", "{{ item.title }}\n{{ item.speakers }}"],
    )
    p("{%p endif %}")
    p("{%p if participants %}")
    p("{{ participants_annex }}", "Heading 1")
    _template_table(
        doc,
        ["Name", "Role", "Organization", "Country"],
        "x in participants",
        ["{{ x.name }}", "{{ x.role }}", "{{ x.organization }}", "{{ x.country }}"],
    )
    p("{%p endif %}")
    doc.save(str(path))


def _template_table(doc: DocxDocument, headings: list[str], loop: str, cells: list[str]) -> None:
    table = doc.add_table(rows=4, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    style = doc.styles["Table Text"]
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].style = style
        cell.paragraphs[0].add_run(text).bold = True
    repeat_header_row(table.rows[0])
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].style = style
        cell.paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def render_docxtpl(source: Path, template: Path, output: Path) -> None:
    """What a docxtpl user runs: load the data, fill the template, save."""
    from docxtpl import DocxTemplate, RichText

    tpl = DocxTemplate(str(template))
    md = content.markdown()

    def rich(block: dict[str, Any]) -> RichText:
        text = RichText()
        for value, bold, italic, href in block["runs"]:
            text.add(
                value, bold=bold, italic=italic, url_id=tpl.build_url_id(href) if href else None
            )
        return text

    def paragraphs(source_text: str) -> list[RichText]:
        return [rich(b) for b in content.blocks(source_text, md)]

    def inline(source_text: str) -> RichText:
        runs = [run for b in content.blocks(source_text, md) for run in b["runs"]]
        return rich({"runs": runs})

    ctx = content.load(source)
    for key in ("summary", "background", "follow_up"):
        ctx[key] = paragraphs(ctx[key])
    for topic in ctx["topics"]:
        topic["summary"] = paragraphs(topic["summary"])
        for key in ("points", "good_practices", "challenges"):
            topic[key] = [inline(item) for item in topic[key]]
    for group in ctx["rec_groups"]:
        for rec in group["recs"]:
            rec["rt"] = inline(rec["text"])
    tpl.render(ctx)
    tpl.save(str(output))


# -- python-docx -----------------------------------------------------------------------


def build_python_docx(source: Path, output: Path) -> None:
    """What a python-docx user writes: the report paragraph by paragraph, cell by cell."""
    ctx = content.load(source)
    md = content.markdown()
    doc = Document()
    house_style(doc)
    page_furniture(doc, ctx["title"], ctx["reference"])

    def runs(paragraph: Paragraph, block_runs: list[tuple[str, bool, bool, str | None]]) -> None:
        for value, bold, italic, _href in block_runs:
            run = paragraph.add_run(value)
            run.bold = bold or None
            run.italic = italic or None

    def markdown_field(text: str) -> None:
        for block in content.blocks(text, md):
            runs(doc.add_paragraph(style="Small Print" if block["note"] else None), block["runs"])

    def items(values: list[str], heading: str) -> None:
        if values:
            doc.add_paragraph(heading, "Heading 3")
            for value in values:
                paragraph = doc.add_paragraph(style="List Bullet")
                for block in content.blocks(value, md):
                    runs(paragraph, block["runs"])

    def quotes(values: list[dict[str, str]]) -> None:
        for quote in values:
            doc.add_paragraph(quote["text"], "Quote")
            doc.add_paragraph("— " + quote["attribution"], "Small Print")

    doc.add_paragraph().add_run(ctx["organizer"]).bold = True
    doc.add_paragraph(ctx["title"], "Title")
    doc.add_paragraph(ctx["subtitle"], "Subtitle")
    for line in (ctx["event_line"], ctx["reference"], ctx["date"]):
        doc.add_paragraph(line)
    if ctx["draft"]:
        doc.add_paragraph().add_run("Draft for review").bold = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    doc.add_paragraph("Executive summary", "Heading 1")
    markdown_field(ctx["summary"])
    doc.add_paragraph("Introduction", "Heading 1")
    doc.add_paragraph(ctx["intro"])
    markdown_field(ctx["background"])
    doc.add_paragraph(ctx["participation"])
    doc.add_paragraph(ctx["topics_sentence"])
    quotes(ctx["general_quotes"])
    doc.add_paragraph("Summary of the discussions", "Heading 1")
    for topic in ctx["topics"]:
        doc.add_paragraph(topic["title"], "Heading 2")
        markdown_field(topic["summary"])
        items(topic["points"], "Key points")
        items(topic["good_practices"], "Good practices")
        items(topic["challenges"], "Challenges")
        quotes(topic["quotes"])
        if topic["see"]:
            doc.add_paragraph(topic["see"])
    doc.add_paragraph("Recommendations", "Heading 1")
    doc.add_paragraph(ctx["rec_intro"])
    for group in ctx["rec_groups"]:
        doc.add_paragraph(group["heading"], "Heading 2")
        for rec in group["recs"]:
            paragraph = doc.add_paragraph(f"{rec['number']}.\t")
            paragraph.paragraph_format.left_indent = Mm(7)
            paragraph.paragraph_format.first_line_indent = Mm(-7)
            for block in content.blocks(rec["text"], md):
                runs(paragraph, block["runs"])
    doc.add_paragraph("Follow-up", "Heading 1")
    markdown_field(ctx["follow_up"])
    doc.add_paragraph(ctx["contact"])
    if ctx["agenda"]:
        doc.add_paragraph("Annex 1: Agenda", "Heading 1")
        _table(
            doc,
            ["Time", "Session"],
            [
                [i["time"], i["title"] + ("\n" + i["speakers"] if i["speakers"] else "")]
                for i in ctx["agenda"]
            ],
        )
    if ctx["participants"]:
        doc.add_paragraph(ctx["participants_annex"], "Heading 1")
        _table(
            doc,
            ["Name", "Role", "Organization", "Country"],
            [[x["name"], x["role"], x["organization"], x["country"]] for x in ctx["participants"]],
        )
    doc.save(str(output))


def _table(doc: DocxDocument, headings: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    style = doc.styles["Table Text"]
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].style = style
        cell.paragraphs[0].add_run(text).bold = True
    repeat_header_row(table.rows[0])
    for values in rows:  # python-docx's public cell API, as its documentation shows
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
            cell.paragraphs[0].style = style
