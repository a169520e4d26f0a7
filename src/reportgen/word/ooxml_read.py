"""Safe access to the XML parts of a DOCX package: namespaces, parsing, relationships."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from lxml import etree

from ..errors import UnsafeDocumentError
from ..xmlparsing import parse_part
from .namespaces import qn

REL_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
# Strict OOXML spells the same relationship with another URI.
REL_OFFICE_DOCUMENT_STRICT = (
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
)

# Limits that keep a hostile package (a "zip bomb") from exhausting memory.
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_PACKAGE_PARTS = 10_000


@dataclass(frozen=True)
class Relationship:
    type: str
    target: str  # a part name inside the package, or a URL when external
    external: bool


class Package:
    """A DOCX zip, read part by part with size limits."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(BytesIO(data))
        except (zipfile.BadZipFile, ValueError):
            raise UnsafeDocumentError(
                "not a DOCX file (a DOCX is a zip package; this is not one)"
            ) from None
        infos = self._zip.infolist()
        if len(infos) > MAX_PACKAGE_PARTS:
            raise UnsafeDocumentError(f"the DOCX holds {len(infos)} parts; too many to be a report")
        self._infos = {info.filename: info for info in infos}
        self._content_types: tuple[dict[str, str], dict[str, str]] | None = None

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str) -> bytes:
        info = self._infos.get(name)
        if info is None:
            raise KeyError(name)
        if info.file_size > MAX_PART_BYTES:
            raise UnsafeDocumentError(f"{name}: part too large ({info.file_size} bytes)")
        try:
            with self._zip.open(info) as stream:
                data = stream.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
            raise UnsafeDocumentError(f"{name}: cannot be read from the DOCX ({error})") from None
        if len(data) > MAX_PART_BYTES:
            raise UnsafeDocumentError(f"{name}: part too large")
        return data

    def xml(self, name: str) -> etree._Element | None:
        """The parsed part, or None when the package lacks it."""
        if not self.has(name):
            return None
        return parse_part(self.read(name), name)

    def relationships(self, part: str) -> dict[str, Relationship]:
        """The relationships of ``part`` (``""`` for the package), by id."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        root = self.xml(rels_name)
        found: dict[str, Relationship] = {}
        if root is None:
            return found
        for rel in root.iter(qn("pr:Relationship")):
            rel_id = rel.get("Id", "")
            target = rel.get("Target", "")
            external = rel.get("TargetMode", "") == "External"
            if not external:
                target = resolve_part_name(folder, target)
            found[rel_id] = Relationship(rel.get("Type", ""), target, external)
        return found

    def main_document(self) -> str:
        for rel in self.relationships("").values():
            is_main = rel.type in (REL_OFFICE_DOCUMENT, REL_OFFICE_DOCUMENT_STRICT)
            if is_main and not rel.external and self.has(rel.target):
                return rel.target
        if self.has("word/document.xml"):
            return "word/document.xml"
        raise UnsafeDocumentError("not a Word document (the DOCX has no main document part)")

    def content_type(self, name: str) -> str:
        """The declared media type of a part ([Content_Types].xml)."""
        if self._content_types is None:
            defaults: dict[str, str] = {}
            overrides: dict[str, str] = {}
            root = self.xml("[Content_Types].xml")
            if root is not None:
                for item in root.iter(qn("ct:Default")):
                    defaults[item.get("Extension", "").lower()] = item.get("ContentType", "")
                for item in root.iter(qn("ct:Override")):
                    overrides[item.get("PartName", "").lstrip("/")] = item.get("ContentType", "")
            self._content_types = (defaults, overrides)
        defaults, overrides = self._content_types
        if name in overrides:
            return overrides[name]
        return defaults.get(posixpath.splitext(name)[1].lstrip(".").lower(), "")


def resolve_part_name(folder: str, target: str) -> str:
    """A relationship target as a part name: relative to the source part's folder."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def is_on(element: etree._Element | None) -> bool:
    """An OOXML on/off property (``<w:b/>``, ``<w:b w:val="false"/>``)."""
    if element is None:
        return False
    value = element.get(qn("w:val"))
    return value is None or value.lower() not in ("0", "false", "off", "none")


def w_val(element: etree._Element | None, default: str = "") -> str:
    if element is None:
        return default
    return element.get(qn("w:val"), default)


def is_on_attr(value: str | None) -> bool:
    """An on/off attribute (``w:default="1"``)."""
    return value is not None and value.lower() in ("1", "true", "on")


def _int(text: str, default: int | None = None) -> int | None:
    return int(text) if text.isdigit() else default


# -- styles.xml ------------------------------------------------------------------


@dataclass
class Style:
    """What the reader needs of one style; None means "not set here, ask basedOn"."""

    name: str
    based_on: str | None
    kind: str  # paragraph, character, table, numbering
    outline: int | None = None
    num_id: str | None = None
    ilvl: int | None = None
    page_break_before: bool | None = None
    bidi: bool | None = None  # paragraphs written right to left


@dataclass
class StyleTable:
    """The styles of a document by id, with Word's inheritance through basedOn."""

    styles: dict[str, Style] = field(default_factory=dict)
    default_paragraph: str | None = None
    default_language: str = ""

    @classmethod
    def parse(cls, root: etree._Element | None) -> StyleTable:
        table = cls()
        if root is None:
            return table
        ppr_tag, rpr_tag = qn("w:pPr"), qn("w:rPr")
        lang = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{rpr_tag}/{qn('w:lang')}")
        table.default_language = w_val(lang)
        for element in root.iter(qn("w:style")):
            style_id = element.get(qn("w:styleId"), "")
            kind = element.get(qn("w:type"), "paragraph")
            style = Style(
                name=w_val(element.find(qn("w:name")), style_id),
                based_on=w_val(element.find(qn("w:basedOn"))) or None,
                kind=kind,
            )
            ppr = element.find(ppr_tag)
            if ppr is not None:
                style.outline = _int(w_val(ppr.find(qn("w:outlineLvl"))))
                numpr = ppr.find(qn("w:numPr"))
                if numpr is not None:
                    style.num_id = w_val(numpr.find(qn("w:numId"))) or None
                    style.ilvl = _int(w_val(numpr.find(qn("w:ilvl"))))
                pbb = ppr.find(qn("w:pageBreakBefore"))
                if pbb is not None:
                    style.page_break_before = is_on(pbb)
                bidi = ppr.find(qn("w:bidi"))
                if bidi is not None:
                    style.bidi = is_on(bidi)
            table.styles[style_id] = style
            if kind == "paragraph" and is_on_attr(element.get(qn("w:default"))):
                table.default_paragraph = style_id
        return table

    def chain(self, style_id: str | None) -> list[Style]:
        """The style and those it is based on, nearest first (cycles cut)."""
        chain: list[Style] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def inherited(self, style_id: str | None, attribute: str) -> object:
        """The first value of ``attribute`` set along the basedOn chain, or None."""
        for style in self.chain(style_id):
            value = getattr(style, attribute)
            if value is not None:
                return value
        return None
