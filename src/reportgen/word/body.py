"""Stories (the body, a note, a cell, a text box): paragraphs, runs and fields → blocks."""

# Tracked changes are read as if accepted (insertions kept, deletions dropped):
# refusing a DOCX that still holds them is the review guard's job.  Comments
# are not part of the document and are ignored.  Every other element either
# reaches the document model or is named in a warning (DESIGN.md, invariant 8):
# the sets below list what is read on purpose as nothing.

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from lxml import etree

from .. import documents as d
from ..links import safe_href
from ..provenance import mark_key
from . import drawing, tables
from .fields import PAGE_DEPENDENT, Field, classify, form_field_text, placeholder, toc_levels
from .grouping import ContinuePara, Flat, ListPara, QuotePara, group
from .inlines import Anchored, BlockBreak, Piece, build_inlines, has_content
from .namespaces import NS, qn
from .ooxml_read import Relationship, is_on, w_val
from .paragraph_styles import NORMAL, Role
from .symbols import is_symbol_font, symbol_character, symbol_text

if TYPE_CHECKING:
    from .reader import DocxReader

# -- element names, computed once (the reader touches every element) ---------

W_P, W_R, W_T, W_TBL = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tbl")
W_PPR, W_RPR = qn("w:pPr"), qn("w:rPr")
W_PSTYLE, W_RSTYLE, W_NUMPR, W_NUMID, W_ILVL = (
    qn(f"w:{n}") for n in ("pStyle", "rStyle", "numPr", "numId", "ilvl")
)
W_B, W_I, W_VANISH, W_OUTLINE = (qn(f"w:{n}") for n in ("b", "i", "vanish", "outlineLvl"))
W_BIDI, W_RTL, W_PGNUM = qn("w:bidi"), qn("w:rtl"), qn("w:pgNum")
W_PAGEBREAKBEFORE, W_SECTPR, W_TYPE = qn("w:pageBreakBefore"), qn("w:sectPr"), qn("w:type")
W_FRAMEPR, W_DROPCAP = qn("w:framePr"), qn("w:dropCap")
W_INS, W_DEL, W_MOVEFROM, W_MOVETO = (qn(f"w:{n}") for n in ("ins", "del", "moveFrom", "moveTo"))
W_HYPERLINK, W_FLDSIMPLE, W_FLDCHAR, W_INSTRTEXT = (
    qn(f"w:{n}") for n in ("hyperlink", "fldSimple", "fldChar", "instrText")
)
W_SDT, W_SDTPR, W_SDTCONTENT = qn("w:sdt"), qn("w:sdtPr"), qn("w:sdtContent")
W_DOCPARTOBJ, W_DOCPARTGALLERY = qn("w:docPartObj"), qn("w:docPartGallery")
W_SMARTTAG, W_CUSTOMXML, W_DIR, W_BDO = (
    qn(f"w:{n}") for n in ("smartTag", "customXml", "dir", "bdo")
)
W_TAB, W_PTAB, W_BR, W_CR = (qn(f"w:{n}") for n in ("tab", "ptab", "br", "cr"))
W_NOBREAKHYPHEN, W_SOFTHYPHEN, W_SYM = (
    qn(f"w:{n}") for n in ("noBreakHyphen", "softHyphen", "sym")
)
W_FOOTNOTEREF, W_ENDNOTEREF = qn("w:footnoteReference"), qn("w:endnoteReference")
W_DRAWING, W_PICT, W_OBJECT = qn("w:drawing"), qn("w:pict"), qn("w:object")
W_RUBY, W_RUBYBASE = qn("w:ruby"), qn("w:rubyBase")
W_ALTCHUNK, W_SUBDOC = qn("w:altChunk"), qn("w:subDoc")
W_ID, W_TYPE_ATTR, W_CHAR, W_FONT = qn("w:id"), qn("w:type"), qn("w:char"), qn("w:font")
W_RFONTS, W_ASCII, W_HANSI = qn("w:rFonts"), qn("w:ascii"), qn("w:hAnsi")
W_BOOKMARKSTART, W_BOOKMARKEND, W_NAME = qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:name")
W_FLDCHARTYPE, W_INSTR, W_FFDATA = qn("w:fldCharType"), qn("w:instr"), qn("w:ffData")
R_ID = qn("r:id")
MC_ALTERNATE = qn("mc:AlternateContent")
M_NS = NS["m"]
M_T, M_OMATH, M_OMATHPARA = f"{{{M_NS}}}t", f"{{{M_NS}}}oMath", f"{{{M_NS}}}oMathPara"

# Elements that show nothing, read as nothing on purpose: properties read
# elsewhere, bookmarks, comment ranges, proofing and permission marks, the
# parts of tracked deletions (read as accepted), a note's own mark.
_W_QUIET = [
    "pPr",
    "rPr",
    "tblPr",
    "tcPr",
    "trPr",
    "sectPr",
    "bookmarkStart",
    "bookmarkEnd",
    "commentRangeStart",
    "commentRangeEnd",
    "commentReference",
    "annotationRef",
    "proofErr",
    "permStart",
    "permEnd",
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
    "customXmlInsRangeStart",
    "customXmlInsRangeEnd",
    "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
    "customXmlMoveFromRangeStart",
    "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart",
    "customXmlMoveToRangeEnd",
    "del",
    "moveFrom",
    "delText",
    "delInstrText",
    "footnoteRef",
    "endnoteRef",
    "separator",
    "continuationSeparator",
    "lastRenderedPageBreak",
    "sdtPr",
    "sdtEndPr",
    "smartTagPr",
    "customXmlPr",
    "rt",
    "dayShort",
    "monthShort",
    "yearShort",
    "dayLong",
    "monthLong",
    "yearLong",
]
QUIET = frozenset(qn(f"w:{name}") for name in _W_QUIET)
# Ignorable markup of later Word versions (mc:Ignorable) that carries no text.
_QUIET_NAMESPACES = (NS["w14"], NS["w15"], "http://schemas.microsoft.com/office/word/2016/wordml")


def describe(element: etree._Element) -> str:
    """An element as ``w:name`` for a warning."""
    tag = etree.QName(element)
    prefixes = {uri: prefix for prefix, uri in NS.items()}
    return f"{prefixes.get(tag.namespace or '', tag.namespace)}:{tag.localname}"


def first_words(text: str, count: int = 6) -> str:
    words = text.split()
    shown = " ".join(words[:count])
    return shown + ("…" if len(words) > count else "")


class StoryReader:
    """Reads one story at a time; the document reader holds styles, numbering and notes."""

    def __init__(self, doc: DocxReader) -> None:
        self.doc = doc
        self.warnings = doc.warnings
        self.package = doc.package
        # story state: the part being read (its relationships) and its open fields
        self.rels: dict[str, Relationship] = doc.main_rels
        self.story = "the document"
        self.fields: list[Field] = []
        self.link_stack: list[str | None] = []
        self.in_note = False
        self.furniture_mode = False
        # reportgen's provenance mark still open (a paragraph split in two): bookmark id, key
        self.open_mark: tuple[str, str] | None = None
        # The last paragraph read, for warnings: its words are only taken when one is given.
        self.last_inlines: list[d.Inline] = []

    # -- where we are, for warnings ---------------------------------------------

    def where(self) -> str:
        words = first_words(d.plain_text(self.last_inlines))
        place = f"after {words!r}" if words else "at the start"
        return place if self.story == "the document" else f"in {self.story}, {place}"

    def unread(self, element: etree._Element, what: str | None = None) -> None:
        """Warn about an element the PDF will not show (DESIGN.md, invariant 8)."""
        name = what or f"an element reportgen does not read ({describe(element)})"
        self.warnings.warn(f"{name} {self.where()} is not in the PDF")

    def is_quiet(self, element: etree._Element) -> bool:
        tag = element.tag
        if not isinstance(tag, str):
            return True  # comments and processing instructions
        if tag in QUIET:
            return True
        return etree.QName(tag).namespace in _QUIET_NAMESPACES and not has_text(element)

    @contextmanager
    def nested(
        self, story: str, rels: dict[str, Relationship] | None = None, *, note: bool = False
    ) -> Iterator[None]:
        """Read another story (a note, a text box) inside this one, then carry on."""
        saved = (self.rels, self.story, self.fields, self.link_stack, self.in_note)
        saved_inlines = self.last_inlines
        self.rels = rels if rels is not None else self.rels
        self.story = story
        self.fields, self.link_stack, self.last_inlines = [], [], []
        self.in_note = self.in_note or note
        try:
            yield
        finally:
            self.rels, self.story, self.fields, self.link_stack, self.in_note = saved
            self.last_inlines = saved_inlines

    # -- blocks ----------------------------------------------------------------

    def blocks(self, container: etree._Element) -> list[d.Block]:
        flat: list[Flat] = []
        outer, self.open_mark = self.open_mark, None  # a table cell, a note: marks of its own
        self.collect_blocks(container, flat)
        self.open_mark = outer
        return group(flat)

    def collect_blocks(self, container: etree._Element, flat: list[Flat]) -> None:
        carried: list[Piece | BlockBreak | Anchored] = []
        for child in container:
            tag = child.tag
            if tag == W_P:
                carried = self.paragraph(child, flat, carried)
            elif tag == W_TBL:
                carried = self._flush_carried(carried, flat)
                flat.append(tables.read_table(self, child))
            elif tag == W_SDT:
                carried = self._flush_carried(carried, flat)
                self._sdt_block(child, flat)
            elif tag in (W_CUSTOMXML, W_INS, W_MOVETO):
                self.collect_blocks(child, flat)
            elif tag == MC_ALTERNATE:
                branch = drawing.alternate_branch(child)
                if branch is not None:
                    self.collect_blocks(branch, flat)
            elif tag == W_ALTCHUNK:
                self.unread(
                    child,
                    "a chunk of another format embedded in the DOCX (altChunk; open and save "
                    "the file in Word to make it text)",
                )
            elif tag in (M_OMATHPARA, M_OMATH):
                carried = self._flush_carried(carried, flat)
                text = math_text(child)
                if text:
                    flat.append(d.Paragraph([d.Text(text)]))
            elif child.tag not in QUIET and not self.is_quiet(child):
                self.unread(child)
        self._flush_carried(carried, flat)

    def _flush_carried(self, carried: list, flat: list[Flat]) -> list:
        if carried:
            self.emit_paragraph(carried, NORMAL, None, "", flat)
        return []

    def _sdt_block(self, sdt: etree._Element, flat: list[Flat]) -> None:
        content = sdt.find(W_SDTCONTENT)
        if content is None:
            return
        gallery = sdt.find(f"{W_SDTPR}/{W_DOCPARTOBJ}/{W_DOCPARTGALLERY}")
        if gallery is not None and w_val(gallery).lower() == "table of contents":
            # Word's contents: a "TOC Heading" paragraph then the TOC field.
            title = ""
            for paragraph in content.iter(W_P):
                role, _ = self.doc.role(w_val(paragraph.find(f"{W_PPR}/{W_PSTYLE}")) or None)
                if role.kind == "toc-heading":
                    title = element_text(paragraph).strip()
                    break
            flat.append(d.TableOfContents(title=title, levels=toc_levels(content)))
            return
        self.collect_blocks(content, flat)

    def paragraph(
        self, p: etree._Element, flat: list[Flat], carried: list[Piece | BlockBreak | Anchored]
    ) -> list[Piece | BlockBreak | Anchored]:
        ppr = p.find(W_PPR)
        style_id = None
        direct_outline: int | None = None
        numpr = None
        break_before = None
        section_break = False
        mark_deleted = False
        drop_cap = False
        rtl = False
        if ppr is not None:
            style_id = w_val(ppr.find(W_PSTYLE)) or None
            outline = ppr.find(W_OUTLINE)
            if outline is not None and w_val(outline).isdigit():
                direct_outline = int(w_val(outline))
            numpr = ppr.find(W_NUMPR)
            pbb = ppr.find(W_PAGEBREAKBEFORE)
            if pbb is not None:
                break_before = is_on(pbb)
            sect = ppr.find(W_SECTPR)
            if sect is not None:
                section_break = w_val(sect.find(W_TYPE), "nextPage") != "continuous"
            mark_rpr = ppr.find(W_RPR)
            if mark_rpr is not None:
                mark_deleted = (
                    mark_rpr.find(W_DEL) is not None or mark_rpr.find(W_MOVEFROM) is not None
                )
            bidi = ppr.find(W_BIDI)
            if bidi is not None:
                rtl = is_on(bidi)
            frame = ppr.find(W_FRAMEPR)
            if frame is not None:
                drop_cap = frame.get(W_DROPCAP, "none") in ("drop", "margin")
        inherited = self.doc.paragraph_style(style_id)
        if ppr is None or ppr.find(W_BIDI) is None:
            rtl = inherited.bidi
        if break_before is None:
            break_before = inherited.page_break_before
        if break_before and not self.in_note:
            flat.append(d.PageBreak())

        pieces: list[Piece | BlockBreak | Anchored] = list(carried)
        mark = self._mark(p)
        self.inline(p, pieces)
        if mark_deleted or drop_cap:
            # A deleted paragraph mark joins this paragraph to the next one; a drop
            # cap (a framed paragraph of its own) is the first letter of the next.
            return pieces

        role, unknown = self.doc.role(style_id)
        outline = direct_outline if direct_outline is not None else inherited.outline
        in_toc = True
        if role.kind == "heading" and direct_outline == 9:
            in_toc = False  # "body text" outline level: a heading kept out of the contents
        elif role.kind == "normal" and outline is not None and outline < 9:
            role, unknown = Role("heading", level=min(outline + 1, 3)), None

        if role.kind in ("normal", "list"):
            listed = self._list_role(role, style_id, numpr)
            if listed is not None:
                role, unknown = listed, None
        elif role.kind == "heading" and has_content(pieces):
            # A numbered heading ("1.2 Scope"): its number is part of what Word shows.
            numbered = self._list_role(NORMAL, style_id, numpr)
            if numbered is not None and numbered.ordered:
                label = numbered.label if numbered.label is not None else f"{numbered.value}."
                if label.strip():
                    pieces.insert(len(carried), Piece(d.Text(label + " ")))
        if unknown and has_content(pieces):
            self.warnings.warn(
                f"paragraph style {unknown!r} is not one reportgen knows; "
                "its paragraphs are shown as body text"
            )
        self.emit_paragraph(pieces, role, in_toc, "rtl" if rtl else "", flat, mark)
        if section_break and not self.in_note:
            flat.append(d.PageBreak())
        return []

    def _mark(self, p: etree._Element) -> str:
        """The key of the provenance mark (provenance.py) on a paragraph, or "".

        A paragraph a reviewer split in two has the mark's start in the first
        and its end in the second: both carry it.
        """
        start: tuple[str, str] | None = None
        ends: set[str] = set()
        for bookmark in p.iter(W_BOOKMARKSTART, W_BOOKMARKEND):
            if bookmark.tag == W_BOOKMARKEND:
                ends.add(bookmark.get(W_ID, ""))
            elif start is None:
                key = mark_key(bookmark.get(W_NAME, ""))
                if key is not None:
                    start = (bookmark.get(W_ID, ""), key)
        if start is None:
            start = self.open_mark
        if start is None:
            return ""
        self.open_mark = None if start[0] in ends else start
        return start[1]

    def _list_role(
        self, role: Role, style_id: str | None, numpr: etree._Element | None
    ) -> Role | None:
        num_id: object = None
        ilvl: int | None = None
        if numpr is not None:
            num_id = w_val(numpr.find(W_NUMID)) or None
            text = w_val(numpr.find(W_ILVL))
            ilvl = int(text) if text.isdigit() else None
        inherited = self.doc.paragraph_style(style_id)
        if num_id is None:
            num_id = inherited.num_id
        if num_id == "0":
            return None  # numbering switched off on this paragraph
        style_ilvl = inherited.ilvl
        number_level = (
            ilvl if ilvl is not None else (style_ilvl if isinstance(style_ilvl, int) else 0)
        )
        # "List Bullet 2" nests one level down even when its numbering has one level.
        level = ilvl if ilvl is not None else role.level if role.kind == "list" else number_level
        numbered = (
            self.doc.numbering.next_item(num_id, number_level) if isinstance(num_id, str) else None
        )
        if numbered is not None:
            return Role(
                "list",
                level=level,
                ordered=numbered.ordered,
                value=numbered.value,
                label=_shown_label(numbered.ordered, numbered.value, numbered.label),
            )
        if role.kind == "list":
            return Role("list", level=level, ordered=role.ordered)
        return None

    def emit_paragraph(
        self,
        pieces: list[Piece | BlockBreak | Anchored],
        role: Role,
        in_toc: bool | None,
        direction: str,
        flat: list[Flat],
        mark: str = "",
    ) -> None:
        run: list[Piece] = []
        anchored: list[d.Block] = []
        for piece in [*pieces, None]:
            if isinstance(piece, Piece):
                run.append(piece)
                continue
            if isinstance(piece, Anchored):
                anchored.append(piece.block)
                continue
            if run and has_content(run):
                children = build_inlines(run, direction == "rtl")
                flat.append(_make_block(children, role, in_toc, direction, mark))
                self.last_inlines = children
            run = []
            if isinstance(piece, BlockBreak):
                if isinstance(piece.block, d.PageBreak) and self.in_note:
                    continue
                flat.append(piece.block)
        # Text boxes anchored in the paragraph come after it, in reading order.
        flat.extend(anchored)

    # -- inline content ---------------------------------------------------------

    def visible(self) -> bool:
        for f in self.fields:
            if not f.in_result or f.kind == "toc":
                return False
            if self.furniture_mode and f.kind in PAGE_DEPENDENT:
                return False
        return True

    def inline(self, parent: etree._Element, out: list) -> None:
        for child in parent:
            tag = child.tag
            if tag == W_R:
                self._run(child, out)
            elif tag in (W_INS, W_MOVETO, W_SMARTTAG, W_CUSTOMXML, W_DIR, W_BDO):
                self.inline(child, out)
            elif tag == W_HYPERLINK:
                self._hyperlink(child, out)
            elif tag == W_FLDSIMPLE:
                self._simple_field(child, out)
            elif tag == W_SDT:
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    self.inline(content, out)
            elif tag == MC_ALTERNATE:
                branch = drawing.alternate_branch(child)
                if branch is not None:
                    self.inline(branch, out)
            elif tag in (M_OMATH, M_OMATHPARA):
                text = math_text(child)
                if text and self.visible():
                    out.append(Piece(d.Text(text), href=self.href()))
            elif tag == W_SUBDOC:
                self.unread(child, "a subdocument")
            elif child.tag not in QUIET and not self.is_quiet(child):
                self.unread(child)

    def href(self) -> str | None:
        for f in reversed(self.fields):
            if f.kind == "hyperlink" and f.in_result:
                return f.href
        return self.link_stack[-1] if self.link_stack else None

    def _hyperlink(self, element: etree._Element, out: list) -> None:
        href = None
        rel_id = element.get(R_ID)
        if rel_id:
            rel = self.rels.get(rel_id)
            if rel is not None and rel.external:
                href = self.safe_href(rel.target)
        # w:anchor alone is a link inside the document: kept as text.
        self.link_stack.append(href)
        try:
            self.inline(element, out)
        finally:
            self.link_stack.pop()

    def safe_href(self, url: str) -> str | None:
        safe = safe_href(url)
        if safe is None:
            url = url.strip()
            shown = url if len(url) <= 60 else url[:57] + "…"
            self.warnings.warn(
                f"link to {shown!r} left out (only http, https and mailto links are kept); "
                "its text is kept"
            )
        return safe

    def _simple_field(self, element: etree._Element, out: list) -> None:
        instruction = element.get(W_INSTR, "")
        f = Field(instruction=[instruction], in_result=True)
        classify(f, self.safe_href)
        if f.kind == "toc":
            out.append(BlockBreak(d.TableOfContents(title="", levels=f.levels)))
            return
        if self.furniture_mode and f.kind in PAGE_DEPENDENT:
            out.append(Piece(d.Text(placeholder(f))))
            return
        self.fields.append(f)
        try:
            self.inline(element, out)
        finally:
            self.fields.pop()

    def _field_char(self, element: etree._Element, out: list) -> None:
        kind = element.get(W_FLDCHARTYPE, "")
        if kind == "begin":
            self.fields.append(Field(form=element.find(W_FFDATA)))
        elif kind == "separate" and self.fields:
            f = self.fields[-1]
            classify(f, self.safe_href)
            f.in_result = True
            self._field_placed(f, out)
        elif kind == "end" and self.fields:
            f = self.fields.pop()
            if not f.in_result:
                classify(f, self.safe_href)
                self._field_placed(f, out)

    def _field_placed(self, f: Field, out: list) -> None:
        if f.emitted or not all(o.in_result and o.kind != "toc" for o in self.fields if o is not f):
            return
        f.emitted = True
        if f.kind == "toc":
            out.append(BlockBreak(d.TableOfContents(title="", levels=f.levels)))
        elif self.furniture_mode and f.kind in PAGE_DEPENDENT:
            out.append(Piece(d.Text(placeholder(f))))
        elif f.kind in ("checkbox", "dropdown") and (shown := form_field_text(f)):
            out.append(Piece(d.Text(shown), href=self.href()))

    def _run(self, r: etree._Element, out: list) -> None:
        bold = italic = hidden = marked = rtl = False
        font = ""
        rpr = r.find(W_RPR)
        if rpr is not None:
            rstyle = rpr.find(W_RSTYLE)
            if rstyle is not None:
                style_bold, style_italic, marked = self.doc.char_format(w_val(rstyle))
                bold, italic = bool(style_bold), bool(style_italic)
            if (b := rpr.find(W_B)) is not None:
                bold = is_on(b)
            if (i := rpr.find(W_I)) is not None:
                italic = is_on(i)
            vanish = rpr.find(W_VANISH)
            hidden = vanish is not None and is_on(vanish)
            if (right := rpr.find(W_RTL)) is not None:
                rtl = is_on(right)
            if (fonts := rpr.find(W_RFONTS)) is not None:
                font = _symbol_font(fonts)
        fmt = Piece(d.Text(""), bold, italic, self.href(), marked, rtl)
        self.run_content(r, fmt, hidden, out, font)

    def run_content(
        self, items: etree._Element, fmt: Piece, hidden: bool, out: list, font: str = ""
    ) -> None:
        """The children of a run; ``fmt`` carries its formatting, ``font`` its symbol font."""

        def add(node: d.Inline) -> None:
            if not hidden and self.visible():
                out.append(Piece(node, fmt.bold, fmt.italic, fmt.href, fmt.marked, fmt.rtl))

        for child in items:
            tag = child.tag
            if tag == W_T:
                if child.text:
                    add(d.Text(symbol_text(font, child.text) if font else child.text))
            elif tag in (W_TAB, W_PTAB):
                add(d.Text("\t" if self.furniture_mode else " "))
            elif tag == W_BR:
                kind = child.get(W_TYPE_ATTR, "textWrapping")
                if kind == "page":
                    if self.visible():
                        out.append(BlockBreak(d.PageBreak()))
                else:
                    add(d.Text(" ") if kind == "column" else d.LineBreak())
            elif tag == W_CR:
                add(d.LineBreak())
            elif tag == W_NOBREAKHYPHEN:
                add(d.Text("\u2011"))
            elif tag == W_SOFTHYPHEN:
                add(d.Text("\u00ad"))
            elif tag == W_SYM:
                if symbol := _symbol(child.get(W_FONT, ""), child.get(W_CHAR, "")):
                    add(d.Text(symbol))
            elif tag == W_FLDCHAR:
                self._field_char(child, out)
            elif tag == W_INSTRTEXT:
                if self.fields and not self.fields[-1].in_result:
                    self.fields[-1].instruction.append(child.text or "")
            elif tag in (W_FOOTNOTEREF, W_ENDNOTEREF):
                if self.visible() and not self.in_note:
                    kind = "footnote" if tag == W_FOOTNOTEREF else "endnote"
                    note = self.doc.notes.reference(self, kind, child.get(W_ID, ""))
                    if note is not None:
                        out.append(Piece(note))
            elif tag == W_PGNUM:
                if self.furniture_mode:
                    add(d.Text("{page}"))
            elif tag in (W_DRAWING, W_PICT, W_OBJECT):
                if self.visible() and not hidden:
                    drawing.read_graphic(self, child, out)
            elif tag == MC_ALTERNATE:
                branch = drawing.alternate_branch(child)
                if branch is not None:
                    self.run_content(branch, fmt, hidden, out, font)
            elif tag == W_RUBY:
                base = child.find(W_RUBYBASE)
                if base is not None:
                    for inner in base.iter(W_T):
                        if inner.text:
                            add(d.Text(inner.text))
            elif child.tag not in QUIET and not self.is_quiet(child):
                self.unread(child)


def _make_block(
    children: list[d.Inline], role: Role, in_toc: bool | None, direction: str, mark: str = ""
) -> Flat:
    if role.kind == "heading":
        return d.Heading(
            level=role.level,
            children=children,
            in_toc=in_toc is not False,
            mark=mark,
            direction=direction,
        )
    if role.kind == "style":
        return d.Paragraph(children=children, style=role.style, mark=mark, direction=direction)
    paragraph = d.Paragraph(children, mark=mark, direction=direction)
    if role.kind == "list":
        return ListPara(bool(role.ordered), role.level, role.value, paragraph, role.label)
    if role.kind == "continue":
        return ContinuePara(role.level, paragraph)
    if role.kind == "quote":
        return QuotePara(paragraph)
    if role.kind == "toc-heading":
        paragraph.style = "TOC Heading"
    return paragraph


def _shown_label(ordered: bool, value: int | None, label: str) -> str | None:
    """The label to keep: None where the writers' own 1. 2. 3. or bullet shows the same."""
    if ordered and value is not None and label == f"{value}.":
        return None
    if not ordered and label == "•":
        return None
    return label


def has_text(element: etree._Element) -> bool:
    return any(t.text and t.text.strip() for t in element.iter(W_T))


def element_text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(W_T))


def math_text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(M_T))


def _symbol(font: str, code: str) -> str:
    """A w:sym's character: a symbol font's as Unicode, any other font's as it is."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    mapped = symbol_character(font, value)
    if mapped is not None:
        return mapped
    if 0xF000 <= value <= 0xF0FF:
        value -= 0xF000  # fonts map their characters into the private use area
    return chr(value) if value >= 0x20 and chr(value).isprintable() else ""


def _symbol_font(fonts: etree._Element) -> str:
    """The symbol font a run is set in (w:rFonts), or ""."""
    for attribute in (W_ASCII, W_HANSI):
        name = fonts.get(attribute)
        if name and is_symbol_font(name):
            return name
    return ""
