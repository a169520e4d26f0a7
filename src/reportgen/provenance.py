"""The record a generated DOCX keeps of where its text came from (spec/cli.md, the round trip)."""

# Each block whose origin the template declared is marked in the DOCX by a
# hidden bookmark ``_rg<key>`` around its text (Word and LibreOffice keep
# bookmarks through editing and saving; names starting with "_" are hidden
# from reviewers).  The record — a custom XML part, which both keep too —
# says for each key what the block showed: its origin (fields and template
# block) and its text as generated, as Markdown.  It also keeps the value of
# every field a block showed, as the input gave it, and a digest of the
# input, so that ``absorb`` can merge three ways when the input changed
# since.  Nothing the report does not print is recorded: the DOCX travels to
# reviewers, and a participant's gender, say, must not travel with it.

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import documents as d
from .errors import UnsafeDocumentError
from .xmlparsing import parse_part

MARK_PREFIX = "_rg"  # bookmark names: "_rg12"
RECORD_NS = "urn:reportgen:record:1"
# Word's custom XML data store: an item and its properties part.
RECORD_PART = "customXml/item1.xml"


# -- field paths -----------------------------------------------------------------

FieldPath = tuple[str | int, ...]
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path: str) -> FieldPath:
    """``topics[2].points[0]`` as ``("topics", 2, "points", 0)``."""
    return tuple(name if name else int(index) for name, index in _PATH_PART.findall(path))


def format_path(parts: FieldPath) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def resolve(model: object, path: str | FieldPath) -> object:
    """The value at ``path`` in the workshop model, or in plain data read from YAML
    (None where there is none)."""
    value: object = model
    for part in parse_path(path) if isinstance(path, str) else path:
        if isinstance(part, int):
            if not isinstance(value, list) or part >= len(value):
                return None
            value = value[part]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            value = getattr(value, part, None)
    if isinstance(value, tuple):
        value = list(value)
    return value


def origins(document: d.Document):
    """Every origin in the document, in reading order."""

    def walk(blocks: list[d.Block]):
        for block in blocks:
            if isinstance(block, d.Paragraph | d.Heading | d.TableOfContents):
                if block.origin is not None:
                    yield block.origin
            elif isinstance(block, d.ListBlock):
                for item in block.items:
                    yield from walk(item.children)
            elif isinstance(block, d.Quote):
                yield from walk(block.children)
                if block.attribution_origin is not None:
                    yield block.attribution_origin
            elif isinstance(block, d.Table):
                for row in block.rows:
                    for cell in row.cells:
                        yield from walk(cell.children)

    yield from walk(document.children)


def new_record(document: d.Document, workshop: object) -> Record:
    """The record of a composed document: the value of every field its blocks show."""
    paths = {path for origin in origins(document) for slot in origin.slots for path in slot.paths}
    ordered = sorted(
        paths,
        key=lambda p: [(0, x, 0) if isinstance(x, str) else (1, "", x) for x in parse_path(p)],
    )
    record = Record(fields={path: resolve(workshop, path) for path in ordered})
    from .compose.markdown_writer import to_markdown

    for path, blocks in field_groups(document.children, _markdown_field):
        record.generated[path] = to_markdown(blocks)
    return record


def _markdown_field(block: d.Paragraph | d.Heading) -> str | None:
    slot = block.origin.field_only if block.origin is not None else None
    return slot.paths[0] if slot is not None and slot.kind == "markdown" else None


def block_markdown(block: d.Paragraph | d.Heading, kind: str) -> str:
    """A block's text as absorb compares it: as Markdown."""
    children = block.children
    if len(children) == 1 and isinstance(children[0], d.Text):
        text = children[0].text
        if _PLAIN_WORDS.fullmatch(text):
            # Letters and digits between single spaces are their own Markdown
            # (the writer escapes nothing in them); most table cells are such
            # ("Nino Beridze", "Georgia"), 10,000 of them for 2,500 participants.
            return text
    from .compose.markdown_writer import to_markdown

    return to_markdown([d.Paragraph(children)])


_PLAIN_WORDS = re.compile(r"[^\W_]+(?: [^\W_]+)*")


def field_groups(blocks: list[d.Block], field_of) -> list[tuple[str, list[d.Block]]]:
    """Runs of blocks that show one Markdown field, with its path, wherever they are.

    ``field_of`` gives the field path a paragraph or heading shows (or None).
    A block belongs to a field when all its paragraphs do: a list inside a
    summary belongs to the summary, while a list of key points, one field an
    item, is looked into item by item.
    """
    found: list[tuple[str, list[d.Block]]] = []

    def key(block: d.Block) -> str | None:
        paths = {field_of(leaf) for leaf in d.paragraphs([block])}
        return paths.pop() if len(paths) == 1 else None

    def walk(children: list[d.Block]) -> None:
        for block in children:
            path = key(block)
            if path is not None:
                found.append((path, [block]))
            elif isinstance(block, d.ListBlock):
                for item in block.items:
                    walk(item.children)
            elif isinstance(block, d.Quote):
                walk(block.children)
            elif isinstance(block, d.Table):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell.children)

    walk(blocks)
    merged: list[tuple[str, list[d.Block]]] = []
    for path, group in found:
        if merged and merged[-1][0] == path:
            merged[-1][1].extend(group)
        else:
            merged.append((path, list(group)))
    return merged


def mark_name(key: str) -> str:
    return f"{MARK_PREFIX}{key}"


# LibreOffice renames a bookmark it moves or copies: "_rg12" becomes "_rg12_Copy_1".
_MARK = re.compile(rf"{MARK_PREFIX}(\d+)(?:_Copy_\d+)?\Z")


def mark_key(name: str) -> str | None:
    """The key of one of reportgen's bookmarks, or None for any other bookmark."""
    found = _MARK.match(name)
    return found.group(1) if found else None


@dataclass
class Entry:
    """One marked block: where its text came from, and its text as generated."""

    key: str
    origin: d.Origin
    markdown: str  # the block as generated, written as Markdown (compose.markdown_writer)
    kind: str = "paragraph"  # "paragraph", "heading", "attribution", "contents"


@dataclass
class Record:
    """What a generated DOCX knows of the input it was made from."""

    input_name: str = ""  # the input's file name, "tbilisi-2018.yaml"
    input_path: str = ""  # as given to generate, and absolute, separated by a newline
    digest: str = ""  # sha256 of the input file's bytes
    template: str = ""
    language: str = "en"
    fields: dict[str, object] = field(default_factory=dict)  # path → value as in the input
    entries: dict[str, Entry] = field(default_factory=dict)  # key → entry, in document order
    # field path → its text as generated: the Markdown of a text field's blocks
    generated: dict[str, str] = field(default_factory=dict)
    list_files: dict[str, str] = field(default_factory=dict)  # list path → file it is read from

    def to_xml(self) -> bytes:
        from lxml import etree

        ns = f"{{{RECORD_NS}}}"
        root = etree.Element(ns + "record", nsmap={None: RECORD_NS})
        source = etree.SubElement(root, ns + "input")
        for name, value in (
            ("name", self.input_name),
            ("path", self.input_path),
            ("digest", self.digest),
            ("template", self.template),
            ("language", self.language),
        ):
            source.set(name, value)
        for path, list_file in sorted(self.list_files.items()):
            etree.SubElement(root, ns + "listFile", path=path).text = list_file
        for path, value in self.fields.items():
            etree.SubElement(root, ns + "field", path=path).text = json.dumps(
                value, ensure_ascii=False, default=str
            )
        for path, text in self.generated.items():
            etree.SubElement(root, ns + "generated", path=path).text = text
        for entry in self.entries.values():
            block = etree.SubElement(root, ns + "block", key=entry.key, kind=entry.kind)
            if entry.origin.block:
                block.set("block", entry.origin.block)
            if entry.origin.key:
                block.set("for", entry.origin.key)
            for segment in entry.origin.segments:
                if isinstance(segment, d.Slot):
                    slot = etree.SubElement(
                        block, ns + "slot", paths=" ".join(segment.paths), kind=segment.kind
                    )
                    slot.text = segment.text
                else:
                    etree.SubElement(block, ns + "text").text = segment
            etree.SubElement(block, ns + "markdown").text = entry.markdown
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    @classmethod
    def from_xml(cls, data: bytes, where: str) -> Record:
        """The record as the DOCX holds it; UnsafeDocumentError if it is not one."""
        root = parse_part(data, f"{where}: {RECORD_PART}")
        ns = f"{{{RECORD_NS}}}"
        if root.tag != ns + "record":
            raise UnsafeDocumentError(f"{where}: {RECORD_PART} is not a reportgen record")
        record = cls()
        source = root.find(ns + "input")
        if source is not None:
            record.input_name = source.get("name", "")
            record.input_path = source.get("path", "")
            record.digest = source.get("digest", "")
            record.template = source.get("template", "")
            record.language = source.get("language", "en")
        try:
            for element in root.iterfind(ns + "listFile"):
                record.list_files[element.get("path", "")] = element.text or ""
            for element in root.iterfind(ns + "field"):
                record.fields[element.get("path", "")] = json.loads(element.text or "null")
            for element in root.iterfind(ns + "generated"):
                record.generated[element.get("path", "")] = element.text or ""
            for element in root.iterfind(ns + "block"):
                segments: list[str | d.Slot] = []
                markdown = ""
                for child in element:
                    if child.tag == ns + "slot":
                        paths = tuple((child.get("paths") or "").split())
                        segments.append(d.Slot(paths, child.get("kind", "plain"), child.text or ""))
                    elif child.tag == ns + "text":
                        segments.append(child.text or "")
                    elif child.tag == ns + "markdown":
                        markdown = child.text or ""
                key = element.get("key", "")
                origin = d.Origin(tuple(segments), element.get("block", ""), element.get("for", ""))
                record.entries[key] = Entry(key, origin, markdown, element.get("kind", "paragraph"))
        except (ValueError, TypeError) as error:
            raise UnsafeDocumentError(
                f"{where}: {RECORD_PART}: the record of the input is damaged ({error})"
            ) from None
        return record
