"""A reviewed DOCX as absorb sees it: its record, its paragraphs in place, its comments."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import documents as d
from ..errors import ReviewError, UnsafeDocumentError
from ..provenance import RECORD_NS, Record, mark_key
from ..word import package, review
from ..word.namespaces import qn
from ..xmlparsing import DoctypeFound, MalformedXML, parse, parse_part

W_P, W_T, W_DELTEXT = qn("w:p"), qn("w:t"), qn("w:delText")
W_BOOKMARKSTART, W_NAME, W_ID = qn("w:bookmarkStart"), qn("w:name"), qn("w:id")
W_COMMENT_START, W_COMMENT_END = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
W_COMMENT, W_AUTHOR, W_DATE = qn("w:comment"), qn("w:author"), qn("w:date")


@dataclass
class Leaf:
    """One paragraph of the reviewed document, where it stands.

    ``place`` says what holds it: ``("body",)``, ``("item", list, item)`` for
    a list item (the ListBlock and item index), ``("cell", table, row,
    column)``, ``("quote", quote)`` or ``("attribution", quote)``.
    """

    block: d.Paragraph | d.Heading | d.TableOfContents
    mark: str
    place: tuple[object, ...]
    top: d.Block  # the top-level block of its container run (for grouping)


@dataclass
class Comment:
    """A reviewer's comment: who, when, what, and on which paragraphs and words."""

    author: str
    date: str
    text: str
    marked: str  # the words the comment marks
    marks: list[str] = field(default_factory=list)  # provenance keys of those paragraphs
    fields: list[str] = field(default_factory=list)  # the fields or blocks they show


@dataclass
class Reviewed:
    document: d.Document
    record: Record | None
    leaves: list[Leaf]
    comments: list[Comment]


def read_reviewed(data: bytes, *, accept_changes: bool, where: str) -> Reviewed:
    """The reviewed DOCX: refused with tracked changes left (unless accepted), read otherwise."""
    from ..word.reader import read_docx

    members = package.read_members(data)
    record = _record(members, where)
    comments = _comments(members, where)
    changes = [m for m in review.find_review_marks(data) if m.kind != "comment"]
    if changes and not accept_changes:
        raise ReviewError(review.refusal(changes, where), hint=review.HINT)
    if changes or comments:
        # Accepting drops the comments too; they were read above.
        data = review.resolve_review_marks(data, accept=True, where=where)
    document = read_docx(data)
    return Reviewed(document, record, list(walk(document.children)), comments)


def _record(members: dict[str, bytes], where: str) -> Record | None:
    """The provenance record, in whichever custom XML item Word or LibreOffice left it."""
    for name in sorted(members):
        if not (name.startswith("customXml/item") and name.endswith(".xml")):
            continue
        if "itemProps" in name:
            continue
        data = members[name]
        if RECORD_NS.encode() not in data[:400]:
            continue
        return Record.from_xml(data, where)
    return None


def walk(blocks: list[d.Block], place: tuple[object, ...] = ("body",), top: d.Block | None = None):
    """Every paragraph, heading and contents title, in reading order, with where it stands."""
    for block in blocks:
        here = top if top is not None else block
        if isinstance(block, d.Paragraph | d.Heading | d.TableOfContents):
            yield Leaf(block, block.mark, place, here)
        elif isinstance(block, d.ListBlock):
            for index, item in enumerate(block.items):
                yield from walk(item.children, ("item", block, index), here)
        elif isinstance(block, d.Quote):
            yield from walk(block.children, ("quote", block), here)
            if block.attribution:
                attribution = d.Paragraph(
                    block.attribution, "Attribution", mark=block.attribution_mark
                )
                yield Leaf(attribution, block.attribution_mark, ("attribution", block), here)
        elif isinstance(block, d.Table):
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row.cells):
                    yield from walk(cell.children, ("cell", block, r, c), here)


def _comments(members: dict[str, bytes], where: str) -> list[Comment]:
    """The comments of the main text, each with the paragraphs and words it marks."""
    comments_part = next((n for n in members if n.lower() == "word/comments.xml"), None)
    body_part = next((n for n in members if n.lower() == "word/document.xml"), None)
    if comments_part is None or body_part is None:
        return []
    found: dict[str, Comment] = {}
    for element in parse_part(members[comments_part], f"{where}: {comments_part}").iter(W_COMMENT):
        text = " ".join(
            "".join(t.text or "" for t in p.iter(W_T)) for p in element.iter(W_P)
        ).strip()
        found[element.get(W_ID, "")] = Comment(
            element.get(W_AUTHOR, ""), element.get(W_DATE, ""), text, ""
        )
    try:
        root = parse(members[body_part], body_part)
    except (MalformedXML, DoctypeFound) as error:
        raise UnsafeDocumentError(f"{where}: {error}") from None
    open_ranges: dict[str, list[str]] = {}
    mark = ""
    for element in root.iter(W_P, W_BOOKMARKSTART, W_COMMENT_START, W_COMMENT_END, W_T, W_DELTEXT):
        tag = element.tag
        if tag == W_P:
            mark = ""
            for comment_id in open_ranges:
                found.get(comment_id, _NOWHERE).marks.append("")
        elif tag == W_BOOKMARKSTART:
            key = mark_key(element.get(W_NAME, ""))
            if key is not None and not mark:
                mark = key
                for comment_id in open_ranges:
                    comment = found.get(comment_id)
                    if comment is not None:
                        comment.marks.append(key)
        elif tag == W_COMMENT_START:
            comment_id = element.get(W_ID, "")
            open_ranges[comment_id] = []
            comment = found.get(comment_id)
            if comment is not None:
                comment.marks.append(mark)
        elif tag == W_COMMENT_END:
            comment_id = element.get(W_ID, "")
            words = open_ranges.pop(comment_id, [])
            comment = found.get(comment_id)
            if comment is not None:
                comment.marked = " ".join("".join(words).split())
        else:
            for words in open_ranges.values():
                words.append(element.text or "")
    for comment in found.values():
        comment.marks = [m for i, m in enumerate(comment.marks) if m and m not in comment.marks[:i]]
    return list(found.values())


_NOWHERE = Comment("", "", "", "")
