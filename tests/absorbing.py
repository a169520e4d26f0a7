"""Reviewers' edits made with python-docx on a generated report, found by provenance marks.

Every helper addresses a paragraph through the record the DOCX keeps
(reportgen.provenance): "the paragraph of topics[0].summary", "the heading of
the first group of recommendations", so that the same edits work on the
English, Russian and French reports.
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from ooxml import assert_valid_docx, save
from reportgen.absorb import paragraph_texts
from reportgen.absorb.reviewed import read_reviewed
from reportgen.provenance import MARK_PREFIX, Record
from reviewed import split_run

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Report:
    """A generated DOCX opened for editing, with its record."""

    document: Document
    record: Record

    @classmethod
    def open(cls, data: bytes) -> Report:
        record = read_reviewed(data, accept_changes=True, where="report").record
        assert record is not None
        return cls(docx.Document(io.BytesIO(data)), record)

    def save(self) -> bytes:
        """The edited DOCX, checked against Word's schemas (tests/ooxml.py)."""
        return save(self.document)

    # -- finding paragraphs --------------------------------------------------------------

    def marks(self, *, field: str | None = None, block: str | None = None) -> list[str]:
        """Bookmark names of the blocks showing ``field`` (a path) or composed as ``block``."""
        found = []
        for key, entry in self.record.entries.items():
            paths = [p for slot in entry.origin.slots for p in slot.paths]
            if (field is not None and field in paths) or (
                block is not None and entry.origin.block == block
            ):
                found.append(MARK_PREFIX + key)
        return found

    def paragraph(self, mark: str) -> Paragraph:
        body = self.document.element.body
        for start in body.iter(qn("w:bookmarkStart")):
            if start.get(qn("w:name")) == mark:
                p = start
                while p.tag != qn("w:p"):
                    p = p.getparent()
                return Paragraph(p, self.document)
        raise KeyError(mark)

    def of(self, *, field: str | None = None, block: str | None = None) -> Paragraph:
        return self.paragraph(self.marks(field=field, block=block)[0])

    def field_value(self, path: str) -> object:
        return self.record.fields[path]

    # -- edits ----------------------------------------------------------------------------

    def replace(self, paragraph: Paragraph, old: str, new: str) -> None:
        split_run(paragraph, old).text = new

    def append(self, paragraph: Paragraph, text: str, *, bold: bool = False) -> None:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True

    def bold(self, paragraph: Paragraph, words: str) -> None:
        split_run(paragraph, words).bold = True

    def link(self, paragraph: Paragraph, words: str, url: str) -> None:
        run = split_run(paragraph, words)
        rid = self.document.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = etree.Element(qn("w:hyperlink"))
        link.set(qn("r:id"), rid)
        run._r.addprevious(link)
        link.append(run._r)

    def insert_after(self, paragraph: Paragraph, text: str) -> Paragraph:
        """A new paragraph in the same style, as pressing Enter at the end of one gives."""
        element = copy.deepcopy(paragraph._p)
        for child in list(element):
            if child.tag != qn("w:pPr"):
                element.remove(child)
        paragraph._p.addnext(element)
        new = Paragraph(element, paragraph._parent)
        new.add_run(text)
        return new

    def delete(self, paragraph: Paragraph) -> None:
        paragraph._p.getparent().remove(paragraph._p)

    def move_before(self, paragraph: Paragraph, other: Paragraph) -> None:
        other._p.addprevious(paragraph._p)

    def set_text(self, paragraph: Paragraph, text: str) -> None:
        runs = paragraph._p.findall(qn("w:r")) + paragraph._p.findall(qn("w:hyperlink"))
        for run in runs:
            paragraph._p.remove(run)
        end = next((b for b in paragraph._p if b.tag == qn("w:bookmarkEnd")), None)
        run = paragraph.add_run(text)
        if end is not None:
            end.addprevious(run._r)


def first_word(text: str) -> str:
    return text.split()[0]


def add_footnote(data: bytes, mark: str, words: str, text: str) -> bytes:
    """A Word footnote after ``words`` in the paragraph marked ``mark`` (raw OOXML)."""
    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            members[info.filename] = archive.read(info)
    document = etree.fromstring(members["word/document.xml"])
    notes = etree.fromstring(members["word/footnotes.xml"])
    w = f"{{{W_NS}}}"
    ids = [int(n.get(w + "id")) for n in notes.iter(w + "footnote")]
    new_id = max(ids) + 1
    note = etree.SubElement(notes, w + "footnote")
    note.set(w + "id", str(new_id))
    p = etree.SubElement(note, w + "p")
    etree.SubElement(etree.SubElement(p, w + "pPr"), w + "pStyle").set(w + "val", "FootnoteText")
    ref = etree.SubElement(p, w + "r")
    etree.SubElement(etree.SubElement(ref, w + "rPr"), w + "rStyle").set(
        w + "val", "FootnoteReference"
    )
    etree.SubElement(ref, w + "footnoteRef")
    body = etree.SubElement(p, w + "r")
    t = etree.SubElement(body, w + "t")
    t.text = " " + text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    paragraph = next(
        start.getparent()
        for start in document.iter(w + "bookmarkStart")
        if start.get(w + "name") == mark
    )
    for run in paragraph.iter(w + "r"):
        run_text = "".join(t.text or "" for t in run.iter(w + "t"))
        if words in run_text:
            at = run_text.index(words) + len(words)
            head, tail = run_text[:at], run_text[at:]
            for t in list(run.iter(w + "t")):
                t.getparent().remove(t)
            etree.SubElement(run, w + "t").text = head
            reference = etree.Element(w + "r")
            etree.SubElement(etree.SubElement(reference, w + "rPr"), w + "rStyle").set(
                w + "val", "FootnoteReference"
            )
            etree.SubElement(reference, w + "footnoteReference").set(w + "id", str(new_id))
            run.addnext(reference)
            if tail:
                rest = copy.deepcopy(run)
                for t in list(rest.iter(w + "t")):
                    t.getparent().remove(t)
                tt = etree.SubElement(rest, w + "t")
                tt.text = tail
                tt.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                reference.addnext(rest)
            break
    else:
        raise ValueError(f"{words!r} is not within one run of {mark}")
    members["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
    members["word/footnotes.xml"] = etree.tostring(notes, xml_declaration=True, encoding="UTF-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    assert_valid_docx(out.getvalue(), "the DOCX with a footnote added")
    return out.getvalue()


def paragraphs(data: bytes, *, skip_blocks: frozenset[str] = frozenset()) -> list[str]:
    """Each paragraph's text with its formatting, as absorb compares them, in reading order.

    ``skip_blocks`` leaves out composed blocks whose facts a test changed
    (a count of recommendations after one was added).
    """
    return paragraph_texts(data, skip_blocks)
