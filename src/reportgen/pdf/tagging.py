"""WeasyPrint's tagged PDF made PDF/UA-1 and PDF/A-3a: furniture as artifacts, tags completed."""

# WeasyPrint 70 tags the flow of the document well, but not everything the
# standards ask (ISO 14289-1, PDF/UA-1; ISO 19005-3 level A), and it keeps
# no trace of the HTML it tagged from.  finish() rereads the PDF it wrote with
# pikepdf and completes it:
#
# - running headers and footers, "Page N of M" and the running DRAFT label are
#   tagged by WeasyPrint, but their elements are left out of the structure
#   tree: they become /Artifact /Pagination (PDF/UA-1 7.1; ISO 32000-1 14.8.2.2);
# - the contents' leader dots become /Artifact /Layout; the contents become
#   TOC and TOCI, each with one Link whose annotation says where it leads;
# - the DRAFT watermark (a picture) is an /Artifact /Watermark;
# - header cells get /Scope, footnotes become Note elements (with the number
#   that calls them as their Lbl), and runs in another script a /Lang;
# - a word hyphenated at a line end gets /ActualText, so that it is read and
#   copied whole ("integration", not "integra‐ tion");
# - the XMP metadata claims PDF/UA-1, with the extension schema PDF/A asks for.
#
# Each fix names what it relies on in WeasyPrint's output; tests/test_tagging.py
# holds them to it.  They belong upstream (see docs/review-and-publish.md).

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from lxml import etree
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator, String

from ..language.scripts import script_language, script_runs
from ..xmlparsing import parse

# The character WeasyPrint adds where it hyphenates a word (print.css sets it:
# hyphenate-character), distinct from the hyphen-minus typed in the text.
HYPHEN = "\u2010"

# PDF/UA-1 (ISO 14289-1, 5): the file says so in its XMP metadata, and
# PDF/A (ISO 19005-3, 6.6.2.3) wants every schema it does not define declared
# as an extension schema.  Both go into WeasyPrint's rdf:RDF.
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFUA_XMP = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas>
<rdf:Bag>
<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property>
<rdf:Seq>
<rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 to which the file conforms</pdfaProperty:description>
</rdf:li>
</rdf:Seq>
</pdfaSchema:property>
</rdf:li>
</rdf:Bag>
</pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>"""


# -- reading the content streams ---------------------------------------------------------


@dataclass
class _Mark:
    """One marked-content sequence with an MCID: where it opens, what it shows.

    Its text is decoded when first asked for: most of a long report's text
    is never needed.
    """

    index: int  # of its BDC in the page's instructions
    line: float | None = None  # the y of its first text matrix: a new value is a new line
    shows: list[tuple[int, int, dict[bytes, str]]] = field(default_factory=list)
    foreign: bool = False  # drawn with a font that has letters of SCRIPT_LANGUAGES
    _text: str | None = None


@dataclass
class _Page:
    number: int
    page: pikepdf.Page
    instructions: list[ContentStreamInstruction]
    marks: dict[int, _Mark]
    # Forms painted outside any marked content: (instruction index, resource name).
    unmarked_paints: list[tuple[int, str]] = field(default_factory=list)
    # Paints to enclose in an artifact when the page is written: index → properties.
    wraps: dict[int, Dictionary] = field(default_factory=dict)
    changed: bool = False

    def replace(self, index: int, operands: list[object], operator: str) -> None:
        self.instructions[index] = ContentStreamInstruction(operands, Operator(operator))
        self.changed = True

    def text(self, mcid: int) -> str:
        mark = self.marks[mcid]
        if mark._text is None:
            parts = []
            for index, width, table in mark.shows:
                operands = self.instructions[index].operands
                items = operands[0] if isinstance(operands[0], Array) else operands[-1:]
                for item in items:
                    if isinstance(item, String):
                        parts.append(_decode(bytes(item), width, table))
            mark._text = "".join(parts)
        return mark._text

    def ends_with(self, mcid: int, char: str) -> bool:
        """Whether the sequence's last glyph is ``char`` (decoding only that glyph)."""
        mark = self.marks[mcid]
        if mark._text is not None or not mark.shows:
            return (mark._text or "").endswith(char)
        index, width, table = mark.shows[-1]
        operands = self.instructions[index].operands
        items = operands[0] if isinstance(operands[0], Array) else operands[-1:]
        for item in reversed(list(items)):
            if isinstance(item, String):
                data = bytes(item)
                return table.get(data[-width:], "") == char if data else False
        return False


class _Fonts:
    """Each font's ToUnicode map, read once per font object (WeasyPrint shares them)."""

    _BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)
    _CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
    _RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")

    def __init__(self) -> None:
        self.maps: dict[tuple[int, int], tuple[int, dict[bytes, str], bool]] = {}

    def decoder(self, font: pikepdf.Object) -> tuple[int, dict[bytes, str], bool]:
        """Bytes per code, code → text, and whether it has letters of SCRIPT_LANGUAGES."""
        key = font.objgen
        if key not in self.maps:
            width = 2 if font.get("/Subtype") == "/Type0" else 1
            table: dict[bytes, str] = {}
            cmap = font.get("/ToUnicode")
            if cmap is not None:
                data = cmap.read_bytes()
                for block, body in self._BLOCK.findall(data):
                    if block == b"bfchar":
                        for code, text in self._CHAR.findall(body):
                            table[bytes.fromhex(code.decode())] = _utf16(text)
                        continue
                    for first, last, start in self._RANGE.findall(body):
                        lo, hi, size = int(first, 16), int(last, 16), len(first) // 2
                        for offset in range(hi - lo + 1):
                            table[(lo + offset).to_bytes(size, "big")] = chr(
                                int(start, 16) + offset
                            )
            foreign = any(script_runs(text) != [(text, None)] for text in table.values())
            self.maps[key] = (width, table, foreign)
        return self.maps[key]


def _utf16(hex_digits: bytes) -> str:
    return bytes.fromhex(hex_digits.decode()).decode("utf-16-be", errors="replace")


def _decode(data: bytes, width: int, table: dict[bytes, str]) -> str:
    return "".join(table.get(data[i : i + width], "") for i in range(0, len(data), width))


def _read_page(number: int, page: pikepdf.Page, fonts: _Fonts) -> _Page:
    """The page's instructions, and where each marked-content sequence with an MCID is."""
    instructions = pikepdf.parse_content_stream(page)
    marks: dict[int, _Mark] = {}
    stack: list[_Mark | None] = []
    current: _Mark | None = None
    font_resources = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
    width, table, foreign = 1, {}, False
    paints: list[tuple[int, str]] = []
    # Operands are read only for the few operators that matter: converting
    # them is what costs, on pages of tables.
    for index, instruction in enumerate(instructions):
        op = str(instruction.operator)
        if op in _SHOWS:
            if current is not None:
                current.shows.append((index, width, table))
                current.foreign = current.foreign or foreign
        elif op == "Tm":
            if current is not None and current.line is None:
                current.line = float(instruction.operands[5])
        elif op == "Tf":
            font = font_resources.get(str(instruction.operands[0]))
            width, table, foreign = fonts.decoder(font) if font is not None else (1, {}, False)
        elif op == "BDC":
            properties = instruction.operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, Dictionary) else None
            mark = _Mark(index) if mcid is not None else None
            if mark is not None:
                marks[int(mcid)] = mark
            stack.append(mark)
            current = mark if mark is not None else current
        elif op == "BMC":
            stack.append(None)
        elif op == "EMC" and stack:
            stack.pop()
            current = next((m for m in reversed(stack) if m is not None), None)
        elif op == "Do" and not stack:
            paints.append((index, str(instruction.operands[0])))
    return _Page(number, page, instructions, marks, paints)


_SHOWS = frozenset(("Tj", "TJ", "'", '"'))


# -- the structure tree ------------------------------------------------------------------

_LEADER = frozenset(" .·…\u00a0\u2024")


def _raw_kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


class _Tagged:
    """The PDF as finish() edits it: its pages read once, its tree walked once.

    Reading a pikepdf object costs far more than a Python one, so each
    element's kids and type are read once and kept (``kids``, ``kind``,
    ``tag``), and the tree is changed through ``set_kids`` only.
    """

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        fonts = _Fonts()
        self.pages = [_read_page(n, page, fonts) for n, page in enumerate(pdf.pages)]
        self.page_numbers = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        self.root = pdf.Root.StructTreeRoot
        self._kids: dict[tuple[int, int], list[pikepdf.Object]] = {}
        self._kinds: dict[tuple[int, int], str] = {}
        self._tags: dict[tuple[int, int], str] = {}
        self._pages: dict[tuple[int, int], int | None] = {}
        self._element_kids: dict[tuple[int, int], list[pikepdf.Object]] = {}
        self._all: list[pikepdf.Object] | None = None
        self.document = self.kids(self.root)[0]
        # The parent tree: each page's array of MCID → element, then annotations.
        self.nums = self.root.ParentTree.Nums
        self.parent_keys = {int(self.nums[i]): i for i in range(0, len(self.nums), 2)}
        self.mcid_arrays: dict[int, pikepdf.Array] = {}
        for page in pdf.pages:
            key = page.obj.get("/StructParents")
            if key is not None:
                number = self.page_numbers[page.obj.objgen]
                self.mcid_arrays[number] = self.nums[self.parent_keys[int(key)] + 1]

    # -- the tree, read once

    def kids(self, element: pikepdf.Object) -> list[pikepdf.Object]:
        key = element.objgen
        kids = self._kids.get(key)
        if kids is None:
            kids = self._kids[key] = _raw_kids(element)
        return kids

    def kind(self, kid: object) -> str:
        """ "mcid", "element", "objr" or "mcr"."""
        if isinstance(kid, int):
            return "mcid"
        key = kid.objgen  # type: ignore[attr-defined]
        kind = self._kinds.get(key) if key != (0, 0) else None
        if kind is None:
            kind = {"/OBJR": "objr", "/MCR": "mcr"}.get(str(kid.get("/Type")), "element")  # type: ignore[attr-defined]
            if key != (0, 0):
                self._kinds[key] = kind
        return kind

    def is_element(self, kid: object) -> bool:
        return not isinstance(kid, int) and self.kind(kid) == "element"

    def tag(self, element: pikepdf.Object) -> str:
        """The structure type, as "/P", "/Span", …"""
        key = element.objgen
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = str(element.get("/S"))
        return tag

    def retag(self, element: pikepdf.Object, tag: str) -> None:
        element.S = Name(tag)
        self._tags[element.objgen] = tag

    def set_kids(self, element: pikepdf.Object, kids: list[object]) -> None:
        element.K = Array(kids)
        self._kids[element.objgen] = list(element.K)
        self._element_kids.pop(element.objgen, None)
        self._all = None
        for kid in kids:
            if self.is_element(kid):
                kid.P = element  # type: ignore[attr-defined]

    def element_kids(self, element: pikepdf.Object) -> list[pikepdf.Object]:
        key = element.objgen
        kids = self._element_kids.get(key)
        if kids is None:
            kids = self._element_kids[key] = [
                kid for kid in self.kids(element) if self.is_element(kid)
            ]
        return kids

    def elements(self, top: pikepdf.Object | None = None) -> list[pikepdf.Object]:
        """Every element under ``top`` (the document), parents before children, in order."""
        if top is None and self._all is not None:
            return self._all
        out = []
        stack = [top if top is not None else self.document]
        while stack:
            element = stack.pop()
            out.append(element)
            stack.extend(reversed(self.element_kids(element)))
        if top is None:
            self._all = out
        return out

    def page_of(self, element: pikepdf.Object) -> int | None:
        key = element.objgen
        if key not in self._pages:
            page = element.get("/Pg")
            self._pages[key] = self.page_numbers.get(page.objgen) if page is not None else None
        return self._pages[key]

    def marks(self, element: pikepdf.Object) -> Iterator[tuple[_Page, int]]:
        """The marked-content sequences under ``element``, in reading order: (page, MCID)."""
        stack: list[tuple[object, int | None]] = [(element, None)]
        while stack:
            node, number = stack.pop()
            kind = self.kind(node)
            if kind == "mcid":
                if number is not None and node in self.pages[number].marks:
                    yield self.pages[number], node  # type: ignore[misc]
            elif kind == "mcr":
                page = self.pages[self.page_numbers[node.Pg.objgen]]  # type: ignore[attr-defined]
                if int(node.MCID) in page.marks:  # type: ignore[attr-defined]
                    yield page, int(node.MCID)  # type: ignore[attr-defined]
            elif kind == "element":
                page_number = self.page_of(node)  # type: ignore[arg-type]
                number = page_number if page_number is not None else number
                stack.extend((kid, number) for kid in reversed(self.kids(node)))  # type: ignore[arg-type]

    def text(self, element: pikepdf.Object) -> str:
        """The words under ``element``, lines joined by a space."""
        return _join(self.marks(element))

    # -- edits of the content streams

    def artifact(self, page: _Page, mcid: int, kind: str, subtype: str | None = None) -> None:
        """Make the sequence an artifact of ``kind`` (ISO 32000-1 14.8.2.2), out of the tree."""
        properties = Dictionary(Type=Name(kind))
        if subtype:
            properties.Subtype = Name(subtype)
        page.replace(page.marks[mcid].index, [Name.Artifact, properties], "BDC")
        array = self.mcid_arrays.get(page.number)
        if array is not None and mcid < len(array):
            array[mcid] = None
        del page.marks[mcid]

    def actual_text(self, page: _Page, mcid: int, text: str) -> None:
        mark = page.marks[mcid]
        operands = page.instructions[mark.index].operands
        properties = Dictionary(operands[1])
        properties.ActualText = String(text)
        page.replace(mark.index, [operands[0], properties], "BDC")

    def drop_annotation(self, annotation: pikepdf.Object) -> None:
        """Remove a link annotation from its page and from the parent tree."""
        page = annotation.get("/P")
        pages = [page] if page is not None else [p.obj for p in self.pdf.pages]
        for page_object in pages:
            annotations = page_object.get("/Annots")
            if annotations is None:
                continue
            kept = [a for a in annotations if a.objgen != annotation.objgen]
            if len(kept) != len(annotations):
                page_object.Annots = Array(kept)
                break
        key = annotation.get("/StructParent")
        if key is not None and int(key) in self.parent_keys:
            self.nums[self.parent_keys[int(key)] + 1] = None

    def set_annotation_parent(self, annotation: pikepdf.Object, element: pikepdf.Object) -> None:
        key = annotation.get("/StructParent")
        if key is not None and int(key) in self.parent_keys:
            self.nums[self.parent_keys[int(key)] + 1] = element

    def save(self) -> None:
        # Parent tree entries of annotations that are gone: out of the number tree.
        nums = list(self.nums)
        kept = [
            item
            for pair in zip(nums[::2], nums[1::2], strict=True)
            if pair[1] is not None
            for item in pair
        ]
        if len(kept) != len(nums):
            self.root.ParentTree.Nums = Array(kept)
        for page in self.pages:
            for index in sorted(page.wraps, reverse=True):
                page.instructions[index + 1 : index + 1] = [
                    ContentStreamInstruction([], Operator("EMC"))
                ]
                page.instructions[index:index] = [
                    ContentStreamInstruction([Name.Artifact, page.wraps[index]], Operator("BDC"))
                ]
                page.changed = True
            if page.changed:
                data = pikepdf.unparse_content_stream(page.instructions)
                page.page.obj.Contents = self.pdf.make_stream(data)


def _join(marks: Iterator[tuple[_Page, int]]) -> str:
    """Texts of marked content in order; a new line (or page) starts after a space."""
    out: list[str] = []
    last: tuple[int, float | None] | None = None
    for page, mcid in marks:
        mark = page.marks[mcid]
        here = (page.number, mark.line)
        if last is not None and here != last and out and not out[-1].endswith(" "):
            out.append(" ")
        out.append(page.text(mcid))
        last = here
    return "".join(out).strip()


# -- the fixes ---------------------------------------------------------------------------


def _furniture(tagged: _Tagged) -> None:
    """Running header, footer, page number, running DRAFT: /Artifact /Pagination.

    WeasyPrint tags the margin boxes' text but leaves their elements out of
    the tree (pdf/tags.py: "could be included in tree as Artifact, but that's
    only allowed in PDF 2.0"): every MCID whose element the tree does not
    reach is such furniture.  Above the page's text it is a header, below it
    a footer.
    """
    reachable = {element.objgen for element in tagged.elements()}
    for number, array in tagged.mcid_arrays.items():
        page = tagged.pages[number]
        stray = [
            mcid
            for mcid, element in enumerate(array)
            if isinstance(element, Dictionary) and element.objgen not in reachable
        ]
        if not stray:
            continue
        furniture = set(stray)
        lines = [
            mark.line
            for mcid, mark in page.marks.items()
            if mcid not in furniture and mark.line is not None
        ]
        top = min(lines) if lines else None
        for mcid in stray:
            line = page.marks[mcid].line if mcid in page.marks else None
            above = top is None or (line is not None and line < top)
            if mcid in page.marks:
                tagged.artifact(page, mcid, "/Pagination", "/Header" if above else "/Footer")


def _contents(tagged: _Tagged) -> None:
    """The contents: TOC and TOCI, one Link each, described, leader dots as layout.

    WeasyPrint tags ``<ul class="toc-entries">`` as a list whose items hold a
    link that nests the ``a::after`` content (leader and page number) as two
    more links with annotations of their own, and tags each leader dot as
    text.  A list whose every item holds only links within the document is
    the contents (the reader keeps no other internal links).
    """
    for element in list(tagged.elements()):
        if tagged.tag(element) != "/L" or not _is_contents(tagged, element):
            continue
        tagged.retag(element, "/TOC")
        for item in tagged.kids(element):
            tagged.retag(item, "/TOCI")
            links = [
                kid
                for body in tagged.kids(item)
                for kid in tagged.kids(body)
                if tagged.is_element(kid)
            ]
            link = links[0]
            objrs: list[object] = []
            content: list[tuple[_Page, int]] = []
            for top in links:
                objrs += [kid for kid in tagged.kids(top) if tagged.kind(kid) == "objr"]
                for inner in list(tagged.elements(top))[1:]:
                    for kid in tagged.kids(inner):
                        if tagged.kind(kid) == "objr":
                            tagged.drop_annotation(kid.Obj)
                content += list(tagged.marks(top))
            label: list[tuple[_Page, int]] = []
            kept: list[object] = []
            home = content[0][0].number if content else tagged.page_of(link)
            seen_leader = False
            for page, mcid in content:
                text = page.text(mcid)
                if text and set(text) <= _LEADER:
                    tagged.artifact(page, mcid, "/Layout")
                    seen_leader = True
                    continue
                if not seen_leader:
                    label.append((page, mcid))
                on_page = page.number == home
                kept.append(mcid if on_page else _content_reference(page, mcid))
                tagged.mcid_arrays[page.number][mcid] = link
            description = _join(iter(label))
            for objr in objrs:
                objr.Obj.Contents = String(description)
                tagged.set_annotation_parent(objr.Obj, link)
            tagged.set_kids(link, [*objrs, *kept])
            if home is not None:
                link.Pg = tagged.pdf.pages[home].obj
            tagged.set_kids(item, [link])


def _content_reference(page: _Page, mcid: int) -> Dictionary:
    """A marked-content reference to another page than its element's (ISO 32000-1 14.7.4.2)."""
    return Dictionary(Type=Name.MCR, Pg=page.page.obj, MCID=mcid)


def _is_contents(tagged: _Tagged, element: pikepdf.Object) -> bool:
    items = tagged.kids(element)
    if not items:
        return False
    for item in items:
        if not tagged.is_element(item) or tagged.tag(item) != "/LI":
            return False
        bodies = tagged.kids(item)
        if not bodies or any(tagged.tag(body) != "/LBody" for body in bodies):
            return False
        links = [kid for body in bodies for kid in tagged.kids(body)]
        if not links:
            return False
        for link in links:
            if not tagged.is_element(link) or tagged.tag(link) != "/Link":
                return False
            objrs = [kid for kid in tagged.kids(link) if tagged.kind(kid) == "objr"]
            if not objrs or any("/Dest" not in objr.Obj for objr in objrs):
                return False
    return True


def _header_scope(tagged: _Tagged) -> None:
    """Header cells say what they head (PDF/UA-1 7.5): a column in a THead, else a row."""
    for element in tagged.elements():
        if tagged.tag(element) != "/TR":
            continue
        scope = Name.Column if tagged.tag(element.P) == "/THead" else Name.Row
        for cell in tagged.kids(element):
            if tagged.is_element(cell) and tagged.tag(cell) == "/TH":
                attributes = cell.get("/A")
                if not isinstance(attributes, Dictionary):
                    attributes = Dictionary(O=Name.Table)
                attributes.Scope = scope
                cell.A = attributes


def _footnotes(tagged: _Tagged) -> None:
    """Footnotes become Note elements, each right after the number that calls it.

    WeasyPrint tags the footnote area of a page as a NonStruct at the top of
    the tree, holding one Span per note that starts with its marker ("1. ");
    the call ("1") is a NonStruct with one Span in the text.  A note follows
    its call in the reading order (PDF/UA-1 7.9), its marker as Lbl, its call
    as Reference; each Note has the ID PDF/UA asks for.
    """
    document = tagged.document
    areas = [
        kid
        for kid in tagged.kids(document)
        if tagged.is_element(kid) and tagged.tag(kid) == "/NonStruct" and _notes_of(tagged, kid)
    ]
    if not areas:
        return
    area_keys = {area.objgen for area in areas}
    calls = [
        element
        for element in tagged.elements()
        if tagged.tag(element) == "/NonStruct"
        and len(tagged.kids(element)) == 1
        and tagged.is_element(tagged.kids(element)[0])
        and tagged.tag(tagged.kids(element)[0]) == "/Span"
        and element.P.objgen not in area_keys
        and tagged.tag(element.P) != "/NonStruct"
    ]
    numbers = {
        tagged.text(marker).rstrip(". ") for area in areas for _, marker in _notes_of(tagged, area)
    }
    # A call is short: its text is read only if it has a single mark.
    call_texts = [
        (call, text)
        for call in calls
        if len(list(itertools.islice(tagged.marks(call), 2))) == 1
        and (text := tagged.text(call)) in numbers
    ]
    position = 0
    for area in areas:
        for note, marker in _notes_of(tagged, area):
            number = tagged.text(marker).rstrip(". ")
            for index in range(position, len(call_texts)):
                call, text = call_texts[index]
                if text == number:
                    position = index + 1
                    break
            else:
                continue
            tagged.retag(note, "/Note")
            note.ID = String(f"note-{number}")
            tagged.retag(marker, "/Lbl")
            tagged.retag(call, "/Reference")
            parent = call.P
            kids = tagged.kids(parent)
            at = next(i for i, kid in enumerate(kids) if kid.objgen == call.objgen)
            tagged.set_kids(parent, [*kids[: at + 1], note, *kids[at + 1 :]])
            tagged.set_kids(area, [k for k in tagged.kids(area) if k.objgen != note.objgen])
    tagged.set_kids(
        document,
        [k for k in tagged.kids(document) if not tagged.is_element(k) or tagged.kids(k)],
    )


def _notes_of(tagged: _Tagged, area: pikepdf.Object) -> list[tuple[pikepdf.Object, pikepdf.Object]]:
    """(note, marker) for each Span of a footnote area that starts with a marker like "1. "."""
    notes = []
    for note in tagged.kids(area):
        if not tagged.is_element(note) or tagged.tag(note) not in ("/Span", "/Note"):
            return []
        first = next((kid for kid in tagged.kids(note) if tagged.is_element(kid)), None)
        if first is None or not re.fullmatch(r"\S{1,6}\.", tagged.text(first).strip()):
            return []
        notes.append((note, first))
    return notes


def _languages(tagged: _Tagged, language: str) -> None:
    """A run whose script names another language than the document's gets that /Lang."""
    primary = language.split("-", 1)[0].lower()
    for element in tagged.elements():
        number = tagged.page_of(element)
        if number is None:
            continue
        marks = tagged.pages[number].marks
        mcids = [kid for kid in tagged.kids(element) if isinstance(kid, int) and kid in marks]
        # Only text drawn with a font that has such letters is read.
        if not any(marks[mcid].foreign for mcid in mcids):
            continue
        found = script_language(tagged.text(element))
        if found is not None and found != primary:
            element.Lang = String(found)


def _whole_words(tagged: _Tagged) -> None:
    """A word hyphenated at a line end is given whole to readers, by /ActualText.

    The line that ends in the hyphen WeasyPrint added reads as if the word's
    end were on it, and the next line reads without it; readers that follow
    ActualText (screen readers, pdftotext, copy and paste) get whole words.
    """
    sequence = list(tagged.marks(tagged.document))
    texts: dict[tuple[int, int], str] = {}

    def text_of(page: _Page, mcid: int) -> str:
        if (page.number, mcid) not in texts:
            texts[page.number, mcid] = page.text(mcid)
        return texts[page.number, mcid]

    for (page, mcid), (next_page, next_mcid) in itertools.pairwise(sequence):
        if (page.number, mcid) not in texts and not page.ends_with(mcid, HYPHEN):
            continue
        text = text_of(page, mcid)
        if not text.endswith(HYPHEN) or len(text) < 2 or not text[-2].isalpha():
            continue
        rest = text_of(next_page, next_mcid)
        # The word's end, with the punctuation after it: up to the first space.
        end = next((i for i, char in enumerate(rest) if char.isspace()), len(rest))
        if end == 0:
            continue
        texts[page.number, mcid] = text[:-1] + rest[:end]
        texts[next_page.number, next_mcid] = rest[end:].lstrip()
        tagged.actual_text(page, mcid, texts[page.number, mcid])
        tagged.actual_text(next_page, next_mcid, texts[next_page.number, next_mcid])


def _watermark(tagged: _Tagged) -> None:
    """The DRAFT watermark is an /Artifact /Watermark.

    print.css draws it as the background picture of a fixed, rotated box;
    WeasyPrint paints backgrounds as untyped artifacts, here inside a form
    XObject whose first operation is the rotation (nothing else in a report
    is rotated).  Drawn as text (no font to outline), the box is a Div at
    the top of the tree: its text becomes the watermark artifact instead.
    """
    document = tagged.document
    for kid in tagged.kids(document):
        if tagged.is_element(kid) and tagged.tag(kid) == "/Div":
            for page, mcid in list(tagged.marks(kid)):
                tagged.artifact(page, mcid, "/Watermark")
            tagged.set_kids(kid, [])
    seen: dict[tuple[int, int], bool] = {}
    for page in tagged.pages:
        if not page.unmarked_paints:
            continue
        xobjects = page.page.obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
        for index, name in page.unmarked_paints:
            xobject = xobjects.get(name)
            if xobject is None:
                continue
            if xobject.objgen not in seen:
                seen[xobject.objgen] = _mark_watermark(xobject)
            if seen[xobject.objgen]:
                # The paint itself too: checkers want every paint in marked content.
                page.wraps[index] = Dictionary(Type=Name.Watermark)


def _mark_watermark(xobject: pikepdf.Object) -> bool:
    """If ``xobject`` is the watermark's rotated form: type its artifact, and say so."""
    if xobject.get("/Subtype") != "/Form":
        return False
    # Its transformations first (qpdf filters them), all of it only if rotated.
    transforms = pikepdf.parse_content_stream(xobject, "cm")
    if not transforms:
        return False
    _, b, c, *_ = (float(value) for value in transforms[0].operands)
    if b == 0 and c == 0:
        return False
    instructions = pikepdf.parse_content_stream(xobject)
    if str(instructions[0].operator) != "cm":
        return False
    changed = False
    for index, instruction in enumerate(instructions):
        operands = instruction.operands
        if str(instruction.operator) == "BMC" and operands[0] == Name.Artifact:
            instructions[index] = ContentStreamInstruction(
                [Name.Artifact, Dictionary(Type=Name.Watermark)], Operator("BDC")
            )
            changed = True
    if changed:
        xobject.write(pikepdf.unparse_content_stream(instructions))
    return changed


_WRAPPERS = ("/NonStruct", "/Div", "/Span")


def _drop_empty(tagged: _Tagged) -> None:
    """Empty wrappers (a line break's, the watermark's box) leave the tree; empty cells stay."""
    _prune(tagged, tagged.document)


def _prune(tagged: _Tagged, element: pikepdf.Object) -> bool:
    # A function of the module, not a closure: a closure that calls itself is
    # a reference cycle, which would keep ``tagged`` (every page's parsed
    # instructions, 450,000 objects for 2,500 participants) until the
    # collector's next full pass.
    kids = tagged.kids(element)
    kept = [kid for kid in kids if not tagged.is_element(kid) or _prune(tagged, kid)]
    if len(kept) != len(kids):
        tagged.set_kids(element, kept)
    return bool(kept) or tagged.tag(element) not in _WRAPPERS


def _claim_pdfua(pdf: pikepdf.Pdf) -> None:
    """Add PDFUA_XMP's descriptions to the XMP metadata's rdf:RDF."""
    stream = pdf.Root.Metadata
    root = parse(stream.read_bytes(), "XMP metadata", keep_comments=True)
    target = root.find(f"{{{RDF}}}RDF")
    for description in parse(PDFUA_XMP, "PDF/UA identification"):
        target.append(description)
    stream.write(etree.tostring(root.getroottree(), encoding="utf-8"))


def finish(data: bytes, *, language: str) -> bytes:
    """The PDF WeasyPrint wrote (``data``), completed for PDF/UA-1 and PDF/A-3a.

    ``language`` is the document's (for /Lang on runs in another script).
    The result is the same for the same ``data``: the file identifier is
    computed from the content (qpdf's deterministic ID).
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tagged = _Tagged(pdf)
        _furniture(tagged)
        _watermark(tagged)
        _contents(tagged)
        _header_scope(tagged)
        _footnotes(tagged)
        _languages(tagged, language)
        _whole_words(tagged)
        _drop_empty(tagged)
        tagged.save()
        # PDF/UA-1 7.3: every figure has an alternative text.  A reviewer's
        # picture may have none (publish warns): then the file does not claim
        # PDF/UA, rather than claim it falsely.
        if all("/Alt" in e for e in tagged.elements() if tagged.tag(e) == "/Figure"):
            _claim_pdfua(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()
