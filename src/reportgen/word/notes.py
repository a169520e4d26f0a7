"""Footnotes and endnotes (ECMA-376 Part 1, 17.11): their text and the marks Word shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from .. import documents as d
from .grouping import strip_leading_space
from .namespaces import qn
from .numbering import format_number
from .ooxml_read import Relationship, w_val

if TYPE_CHECKING:
    from .body import StoryReader
    from .reader import DocxReader

REL_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
REL_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
REL_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
W_ID, W_TYPE, W_NUMFMT, W_NUMSTART = qn("w:id"), qn("w:type"), qn("w:numFmt"), qn("w:numStart")

# Word numbers footnotes 1, 2, 3 and endnotes i, ii, iii unless told otherwise.
DEFAULT_FORMATS = {"footnote": "decimal", "endnote": "lowerRoman"}


class Notes:
    """The notes of a document by id, and the marks they get where they are referenced."""

    def __init__(self, doc: DocxReader, body: etree._Element | None) -> None:
        self.doc = doc
        self.notes: dict[str, dict[str, etree._Element]] = {"footnote": {}, "endnote": {}}
        self.rels: dict[str, dict[str, Relationship]] = {}
        self.formats = dict(DEFAULT_FORMATS)
        self.next_number = {"footnote": 1, "endnote": 1}
        self.references: list[d.FootnoteRef] = []
        for kind, rel_type, fallback in (
            ("footnote", REL_FOOTNOTES, "word/footnotes.xml"),
            ("endnote", REL_ENDNOTES, "word/endnotes.xml"),
        ):
            name = doc.part_for(rel_type, fallback)
            root = doc.package.xml(name) if name else None
            if root is None or name is None:
                continue
            self.rels[kind] = doc.package.relationships(name)
            for note in root.iter(qn(f"w:{kind}")):
                if note.get(W_TYPE, "normal") in ("normal", ""):
                    self.notes[kind][note.get(W_ID, "")] = note
        # Document-wide properties (settings.xml), then the last section's (sectPr wins).
        settings_name = doc.part_for(REL_SETTINGS, "word/settings.xml")
        settings = doc.package.xml(settings_name) if settings_name else None
        final_section = body.find(qn("w:sectPr")) if body is not None else None
        for source in (settings, final_section):
            if source is None:
                continue
            for kind in ("footnote", "endnote"):
                properties = source.find(qn(f"w:{kind}Pr"))
                if properties is None:
                    continue
                fmt = w_val(properties.find(W_NUMFMT))
                if fmt:
                    self.formats[kind] = fmt
                start = w_val(properties.find(W_NUMSTART))
                if start.isdigit():
                    self.next_number[kind] = int(start)

    def reference(self, story: StoryReader, kind: str, note_id: str) -> d.FootnoteRef | None:
        """The note a reference in the text points to, read as a story of its own."""
        element = self.notes[kind].get(note_id)
        if element is None:
            return None
        number = self.next_number[kind]
        self.next_number[kind] += 1
        with story.nested(f"{kind} {number}", self.rels.get(kind, {}), note=True):
            body = story.blocks(element)
        strip_leading_space(body)
        note = d.FootnoteRef(body=body, mark=format_number(number, self.formats[kind]))
        self.references.append(note)
        return note

    def settle_marks(self) -> None:
        """Keep the marks only when they differ from one 1, 2, 3 sequence of all notes.

        The PDF numbers notes with one counter; a document with decimal
        footnotes alone needs no marks of its own.
        """
        if all(note.mark == str(number) for number, note in enumerate(self.references, 1)):
            for note in self.references:
                note.mark = ""
