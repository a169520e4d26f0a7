"""The closed vocabulary a template composes a report in, parsed into documents nodes.

A template renders to a small XML dialect (DESIGN.md, invariant 2)::

    <document>
      <header>running header</header> <footer>footer text</footer>
      <page-label>Page {page} of {pages}</page-label> <draft-label>DRAFT</draft-label>
      <p style="Title">…</p>   <h1>…</h1> <h2 toc="no">…</h2> <h3>…</h3>
      inline: <em> <strong> <a href="…"> <br/> <note>footnote blocks</note>
      <ul>/<ol start="5"> <li>…</li>   <quote>blocks<attribution>…</attribution></quote>
      <table widths="3 2 2"><tr header="yes"><td>…</td></tr></table>
      <pagebreak/> <toc title="Contents" levels="2"/> <image src="logo.svg" alt="…" width="40"/>
    </document>

Provenance (DESIGN.md, invariant 7; the template's helpers write it):
``<field path="topics[2].summary" kind="markdown">blocks</field>`` around the
blocks a text field gives; ``<slot path="topics[2].title" kind="plain">`` around
field text inside a block; ``block="name"`` (and ``key="…"`` for one instance
of a repeated block) on ``p``, ``h1``–``h3``, ``td``, ``attribution`` and
``toc`` that the template composes.  ``settle`` turns them into each block's
``Origin`` once the text is typeset.

Whitespace in running text collapses as in HTML, so templates may be indented.
Anything outside the vocabulary is a template error naming the element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from .. import documents as d
from .. import xmlparsing
from ..errors import TemplateError

_SPACE = re.compile(r"[ \t\r\n]+")
_INLINE = {"em", "strong", "a", "br", "note", "slot"}
_SLOT_KINDS = ("plain", "markdown", "list")


@dataclass
class SlotMark:
    """Field text inside a block, until ``settle`` records it in the block's Origin."""

    paths: tuple[str, ...]
    kind: str
    children: list[d.Inline] = field(default_factory=list)


# Inline nodes whose children are running text (the marks of slots among them).
CONTAINERS = (d.Emphasis, d.Strong, d.Link, SlotMark)
_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


def parse(xml: str, *, template_folders: tuple[Path, ...], where: str) -> d.Document:
    """The composed XML as a Document (metadata is filled in by the caller)."""
    try:
        root = xmlparsing.parse(xml.encode("utf-8"), where)
    except xmlparsing.MalformedXML as error:
        raise TemplateError(
            f"{where}: the template did not produce well-formed markup "
            f"(output line {error.line or 0}: {error.detail})",
            hint="check that the template closes every element it opens",
        ) from None
    except xmlparsing.DoctypeFound:
        raise TemplateError(
            f"{where}: the template's output declares a DOCTYPE; the report vocabulary has none"
        ) from None
    if root.tag != "document":
        raise TemplateError(f"{where}: the template's output must be one <document> element")
    return _Reader(template_folders, where).document(root)


class _Reader:
    def __init__(self, folders: tuple[Path, ...], where: str) -> None:
        self.folders = tuple(f.resolve() for f in folders)
        self.where = where

    def origin(self, el: etree._Element) -> d.Origin | None:
        """The template block a ``block="…"`` attribute names (its text is settled later)."""
        name = el.get("block")
        if not name:
            return None
        return d.Origin((), name, el.get("key", ""))

    def fail(self, element: etree._Element, message: str) -> TemplateError:
        return TemplateError(f"{self.where}: output line {element.sourceline}: {message}")

    def document(self, root: etree._Element) -> d.Document:
        document = d.Document()
        furniture = document.furniture
        for child in root:
            tag = child.tag
            if tag == "header":
                furniture.header = _collapse(_text_of(child)).strip()
            elif tag == "footer":
                furniture.footer = _collapse(_text_of(child)).strip()
            elif tag == "page-label":
                furniture.page_label = _collapse(_text_of(child)).strip()
            elif tag == "draft-label":
                furniture.draft_label = _collapse(_text_of(child)).strip()
            elif tag == "field":
                document.children.extend(self.field(child))
            else:
                document.children.extend(self.block(child))
        _check_attributes(root, self)
        return document

    # -- blocks -------------------------------------------------------------

    def blocks(self, element: etree._Element) -> list[d.Block]:
        """Child blocks of a container; loose running text becomes a paragraph."""
        out: list[d.Block] = []
        pending: list[d.Inline] = []

        def flush() -> None:
            trimmed = _trim(pending)
            if trimmed:
                out.append(d.Paragraph(trimmed))
            pending.clear()

        if element.text:
            pending.append(d.Text(element.text))
        for child in element:
            if child.tag in _INLINE:
                pending.extend(self.inline(child))
            elif child.tag == "field":
                flush()
                out.extend(self.field(child))
            else:
                flush()
                out.extend(self.block(child))
            if child.tail:
                pending.append(d.Text(child.tail))
        flush()
        origin = self.origin(element)
        if origin is not None:  # a table cell the template composes
            for block in out:
                if isinstance(block, d.Paragraph) and block.origin is None:
                    block.origin = origin
        return out

    def field(self, el: etree._Element) -> list[d.Block]:
        """The blocks of a text field, each remembering the field it shows."""
        paths, kind = self.slot_attributes(el)
        origin = d.Origin((d.Slot(paths, kind, ""),))
        blocks = self.blocks(el)
        for block in d.paragraphs(blocks):
            if block.origin is None:
                block.origin = origin
        return blocks

    def slot_attributes(self, el: etree._Element) -> tuple[tuple[str, ...], str]:
        paths = tuple(el.get("path", "").split())
        kind = el.get("kind", "plain")
        if not paths or kind not in _SLOT_KINDS:
            raise self.fail(el, f"<{el.tag}> needs a path and a kind ({', '.join(_SLOT_KINDS)})")
        return paths, kind

    def block(self, el: etree._Element) -> list[d.Block]:
        tag = el.tag
        if tag == "p":
            style = el.get("style", "Normal")
            if style not in d.KNOWN_PARAGRAPH_STYLES:
                known = ", ".join(d.KNOWN_PARAGRAPH_STYLES)
                raise self.fail(el, f"unknown paragraph style {style!r} (known: {known})")
            children = _trim(self.inlines(el))
            origin = self.origin(el)
            return [d.Paragraph(children, style, origin=origin)] if children else []
        if tag in ("h1", "h2", "h3"):
            children = _trim(self.inlines(el))
            in_toc = el.get("toc", "yes") != "no"
            origin = self.origin(el)
            return [d.Heading(int(tag[1]), children, in_toc, origin=origin)] if children else []
        if tag in ("ul", "ol"):
            items = [d.ListItem(self.blocks(li)) for li in el if self.expect(li, "li")]
            items = [i for i in items if i.children]
            if not items:
                return []
            start = int(el.get("start", "1")) if tag == "ol" else 1
            return [d.ListBlock(tag == "ol", items, start)]
        if tag == "quote":
            attribution: list[d.Inline] = []
            attribution_origin = None
            for child in list(el):
                if child.tag == "attribution":
                    attribution = _trim(self.inlines(child))
                    attribution_origin = self.origin(child)
                    tail = child.tail
                    el.remove(child)
                    if tail:  # keep text that followed the attribution
                        el.text = (el.text or "") + tail
            return [d.Quote(self.blocks(el), attribution, attribution_origin)]
        if tag == "table":
            return [self.table(el)]
        if tag == "pagebreak":
            return [d.PageBreak()]
        if tag == "toc":
            levels = el.get("levels", "3")
            if levels not in ("1", "2", "3"):
                raise self.fail(el, f"<toc levels={levels!r}>: levels is 1, 2 or 3")
            title = el.get("title", "Contents")
            origin = self.origin(el)
            if origin is not None:
                origin = replace(origin, segments=(title,))
            return [d.TableOfContents(title, int(levels), origin=origin)]
        if tag == "image":
            return [self.image(el)]
        raise self.fail(el, f"<{tag}> is not part of the report vocabulary")

    def expect(self, el: etree._Element, tag: str) -> bool:
        if el.tag != tag:
            raise self.fail(el, f"<{el.tag}> found where <{tag}> was expected")
        return True

    def table(self, el: etree._Element) -> d.Table:
        widths = [float(w) for w in el.get("widths", "").split()]
        rows = []
        for tr in el:
            self.expect(tr, "tr")
            cells = [d.TableCell(self.blocks(td)) for td in tr if self.expect(td, "td")]
            rows.append(d.TableRow(cells, header=tr.get("header") == "yes"))
        return d.Table(rows, widths)

    def image(self, el: etree._Element) -> d.Image:
        src = el.get("src", "")
        # Only the template's own files: a template is not a way to read others.
        for folder in self.folders:
            path = (folder / src).resolve()
            if folder in path.parents and path.is_file():
                break
        else:
            raise self.fail(el, f"image {src!r} is not a file in the template folder")
        content_type = _IMAGE_TYPES.get(path.suffix.lower())
        if content_type is None:
            raise self.fail(el, f"image {src!r}: use PNG, JPEG or SVG")
        width = el.get("width")
        return d.Image(
            path.read_bytes(), content_type, el.get("alt", ""), float(width) if width else None
        )

    # -- inline -------------------------------------------------------------

    def inlines(self, el: etree._Element) -> list[d.Inline]:
        out: list[d.Inline] = []
        if el.text:
            out.append(d.Text(el.text))
        for child in el:
            if child.tag not in _INLINE:
                raise self.fail(child, f"<{child.tag}> cannot stand inside <{el.tag}>")
            out.extend(self.inline(child))
            if child.tail:
                out.append(d.Text(child.tail))
        return out

    def inline(self, el: etree._Element) -> list[d.Inline]:
        tag = el.tag
        if tag == "em":
            return [d.Emphasis(self.inlines(el))]
        if tag == "strong":
            return [d.Strong(self.inlines(el))]
        if tag == "a":
            return [d.Link(el.get("href", ""), self.inlines(el))]
        if tag == "br":
            return [d.LineBreak()]
        if tag == "note":
            return [d.FootnoteRef(self.blocks(el))]
        if tag == "slot":
            paths, kind = self.slot_attributes(el)
            return [SlotMark(paths, kind, self.inlines(el))]  # type: ignore[list-item]
        raise self.fail(el, f"<{tag}> is not part of the report vocabulary")


def _text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text)


def _trim(inlines: list[d.Inline]) -> list[d.Inline]:
    """Collapse white space as HTML does, and drop it at both ends."""
    out: list[d.Inline] = []
    for node in inlines:
        if isinstance(node, d.Text):
            text = _collapse(node.text)
            if out and isinstance(out[-1], d.Text):
                text = out.pop().text + text
            if text:
                out.append(d.Text(text))
        else:
            out.append(_trim_inside(node))
    _strip_edge(out, 0, str.lstrip)
    _strip_edge(out, -1, str.rstrip)
    # Spaces that collapse across element boundaries ("a <em> b</em>").
    previous_space = True
    for node in _walk_text(out):
        if previous_space and node.text.startswith(" "):
            node.text = node.text[1:]
        if node.text:
            previous_space = node.text.endswith(" ")
    return [n for n in out if not (isinstance(n, d.Text) and not n.text)]


def _trim_inside(node: d.Inline) -> d.Inline:
    if isinstance(node, CONTAINERS):
        merged: list[d.Inline] = []
        for child in node.children:
            if isinstance(child, d.Text):
                text = _collapse(child.text)
                if merged and isinstance(merged[-1], d.Text):
                    merged[-1] = d.Text(merged[-1].text + text)
                else:
                    merged.append(d.Text(text))
            else:
                merged.append(_trim_inside(child))
        node.children = merged
    return node


def _walk_text(nodes: list[d.Inline]):
    for node in nodes:
        if isinstance(node, d.Text):
            yield node
        elif isinstance(node, d.LineBreak):
            # Space after a line break is never wanted.
            yield d.Text(" ")
        elif isinstance(node, CONTAINERS):
            yield from _walk_text(node.children)


def _strip_edge(nodes: list[d.Inline], index: int, strip) -> None:
    while nodes:
        node = nodes[index]
        if isinstance(node, d.Text):
            node.text = strip(node.text)
            if node.text:
                return
            nodes.pop(index)
        elif isinstance(node, CONTAINERS) and node.children:
            _strip_edge(node.children, index, strip)
            return
        else:
            return


def _check_attributes(root: etree._Element, reader: _Reader) -> None:
    """Attributes the vocabulary does not know are template mistakes."""
    allowed = {
        "p": {"style", "block", "key"},
        "h1": {"toc", "block", "key"},
        "h2": {"toc", "block", "key"},
        "h3": {"toc", "block", "key"},
        "ol": {"start"},
        "a": {"href"},
        "table": {"widths"},
        "tr": {"header"},
        "td": {"block", "key"},
        "attribution": {"block", "key"},
        "toc": {"title", "levels", "block", "key"},
        "image": {"src", "alt", "width"},
        "field": {"path", "kind"},
        "slot": {"path", "kind"},
    }
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        extra = set(el.attrib) - allowed.get(el.tag, set())
        if extra:
            raise reader.fail(el, f"<{el.tag}> has no attribute {sorted(extra)[0]!r}")


# -- provenance ------------------------------------------------------------------


def settle(document: d.Document) -> None:
    """Give each composed block its Origin from the slots in it, once its text is final.

    The slots' marks are removed: writers see only the document vocabulary.
    """
    for block in d.paragraphs(document.children):
        block.children, block.origin = _settled(block.children, block.origin)
    for quote in _quotes(document.children):
        quote.attribution, quote.attribution_origin = _settled(
            quote.attribution, quote.attribution_origin
        )


def _quotes(blocks: list[d.Block]):
    for block in blocks:
        if isinstance(block, d.Quote):
            yield block
        elif isinstance(block, d.ListBlock):
            for item in block.items:
                yield from _quotes(item.children)


def _settled(
    children: list[d.Inline], origin: d.Origin | None
) -> tuple[list[d.Inline], d.Origin | None]:
    segments: list[str | d.Slot] = []
    flat = _settled_walk(children, segments)
    has_slots = any(isinstance(s, d.Slot) for s in segments)
    if origin is None and not has_slots:
        return flat, None
    if origin is None:
        return flat, d.Origin(tuple(segments))
    field_slot = origin.field_only
    if field_slot is not None and not has_slots:  # a block of a text field
        text = d.plain_text(flat)
        return flat, replace(origin, segments=(replace(field_slot, text=text),))
    return flat, replace(origin, segments=tuple(segments))


def _settled_walk(nodes: list[d.Inline], segments: list[str | d.Slot]) -> list[d.Inline]:
    """``nodes`` without their slot marks; their text and slots added to ``segments``.

    A function of the module rather than a closure that calls itself (a
    reference cycle for every block, left to the cycle collector).
    """
    out: list[d.Inline] = []
    for node in nodes:
        if isinstance(node, SlotMark):
            inner = _unmarked(node.children)
            segments.append(d.Slot(node.paths, node.kind, d.plain_text(inner)))
            out.extend(inner)
        elif isinstance(node, d.Emphasis | d.Strong | d.Link):
            node.children = _settled_walk(node.children, segments)
            out.append(node)
        else:
            text = d.plain_text([node])
            if segments and isinstance(segments[-1], str):
                segments[-1] += text
            elif text:
                segments.append(text)
            out.append(node)
    return out


def _unmarked(nodes: list[d.Inline]) -> list[d.Inline]:
    out: list[d.Inline] = []
    for node in nodes:
        if isinstance(node, SlotMark):
            out.extend(_unmarked(node.children))
        else:
            if isinstance(node, d.Emphasis | d.Strong | d.Link):
                node.children = _unmarked(node.children)
            out.append(node)
    return out
