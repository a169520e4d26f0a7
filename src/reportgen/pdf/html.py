"""documents.Document → semantic HTML5, for WeasyPrint and the template's print CSS."""

# Every piece of text is escaped: the document's words are data, never markup
# (DESIGN.md, invariant 4).  Layout belongs to print.css; this module only says
# what each part of the document is.

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from .. import documents as d
from ..language.scripts import script_runs
from ..links import safe_href
from ..templates import Template
from .watermark import watermark_svg

# C0 controls (bar tab, newline, carriage return) cannot appear in HTML text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Page-dependent fields of the running text ({page}, {pages}, {styleref:Heading 1}).
_PAGE_FIELD = re.compile(r"\{(page|pages|styleref:[^{}]*)\}")
_HEADING_STYLE = re.compile(r"^(?:heading\s*)?([1-9])$")
# White space that may break; str.split() would also take the no-break spaces
# French puts before a colon ("Annexe 1 : Programme"), and lose them.
_BREAKABLE_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def one_line(value: str) -> str:
    """Text on one line, breakable runs of white space as one space, no-break spaces kept."""
    return _BREAKABLE_SPACE.sub(" ", value).strip()


def write_html(document: d.Document, template: Template, *, draft: bool) -> str:
    """The document as HTML; ``draft`` adds the DRAFT mark to every page."""
    return _HtmlWriter(document, template, draft).write()


def text(value: str) -> str:
    """Text content, escaped."""
    return escape(_CONTROL.sub("", value), quote=False)


def attr(value: str) -> str:
    """An attribute value, escaped (to be put between double quotes)."""
    return escape(_CONTROL.sub("", value), quote=True)


class _HtmlWriter:
    """A visitor: one method per node type, each appending to ``self.out``."""

    def __init__(self, document: d.Document, template: Template, draft: bool) -> None:
        self.document = document
        self.template = template
        self.draft = draft
        self.out: list[str] = []
        self.heading_ids: dict[int, str] = {}  # id(Heading) → its anchor
        self.in_footnote = False
        self.width_em = _TEXT_WIDTH_EM  # the width blocks fill: the text's, or a table cell's

    # -- the page ---------------------------------------------------------------

    def write(self) -> str:
        meta = self.document.metadata
        children = self._visible_blocks(self.document.children)
        for number, heading in enumerate(_headings(children), start=1):
            self.heading_ids[id(heading)] = f"section-{number}"
        cover, body = _split_cover(children)

        out = self.out
        out.append("<!DOCTYPE html>\n")
        out.append(f'<html lang="{attr(meta.language or "en")}">\n<head>\n<meta charset="utf-8">\n')
        out.append(f"<title>{text(self._title(children))}</title>\n")
        for author in meta.authors:
            out.append(f'<meta name="author" content="{attr(author)}">\n')
        if meta.subject:
            out.append(f'<meta name="description" content="{attr(meta.subject)}">\n')
        if meta.keywords:
            out.append(f'<meta name="keywords" content="{attr(", ".join(meta.keywords))}">\n')
        out.append('<meta name="generator" content="reportgen">\n')
        if meta.created is not None:
            # A fixed date from the document, never the clock: same input, same PDF.
            out.append(f'<meta name="dcterms.created" content="{meta.created.isoformat()}">\n')
        out.append("</head>\n")
        out.append(f'<body class="{"draft" if self.draft else "final"}">\n')
        self._furniture()
        if cover:
            # The cover, logo included, is the DOCX's (composed by the template):
            # the PDF shows what the DOCX says.
            out.append('<section class="cover">\n')
            notices = len(cover)
            while notices and _is_small_print(cover[notices - 1]):
                notices -= 1
            self.blocks(cover[:notices])
            if notices < len(cover):
                # The cover's notices sit at the foot of the cover page.
                out.append('<div class="cover-notices">\n')
                self.blocks(cover[notices:])
                out.append("</div>\n")
            out.append("</section>\n")
        out.append("<main>\n")
        self.blocks(body)
        out.append("</main>\n</body>\n</html>\n")
        return "".join(out)

    def _visible_blocks(self, blocks: list[d.Block]) -> list[d.Block]:
        # The cover's DRAFT line is part of the draft mark: gone from a published PDF.
        if self.draft:
            return blocks
        return [b for b in blocks if not (isinstance(b, d.Paragraph) and b.style == "Draft Mark")]

    def _title(self, children: list[d.Block]) -> str:
        if self.document.metadata.title:
            return self.document.metadata.title
        for block in children:
            if isinstance(block, d.Paragraph) and block.style == "Title":
                return d.plain_text([block]).strip()
            if isinstance(block, d.Heading):
                return d.plain_text([block]).strip()
        return ""

    def _furniture(self) -> None:
        """Running elements that print.css places in the page margins."""
        furniture = self.document.furniture
        out = self.out
        default = d.RunningText(furniture.header, furniture.footer, furniture.page_label)
        # print.css gives the first page and even pages running elements of their
        # own; where the DOCX has no such variant they say what the default says,
        # as in Word.  reportgen's own DOCX gives its cover an empty first-page
        # header and footer.
        for kind, running in (
            ("", default),
            (" first", furniture.first or default),
            (" even", furniture.even or default),
        ):
            if running.header:
                out.append(f'<div class="running-header{kind}">{_running(running.header)}</div>\n')
            if running.footer:
                out.append(f'<div class="running-footer{kind}">{_running(running.footer)}</div>\n')
            if running.page_label:
                label = _running(running.page_label)
                out.append(f'<div class="running-page{kind}">{label}</div>\n')
        if self.draft:
            label = furniture.draft_label or "DRAFT"
            mark = text(label)
            out.append(f'<div class="running-draft">{mark}</div>\n')
            out.append(self._watermark(label))

    def _watermark(self, label: str) -> str:
        """The big diagonal mark: a picture of the letters, so that it is not in the text."""
        theme = self.template.theme
        fonts: list[Path | str] = []
        for family in (theme.heading_font, *theme.fallback_fonts):
            files = theme.files_of(family)
            # print.css sets the mark in bold; a family carried without a bold file
            # still gives its own letters, never an installed font's.
            carried = files.get("bold") or files.get("regular") or next(iter(files.values()), None)
            fonts.append(carried or family)
        svg = watermark_svg(label, fonts, theme.color("draft"))
        if svg is None:  # no font file to draw from: the mark as text, as before
            return f'<div class="draft-watermark" aria-hidden="true">{text(label)}</div>\n'
        picture = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        return (
            f'<div class="draft-watermark" data-drawn="outlines" aria-hidden="true" '
            f'style="background-image: url({picture})"></div>\n'
        )

    # -- blocks -----------------------------------------------------------------

    def blocks(self, blocks: list[d.Block]) -> None:
        for block in blocks:
            getattr(self, "block_" + type(block).__name__)(block)

    def block_Paragraph(self, node: d.Paragraph) -> None:
        css_class = d.style_class(node.style)
        opening = "<p" if node.style == "Normal" else f'<p class="{attr(css_class)}"'
        self.out.append(opening + (' dir="rtl">' if node.direction == "rtl" else ">"))
        self.inlines(node.children)
        self.out.append("</p>\n")

    def block_Heading(self, node: d.Heading) -> None:
        level = min(max(node.level, 1), 3)
        anchor = self.heading_ids.get(id(node))
        attributes = f' id="{anchor}"' if anchor else ""
        if not node.in_toc:
            attributes += ' class="not-in-toc"'
        if node.direction == "rtl":
            attributes += ' dir="rtl"'
        if _has_footnote(node.children):
            # The bookmark is the heading's words, not its footnote mark.
            label = one_line(d.plain_text(node.children))
            attributes += f' data-label="{attr(label)}"'
        self.out.append(f"<h{level}{attributes}>")
        self.inlines(node.children)
        self.out.append(f"</h{level}>\n")

    def block_ListBlock(self, node: d.ListBlock) -> None:
        if node.ordered:
            # start for the semantics, counter-reset for WeasyPrint (which reads
            # the attribute only with presentational hints on).
            start = int(node.start)
            start = (
                f' start="{start}" style="counter-reset: list-item {start - 1}"'
                if start != 1
                else ""
            )
            self.out.append(f"<ol{start}>\n")
        else:
            self.out.append("<ul>\n")
        for item in node.items:
            if item.label is None:
                self.out.append("<li>")
            else:
                # The number or bullet the DOCX shows ("1.2.", "b)", "–"), as the marker.
                self.out.append(f'<li style="list-style-type: {attr(_css_string(item.label))}">')
            self._compact(item.children)
            self.out.append("</li>\n")
        self.out.append("</ol>\n" if node.ordered else "</ul>\n")

    def _compact(self, blocks: list[d.Block]) -> None:
        """A list item or table cell: one plain paragraph goes in without a <p>.

        A paragraph written right to left keeps its <p dir="rtl">.
        """
        if (
            blocks
            and isinstance(blocks[0], d.Paragraph)
            and blocks[0].style == "Normal"
            and blocks[0].direction != "rtl"
        ):
            self.inlines(blocks[0].children)
            if len(blocks) > 1:
                self.out.append("\n")
                self.blocks(blocks[1:])
        else:
            self.blocks(blocks)

    def block_Quote(self, node: d.Quote) -> None:
        self.out.append('<div class="quote">\n<blockquote>\n')
        self.blocks(node.children)
        self.out.append("</blockquote>\n")
        if node.attribution:
            self.out.append('<p class="attribution">')
            self.inlines(node.attribution)
            self.out.append("</p>\n")
        self.out.append("</div>\n")

    def block_Table(self, node: d.Table) -> None:
        columns = max((sum(c.colspan for c in row.cells) for row in node.rows), default=0)
        if columns == 0:
            return
        widths = (
            node.widths if len(node.widths) == columns and all(w > 0 for w in node.widths) else []
        )
        cramped = False
        if widths:
            widths, cramped = _at_least_longest_words(node, widths, self.width_em)
        out = self.out
        # Fixed layout: column widths come from the first row, not from measuring
        # every cell, which keeps long tables fast.  A table too narrow for its
        # longest words is hyphenated rather than broken anywhere.
        out.append(
            f'<table class="fixed{" cramped" if cramped else ""}">\n' if widths else "<table>\n"
        )
        shares = [w / sum(widths) for w in widths] if widths else [1 / columns] * columns
        if widths:
            out.append("<colgroup>")
            out.extend(f'<col style="width: {100 * share:.2f}%">' for share in shares)
            out.append("</colgroup>\n")
        rows = node.rows
        head = 0
        while head < len(rows) and rows[head].header:
            head += 1
        if head == len(rows):
            head = 0  # a table of header rows only: plain rows
        outer = self.width_em
        try:
            if head:
                out.append("<thead>\n")
                for row in rows[:head]:
                    self._row(row, True, shares, outer)
                out.append("</thead>\n")
            out.append("<tbody>\n")
            for row in rows[head:]:
                self._row(row, False, shares, outer)
            out.append("</tbody>\n</table>\n")
        finally:
            self.width_em = outer

    def _row(self, row: d.TableRow, header: bool, shares: list[float], width_em: float) -> None:
        out = self.out
        out.append("<tr>")
        column = 0
        for cell in row.cells:
            spans = ""
            if cell.colspan > 1:
                spans += f' colspan="{int(cell.colspan)}"'
            if cell.rowspan > 1:
                spans += f' rowspan="{int(cell.rowspan)}"'
            out.append(f'<th scope="col"{spans}>' if header else f"<td{spans}>")
            # A table in this cell has the cell's width to fill.
            self.width_em = width_em * sum(shares[column : column + cell.colspan]) - _PADDING_EM
            column += cell.colspan
            self._compact(cell.children)
            out.append("</th>" if header else "</td>")
        out.append("</tr>\n")

    def block_PageBreak(self, node: d.PageBreak) -> None:
        self.out.append('<div class="page-break"></div>\n')

    def block_TableOfContents(self, node: d.TableOfContents) -> None:
        out = self.out
        out.append('<nav class="toc">\n')
        if node.title:
            out.append(f'<h1 class="toc-title">{text(node.title)}</h1>\n')
        out.append('<ul class="toc-entries">\n')
        for heading in _headings(self.document.children):
            if not heading.in_toc or heading.level > node.levels:
                continue
            anchor = self.heading_ids.get(id(heading))
            if anchor is None:
                continue
            label = text(one_line(d.plain_text(heading.children)))
            out.append(
                f'<li class="toc-level-{min(max(heading.level, 1), 3)}">'
                f'<a href="#{anchor}">{label}</a></li>\n'
            )
        out.append("</ul>\n</nav>\n")

    def block_TextBox(self, node: d.TextBox) -> None:
        # A text box from a reviewed DOCX, after the paragraph it is anchored in;
        # floated beside the text that follows when the text wrapped around it.
        placement = node.placement if node.placement in ("left", "right") else "block"
        self.out.append(f'<aside class="text-box text-box-{placement}">\n')
        self.blocks(node.children)
        self.out.append("</aside>\n")

    def block_Image(self, node: d.Image) -> None:
        if node.content_type not in ("image/png", "image/jpeg", "image/gif", "image/svg+xml"):
            # A picture no one can show here: a visible frame with its description.
            style = f' style="width: {node.width_mm:.2f}mm"' if node.width_mm else ""
            self.out.append(
                f'<div class="image missing-picture"{style}><p>{text(node.alt)}</p></div>\n'
            )
            return
        data = base64.b64encode(node.data).decode("ascii")
        style = f' style="width: {node.width_mm:.2f}mm"' if node.width_mm else ""
        self.out.append(
            f'<div class="image"><img src="data:{node.content_type};base64,{data}" '
            f'alt="{attr(node.alt)}"{style}></div>\n'
        )

    # -- inline -----------------------------------------------------------------

    def inlines(self, nodes: list[d.Inline]) -> None:
        for node in nodes:
            getattr(self, "inline_" + type(node).__name__)(node)

    def inline_Text(self, node: d.Text) -> None:
        # A run in a script of another language ("Тбилиси (თბილისი)") is marked
        # with it: hyphenation follows it, and the PDF's tags give it its /Lang.
        for run, language in script_runs(node.text):
            if language is None:
                self.out.append(text(run))
            else:
                self.out.append(f'<span lang="{language}">{text(run)}</span>')

    def inline_Emphasis(self, node: d.Emphasis) -> None:
        self.out.append("<em>")
        self.inlines(node.children)
        self.out.append("</em>")

    def inline_Strong(self, node: d.Strong) -> None:
        self.out.append("<strong>")
        self.inlines(node.children)
        self.out.append("</strong>")

    def inline_Link(self, node: d.Link) -> None:
        href = safe_href(node.href)
        self.out.append(f'<a href="{attr(href)}">' if href else '<span class="link">')
        self.inlines(node.children)
        self.out.append("</a>" if href else "</span>")

    def inline_RightToLeft(self, node: d.RightToLeft) -> None:
        self.out.append('<span dir="rtl">')
        self.inlines(node.children)
        self.out.append("</span>")

    def inline_LineBreak(self, node: d.LineBreak) -> None:
        self.out.append("<br>")

    def inline_FootnoteRef(self, node: d.FootnoteRef) -> None:
        if self.in_footnote:
            return
        # float: footnote (print.css) moves the span to the foot of its page and
        # leaves a numbered call here.
        self.in_footnote = True
        if node.mark:  # the DOCX's own marks (i, ii; *, †): print.css shows them
            self.out.append(f'<span class="footnote" data-mark="{attr(node.mark)}">')
        else:
            self.out.append('<span class="footnote">')
        for block in node.body:
            self.out.append('<span class="footnote-paragraph">')
            if isinstance(block, d.Paragraph | d.Heading):
                self.inlines(block.children)
            else:
                self.out.append(text(" ".join(d.plain_text([block]).split())))
            self.out.append("</span>")
        self.out.append("</span>")
        self.in_footnote = False


def _running(value: str) -> str:
    """Running text with its page-dependent fields as spans print.css fills in."""
    parts: list[str] = []
    for index, part in enumerate(_PAGE_FIELD.split(value)):
        if not index % 2:
            if index and part.startswith(" "):
                # After a field filled by CSS (empty in the HTML), a plain space would
                # be taken for one at the start of the line and dropped.
                part = "\u00a0" + part[1:]
            parts.append(text(part))
        elif part == "page":
            parts.append('<span class="page-number"></span>')
        elif part == "pages":
            parts.append('<span class="page-count"></span>')
        else:
            # STYLEREF: the text of the last heading of that level on the page.
            style = " ".join(part.split(":", 1)[1].lower().split())
            level = _HEADING_STYLE.match(style)
            parts.append(f'<span class="style-ref-{level[1] if level else 1}"></span>')
    return "".join(parts)


def _css_string(value: str) -> str:
    """A CSS string holding ``value`` and a space after it (for list-style-type).

    The space is an en space: a marker's last plain or no-break space is not
    drawn, and "1" before an item that says "1" would read "11" (Word puts a
    tab there).
    """
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return "'" + "".join(ch for ch in escaped if ch >= " ") + "\u2002'"


# Widths for the longest word of a column, in fixed-layout tables: the text
# width at the body size is about 45 em, a character about 0.55 em, a cell's
# padding about 1 em.
_TEXT_WIDTH_EM = 45.0
_CHAR_EM = 0.55
_PADDING_EM = 1.0
# Hyphenation is for words: WeasyPrint (62) looks for the next word boundary
# across the rest of the text at each break it tries, so a cell holding a
# 10,000-letter run took two minutes to hyphenate (against three seconds to
# break it anywhere), and no dictionary hyphenates such a run anyway.  A table
# whose longest word is longer than this is broken anywhere, as before.
_LONGEST_HYPHENATED = 64


def _at_least_longest_words(
    table: d.Table, widths: list[float], width_em: float = _TEXT_WIDTH_EM
) -> tuple[list[float], bool]:
    """Column widths widened where a column's longest word would not fit, and
    whether the table is too narrow for them all.

    Fixed layout (fast on long tables) takes widths as given and would break
    words letter by letter in a column narrower than its longest word.  A
    column keeps at least the width its longest word needs (a word breaks after
    a hyphen or a slash); the others share what is left in their proportions.
    ``width_em`` is the width the table fills: the text's, or a cell's.
    """
    longest = [0] * len(widths)
    for row in table.rows[:400]:  # enough rows to see the words of every column
        column = 0
        for cell in row.cells:
            if cell.colspan == 1 and column < len(longest):
                longest[column] = max(longest[column], _longest_word(cell.children))
            column += cell.colspan
    total = sum(widths)
    shares = [w / total for w in widths]
    width_em = max(width_em, 1.0)
    needed = [min((n * _CHAR_EM + _PADDING_EM) / width_em, 0.9) for n in longest]
    if sum(needed) >= 1:
        return _cramped(needed), max(longest) <= _LONGEST_HYPHENATED
    fixed: set[int] = set()
    while True:
        spare = 1.0 - sum(needed[i] for i in fixed)
        rest = sum(shares[i] for i in range(len(widths)) if i not in fixed)
        if rest <= 0:
            return [need / sum(needed) for need in needed], False
        result = [needed[i] if i in fixed else shares[i] / rest * spare for i in range(len(widths))]
        short = {i for i in range(len(widths)) if i not in fixed and result[i] < needed[i]}
        if not short:
            return (widths if not fixed else result), False
        fixed |= short


def _cramped(needed: list[float]) -> list[float]:
    """Shares for columns whose words cannot all fit: the short words whole, the long ones
    sharing what is left in proportion (hyphenated, they break where a word may)."""
    result = [0.0] * len(needed)
    remaining = 1.0
    order = sorted(range(len(needed)), key=lambda i: needed[i])
    for k, i in enumerate(order):
        if needed[i] <= remaining / (len(order) - k):
            result[i] = needed[i]
            remaining -= needed[i]
            continue
        rest = order[k:]
        total = sum(needed[j] for j in rest)
        for j in rest:
            result[j] = remaining * needed[j] / total
        break
    return result


_BREAKS = re.compile(r"(?<=[-/\u2010\u2013\u2014])|\s+")


def _longest_word(blocks: list[d.Block]) -> int:
    """The length of the longest word of a cell's paragraphs (a table in it fits itself)."""
    longest = 0
    for block in blocks:
        if isinstance(block, d.Table):
            continue
        for word in _BREAKS.split(d.plain_text([block])):
            longest = max(longest, len(word))
    return longest


def _has_footnote(nodes: list[d.Inline]) -> bool:
    return any(
        isinstance(node, d.FootnoteRef)
        or (isinstance(node, d.Emphasis | d.Strong | d.Link) and _has_footnote(node.children))
        for node in nodes
    )


def _headings(blocks: list[d.Block]) -> list[d.Heading]:
    """The headings of the body, in order (headings inside tables or quotes are not outline)."""
    return [block for block in blocks if isinstance(block, d.Heading)]


def _is_small_print(block: d.Block) -> bool:
    return isinstance(block, d.Paragraph) and block.style == "Small Print"


def _split_cover(blocks: list[d.Block]) -> tuple[list[d.Block], list[d.Block]]:
    """The cover is what comes before the first page break; without one, there is none."""
    for index, block in enumerate(blocks):
        if isinstance(block, d.PageBreak):
            return blocks[:index], blocks[index + 1 :]
    return [], blocks
