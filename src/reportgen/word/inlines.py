"""Runs with their formatting → the nested inline nodes of the document model."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from .. import documents as d


@dataclass
class Piece:
    """One inline node with the formatting of the run it came from."""

    node: d.Inline
    bold: bool = False
    italic: bool = False
    href: str | None = None
    marked: bool = False  # run in a "draft" character style (page furniture)
    rtl: bool = False  # run written right to left (w:rtl)


@dataclass
class BlockBreak:
    """A block met inside a paragraph (page break, image, contents): splits it."""

    block: d.Block


@dataclass
class Anchored:
    """A block anchored in a paragraph (a text box): placed after that paragraph."""

    block: d.Block


def has_content(pieces: list) -> bool:
    for piece in pieces:
        if isinstance(piece, Piece):
            node = piece.node
            if isinstance(node, d.FootnoteRef) or (isinstance(node, d.Text) and node.text.strip()):
                return True
    return False


def build_inlines(pieces: list[Piece], rtl_paragraph: bool = False) -> list[d.Inline]:
    """Flat formatted runs → nested Link / RightToLeft / Strong / Emphasis nodes."""
    result: list[d.Inline] = []
    for href, group in groupby(pieces, key=lambda p: p.href):
        inner = _by_direction(list(group), rtl_paragraph)
        if href:
            result.append(d.Link(href=href, children=inner))
        else:
            result.extend(inner)
    return result


def _by_direction(pieces: list[Piece], rtl_paragraph: bool) -> list[d.Inline]:
    if rtl_paragraph or not any(p.rtl for p in pieces):
        return _by_bold(pieces)  # one direction: the paragraph's
    result: list[d.Inline] = []
    for rtl, group in groupby(pieces, key=lambda p: p.rtl):
        inner = _by_bold(list(group))
        if rtl and _any_text(inner):
            result.append(d.RightToLeft(inner))
        else:
            result.extend(inner)
    return result


def _by_bold(pieces: list[Piece]) -> list[d.Inline]:
    result: list[d.Inline] = []
    for bold, group in groupby(pieces, key=lambda p: p.bold):
        inner = _by_italic(list(group))
        if bold and _any_text(inner):
            result.append(d.Strong(inner))
        else:
            result.extend(inner)
    return result


def _by_italic(pieces: list[Piece]) -> list[d.Inline]:
    result: list[d.Inline] = []
    for italic, group in groupby(pieces, key=lambda p: p.italic):
        inner = _merged([p.node for p in group])
        if italic and _any_text(inner):
            result.append(d.Emphasis(inner))
        else:
            result.extend(inner)
    return result


def _any_text(nodes: list[d.Inline]) -> bool:
    return any(
        isinstance(n, d.Text | d.Emphasis | d.Strong) and d.plain_text([n]).strip() for n in nodes
    )


def _merged(nodes: list[d.Inline]) -> list[d.Inline]:
    result: list[d.Inline] = []
    for node in nodes:
        if isinstance(node, d.Text) and result and isinstance(result[-1], d.Text):
            result[-1] = d.Text(result[-1].text + node.text)
        else:
            result.append(node)
    return result
