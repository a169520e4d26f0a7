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

from ..language.scripts import script_language
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
    """One marked-content sequence with an MCID: where it opens, what text it shows."""

    index: int  # of its BDC in the page's instructions
    text: list[str] = field(default_factory=list)
    line: float | None = None  # the y of its first text matrix: a new value is a new line


@dataclass
class _Page:
    number: int
    page: pikepdf.Page
    instructions: list[ContentStreamInstruction]
    marks: dict[int, _Mark]
    changed: bool = False

    def replace(self, index: int, operands: list[object], operator: str) -> None:
        self.instructions[index] = ContentStreamInstruction(operands, Operator(operator))
        self.changed = True


class _Fonts:
    """Each font's ToUnicode map, read once per font object (WeasyPrint shares them)."""

    _BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)
    _CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
    _RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")

    def __init__(self) -> None:
        self.maps: dict[tuple[int, int], tuple[int, dict[bytes, str]]] = {}

    def decoder(self, font: pikepdf.Object) -> tuple[int, dict[bytes, str]]:
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
            self.maps[key] = (width, table)
        return self.maps[key]


def _utf16(hex_digits: bytes) -> str:
    return bytes.fromhex(hex_digits.decode()).decode("utf-16-be", errors="replace")


def _decode(data: bytes, width: int, table: dict[bytes, str]) -> str:
    return "".join(table.get(data[i : i + width], "") for i in range(0, len(data), width))


def _read_page(number: int, page: pikepdf.Page, fonts: _Fonts) -> _Page:
    """The page's instructions, and the text of each marked-content sequence with an MCID."""
    instructions = pikepdf.parse_content_stream(page)
    marks: dict[int, _Mark] = {}
    stack: list[_Mark | None] = []
    font_resources = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
    width, table = 1, {}
    for index, (operands, operator) in enumerate(instructions):
        op = str(operator)
        if op == "BDC":
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, Dictionary) else None
            mark = _Mark(index) if mcid is not None else None
            if mark is not None:
                marks[int(mcid)] = mark
            stack.append(mark)
        elif op == "BMC":
            stack.append(None)
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op == "Tf":
            font = font_resources.get(str(operands[0]))
            width, table = fonts.decoder(font) if font is not None else (1, {})
        elif op == "Tm":
            current = next((m for m in reversed(stack) if m is not None), None)
            if current is not None and current.line is None:
                current.line = float(operands[5])
        elif op in ("Tj", "TJ", "'", '"'):
            current = next((m for m in reversed(stack) if m is not None), None)
            if current is None:
                continue
            strings = operands[0] if op == "TJ" else operands[-1:]
            for item in strings:
                if isinstance(item, String):
                    current.text.append(_decode(bytes(item), width, table))
    return _Page(number, page, instructions, marks)


# -- the structure tree ------------------------------------------------------------------

_LEADER = frozenset(" .·…\u00a0\u2024")


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(kid: object) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR")


def _is_objr(kid: object) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR"


def _set_kids(element: pikepdf.Object, kids: list[object]) -> None:
    element.K = Array(kids)
    for kid in kids:
        if _is_element(kid):
            kid.P = element


class _Tagged:
    """The PDF as finish() edits it: its pages read once, its tree walked once."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        fonts = _Fonts()
        self.pages = [_read_page(n, page, fonts) for n, page in enumerate(pdf.pages)]
        self.page_numbers = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        self.root = pdf.Root.StructTreeRoot
        self.document = _kids(self.root)[0]
        # The parent tree: each page's array of MCID → element, then annotations.
        self.nums = self.root.ParentTree.Nums
        self.mcid_arrays: dict[int, pikepdf.Array] = {}
        for page in pdf.pages:
            key = page.obj.get("/StructParents")
            if key is not None:
                self.mcid_arrays[self.page_numbers[page.obj.objgen]] = self._parent_entry(int(key))

    def _parent_entry(self, key: int) -> pikepdf.Object:
        for index in range(0, len(self.nums), 2):
            if int(self.nums[index]) == key:
                return self.nums[index + 1]
        raise KeyError(key)

    # -- walking

    def elements(self, top: pikepdf.Object | None = None) -> Iterator[pikepdf.Object]:
        """Every element under ``top`` (the document), parents before children, in order."""
        stack = [top if top is not None else self.document]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed([kid for kid in _kids(element) if _is_element(kid)]))

    def page_of(self, element: pikepdf.Object) -> int | None:
        page = element.get("/Pg")
        return self.page_numbers.get(page.objgen) if page is not None else None

    def marks(self, element: pikepdf.Object) -> Iterator[tuple[_Page, int]]:
        """The marked-content sequences under ``element``, in reading order: (page, MCID)."""
        stack: list[tuple[pikepdf.Object, int | None]] = [(element, None)]
        while stack:
            node, number = stack.pop()
            if isinstance(node, int):
                if number is not None:
                    yield self.pages[number], node
            elif isinstance(node, Dictionary) and node.get("/Type") == "/MCR":
                yield self.pages[self.page_numbers[node.Pg.objgen]], int(node.MCID)
            elif _is_element(node):
                page = self.page_of(node)
                number = page if page is not None else number
                stack.extend((kid, number) for kid in reversed(_kids(node)))

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
        operands, _ = page.instructions[mark.index]
        properties = Dictionary(operands[1])
        properties.ActualText = String(text)
        page.replace(mark.index, [operands[0], properties], "BDC")

    def drop_annotation(self, annotation: pikepdf.Object) -> None:
        """Remove a link annotation from its page and from the parent tree."""
        for page in self.pdf.pages:
            annotations = page.obj.get("/Annots")
            if annotations is None:
                continue
            kept = [a for a in annotations if a.objgen != annotation.objgen]
            if len(kept) != len(annotations):
                page.obj.Annots = Array(kept)
                break
        key = annotation.get("/StructParent")
        if key is not None:
            for index in range(0, len(self.nums), 2):
                if int(self.nums[index]) == int(key):
                    del self.nums[index : index + 2]
                    break

    def set_annotation_parent(self, annotation: pikepdf.Object, element: pikepdf.Object) -> None:
        key = annotation.get("/StructParent")
        if key is not None:
            for index in range(0, len(self.nums), 2):
                if int(self.nums[index]) == int(key):
                    self.nums[index + 1] = element
                    break

    def save(self) -> None:
        for page in self.pages:
            if page.changed:
                data = pikepdf.unparse_content_stream(page.instructions)
                page.page.obj.Contents = self.pdf.make_stream(data)


def _join(marks: Iterator[tuple[_Page, int]]) -> str:
    """Texts of marked content in order; a new line (or page) starts after a space."""
    out: list[str] = []
    last: tuple[int, float | None] | None = None
    for page, mcid in marks:
        mark = page.marks.get(mcid)
        if mark is None:
            continue
        here = (page.number, mark.line)
        if last is not None and here != last and out and not out[-1].endswith(" "):
            out.append(" ")
        out.append("".join(mark.text))
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
        lines = [
            mark.line
            for mcid, mark in page.marks.items()
            if mcid not in stray and mark.line is not None
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
        if element.get("/S") != "/L" or not _is_contents(element):
            continue
        element.S = Name.TOC
        for item in _kids(element):
            item.S = Name.TOCI
            links = [kid for body in _kids(item) for kid in _kids(body) if _is_element(kid)]
            link = links[0]
            objrs: list[object] = []
            content: list[tuple[_Page, int]] = []
            for top in links:
                objrs += [kid for kid in _kids(top) if _is_objr(kid)]
                for inner in list(tagged.elements(top))[1:]:
                    for kid in _kids(inner):
                        if _is_objr(kid):
                            tagged.drop_annotation(kid.Obj)
                content += list(tagged.marks(top))
            label: list[tuple[_Page, int]] = []
            kept: list[object] = []
            home = content[0][0].number if content else tagged.page_of(link)
            seen_leader = False
            for page, mcid in content:
                text = "".join(page.marks[mcid].text)
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
            _set_kids(link, [*objrs, *kept])
            if home is not None:
                link.Pg = tagged.pdf.pages[home].obj
            _set_kids(item, [link])


def _content_reference(page: _Page, mcid: int) -> Dictionary:
    """A marked-content reference to another page than its element's (ISO 32000-1 14.7.4.2)."""
    return Dictionary(Type=Name.MCR, Pg=page.page.obj, MCID=mcid)


def _is_contents(element: pikepdf.Object) -> bool:
    items = _kids(element)
    if not items:
        return False
    for item in items:
        if item.get("/S") != "/LI":
            return False
        bodies = _kids(item)
        links = [kid for body in bodies for kid in _kids(body)]
        if not bodies or any(body.get("/S") != "/LBody" for body in bodies) or not links:
            return False
        for link in links:
            if not _is_element(link) or link.get("/S") != "/Link":
                return False
            objrs = [kid for kid in _kids(link) if _is_objr(kid)]
            if not objrs or any("/Dest" not in objr.Obj for objr in objrs):
                return False
    return True


def _header_scope(tagged: _Tagged) -> None:
    """Header cells say what they head (PDF/UA-1 7.5): a column in a THead, else a row."""
    for element in tagged.elements():
        if element.get("/S") != "/TR":
            continue
        scope = Name.Column if element.P.get("/S") == "/THead" else Name.Row
        for cell in _kids(element):
            if _is_element(cell) and cell.get("/S") == "/TH":
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
        for kid in _kids(document)
        if _is_element(kid) and kid.get("/S") == "/NonStruct" and _notes_of(tagged, kid)
    ]
    if not areas:
        return
    calls = [
        element
        for element in tagged.elements()
        if element.get("/S") == "/NonStruct"
        and element.P.get("/S") != "/NonStruct"
        and not any(element.P.objgen == area.objgen for area in areas)
        and len(_kids(element)) == 1
        and _is_element(_kids(element)[0])
        and _kids(element)[0].get("/S") == "/Span"
    ]
    call_texts = [(call, tagged.text(call)) for call in calls]
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
            note.S = Name.Note
            note.ID = String(f"note-{number}")
            marker.S = Name.Lbl
            call.S = Name.Reference
            parent = call.P
            kids = _kids(parent)
            at = next(i for i, kid in enumerate(kids) if kid.objgen == call.objgen)
            _set_kids(parent, [*kids[: at + 1], note, *kids[at + 1 :]])
            _set_kids(area, [kid for kid in _kids(area) if kid.objgen != note.objgen])
    _set_kids(document, [kid for kid in _kids(document) if not _is_element(kid) or _kids(kid)])


def _notes_of(tagged: _Tagged, area: pikepdf.Object) -> list[tuple[pikepdf.Object, pikepdf.Object]]:
    """(note, marker) for each Span of a footnote area that starts with a marker like "1. "."""
    notes = []
    for note in _kids(area):
        if not _is_element(note) or note.get("/S") not in ("/Span", "/Note"):
            return []
        first = next((kid for kid in _kids(note) if _is_element(kid)), None)
        if first is None or not re.fullmatch(r"\S{1,6}\.", tagged.text(first).strip()):
            return []
        notes.append((note, first))
    return notes


def _languages(tagged: _Tagged, language: str) -> None:
    """A run whose script names another language than the document's gets that /Lang."""
    primary = language.split("-", 1)[0].lower()
    for element in tagged.elements():
        if not any(isinstance(kid, int) for kid in _kids(element)):
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
    texts = {(page.number, mcid): "".join(page.marks[mcid].text) for page, mcid in sequence}
    for (page, mcid), (next_page, next_mcid) in itertools.pairwise(sequence):
        text = texts[page.number, mcid]
        if not text.endswith(HYPHEN) or len(text) < 2 or not text[-2].isalpha():
            continue
        rest = texts[next_page.number, next_mcid]
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
    for kid in _kids(document):
        if _is_element(kid) and kid.get("/S") == "/Div":
            for page, mcid in list(tagged.marks(kid)):
                tagged.artifact(page, mcid, "/Watermark")
            _set_kids(kid, [])
    seen: set[tuple[int, int]] = set()
    for page in tagged.pdf.pages:
        xobjects = page.obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
        for _, xobject in xobjects.items():
            if xobject.objgen in seen or xobject.get("/Subtype") != "/Form":
                continue
            seen.add(xobject.objgen)
            instructions = pikepdf.parse_content_stream(xobject)
            if not instructions or str(instructions[0].operator) != "cm":
                continue
            _, b, c, *_ = (float(value) for value in instructions[0].operands)
            if b == 0 and c == 0:
                continue
            changed = False
            for index, (operands, operator) in enumerate(instructions):
                if str(operator) == "BMC" and operands[0] == Name.Artifact:
                    instructions[index] = ContentStreamInstruction(
                        [Name.Artifact, Dictionary(Type=Name.Watermark)], Operator("BDC")
                    )
                    changed = True
            if changed:
                xobject.write(pikepdf.unparse_content_stream(instructions))


_WRAPPERS = ("/NonStruct", "/Div", "/Span")


def _drop_empty(tagged: _Tagged) -> None:
    """Empty wrappers (a line break's, the watermark's box) leave the tree; empty cells stay."""

    def prune(element: pikepdf.Object) -> bool:
        kids = _kids(element)
        kept = [kid for kid in kids if not _is_element(kid) or prune(kid)]
        if len(kept) != len(kids):
            _set_kids(element, kept)
        return bool(kept) or element.get("/S") not in _WRAPPERS

    prune(tagged.document)


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
        if all("/Alt" in e for e in tagged.elements() if e.get("/S") == "/Figure"):
            _claim_pdfua(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()
