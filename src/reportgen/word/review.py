"""Tracked changes and comments left in a reviewed DOCX: found, refused, or accepted."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

from ..errors import ReviewError, UnsafeDocumentError
from ..xmlparsing import parse_part
from .namespaces import NS, qn

RELS_NS = NS["pr"]
TYPES_NS = NS["ct"]
CONTENT_TYPES = "[Content_Types].xml"


def _w(name: str) -> str:
    return qn(f"w:{name}")


INS, DEL, MOVE_FROM, MOVE_TO = _w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")
P, PPR, R, RPR, T, DEL_TEXT = _w("p"), _w("pPr"), _w("r"), _w("rPr"), _w("t"), _w("delText")
TAB, BR, CR = _w("tab"), _w("br"), _w("cr")
TBL, TR, TRPR, TC, TCPR, NUMPR = _w("tbl"), _w("tr"), _w("trPr"), _w("tc"), _w("tcPr"), _w("numPr")
CELL_INS, CELL_DEL, CELL_MERGE = _w("cellIns"), _w("cellDel"), _w("cellMerge")
V_MERGE = _w("vMerge")
COMMENT, COMMENT_RANGE_START, COMMENT_RANGE_END = (
    _w("comment"),
    _w("commentRangeStart"),
    _w("commentRangeEnd"),
)
COMMENT_REFERENCE = _w("commentReference")
DRAWING, PICT, FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE = (
    _w("drawing"),
    _w("pict"),
    _w("footnoteReference"),
    _w("endnoteReference"),
)
A_ID, A_AUTHOR, A_DATE, A_NAME, A_VAL = _w("id"), _w("author"), _w("date"), _w("name"), _w("val")
A_V_MERGE = _w("vMerge")
MATH_RUN = qn("m:r")
MC_FALLBACK = qn("mc:Fallback")
RUNS = (R, MATH_RUN)
TEXTS = (T, DEL_TEXT)

# Changes of properties: each holds the OLD properties, so accepting removes it.
PROPERTY_CHANGES = tuple(
    _w(name)
    for name in (
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "trPrChange",
        "tcPrChange",
        "tblGridChange",
        "tblPrExChange",
        "numberingChange",
    )
)
RPR_CHANGE, SECT_PR_CHANGE = _w("rPrChange"), _w("sectPrChange")
STYLE, STYLE_NAME = _w("style"), _w("name")
# Range marks that belong to moves and to custom XML changes: nothing to show, removed on accept.
RANGE_MARKS = tuple(
    _w(f"{prefix}Range{end}")
    for prefix in (
        "moveFrom",
        "moveTo",
        "customXmlIns",
        "customXmlDel",
        "customXmlMoveFrom",
        "customXmlMoveTo",
    )
    for end in ("Start", "End")
)
MOVE_RANGE_STARTS = (_w("moveFromRangeStart"), _w("moveToRangeStart"))
MOVE_RANGE_ENDS = (_w("moveFromRangeEnd"), _w("moveToRangeEnd"))
# Any of these in a part means there is something to report there.
MARK_TAGS = (
    INS,
    DEL,
    MOVE_FROM,
    MOVE_TO,
    CELL_INS,
    CELL_DEL,
    CELL_MERGE,
    COMMENT_RANGE_START,
    COMMENT_REFERENCE,
    *PROPERTY_CHANGES,
)

# Relationship types (last segment) of the parts reviewers' marks live in, in listing order.
STORY_TYPES = ("footnotes", "endnotes", "header", "footer", "styles", "numbering")
COMMENT_PART_TYPES = ("comments", "commentsExtended", "commentsIds", "commentsExtensible", "people")
REL_OFFICE_DOCUMENT = "officeDocument"

# Kinds, in the order the summary lists them, with their plurals.
KINDS = {
    "insertion": "insertions",
    "deletion": "deletions",
    "move": "moves",
    "formatting change": "formatting changes",
    "table row inserted": "table rows inserted",
    "table row deleted": "table rows deleted",
    "table cell inserted": "table cells inserted",
    "table cell deleted": "table cells deleted",
    "table cell merge": "table cell merges",
    "comment": "comments",
}
_CONTENT_KINDS = {INS: "insertion", DEL: "deletion", MOVE_FROM: "move", MOVE_TO: "move"}
FIRST_WORDS = 8
FIRST_WORDS_CHARS = 70
COMMENT_WORDS = 20  # a comment is shown at more length: it is what the reviewer asks
COMMENT_CHARS = 160
LISTED_MARKS = 50
HINT = "accept or reject them in Word (Review → Accept/Reject), or publish with --accept-changes"


@dataclass(frozen=True)
class ReviewMark:
    """One unresolved tracked change or comment, as a person would point at it."""

    kind: str  # a key of KINDS: "insertion", "deletion", "comment", …
    author: str  # "" when the DOCX does not say
    date: str  # as written in the DOCX (ISO 8601), "" when it does not say
    first_words: str  # the first words of the changed text; of a comment, its text
    part: str  # the package part it is in, e.g. "word/document.xml"

    def __str__(self) -> str:
        place = _PLACES.get(_part_family(self.part), "")
        line = f"{self.kind}{place} by {self.author or 'an unknown author'}"
        if self.date:
            line += f", {self.date[:10]}"
        return f"{line}: “{self.first_words}”" if self.first_words else line


_PLACES = {
    "footnotes": " in a footnote",
    "endnotes": " in an endnote",
    "header": " in a page header",
    "footer": " in a page footer",
    "styles": " in the styles",
    "numbering": " in the list numbering",
}


def _part_family(part: str) -> str:
    base = posixpath.basename(part).lower()
    return next((family for family in _PLACES if base.startswith(family)), "")


def resolve_review_marks(data: bytes, *, accept: bool, where: str) -> bytes:
    """The DOCX ``data`` with no review marks left in it.

    Without marks, ``data`` itself. With marks: a ReviewError listing them,
    unless ``accept``, and then a new DOCX with every change accepted and every
    comment removed (spec/cli.md, ``publish --accept-changes``).
    """
    try:
        package = _Package(data)
        marks = _find(package)
        if not marks:
            return data
        if not accept:
            raise ReviewError(refusal(marks, where), hint=HINT)
        return _accept_all(package)
    except UnsafeDocumentError as error:
        raise UnsafeDocumentError(f"{where}: {error.message}", hint=error.hint) from None


def find_review_marks(data: bytes) -> list[ReviewMark]:
    """Every unresolved tracked change and comment in the DOCX, in reading order.

    The main text comes first, then footnotes, endnotes, headers, footers,
    styles and numbering. A change Word wrote in pieces (one per run or
    paragraph) is one mark.
    """
    return _find(_Package(data))


def refusal(marks: list[ReviewMark], where: str) -> str:
    """The message that refuses a DOCX with ``marks``: a count by kind, then one line each."""
    counts = Counter(mark.kind for mark in marks)
    kinds = ", ".join(
        f"{counts[kind]} {kind if counts[kind] == 1 else plural}"
        for kind, plural in KINDS.items()
        if counts[kind]
    )
    noun = "review mark" if len(marks) == 1 else "review marks"
    lines = [f"{where}: {len(marks)} unresolved {noun} ({kinds})"]
    lines += [f"  {mark}" for mark in marks[:LISTED_MARKS]]
    if len(marks) > LISTED_MARKS:
        lines.append(f"  … and {len(marks) - LISTED_MARKS} more")
    return "\n".join(lines)


# -- the package ---------------------------------------------------------------------


class _Package:
    """A DOCX's ZIP entries, and where its text and comments are."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise UnsafeDocumentError("not a DOCX (a DOCX is a ZIP package)") from None
        self.infos = [info for info in self._zip.infolist() if not info.is_dir()]
        self._names = {info.filename for info in self.infos}
        self.main = self._main_document()
        self.main_rels = _rels_name(self.main)
        by_type: dict[str, list[str]] = {}
        for _rel_id, kind, target in self.relationships(self.main_rels):
            if target in self._names:
                by_type.setdefault(kind, []).append(target)
        self.stories = [self.main]  # the parts whose marks are listed, main text first
        for kind in STORY_TYPES:
            self.stories += sorted(set(by_type.get(kind, [])))
        self.comments: str | None = next(iter(by_type.get("comments", [])), None)

    def read(self, name: str) -> bytes:
        try:
            return self._zip.read(name)
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
            raise UnsafeDocumentError(f"{name}: cannot be read ({error})") from None

    def xml(self, name: str) -> etree._Element:
        return _parse(self.read(name), name)

    def relationships(self, rels_name: str) -> Iterator[tuple[str, str, str]]:
        """(id, type's last segment, target part name) of each internal relationship."""
        if rels_name not in self._names:
            return
        folder = posixpath.dirname(posixpath.dirname(rels_name))
        for rel in self.xml(rels_name).iter(f"{{{RELS_NS}}}Relationship"):
            if rel.get("TargetMode", "").lower() == "external":
                continue
            kind = rel.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
            yield rel.get("Id", ""), kind, _part_name(folder, rel.get("Target", ""))

    def _main_document(self) -> str:
        for _rel_id, kind, target in self.relationships("_rels/.rels"):
            if kind == REL_OFFICE_DOCUMENT and target in self._names:
                return target
        if "word/document.xml" in self._names:
            return "word/document.xml"
        raise UnsafeDocumentError("the DOCX has no main document part (word/document.xml)")


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _part_name(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _parse(data: bytes, name: str) -> etree._Element:
    # Comments and processing instructions stay: accepting changes writes the part back.
    return parse_part(data, name, keep_comments=True)


def _check_namespace(root: etree._Element, name: str) -> None:
    if root.tag != _w("document"):
        raise UnsafeDocumentError(
            f"{name}: is not a Word document as reportgen reads it (saved as “Strict Open XML”?)",
            hint='save it in Word as "Word Document (*.docx)"',
        )


# -- finding ---------------------------------------------------------------------------


@dataclass
class _Comment:
    author: str
    date: str
    text: str


def _find(package: _Package) -> list[ReviewMark]:
    comments = _comments(package)
    marks: list[ReviewMark] = []
    anchored: set[str] = set()
    for part in package.stories:
        root = package.xml(part)
        if part == package.main:
            _check_namespace(root, part)
        if next(root.iter(*MARK_TAGS), None) is None:
            continue  # the usual case, decided without walking the part in Python
        finder = _Finder(part, comments, anchored)
        finder.walk(root, marked=False)
        marks += finder.marks()
    for comment_id, comment in comments.items():
        if comment_id not in anchored:
            words = _first_words(comment.text, words=COMMENT_WORDS, chars=COMMENT_CHARS)
            marks.append(
                ReviewMark("comment", comment.author, comment.date, words, package.comments or "")
            )
    return marks


def _comments(package: _Package) -> dict[str, _Comment]:
    if package.comments is None:
        return {}
    found: dict[str, _Comment] = {}
    for comment in package.xml(package.comments).iter(COMMENT):
        found[comment.get(A_ID, "")] = _Comment(
            comment.get(A_AUTHOR, ""), comment.get(A_DATE, ""), _text(comment, limit=400)
        )
    return found


@dataclass
class _Found:
    kind: str
    author: str
    date: str
    text: str
    group: str | None  # marks of one group, author and move may join; None never joins
    move: str | None = None
    paragraph: etree._Element | None = None  # set while the mark is only a paragraph's mark


class _Finder:
    """Walks one part in reading order, turning review marks into _Found records.

    Adjacent pieces of one change (Word writes a ``w:ins`` per run, and a
    paragraph-mark insertion per paragraph) are joined while no unmarked
    text stands between them.
    """

    def __init__(self, part: str, comments: dict[str, _Comment], anchored: set[str]) -> None:
        self.part = part
        self.comments = comments
        self.anchored = anchored
        self.found: list[_Found] = []
        self.adjacent = False  # no unmarked text since the last mark
        self.absorb: tuple[str, str] | None = None  # (group, author) a marked row swallows
        self.move_name: str | None = None  # the move range the walk is in
        self.current_move: str | None = None  # the move the last piece of a move belonged to
        self.moves: dict[str, _Found] = {}
        self.paragraph_start = False  # nothing added since a paragraph began

    def marks(self) -> list[ReviewMark]:
        out = []
        for f in self.found:
            if f.kind == "comment":
                words = _first_words(f.text, words=COMMENT_WORDS, chars=COMMENT_CHARS)
            elif f.paragraph is not None:
                # a paragraph break alone: show the end of the paragraph it ends
                end = _text(f.paragraph).split()[-FIRST_WORDS // 2 :]
                words = ("…" + " ".join(end) + " ¶") if end else "¶"
            else:
                words = _first_words(f.text)
            out.append(ReviewMark(f.kind, f.author, f.date, words, self.part))
        return out

    def add(
        self,
        kind: str,
        el: etree._Element,
        text: str,
        *,
        group: str | None,
        paragraph_mark: etree._Element | None = None,
    ) -> None:
        author, date = el.get(A_AUTHOR, ""), el.get(A_DATE, "")
        if group is not None and self.absorb == (group, author):
            return  # the content of an inserted or deleted row belongs to the row's mark
        move = None
        if kind == "move":
            # a moved paragraph's mark comes after its move range has ended
            move = self.move_name or (self.current_move if self.adjacent else None)
            self.current_move = move
            if move is not None and move in self.moves:
                self.adjacent = True
                return  # the other end of a move already listed
        last = self.found[-1] if self.found else None
        if (
            last is not None
            and group is not None
            and self.adjacent
            and last.group == group
            and last.author == author
            and last.move == move
        ):
            # pieces of one paragraph join as they are; a paragraph break is a space
            if paragraph_mark is not None:
                last.text += " "
            else:
                last.text += (" " if self.paragraph_start else "") + text
            last.paragraph = None
        else:
            last = _Found(kind, author, date, text, group, move, paragraph_mark)
            self.found.append(last)
        if move is not None:
            self.moves[move] = last
        self.adjacent = True
        self.paragraph_start = False

    def walk(self, elements: Iterable[etree._Element], *, marked: bool) -> None:
        """Each of ``elements`` and what it holds; ``marked``: their text belongs to a mark."""
        for el in elements:
            tag = el.tag
            if not isinstance(tag, str) or tag == MC_FALLBACK:
                continue  # XML comments; Fallback repeats what mc:Choice holds
            if tag in TEXTS:
                if not marked and el.text and el.text.strip():
                    self.adjacent = False
            elif tag == P:
                self.paragraph(el, marked=marked)
            elif tag in RUNS:
                self.run(el, marked=marked)
            elif tag == TR:
                self.row(el, marked=marked)
            elif tag in _CONTENT_KINDS:
                if el.getparent().tag == NUMPR:  # an obsolete numbering insertion
                    self.add("formatting change", el, _context_text(el), group=None)
                else:
                    kind = _CONTENT_KINDS[tag]
                    if kind == "move" and self.move_name is None:
                        # LibreOffice puts the move's range start inside the moved text
                        start = next(el.iter(*MOVE_RANGE_STARTS), None)
                        self.move_name = start.get(A_NAME) if start is not None else None
                    self.add(kind, el, _text(el), group=kind)
                    self.walk(el, marked=True)
            elif tag in MOVE_RANGE_STARTS:
                self.move_name = el.get(A_NAME) or None
            elif tag in MOVE_RANGE_ENDS:
                self.move_name = None
            elif tag in (COMMENT_RANGE_START, COMMENT_REFERENCE):
                self.comment(el)
            elif tag == CELL_INS:
                self.add("table cell inserted", el, _context_text(el), group=None)
            elif tag == CELL_DEL:
                self.add("table cell deleted", el, _context_text(el), group=None)
            elif tag == CELL_MERGE:
                self.add("table cell merge", el, _context_text(el), group=None)
            elif tag in PROPERTY_CHANGES:
                self.add("formatting change", el, _context_text(el), group=None)
            else:
                self.walk(el, marked=marked)

    def paragraph(self, p: etree._Element, *, marked: bool) -> None:
        """A paragraph; the changes of its mark (``w:pPr/w:rPr``) come at its end, where it is."""
        self.paragraph_start = True
        ppr = p.find(PPR)
        mark_rpr = ppr.find(RPR) if ppr is not None else None
        if ppr is not None:
            self.walk([el for el in ppr if el is not mark_rpr], marked=marked)
        self.walk([el for el in p if el is not ppr], marked=marked)
        if mark_rpr is None:
            return
        for el in mark_rpr:
            if el.tag in _CONTENT_KINDS:
                kind = _CONTENT_KINDS[el.tag]
                self.add(kind, el, "", group=kind, paragraph_mark=p)
            elif el.tag == RPR_CHANGE:
                self.add("formatting change", el, "", group="formatting change", paragraph_mark=p)

    def run(self, r: etree._Element, *, marked: bool) -> None:
        rpr = r.find(RPR)
        if rpr is not None:
            for el in rpr:
                if el.tag in _CONTENT_KINDS:  # a math run, marked in its own properties
                    kind = _CONTENT_KINDS[el.tag]
                    self.add(kind, el, _text(r), group=kind)
                    marked = True
                elif el.tag == RPR_CHANGE:
                    self.add("formatting change", el, _text(r), group="formatting change")
                    marked = True
        self.walk([el for el in r if el is not rpr], marked=marked)

    def row(self, tr: etree._Element, *, marked: bool) -> None:
        trpr = tr.find(TRPR)
        absorb = self.absorb
        if trpr is not None:
            for el in trpr:
                if el.tag == INS:
                    self.add("table row inserted", el, _text(tr), group=None)
                    self.absorb = ("insertion", el.get(A_AUTHOR, ""))
                elif el.tag == DEL:
                    self.add("table row deleted", el, _text(tr), group=None)
                    self.absorb = ("deletion", el.get(A_AUTHOR, ""))
                elif el.tag in PROPERTY_CHANGES:
                    self.add("formatting change", el, _text(tr), group=None)
        self.walk([el for el in tr if el is not trpr], marked=marked)
        self.absorb = absorb

    def comment(self, el: etree._Element) -> None:
        comment_id = el.get(A_ID, "")
        if comment_id in self.anchored:
            return
        self.anchored.add(comment_id)
        comment = self.comments.get(comment_id, _Comment("", "", ""))
        self.found.append(_Found("comment", comment.author, comment.date, comment.text, group=None))
        self.adjacent = False


def _text(el: etree._Element, *, limit: int = 400) -> str:
    """The visible text under ``el`` (inserted or deleted), up to about ``limit`` characters."""
    pieces: list[str] = []
    size = 0
    for node in _iter_visible(el):
        tag = node.tag
        if tag in TEXTS:
            piece = node.text or ""
        elif tag in (TAB, BR, CR) or (tag == P and pieces):
            piece = " "
        elif tag in (DRAWING, PICT):
            piece = " [picture] "
        elif tag in (FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE):
            piece = " [note] "
        else:
            continue
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            break
    return "".join(pieces)


def _iter_visible(el: etree._Element) -> Iterator[etree._Element]:
    yield el
    for child in el:
        if isinstance(child.tag, str) and child.tag != MC_FALLBACK:
            yield from _iter_visible(child)


def _context_text(el: etree._Element) -> str:
    """The text a property change applies to: its run, paragraph, cell, row or table.

    A change of a style names the style; one of a section's page setup says so.
    """
    owner = next(el.iterancestors(R, MATH_RUN, P, TC, TR, TBL, STYLE), None)
    if owner is None:
        return "(page setup)" if el.tag == SECT_PR_CHANGE else ""
    if owner.tag == STYLE:
        element = owner.find(STYLE_NAME)
        name = element.get(A_VAL, "") if element is not None else owner.get(_w("styleId"), "")
        return f"style {name[:1].upper()}{name[1:]}"  # Word stores "heading 1", shows "Heading 1"
    return _text(owner)


def _first_words(text: str, *, words: int = FIRST_WORDS, chars: int = FIRST_WORDS_CHARS) -> str:
    split = text.split()
    short = " ".join(split[:words])
    if len(short) > chars:
        return short[: chars - 1].rstrip() + "…"
    return short + ("…" if len(split) > words else "")


# -- accepting ---------------------------------------------------------------------------


def _accept_all(package: _Package) -> bytes:
    """A new DOCX with every change accepted and the comments gone; other parts byte-identical."""
    changed: dict[str, bytes] = {}
    for part in package.stories:
        root = package.xml(part)
        if next(root.iter(*MARK_TAGS, *RANGE_MARKS, COMMENT_RANGE_END), None) is None:
            continue
        _accept_changes(root)
        changed[part] = _serialize(root)
    dropped = _drop_comment_parts(package, changed)
    return _rezip(package, changed, dropped)


def _accept_changes(root: etree._Element) -> None:
    """Accept, in place, every tracked change in one part, and remove its comment anchors."""
    for el in list(root.iter(COMMENT_RANGE_START, COMMENT_RANGE_END)):
        _remove(el)
    for el in list(root.iter(COMMENT_REFERENCE)):
        run = el.getparent()
        _remove(el)
        if run is not None and run.tag == R and all(child.tag == RPR for child in run):
            _remove(run)

    joined: list[etree._Element] = []  # paragraphs whose mark was deleted
    for el in list(root.iter(DEL, MOVE_FROM)):
        parent = el.getparent()
        if parent is None:
            continue
        owner = parent.getparent()
        if parent.tag == RPR and owner is not None and owner.tag == PPR:
            joined.append(el)
        elif parent.tag == RPR and owner is not None and owner.tag in RUNS:
            _remove(owner)
        elif parent.tag == TRPR and owner is not None:
            _remove_row(owner)
        else:
            _remove(el)
    for el in list(root.iter(CELL_DEL)):
        cell = next(el.iterancestors(TC), None)
        row = cell.getparent() if cell is not None else None
        if cell is not None and row is not None:
            _remove(cell)
            if row.find(TC) is None:
                _remove_row(row)

    for el in list(root.iter(INS, MOVE_TO)):
        if el.getparent() is not None and el.getparent().tag in (RPR, TRPR, NUMPR):
            _remove(el)
        else:
            _unwrap(el)
    for el in list(root.iter(CELL_MERGE)):
        _apply_cell_merge(el)
    for el in list(root.iter(CELL_INS, *PROPERTY_CHANGES, *RANGE_MARKS)):
        _remove(el)
    for el in joined:
        _join_with_next(el)


def _remove(el: etree._Element) -> None:
    """Take ``el`` out of the tree, keeping its tail text where it was."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _unwrap(el: etree._Element) -> None:
    """Put ``el``'s children in its place (an accepted insertion keeps its runs)."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    _remove(el)  # now empty, after its former children


def _remove_row(tr: etree._Element) -> None:
    table = tr.getparent()
    _remove(tr)
    if table is None or table.tag != TBL or table.find(TR) is not None:
        return
    holder = table.getparent()
    _remove(table)  # a table with no rows left is gone
    if holder is not None and holder.tag == TC and holder.find(P) is None:
        etree.SubElement(holder, P)  # a cell must end with a paragraph


def _apply_cell_merge(el: etree._Element) -> None:
    """``w:cellMerge`` holds the NEW vertical merge: accepting writes it as ``w:vMerge``."""
    tcpr = el.getparent()
    merge = el.get(A_V_MERGE)
    _remove(el)
    if tcpr is None or merge not in ("rest", "cont"):
        return
    vmerge = tcpr.find(V_MERGE)
    if vmerge is None:
        vmerge = etree.SubElement(tcpr, V_MERGE)
    if merge == "rest":
        vmerge.set(A_VAL, "restart")
    elif A_VAL in vmerge.attrib:
        del vmerge.attrib[A_VAL]


def _join_with_next(marker: etree._Element) -> None:
    """A deleted paragraph mark: what is left of its paragraph joins the next paragraph.

    The joined paragraph keeps the next paragraph's properties, as when a
    whole paragraph (text and mark) was deleted.
    """
    rpr = marker.getparent()
    _remove(marker)
    ppr = rpr.getparent() if rpr is not None else None
    p = ppr.getparent() if ppr is not None else None
    if p is None or p.getparent() is None:
        return
    following = p.getnext()
    while following is not None and following.tag not in (P, TBL, _w("sdt")):
        following = following.getnext()  # bookmarks and the like, between paragraphs
    content = [child for child in p if child.tag != PPR]
    if following is not None and following.tag == P:
        next_ppr = following.find(PPR)
        at = 1 if next_ppr is not None and following.index(next_ppr) == 0 else 0
        for offset, child in enumerate(content):
            following.insert(at + offset, child)
        _remove(p)
    elif not content and (following is not None or _previous_is_paragraph(p)):
        _remove(p)  # emptied, and its container keeps a paragraph where one is needed


def _previous_is_paragraph(p: etree._Element) -> bool:
    previous = p.getprevious()
    return previous is not None and previous.tag == P


def _serialize(root: etree._Element) -> bytes:
    tree = root.getroottree()
    return etree.tostring(
        tree,
        xml_declaration=True,
        encoding="UTF-8",
        standalone=tree.docinfo.standalone,
    )


def _drop_comment_parts(package: _Package, changed: dict[str, bytes]) -> set[str]:
    """Remove the comment parts and every reference to them (relationships, content types)."""
    rels = package.main_rels
    if rels not in {info.filename for info in package.infos}:
        return set()
    root = package.xml(rels)
    folder = posixpath.dirname(posixpath.dirname(rels))
    dropped: set[str] = set()
    for rel in list(root.iter(f"{{{RELS_NS}}}Relationship")):
        kind = rel.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
        if kind in COMMENT_PART_TYPES and rel.get("TargetMode", "").lower() != "external":
            dropped.add(_part_name(folder, rel.get("Target", "")))
            _remove(rel)
    if not dropped:
        return set()
    changed[rels] = _serialize(root)
    dropped |= {_rels_name(part) for part in dropped}
    types = package.xml(CONTENT_TYPES)
    lowered = {part.lower() for part in dropped}
    for override in list(types.iter(f"{{{TYPES_NS}}}Override")):
        if override.get("PartName", "").lstrip("/").lower() in lowered:
            _remove(override)
    changed[CONTENT_TYPES] = _serialize(types)
    return dropped


def _rezip(package: _Package, changed: dict[str, bytes], dropped: set[str]) -> bytes:
    """The package again, entry by entry in its order, with ``changed`` parts replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in package.infos:
            name = info.filename
            if name in dropped:
                continue
            entry = zipfile.ZipInfo(name, date_time=info.date_time)
            entry.compress_type = (
                info.compress_type
                if info.compress_type == zipfile.ZIP_STORED
                else zipfile.ZIP_DEFLATED
            )
            entry.create_system = info.create_system
            entry.external_attr = info.external_attr
            data = changed[name] if name in changed else package.read(name)
            archive.writestr(entry, data, compresslevel=6)
    return out.getvalue()
