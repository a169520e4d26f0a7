"""DOCX → documents.Document, read with lxml straight from the package parts.

The reader is split along the parts of a WordprocessingML package, as mammoth
and pandoc split theirs: ``body`` reads stories (paragraphs, runs, fields),
``tables``, ``numbering``, ``notes``, ``furniture`` (headers and footers) and
``drawing`` (pictures, text boxes, shapes) read what their names say, and
this module ties them together with the styles and the document's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from .. import documents as d
from ..errors import UnsafeDocumentError
from ..results import Warnings
from .body import StoryReader
from .furniture import read_furniture
from .grouping import tidy_page_breaks
from .namespaces import qn
from .notes import Notes
from .numbering import Numbering
from .ooxml_read import Package, Relationship, StyleTable
from .paragraph_styles import NORMAL, Role, role_for_name

REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
W_BODY = qn("w:body")


@dataclass(frozen=True)
class InheritedStyle:
    """The paragraph properties a style sets, its own or through basedOn."""

    outline: int | None
    num_id: str | None
    ilvl: int | None
    page_break_before: bool
    bidi: bool


def read_docx(data: bytes, warnings: Warnings | None = None) -> d.Document:
    """Read a DOCX (as Word or LibreOffice saved it) into the document model."""
    return DocxReader(Package(data), warnings if warnings is not None else Warnings()).read()


class DocxReader:
    """What every story shares: the package, styles, numbering, notes, warnings."""

    def __init__(self, package: Package, warnings: Warnings) -> None:
        self.package = package
        self.warnings = warnings
        self.main = package.main_document()
        self.main_rels: dict[str, Relationship] = package.relationships(self.main)
        self.styles = StyleTable.parse(self._part(REL_STYLES, "word/styles.xml"))
        self.numbering = Numbering.parse(
            self._part(REL_NUMBERING, "word/numbering.xml"), self.styles.styles
        )
        self._roles: dict[str | None, tuple[Role, str | None]] = {}
        self._char_formats: dict[str, tuple[bool | None, bool | None, bool]] = {}
        self._paragraph_styles: dict[str | None, InheritedStyle] = {}
        self.image_count = 0

    def read(self) -> d.Document:
        root = self.package.xml(self.main)
        body = root.find(W_BODY) if root is not None else None
        if body is None:
            raise UnsafeDocumentError("not a Word document (its main part has no body)")
        self.notes = Notes(self, body)
        story = StoryReader(self)
        children = tidy_page_breaks(story.blocks(body))
        self.notes.settle_marks()
        document = d.Document(children=children, metadata=self._metadata())
        document.furniture = read_furniture(story, body, children)
        return document

    # -- parts, styles ---------------------------------------------------------

    def _part(self, rel_type: str, fallback: str) -> etree._Element | None:
        name = self.part_for(rel_type, fallback)
        return self.package.xml(name) if name else None

    def part_for(self, rel_type: str, fallback: str) -> str | None:
        for rel in self.main_rels.values():
            if rel.type == rel_type and not rel.external and self.package.has(rel.target):
                return rel.target
        return fallback if self.package.has(fallback) else None

    def role(self, style_id: str | None) -> tuple[Role, str | None]:
        """The role of a paragraph style, and the style's name when reportgen does not know it."""
        if style_id in self._roles:
            return self._roles[style_id]
        chain = self.styles.chain(style_id or self.styles.default_paragraph)
        role = NORMAL
        for style in chain:
            found = role_for_name(style.name)
            if found is not None:
                role = found
                break
        # A style id that styles.xml does not define is body text to Word too: no warning.
        own = chain[0].name if chain else None
        unknown = own if role is NORMAL and own and role_for_name(own) is None else None
        self._roles[style_id] = (role, unknown)
        return role, unknown

    def paragraph_style(self, style_id: str | None) -> InheritedStyle:
        """What a paragraph style gives its paragraphs through basedOn, looked up once."""
        found = self._paragraph_styles.get(style_id)
        if found is None:
            key = style_id or self.styles.default_paragraph

            def value(attr: str) -> object:
                return self.styles.inherited(key, attr)

            outline, ilvl, num_id = value("outline"), value("ilvl"), value("num_id")
            found = InheritedStyle(
                outline=outline if isinstance(outline, int) else None,
                num_id=num_id if isinstance(num_id, str) else None,
                ilvl=ilvl if isinstance(ilvl, int) else None,
                page_break_before=bool(value("page_break_before")),
                bidi=bool(value("bidi")),
            )
            self._paragraph_styles[style_id] = found
        return found

    def char_format(self, style_id: str) -> tuple[bool | None, bool | None, bool]:
        """(bold, italic, draft-marked) that a character style gives its runs."""
        if style_id in self._char_formats:
            return self._char_formats[style_id]
        bold: bool | None = None
        italic: bool | None = None
        chain = self.styles.chain(style_id)
        for style in chain:
            lowered = style.name.lower()
            if lowered == "strong" and bold is None:
                bold = True
            elif lowered in ("emphasis", "subtle emphasis", "intense emphasis") and italic is None:
                italic = True
        marked = any("draft" in style.name.lower() for style in chain) or "draft" in (
            style_id.lower()
        )
        self._char_formats[style_id] = (bold, italic, marked)
        return self._char_formats[style_id]

    # -- metadata ----------------------------------------------------------------

    def _metadata(self) -> d.Metadata:
        meta = d.Metadata(language=self.styles.default_language or "en")
        package_rels = self.package.relationships("")
        core_name = next(
            (r.target for r in package_rels.values() if r.type == REL_CORE and not r.external),
            "docProps/core.xml",
        )
        core = self.package.xml(core_name)
        if core is not None:
            meta.title = _child_text(core, "dc:title")
            meta.subject = _child_text(core, "dc:subject")
            creators = _child_text(core, "dc:creator")
            meta.authors = [a.strip() for a in creators.split(";") if a.strip()]
            keywords = _child_text(core, "cp:keywords")
            separator = ";" if ";" in keywords else ","
            meta.keywords = [k.strip() for k in keywords.split(separator) if k.strip()]
            language = _child_text(core, "dc:language")
            if language:
                meta.language = language
            meta.draft = _child_text(core, "cp:contentStatus").casefold() == "draft"
            created = _child_text(core, "dcterms:created")
            if created:
                try:
                    meta.created = date.fromisoformat(created[:10])
                except ValueError:
                    meta.created = None
        custom_name = next(
            (r.target for r in package_rels.values() if r.type == REL_CUSTOM and not r.external),
            "docProps/custom.xml",
        )
        custom = self.package.xml(custom_name)
        if custom is not None:
            for prop in custom.iter(qn("cust:property")):
                value = "".join(prop.itertext()).strip()
                if prop.get("name") == "reportgen.template" and value:
                    meta.template = value
                elif prop.get("name") == "reportgen.reference":
                    meta.reference = value
        return meta


def _child_text(root: etree._Element, name: str) -> str:
    found = root.find(qn(name))
    return "".join(found.itertext()).strip() if found is not None else ""
