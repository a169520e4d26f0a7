"""Reviewed DOCX files for the tests: review marks as Word writes them, and as LibreOffice does."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from ooxml import assert_valid_docx, define_built_in_styles
from ooxml import save as save  # every fixture saved here is checked (tests/ooxml.py)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ANNA = "Anna Reviewer"
BORIS = "Boris Editor"
CARLA = "Carla Commenter"
DATE = "2019-02-01T10:15:00Z"
LATER = "2019-02-03T16:40:00Z"

_ids = itertools.count(100)  # Word numbers every revision in a document uniquely


# -- a report as reportgen writes it, before review --------------------------------------------


def report() -> Document:
    """A report-like document: title, headings, paragraphs, a table, a footnote, a footer."""
    document = docx.Document()
    document.add_paragraph("Expert workshop on migrant integration", style="Title")
    document.add_heading("Summary", level=1)
    document.add_paragraph(
        "The workshop gathered experts in Tbilisi on 29 November 2018 to discuss the "
        "integration of migrants."
    )
    document.add_paragraph("It heard twelve presentations and two panel discussions.")
    document.add_paragraph("The ministry presented its new action plan.")
    document.add_heading("Participants", level=1)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Name", "Institution", "Country"), strict=True):
        cell.text = text
    for row in (
        ("Nino Beridze", "Public Service Hall", "Georgia"),
        ("Jan Novak", "Ministry of the Interior", "Czechia"),
        ("Maria Rossi", "University of Padua", "Italy"),
    ):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.add_heading("Recommendations", level=1)
    for text in (
        "Open one-stop shops for newcomers in every region.",
        "Offer Georgian language courses free of charge.",
        "Publish the action plan in English and Russian.",
    ):
        document.add_paragraph(text, style="List Number")
    add_footnote(document, document.paragraphs[2], "Agenda and list of participants in annex.")
    document.sections[0].footer.paragraphs[0].text = "Follow-up report, draft for review"
    return document


def add_footnote(document: Document, paragraph: Paragraph, text: str) -> Paragraph:
    """A Word footnote at the end of ``paragraph`` (python-docx has no footnote API)."""
    define_built_in_styles(document, "FootnoteText", "FootnoteReference")
    part = _footnotes_part(document)
    footnote_id = len(part.element.findall(qn("w:footnote"))) - 1
    note = parse_xml(
        f'<w:footnote {nsdecls("w")} w:id="{footnote_id}"><w:p><w:pPr>'
        '<w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
        '<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
    )
    part.element.append(note)
    reference = paragraph._p.add_r()
    reference.get_or_add_rPr().append(
        parse_xml(f'<w:rStyle {nsdecls("w")} w:val="FootnoteReference"/>')
    )
    reference.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{footnote_id}"/>'))
    return Paragraph(note[0], paragraph._parent)


def footnote_paragraph(document: Document, footnote_id: int = 1) -> Paragraph:
    part = _footnotes_part(document)
    for note in part.element.findall(qn("w:footnote")):
        if note.get(qn("w:id")) == str(footnote_id):
            return Paragraph(note[0], document)
    raise KeyError(footnote_id)


def _footnotes_part(document: Document) -> XmlPart:
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            return rel.target_part
    element = parse_xml(
        f"<w:footnotes {nsdecls('w', 'r')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>"
    )
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, element, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    return part


# -- review marks, written the way Word writes them --------------------------------------------


class Reviewer:
    """One person reviewing with Track Changes on, writing each change as Word does.

    Word gives every revision a document-wide ``w:id``, the reviewer's name and
    the time, and stamps runs with the editing session's rsid.
    """

    def __init__(self, name: str, date: str = DATE, rsid: str = "00A41C2E") -> None:
        self.name = name
        self.date = date
        self.rsid = rsid

    def mark(self, tag: str) -> etree._Element:
        """An empty ``w:ins``/``w:del``/… element carrying this reviewer's revision data."""
        el = etree.Element(qn(tag))
        el.set(qn("w:id"), str(next(_ids)))
        el.set(qn("w:author"), self.name)
        el.set(qn("w:date"), self.date)
        return el

    def insert(self, paragraph: Paragraph, text: str, *, after: str | None = None) -> None:
        """Type ``text`` into ``paragraph``, at its end or right after the words ``after``."""
        ins = self.mark("w:ins")
        r = etree.SubElement(ins, qn("w:r"))
        r.set(qn("w:rsidR"), self.rsid)
        _t(r, "w:t", text)
        if after is None:
            paragraph._p.append(ins)
        else:
            split_run(paragraph, after)._r.addnext(ins)

    def delete(self, paragraph: Paragraph, words: str) -> None:
        """Delete ``words``: Word wraps their run in ``w:del`` and makes ``w:t`` ``w:delText``."""
        self._delete_run(split_run(paragraph, words)._r)

    def _delete_run(self, r: etree._Element) -> None:
        r.set(qn("w:rsidDel"), self.rsid)
        for t in r.findall(qn("w:t")):
            t.tag = qn("w:delText")
        wrapper = self.mark("w:del")
        r.addprevious(wrapper)
        wrapper.append(r)

    def insert_paragraph_after(
        self, paragraph: Paragraph, text: str, style: str | None = None
    ) -> Paragraph:
        """A new paragraph: its text in ``w:ins``, its paragraph mark inserted too."""
        new = paragraph.insert_paragraph_before()  # python-docx inserts before: move it after
        paragraph._p.addnext(new._p)
        if style:
            new.style = style
        new._p.get_or_add_pPr().append(_mark_rpr(self.mark("w:ins")))
        self.insert(new, text)
        return new

    def delete_paragraph(self, paragraph: Paragraph) -> None:
        """Delete a whole paragraph: every run and its paragraph mark."""
        for r in paragraph._p.findall(qn("w:r")):
            self._delete_run(r)
        paragraph._p.get_or_add_pPr().append(_mark_rpr(self.mark("w:del")))

    def join_paragraphs(self, paragraph: Paragraph) -> None:
        """Delete only the paragraph mark, so that ``paragraph`` runs on into the next one."""
        paragraph._p.get_or_add_pPr().append(_mark_rpr(self.mark("w:del")))

    def insert_row(self, table: Table, texts: tuple[str, ...]) -> None:
        """A new last row, with ``w:ins`` in its properties and around its text."""
        row = table.add_row()
        mark_row(row._tr, self.mark("w:ins"))
        for cell, text in zip(row.cells, texts, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph._p.get_or_add_pPr().append(_mark_rpr(self.mark("w:ins")))
            self.insert(paragraph, text)

    def delete_row(self, table: Table, index: int) -> None:
        tr = table.rows[index]._tr
        mark_row(tr, self.mark("w:del"))
        for p in tr.iter(qn("w:p")):
            for r in p.findall(qn("w:r")):
                self._delete_run(r)
            p.get_or_add_pPr().append(_mark_rpr(self.mark("w:del")))

    def bold(self, paragraph: Paragraph, words: str) -> None:
        """Make ``words`` bold; ``w:rPrChange`` keeps the formatting they had before."""
        r = split_run(paragraph, words)._r
        rpr = r.get_or_add_rPr()
        old = etree.fromstring(etree.tostring(rpr))  # a copy, as Word records it
        change = self.mark("w:rPrChange")
        change.append(old)
        rpr.append(etree.Element(qn("w:b")))
        rpr.append(change)

    def restyle(self, paragraph: Paragraph, style: str) -> None:
        """Give ``paragraph`` another style; ``w:pPrChange`` holds its old properties."""
        ppr = paragraph._p.get_or_add_pPr()
        old = etree.fromstring(etree.tostring(ppr))
        paragraph.style = style
        change = self.mark("w:pPrChange")
        change.append(old)
        ppr.append(change)

    def move_paragraph(self, paragraph: Paragraph, after: Paragraph) -> Paragraph:
        """Drag ``paragraph`` to just after ``after``: ``w:moveFrom`` here, ``w:moveTo`` there."""
        name = f"move{next(_ids)}"
        copy = etree.fromstring(etree.tostring(paragraph._p))
        # A bookmark's id and name are the document's only one: the copy takes none of them.
        for bookmark in copy.findall(qn("w:bookmarkStart")) + copy.findall(qn("w:bookmarkEnd")):
            copy.remove(bookmark)
        self._movable(paragraph._p, "moveFrom", name)
        self._movable(copy, "moveTo", name)
        after._p.addnext(copy)
        return Paragraph(copy, after._parent)

    def _movable(self, p: etree._Element, kind: str, name: str) -> None:
        start = self.mark(f"w:{kind}RangeStart")
        start.set(qn("w:name"), name)
        end = etree.Element(qn(f"w:{kind}RangeEnd"))
        end.set(qn("w:id"), start.get(qn("w:id")))
        runs = p.findall(qn("w:r"))
        wrapper = self.mark(f"w:{kind}")
        runs[0].addprevious(start)
        start.addnext(wrapper)
        wrapper.extend(runs)
        wrapper.addnext(end)
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = etree.Element(qn("w:pPr"))
            p.insert(0, ppr)
        ppr.append(_mark_rpr(self.mark(f"w:{kind}")))

    def comment(self, document: Document, paragraph: Paragraph, words: str, text: str) -> None:
        """A comment on ``words`` (python-docx writes comments.xml as Word does)."""
        define_built_in_styles(document, "CommentText", "CommentReference")
        comment = document.add_comment(
            split_run(paragraph, words),
            text=text,
            author=self.name,
            initials="".join(part[0] for part in self.name.split()),
        )
        comment._comment_elm.set(qn("w:date"), self.date)


def mark_row(tr: etree._Element, mark: etree._Element) -> None:
    """Mark a table row inserted or deleted: ``mark`` (``w:ins``, ``w:del``) in its ``w:trPr``.

    The schema (CT_TrPr) wants a row property before the mark, so the row is
    also kept whole on a page (``w:cantSplit``).  LibreOffice writes the mark
    alone, which the schema refuses.
    """
    trpr = tr.find(qn("w:trPr"))
    if trpr is None:
        trpr = etree.Element(qn("w:trPr"))
        tr.insert(0, trpr)
    if not len(trpr):
        etree.SubElement(trpr, qn("w:cantSplit"))
    trpr.append(mark)


def _mark_rpr(mark: etree._Element) -> etree._Element:
    rpr = etree.Element(qn("w:rPr"))
    rpr.append(mark)
    return rpr


def _t(r: etree._Element, tag: str, text: str) -> None:
    t = etree.SubElement(r, qn(tag))
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def split_run(paragraph: Paragraph, words: str) -> Run:
    """The run holding exactly ``words``, splitting the run they are in (as Word does)."""
    for run in paragraph.runs:
        text = run.text
        at = text.find(words)
        if at < 0:
            continue
        before, after = text[:at], text[at + len(words) :]
        if before:
            head = etree.fromstring(etree.tostring(run._r))
            _set_text(head, before)
            run._r.addprevious(head)
        if after:
            tail = etree.fromstring(etree.tostring(run._r))
            _set_text(tail, after)
            run._r.addnext(tail)
        _set_text(run._r, words)
        return run
    raise ValueError(f"{words!r} is not within one run of {paragraph.text!r}")


def _set_text(r: etree._Element, text: str) -> None:
    for t in r.findall(qn("w:t")):
        r.remove(t)
    _t(r, "w:t", text)


# -- reading a DOCX back -----------------------------------------------------------------------


def paragraph_texts(data: bytes) -> list[str]:
    """The text of every paragraph python-docx sees, table cells included, in order."""
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return texts


def part_xml(data: bytes, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(part))


def visible_text(data: bytes, part: str = "word/document.xml") -> str:
    """The text a reader shows, read with lxml: every ``w:t``, paragraphs on their own lines."""
    root = part_xml(data, part)
    lines = []
    for p in root.iter(f"{{{W_NS}}}p"):
        lines.append("".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")))
    return "\n".join(lines)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


# -- LibreOffice -------------------------------------------------------------------------------


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: dict[str, bytes], target: str) -> dict[str, bytes]:
    """Files converted by LibreOffice headless in one run: ``{"a.fodt": …}`` → ``{"a": …}``.

    ``target`` is what ``--convert-to`` takes, e.g. ``docx:MS Word 2007 XML``
    (what LibreOffice's "Word 2007–365" choice saves).
    """
    program = libreoffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="lo-review-") as folder:
        base = Path(folder)
        (base / "in").mkdir()
        inputs = []
        for name, data in sources.items():
            (base / "in" / name).write_bytes(data)
            inputs.append(str(base / "in" / name))
        env = dict(os.environ, HOME=str(base))
        done = subprocess.run(
            [
                program,
                f"-env:UserInstallation=file://{base}/profile",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(base / "out"),
                *inputs,
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env=env,
        )
        out = base / "out"
        converted = {path.stem: path.read_bytes() for path in out.glob("*")} if out.exists() else {}
        if len(converted) != len(sources):
            raise RuntimeError(f"LibreOffice converted {sorted(converted)} only: {done.stdout!r}")
        return converted


FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:style style:name="Bold" style:family="text">
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
 </office:automatic-styles>
 <office:body><office:text>
"""
FODT_TAIL = "</office:text></office:body></office:document>\n"


def change_info(author: str, date: str) -> str:
    """ODF's record of who made a change and when (dates without a zone, as LibreOffice writes)."""
    return (
        f"<office:change-info><dc:creator>{author}</dc:creator>"
        f"<dc:date>{date.rstrip('Z')}</dc:date></office:change-info>"
    )


def flat_odt(body: str, changes: str = "") -> bytes:
    """A flat OpenDocument text (.fodt) with ``changes`` as its tracked-changes list."""
    tracked = (
        f'<text:tracked-changes text:track-changes="true">{changes}</text:tracked-changes>'
        if changes
        else ""
    )
    return (FODT_HEAD + tracked + body + FODT_TAIL).encode("utf-8")


# -- the parts Word 2013 and later write beside comments.xml ------------------------------------

W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
COMMENT_COMPANIONS = {
    # part: (relationship type, content type, XML)
    "word/commentsExtended.xml": (
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
        f'<w15:commentsEx xmlns:w15="{W15}"><w15:commentEx w15:paraId="3A2B1C0D" w15:done="0"/>'
        "</w15:commentsEx>",
    ),
    "word/commentsIds.xml": (
        "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsIds+xml",
        f'<w16cid:commentsIds xmlns:w16cid="{W16CID}"><w16cid:commentId w16cid:paraId="3A2B1C0D" '
        'w16cid:durableId="1F2E3D4C"/></w16cid:commentsIds>',
    ),
    "word/people.xml": (
        "http://schemas.microsoft.com/office/2011/relationships/people",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
        f'<w15:people xmlns:w15="{W15}"><w15:person w15:author="{CARLA}"><w15:presenceInfo '
        f'w15:providerId="None" w15:userId="{CARLA}"/></w15:person></w15:people>',
    ),
}


def with_comment_companions(data: bytes) -> bytes:
    """``data`` with the commentsExtended, commentsIds and people parts Word adds."""
    parts = members(data)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    types = etree.fromstring(parts["[Content_Types].xml"])
    for number, (name, (rel_type, content_type, xml)) in enumerate(COMMENT_COMPANIONS.items()):
        rel = etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship")
        rel.attrib.update(
            {"Id": f"rId{90 + number}", "Type": rel_type, "Target": name.split("/", 1)[1]}
        )
        override = etree.SubElement(types, f"{{{types.nsmap[None]}}}Override")
        override.attrib.update({"PartName": "/" + name, "ContentType": content_type})
        parts[name] = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml.encode()
    parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert_valid_docx(out.getvalue(), "the DOCX with Word's comment parts")
    return out.getvalue()


def dangling_references(data: bytes) -> list[str]:
    """Relationships to parts that are missing, and content types declared for missing parts."""
    parts = members(data)
    problems = []
    for name, content in parts.items():
        if not name.endswith(".rels"):
            continue
        folder = name.rsplit("_rels/", 1)[0].rstrip("/")
        for rel in etree.fromstring(content):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = (
                target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
            )
            path = os.path.normpath(path).replace(os.sep, "/")
            if path not in parts:
                problems.append(f"{name}: {rel.get('Id')} → {path}")
    for override in etree.fromstring(parts["[Content_Types].xml"]):
        part = override.get("PartName", "").lstrip("/")
        if override.tag.endswith("Override") and part not in parts:
            problems.append(f"[Content_Types].xml: {part}")
    return problems
