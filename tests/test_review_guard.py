"""A reviewed DOCX still holding tracked changes or comments is refused, or its changes accepted."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from lxml import etree

import reviewed
from reportgen.errors import EXIT_USER_ERROR, ReviewError, UnsafeDocumentError
from reportgen.word import review, safety
from reviewed import ANNA, BORIS, CARLA, LATER, Reviewer

DOCUMENT = "word/document.xml"
FOOTNOTES = "word/footnotes.xml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MARK_ELEMENTS = (
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "rPrChange",
    "pPrChange",
    "commentRangeStart",
    "commentReference",
    "cellDel",
)


def anna() -> Reviewer:
    return Reviewer(ANNA)


def boris() -> Reviewer:
    return Reviewer(BORIS, LATER, rsid="00B7D3F1")


def carla() -> Reviewer:
    return Reviewer(CARLA, "2019-02-05T08:30:00Z", rsid="00C1E2A4")


def build(*changes: Callable[[Document], object]) -> bytes:
    """The report, reviewed: each of ``changes`` applied to it, then saved."""
    document = reviewed.report()
    for change in changes:
        change(document)
    return reviewed.save(document)


def paragraph(document: Document, starting: str) -> docx.text.paragraph.Paragraph:
    return next(p for p in document.paragraphs if p.text.startswith(starting))


def texts(data: bytes) -> list[str]:
    return reviewed.paragraph_texts(data)


def marks_left(data: bytes) -> list[str]:
    """Review-mark elements still in any part (read with lxml, not with the guard)."""
    found = []
    for name, content in reviewed.members(data).items():
        if name.endswith(".xml") and name.startswith("word/"):
            root = etree.fromstring(content)
            found += [
                f"{name}: {tag}" for tag in MARK_ELEMENTS if root.find(f".//{W}{tag}") is not None
            ]
    return found


# -- one case per kind of mark, as Word writes it ----------------------------------------------


@dataclass
class Case:
    name: str
    change: Callable[[Document], object]
    mark: tuple[str, str, str, str]  # kind, author, first words, part
    accepted: Callable[[bytes], None]  # checks the text once the change is accepted


def _inserted_words(data: bytes) -> None:
    assert "The workshop gathered twenty-five experts in Tbilisi on" in texts(data)[2]
    assert "gathered twenty-five experts" in reviewed.visible_text(data)


def _deleted_words(data: bytes) -> None:
    assert "It heard presentations and two panel discussions." in texts(data)
    assert "twelve" not in reviewed.visible_text(data)


def _inserted_paragraph(data: bytes) -> None:
    all_texts = texts(data)
    at = all_texts.index("The ministry presented its new action plan.")
    assert all_texts[at + 1] == "A second session is planned for spring 2019."


def _deleted_paragraph(data: bytes) -> None:
    assert not any("Georgian language" in text for text in texts(data))
    assert "Georgian language" not in reviewed.visible_text(data)
    items = [p.text for p in _document(data).paragraphs if p.style.name == "List Number"]
    assert items == [
        "Open one-stop shops for newcomers in every region.",
        "Publish the action plan in English and Russian.",
    ]


def _joined_paragraphs(data: bytes) -> None:
    assert (
        "It heard twelve presentations and two panel discussions."
        "The ministry presented its new action plan."
    ) in texts(data)


def _moved_paragraph(data: bytes) -> None:
    items = [p.text for p in _document(data).paragraphs if p.style.name == "List Number"]
    assert items == [
        "Offer Georgian language courses free of charge.",
        "Publish the action plan in English and Russian.",
        "Open one-stop shops for newcomers in every region.",
    ]


def _bold_kept(data: bytes) -> None:
    runs = paragraph(_document(data), "The ministry").runs
    assert [(run.text, bool(run.bold)) for run in runs] == [
        ("The ", False),
        ("ministry", True),
        (" presented its new action plan.", False),
    ]


def _new_style_kept(data: bytes) -> None:
    assert paragraph(_document(data), "Summary").style.name == "Heading 2"


def _row_inserted(data: bytes) -> None:
    rows = [[cell.text for cell in row.cells] for row in _document(data).tables[0].rows]
    assert rows[-1] == ["Ana Silva", "Lisbon City Council", "Portugal"]
    assert len(rows) == 5


def _row_deleted(data: bytes) -> None:
    rows = [[cell.text for cell in row.cells] for row in _document(data).tables[0].rows]
    assert [row[0] for row in rows] == ["Name", "Nino Beridze", "Maria Rossi"]


def _cell_deleted(data: bytes) -> None:
    rows = [[cell.text for cell in row.cells] for row in _document(data).tables[0].rows]
    assert rows[1] == ["Nino Beridze", "Public Service Hall"]


def _comment_gone(data: bytes) -> None:
    parts = reviewed.members(data)
    assert "word/comments.xml" not in parts
    assert b"Were there two panels" not in b"".join(parts.values())
    assert b"comments.xml" not in parts["[Content_Types].xml"]
    assert b"comments" not in parts["word/_rels/document.xml.rels"]
    assert "It heard twelve presentations and two panel discussions." in texts(data)


def _footnote_insertion(data: bytes) -> None:
    assert "in annex. (pages 12–14)" in reviewed.visible_text(data, FOOTNOTES)


def _footer_insertion(data: bytes) -> None:
    footer = _document(data).sections[0].footer.paragraphs[0].text
    assert footer == "Follow-up report, draft for review – second round"


def _document(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _delete_cell(document: Document) -> None:
    cell = document.tables[0].rows[1].cells[2]
    tcpr = cell._tc.get_or_add_tcPr()
    tcpr.append(boris().mark("w:cellDel"))


CASES = [
    Case(
        "insertion",
        lambda d: anna().insert(paragraph(d, "The workshop"), " twenty-five", after="gathered"),
        ("insertion", ANNA, "twenty-five", DOCUMENT),
        _inserted_words,
    ),
    Case(
        "deletion",
        lambda d: boris().delete(paragraph(d, "It heard"), "twelve "),
        ("deletion", BORIS, "twelve", DOCUMENT),
        _deleted_words,
    ),
    Case(
        "inserted paragraph",
        lambda d: anna().insert_paragraph_after(
            paragraph(d, "The ministry"), "A second session is planned for spring 2019."
        ),
        ("insertion", ANNA, "A second session is planned for spring 2019.", DOCUMENT),
        _inserted_paragraph,
    ),
    Case(
        "deleted paragraph",
        lambda d: boris().delete_paragraph(paragraph(d, "Offer")),
        ("deletion", BORIS, "Offer Georgian language courses free of charge.", DOCUMENT),
        _deleted_paragraph,
    ),
    Case(
        "joined paragraphs",
        lambda d: boris().join_paragraphs(paragraph(d, "It heard")),
        ("deletion", BORIS, "…and two panel discussions. ¶", DOCUMENT),
        _joined_paragraphs,
    ),
    Case(
        "moved paragraph",
        lambda d: boris().move_paragraph(paragraph(d, "Open"), paragraph(d, "Publish")),
        ("move", BORIS, "Open one-stop shops for newcomers in every region.", DOCUMENT),
        _moved_paragraph,
    ),
    Case(
        "bold",
        lambda d: anna().bold(paragraph(d, "The ministry"), "ministry"),
        ("formatting change", ANNA, "ministry", DOCUMENT),
        _bold_kept,
    ),
    Case(
        "new style",
        lambda d: anna().restyle(paragraph(d, "Summary"), "Heading 2"),
        ("formatting change", ANNA, "Summary", DOCUMENT),
        _new_style_kept,
    ),
    Case(
        "inserted row",
        lambda d: anna().insert_row(d.tables[0], ("Ana Silva", "Lisbon City Council", "Portugal")),
        ("table row inserted", ANNA, "Ana Silva Lisbon City Council Portugal", DOCUMENT),
        _row_inserted,
    ),
    Case(
        "deleted row",
        lambda d: boris().delete_row(d.tables[0], 2),
        ("table row deleted", BORIS, "Jan Novak Ministry of the Interior Czechia", DOCUMENT),
        _row_deleted,
    ),
    Case(
        "deleted cell",
        _delete_cell,
        ("table cell deleted", BORIS, "Georgia", DOCUMENT),
        _cell_deleted,
    ),
    Case(
        "comment",
        lambda d: carla().comment(
            d, paragraph(d, "It heard"), "panel discussions", "Were there two panels or three?"
        ),
        ("comment", CARLA, "Were there two panels or three?", DOCUMENT),
        _comment_gone,
    ),
    Case(
        "insertion in a footnote",
        lambda d: anna().insert(reviewed.footnote_paragraph(d), " (pages 12–14)"),
        ("insertion", ANNA, "(pages 12–14)", FOOTNOTES),
        _footnote_insertion,
    ),
    Case(
        "insertion in the footer",
        lambda d: anna().insert(d.sections[0].footer.paragraphs[0], " – second round"),
        ("insertion", ANNA, "– second round", "word/footer1.xml"),
        _footer_insertion,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_kind_of_mark_is_found_with_its_author_and_first_words(case: Case) -> None:
    marks = review.find_review_marks(build(case.change))
    assert [(m.kind, m.author, m.first_words, m.part) for m in marks] == [case.mark]
    assert marks[0].date.startswith("2019-02-0")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_kind_of_mark_is_refused_naming_it(case: Case) -> None:
    data = build(case.change)
    with pytest.raises(ReviewError) as caught:
        review.resolve_review_marks(data, accept=False, where="reviewed.docx")
    kind, author, words, _part = case.mark
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("reviewed.docx: 1 unresolved review mark (1 ")
    assert lines[1].startswith(f"  {kind}")
    assert f" by {author}, 2019-02-0" in lines[1]
    assert lines[1].endswith(f": “{words}”")
    assert caught.value.exit_code == EXIT_USER_ERROR


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_accepting_each_kind_of_mark_leaves_what_the_reviewer_meant(case: Case) -> None:
    data = build(case.change)
    accepted = review.resolve_review_marks(data, accept=True, where="reviewed.docx")
    case.accepted(accepted)
    assert marks_left(accepted) == []
    assert review.find_review_marks(accepted) == []


# -- a whole review round ----------------------------------------------------------------------


def full_review(document: Document) -> None:
    """Three reviewers at work on one report: every kind of change, in several parts."""
    for case in CASES:
        if case.name not in ("deleted cell", "joined paragraphs"):
            case.change(document)


@pytest.fixture(scope="module")
def word_reviewed() -> bytes:
    return build(full_review)


def test_a_document_without_review_marks_is_returned_as_it_is() -> None:
    data = build()
    assert review.find_review_marks(data) == []
    assert review.resolve_review_marks(data, accept=False, where="x.docx") is data
    assert review.resolve_review_marks(data, accept=True, where="x.docx") is data


def test_the_refusal_counts_marks_by_kind_then_lists_each_in_reading_order(
    word_reviewed: bytes,
) -> None:
    with pytest.raises(ReviewError) as caught:
        review.resolve_review_marks(word_reviewed, accept=False, where="outputs/report.docx")
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "outputs/report.docx: 12 unresolved review marks (4 insertions, 2 deletions, 1 move, "
        "2 formatting changes, 1 table row inserted, 1 table row deleted, 1 comment)"
    )
    assert lines[1:] == [
        "  formatting change by Anna Reviewer, 2019-02-01: “Summary”",
        "  insertion by Anna Reviewer, 2019-02-01: “twenty-five”",
        "  deletion by Boris Editor, 2019-02-03: “twelve”",
        "  comment by Carla Commenter, 2019-02-05: “Were there two panels or three?”",
        "  formatting change by Anna Reviewer, 2019-02-01: “ministry”",
        "  insertion by Anna Reviewer, 2019-02-01: “A second session is planned for spring 2019.”",
        "  table row deleted by Boris Editor, 2019-02-03: “Jan Novak Ministry of the Interior "
        "Czechia”",
        "  table row inserted by Anna Reviewer, 2019-02-01: “Ana Silva Lisbon City Council "
        "Portugal”",
        "  move by Boris Editor, 2019-02-03: “Open one-stop shops for newcomers in every region.”",
        "  deletion by Boris Editor, 2019-02-03: “Offer Georgian language courses free of charge.”",
        "  insertion in a footnote by Anna Reviewer, 2019-02-01: “(pages 12–14)”",
        "  insertion in a page footer by Anna Reviewer, 2019-02-01: “– second round”",
        "hint: accept or reject them in Word (Review → Accept/Reject), "
        "or publish with --accept-changes",
    ]


def test_a_long_list_of_marks_is_cut_short() -> None:
    def many_insertions(document: Document) -> None:
        for number in range(60):
            p = document.add_paragraph(f"Paragraph {number}.")
            anna().insert(p, f" Added sentence number {number}.")

    with pytest.raises(ReviewError) as caught:
        review.resolve_review_marks(build(many_insertions), accept=False, where="r.docx")
    lines = str(caught.value).splitlines()
    assert lines[0] == "r.docx: 60 unresolved review marks (60 insertions)"
    assert lines[50] == "  insertion by Anna Reviewer, 2019-02-01: “Added sentence number 49.”"
    assert lines[51] == "  … and 10 more"
    assert lines[52].startswith("hint: ")


def test_first_words_are_the_first_eight_words() -> None:
    long = "The ministry will publish the plan in Georgian, English and Russian by March."
    change = lambda d: anna().insert(paragraph(d, "The ministry"), " " + long)  # noqa: E731
    marks = review.find_review_marks(build(change))
    assert marks[0].first_words == "The ministry will publish the plan in Georgian,…"


def test_a_change_written_in_pieces_is_one_mark_and_separate_changes_are_not() -> None:
    def pieces(document: Document) -> None:
        p = paragraph(document, "The ministry")
        anna().insert(p, " It will")
        Reviewer(ANNA, rsid="00D5E6F7").insert(p, " be published")  # another editing session
        anna().insert_paragraph_after(p, "in three languages.")
        anna().insert(paragraph(document, "The workshop"), " Many", after="gathered")

    marks = review.find_review_marks(build(pieces))
    assert [(m.kind, m.first_words) for m in marks] == [
        ("insertion", "Many"),
        ("insertion", "It will be published in three languages."),
    ]


def test_text_one_reviewer_inserted_and_another_deleted_is_gone_once_accepted() -> None:
    def insert_then_delete(document: Document) -> None:
        p = paragraph(document, "The ministry")
        anna().insert(p, " This sentence is withdrawn.")
        inserted_run = p._p.findall(qn("w:ins"))[-1][0]
        wrapper = boris().mark("w:del")
        inserted_run.addprevious(wrapper)
        wrapper.append(inserted_run)
        for t in inserted_run.findall(qn("w:t")):
            t.tag = qn("w:delText")

    data = build(insert_then_delete)
    marks = review.find_review_marks(data)
    assert [(m.kind, m.author) for m in marks] == [("insertion", ANNA), ("deletion", BORIS)]
    accepted = review.resolve_review_marks(data, accept=True, where="r.docx")
    assert "withdrawn" not in reviewed.visible_text(accepted)
    assert "The ministry presented its new action plan." in texts(accepted)


def test_accepting_changes_only_the_parts_that_held_marks(word_reviewed: bytes) -> None:
    accepted = review.resolve_review_marks(word_reviewed, accept=True, where="r.docx")
    before, after = reviewed.members(word_reviewed), reviewed.members(accepted)
    assert set(before) - set(after) == {"word/comments.xml"}
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == [
        "[Content_Types].xml",
        "word/_rels/document.xml.rels",
        DOCUMENT,
        "word/footer1.xml",
        FOOTNOTES,
    ]
    assert marks_left(accepted) == []
    assert review.resolve_review_marks(accepted, accept=False, where="r.docx") is accepted


def test_accepting_removes_every_comment_part_and_every_reference_to_them() -> None:
    data = reviewed.with_comment_companions(build(CASES[11].change))
    assert CASES[11].name == "comment"
    assert reviewed.dangling_references(data) == []
    accepted = review.resolve_review_marks(data, accept=True, where="r.docx")
    parts = reviewed.members(accepted)
    gone = ["word/comments.xml", *reviewed.COMMENT_COMPANIONS]
    assert [name for name in gone if name in parts] == []
    for name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
        assert b"comments" not in parts[name]
        assert b"people" not in parts[name]
    assert reviewed.dangling_references(accepted) == []


def test_changes_to_styles_and_page_setup_are_named() -> None:
    def restyle_definition(document: Document) -> None:
        style = document.styles["Heading 1"].element
        rpr = style.get_or_add_rPr()
        rpr.append(anna().mark("w:rPrChange"))
        rpr[-1].append(etree.Element(qn("w:rPr")))
        sect_pr = document.sections[0]._sectPr
        change = anna().mark("w:sectPrChange")
        change.append(etree.Element(qn("w:sectPr")))
        sect_pr.append(change)

    data = build(restyle_definition)
    marks = [(m.kind, m.first_words, m.part) for m in review.find_review_marks(data)]
    assert marks == [
        ("formatting change", "(page setup)", DOCUMENT),
        ("formatting change", "style Heading 1", "word/styles.xml"),
    ]
    assert str(review.find_review_marks(data)[1]).startswith("formatting change in the styles by")
    accepted = review.resolve_review_marks(data, accept=True, where="r.docx")
    assert marks_left(accepted) == []


def test_an_accepted_document_is_still_a_safe_docx(tmp_path, word_reviewed: bytes) -> None:
    accepted = review.resolve_review_marks(word_reviewed, accept=True, where="r.docx")
    path = tmp_path / "accepted.docx"
    path.write_bytes(accepted)
    assert safety.read_docx_file(path) == accepted


def test_accepting_is_deterministic(word_reviewed: bytes) -> None:
    first = review.resolve_review_marks(word_reviewed, accept=True, where="r.docx")
    assert review.resolve_review_marks(word_reviewed, accept=True, where="r.docx") == first


def test_a_strict_open_xml_document_is_refused_rather_than_misread() -> None:
    strict = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    parts = reviewed.members(build())
    parts[DOCUMENT] = parts[DOCUMENT].replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", strict
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    with pytest.raises(UnsafeDocumentError) as caught:
        review.resolve_review_marks(out.getvalue(), accept=False, where="strict.docx")
    assert str(caught.value).startswith("strict.docx: word/document.xml: is not a Word document")


# -- a large report ----------------------------------------------------------------------------


def table_report(rows: int) -> bytes:
    """The report with a participants table of ``rows`` rows, every 100th row inserted by Anna."""
    document = reviewed.report()
    tbl = document.tables[0]._tbl
    template = tbl.findall(qn("w:tr"))[-1]
    reviewer = anna()
    for number in range(rows):
        tr = etree.fromstring(etree.tostring(template))
        for cell, t in enumerate(tr.iter(qn("w:t"))):
            t.text = f"Participant {number} field {cell}"
        if number % 100 == 0:
            reviewed.mark_row(tr, reviewer.mark("w:ins"))
        tbl.append(tr)
    return reviewed.save(document)


def test_a_report_with_a_2500_row_table_is_checked_quickly(tmp_path) -> None:
    path = tmp_path / "big.docx"
    path.write_bytes(table_report(2_500))
    start = time.perf_counter()
    data = safety.read_docx_file(path)
    marks = review.find_review_marks(data)
    checked = time.perf_counter() - start
    accepted = review.resolve_review_marks(data, accept=True, where=str(path))
    total = time.perf_counter() - start
    assert [m.kind for m in marks] == ["table row inserted"] * 25
    assert len(_document(accepted).tables[0].rows) == 4 + 2_500
    assert checked < 3.0, f"checking took {checked:.2f}s"
    assert total < 6.0, f"checking and accepting took {total:.2f}s"


# -- LibreOffice as the reviewers' word processor ----------------------------------------------

LO_CHANGES = f"""
<text:changed-region xml:id="ct1" text:id="ct1">
 <text:insertion>{reviewed.change_info(ANNA, "2019-02-01T10:15:00Z")}</text:insertion>
</text:changed-region>
<text:changed-region xml:id="ct2" text:id="ct2">
 <text:deletion>{reviewed.change_info(BORIS, LATER)}<text:p>twelve </text:p></text:deletion>
</text:changed-region>
<text:changed-region xml:id="ct3" text:id="ct3">
 <text:format-change>{reviewed.change_info(ANNA, "2019-02-01T10:15:00Z")}</text:format-change>
</text:changed-region>
<text:changed-region xml:id="ct4" text:id="ct4">
 <text:insertion>{reviewed.change_info(ANNA, "2019-02-01T10:15:00Z")}</text:insertion>
</text:changed-region>
<text:changed-region xml:id="ct5" text:id="ct5">
 <text:deletion>{reviewed.change_info(BORIS, LATER)}
  <text:p>Publish the action plan in English and Russian.</text:p><text:p/>
 </text:deletion>
</text:changed-region>
<text:changed-region xml:id="ct6" text:id="ct6">
 <text:insertion>{reviewed.change_info(BORIS, LATER)}</text:insertion>
</text:changed-region>
"""
LO_BODY = """
<text:h text:outline-level="1">Summary</text:h>
<text:p>The workshop gathered<text:change-start text:change-id="ct1"
 /> twenty-five<text:change-end text:change-id="ct1"/> experts in Tbilisi.<text:note
 text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation
 ><text:note-body><text:p>Agenda in annex<text:change-start text:change-id="ct6"
 /> (pages 12–14)<text:change-end text:change-id="ct6"/>.</text:p></text:note-body
 ></text:note></text:p>
<text:p>It heard <text:change text:change-id="ct2"/>presentations and two <office:annotation
 office:name="c1"><dc:creator>Carla Commenter</dc:creator
 ><dc:date>2019-02-05T08:30:00</dc:date><text:p>Were there two panels or three?</text:p
 ></office:annotation>panel discussions<office:annotation-end office:name="c1"/>.</text:p>
<text:p>The <text:change-start text:change-id="ct3"/><text:span
 text:style-name="Bold">ministry</text:span><text:change-end text:change-id="ct3"
 /> presented its new action plan.</text:p>
<text:p><text:change-start text:change-id="ct4"
 />A second session is planned for spring 2019.</text:p>
<text:h text:outline-level="1"><text:change-end text:change-id="ct4"/>Recommendations</text:h>
<text:p>Open one-stop shops for newcomers in every region.</text:p>
<text:p><text:change text:change-id="ct5"/>Offer Georgian language courses free of charge.</text:p>
"""


@pytest.fixture(scope="module")
def libreoffice_reviewed(word_reviewed: bytes) -> dict[str, bytes]:
    """Reviewed DOCX files saved by LibreOffice: its own review, and Word's review saved again."""
    if reviewed.libreoffice() is None:
        pytest.skip("LibreOffice is not installed")
    return reviewed.convert(
        {
            "own.fodt": reviewed.flat_odt(LO_BODY, LO_CHANGES),
            "resaved.docx": word_reviewed,
        },
        "docx:MS Word 2007 XML",
    )


def test_libreoffice_writes_its_review_as_word_markup(
    libreoffice_reviewed: dict[str, bytes],
) -> None:
    data = libreoffice_reviewed["own"]
    body = reviewed.part_xml(data)
    authors = {
        tag: {el.get(f"{W}author") for el in body.iter(f"{W}{tag}")}
        for tag in ("ins", "del", "rPrChange")
    }
    assert authors == {"ins": {ANNA}, "del": {BORIS}, "rPrChange": {ANNA}}
    comments = reviewed.part_xml(data, "word/comments.xml")
    assert [el.get(f"{W}author") for el in comments.iter(f"{W}comment")] == [CARLA]
    assert reviewed.part_xml(data, FOOTNOTES).find(f".//{W}ins") is not None


def test_the_guard_finds_what_libreoffice_wrote(libreoffice_reviewed: dict[str, bytes]) -> None:
    marks = review.find_review_marks(libreoffice_reviewed["own"])
    assert [(m.kind, m.author, m.date[:10], m.first_words, m.part) for m in marks] == [
        ("insertion", ANNA, "2019-02-01", "twenty-five", DOCUMENT),
        ("deletion", BORIS, "2019-02-03", "twelve", DOCUMENT),
        ("comment", CARLA, "2019-02-05", "Were there two panels or three?", DOCUMENT),
        ("formatting change", ANNA, "2019-02-01", "ministry", DOCUMENT),
        ("insertion", ANNA, "2019-02-01", "A second session is planned for spring 2019.", DOCUMENT),
        (
            "deletion",
            BORIS,
            "2019-02-03",
            "Publish the action plan in English and Russian.",
            DOCUMENT,
        ),
        ("insertion", BORIS, "2019-02-03", "(pages 12–14)", FOOTNOTES),
    ]


def test_accepting_what_libreoffice_wrote(libreoffice_reviewed: dict[str, bytes]) -> None:
    accepted = review.resolve_review_marks(libreoffice_reviewed["own"], accept=True, where="lo")
    assert texts(accepted) == [
        "Summary",
        "The workshop gathered twenty-five experts in Tbilisi.",
        "It heard presentations and two panel discussions.",
        "The ministry presented its new action plan.",
        "A second session is planned for spring 2019.",
        "Recommendations",
        "Open one-stop shops for newcomers in every region.",
        "Offer Georgian language courses free of charge.",
    ]
    assert paragraph(_document(accepted), "The ministry").runs[1].bold
    assert "Agenda in annex (pages 12–14)." in reviewed.visible_text(accepted, FOOTNOTES)
    assert marks_left(accepted) == []


def test_a_word_review_saved_again_by_libreoffice_keeps_every_mark(
    word_reviewed: bytes, libreoffice_reviewed: dict[str, bytes]
) -> None:
    ours = review.find_review_marks(word_reviewed)
    theirs = review.find_review_marks(libreoffice_reviewed["resaved"])
    assert [(m.kind, m.author, m.first_words) for m in theirs] == [
        (m.kind, m.author, m.first_words) for m in ours
    ]
    accepted = review.resolve_review_marks(libreoffice_reviewed["resaved"], accept=True, where="x")
    expected = review.resolve_review_marks(word_reviewed, accept=True, where="x")
    assert [t for t in texts(accepted) if t] == [t for t in texts(expected) if t]


def test_libreoffice_reads_the_accepted_documents_as_accepted(
    word_reviewed: bytes, libreoffice_reviewed: dict[str, bytes]
) -> None:
    accepted = {
        f"{name}.docx": review.resolve_review_marks(data, accept=True, where=name)
        for name, data in (("word", word_reviewed), ("lo", libreoffice_reviewed["own"]))
    }
    plain = reviewed.convert(accepted, "txt:Text (encoded):UTF8")
    word_text = plain["word"].decode("utf-8-sig")
    assert "gathered twenty-five experts" in word_text
    assert "It heard presentations" in word_text
    assert "Offer Georgian" not in word_text
    assert "Were there two panels" not in word_text
    assert "Ana Silva" in word_text and "Jan Novak" not in word_text
    lo_text = plain["lo"].decode("utf-8-sig")
    assert "A second session is planned for spring 2019." in lo_text
    assert "Publish the action plan" not in lo_text
