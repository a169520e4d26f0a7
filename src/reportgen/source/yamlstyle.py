"""How one value is written in YAML: plain, quoted or a block scalar, in the style it had."""

# The editor (yamledit.py) keeps the style a scalar was written in: plain
# stays plain when the new text is safe as a plain scalar, quoted stays
# quoted, a `|` or `>` block stays a block.  Everything here is checked again
# by the editor, which parses what it wrote and falls back to double quotes
# (which can hold any text) when a style would read back as something else.

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import ScalarNode

from reportgen.source.yamlload import STR, CoreResolver

_RESOLVER = CoreResolver()
# Characters that cannot start a plain scalar (YAML 1.2, c-indicator).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}")
# Line breaks for YAML 1.1 parsers, PyYAML's and libyaml's among them.
_BREAKS = frozenset("\r\n\x85\u2028\u2029")
# What libyaml and PyYAML's reader accept in a document, less the byte order
# mark (allowed only at the start of a stream) and the tab (kept out of the
# styles that cannot escape it, so that no parser has to decide about it).
_PRINTABLE = re.compile(
    "[\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\x00": "\\0",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


@dataclass(frozen=True)
class Layout:
    """Where a scalar is written and how it was written before.

    ``style``: ``""`` plain, ``"'"``, ``'"'``, ``"|"`` or ``">"``.
    ``column``: where the scalar starts; ``indent``: the column of its
    continuation lines or block content; ``parent``: the column of the
    mapping key or list dash it belongs to (a block scalar's indentation
    indicator counts from there).  ``width``: wrap lines at this column
    (None: one line, as it was).  ``flow``: inside ``[…]`` or ``{…}``.
    ``quote``: the quote to use when plain will not do (the file's habit).
    """

    style: str = ""
    column: int = 0
    indent: int = 2
    parent: int = 0
    width: int | None = None
    flow: bool = False
    quote: str = '"'


def render(value: object, layout: Layout) -> str:
    """``value`` as YAML source, continuation lines indented; lines end with ``\\n``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot write a {type(value).__name__} in an input")
    text = value
    style = layout.style
    if not layout.flow and text:
        if style in ("|", ">"):
            block = block_scalar(text, layout, folded=style == ">")
            if block is not None:
                return block
        if "\n" in text.rstrip("\n") or text.endswith("\n"):
            # A value that becomes several paragraphs becomes a literal block.
            block = block_scalar(text, layout, folded=False)
            if block is not None:
                return block
    if style in ("", "|", ">") and plain_ok(text, flow=layout.flow):
        return _wrap(text, layout, plain=True)
    quote = style if style in ("'", '"') else layout.quote
    if quote == "'" and single_ok(text):
        return _wrap(text, layout, quote="'")
    return _wrap(text, layout, quote='"')


def plain_ok(text: str, *, flow: bool = False) -> bool:
    """Whether ``text`` written plain reads back as this same text.

    Under YAML 1.2 core resolution (no ``true``, ``null``, numbers), and
    for PyYAML's and libyaml's scanners (no indicator first, no ``: `` or
    `` #``, no edge blanks, nothing that needs an escape).
    """
    if not text or text[0] in _INDICATORS or text[0] in " \t" or text[-1] in " \t:":
        return False
    if "\t" in text or ": " in text or " #" in text or _BREAKS.intersection(text):
        return False
    if flow and (":" in text or _FLOW_INDICATORS.intersection(text)):
        return False
    if text.startswith(("...", "---")) or not printable(text):
        return False
    return _RESOLVER.resolve(ScalarNode, text, (True, False)) == STR


def single_ok(text: str) -> bool:
    """Whether ``text`` can be written between single quotes on one line."""
    return printable(text) and not _BREAKS.intersection(text)


def printable(text: str) -> bool:
    """Whether every character may stand in a YAML file as it is (no escape needed)."""
    return _PRINTABLE.fullmatch(text) is not None


def double_quoted(text: str) -> str:
    """``text`` between double quotes, escaped so that any text reads back exactly."""
    out = []
    for ch in text:
        escaped = _ESCAPES.get(ch)
        if escaped is None and (ch == "\ufeff" or not printable(ch)):
            code = ord(ch)
            if code < 0x100:
                escaped = f"\\x{code:02X}"
            elif code < 0x10000:
                escaped = f"\\u{code:04X}"
            else:
                escaped = f"\\U{code:08X}"
        out.append(escaped or ch)
    return '"' + "".join(out) + '"'


def block_scalar(text: str, layout: Layout, *, folded: bool) -> str | None:
    """``text`` as a ``|`` (or ``>``) block: the header, then the content lines.

    None when a block cannot hold it (characters that need escapes, more
    than one final line break, which only ``|+`` keeps and which would take
    in the blank lines after it).
    """
    if not text or not printable(text) or text.endswith("\n\n"):
        return None
    if _BREAKS.difference("\n").intersection(text):
        return None
    chomp = "" if text.endswith("\n") else "-"
    body = text[:-1] if chomp == "" else text
    lines = body.split("\n")
    if folded and (len(lines) > 1 or lines[0][:1] in (" ", "\t")):
        folded = False  # a single paragraph only: `>` would need its blank-line rules
    if folded and layout.width:
        lines = _break(body, layout.width - layout.indent, layout.width - layout.indent)
    header = ">" if folded else "|"
    first = next((line for line in lines if line.strip(" ")), "")
    leading = lines[: lines.index(first)] if first in lines else lines
    if first[:1] in (" ", "\t") or any(leading):
        step = layout.indent - layout.parent
        if not 1 <= step <= 9:
            return None
        header += str(step)
    header += chomp
    content = [" " * layout.indent + line if line else "" for line in lines]
    return header + "\n" + "\n".join(content)


def _wrap(text: str, layout: Layout, *, plain: bool = False, quote: str = "") -> str:
    """A plain or quoted scalar, folded over several lines if it was written so."""
    if plain:
        words = [text]
        if layout.width and not layout.flow:
            words = _break(
                text,
                layout.width - layout.column,
                layout.width - layout.indent,
                plain=True,
            )
        return ("\n" + " " * layout.indent).join(words)
    if quote == "'":
        pieces = [text]
        if layout.width and not layout.flow:
            pieces = _break(text, layout.width - layout.column - 1, layout.width - layout.indent)
        inner = ("\n" + " " * layout.indent).join(p.replace("'", "''") for p in pieces)
        return "'" + inner + "'"
    pieces = [text]
    if layout.width and not layout.flow:
        pieces = _break(text, layout.width - layout.column - 1, layout.width - layout.indent)
    inner = ("\n" + " " * layout.indent).join(double_quoted(p)[1:-1] for p in pieces)
    return '"' + inner + '"'


def _break(text: str, first: int, rest: int, *, plain: bool = False) -> list[str]:
    """``text`` cut at single spaces into lines of at most ``first``, then ``rest`` characters.

    A line break folds back into one space, so only a single space between
    two other characters is a place to break; in a plain scalar, not before
    a word that would start the line with an indicator (``#``, ``-`` …).
    """
    lines: list[str] = []
    current = ""
    limit = max(first, 20)
    for word in _words(text):
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= limit or (plain and word[0] in _INDICATORS):
            current += " " + word
        else:
            lines.append(current)
            current = word
            limit = max(rest, 20)
    lines.append(current)
    return lines


def _words(text: str) -> list[str]:
    """Pieces of ``text`` between the single spaces where a line may break."""
    words: list[str] = []
    start = 0
    for match in re.finditer(r"(?<=[^ \t]) (?=[^ \t])", text):
        words.append(text[start : match.start()])
        start = match.end()
    words.append(text[start:])
    return words
