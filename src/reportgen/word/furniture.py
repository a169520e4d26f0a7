"""Headers and footers (ECMA-376 Part 1, 17.10) → the running text of the PDF's pages."""

# The PDF has one running header and one footer for every page after the
# cover; they come from the default header and footer of the first section
# that has them.  Page-dependent fields become placeholders the HTML writer
# turns into CSS ({page}, {pages}, {styleref:Heading 1}); any other field shows
# the result Word last computed (a date, a title).  Text in a header or footer
# the PDF does not repeat (a first-page or even-page header, another section's)
# is named in a warning.

from __future__ import annotations

import re
from itertools import groupby
from typing import TYPE_CHECKING

from lxml import etree

from .. import documents as d
from .inlines import Anchored, BlockBreak, Piece
from .namespaces import qn
from .ooxml_read import w_val

if TYPE_CHECKING:
    from .body import StoryReader

W_P, W_PPR, W_PSTYLE, W_SECTPR = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:sectPr")
W_HEADERREF, W_FOOTERREF, W_TYPE = qn("w:headerReference"), qn("w:footerReference"), qn("w:type")
R_ID = qn("r:id")

_KINDS = {"default": "", "first": "first-page ", "even": "even-page "}
_FIELD = re.compile(r"\{[^{}]*\}")
QUOTED_CHARACTERS = 2000  # of a header or footer left out, quoted in the warning


def read_furniture(
    story: StoryReader, body: etree._Element, children: list[d.Block]
) -> d.PageFurniture:
    furniture = d.PageFurniture()
    for block in children:
        if isinstance(block, d.Paragraph) and block.style == "Draft Mark":
            furniture.draft_label = d.plain_text([block]).strip() or furniture.draft_label
            break
    # The last section's (the body's own sectPr) first, then the others in order.
    final = body.find(W_SECTPR)
    sections = [final] if final is not None else []
    sections += [s for s in body.iter(W_SECTPR) if s is not final]
    header = _part_text(story, sections, W_HEADERREF, "header")
    if header is not None:
        segments, marked = header
        furniture.header = " ".join(s for s in segments if s not in marked)
        if marked:
            furniture.draft_label = marked[0]
    footer = _part_text(story, sections, W_FOOTERREF, "footer")
    if footer is not None:
        segments, _ = footer
        labels = [s for s in segments if "{page}" in s or "{pages}" in s]
        if labels:
            furniture.page_label = labels[0]
        furniture.footer = " ".join(s for s in segments if s not in labels)
    return furniture


def _part_text(
    story: StoryReader, sections: list[etree._Element], ref_tag: str, what: str
) -> tuple[list[str], list[str]] | None:
    """The text segments (split at tabs and paragraphs) of the header or footer shown."""
    shown: tuple[list[str], list[str]] | None = None
    others: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for sect in sections:
        for ref in sect.iter(ref_tag):
            kind = ref.get(W_TYPE, "default")
            rel = story.doc.main_rels.get(ref.get(R_ID, ""))
            if rel is None or rel.external or not story.package.has(rel.target):
                continue
            if rel.target in seen:
                continue
            seen.add(rel.target)
            root = story.package.xml(rel.target)
            if root is None:
                continue
            label = f"the {_KINDS.get(kind, '')}{what}"
            text = _text(story, root, story.package.relationships(rel.target), label)
            if kind == "default" and shown is None:
                shown = text
            else:
                others.append((label, text[0]))
    repeated = set(shown[0]) if shown is not None else set()
    for label, segments in others:
        if any(s not in repeated and "{" not in s for s in segments):
            # The whole of it is quoted, also what the repeated one happens to share
            # (a date): where it stood, the PDF shows the other one.  A page number
            # or another page-dependent field is "…".
            words = " ".join(_FIELD.sub("…", s) for s in segments)
            if len(words) > QUOTED_CHARACTERS:
                words = words[:QUOTED_CHARACTERS] + "…"
            story.warnings.warn(
                f"{label} ({words!r}) is not in the PDF, which repeats one {what} "
                "on every page after the cover"
            )
    return shown


def _text(
    story: StoryReader, root: etree._Element, rels: dict, label: str
) -> tuple[list[str], list[str]]:
    segments: list[str] = []
    marked: list[str] = []
    story.furniture_mode = True
    try:
        with story.nested(label, rels, note=True):
            story.last_words = ""
            for p in root.iter(W_P):
                if any(ancestor.tag == W_P for ancestor in p.iterancestors()):
                    continue  # a text box's paragraph: read with the shape it sits in
                role, _ = story.doc.role(w_val(p.find(f"{W_PPR}/{W_PSTYLE}")) or None)
                paragraph_marked = role.kind == "style" and role.style == "Draft Mark"
                pieces: list = []
                story.inline(p, pieces)
                texts: list[Piece] = []
                for piece in pieces:
                    if isinstance(piece, Piece):
                        texts.append(piece)
                    elif isinstance(piece, Anchored):
                        # A text box in a header: its words join the running text.
                        words = " ".join(d.plain_text([piece.block]).split())
                        if words:
                            texts.append(Piece(d.Text(" " + words + " ")))
                    elif isinstance(piece, BlockBreak) and isinstance(piece.block, d.Image):
                        story.warnings.warn(
                            f"a picture in {label} ({piece.block.alt or 'no description'}) "
                            "is not in the PDF"
                        )
                for is_marked, group in groupby(texts, key=lambda x: paragraph_marked or x.marked):
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
        story.furniture_mode = False
    return segments, marked
