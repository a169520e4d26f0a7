"""`reportgen publish` end to end: a generated report, reviewed, published, and read back."""

# Every test runs the command as a user does (``python -m reportgen publish`` in
# a subprocess) on a copy of a report that ``reportgen generate`` wrote, edited
# the way Word or LibreOffice edits it, and reads the published PDF as a reader
# would: its text (pdftotext) and its structure (pikepdf).

from __future__ import annotations

import copy
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

import reviewed
from conftest import SOURCE_DATE_EPOCH, Generated, libreoffice_convert, pdf_text
from reviewed import ANNA, BORIS, CARLA, LATER, Reviewer

ROOT = Path(__file__).resolve().parents[1]
REPORT = "tbilisi-2018-migrant-integration"
HINT = "hint: accept or reject them in Word"


# -- running the command -----------------------------------------------------------------------


def publish(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``reportgen publish ARGS`` as a user runs it; never a traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "publish", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "REPORTGEN_TEMPLATES": str(ROOT / "templates"),
            "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        },
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def published(docx_path: Path, pdf: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Publish ``docx_path`` to ``pdf``, which must then exist (and be named on stdout)."""
    result = publish(docx_path, "--output", pdf, *options)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(pdf)]
    assert pdf.is_file()
    return result


# -- reading the PDF ---------------------------------------------------------------------------


def words(text: str) -> str:
    """Text as one line: hyphenation at line ends undone, whitespace collapsed."""
    text = text.replace("\u2010\n", "").replace("\u00ad\n", "")  # hyphens WeasyPrint added
    text = re.sub(r"-\n\s*", "-", text)  # a hyphen of the text itself, at a line end
    return " ".join(text.split())


def in_order(text: str, *parts: str) -> bool:
    """Whether each of ``parts`` is in ``text``, each after the one before."""
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def outline(pdf: Path) -> list[tuple[int, str]]:
    """The PDF's bookmarks as (level, title), in order."""
    found: list[tuple[int, str]] = []

    def visit(items: list, level: int) -> None:
        for item in items:
            found.append((level, item.title))
            visit(item.children, level + 1)

    with pikepdf.open(pdf) as document, document.open_outline() as tree:
        visit(tree.root, 1)
    return found


def contents(pdf: Path) -> list[tuple[str, int]]:
    """The entries of the PDF's contents page (page 2): (heading, page number)."""
    entries = []
    for line in pdf_text(pdf, first=2, last=2).splitlines():
        if match := re.fullmatch(r"(.+?)[ .]*\.\s*(\d+)", line.strip()):
            entries.append((match[1], int(match[2])))
    return entries


def page_of(pdf: Path, phrase: str) -> int:
    """The number of the one page whose text holds ``phrase``."""
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
    pages = [n for n in range(1, count + 1) if phrase in words(pdf_text(pdf, first=n, last=n))]
    assert len(pages) == 1, (phrase, pages)
    return pages[0]


@dataclass(frozen=True)
class Word:
    text: str
    top: float  # distance from the top of the page, in points


def page_words(pdf: Path, page: int) -> tuple[float, list[Word]]:
    """The height of a page and its words with their places (pdftotext -bbox)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    root = etree.fromstring(xhtml, etree.XMLParser(resolve_entities=False, no_network=True))
    x = "{http://www.w3.org/1999/xhtml}"
    height = float(next(root.iter(f"{x}page")).get("height"))
    return height, [Word(w.text or "", float(w.get("yMin"))) for w in root.iter(f"{x}word")]


def phrase_at(placed: list[Word], phrase: list[str]) -> list[Word]:
    """The placed words that spell ``phrase``, one after the other."""
    texts = [w.text for w in placed]
    for start in range(len(texts) - len(phrase) + 1):
        if texts[start : start + len(phrase)] == phrase:
            return placed[start : start + len(phrase)]
    raise AssertionError(f"{' '.join(phrase)!r} is not on the page")


@dataclass(frozen=True)
class Element:
    """One element of a PDF's structure tree: what the tests look at."""

    kind: str  # the structure type: "/H1", "/Table", "/Figure", …
    alt: str  # its alternative text (figures)
    id: str  # its identifier (header cells)
    headers: list[str]  # the identifiers of its header cells (data cells)


def structure(pdf: Path) -> list[Element]:
    """Every element of the PDF's structure tree, in reading order."""
    found: list[pikepdf.Dictionary] = []

    def visit(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                visit(child)
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            found.append(node)
            visit(node.get("/K"))

    with pikepdf.open(pdf) as document:
        visit(document.Root.StructTreeRoot.K)
        return [
            Element(
                str(element.S),
                str(element.get("/Alt", "")),
                str(element.get("/ID", "")),
                [str(h) for h in element.get("/A", {}).get("/Headers", [])],
            )
            for element in found
        ]


def kinds(elements: list[Element]) -> list[str]:
    return [element.kind for element in elements]


# -- the report, as reportgen generated it -----------------------------------------------------


@pytest.fixture(scope="module")
def report(generated: dict[str, Generated]) -> Generated:
    return generated[REPORT]


@pytest.fixture(scope="module")
def final(report: Generated, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unedited generated DOCX, published."""
    pdf = tmp_path_factory.mktemp("final") / "published.pdf"
    result = published(report.docx, pdf)
    assert result.stderr == ""
    return pdf


def reviewed_copy(report: Generated, target: Path, *edits: Callable[[Document], object]) -> Path:
    """The generated DOCX opened, edited by ``edits`` and saved as ``target`` (as Word saves)."""
    document = docx.Document(str(report.docx))
    for edit in edits:
        edit(document)
    target.write_bytes(reviewed.save(document))
    return target


def paragraph(document: Document, starting: str) -> Paragraph:
    """The one body paragraph whose text starts with ``starting``."""
    found = [p for p in document.paragraphs if p.text.startswith(starting)]
    assert len(found) == 1, (starting, len(found))
    return found[0]


def add_paragraph_after(
    anchor: Paragraph | Table, text: str = "", style: str | None = None
) -> Paragraph:
    """A new paragraph right after ``anchor``, as a reviewer types one (no change tracking)."""
    p = OxmlElement("w:p")
    anchor._element.addnext(p)
    new = Paragraph(p, anchor._parent)
    if style:
        new.style = style
    if text:
        new.add_run(text)
    return new


# -- publishing an unedited report -------------------------------------------------------------


def without_draft_mark(text: str, report: Generated) -> list[str]:
    """The lines of a draft's text, less the draft mark (cover line, header, watermark)."""
    labels = {"DRAFT", paragraph(docx.Document(str(report.docx)), "Draft").text}
    watermark = set("DRAFT")  # pdftotext reads the slanted watermark letter by letter
    return [
        line
        for line in text.splitlines()
        if line.strip() and line.strip() not in labels and line.strip() not in watermark
    ]


def test_an_unedited_report_publishes_the_draft_text_without_the_draft_mark(
    report: Generated, final: Path
) -> None:
    published_text = pdf_text(final)
    draft_text = pdf_text(report.pdf)
    assert "DRAFT" in draft_text and "Draft for review" in draft_text
    assert "DRAFT" not in published_text
    assert "Draft for review" not in published_text
    assert [line for line in published_text.splitlines() if line.strip()] == without_draft_mark(
        draft_text, report
    )


def test_publishing_with_draft_gives_the_draft_pdf_itself(
    report: Generated, tmp_path: Path
) -> None:
    pdf = tmp_path / "review-round.pdf"
    published(report.docx, pdf, "--draft")
    assert pdf.read_bytes() == report.pdf.read_bytes()


def test_the_pdf_goes_beside_the_docx_or_into_a_folder_given_as_output(
    report: Generated, final: Path, tmp_path: Path
) -> None:
    beside = tmp_path / "report.docx"
    beside.write_bytes(report.docx.read_bytes())
    result = publish(beside)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(tmp_path / "report.pdf")]
    folder = tmp_path / "site"
    folder.mkdir()
    result = publish(beside, "--output", folder)
    assert result.stdout.splitlines() == [str(folder / "report.pdf")]
    assert (folder / "report.pdf").read_bytes() == final.read_bytes()
    result = publish(beside, "--output", f"{tmp_path / 'new' / 'folder'}/")
    assert result.stdout.splitlines() == [str(tmp_path / "new" / "folder" / "report.pdf")]


# -- review marks: refused, or accepted --------------------------------------------------------


def anna() -> Reviewer:
    return Reviewer(ANNA)


def boris() -> Reviewer:
    return Reviewer(BORIS, LATER, rsid="00B7D3F1")


def carla() -> Reviewer:
    return Reviewer(CARLA, "2019-02-05T08:30:00Z", rsid="00C1E2A4")


def insert_words(d: Document) -> None:
    anna().insert(paragraph(d, "Experts from ten"), " in person and online", after="took part")


def delete_words(d: Document) -> None:
    boris().delete(paragraph(d, "Participants agreed that integration"), "long-term, ")


def move_item(d: Document) -> None:
    boris().move_paragraph(paragraph(d, "Fragmented responsibilities"), paragraph(d, "Shifts in"))


def join_paragraphs(d: Document) -> None:
    boris().join_paragraphs(paragraph(d, "Participants examined the particular barriers"))


def insert_row(d: Document) -> None:
    anna().insert_row(d.tables[0], ("17:30–18:30", "Reception for participants and reviewers"))


def delete_row(d: Document) -> None:
    boris().delete_row(d.tables[0], 1)


def make_bold(d: Document) -> None:
    anna().bold(paragraph(d, "Participants agreed that integration"), "reliable data")


def comment(d: Document) -> None:
    carla().comment(
        d,
        paragraph(d, "Experts from ten"),
        "16 women and nine men",
        "Please check these numbers against the attendance list.",
    )


@dataclass(frozen=True)
class Mark:
    name: str
    edit: Callable[[Document], None]
    line: str  # how the refusal lists it, after the kind


MARKS = [
    Mark("insertion", insert_words, f"insertion by {ANNA}, 2019-02-01: “in person and online”"),
    Mark("deletion", delete_words, f"deletion by {BORIS}, 2019-02-03: “long-term,”"),
    Mark("move", move_item, f"move by {BORIS}, 2019-02-03: “Fragmented responsibilities"),
    Mark(
        "deleted paragraph mark",
        join_paragraphs,
        f"deletion by {BORIS}, 2019-02-03: “…Rights of the Child. ¶”",
    ),
    Mark(
        "table row insertion",
        insert_row,
        f"table row inserted by {ANNA}, 2019-02-01: “17:30–18:30 Reception for participants",
    ),
    Mark(
        "table row deletion",
        delete_row,
        f"table row deleted by {BORIS}, 2019-02-03: “09:00–09:30 Registration of participants”",
    ),
    Mark(
        "formatting change", make_bold, f"formatting change by {ANNA}, 2019-02-01: “reliable data”"
    ),
    Mark(
        "comment",
        comment,
        f"comment by {CARLA}, 2019-02-05: "
        "“Please check these numbers against the attendance list.”",
    ),
]


@pytest.mark.parametrize("mark", MARKS, ids=lambda mark: mark.name)
def test_each_kind_of_review_mark_is_refused_naming_its_author_and_first_words(
    report: Generated, tmp_path: Path, mark: Mark
) -> None:
    source = reviewed_copy(report, tmp_path / "reviewed.docx", mark.edit)
    output = tmp_path / "out" / "published.pdf"
    result = publish(source, "--output", output)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{source}: 1 unresolved review mark (1 ")
    assert lines[1].startswith(f"  {mark.line}")
    assert lines[2].startswith(HINT) and "--accept-changes" in lines[2]
    assert result.stdout == ""
    assert not output.parent.exists()


@pytest.fixture(scope="module")
def full_review(report: Generated, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A review round with every kind of mark, each on a different passage."""
    folder = tmp_path_factory.mktemp("full-review")
    return reviewed_copy(report, folder / "reviewed.docx", *(mark.edit for mark in MARKS))


def test_a_review_round_is_refused_with_a_count_and_every_mark_listed(
    full_review: Path, tmp_path: Path
) -> None:
    existing = tmp_path / "published.pdf"
    existing.write_bytes(b"%PDF- the PDF published last week")
    result = publish(full_review, "--output", existing)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{full_review}: 8 unresolved review marks (1 insertion, 2 deletions, 1 move, "
        "1 formatting change, 1 table row inserted, 1 table row deleted, 1 comment)"
    )
    for mark in MARKS:
        assert any(line.startswith(f"  {mark.line}") for line in lines), mark.name
    assert existing.read_bytes() == b"%PDF- the PDF published last week"


def test_accepting_a_review_round_publishes_exactly_the_accepted_text(
    full_review: Path, final: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "published.pdf"
    result = published(full_review, pdf, "--accept-changes")
    assert result.stderr == ""
    text = words(pdf_text(pdf))
    before = words(pdf_text(final))
    # insertion
    assert "took part in person and online in the discussion" in text
    # deletion
    assert "integration is a two-way process" in text
    assert "long-term, two-way" not in text and "long-term, two-way" in before
    # move: the first challenge is now the last
    assert in_order(
        text,
        "Strategies adopted without dedicated funding",
        "Shifts in political priorities",
        "Fragmented responsibilities between ministries",
        "See recommendations 1, 4 and 9.",
    )
    assert text.count("Fragmented responsibilities") == 1
    # deleted paragraph mark: two paragraphs run together
    assert "the Rights of the Child.Participants discussed guardianship" in text
    # table rows
    assert "17:30–18:30 Reception for participants and reviewers" in text
    assert "Registration of participants" not in text and "Registration of participants" in before
    # formatting change: same words
    assert "reliable data to measure progress" in text
    # comment: the commented words stay, the comment does not
    assert "16 women and nine men" in text
    assert "Please check these numbers" not in text
    assert "DRAFT" not in text


# -- what reviewers did survives ---------------------------------------------------------------

REWORDED = (
    "Reviewers rewrote this paragraph: a national strategic plan sets the direction of "
    "integration policy and shares out the work between levels of government."
)
NEW_PARAGRAPH = "The reviewers added this paragraph on the pilot regions after the meeting."
NEW_HEADING = "Lessons from the pilot regions"
UNDER_NEW_HEADING = "Three pilot regions tested the plan before its adoption."
FOOTNOTE = "Figures from the pilot regions' own monitoring reports, 2018."
ALT = "Map of the three pilot regions"
NOTE_STYLE = "Reviewer Note"
NOTE = "Reviewers' note: the figures for 2018 are still to be confirmed."
TABLE = [
    ("Region", "Pilot", "Status"),
    ("Imereti", "Language courses", "Completed"),
    ("Adjara", "One-stop shop", "Running"),
]
DELETED_SECTION = "Specificities of refugee integration"
SAFE_LINK = "https://www.osce.org/odihr/migration"
UNSAFE_LINK = "javascript:alert(document.cookie)"


def png(colour: str) -> io.BytesIO:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 60), colour).save(out, format="PNG")
    out.seek(0)
    return out


def add_picture(anchor: Paragraph | Table, colour: str, alt: str | None) -> Paragraph:
    """A picture in a paragraph of its own; Word keeps its alt text in ``wp:docPr/@descr``."""
    holder = add_paragraph_after(anchor)
    run = holder.add_run()
    run.add_picture(png(colour), width=Cm(6))
    if alt is not None:
        run._r.find(f".//{qn('wp:docPr')}").set("descr", alt)
    return holder


def add_link(target: Paragraph, text: str, url: str) -> None:
    rel_id = target.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    target._p.append(link)


def add_footnote(document: Document, anchor: Paragraph, text: str) -> None:
    """A footnote at the end of ``anchor``, written as Word writes one into footnotes.xml."""
    # python-docx keeps the footnotes of a DOCX it opened as plain bytes.
    part = next(r.target_part for r in document.part.rels.values() if r.reltype == RT.FOOTNOTES)
    root = etree.fromstring(part.blob)
    number = max(int(note.get(qn("w:id"))) for note in root.iter(qn("w:footnote"))) + 1
    root.append(
        etree.fromstring(
            f'<w:footnote {nsdecls("w")} w:id="{number}"><w:p><w:pPr>'
            '<w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
            '<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        )
    )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    anchor._p.append(
        etree.fromstring(
            f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{number}"/></w:r>'
        )
    )


def delete_section(document: Document, heading: str) -> None:
    """Delete a heading and everything up to the next heading of its level, as a reviewer would."""
    start = next(
        p for p in document.paragraphs if p.text == heading and p.style.name.startswith("Heading")
    )
    level = start.style.name
    element = start._p
    while True:
        following = element.getnext()
        element.getparent().remove(element)
        element = following
        if element is None or element.tag != qn("w:p"):
            break
        if Paragraph(element, start._parent).style.name == level:
            break


def reviewers_edits(d: Document) -> None:
    """A review round done with Track Changes off: every kind of edit a reviewer makes."""
    reworded = paragraph(d, "Participants discussed how a national strategic plan")
    for run in reworded.runs[1:]:
        run._r.getparent().remove(run._r)
    reworded.runs[0].text = REWORDED

    new = add_paragraph_after(
        paragraph(d, "The discussion also addressed the balance"), NEW_PARAGRAPH
    )
    add_footnote(d, new, FOOTNOTE)

    heading = add_paragraph_after(
        paragraph(d, "See recommendations 1, 4 and 9."), NEW_HEADING, style="Heading 2"
    )
    body = add_paragraph_after(heading, UNDER_NEW_HEADING + " See ")
    add_link(body, "the ODIHR migration page", SAFE_LINK)
    body.add_run(" or ")
    add_link(body, "the pilot dashboard", UNSAFE_LINK)
    body.add_run(".")

    table = d.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for row, texts in zip(table.rows, TABLE, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))  # Word's "Repeat as header row"
    body._p.addnext(table._tbl)

    with_alt = add_picture(table, "teal", ALT)
    add_picture(with_alt, "orange", alt=None)

    d.styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH).base_style = d.styles["Normal"]
    add_paragraph_after(paragraph(d, "See recommendations 2 and 8."), NOTE, style=NOTE_STYLE)

    delete_section(d, DELETED_SECTION)


@dataclass(frozen=True)
class Published:
    docx: Path
    pdf: Path
    stderr: str


@pytest.fixture(scope="module")
def edited(report: Generated, tmp_path_factory: pytest.TempPathFactory) -> Published:
    folder = tmp_path_factory.mktemp("edited")
    source = reviewed_copy(report, folder / "reviewed.docx", reviewers_edits)
    result = published(source, folder / "published.pdf")
    return Published(source, folder / "published.pdf", result.stderr)


def test_reworded_and_new_paragraphs_appear_in_their_place(edited: Published) -> None:
    text = words(pdf_text(edited.pdf))
    assert "give integration policy a clear direction" not in text
    assert in_order(
        text,
        "Developing a national strategic plan for integration",
        REWORDED,
        "meet in everyday life.",
        NEW_PARAGRAPH,
        "Key points",
    )


def test_a_new_heading_appears_in_the_bookmarks_and_the_contents(edited: Published) -> None:
    bookmarks = outline(edited.pdf)
    at = bookmarks.index((2, NEW_HEADING))
    assert bookmarks[at - 4 : at] == [
        (2, "Developing a national strategic plan for integration"),
        (3, "Key points"),
        (3, "Good practices"),
        (3, "Challenges"),
    ]
    entries = dict(contents(edited.pdf))
    assert page_of(edited.pdf, UNDER_NEW_HEADING) == entries[NEW_HEADING]
    text = words(pdf_text(edited.pdf))
    assert in_order(text, "See recommendations 1, 4 and 9.", NEW_HEADING, UNDER_NEW_HEADING)


def test_a_deleted_section_is_gone_from_text_bookmarks_and_contents(
    edited: Published, final: Path
) -> None:
    assert (2, DELETED_SECTION) in outline(final)
    assert DELETED_SECTION not in [title for _level, title in outline(edited.pdf)]
    assert DELETED_SECTION not in dict(contents(edited.pdf))
    text = words(pdf_text(edited.pdf))
    for gone in ("Vasco Malta", "Individual integration plans", "See recommendations 7 and 10."):
        assert gone in words(pdf_text(final))
        assert gone not in text
    assert in_order(
        text, "See recommendations 3 and 5.", "Integrating migrants into the local labour market"
    )


def test_a_reviewers_table_keeps_its_header_row(edited: Published) -> None:
    text = words(pdf_text(edited.pdf))
    assert in_order(text, UNDER_NEW_HEADING, *(cell for row in TABLE for cell in row))
    elements = structure(edited.pdf)
    headers = [e.id for e in elements if e.kind == "/TH"]
    assert len(headers) == 2 + 3  # the agenda's and the reviewer's
    cells = [e for e in elements if e.kind == "/TD"]
    assert cells and all(len(cell.headers) == 1 for cell in cells)
    assert {h for cell in cells for h in cell.headers} == set(headers)


def test_a_reviewers_pictures_are_figures_and_one_without_alt_text_is_reported(
    edited: Published,
) -> None:
    figures = [e for e in structure(edited.pdf) if e.kind == "/Figure"]
    assert len(figures) == 3  # the logo and the reviewer's two
    assert [f.alt for f in figures].count(ALT) == 1
    assert [f.alt for f in figures].count("") == 1
    warnings = [line for line in edited.stderr.splitlines() if "alternative text" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{edited.docx}: warning: image ")
    assert "Edit Alt Text" in warnings[0]


def test_a_new_footnote_is_at_the_foot_of_the_page_of_its_reference(edited: Published) -> None:
    page = page_of(edited.pdf, NEW_PARAGRAPH)
    assert page == page_of(edited.pdf, FOOTNOTE)
    height, placed = page_words(edited.pdf, page)
    # The paragraph's last line holds the note's number; the note sits below it all.
    reference = max(w.top for w in phrase_at(placed, NEW_PARAGRAPH.split()[:-1]))
    note = min(w.top for w in phrase_at(placed, FOOTNOTE.split()))
    assert note > reference
    assert note > 0.6 * height
    # Its number follows the report's own footnote: it is the second.
    assert f"2. {FOOTNOTE}" in words(pdf_text(edited.pdf, first=page, last=page))


def test_an_unknown_paragraph_style_is_body_text_with_a_warning_naming_it(
    edited: Published,
) -> None:
    assert NOTE in words(pdf_text(edited.pdf))
    warnings = [line for line in edited.stderr.splitlines() if NOTE_STYLE in line]
    assert warnings == [
        f"{edited.docx}: warning: paragraph style {NOTE_STYLE!r} is not one reportgen knows; "
        "its paragraphs are shown as body text"
    ]


def test_web_and_mail_links_are_kept_and_others_dropped_with_a_warning(
    edited: Published,
) -> None:
    with pikepdf.open(edited.pdf) as pdf:
        uris = [
            str(annotation.A.URI)
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
            if "/A" in annotation and "/URI" in annotation.A
        ]
    assert SAFE_LINK in uris
    assert not any(uri.startswith("javascript") for uri in uris)
    assert "the pilot dashboard" in words(pdf_text(edited.pdf))
    assert f"{edited.docx}: warning: link to {UNSAFE_LINK!r} left out" in edited.stderr


def test_the_reviewers_edits_give_no_other_warning(edited: Published) -> None:
    expected = ("has no alternative text", f"style {NOTE_STYLE!r}", f"link to {UNSAFE_LINK!r}")
    lines = edited.stderr.splitlines()
    assert len(lines) == len(expected), edited.stderr
    assert all(any(part in line for line in lines) for part in expected)


# -- edits saved by LibreOffice ----------------------------------------------------------------

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
LO_REWORDED = "Reworded in LibreOffice: a national plan gives integration policy its direction."
LO_ADDED = "A paragraph added in LibreOffice about the regional pilots."


def edit_flat_odt(source: Path, target: Path) -> Path:
    """Reword a paragraph of a flat OpenDocument file and add one after it, in its XML."""
    tree = etree.parse(str(source), etree.XMLParser(resolve_entities=False, no_network=True))
    found = [
        p
        for p in tree.iter(f"{{{TEXT_NS}}}p")
        if "".join(p.itertext()).startswith("Participants discussed how a national strategic plan")
    ]
    assert len(found) == 1
    old = found[0]
    for child in list(old):
        old.remove(child)
    old.text = LO_REWORDED
    added = copy.deepcopy(old)
    added.text = LO_ADDED
    old.addnext(added)
    tree.write(str(target), xml_declaration=True, encoding="UTF-8")
    return target


@pytest.fixture(scope="module")
def libreoffice_edited(report: Generated, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The report opened in LibreOffice, edited, and saved again as a Word document."""
    folder = tmp_path_factory.mktemp("libreoffice")
    flat = libreoffice_convert(report.docx, "fodt", folder)
    (folder / "edited").mkdir()
    edited_flat = edit_flat_odt(flat, folder / "edited" / "reviewed.fodt")
    saved = libreoffice_convert(edited_flat, "docx:MS Word 2007 XML", folder / "edited")
    result = published(saved, folder / "published.pdf")
    return Published(saved, folder / "published.pdf", result.stderr)


def test_edits_saved_by_libreoffice_come_through(
    libreoffice_edited: Published, final: Path
) -> None:
    text = words(pdf_text(libreoffice_edited.pdf))
    assert in_order(
        text, "national strategic plan", LO_REWORDED, LO_ADDED, "meet in everyday life."
    )
    assert "give integration policy a clear direction" not in text
    # LibreOffice rewrites the whole package: headings, contents and notes still read the same.
    assert outline(libreoffice_edited.pdf) == outline(final)
    assert [title for title, _page in contents(libreoffice_edited.pdf)] == [
        title for title, _page in contents(final)
    ]
    assert "Ministerial Council Decision No. 2/05 on Migration" in text


# -- hostile files -----------------------------------------------------------------------------
# Broken or hostile on purpose, so never given to the OOXML check (tests/ooxml.py), which
# would also read their DOCTYPEs and unpack their bombs.


def repacked(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The DOCX ``data`` with ``parts`` added or replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def pdf_renamed(report: Generated, _folder: Path) -> bytes:
    return report.pdf.read_bytes()


def truncated(report: Generated, _folder: Path) -> bytes:
    data = report.docx.read_bytes()
    return data[: len(data) // 2]


def entity_reading_a_file(report: Generated, folder: Path) -> bytes:
    secret = folder / "secret.txt"
    secret.write_text("the minister's private number")
    data = report.docx.read_bytes()
    document = reviewed.members(data)["word/document.xml"].decode("utf-8")
    document = document.replace(
        "?>", f'?><!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', 1
    )
    document = document.replace("Executive summary", "&x;", 1)
    return repacked(data, {"word/document.xml": document.encode("utf-8")})


def linked_picture(report: Generated, _folder: Path) -> bytes:
    data = report.docx.read_bytes()
    rels = reviewed.members(data)["word/_rels/document.xml.rels"].decode("utf-8")
    link = (
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/image" Target="https://tracker.example.invalid/p.png" '
        'TargetMode="External"/>'
    )
    rels = rels.replace("</Relationships>", link + "</Relationships>")
    return repacked(data, {"word/_rels/document.xml.rels": rels.encode("utf-8")})


def macros(report: Generated, _folder: Path) -> bytes:
    return repacked(report.docx.read_bytes(), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 64})


def zip_bomb(report: Generated, _folder: Path) -> bytes:
    # 64 MiB of zeros packs into some 64 KiB: the shape of a ZIP bomb, small enough to build.
    return repacked(report.docx.read_bytes(), {"word/media/image9.png": bytes(64 << 20)})


HOSTILE = {
    "a PDF renamed .docx": (pdf_renamed, "is a PDF file, not a DOCX"),
    "a truncated download": (truncated, "is damaged or incomplete"),
    "an entity reading a local file": (
        entity_reading_a_file,
        "word/document.xml: holds a DOCTYPE declaration",
    ),
    "a linked picture": (linked_picture, "links to a picture outside the document"),
    "macros": (macros, "word/vbaProject.bin: the document carries macros"),
    "a ZIP bomb": (zip_bomb, "word/media/image9.png: unpacks from"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_docx_is_refused_with_its_own_message_and_nothing_written(
    report: Generated, tmp_path: Path, name: str
) -> None:
    make, message = HOSTILE[name]
    source = tmp_path / "reviewed.docx"
    source.write_bytes(make(report, tmp_path))
    site = tmp_path / "site"
    site.mkdir()
    started = time.monotonic()
    result = publish(source, "--output", site / "published.pdf")
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert result.stderr.startswith(f"{source}: ")
    assert message in result.stderr.splitlines()[0]
    assert "private number" not in result.stderr
    assert list(site.iterdir()) == []


# -- the published PDF as a file: accessible and archival --------------------------------------


def heading_paragraphs(source: Path) -> list[tuple[int, str]]:
    """The DOCX's headings as (level, text), as Word's navigation pane lists them."""
    found = []
    for p in docx.Document(str(source)).paragraphs:
        if match := re.fullmatch(r"Heading ([1-3])", p.style.name):
            found.append((int(match[1]), p.text))
    return found


def test_the_pdf_is_tagged_with_headings_lists_tables_and_figures(edited: Published) -> None:
    elements = kinds(structure(edited.pdf))
    headings = heading_paragraphs(edited.docx)
    # One heading element per heading, and one more H1: the contents' title.
    assert elements.count("/H1") == 1 + sum(1 for level, _ in headings if level == 1)
    assert elements.count("/H2") == sum(1 for level, _ in headings if level == 2)
    assert elements.count("/H3") == sum(1 for level, _ in headings if level == 3)
    for kind in ("/L", "/LI", "/Lbl", "/LBody", "/Table", "/TR", "/TH", "/TD", "/Figure", "/P"):
        assert kind in elements, kind
    with pikepdf.open(edited.pdf) as pdf:
        assert pdf.Root.MarkInfo.Marked is True


def test_the_pdf_declares_language_and_title_and_shows_the_title(edited: Published) -> None:
    properties = docx.Document(str(edited.docx)).core_properties
    with pikepdf.open(edited.pdf) as pdf:
        assert str(pdf.Root.Lang) == properties.language == "en-GB"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == properties.title
        assert pdf.open_metadata()["dc:title"] == properties.title


def test_the_bookmarks_are_the_headings(edited: Published) -> None:
    assert outline(edited.pdf) == [(1, "Contents"), *heading_paragraphs(edited.docx)]


def test_the_pdf_is_pdf_a_3a(edited: Published) -> None:
    """The PDF/A-3 rules (ISO 19005-3) that can be checked from the file's objects."""
    data = edited.pdf.read_bytes()
    assert re.match(rb"%PDF-1\.[0-7]\n%[\x80-\xff]{4}", data)  # 6.1.2: header, binary comment
    with pikepdf.open(edited.pdf) as pdf:
        assert not pdf.is_encrypted  # 6.1.3
        assert len(pdf.trailer.ID) == 2  # 6.1.3: file identifiers
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "3"  # 6.6.4
        assert metadata["pdfaid:conformance"] == "A"
        packet = pdf.Root.Metadata.read_bytes()
        assert b"bytes=" not in packet[:200] and b"encoding=" not in packet[:200]  # 6.6.2.1
        intents = list(pdf.Root.OutputIntents)  # 6.2.3
        assert [str(intent.S) for intent in intents] == ["/GTS_PDFA1"]
        profile = intents[0].DestOutputProfile
        assert int(profile.N) == 3 and profile.read_bytes()[36:40] == b"acsp"  # an ICC profile
        for key in ("/AA", "/OpenAction", "/AcroForm", "/NeedsRendering", "/Requirements"):
            assert key not in pdf.Root, key  # 6.4.2, 6.5.2, 6.11
        for page in pdf.pages:
            assert "/AA" not in page
            for annotation in page.get("/Annots", []):
                assert int(annotation.F) & 4 == 4  # 6.3.2: printed
                assert int(annotation.F) & (1 | 2 | 32) == 0  # not hidden
                if "/A" in annotation:
                    assert str(annotation.A.S) in ("/URI", "/GoTo")  # 6.5.1
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                filters = obj.get("/Filter")
                names = (
                    [str(f) for f in filters]
                    if isinstance(filters, pikepdf.Array)
                    else [str(filters)]
                )
                assert "/LZWDecode" not in names  # 6.1.7
                assert "/F" not in obj and "/FFilter" not in obj


def test_every_font_is_embedded_with_its_unicode_map(edited: Published) -> None:
    with pikepdf.open(edited.pdf) as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                fonts[font.objgen] = font
                for form in page.Resources.get("/XObject", {}).values():
                    for inner in form.get("/Resources", {}).get("/Font", {}).values():
                        fonts[inner.objgen] = inner
        assert fonts
        for font in fonts.values():
            assert "/ToUnicode" in font, font.BaseFont  # 6.2.11.7: level U
            for described in font.get("/DescendantFonts", [font]):
                descriptor = described.FontDescriptor
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font.BaseFont


def test_an_accessibility_checker_finds_no_error(edited: Published, final: Path) -> None:
    """pdfua (from PyPI) checks part of what PDF/UA-1 asks: a triage, not veraPDF."""
    import pdfua

    # The one error in the edited report is the picture its reviewer gave no alt
    # text, which publish warned about; that report then does not claim PDF/UA
    # (UA-28-004, a warning), where the final one does and passes.
    for pdf, errors, warnings in ((final, [], set()), (edited.pdf, ["UA-13-004"], {"UA-28-004"})):
        findings = [f for o in pdfua.validate(str(pdf)).outcomes for f in o.findings]
        assert [f.rule_id for f in findings if f.severity.name == "ERROR"] == errors, pdf
        assert {f.rule_id for f in findings} == warnings | set(errors), pdf


# -- exit codes --------------------------------------------------------------------------------


def test_a_missing_file_is_a_problem_with_the_users_files(tmp_path: Path) -> None:
    result = publish(tmp_path / "no-such-report.docx")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{tmp_path / 'no-such-report.docx'}: no such file"]


@pytest.mark.parametrize(
    "args",
    [(), ("a.docx", "b.docx"), ("a.docx", "--no-such-option"), ("a.docx", "--output")],
    ids=["no file", "two files", "unknown option", "output without a value"],
)
def test_wrong_usage_exits_with_status_2(args: tuple[str, ...]) -> None:
    result = publish(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(("Usage: reportgen publish", "Error: "))
    assert result.stdout == ""


def test_an_output_that_is_not_a_pdf_is_wrong_usage_and_the_docx_stays(
    report: Generated, tmp_path: Path
) -> None:
    source = tmp_path / "reviewed.docx"
    source.write_bytes(report.docx.read_bytes())
    result = publish(source, "--output", source)
    assert result.returncode == 2
    assert "needs a .pdf name" in result.stderr
    assert source.read_bytes() == report.docx.read_bytes()


def test_a_docx_named_pdf_is_never_replaced_by_its_own_pdf(
    report: Generated, tmp_path: Path
) -> None:
    source = tmp_path / "reviewed.pdf"
    source.write_bytes(report.docx.read_bytes())
    result = publish(source)
    assert result.returncode == 1
    assert "would replace the reviewed DOCX it is made from" in result.stderr
    assert source.read_bytes() == report.docx.read_bytes()


def test_an_output_path_through_a_file_is_a_clear_error(report: Generated, tmp_path: Path) -> None:
    blocker = tmp_path / "site"
    blocker.write_text("not a folder")
    result = publish(report.docx, "--output", blocker / "report.pdf")
    assert result.returncode == 1
    assert str(blocker) in result.stderr.splitlines()[0]
    assert "not a folder" in result.stderr
    assert blocker.read_text() == "not a folder"


def test_the_review_and_publish_page_describes_every_option() -> None:
    from reportgen.cli import cli

    page = (ROOT / "docs" / "review-and-publish.md").read_text(encoding="utf-8")
    options = [
        name
        for param in cli.commands["publish"].params
        for name in param.opts
        if name.startswith("--")
    ]
    assert "--accept-changes" in options
    for name in options:
        assert f"`{name}" in page, name
