"""The small document model every reader produces and every writer consumes.

The pipeline has one vocabulary (DESIGN.md, invariant 2): a template composes
a ``Document`` from the workshop model; the Word writer turns it into DOCX; the
Word reader turns a (possibly reviewed) DOCX back into a ``Document``; the HTML
writer turns that into the HTML WeasyPrint typesets.  Nodes hold data only;
readers and writers are visitors over them.

Paragraph styles are Word style names (``"Title"``, ``"Subtitle"``, or one of
``CUSTOM_STYLES``).  Headings, lists, quotes and tables have node types of
their own and map to Word's built-in styles (``Heading 1``–``Heading 3``,
``List Bullet``, ``List Number``, ``Quote``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from .provenance import Record

# Paragraph styles the templates may name besides Word's built-in ones.  The
# Word writer defines each in styles.xml; the HTML writer gives each a CSS
# class (``style_class``); the Word reader maps unknown ones to body text.
BUILTIN_PARAGRAPH_STYLES = ("Normal", "Title", "Subtitle", "Caption")
CUSTOM_STYLES = (
    "Cover Organizer",  # organizing institution on the cover
    "Cover Details",  # dates, place, reference on the cover
    "Draft Mark",  # the word DRAFT on the cover
    "Attribution",  # who said a quote, under it
    "Addressee",  # the group heading of recommendations ("To participating States")
    "Contact",  # contact block
    "Small Print",  # notices at the end of the cover
    "Cross Reference",  # a line pointing elsewhere ("See recommendations 6 and 11.")
)
KNOWN_PARAGRAPH_STYLES = BUILTIN_PARAGRAPH_STYLES + CUSTOM_STYLES


def style_class(style: str) -> str:
    """CSS class for a paragraph style: ``"Cover Details"`` → ``"cover-details"``."""
    return "-".join(style.lower().split())


# -- provenance -------------------------------------------------------------
#
# A composed block remembers where its text came from (DESIGN.md, invariant
# 7): the input fields it shows, the template block that composed it, or
# both.  The Word writer marks each such block in the DOCX and records its
# origin, so that ``absorb`` can take a reviewer's edit back to its field.


@dataclass(frozen=True)
class Slot:
    """Part of a block's text that shows input fields.

    ``paths`` are field paths (``topics[2].title``); several when one text
    stands for the same value in several places (the addressees a group of
    recommendations shares).  ``kind`` says how the text reads back:
    ``plain`` (a text as typed), ``markdown`` (a text field), ``list`` (a
    list of texts joined with the language's "and").
    """

    paths: tuple[str, ...]
    kind: str
    text: str


@dataclass(frozen=True)
class Origin:
    """Where a block's text came from: literal text and slots, in order.

    ``block`` is the template's stable name for a block it composes
    ("introduction.participation"), ``key`` which instance of a repeated one
    (a topic's id); both are empty for a block that only shows a field.
    """

    segments: tuple[str | Slot, ...] = ()
    block: str = ""
    key: str = ""

    @property
    def slots(self) -> list[Slot]:
        return [s for s in self.segments if isinstance(s, Slot)]

    @property
    def field_only(self) -> Slot | None:
        """The slot, when the block shows one field and nothing else."""
        if len(self.segments) == 1 and isinstance(self.segments[0], Slot):
            return self.segments[0]
        return None


# -- inline ---------------------------------------------------------------


@dataclass
class Text:
    text: str


@dataclass
class Emphasis:
    children: list[Inline] = field(default_factory=list)


@dataclass
class Strong:
    children: list[Inline] = field(default_factory=list)


@dataclass
class Link:
    href: str
    children: list[Inline] = field(default_factory=list)


@dataclass
class LineBreak:
    pass


@dataclass
class RightToLeft:
    """Words written right to left inside a left-to-right paragraph (Word's w:rtl)."""

    children: list[Inline] = field(default_factory=list)


@dataclass
class FootnoteRef:
    """A footnote, placed where its mark goes; writers number them in order."""

    body: list[Block] = field(default_factory=list)
    # The mark a reviewed DOCX shows ("iv", "*") where it is not the note's
    # place in one 1, 2, 3 sequence; empty: writers number the notes.
    mark: str = ""


Inline: TypeAlias = Text | Emphasis | Strong | Link | LineBreak | RightToLeft | FootnoteRef


# -- blocks ---------------------------------------------------------------


@dataclass
class Paragraph:
    children: list[Inline] = field(default_factory=list)
    style: str = "Normal"
    # Composed: where the text came from.  Read from a DOCX: the key of the
    # mark the Word writer left on it ("" when it carries none).
    origin: Origin | None = field(default=None, compare=False, repr=False)
    mark: str = field(default="", compare=False, repr=False)
    # "rtl" for a paragraph written right to left (Word's w:bidi); "" otherwise.
    direction: str = ""


@dataclass
class Heading:
    """A numbered-outline heading; ``level`` 1 to 3 (Word's Heading 1–3)."""

    level: int
    children: list[Inline] = field(default_factory=list)
    # Headings with ``in_toc=False`` (e.g. the cover) stay out of the contents.
    in_toc: bool = True
    origin: Origin | None = field(default=None, compare=False, repr=False)
    mark: str = field(default="", compare=False, repr=False)
    direction: str = ""  # as Paragraph.direction


@dataclass
class ListItem:
    children: list[Block] = field(default_factory=list)
    # The number or bullet a reviewed DOCX shows ("1.2.", "b)", "iv.", "–") where
    # the list's own numbering would not show it; None: writers number the items.
    label: str | None = None


@dataclass
class ListBlock:
    ordered: bool
    items: list[ListItem] = field(default_factory=list)
    # First number of an ordered list: recommendations run in one sequence
    # through several groups, so a group may start at 5.
    start: int = 1


@dataclass
class Quote:
    """A quotation (Word's Quote style), optionally followed by who said it."""

    children: list[Block] = field(default_factory=list)
    attribution: list[Inline] = field(default_factory=list)
    attribution_origin: Origin | None = field(default=None, compare=False, repr=False)
    attribution_mark: str = field(default="", compare=False, repr=False)


@dataclass
class TableCell:
    children: list[Block] = field(default_factory=list)
    # Merged cells: a cell spanning columns (Word's gridSpan) or rows (vMerge).
    # Rows hold only the cells that start in them.
    colspan: int = 1
    rowspan: int = 1


@dataclass
class TableRow:
    cells: list[TableCell] = field(default_factory=list)
    # Header rows repeat at the top of every page the table spans.
    header: bool = False


@dataclass
class Table:
    rows: list[TableRow] = field(default_factory=list)
    # Relative column widths (any positive numbers); empty means equal.
    widths: list[float] = field(default_factory=list)


@dataclass
class PageBreak:
    pass


@dataclass
class TableOfContents:
    """The contents, built by writers from the document's headings."""

    title: str = "Contents"
    # Heading levels listed: 2 keeps "Key points"-style subheadings out.
    levels: int = 3
    origin: Origin | None = field(default=None, compare=False, repr=False)
    mark: str = field(default="", compare=False, repr=False)


@dataclass
class Image:
    data: bytes
    # "image/png", "image/jpeg", "image/gif", "image/svg+xml"; "" for a picture
    # no writer can show: writers show a frame with its alternative text.
    content_type: str
    alt: str = ""
    width_mm: float | None = None


@dataclass
class TextBox:
    """A text box or shape with text, placed after the paragraph it is anchored in.

    ``placement`` is where it stands beside the text that follows: "left" or
    "right" for a box the text wraps around, "block" for one on a line of its own.
    """

    children: list[Block] = field(default_factory=list)
    placement: str = "block"


Block: TypeAlias = (
    Paragraph | Heading | ListBlock | Quote | Table | PageBreak | TableOfContents | Image | TextBox
)


# -- the document ------------------------------------------------------------


@dataclass
class Metadata:
    """What the files say about themselves (DOCX core properties, PDF info)."""

    title: str = ""
    subject: str = ""
    authors: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    language: str = "en"
    draft: bool = True
    reference: str = ""
    created: date | None = None
    # Template the document was composed with, so that a reviewed DOCX is
    # published with the same print CSS and fixed text.
    template: str = "meeting-report"


@dataclass
class RunningText:
    """What a page shows in its margins other than the default: Word's first-page or
    even-page header and footer."""

    header: str = ""
    footer: str = ""
    page_label: str = ""


@dataclass
class PageFurniture:
    """Running text outside the body: translated once, placed by each writer."""

    header: str = ""  # running header (the short title)
    footer: str = ""  # left of the page number (the reference)
    page_label: str = "Page {page} of {pages}"  # {page} and {pages} are filled by the writer
    draft_label: str = "DRAFT"
    # A reviewed DOCX's own first-page and even-page header and footer (w:titlePg,
    # w:evenAndOddHeaders); None: those pages show the default ones.
    first: RunningText | None = None
    even: RunningText | None = None


@dataclass
class Document:
    children: list[Block] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    furniture: PageFurniture = field(default_factory=PageFurniture)
    # What the composed document knows of its input (provenance.py); the Word
    # writer completes it with the marked blocks and keeps it in the DOCX.
    record: Record | None = field(default=None, compare=False, repr=False)


def paragraphs(blocks: list[Block]) -> Iterator[Paragraph | Heading]:
    """Every paragraph and heading among ``blocks``, in reading order, however deep
    in lists, quotes, tables and text boxes (footnotes aside)."""
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            yield block
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from paragraphs(item.children)
        elif isinstance(block, Quote | TextBox):
            yield from paragraphs(block.children)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from paragraphs(cell.children)


def plain_text(nodes: list[Inline] | list[Block]) -> str:
    """The words of some nodes, without footnotes: for titles, bookmarks, TOC."""
    parts: list[str] = []
    for node in nodes:
        _visit(node, parts)
    return "".join(parts)


def _visit(node: object, parts: list[str]) -> None:
    # A function of the module rather than a closure that calls itself (a
    # reference cycle for every call, left to the cycle collector).
    if isinstance(node, Text):
        parts.append(node.text)
    elif isinstance(node, LineBreak):
        parts.append(" ")
    elif isinstance(node, FootnoteRef):
        return
    elif isinstance(node, ListBlock):
        for item in node.items:
            _visit(item, parts)
    elif isinstance(node, Table):
        for row in node.rows:
            for cell in row.cells:
                _visit(cell, parts)
    elif hasattr(node, "children"):
        for child in node.children:
            _visit(child, parts)
