"""Blocks of the document model written back as the Markdown a rapporteur would type."""

from __future__ import annotations

import re

from .. import documents as d

# Characters that would start Markdown syntax inside running text.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([-+#>]|\d+[.)])(\s)")


def markdown_of(blocks: list[d.Block]) -> str:
    """``blocks`` as Markdown: paragraphs apart, lists, quotes, footnotes at the end."""
    notes: list[str] = []
    body = "\n\n".join(_block(block, notes, "") for block in blocks).strip("\n")
    if notes:
        body += "\n\n" + "\n".join(f"[^{n}]: {text}" for n, text in enumerate(notes, 1))
    return body


def text_of(inlines: list[d.Inline]) -> str:
    """Running text as typed in a plain (non-Markdown) field: the words, nothing escaped."""
    return " ".join(d.plain_text(inlines).split())


def _block(block: d.Block, notes: list[str], indent: str) -> str:
    if isinstance(block, d.Paragraph | d.Heading):
        return indent + _escape_line_start(_inlines(block.children, notes))
    if isinstance(block, d.ListBlock):
        lines = []
        for number, item in enumerate(block.items, start=block.start):
            marker = f"{number}. " if block.ordered else "- "
            inner = "\n\n".join(_block(child, notes, "") for child in item.children)
            pad = " " * len(marker)
            text = inner.replace("\n", "\n" + indent + pad)
            lines.append(indent + marker + text)
        return "\n".join(lines)
    if isinstance(block, d.Quote):
        inner = "\n\n".join(_block(child, notes, "") for child in block.children)
        return "\n".join(
            indent + "> " + line if line else indent + ">" for line in inner.split("\n")
        )
    return ""


def _escape_line_start(text: str) -> str:
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) + m.group(3), text)


def _inlines(nodes: list[d.Inline], notes: list[str]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, d.Text):
            out.append(_INLINE_SPECIAL.sub(r"\\\1", node.text))
        elif isinstance(node, d.Emphasis):
            out.append(_wrapped("*", _inlines(node.children, notes)))
        elif isinstance(node, d.Strong):
            out.append(_wrapped("**", _inlines(node.children, notes)))
        elif isinstance(node, d.Link):
            label = _inlines(node.children, notes)
            out.append(f"[{label}]({node.href})" if node.href else label)
        elif isinstance(node, d.LineBreak):
            out.append("\\\n")
        elif isinstance(node, d.FootnoteRef):
            body = " ".join(_block(b, [], "") for b in node.body).strip()
            notes.append(body)
            out.append(f"[^{len(notes)}]")
    return "".join(out)


def _wrapped(marker: str, text: str) -> str:
    """Emphasis around ``text``, with its outer spaces kept outside the markers."""
    stripped = text.strip()
    if not stripped:
        return text
    left = text[: len(text) - len(text.lstrip())]
    right = text[len(text.rstrip()) :]
    return f"{left}{marker}{stripped}{marker}{right}"
