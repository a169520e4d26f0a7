"""DOCX → documents.Document, read with lxml straight from the package parts."""

# Tracked changes are read as if accepted (insertions kept, deletions dropped):
# refusing a DOCX that still holds them is the review guard's job.  Comments
# are not part of the document and are ignored.

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from itertools import groupby

from lxml import etree

from .. import documents as d
from ..links import safe_href
from ..provenance import mark_key
from ..results import Warnings
from .ooxml_read import Numbering, Package, Relationship, StyleTable, is_on, qn, w_val

# -- element names, computed once (the reader touches every element) ---------

W_P, W_R, W_T, W_TBL, W_TR, W_TC = (qn(f"w:{n}") for n in ("p", "r", "t", "tbl", "tr", "tc"))
W_PPR, W_RPR, W_TRPR, W_TCPR = (qn(f"w:{n}") for n in ("pPr", "rPr", "trPr", "tcPr"))
W_PSTYLE, W_RSTYLE, W_NUMPR, W_NUMID, W_ILVL = (
    qn(f"w:{n}") for n in ("pStyle", "rStyle", "numPr", "numId", "ilvl")
)
W_B, W_I, W_VANISH, W_OUTLINE = (qn(f"w:{n}") for n in ("b", "i", "vanish", "outlineLvl"))
W_PAGEBREAKBEFORE, W_SECTPR, W_TYPE = qn("w:pageBreakBefore"), qn("w:sectPr"), qn("w:type")
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
W_TBLGRID, W_GRIDCOL, W_GRIDSPAN, W_VMERGE = (
    qn(f"w:{n}") for n in ("tblGrid", "gridCol", "gridSpan", "vMerge")
)
W_TBLHEADER, W_ALTCHUNK, W_TXBXCONTENT = qn("w:tblHeader"), qn("w:altChunk"), qn("w:txbxContent")
W_VAL, W_ID, W_TYPE_ATTR = qn("w:val"), qn("w:id"), qn("w:type")
W_BOOKMARKSTART, W_BOOKMARKEND, W_NAME = qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:name")
W_FLDCHARTYPE, W_INSTR, W_W = qn("w:fldCharType"), qn("w:instr"), qn("w:w")
W_CHAR = qn("w:char")
W_HEADERREF, W_FOOTERREF, W_BODY = qn("w:headerReference"), qn("w:footerReference"), qn("w:body")
R_ID, R_EMBED, R_LINK = qn("r:id"), qn("r:embed"), qn("r:link")
MC_ALTERNATE, MC_CHOICE, MC_FALLBACK = qn("mc:AlternateContent"), qn("mc:Choice"), qn("mc:Fallback")
WP_DOCPR, WP_EXTENT, A_BLIP = qn("wp:docPr"), qn("wp:extent"), qn("a:blip")
V_IMAGEDATA = qn("v:imagedata")
M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
M_OMATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath"
M_OMATHPARA = "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMathPara"

REL_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
REL_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"

# Links a reader of the PDF may follow; anything else (javascript:, file:, data:)
# is dropped and its text kept (DESIGN.md, invariant 4).

EMU_PER_MM = 36_000

# -- paragraph styles -----------------------------------------------------------

_KNOWN = {name.lower(): name for name in d.KNOWN_PARAGRAPH_STYLES}
# Styles that are body text in all but name: read as Normal without a warning.
_BODY_ALIASES = {
    "normal",
    "body text",
    "body text 2",
    "body text 3",
    "text body",
    "default",
    "default paragraph style",
    "standard",
    "normal (web)",
    "no spacing",
    "plain text",
    "first paragraph",
    "compact",
    "list paragraph",
    "table contents",
    "table text",
    "table paragraph",
    "footnote text",
    "endnote text",
    "header",
    "footer",
    "toc heading",
}
_LIST_STYLE = re.compile(r"^list (bullet|number|continue)(?: ([1-9]))?$")
_HEADING_STYLE = re.compile(r"^heading ([1-9])$")
_TOC_ENTRY_STYLE = re.compile(r"^toc [1-9]$")


@dataclass(frozen=True)
class _Role:
    """What a paragraph style means for the document model."""

    kind: str  # normal, heading, style, list, continue, quote, toc-heading
    level: int = 0  # heading level (1–3) or list level (0-based)
    ordered: bool | None = None  # for list styles: List Number vs List Bullet
    style: str = "Normal"  # for kind "style": the canonical style name
    value: int | None = None  # for numbered paragraphs: the number Word shows


_NORMAL = _Role("normal")


def _role_for_name(name: str) -> _Role | None:
    lowered = " ".join(name.lower().split())
    if match := _HEADING_STYLE.match(lowered):
        return _Role("heading", level=min(int(match[1]), 3))
    if match := _LIST_STYLE.match(lowered):
        level = int(match[2] or 1) - 1
        if match[1] == "continue":
            return _Role("continue", level=level)
        return _Role("list", level=level, ordered=match[1] == "number")
    if lowered in ("quote", "intense quote"):
        return _Role("quote")
    if lowered == "toc heading":
        return _Role("toc-heading")
    if lowered in _KNOWN and lowered != "normal":
        return _Role("style", style=_KNOWN[lowered])
    if lowered in _BODY_ALIASES or _TOC_ENTRY_STYLE.match(lowered):
        return _NORMAL
    return None


# -- flat events, grouped into lists and quotes afterwards ---------------------


@dataclass
class _ListPara:
    ordered: bool
    level: int
    value: int | None  # the number Word shows, when it is an ordered list
    paragraph: d.Paragraph


@dataclass
class _ContinuePara:
    level: int
    paragraph: d.Paragraph


@dataclass
class _QuotePara:
    paragraph: d.Paragraph


_Flat = d.Block | _ListPara | _ContinuePara | _QuotePara


@dataclass
class _Piece:
    """One inline node with the formatting of the run it came from."""

    node: d.Inline
    bold: bool = False
    italic: bool = False
    href: str | None = None
    marked: bool = False  # run in a "draft" character style (page furniture)


@dataclass
class _BlockBreak:
    """A block met inside a paragraph (page break, image, contents): splits it."""

    block: d.Block


@dataclass
class _Field:
    instruction: list[str] = field(default_factory=list)
    in_result: bool = False
    kind: str = ""  # toc, page, pages, hyperlink, or "" for any other field
    href: str | None = None
    emitted: bool = False
    levels: int = 3  # for a TOC field: the outline levels it lists (\o "1-3")


_TOC_LEVELS = re.compile(r'\\o\s*"\d+-(\d+)"')
_FIELD_KINDS = {
    "TOC": "toc",
    "PAGE": "page",
    "NUMPAGES": "pages",
    "SECTIONPAGES": "pages",
    "HYPERLINK": "hyperlink",
}
_QUOTED = re.compile(r'"([^"]*)"')


def read_docx(data: bytes, warnings: Warnings | None = None) -> d.Document:
    """Read a DOCX (as Word or LibreOffice saved it) into the document model."""
    return _Reader(Package(data), warnings if warnings is not None else Warnings()).read()


class _Reader:
    def __init__(self, package: Package, warnings: Warnings) -> None:
        self.package = package
        self.warnings = warnings
        self.main = package.main_document()
        self.main_rels = package.relationships(self.main)
        self.styles = StyleTable.parse(self._part(REL_STYLES, "word/styles.xml"))
        self.numbering = Numbering.parse(self._part(REL_NUMBERING, "word/numbering.xml"))
        self._roles: dict[str | None, tuple[_Role, str | None]] = {}
        self._char_formats: dict[str, tuple[bool | None, bool | None, bool]] = {}
        self.notes: dict[str, dict[str, etree._Element]] = {"footnote": {}, "endnote": {}}
        self._note_rels: dict[str, dict[str, Relationship]] = {}
        # story state: the part being read (its relationships) and its open fields
        self.rels = self.main_rels
        self.fields: list[_Field] = []
        self.link_stack: list[str | None] = []
        self.in_note = False
        self.furniture_mode = False
        self.image_count = 0
        # reportgen's provenance mark still open (a paragraph split in two): bookmark id, key
        self.open_mark: tuple[str, str] | None = None

    # -- the whole document --------------------------------------------------

    def read(self) -> d.Document:
        self._read_notes()
        root = self.package.xml(self.main)
        body = root.find(W_BODY) if root is not None else None
        if body is None:
            from ..errors import UnsafeDocumentError

            raise UnsafeDocumentError("not a Word document (its main part has no body)")
        children = _tidy_page_breaks(self._blocks(body))
        document = d.Document(children=children, metadata=self._metadata())
        document.furniture = self._furniture(body, children)
        return document

    # -- styles and numbering -------------------------------------------------

    def _part(self, rel_type: str, fallback: str) -> etree._Element | None:
        name = self._part_for(rel_type, fallback)
        return self.package.xml(name) if name else None

    def _part_for(self, rel_type: str, fallback: str) -> str | None:
        for rel in self.main_rels.values():
            if rel.type == rel_type and not rel.external and self.package.has(rel.target):
                return rel.target
        return fallback if self.package.has(fallback) else None

    def _role(self, style_id: str | None) -> tuple[_Role, str | None]:
        """The role of a paragraph style, and the style's name when reportgen does not know it."""
        if style_id in self._roles:
            return self._roles[style_id]
        chain = self.styles.chain(style_id or self.styles.default_paragraph)
        role = _NORMAL
        for style in chain:
            found = _role_for_name(style.name)
            if found is not None:
                role = found
                break
        # A style id that styles.xml does not define is body text to Word too: no warning.
        own = chain[0].name if chain else None
        unknown = own if role is _NORMAL and own and _role_for_name(own) is None else None
        self._roles[style_id] = (role, unknown)
        return role, unknown

    def _style_attr(self, style_id: str | None, attr: str) -> object:
        return self.styles.inherited(style_id or self.styles.default_paragraph, attr)

    def _char_format(self, style_id: str) -> tuple[bool | None, bool | None, bool]:
        """(bold, italic, draft-marked) that a character style gives its runs."""
        if style_id in self._char_formats:
            return self._char_formats[style_id]
        bold: bool | None = None
        italic: bool | None = None
        chain = self.styles.chain(style_id)
        for style in chain:
            lowered = style.name.lower()
            if lowered == "strong" and bold is None:
                bold = True
            elif lowered in ("emphasis", "subtle emphasis", "intense emphasis") and italic is None:
                italic = True
        marked = any("draft" in style.name.lower() for style in chain) or "draft" in (
            style_id.lower()
        )
        self._char_formats[style_id] = (bold, italic, marked)
        return self._char_formats[style_id]

    def _read_notes(self) -> None:
        for kind, rel_type, fallback in (
            ("footnote", REL_FOOTNOTES, "word/footnotes.xml"),
            ("endnote", REL_ENDNOTES, "word/endnotes.xml"),
        ):
            name = self._part_for(rel_type, fallback)
            root = self.package.xml(name) if name else None
            if root is None or name is None:
                continue
            self._note_rels[kind] = self.package.relationships(name)
            for note in root.iter(qn(f"w:{kind}")):
                if note.get(W_TYPE_ATTR, "normal") in ("normal", ""):
                    self.notes[kind][note.get(W_ID, "")] = note

    # -- blocks ----------------------------------------------------------------

    def _blocks(self, container: etree._Element) -> list[d.Block]:
        flat: list[_Flat] = []
        outer, self.open_mark = self.open_mark, None  # a table cell, a note: marks of its own
        self._collect_blocks(container, flat)
        self.open_mark = outer
        return _group(flat, self.warnings)

    def _collect_blocks(self, container: etree._Element, flat: list[_Flat]) -> None:
        carried: list[_Piece | _BlockBreak] = []
        for child in container:
            tag = child.tag
            if tag == W_P:
                carried = self._paragraph(child, flat, carried)
            elif tag == W_TBL:
                carried = self._flush_carried(carried, flat)
                flat.append(self._table(child))
            elif tag == W_SDT:
                carried = self._flush_carried(carried, flat)
                self._sdt_block(child, flat)
            elif tag in (W_CUSTOMXML, W_INS, W_MOVETO):
                self._collect_blocks(child, flat)
            elif tag == MC_ALTERNATE:
                branch = _alternate_branch(child)
                if branch is not None:
                    self._collect_blocks(branch, flat)
            elif tag == W_ALTCHUNK:
                self.warnings.warn(
                    "the DOCX embeds a chunk of another format (altChunk); "
                    "open and save it in Word to include its text"
                )
        self._flush_carried(carried, flat)

    def _flush_carried(self, carried: list[_Piece | _BlockBreak], flat: list[_Flat]) -> list:
        if carried:
            self._emit_paragraph(carried, _NORMAL, None, flat)
        return []

    def _sdt_block(self, sdt: etree._Element, flat: list[_Flat]) -> None:
        content = sdt.find(W_SDTCONTENT)
        if content is None:
            return
        gallery = sdt.find(f"{W_SDTPR}/{W_DOCPARTOBJ}/{W_DOCPARTGALLERY}")
        if gallery is not None and w_val(gallery).lower() == "table of contents":
            # Word's contents: a "TOC Heading" paragraph then the TOC field.
            title = ""
            for paragraph in content.iter(W_P):
                role, _ = self._role(w_val(paragraph.find(f"{W_PPR}/{W_PSTYLE}")) or None)
                if role.kind == "toc-heading":
                    title = _element_text(paragraph).strip()
                    break
            flat.append(d.TableOfContents(title=title, levels=_toc_levels(content)))
            return
        self._collect_blocks(content, flat)

    def _paragraph(
        self, p: etree._Element, flat: list[_Flat], carried: list[_Piece | _BlockBreak]
    ) -> list[_Piece | _BlockBreak]:
        ppr = p.find(W_PPR)
        style_id = None
        direct_outline: int | None = None
        numpr = None
        break_before = None
        section_break = False
        mark_deleted = False
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
        if break_before is None:
            break_before = bool(self._style_attr(style_id, "page_break_before"))
        if break_before and not self.in_note:
            flat.append(d.PageBreak())

        pieces: list[_Piece | _BlockBreak] = list(carried)
        mark = self._mark(p)
        self._inline(p, pieces)
        if mark_deleted:
            # A deleted paragraph mark joins this paragraph to the next one.
            return pieces

        role, unknown = self._role(style_id)
        outline = direct_outline
        if outline is None:
            style_outline = self._style_attr(style_id, "outline")
            outline = style_outline if isinstance(style_outline, int) else None
        in_toc = True
        if role.kind == "heading" and direct_outline == 9:
            in_toc = False  # "body text" outline level: a heading kept out of the contents
        elif role.kind == "normal" and outline is not None and outline < 9:
            role, unknown = _Role("heading", level=min(outline + 1, 3)), None

        if role.kind in ("normal", "list"):
            listed = self._list_role(role, style_id, numpr)
            if listed is not None:
                role, unknown = listed, None
        if unknown and self._has_content(pieces):
            self.warnings.warn(
                f"paragraph style {unknown!r} is not one reportgen knows; "
                "its paragraphs are shown as body text"
            )
        self._emit_paragraph(pieces, role, in_toc, flat, mark)
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
        self, role: _Role, style_id: str | None, numpr: etree._Element | None
    ) -> _Role | None:
        num_id: object = None
        ilvl: int | None = None
        if numpr is not None:
            num_id = w_val(numpr.find(W_NUMID)) or None
            text = w_val(numpr.find(W_ILVL))
            ilvl = int(text) if text.isdigit() else None
        if num_id is None:
            num_id = self._style_attr(style_id, "num_id")
        if num_id == "0":
            return None  # numbering switched off on this paragraph
        style_ilvl = self._style_attr(style_id, "ilvl")
        number_level = (
            ilvl if ilvl is not None else (style_ilvl if isinstance(style_ilvl, int) else 0)
        )
        # "List Bullet 2" nests one level down even when its numbering has one level.
        level = ilvl if ilvl is not None else role.level if role.kind == "list" else number_level
        numbered = (
            self.numbering.next_item(num_id, number_level) if isinstance(num_id, str) else None
        )
        if numbered is not None:
            return _Role("list", level=level, ordered=numbered[0], value=numbered[1])
        if role.kind == "list":
            return _Role("list", level=level, ordered=role.ordered)
        return None

    def _emit_paragraph(
        self,
        pieces: list[_Piece | _BlockBreak],
        role: _Role,
        in_toc: bool | None,
        flat: list[_Flat],
        mark: str = "",
    ) -> None:
        run: list[_Piece] = []
        for piece in [*pieces, None]:
            if isinstance(piece, _Piece):
                run.append(piece)
                continue
            if run and self._has_content(run):
                flat.append(self._make_block(_build_inlines(run), role, in_toc, mark))
            run = []
            if isinstance(piece, _BlockBreak):
                if isinstance(piece.block, d.PageBreak) and self.in_note:
                    continue
                flat.append(piece.block)

    @staticmethod
    def _has_content(pieces: list) -> bool:
        for piece in pieces:
            if isinstance(piece, _Piece):
                node = piece.node
                if isinstance(node, d.FootnoteRef) or (
                    isinstance(node, d.Text) and node.text.strip()
                ):
                    return True
        return False

    @staticmethod
    def _make_block(
        children: list[d.Inline], role: _Role, in_toc: bool | None, mark: str = ""
    ) -> _Flat:
        if role.kind == "heading":
            return d.Heading(
                level=role.level, children=children, in_toc=in_toc is not False, mark=mark
            )
        if role.kind == "style":
            return d.Paragraph(children=children, style=role.style, mark=mark)
        paragraph = d.Paragraph(children, mark=mark)
        if role.kind == "list":
            return _ListPara(bool(role.ordered), role.level, role.value, paragraph)
        if role.kind == "continue":
            return _ContinuePara(role.level, paragraph)
        if role.kind == "quote":
            return _QuotePara(paragraph)
        if role.kind == "toc-heading":
            paragraph.style = "TOC Heading"
        return paragraph

    # -- tables -------------------------------------------------------------------

    def _table(self, tbl: etree._Element) -> d.Table:
        widths: list[float] = []
        grid = tbl.find(W_TBLGRID)
        if grid is not None:
            for col in grid.iter(W_GRIDCOL):
                value = col.get(W_W, "0")
                widths.append(float(value) if _is_number(value) else 0.0)
            if not widths or any(w <= 0 for w in widths):
                widths = []
        rows: list[d.TableRow] = []
        for tr in _unwrapped(tbl, W_TR):
            trpr = tr.find(W_TRPR)
            header = False
            if trpr is not None:
                if trpr.find(W_DEL) is not None:
                    continue  # a deleted row (tracked change, read as accepted)
                header = is_on(trpr.find(W_TBLHEADER))
            cells: list[d.TableCell] = []
            for tc in _unwrapped(tr, W_TC):
                tcpr = tc.find(W_TCPR)
                span = 1
                continued = False
                if tcpr is not None:
                    gridspan = w_val(tcpr.find(W_GRIDSPAN), "1")
                    span = int(gridspan) if gridspan.isdigit() and int(gridspan) > 0 else 1
                    vmerge = tcpr.find(W_VMERGE)
                    continued = vmerge is not None and w_val(vmerge, "continue") == "continue"
                blocks = [] if continued else self._blocks(tc)
                cells.append(d.TableCell(blocks))
                # The model has no spans: keep the grid by adding empty cells.
                cells.extend(d.TableCell() for _ in range(span - 1))
            rows.append(d.TableRow(cells=cells, header=header))
        return d.Table(rows=rows, widths=widths)

    # -- inline content ---------------------------------------------------------

    def _visible(self) -> bool:
        for f in self.fields:
            if not f.in_result or f.kind == "toc":
                return False
            if self.furniture_mode and f.kind in ("page", "pages"):
                return False
        return True

    def _inline(self, parent: etree._Element, out: list[_Piece | _BlockBreak]) -> None:
        for child in parent:
            tag = child.tag
            if tag == W_R:
                self._run(child, out)
            elif tag in (W_INS, W_MOVETO, W_SMARTTAG, W_CUSTOMXML, W_DIR, W_BDO):
                self._inline(child, out)
            elif tag == W_HYPERLINK:
                self._hyperlink(child, out)
            elif tag == W_FLDSIMPLE:
                self._simple_field(child, out)
            elif tag == W_SDT:
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    self._inline(content, out)
            elif tag == MC_ALTERNATE:
                branch = _alternate_branch(child)
                if branch is not None:
                    self._inline(branch, out)
            elif tag in (M_OMATH, M_OMATHPARA):
                text = "".join(t.text or "" for t in child.iter(M_T))
                if text and self._visible():
                    out.append(_Piece(d.Text(text), href=self._href()))
            # w:del, w:moveFrom (read as accepted), comments, bookmarks, proofing marks:
            # nothing to show.

    def _href(self) -> str | None:
        for f in reversed(self.fields):
            if f.kind == "hyperlink" and f.in_result:
                return f.href
        return self.link_stack[-1] if self.link_stack else None

    def _hyperlink(self, element: etree._Element, out: list[_Piece | _BlockBreak]) -> None:
        href = None
        rel_id = element.get(R_ID)
        if rel_id:
            rel = self.rels.get(rel_id)
            if rel is not None and rel.external:
                href = self._safe_href(rel.target)
        # w:anchor alone is a link inside the document: kept as text.
        self.link_stack.append(href)
        try:
            self._inline(element, out)
        finally:
            self.link_stack.pop()

    def _safe_href(self, url: str) -> str | None:
        safe = safe_href(url)
        if safe is None:
            url = url.strip()
            shown = url if len(url) <= 60 else url[:57] + "…"
            self.warnings.warn(
                f"link to {shown!r} left out (only http, https and mailto links are kept); "
                "its text is kept"
            )
            return None
        return safe

    def _simple_field(self, element: etree._Element, out: list[_Piece | _BlockBreak]) -> None:
        instruction = element.get(W_INSTR, "")
        f = _Field(instruction=[instruction], in_result=True)
        _classify(f, self)
        if f.kind == "toc":
            out.append(_BlockBreak(d.TableOfContents(title="", levels=f.levels)))
            return
        if self.furniture_mode and f.kind in ("page", "pages"):
            out.append(_Piece(d.Text("{" + f.kind + "}")))
            return
        self.fields.append(f)
        try:
            self._inline(element, out)
        finally:
            self.fields.pop()

    def _field_char(self, element: etree._Element, out: list[_Piece | _BlockBreak]) -> None:
        kind = element.get(W_FLDCHARTYPE, "")
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            f = self.fields[-1]
            _classify(f, self)
            f.in_result = True
            self._field_placed(f, out)
        elif kind == "end" and self.fields:
            f = self.fields.pop()
            if not f.in_result:
                _classify(f, self)
                self._field_placed(f, out)

    def _field_placed(self, f: _Field, out: list[_Piece | _BlockBreak]) -> None:
        if f.emitted or not all(o.in_result and o.kind != "toc" for o in self.fields if o is not f):
            return
        f.emitted = True
        if f.kind == "toc":
            out.append(_BlockBreak(d.TableOfContents(title="", levels=f.levels)))
        elif self.furniture_mode and f.kind in ("page", "pages"):
            out.append(_Piece(d.Text("{" + f.kind + "}")))

    def _run(self, r: etree._Element, out: list[_Piece | _BlockBreak]) -> None:
        bold = italic = hidden = marked = False
        rpr = r.find(W_RPR)
        if rpr is not None:
            rstyle = rpr.find(W_RSTYLE)
            if rstyle is not None:
                style_bold, style_italic, marked = self._char_format(w_val(rstyle))
                bold, italic = bool(style_bold), bool(style_italic)
            if (b := rpr.find(W_B)) is not None:
                bold = is_on(b)
            if (i := rpr.find(W_I)) is not None:
                italic = is_on(i)
            vanish = rpr.find(W_VANISH)
            hidden = vanish is not None and is_on(vanish)
        self._run_content(r, _Piece(d.Text(""), bold, italic, self._href(), marked), hidden, out)

    def _run_content(
        self,
        items: etree._Element,
        fmt: _Piece,
        hidden: bool,
        out: list[_Piece | _BlockBreak],
    ) -> None:
        """The children of a run; ``fmt`` carries its formatting."""

        def add(node: d.Inline) -> None:
            if not hidden and self._visible():
                out.append(_Piece(node, fmt.bold, fmt.italic, fmt.href, fmt.marked))

        for child in items:
            tag = child.tag
            if tag == W_T:
                if child.text:
                    add(d.Text(child.text))
            elif tag in (W_TAB, W_PTAB):
                add(d.Text("\t" if self.furniture_mode else " "))
            elif tag == W_BR:
                kind = child.get(W_TYPE_ATTR, "textWrapping")
                if kind == "page":
                    if self._visible():
                        out.append(_BlockBreak(d.PageBreak()))
                else:
                    add(d.Text(" ") if kind == "column" else d.LineBreak())
            elif tag == W_CR:
                add(d.LineBreak())
            elif tag == W_NOBREAKHYPHEN:
                add(d.Text("\u2011"))
            elif tag == W_SOFTHYPHEN:
                add(d.Text("\u00ad"))
            elif tag == W_SYM:
                if symbol := _symbol(child.get(W_CHAR, "")):
                    add(d.Text(symbol))
            elif tag == W_FLDCHAR:
                self._field_char(child, out)
            elif tag == W_INSTRTEXT:
                if self.fields and not self.fields[-1].in_result:
                    self.fields[-1].instruction.append(child.text or "")
            elif tag in (W_FOOTNOTEREF, W_ENDNOTEREF):
                if self._visible() and not self.in_note:
                    kind = "footnote" if tag == W_FOOTNOTEREF else "endnote"
                    note = self._note(kind, child.get(W_ID, ""))
                    if note is not None:
                        out.append(_Piece(note))
            elif tag == W_DRAWING:
                if self._visible() and not hidden:
                    self._drawing(child, out)
            elif tag in (W_PICT, W_OBJECT):
                if self._visible() and not hidden:
                    self._vml(child, out)
            elif tag == MC_ALTERNATE:
                branch = _alternate_branch(child)
                if branch is not None:
                    self._run_content(branch, fmt, hidden, out)
            # w:delText and w:delInstrText belong to deletions; w:footnoteRef is a
            # note's own mark; comment and annotation references are not shown.

    # -- notes, images --------------------------------------------------------

    def _note(self, kind: str, note_id: str) -> d.FootnoteRef | None:
        element = self.notes[kind].get(note_id)
        if element is None:
            return None
        saved = (self.rels, self.fields, self.link_stack, self.in_note)
        self.rels = self._note_rels.get(kind, {})
        self.fields, self.link_stack, self.in_note = [], [], True
        try:
            body = self._blocks(element)
        finally:
            self.rels, self.fields, self.link_stack, self.in_note = saved
        _strip_leading_space(body)
        return d.FootnoteRef(body=body)

    def _drawing(self, drawing: etree._Element, out: list[_Piece | _BlockBreak]) -> None:
        for frame in drawing:
            docpr = frame.find(WP_DOCPR)
            alt = ""
            name = ""
            if docpr is not None:
                alt = (docpr.get("descr") or docpr.get("title") or "").strip()
                name = docpr.get("name", "")
            width = None
            extent = frame.find(WP_EXTENT)
            if extent is not None and _is_number(extent.get("cx", "")):
                width = round(float(extent.get("cx", "0")) / EMU_PER_MM, 2) or None
            blip = next(frame.iter(A_BLIP), None)
            if blip is None:
                if next(frame.iter(W_TXBXCONTENT), None) is not None:
                    self.warnings.warn(
                        "a text box is not shown in the PDF; move its text into "
                        "the body of the document"
                    )
                continue
            self._image(blip.get(R_EMBED) or "", blip.get(R_LINK), alt, name, width, out)

    def _vml(self, element: etree._Element, out: list[_Piece | _BlockBreak]) -> None:
        for data in element.iter(V_IMAGEDATA):
            shape = data.getparent()
            alt = (shape.get("alt", "") if shape is not None else "").strip()
            title = (data.get(qn("o:title")) or "").strip()
            self._image(data.get(R_ID) or "", None, alt or title, "", None, out)

    def _image(
        self,
        rel_id: str,
        link: str | None,
        alt: str,
        name: str,
        width_mm: float | None,
        out: list[_Piece | _BlockBreak],
    ) -> None:
        self.image_count += 1
        label = f"image {self.image_count}" + (f" ({name})" if name else "")
        rel = self.rels.get(rel_id)
        if rel is None or rel.external:
            if link or (rel is not None and rel.external):
                self.warnings.warn(f"{label} is linked, not embedded, and is left out of the PDF")
            return
        if not self.package.has(rel.target):
            self.warnings.warn(f"{label} is missing from the DOCX package")
            return
        data = self.package.read(rel.target)
        content_type = _image_type(data, self.package.content_type(rel.target))
        if content_type is None:
            data, content_type = _convert_image(data)
        if content_type is None:
            kind = rel.target.rsplit(".", 1)[-1].upper()
            self.warnings.warn(f"{label} is in a format the PDF cannot show ({kind}); left out")
            return
        if not alt:
            self.warnings.warn(
                f"{label} has no alternative text; add a description in Word "
                "(Edit Alt Text) so that readers of the PDF who cannot see it know what it shows"
            )
        out.append(
            _BlockBreak(d.Image(data=data, content_type=content_type, alt=alt, width_mm=width_mm))
        )

    # -- metadata and page furniture -----------------------------------------

    def _metadata(self) -> d.Metadata:
        meta = d.Metadata(language=self.styles.default_language or "en")
        package_rels = self.package.relationships("")
        core_name = next(
            (r.target for r in package_rels.values() if r.type == REL_CORE and not r.external),
            "docProps/core.xml",
        )
        core = self.package.xml(core_name)
        if core is not None:
            meta.title = _child_text(core, "dc:title")
            meta.subject = _child_text(core, "dc:subject")
            creators = _child_text(core, "dc:creator")
            meta.authors = [a.strip() for a in creators.split(";") if a.strip()]
            keywords = _child_text(core, "cp:keywords")
            separator = ";" if ";" in keywords else ","
            meta.keywords = [k.strip() for k in keywords.split(separator) if k.strip()]
            language = _child_text(core, "dc:language")
            if language:
                meta.language = language
            meta.draft = _child_text(core, "cp:contentStatus").casefold() == "draft"
            created = _child_text(core, "dcterms:created")
            if created:
                try:
                    meta.created = date.fromisoformat(created[:10])
                except ValueError:
                    meta.created = None
        custom_name = next(
            (r.target for r in package_rels.values() if r.type == REL_CUSTOM and not r.external),
            "docProps/custom.xml",
        )
        custom = self.package.xml(custom_name)
        if custom is not None:
            for prop in custom.iter(qn("cust:property")):
                value = "".join(prop.itertext()).strip()
                if prop.get("name") == "reportgen.template" and value:
                    meta.template = value
                elif prop.get("name") == "reportgen.reference":
                    meta.reference = value
        return meta

    def _furniture(self, body: etree._Element, children: list[d.Block]) -> d.PageFurniture:
        furniture = d.PageFurniture()
        for block in children:
            if isinstance(block, d.Paragraph) and block.style == "Draft Mark":
                furniture.draft_label = d.plain_text([block]).strip() or furniture.draft_label
                break
        sect = body.find(W_SECTPR)
        sections = [sect] if sect is not None else []
        sections += list(body.iter(W_SECTPR))
        header = self._furniture_part(sections, W_HEADERREF)
        if header is not None:
            segments, marked = header
            furniture.header = " ".join(s for s in segments if s not in marked)
            if marked:
                furniture.draft_label = marked[0]
        footer = self._furniture_part(sections, W_FOOTERREF)
        if footer is not None:
            segments, _ = footer
            labels = [s for s in segments if "{page}" in s or "{pages}" in s]
            if labels:
                furniture.page_label = labels[0]
            furniture.footer = " ".join(s for s in segments if s not in labels)
        return furniture

    def _furniture_part(
        self, sections: list[etree._Element], ref_tag: str
    ) -> tuple[list[str], list[str]] | None:
        """The text segments (split at tabs and paragraphs) of the default header/footer."""
        for sect in sections:
            for ref in sect.iter(ref_tag):
                if ref.get(W_TYPE_ATTR, "default") != "default":
                    continue
                rel = self.main_rels.get(ref.get(R_ID, ""))
                if rel is None or rel.external or not self.package.has(rel.target):
                    continue
                root = self.package.xml(rel.target)
                if root is None:
                    continue
                return self._furniture_text(root, self.package.relationships(rel.target))
        return None

    def _furniture_text(
        self, root: etree._Element, rels: dict[str, Relationship]
    ) -> tuple[list[str], list[str]]:
        saved = (self.rels, self.fields, self.link_stack, self.furniture_mode, self.in_note)
        self.rels, self.fields, self.link_stack = rels, [], []
        self.furniture_mode, self.in_note = True, True
        segments: list[str] = []
        marked: list[str] = []
        try:
            for p in root.iter(W_P):
                role, _ = self._role(w_val(p.find(f"{W_PPR}/{W_PSTYLE}")) or None)
                paragraph_marked = role.kind == "style" and role.style == "Draft Mark"
                pieces: list[_Piece | _BlockBreak] = []
                self._inline(p, pieces)
                for is_marked, group in groupby(
                    (x for x in pieces if isinstance(x, _Piece)),
                    key=lambda x: paragraph_marked or x.marked,
                ):
                    text = "".join(
                        x.node.text if isinstance(x.node, d.Text) else " " for x in group
                    )
                    for segment in text.split("\t"):
                        segment = " ".join(segment.split())
                        if not segment:
                            continue
                        segments.append(segment)
                        if is_marked or segment == "DRAFT":
                            marked.append(segment)
        finally:
            self.rels, self.fields, self.link_stack, self.furniture_mode, self.in_note = saved
        return segments, marked


# -- helpers ---------------------------------------------------------------------


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _classify(f: _Field, reader: _Reader) -> None:
    instruction = "".join(f.instruction).strip()
    words = instruction.split(None, 1)
    f.kind = _FIELD_KINDS.get(words[0].upper(), "") if words else ""
    if f.kind == "toc":
        levels = _TOC_LEVELS.search(instruction)
        f.levels = min(max(int(levels[1]), 1), 3) if levels else 3
    if f.kind == "hyperlink":
        rest = words[1] if len(words) > 1 else ""
        if rest.lstrip().startswith("\\l"):
            f.href = None  # a link inside the document
        else:
            match = _QUOTED.search(rest)
            target = match[1] if match else rest.split()[0] if rest.split() else ""
            f.href = reader._safe_href(target) if target else None


def _toc_levels(content: etree._Element) -> int:
    """The heading levels a contents block lists, from its TOC field's ``\\o`` switch.

    Word and LibreOffice put the contents in a content control; the field
    inside it says how deep it goes (``TOC \\o "1-2"``), 3 levels without one.
    """
    instruction = "".join(t.text or "" for t in content.iter(W_INSTRTEXT))
    instruction += " ".join(el.get(W_INSTR, "") for el in content.iter(W_FLDSIMPLE))
    levels = _TOC_LEVELS.search(instruction)
    return min(max(int(levels[1]), 1), 3) if levels else 3


def _alternate_branch(element: etree._Element) -> etree._Element | None:
    """The branch of mc:AlternateContent to read: the first Choice, else the Fallback."""
    choice = element.find(MC_CHOICE)
    return choice if choice is not None else element.find(MC_FALLBACK)


def _unwrapped(parent: etree._Element, tag: str):
    """Children with ``tag``, looking through content controls and custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _unwrapped(content, tag)
        elif child.tag in (W_CUSTOMXML, W_INS, W_MOVETO):
            yield from _unwrapped(child, tag)


def _element_text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(W_T))


def _child_text(root: etree._Element, name: str) -> str:
    found = root.find(qn(name))
    return "".join(found.itertext()).strip() if found is not None else ""


def _symbol(code: str) -> str:
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        value -= 0xF000  # symbol fonts map their glyphs into the private use area
    return chr(value) if value >= 0x20 and chr(value).isprintable() else ""


def _image_type(data: bytes, declared: str) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if declared == "image/svg+xml":
        return "image/svg+xml"
    return None


def _convert_image(data: bytes) -> tuple[bytes, str | None]:
    """BMP and TIFF pictures as PNG (Pillow comes with WeasyPrint); others not at all."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as picture:
            if picture.format not in ("BMP", "TIFF", "DIB"):
                return data, None
            output = BytesIO()
            picture.save(output, format="PNG")
            return output.getvalue(), "image/png"
    except (UnidentifiedImageError, OSError, ValueError):
        return data, None


def _build_inlines(pieces: list[_Piece]) -> list[d.Inline]:
    """Flat formatted runs → nested Link / Strong / Emphasis nodes."""
    result: list[d.Inline] = []
    for href, group in groupby(pieces, key=lambda p: p.href):
        inner = _by_bold(list(group))
        if href:
            result.append(d.Link(href=href, children=inner))
        else:
            result.extend(inner)
    return result


def _by_bold(pieces: list[_Piece]) -> list[d.Inline]:
    result: list[d.Inline] = []
    for bold, group in groupby(pieces, key=lambda p: p.bold):
        inner = _by_italic(list(group))
        if bold and _any_text(inner):
            result.append(d.Strong(inner))
        else:
            result.extend(inner)
    return result


def _by_italic(pieces: list[_Piece]) -> list[d.Inline]:
    result: list[d.Inline] = []
    for italic, group in groupby(pieces, key=lambda p: p.italic):
        inner = _merged([p.node for p in group])
        if italic and _any_text(inner):
            result.append(d.Emphasis(inner))
        else:
            result.extend(inner)
    return result


def _any_text(nodes: list[d.Inline]) -> bool:
    return any(isinstance(n, d.Text | d.Emphasis) and d.plain_text([n]).strip() for n in nodes)


def _merged(nodes: list[d.Inline]) -> list[d.Inline]:
    result: list[d.Inline] = []
    for node in nodes:
        if isinstance(node, d.Text) and result and isinstance(result[-1], d.Text):
            result[-1] = d.Text(result[-1].text + node.text)
        else:
            result.append(node)
    return result


def _strip_leading_space(blocks: list[d.Block]) -> None:
    """A note's text follows its mark after a space; the mark is the writer's."""
    if blocks and isinstance(blocks[0], d.Paragraph) and blocks[0].children:
        first = blocks[0].children[0]
        if isinstance(first, d.Text):
            first.text = first.text.lstrip()
            if not first.text:
                blocks[0].children.pop(0)


def _tidy_page_breaks(blocks: list[d.Block]) -> list[d.Block]:
    """No page break first, last, or twice in a row."""
    result: list[d.Block] = []
    for block in blocks:
        if isinstance(block, d.PageBreak) and (not result or isinstance(result[-1], d.PageBreak)):
            continue
        result.append(block)
    while result and isinstance(result[-1], d.PageBreak):
        result.pop()
    return result


def _group(flat: list[_Flat], warnings: Warnings) -> list[d.Block]:
    """Consecutive list paragraphs → nested ListBlocks; quote paragraphs → Quote."""
    result: list[d.Block] = []
    stack: list[d.ListBlock] = []  # the open list at each level
    expected: list[int] = []  # the next number expected at each level
    quote: d.Quote | None = None
    for index, item in enumerate(flat):
        if not isinstance(item, _ListPara | _ContinuePara):
            stack, expected = [], []
        if not isinstance(item, _QuotePara) and not (
            quote is not None and isinstance(item, d.Paragraph) and item.style == "Attribution"
        ):
            quote = None
        if isinstance(item, _ListPara):
            level = min(item.level, len(stack))
            del stack[level + 1 :], expected[level + 1 :]
            if len(stack) == level + 1:
                current = stack[level]
                restart = item.ordered and item.value is not None and item.value != expected[level]
                if current.ordered != item.ordered or restart:
                    del stack[level:], expected[level:]
            if len(stack) == level:
                start = item.value if item.ordered and item.value is not None else 1
                new = d.ListBlock(ordered=item.ordered, start=start)
                if level == 0:
                    result.append(new)
                else:
                    parent = stack[-1]
                    if not parent.items:
                        parent.items.append(d.ListItem())
                    parent.items[-1].children.append(new)
                stack.append(new)
                expected.append(start)
            stack[level].items.append(d.ListItem(children=[item.paragraph]))
            expected[level] = (item.value if item.value is not None else expected[level]) + 1
        elif isinstance(item, _ContinuePara):
            if stack and stack[min(item.level, len(stack) - 1)].items:
                stack[min(item.level, len(stack) - 1)].items[-1].children.append(item.paragraph)
            else:
                result.append(item.paragraph)
        elif isinstance(item, _QuotePara):
            if quote is None:
                quote = d.Quote()
                result.append(quote)
            quote.children.append(item.paragraph)
        elif isinstance(item, d.Paragraph) and item.style == "Attribution" and quote is not None:
            quote.attribution = item.children
            quote.attribution_mark = item.mark
            quote = None
        elif isinstance(item, d.Paragraph) and item.style == "TOC Heading":
            following = flat[index + 1] if index + 1 < len(flat) else None
            if isinstance(following, d.TableOfContents) and not following.title:
                following.title = d.plain_text(item.children).strip()
                following.mark = item.mark
            else:
                result.append(d.Paragraph(children=item.children, mark=item.mark))
        else:
            result.append(item)
    return result
