"""Headers and footers (ECMA-376 Part 1, 17.10) → the running text of the PDF's pages."""

# The PDF has one running header and one footer for every page after the
# cover; they come from the default header and footer of the first section
# that has them, with the first page's and even pages' own where the DOCX
# has them (w:titlePg, w:evenAndOddHeaders).  Page-dependent fields become
# placeholders the HTML writer turns into CSS ({page}, {pages}, {styleref:…});
# any other field shows the result Word last computed (a date, a title).  Text
# in a header or footer the PDF does not show (another section's) is named in a
# warning.

from __future__ import annotations

import re
from itertools import groupby
from typing import TYPE_CHECKING

from lxml import etree

from .. import documents as d
from .inlines import Anchored, BlockBreak, Piece
from .namespaces import qn
from .notes import REL_SETTINGS
from .ooxml_read import w_val

if TYPE_CHECKING:
    from .body import StoryReader

W_P, W_PPR, W_PSTYLE, W_SECTPR = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:sectPr")
W_HEADERREF, W_FOOTERREF, W_TYPE = qn("w:headerReference"), qn("w:footerReference"), qn("w:type")
W_TITLEPG, W_EVEN_AND_ODD = qn("w:titlePg"), qn("w:evenAndOddHeaders")
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
    # Word's other pages (17.10.1): the first page of a section with w:titlePg
    # shows its first-page header and footer, and even pages show the even-page
    # ones when settings.xml has w:evenAndOddHeaders.  The PDF follows the
    # first section for its first page; a variant without a part is empty.
    first_section = next(body.iter(W_SECTPR), None)
    variants: dict[str, etree._Element | None] = {}
    if first_section is not None and _on(first_section.find(W_TITLEPG)):
        variants["first"] = first_section
    if _even_and_odd_headers(story):
        variants["even"] = None  # from whichever section gives the default
    headers = _parts_text(story, sections, W_HEADERREF, "header", variants)
    footers = _parts_text(story, sections, W_FOOTERREF, "footer", variants)
    header = headers.get("default")
    if header is not None:
        segments, marked = header
        furniture.header = " ".join(s for s in segments if s not in marked)
        if marked:
            furniture.draft_label = marked[0]
    footer = footers.get("default")
    if footer is not None:
        furniture.footer, furniture.page_label = _footer_and_label(footer[0], furniture.page_label)
    for kind in variants:
        segments, marked = headers.get(kind, ([], []))
        running = d.RunningText(header=" ".join(s for s in segments if s not in marked))
        # As Word shows it: no page number where the variant's footer has none.
        running.footer, running.page_label = _footer_and_label(footers.get(kind, ([], []))[0], "")
        setattr(furniture, kind, running)
    return furniture


def _footer_and_label(segments: list[str], default_label: str) -> tuple[str, str]:
    """A footer's text, and its first segment with a page number as the page label."""
    labels = [s for s in segments if "{page}" in s or "{pages}" in s]
    footer = " ".join(s for s in segments if s not in labels)
    return footer, labels[0] if labels else default_label


def _even_and_odd_headers(story: StoryReader) -> bool:
    name = story.doc.part_for(REL_SETTINGS, "word/settings.xml")
    settings = story.package.xml(name) if name else None
    return settings is not None and _on(settings.find(W_EVEN_AND_ODD))


def _on(element: etree._Element | None) -> bool:
    """An on/off property (17.17.4): present, and not switched off by w:val."""
    return element is not None and w_val(element) not in ("0", "false", "off")


def _parts_text(
    story: StoryReader,
    sections: list[etree._Element],
    ref_tag: str,
    what: str,
    variants: dict[str, etree._Element | None],
) -> dict[str, tuple[list[str], list[str]]]:
    """The text segments (split at tabs and paragraphs) of the headers or footers shown,
    by kind ("default", and "first" and "even" where ``variants`` asks for them)."""
    shown: dict[str, tuple[list[str], list[str]]] = {}
    others: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for sect in sections:
        for ref in sect.iter(ref_tag):
            kind = ref.get(W_TYPE, "default")
            rel = story.doc.main_rels.get(ref.get(R_ID, ""))
            if rel is None or rel.external or not story.package.has(rel.target):
                continue
            wanted = kind not in shown and (
                kind == "default" or (kind in variants and variants[kind] in (None, sect))
            )
            if rel.target in seen and not wanted:
                continue
            seen.add(rel.target)
            root = story.package.xml(rel.target)
            if root is None:
                continue
            label = f"the {_KINDS.get(kind, '')}{what}"
            text = _text(story, root, story.package.relationships(rel.target), label)
            if wanted:
                shown[kind] = text
            else:
                others.append((label, text[0]))
    repeated = {s for segments, _ in shown.values() for s in segments}
    for label, segments in others:
        if any(s not in repeated and "{" not in s for s in segments):
            # The whole of it is quoted, also what the repeated one happens to share
            # (a date): where it stood, the PDF shows another one.  A page number
            # or another page-dependent field is "…".
            words = " ".join(_FIELD.sub("…", s) for s in segments)
            if len(words) > QUOTED_CHARACTERS:
                words = words[:QUOTED_CHARACTERS] + "…"
            story.warnings.warn(
                f"{label} ({words!r}) is not in the PDF, which shows the first section's {what}s"
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
