"""The document model back to Markdown: a field's text as a rapporteur would type it.

The inverse of compose/markdown.py, for `reportgen absorb`: the blocks and
inlines read back from a reviewed DOCX (word/reader.py) become the Markdown
of the input format (spec/input-format.md): paragraphs separated by blank
lines, ``*emphasis*``, ``**strong**``, ``[links](https://…)``, ``- `` and
``1. `` lists, ``> `` quotes, and footnotes as ``[^1]`` with their
``[^1]: …`` definitions at the end of the same field.  Composing that
Markdown again gives the same nodes: every character Markdown (or
markdown-it's typographer) would take for syntax is escaped, and nothing
else.  Typographic characters (curly quotes, dashes, no-break spaces) are
kept as they are; straight quotes and ``--`` are left for compose to set,
as it sets those the rapporteur types.
"""

# What Markdown cannot say is written as near as it can be, in the form
# ``canonical`` describes (the form the round-trip tests compare):
#
# - formatting is written as the Word reader nests it (link, then strong,
#   then emphasis) and neighbours with the same formatting are merged:
#   Markdown sees the formatting of the characters, not the nesting of nodes;
# - spaces and line breaks at the edges of emphasis, strong and links go
#   outside them (``*word *`` is not emphasis in Markdown; pandoc does the
#   same), empty formatting and line breaks at the end of a paragraph are
#   dropped: a reader sees no difference;
# - a link whose address is not http, https or mailto keeps only its text, and
#   a footnote mark inside a link's text is taken out of the link;
# - a heading becomes a paragraph in strong (what compose makes of a
#   Markdown heading), a quote's attribution the paragraph after the quote,
#   a table its cells' paragraphs, an image its alternative text; page
#   breaks and tables of contents have no place in a field.  Each of these
#   is named in the warnings.

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby

from .. import documents as d
from ..links import safe_href
from ..results import Warnings

_SPACE = re.compile(r"[ \t\r\n]+")
_ENTITY_LIKE = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_ABBREVIATION = re.compile(r"\((?:c|tm|r)\)", re.IGNORECASE)  # (c) → © in markdown-it
_BLOCK_START = re.compile(r"[#>+=~-]|\d{1,9}[.)]")
_BREAK = "\x00"  # a space where a long line may be broken
# Escaped wherever they stand: Markdown syntax inside a line.
_ALWAYS = frozenset('\\`*[]<"')


def to_markdown(
    blocks: list[d.Block], *, width: int | None = None, warnings: Warnings | None = None
) -> str:
    """The Markdown of a text field holding ``blocks`` (no final line break).

    ``width``: break lines at spaces so that they stay within this many
    characters where they can (None: one line a paragraph).  What Markdown
    cannot hold is named in ``warnings``.
    """
    writer = _Writer(width, warnings or Warnings())
    body = writer.blocks(canonical(blocks, writer.warnings))
    lines = body
    for number, note in enumerate(writer.notes, start=1):  # notes in notes join the list
        text = writer.blocks(note, 4)
        label = f"[^{number}]:"
        if text:
            definition = [f"{label} {text[0]}"] + [
                ("    " + line) if line else "" for line in text[1:]
            ]
        else:
            definition = [label]
        lines = [*lines, "", *definition] if lines else definition
    return "\n".join(lines)


def inlines_to_markdown(inlines: list[d.Inline], *, warnings: Warnings | None = None) -> str:
    """The Markdown of one paragraph's inlines (its footnotes defined after it)."""
    return to_markdown([d.Paragraph(list(inlines))], warnings=warnings)


def plain_text(inlines: list[d.Inline], *, warnings: Warnings | None = None) -> str:
    """The text of a plain (non-Markdown) field: a title, a name, a role.

    Plain fields are not parsed as Markdown, so nothing is escaped: the text
    is written as it reads.  Line breaks become spaces; formatting, links and
    footnotes cannot be kept in such a field and are named in ``warnings``.
    """
    warnings = warnings or Warnings()
    parts: list[str] = []

    def visit(nodes: list[d.Inline]) -> None:
        for node in nodes:
            if isinstance(node, d.Text):
                parts.append(node.text)
            elif isinstance(node, d.LineBreak):
                parts.append(" ")
            elif isinstance(node, d.FootnoteRef):
                note = d.plain_text(node.body).strip()
                warnings.warn(f"a footnote cannot be kept in a plain text field: {note[:60]!r}")
            else:
                kind = {d.Emphasis: "emphasis", d.Strong: "bold", d.Link: "a link"}[type(node)]
                if isinstance(node, d.Link) and safe_href(node.href):
                    warnings.warn(f"a link cannot be kept in a plain text field: {node.href}")
                elif not isinstance(node, d.Link):
                    text = d.plain_text(node.children).strip()
                    warnings.warn(f"{kind} cannot be kept in a plain text field: {text[:60]!r}")
                visit(node.children)

    visit(inlines)
    return _SPACE.sub(" ", "".join(parts)).strip()


# -- the canonical form -----------------------------------------------------------


@dataclass
class _Atom:
    """One character, line break or footnote, with the formatting it has."""

    node: str | d.LineBreak | d.FootnoteRef
    bold: bool = False
    italic: bool = False
    href: str | None = None


def canonical(blocks: list[d.Block], warnings: Warnings | None = None) -> list[d.Block]:
    """``blocks`` in the form Markdown can hold, the same to a reader (see the module notes)."""
    warnings = warnings or Warnings()
    out: list[d.Block] = []
    for block in blocks:
        out.extend(_canonical_block(block, warnings))
    return out


def canonical_inlines(inlines: list[d.Inline], warnings: Warnings | None = None) -> list[d.Inline]:
    """A paragraph's inlines as Markdown can hold them (see the module notes)."""
    warnings = warnings or Warnings()
    # Settling one edge can bring another to the edge (a line break behind a
    # space that goes): settle until nothing moves, so that the form is its own.
    settled = _settle_inlines(inlines, warnings)
    for _ in range(4):
        again = _settle_inlines(settled, warnings)
        if again == settled:
            break
        settled = again
    return settled


def _settle_inlines(inlines: list[d.Inline], warnings: Warnings) -> list[d.Inline]:
    atoms = _atoms(inlines, False, False, None, warnings)
    # Strong holds emphasis, not the other way round: its runs are settled first.
    _hoist(atoms, "bold", lambda a: a.href)
    _hoist(atoms, "italic", lambda a: (a.href, a.bold))
    _hoist_links(atoms)
    # White space collapses and goes at the edges, as compose does.
    while atoms and isinstance(atoms[0].node, str) and atoms[0].node.isspace():
        atoms.pop(0)
    while atoms and (
        isinstance(atoms[-1].node, d.LineBreak)
        or (isinstance(atoms[-1].node, str) and atoms[-1].node.isspace())
    ):
        atoms.pop()
    kept: list[_Atom] = []
    for atom in atoms:
        previous = kept[-1].node if kept else None
        if atom.node == " " and (previous == " " or isinstance(previous, d.LineBreak)):
            continue
        kept.append(atom)
    return _build(kept)


def _canonical_block(block: d.Block, warnings: Warnings) -> list[d.Block]:
    if isinstance(block, d.Paragraph):
        if block.style != "Normal":
            warnings.warn(f"the paragraph style {block.style!r} cannot be kept in Markdown")
        children = canonical_inlines(block.children, warnings)
        return [d.Paragraph(children)] if children else []
    if isinstance(block, d.Heading):
        children = canonical_inlines([d.Strong(list(block.children))], warnings)
        warnings.warn(f"a heading in a text field is kept as bold text: {_words(block.children)!r}")
        return [d.Paragraph(children)] if children else []
    if isinstance(block, d.ListBlock):
        items = [d.ListItem(canonical(item.children, warnings)) for item in block.items]
        items = [item for item in items if item.children]
        return [d.ListBlock(block.ordered, items, max(0, block.start))] if items else []
    if isinstance(block, d.Quote):
        out: list[d.Block] = [d.Quote(canonical(block.children, warnings))]
        if not out[0].children:  # type: ignore[union-attr]
            out = []
        if block.attribution:
            warnings.warn(
                "a quote's attribution is kept as the paragraph after it: "
                f"{_words(block.attribution)!r}"
            )
            out.extend(_canonical_block(d.Paragraph(list(block.attribution)), warnings))
        return out
    if isinstance(block, d.Table):
        warnings.warn("a table cannot be kept in a text field; its cells become paragraphs")
        return [
            kept
            for row in block.rows
            for cell in row.cells
            for child in cell.children
            for kept in _canonical_block(child, warnings)
        ]
    if isinstance(block, d.Image):
        warnings.warn(f"a picture cannot be kept in a text field: {block.alt or 'no description'}")
        return _canonical_block(d.Paragraph([d.Text(block.alt)]), warnings) if block.alt else []
    # Page breaks and tables of contents: nothing a field can hold.
    warnings.warn(f"a {type(block).__name__} cannot be kept in a text field")
    return []


def _atoms(
    nodes: list[d.Inline], bold: bool, italic: bool, href: str | None, warnings: Warnings
) -> list[_Atom]:
    out: list[_Atom] = []
    for node in nodes:
        if isinstance(node, d.Text):
            text = _SPACE.sub(" ", node.text.replace(_BREAK, "\ufffd"))
            out.extend(_Atom(ch, bold, italic, href) for ch in text)
        elif isinstance(node, d.LineBreak):
            out.append(_Atom(node, bold, italic, href))
        elif isinstance(node, d.FootnoteRef):
            # A footnote mark cannot stand in a link's text: the link is cut around it.
            body = canonical(node.body, warnings)
            out.append(_Atom(d.FootnoteRef(body), bold, italic, None))
        elif isinstance(node, d.Emphasis):
            out.extend(_atoms(node.children, bold, True, href, warnings))
        elif isinstance(node, d.Strong):
            out.extend(_atoms(node.children, True, italic, href, warnings))
        elif isinstance(node, d.Link):
            safe = safe_href(node.href)
            if safe is None:
                warnings.warn(f"the link to {node.href[:60]!r} is kept as its text only")
            out.extend(_atoms(node.children, bold, italic, safe or href, warnings))
    return out


def _hoist(atoms: list[_Atom], flag: str, within: Callable[[_Atom], object]) -> None:
    """Take white space and line breaks at the edges of a bold or italic run out of it
    (a run ends where ``within`` changes: at a link, or at bold for emphasis)."""
    index = 0
    while index < len(atoms):
        if not getattr(atoms[index], flag):
            index += 1
            continue
        end = index
        while (
            end < len(atoms)
            and getattr(atoms[end], flag)
            and within(atoms[end]) == within(atoms[index])
        ):
            end += 1
        first, last = index, end - 1
        while first <= last and _edge(atoms[first].node):
            setattr(atoms[first], flag, False)
            first += 1
        while last >= first and _edge(atoms[last].node):
            setattr(atoms[last], flag, False)
            last -= 1
        index = end


def _hoist_links(atoms: list[_Atom]) -> None:
    """A link neither starts nor ends with a line break, nor is it only white space."""
    for href, group in groupby(range(len(atoms)), key=lambda i: atoms[i].href):
        if href is None:
            continue
        indexes = list(group)
        while indexes and isinstance(atoms[indexes[0]].node, d.LineBreak):
            atoms[indexes.pop(0)].href = None
        while indexes and isinstance(atoms[indexes[-1]].node, d.LineBreak):
            atoms[indexes.pop()].href = None
        if all(_blank(atoms[i].node) for i in indexes):
            for i in indexes:
                atoms[i].href = None


def _build(atoms: list[_Atom]) -> list[d.Inline]:
    """Atoms → nested Link / Strong / Emphasis, as the Word reader nests them."""
    out: list[d.Inline] = []
    for href, by_link in groupby(atoms, key=lambda a: a.href):
        inner = _by(list(by_link), "bold", d.Strong)
        if href is not None:
            out.append(d.Link(href, inner))
        else:
            out.extend(inner)
    return out


def _by(atoms: list[_Atom], flag: str, kind: type) -> list[d.Inline]:
    out: list[d.Inline] = []
    for on, group in groupby(atoms, key=lambda a: getattr(a, flag)):
        atoms_in = list(group)
        inner = _by(atoms_in, "italic", d.Emphasis) if flag == "bold" else _leaves(atoms_in)
        if on:
            out.append(kind(inner))
        else:
            out.extend(inner)
    return out


def _leaves(atoms: list[_Atom]) -> list[d.Inline]:
    out: list[d.Inline] = []
    for atom in atoms:
        if isinstance(atom.node, str):
            if out and isinstance(out[-1], d.Text):
                out[-1] = d.Text(out[-1].text + atom.node)
            else:
                out.append(d.Text(atom.node))
        else:
            out.append(atom.node)
    return out


def _blank(node: object) -> bool:
    return isinstance(node, str) and _whitespace(node)


def _edge(node: object) -> bool:
    return isinstance(node, d.LineBreak) or _blank(node)


def _whitespace(ch: str) -> bool:
    """White space as Markdown decides emphasis by it (markdown-it's isWhiteSpace)."""
    return ch in "\t\n\x0b\x0c\r " or unicodedata.category(ch) == "Zs"


def _punctuation(ch: str) -> bool:
    """Punctuation as Markdown decides emphasis by it (markdown-it's isPunctChar)."""
    return unicodedata.category(ch)[0] in "PS"


def _words(inlines: list[d.Inline]) -> str:
    return _SPACE.sub(" ", d.plain_text(inlines)).strip()[:60]


# -- writing ------------------------------------------------------------------------


@dataclass
class _Text:
    text: str
    in_link: bool
    entity_first: bool = False
    entity_last: bool = False


@dataclass
class _Delimiter:
    char: str
    count: int
    opening: bool
    partner: _Delimiter | None = None


@dataclass
class _Raw:
    """Markdown syntax written as it is: ``[``, ``](…)``, ``[^1]``, a line break."""

    text: str
    note: bool = False


_Piece = _Text | _Delimiter | _Raw


@dataclass
class _Writer:
    width: int | None
    warnings: Warnings
    notes: list[list[d.Block]] = field(default_factory=list)

    def blocks(self, blocks: list[d.Block], indent: int = 0) -> list[str]:
        """The lines of some blocks, blank lines between them; ``indent``: how far
        their lines will stand in (inside list items, quotes, footnotes)."""
        out: list[str] = []
        previous: d.Block | None = None
        bullets = numbers = 0
        for block in blocks:
            if isinstance(block, d.ListBlock) and isinstance(previous, d.ListBlock):
                # Two lists in a row: a new marker starts a new list.
                if block.ordered and previous.ordered:
                    numbers += 1
                elif not block.ordered and not previous.ordered:
                    bullets += 1
            else:
                bullets = numbers = 0
            lines = self.block(block, indent, bullets % 2, numbers % 2)
            if lines:
                out += [""] if out else []
                out += lines
            previous = block
        return out

    def block(self, block: d.Block, indent: int, bullet: int, number: int) -> list[str]:
        if isinstance(block, d.Paragraph):
            return self.paragraph(block.children, indent)
        if isinstance(block, d.ListBlock):
            return self.list(block, indent, "-+"[bullet], ".)"[number])
        if isinstance(block, d.Quote):
            lines = self.blocks(block.children, indent + 2)
            return [("> " + line) if line else ">" for line in lines]
        return []

    def list(self, block: d.ListBlock, indent: int, bullet: str, delimiter: str) -> list[str]:
        out: list[str] = []
        loose = any(len(item.children) > 1 for item in block.items)
        for number, item in enumerate(block.items, start=block.start):
            marker = f"{number}{delimiter} " if block.ordered else f"{bullet} "
            lines = self.blocks(item.children, indent + len(marker)) or [""]
            if loose and out:
                out.append("")
            out.append(marker + lines[0])
            out += [(" " * len(marker) + line) if line else "" for line in lines[1:]]
        return out

    def paragraph(self, inlines: list[d.Inline], indent: int) -> list[str]:
        pieces = self.pieces(inlines, in_link=False)
        _choose_delimiters(pieces)
        _keep_flanking(pieces)
        source = "".join(
            _render(
                piece, pieces[i - 1] if i else None, pieces[i + 1] if i + 1 < len(pieces) else None
            )
            for i, piece in enumerate(pieces)
        )
        lines = []
        for line in source.split("\n"):
            lines += self.wrap(line, indent)
        return [_escape_line_start(line) for line in lines]

    def wrap(self, line: str, indent: int) -> list[str]:
        if not self.width or _BREAK not in line:
            return [line.replace(_BREAK, " ")]
        out: list[str] = []
        current = ""
        for word in line.split(_BREAK):
            if current and indent + len(current) + 1 + len(word) > self.width:
                out.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        out.append(current)
        return out

    def pieces(self, inlines: list[d.Inline], *, in_link: bool) -> list[_Piece]:
        out: list[_Piece] = []
        for node in inlines:
            if isinstance(node, d.Text):
                out.append(_Text(node.text, in_link))
            elif isinstance(node, d.LineBreak):
                out.append(_Raw("\\\n"))
            elif isinstance(node, d.FootnoteRef):
                self.notes.append(node.body)
                out.append(_Raw(f"[^{len(self.notes)}]", note=True))
            elif isinstance(node, d.Emphasis | d.Strong):
                count = 2 if isinstance(node, d.Strong) else 1
                opening = _Delimiter("*", count, True)
                closing = _Delimiter("*", count, False, opening)
                opening.partner = closing
                out += [opening, *self.pieces(node.children, in_link=in_link), closing]
            elif isinstance(node, d.Link):
                out += [
                    _Raw("["),
                    *self.pieces(node.children, in_link=True),
                    _Raw("](" + _destination(node.href) + ")"),
                ]
        return out


def _choose_delimiters(pieces: list[_Piece]) -> None:
    """``_`` for emphasis right next to a ``**``, so that the two never run together
    (``***`` would be read the other way round)."""
    for index, piece in enumerate(pieces):
        if isinstance(piece, _Delimiter) and piece.count == 1 and piece.opening:
            closing = pieces.index(piece.partner, index)  # type: ignore[arg-type]
            before = pieces[index - 1] if index else None
            after = pieces[closing + 1] if closing + 1 < len(pieces) else None
            if isinstance(before, _Delimiter) or isinstance(after, _Delimiter):
                piece.char = piece.partner.char = "_"  # type: ignore[union-attr]


def _keep_flanking(pieces: list[_Piece]) -> None:
    """Write a character next to a delimiter as a character reference (``&#97;``)
    where Markdown would otherwise not take the delimiter as opening or closing
    emphasis (CommonMark's flanking rules: ``*(a)*b``, ``x_a_``)."""
    while _flank_once(pieces):
        pass  # a reference is punctuation to the delimiters on its other side too


def _flank_once(pieces: list[_Piece]) -> bool:
    changed = False
    for index, piece in enumerate(pieces):
        if not isinstance(piece, _Delimiter):
            continue
        before = pieces[index - 1] if index else None
        after = pieces[index + 1] if index + 1 < len(pieces) else None
        if piece.opening:
            inner, outer, outer_piece = _first_char(after), _last_char(before), before
        else:
            inner, outer, outer_piece = _last_char(before), _first_char(after), after
        strict = piece.char == "_" or _punctuation(inner) or inner == "&"
        if strict and not (_whitespace(outer) or _punctuation(outer) or outer in "&;\\"):
            assert isinstance(outer_piece, _Text)
            if piece.opening:
                outer_piece.entity_last = True
            else:
                outer_piece.entity_first = True
            changed = True
    return changed


def _first_char(piece: _Piece | None) -> str:
    if piece is None:
        return " "
    if isinstance(piece, _Text):
        return (
            "&"
            if piece.entity_first
            else (_escape(piece, None, None)[:1] or " ").replace(_BREAK, " ")
        )
    return piece.char if isinstance(piece, _Delimiter) else piece.text[0]


def _last_char(piece: _Piece | None) -> str:
    if piece is None:
        return " "
    if isinstance(piece, _Text):
        return (
            ";"
            if piece.entity_last
            else (_escape(piece, None, None)[-1:] or " ").replace(_BREAK, " ")
        )
    return piece.char if isinstance(piece, _Delimiter) else piece.text[-1]


def _render(piece: _Piece, before: _Piece | None, after: _Piece | None) -> str:
    if isinstance(piece, _Delimiter):
        return piece.char * piece.count
    if isinstance(piece, _Raw):
        return piece.text
    return _escape(piece, before, after)


def _escape(piece: _Text, before: _Piece | None, after: _Piece | None) -> str:
    """A text's characters, escaped where Markdown (or its typographer) would
    take them for anything but themselves; spaces where a line may break."""
    text = piece.text
    last = len(text) - 1
    after_note = isinstance(before, _Raw) and before.note
    before_bracket = isinstance(after, _Raw) and after.text.startswith("[")
    out: list[str] = []

    def plain(i: int) -> bool:
        """Whether the character at ``i`` is a letter or digit written as itself."""
        if i < 0 or i > last:
            return False
        if (i == 0 and piece.entity_first) or (i == last and piece.entity_last):
            return False
        return text[i].isalnum()

    # Counted as the loop goes, so that a long text costs linear time.
    run = 0  # how many of the same character come just before this one
    start = end = -1  # the stretch of "?!" the character is in
    for i, ch in enumerate(text):
        run = run + 1 if i and text[i - 1] == ch else 0
        if (i == 0 and piece.entity_first) or (i == last and piece.entity_last):
            out.append(f"&#{ord(ch)};")
            continue
        escape = False
        if ch in _ALWAYS:
            escape = True
        elif ch == "_":
            escape = not (plain(i - 1) and plain(i + 1))
        elif ch == "'":
            # Inside a word an apostrophe becomes ’ whether Markdown or compose sets it.
            escape = piece.in_link or not (plain(i - 1) and plain(i + 1))
        elif ch == "&":
            escape = _ENTITY_LIKE.match(text, i) is not None
        elif ch in ".,-":  # "..", ",," and "--" are typographer's replacements
            escape = run % 2 == 1
        elif ch in "?!":
            if not start <= i <= end:  # a new stretch: found once, whole
                start = end = i
                while start > 0 and text[start - 1] in "?!":
                    start -= 1
                while end < last and text[end + 1] in "?!":
                    end += 1
            escape = end - start >= 3 and (i - start) % 3 == 2
            if ch == "!" and i == last and before_bracket:
                escape = True  # `![` starts an image
        elif ch == "+":
            escape = text[i + 1 : i + 2] == "-"  # +- is ±
        elif ch == "(":
            escape = _ABBREVIATION.match(text, i) is not None or (i == 0 and after_note)
        elif ch == "^":  # `^[…]` is an inline footnote; `[^…` in a link's text, a footnote
            escape = (i == last and before_bracket) or (i == 0 and isinstance(before, _Raw))
        elif ch == ":":
            escape = i == 0 and after_note
        if escape:
            out.append("\\" + ch)
        elif ch == " ":
            out.append(_BREAK)
        else:
            out.append(ch)
    return "".join(out)


def _escape_line_start(line: str) -> str:
    """Escape what would start a heading, list, quote, fence or rule at the start of a line."""
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    if line[0].isdigit():
        end = match.end() - 1
        return line[:end] + "\\" + line[end:]
    return "\\" + line


def _destination(href: str) -> str:
    """A link address as Markdown's ``(…)`` holds it."""
    out = []
    for ch in href:
        if ch in "\\()<>&":
            out.append("\\" + ch)
        elif ch == " ":
            out.append("%20")
        else:
            out.append(ch)
    return "".join(out)
