"""The document model written out as a Word document that reviewers can restyle and navigate."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import docx
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml.shape import CT_Inline
from docx.shared import Emu, Mm
from lxml import etree

from .. import documents as d
from ..errors import ReportgenError, TemplateError
from ..provenance import RECORD_NS, RECORD_PART, Entry, Record, block_markdown, mark_name
from ..results import Warnings
from ..templates import Template
from . import oxml, package
from .fonts import embed_fonts
from .namespaces import qn
from .styles import (
    DRAFT_LABEL,
    FOOTNOTE_REFERENCE,
    FOOTNOTE_TEXT,
    HYPERLINK,
    TABLE_STYLE,
    TABLE_TEXT,
    TWIPS_PER_MM,
    apply_theme,
    hex_color,
    page_of,
    word_language,
)


def toc_instruction(levels: int) -> str:
    """Word's TOC field: outline levels 1 to ``levels``, entries as links."""
    return f'TOC \\o "1-{levels}" \\h \\z \\u'


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
CELL_MARGINS_TWIPS = 170  # left plus right cell margin of the table style
EMU_PER_TWIP = 635
EMU_PER_CSS_PX = 9525  # an SVG's px is 1/96 inch


def write_docx(
    document: d.Document, template: Template, *, warnings: Warnings | None = None
) -> bytes:
    """The DOCX of ``document`` in ``template``'s house style.

    With the same document, template and ``SOURCE_DATE_EPOCH`` the bytes are the
    same.  Things Word cannot show as asked (an SVG picture) are reported to
    ``warnings``.
    """
    return _Writer(document, template, warnings or Warnings()).write()


@dataclass
class _Story:
    """A part text is written into (the body or the footnotes), with its link relationships."""

    part: Part
    links: dict[str, str] = field(default_factory=dict)

    def link(self, href: str) -> str:
        rid = self.links.get(href)
        if rid is None:
            rid = self.links[href] = self.part.relate_to(href, RT.HYPERLINK, is_external=True)
        return rid


@dataclass(frozen=True)
class _Context:
    """Where blocks are being written: which story, what "Normal" means there, how wide."""

    story: _Story
    normal: str | None  # style id for Normal paragraphs (None: Word's default, Normal)
    width: int  # twips available
    in_footnote: bool = False
    bold: bool = False  # extra header rows of a table


class _Writer:
    def __init__(self, document: d.Document, template: Template, warnings: Warnings) -> None:
        self.source = document
        self.theme = template.theme
        self.warnings = warnings
        self.language = word_language(document.metadata.language)
        self.page = page_of(self.theme)
        self.doc = docx.Document()
        self._prune_template()
        self.style_ids = apply_theme(self.doc, self.theme, self.language)
        self.body = self.doc.element.body
        self.numbering = self.doc.part.numbering_part.element
        self.body_story = _Story(self.doc.part)
        self.footnotes: etree._Element | None = None
        self.footnote_story: _Story | None = None
        self.next_footnote = 1
        self.next_shape_id = 1
        self.abstract_nums: dict[str, int] = {}
        self.svg_parts: dict[bytes, str] = {}
        self.toc_entries: list[tuple[int, str, str]] = []
        self.bookmarks: dict[int, tuple[int, str]] = {}
        self.table_style_id = self._style_id(TABLE_STYLE, paragraph=False)
        # Provenance (provenance.py): each block with an origin is marked and recorded.
        self.record = document.record if document.record is not None else Record()
        self.record.entries = {}

    # -- the whole document -------------------------------------------------------

    def write(self) -> bytes:
        self._plan_contents()
        sect_pr = self.body.sectPr
        self.body.remove(sect_pr)
        context = _Context(self.body_story, None, self.page.text_width)
        self.mark_ids = len(self.bookmarks)  # after the contents' bookmarks
        self._blocks(self.body, self.source.children, context)
        oxml.ensure_ends_with_paragraph(self.body)
        self.body.append(sect_pr)
        self._page_setup()
        self._furniture()
        self._properties()
        self._record()
        oxml.configure_settings(
            self.doc.settings.element,
            language=self.language,
            has_footnotes=self.footnotes is not None,
        )
        embed_fonts(self.doc, self.theme, self.warnings)
        out = io.BytesIO()
        self.doc.save(out)
        return package.finish(out.getvalue(), epoch=package.source_date_epoch())

    def _prune_template(self) -> None:
        """Drop what python-docx's template carries that would mislead: a stale copy of
        the styles, a thumbnail of an empty page, sample bibliography data."""
        for rels, types in (
            (self.doc.part.rels, (STYLES_WITH_EFFECTS, RT.CUSTOM_XML)),
            (self.doc.part.package.rels, (RT.THUMBNAIL,)),
        ):
            for rid in [rid for rid, rel in rels.items() if rel.reltype in types]:
                del rels[rid]
        theme_part = self.doc.part.part_related_by(RT.THEME)
        # A plain Part keeps its bytes in _blob; python-docx has no setter for them.
        theme_part._blob = oxml.retheme(  # type: ignore[attr-defined]
            theme_part.blob,
            heading_font=self.theme.heading_font,
            body_font=self.theme.body_font,
            accent=hex_color(self.theme, "accent"),
        )

    def _style_id(self, name: str, *, paragraph: bool = True) -> str:
        if not paragraph:
            return self.doc.styles[name].style_id
        style_id = self.style_ids.get(name.lower())
        if style_id is None:
            known = ", ".join(d.KNOWN_PARAGRAPH_STYLES)
            raise TemplateError(
                f"paragraph style {name!r} is not one the Word template defines",
                hint=f"known: {known}",
            )
        return style_id

    def _plan_contents(self) -> None:
        """Bookmark every heading the contents list, so that pre-filled entries link to them."""
        if not any(isinstance(b, d.TableOfContents) for b in self.source.children):
            return
        levels = next(b.levels for b in self.source.children if isinstance(b, d.TableOfContents))
        for heading in _headings(self.source.children):
            if heading.in_toc and 1 <= heading.level <= levels:
                bookmark = (len(self.bookmarks) + 1, f"_Toc{len(self.bookmarks) + 1:08d}")
                self.bookmarks[id(heading)] = bookmark
                # Breakable spaces only: the no-break ones ("Annexe 1 : …") stay.
                text = re.sub(r"[ \t\n\r\f\v]+", " ", d.plain_text(heading.children)).strip()
                self.toc_entries.append((heading.level, text, bookmark[1]))

    # -- blocks -------------------------------------------------------------------

    def _blocks(self, parent: etree._Element, blocks: list[d.Block], ctx: _Context) -> None:
        for block in blocks:
            if isinstance(block, d.Paragraph):
                self._paragraph(parent, block, ctx)
            elif isinstance(block, d.Heading):
                self._heading(parent, block, ctx)
            elif isinstance(block, d.ListBlock):
                self._list(parent, block, ctx, 0)
            elif isinstance(block, d.Table):
                self._table(parent, block, ctx)
            elif isinstance(block, d.Quote):
                self._quote(parent, block, ctx)
            elif isinstance(block, d.PageBreak):
                if not ctx.in_footnote:
                    oxml.page_break(parent)
            elif isinstance(block, d.TableOfContents):
                if not ctx.in_footnote:
                    self._contents(parent, block, ctx)
            elif isinstance(block, d.Image):
                self._image(parent, block, ctx)
            elif isinstance(block, d.TextBox):
                # Templates never compose text boxes; a read one is written as its blocks.
                self._blocks(parent, block.children, ctx)
            else:
                raise TypeError(f"not a block of the document model: {block!r}")

    def _paragraph(self, parent: etree._Element, block: d.Paragraph, ctx: _Context) -> None:
        if block.style == "Normal" or ctx.in_footnote:
            style_id = ctx.normal
        else:
            style_id = self._style_id(block.style)
        p = oxml.paragraph(parent, style_id)
        mark = self._mark(p, block, block.origin, ctx)
        self._inlines(p, block.children, ctx, bold=ctx.bold)
        self._end_mark(p, mark)

    def _mark(
        self,
        p: etree._Element,
        block: object,
        origin: d.Origin | None,
        ctx: _Context,
        kind: str = "paragraph",
    ) -> int | None:
        """Mark a block whose origin is known and record it (provenance.py); its bookmark id."""
        if origin is None or ctx.in_footnote:
            return None
        key = str(len(self.record.entries) + 1)
        bookmark_id = self.mark_ids + len(self.record.entries) + 1
        oxml.bookmark_start(p, bookmark_id, mark_name(key))
        self.record.entries[key] = Entry(key, origin, block_markdown(block, kind), kind)
        return bookmark_id

    @staticmethod
    def _end_mark(p: etree._Element, bookmark_id: int | None) -> None:
        if bookmark_id is not None:
            oxml.bookmark_end(p, bookmark_id)

    def _heading(self, parent: etree._Element, block: d.Heading, ctx: _Context) -> None:
        if not 1 <= block.level <= 3:
            raise TemplateError(f"heading level {block.level}: Word headings here go from 1 to 3")
        if ctx.in_footnote:
            p = oxml.paragraph(parent, ctx.normal)
            self._inlines(p, block.children, ctx, bold=True)
            return
        style_id = self._style_id(f"heading {block.level}")
        # Outline level 9 (body text) keeps a heading out of Word's contents and navigation.
        p = oxml.paragraph(parent, style_id, outline_level=None if block.in_toc else 9)
        bookmark = self.bookmarks.get(id(block))
        if bookmark:
            oxml.bookmark_start(p, *bookmark)
        mark = self._mark(p, block, block.origin, ctx, "heading")
        self._inlines(p, block.children, ctx)
        self._end_mark(p, mark)
        if bookmark:
            oxml.bookmark_end(p, bookmark[0])

    def _list(self, parent: etree._Element, block: d.ListBlock, ctx: _Context, level: int) -> None:
        if ctx.in_footnote:
            self._footnote_list(parent, block, ctx, level)
            return
        depth = "" if level == 0 else f" {min(level, 2) + 1}"
        style_id = self._style_id(("List Number" if block.ordered else "List Bullet") + depth)
        continue_id = self._style_id("List Continue" + depth)
        # Each ordered list is a numbering instance of its own, so that it restarts (at start).
        num = (self._new_num(style_id, block.start), 0) if block.ordered else None
        for item in block.items:
            rest = item.children
            p = oxml.paragraph(parent, style_id, num=num)
            if rest and isinstance(rest[0], d.Paragraph):
                mark = self._mark(p, rest[0], rest[0].origin, ctx)
                self._inlines(p, rest[0].children, ctx)
                self._end_mark(p, mark)
                rest = rest[1:]
            for child in rest:
                if isinstance(child, d.Paragraph) and child.style == "Normal":
                    continued = oxml.paragraph(parent, continue_id)
                    mark = self._mark(continued, child, child.origin, ctx)
                    self._inlines(continued, child.children, ctx)
                    self._end_mark(continued, mark)
                elif isinstance(child, d.ListBlock):
                    self._list(parent, child, ctx, level + 1)
                else:
                    self._blocks(parent, [child], ctx)

    def _new_num(self, style_id: str, start: int) -> int:
        abstract = self.abstract_nums.get(style_id)
        if abstract is None:
            abstract = oxml.abstract_num_of_style(self.numbering, self.doc.styles.element, style_id)
            self.abstract_nums[style_id] = abstract
        return oxml.add_num(self.numbering, abstract, max(start, 0))

    def _footnote_list(
        self, parent: etree._Element, block: d.ListBlock, ctx: _Context, level: int
    ) -> None:
        """Lists in footnotes are rare; they are written as marked footnote paragraphs."""
        for n, item in enumerate(block.items, start=block.start):
            mark = f"{n}. " if block.ordered else "• "
            first, rest = _first_paragraph(item.children)
            p = oxml.paragraph(parent, ctx.normal)
            oxml.run(p, "\u2003" * level + mark)
            self._inlines(p, first, ctx)
            for child in rest:
                if isinstance(child, d.ListBlock):
                    self._footnote_list(parent, child, ctx, level + 1)
                else:
                    self._blocks(parent, [child], ctx)

    def _quote(self, parent: etree._Element, block: d.Quote, ctx: _Context) -> None:
        quote_ctx = ctx if ctx.in_footnote else replace(ctx, normal=self._style_id("Quote"))
        self._blocks(parent, block.children, quote_ctx)
        if block.attribution:
            style_id = ctx.normal if ctx.in_footnote else self._style_id("Attribution")
            p = oxml.paragraph(parent, style_id)
            attribution = d.Paragraph(block.attribution, "Attribution")
            mark = self._mark(p, attribution, block.attribution_origin, ctx, "attribution")
            self._inlines(p, block.attribution, ctx)
            self._end_mark(p, mark)

    def _table(self, parent: etree._Element, block: d.Table, ctx: _Context) -> None:
        rows = block.rows
        columns = max((sum(max(c.colspan, 1) for c in row.cells) for row in rows), default=0)
        if columns == 0:
            return
        widths = _column_widths(block.widths, columns, ctx.width)
        fill = hex_color(self.theme, "table_header")
        tbl = oxml.table(parent, self.table_style_id, widths, first_row_header=rows[0].header)
        # One context per column and kind of row, made once: tables may have thousands of rows.
        body_ctx = replace(ctx, normal=self._style_id(TABLE_TEXT), bold=False)
        cell_ctxs = [replace(body_ctx, width=w - CELL_MARGINS_TWIPS) for w in widths]
        header_ctxs = [replace(c, bold=True) for c in cell_ctxs]
        repeating = True
        empty = d.TableCell()
        for index, row in enumerate(_grid_rows(rows)):
            repeating = repeating and row.header  # Word repeats only rows at the top
            tr = oxml.table_row(tbl, header=repeating)
            # The table style formats the first row; later header rows are formatted directly.
            extra = row.header and index > 0
            cells = row.cells
            for column, width in enumerate(widths):
                cell = cells[column] if column < len(cells) else empty
                tc = oxml.table_cell(tr, width, fill=fill if extra else None)
                inner = header_ctxs[column] if extra else cell_ctxs[column]
                self._blocks(tc, cell.children, inner)
                oxml.ensure_ends_with_paragraph(tc)

    def _contents(self, parent: etree._Element, block: d.TableOfContents, ctx: _Context) -> None:
        """Word's TOC field, its result pre-filled with the headings so it is never empty.

        Page numbers are Word's to compute: updating the field (F9) adds them.
        """
        title = oxml.paragraph(parent, self._style_id("TOC Heading"))
        heading = d.Paragraph([d.Text(block.title)], "TOC Heading")
        mark = self._mark(title, heading, block.origin, ctx, "contents")
        oxml.run(title, block.title)
        self._end_mark(title, mark)
        if not self.toc_entries:
            p = oxml.paragraph(parent, self._style_id("toc 1"))
            oxml.field(p, toc_instruction(block.levels))
            return
        last = len(self.toc_entries) - 1
        for index, (level, text, bookmark) in enumerate(self.toc_entries):
            p = oxml.paragraph(parent, self._style_id(f"toc {level}"))
            if index == 0:
                oxml.field_begin(p, toc_instruction(block.levels))
            oxml.run(oxml.hyperlink(p, anchor=bookmark), text)
            if index == last:
                oxml.field_end(p)

    def _image(self, parent: etree._Element, block: d.Image, ctx: _Context) -> None:
        if ctx.in_footnote:  # a footnote part would need image relationships of its own
            self._image_stand_in(parent, block, ctx, "a picture in a footnote")
            return
        if not block.content_type:  # a picture a reviewed DOCX held in a form no one shows
            self._image_stand_in(parent, block, ctx, "a picture that cannot be shown")
            return
        svg_rid = None
        data = block.data
        if block.content_type == "image/svg+xml":
            raster = _rasterize_svg(block, ctx.width * EMU_PER_TWIP)
            if raster is None:
                self._image_stand_in(
                    parent, block, ctx, "an SVG picture (cairosvg is not installed)"
                )
                return
            data, width = raster
            svg_rid = self._svg_part(block.data)
        try:
            rid, image = self.doc.part.get_or_add_image(io.BytesIO(data))
        except UnrecognizedImageError:
            raise ReportgenError(
                f"picture {block.alt or block.content_type!r} is not a PNG, JPEG, GIF, BMP, TIFF "
                "or SVG image Word can show"
            ) from None
        if svg_rid is None:
            width = Mm(block.width_mm) if block.width_mm else image.width
            width = Emu(min(int(width), ctx.width * EMU_PER_TWIP))
        cx, cy = image.scaled_dimensions(width, None)
        inline = CT_Inline.new_pic_inline(self.next_shape_id, rid, image.filename, cx, cy)
        self.next_shape_id += 1
        oxml.describe_picture(inline, block.alt)
        if svg_rid is not None:
            oxml.add_svg_blip(inline, svg_rid)
        p = oxml.paragraph(parent, ctx.normal)
        etree.SubElement(oxml.run(p), qn("w:drawing")).append(inline)

    def _svg_part(self, data: bytes) -> str:
        """The relationship to an SVG kept as it is, beside its raster fallback."""
        rid = self.svg_parts.get(data)
        if rid is None:
            pkg = self.doc.part.package
            part = Part(pkg.next_partname("/word/media/image%d.svg"), "image/svg+xml", data, pkg)
            rid = self.svg_parts[data] = self.doc.part.relate_to(part, RT.IMAGE)
        return rid

    def _image_stand_in(
        self, parent: etree._Element, block: d.Image, ctx: _Context, kind: str
    ) -> None:
        """A picture Word cannot hold here becomes its alt text, in the Caption style."""
        if block.alt:
            style_id = ctx.normal if ctx.in_footnote else self._style_id("Caption")
            oxml.run(oxml.paragraph(parent, style_id), block.alt)
            self.warnings.warn(f"{kind} is not embedded in the DOCX; its alt text stands in for it")
        else:
            self.warnings.warn(f"{kind} without alt text was left out of the DOCX")

    # -- inline -------------------------------------------------------------------

    def _inlines(
        self,
        parent: etree._Element,
        nodes: list[d.Inline],
        ctx: _Context,
        *,
        bold: bool = False,
        italic: bool = False,
        link: bool = False,
    ) -> None:
        link_style = HYPERLINK[1] if link else None
        for node in nodes:
            if isinstance(node, d.Text):
                if node.text:
                    oxml.run(parent, node.text, bold=bold, italic=italic, style_id=link_style)
            elif isinstance(node, d.Emphasis):
                self._inlines(parent, node.children, ctx, bold=bold, italic=True, link=link)
            elif isinstance(node, d.Strong):
                self._inlines(parent, node.children, ctx, bold=True, italic=italic, link=link)
            elif isinstance(node, d.Link):
                if link or not node.href:  # Word has no link inside a link
                    self._inlines(parent, node.children, ctx, bold=bold, italic=italic, link=link)
                    continue
                if node.href.startswith("#"):
                    target = oxml.hyperlink(parent, anchor=node.href[1:])
                else:
                    target = oxml.hyperlink(parent, rid=ctx.story.link(node.href))
                self._inlines(target, node.children, ctx, bold=bold, italic=italic, link=True)
            elif isinstance(node, d.RightToLeft):
                self._inlines(parent, node.children, ctx, bold=bold, italic=italic, link=link)
            elif isinstance(node, d.LineBreak):
                oxml.line_break(parent)
            elif isinstance(node, d.FootnoteRef):
                if ctx.in_footnote:
                    # Word has no footnotes in footnotes: the text goes in brackets instead.
                    oxml.run(
                        parent, f" ({d.plain_text(node.body).strip()})", bold=bold, italic=italic
                    )
                else:
                    oxml.footnote_reference(
                        parent, self._footnote(node.body), FOOTNOTE_REFERENCE[1]
                    )
            else:
                raise TypeError(f"not an inline of the document model: {node!r}")

    def _footnote(self, body: list[d.Block]) -> int:
        if self.footnotes is None:
            self.footnotes = oxml.footnotes_root()
            part = XmlPart(
                PackURI("/word/footnotes.xml"),
                oxml.FOOTNOTES_CONTENT_TYPE,
                self.footnotes,
                self.doc.part.package,
            )
            self.doc.part.relate_to(part, RT.FOOTNOTES)
            self.footnote_story = _Story(part)
        assert self.footnote_story is not None
        footnote_id = self.next_footnote
        self.next_footnote += 1
        note = oxml.footnote(self.footnotes, footnote_id)
        style_id = FOOTNOTE_TEXT[1]
        ctx = _Context(self.footnote_story, style_id, self.page.text_width, in_footnote=True)
        self._blocks(note, body, ctx)
        first = note.find(oxml.P)
        if first is None or note.index(first) != 0:
            first = oxml.paragraph(note, style_id)
            note.insert(0, first)  # a footnote opens with its number
        oxml.footnote_mark(first, FOOTNOTE_REFERENCE[1])
        oxml.ensure_ends_with_paragraph(note)
        return footnote_id

    # -- pages and properties -------------------------------------------------------

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        margins = self.page.margins_mm
        section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
        section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
        # Header and footer sit halfway into the top and bottom margins.
        section.header_distance = Mm(margins["top"] / 2)
        section.footer_distance = Mm(margins["bottom"] / 2)
        section.gutter = 0
        section.different_first_page_header_footer = True  # the cover has no running text

    def _furniture(self) -> None:
        """Running header and footer; the cover page shows only the draft mark."""
        furniture = self.source.furniture
        section = self.doc.sections[0]
        header_id, footer_id = self._style_id("header"), self._style_id("footer")
        draft = furniture.draft_label if self.source.metadata.draft else ""
        draft_style = self._style_id(DRAFT_LABEL, paragraph=False)

        def fresh(story: object, style_id: str) -> etree._Element:
            first = story.paragraphs[0]._p  # type: ignore[attr-defined]
            container = first.getparent()
            for child in list(container):
                container.remove(child)
            return oxml.paragraph(container, style_id)

        for story, text in ((section.header, furniture.header), (section.first_page_header, "")):
            p = fresh(story, header_id)
            if text:
                oxml.run(p, text)
            if draft:
                oxml.run(p, "\t")
                oxml.run(p, draft, style_id=draft_style)
        p = fresh(section.footer, footer_id)
        if furniture.footer:
            oxml.run(p, furniture.footer)
        oxml.run(p, "\t")
        for piece in re.split(r"(\{page\}|\{pages\})", furniture.page_label):
            if piece == "{page}":
                oxml.field(p, "PAGE", "1")
            elif piece == "{pages}":
                oxml.field(p, "NUMPAGES", "1")
            elif piece:
                oxml.run(p, piece)
        fresh(section.first_page_footer, footer_id)

    def _record(self) -> None:
        """The provenance record, as an item of Word's custom XML data store."""
        pkg = self.doc.part.package
        item = Part(PackURI("/" + RECORD_PART), "application/xml", self.record.to_xml(), pkg)
        props = Part(
            PackURI("/" + RECORD_PART.replace("item", "itemProps")),
            CT.OFC_CUSTOM_XML_PROPERTIES,
            oxml.custom_xml_properties(RECORD_NS),
            pkg,
        )
        item.relate_to(props, RT.CUSTOM_XML_PROPS)
        self.doc.part.relate_to(item, RT.CUSTOM_XML)

    def _properties(self) -> None:
        meta = self.source.metadata
        props = self.doc.core_properties
        props.title = _property(meta.title)
        props.subject = _property(meta.subject)
        props.author = _property("; ".join(meta.authors))
        props.keywords = _property("; ".join(meta.keywords))
        props.language = self.language
        props.content_status = "Draft" if meta.draft else "Final"
        props.identifier = _property(meta.reference)
        props.comments = ""
        props.category = ""
        props.last_modified_by = "reportgen"
        props.revision = 1
        epoch = package.source_date_epoch()
        stamp = (
            datetime.fromtimestamp(epoch, UTC)
            if epoch is not None
            else datetime.now(UTC).replace(microsecond=0)
        )
        props.created = props.modified = stamp
        custom = Part(
            PackURI("/" + package.CUSTOM_PROPERTIES),
            CT.OFC_CUSTOM_PROPERTIES,
            oxml.custom_properties_xml(
                {
                    "reportgen.template": meta.template,
                    "reportgen.reference": meta.reference,
                    package.FINGERPRINT_PROPERTY: "",  # filled in once the package is complete
                }
            ),
            self.doc.part.package,
        )
        self.doc.part.package.relate_to(custom, RT.CUSTOM_PROPERTIES)


def _property(text: str) -> str:
    """A document property as Word takes it: at most 255 characters (the rest is cut off)."""
    return text if len(text) <= 255 else text[:254] + "…"


def _rasterize_svg(block: d.Image, max_width: int) -> tuple[bytes, Emu] | None:
    """A PNG of an SVG picture at 300 dpi, and its width on the page; None without cairosvg.

    Word shows the SVG itself (Office 2016 and later); the PNG is the fallback that
    every DOCX reader understands.  cairosvg runs in its safe mode: no entities and
    no fetching of anything but data: URLs.
    """
    try:
        import cairosvg
    except (ImportError, OSError):  # OSError: the cairo library itself is missing
        return None
    try:
        natural = DocxImage.from_blob(cairosvg.svg2png(bytestring=block.data))
        width = int(Mm(block.width_mm)) if block.width_mm else natural.px_width * EMU_PER_CSS_PX
        width = min(width, max_width)
        png = cairosvg.svg2png(
            bytestring=block.data, output_width=max(1, round(width / 914400 * 300))
        )
    except Exception as error:  # cairosvg fails in many ways on a broken file; none is a bug here
        raise ReportgenError(
            f"picture {block.alt or 'SVG'!r} is not an SVG image reportgen can read: {error}"
        ) from None
    return png, Emu(width)


def _headings(blocks: list[d.Block]) -> list[d.Heading]:
    """Every heading, in document order, wherever it is (footnotes aside)."""
    found: list[d.Heading] = []
    for block in blocks:
        if isinstance(block, d.Heading):
            found.append(block)
        elif isinstance(block, d.Quote):
            found += _headings(block.children)
        elif isinstance(block, d.ListBlock):
            for item in block.items:
                found += _headings(item.children)
        elif isinstance(block, d.Table):
            for row in block.rows:
                for cell in row.cells:
                    found += _headings(cell.children)
    return found


def _first_paragraph(blocks: list[d.Block]) -> tuple[list[d.Inline], list[d.Block]]:
    if blocks and isinstance(blocks[0], d.Paragraph):
        return blocks[0].children, blocks[1:]
    return [], blocks


def _grid_rows(rows: list[d.TableRow]) -> list[d.TableRow]:
    """Rows with merged cells spread over the grid: a spanning cell, then empty cells."""
    if all(c.colspan == 1 and c.rowspan == 1 for row in rows for c in row.cells):
        return rows
    covered: dict[tuple[int, int], bool] = {}
    result = []
    for index, row in enumerate(rows):
        cells: list[d.TableCell] = []
        column = 0
        for cell in row.cells:
            while covered.pop((index, column), False):
                cells.append(d.TableCell())
                column += 1
            cells.append(d.TableCell(cell.children))
            cells.extend(d.TableCell() for _ in range(max(cell.colspan, 1) - 1))
            for below in range(1, max(cell.rowspan, 1)):
                for offset in range(max(cell.colspan, 1)):
                    covered[(index + below, column + offset)] = True
            column += max(cell.colspan, 1)
        while covered.pop((index, column), False):
            cells.append(d.TableCell())
            column += 1
        result.append(d.TableRow(cells=cells, header=row.header))
    return result


def _column_widths(relative: list[float], columns: int, available: int) -> list[int]:
    """Column widths in twips that add up to ``available``, in the given proportions."""
    weights = (
        relative if len(relative) == columns and all(w > 0 for w in relative) else [1.0] * columns
    )
    total = float(sum(weights))
    widths = [max(int(available * w / total), round(5 * TWIPS_PER_MM)) for w in weights]
    widths[-1] += available - sum(widths)
    return widths
