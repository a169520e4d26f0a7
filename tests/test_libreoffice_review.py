"""LibreOffice as a reviewer (tests/libreoffice_review.py): each edit, checked in the saved DOCX."""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

import libreoffice_review as lo
from conftest import Generated
from reportgen import documents as d
from reportgen.provenance import MARK_PREFIX
from reportgen.word.namespaces import qn
from reportgen.word.reader import read_docx
from reportgen.xmlparsing import parse

ENGLISH = "tbilisi-2018-migrant-integration"
RUSSIAN = "tbilisi-2018-migrant-integration.ru"
URL = "https://reviewers.example.org/source"
NOTE = "A note added in review."
COMMENT = "Is this still right?"
COMMENTER = "Carla Commenter"
REWRITTEN = "A paragraph rewritten in review."
ADDED_POINT = "A point added in review."
APPENDED = " Added in review."
REVISED = "REVISED WORDING"
REVISIONS = ("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange", "w:pPrChange")


@pytest.fixture(scope="module", autouse=True)
def libreoffice_with_uno() -> None:
    if reason := lo.available():
        pytest.fail(f"these tests need LibreOffice and its Python bridge: {reason}")


# -- what to edit, chosen by what the blocks are (so any language will do) ---------------------


@dataclass(frozen=True)
class Block:
    """A marked paragraph of the generated report: its bookmark and its plain words."""

    name: str  # "_rg9"
    text: str
    words: str  # a few words from plain text of it, found once in it


@dataclass(frozen=True)
class Plan:
    paragraphs: list[Block]  # body paragraphs, outside lists, quotes and tables
    first_list: list[Block]  # the items of the first bullet list (key points)
    second_list: list[Block]  # the items of the next one (good practices)

    def edits(self, *, comment: bool = True) -> list[lo.Edit]:
        """One edit of each kind; without a comment, LibreOffice keeps a view throughout."""
        p, items, others = self.paragraphs, self.first_list, self.second_list
        edits = [
            lo.replace(p[0].name, p[0].words, REVISED),
            lo.append(p[1].name, APPENDED, bold=True),
            lo.format(p[2].name, p[2].words, bold=True),
            lo.format(p[3].name, p[3].words, italic=True),
            lo.link(p[4].name, p[4].words, URL),
            lo.footnote(p[5].name, p[5].words, NOTE),
            lo.set_text(p[6].name, REWRITTEN),
            lo.insert_after(items[0].name, ADDED_POINT),
            lo.delete(items[-1].name),
            lo.move_before(others[2].name, others[0].name),
        ]
        if comment:
            edits.insert(7, lo.comment(p[7].name, p[7].words, COMMENT, COMMENTER))
        return edits


def plan(docx: Path) -> Plan:
    document = read_docx(docx.read_bytes())
    paragraphs: list[Block] = []
    lists: list[list[Block]] = []
    for block in document.children:
        if isinstance(block, d.Paragraph) and block.mark and block.style == "Normal":
            paragraphs.append(marked(block))
        elif isinstance(block, d.ListBlock) and not block.ordered:
            lists.append([marked(item.children[0]) for item in block.items])
    assert len(paragraphs) >= 8 and len(lists) >= 2 and len(lists[1]) >= 3
    return Plan(paragraphs, lists[0], lists[1])


def marked(block: d.Block) -> Block:
    assert isinstance(block, d.Paragraph) and block.mark
    text = d.plain_text(block.children)
    return Block(MARK_PREFIX + block.mark, text, plain_words(block, text))


def plain_words(paragraph: d.Paragraph, text: str, count: int = 2) -> str:
    """``count`` words of the paragraph, from text without formatting, found once in it."""
    for node in paragraph.children:
        if isinstance(node, d.Text):
            words = node.text.split()
            for first in range(1, len(words) - count):
                candidate = " ".join(words[first : first + count])
                if candidate in node.text and text.count(candidate) == 1:
                    return candidate
    raise AssertionError(f"no plain words to edit in {text!r}")


# -- the edits, made once in each mode ---------------------------------------------------------


@dataclass(frozen=True)
class Reviewed:
    plan: Plan
    review: lo.Review
    source: Path

    @property
    def document(self) -> d.Document:
        return read_docx(self.review.docx.read_bytes())

    def block(self, name: str) -> d.Paragraph | d.Heading:
        """The block whose mark (its bookmark's start) is ``name``."""
        found = [b for b in blocks(self.document.children) if MARK_PREFIX + b.mark == name]
        assert len(found) == 1, (name, found)
        return found[0]


blocks = d.paragraphs  # every paragraph and heading, however deep


@pytest.fixture(scope="module")
def accepted(generated: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    """The English report, edited in LibreOffice with Track Changes on, all accepted."""
    source = generated[ENGLISH].docx
    chosen = plan(source)
    target = tmp_path_factory.mktemp("accepted") / "reviewed.docx"
    return Reviewed(chosen, lo.review(source, chosen.edits(), target), source)


@pytest.fixture(scope="module")
def tracked(generated: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    """The Russian report, the same edits but the comment, saved with the changes tracked."""
    source = generated[RUSSIAN].docx
    chosen = plan(source)
    target = tmp_path_factory.mktemp("tracked") / "reviewed.docx"
    edits = chosen.edits(comment=False)
    return Reviewed(chosen, lo.review(source, edits, target, accept=False), source)


def part(docx: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx) as archive:
        return parse(archive.read(name), name)


def bookmarks(docx: Path) -> list[str]:
    starts = part(docx, "word/document.xml").iter(qn("w:bookmarkStart"))
    return [start.get(qn("w:name")) for start in starts]


def paragraph_xml(docx: Path, name: str) -> etree._Element:
    """The w:p holding the start of bookmark ``name``."""
    for start in part(docx, "word/document.xml").iter(qn("w:bookmarkStart")):
        if start.get(qn("w:name")) == name:
            return next(start.iterancestors(qn("w:p")))
    raise AssertionError(f"no bookmark {name}")


def revisions(root: etree._Element) -> set[str]:
    return {tag for tag in REVISIONS if root.find(f".//{qn(tag)}") is not None}


def texts_in(nodes: list[d.Inline], kind: type) -> list[str]:
    """The plain text of each inline of ``kind``, however deep."""
    found = []
    for node in nodes:
        if isinstance(node, kind):
            found.append(d.plain_text([node]))
        elif isinstance(node, d.Strong | d.Emphasis | d.Link):
            found += texts_in(node.children, kind)
    return found


# -- each edit, accepted -----------------------------------------------------------------------


def test_replaced_words_give_way_to_the_new_ones_in_their_paragraph(accepted: Reviewed) -> None:
    edited = accepted.plan.paragraphs[0]
    text = d.plain_text(accepted.block(edited.name).children)
    assert text == edited.text.replace(edited.words, REVISED, 1)


def test_appended_bold_text_ends_its_paragraph(accepted: Reviewed) -> None:
    edited = accepted.plan.paragraphs[1]
    paragraph = accepted.block(edited.name)
    assert d.plain_text(paragraph.children) == edited.text + APPENDED
    assert texts_in(paragraph.children, d.Strong)[-1].strip() == APPENDED.strip()


def test_formatted_words_turn_bold_and_italic(accepted: Reviewed) -> None:
    bold, italic = accepted.plan.paragraphs[2], accepted.plan.paragraphs[3]
    assert bold.words in texts_in(accepted.block(bold.name).children, d.Strong)
    assert italic.words in texts_in(accepted.block(italic.name).children, d.Emphasis)
    for edited in (bold, italic):
        assert d.plain_text(accepted.block(edited.name).children) == edited.text


def test_linked_words_become_a_hyperlink_to_the_address(accepted: Reviewed) -> None:
    edited = accepted.plan.paragraphs[4]
    links = [n for n in accepted.block(edited.name).children if isinstance(n, d.Link)]
    assert [d.plain_text(link.children) for link in links if link.href == URL] == [edited.words]


def test_a_footnote_follows_its_words(accepted: Reviewed) -> None:
    edited = accepted.plan.paragraphs[5]
    inlines = accepted.block(edited.name).children
    [at] = [i for i, n in enumerate(inlines) if isinstance(n, d.FootnoteRef)]
    note = inlines[at]
    assert isinstance(note, d.FootnoteRef)
    assert d.plain_text(inlines[:at]).endswith(edited.words)
    assert d.plain_text(note.body).strip() == NOTE


def test_set_text_replaces_the_whole_paragraph_and_keeps_its_mark(accepted: Reviewed) -> None:
    edited = accepted.plan.paragraphs[6]
    assert d.plain_text(accepted.block(edited.name).children) == REWRITTEN


def test_the_comment_is_in_comments_xml_and_spans_its_words(accepted: Reviewed) -> None:
    edited = accepted.plan.paragraphs[7]
    docx = accepted.review.docx
    [comment] = part(docx, "word/comments.xml").iter(qn("w:comment"))
    assert comment.get(qn("w:author")) == COMMENTER
    assert "".join(t.text for t in comment.iter(qn("w:t"))) == COMMENT
    assert comment.get(qn("w:date"), "").startswith("20")  # a real date, not 0-00-00
    paragraph = paragraph_xml(docx, edited.name)
    inside, spanned = False, ""
    for element in paragraph.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:t")):
        if element.tag == qn("w:t"):
            spanned += element.text if inside else ""
        else:
            inside = element.tag == qn("w:commentRangeStart")
    assert spanned == edited.words
    assert d.plain_text(accepted.block(edited.name).children) == edited.text


def the_list_holding(document: d.Document, text: str) -> d.ListBlock:
    for block in document.children:
        if isinstance(block, d.ListBlock) and any(
            d.plain_text(item.children) == text for item in block.items
        ):
            return block
    raise AssertionError(f"no list holds {text!r}")


def test_a_paragraph_inserted_after_a_list_item_is_the_next_item_of_its_list(
    accepted: Reviewed,
) -> None:
    items = accepted.plan.first_list
    listed = the_list_holding(accepted.document, items[0].text)
    texts = [d.plain_text(item.children) for item in listed.items]
    assert texts == [items[0].text, ADDED_POINT, *(item.text for item in items[1:-1])]
    added = listed.items[1].children[0]
    assert isinstance(added, d.Paragraph) and added.mark == ""  # marks are not copied


def test_a_deleted_paragraph_leaves_no_empty_paragraph_and_the_next_block_as_it_was(
    accepted: Reviewed,
) -> None:
    deleted = accepted.plan.first_list[-1]
    original = read_docx(accepted.source.read_bytes()).children
    after = next(
        original[i + 1]
        for i, b in enumerate(original)
        if isinstance(b, d.ListBlock) and d.plain_text(b.items[-1].children) == deleted.text
    )
    children = accepted.document.children
    listed = the_list_holding(accepted.document, accepted.plan.first_list[0].text)
    assert children[children.index(listed) + 1] == after  # a heading stays a heading
    assert deleted.text not in [d.plain_text(b.children) for b in blocks(children)]
    assert deleted.name not in bookmarks(accepted.review.docx)


def test_a_moved_paragraph_comes_before_the_other_under_a_copy_s_bookmark(
    accepted: Reviewed,
) -> None:
    others = accepted.plan.second_list
    listed = the_list_holding(accepted.document, others[0].text)
    assert [d.plain_text(item.children) for item in listed.items] == [
        others[2].text,
        others[0].text,
        others[1].text,
        *(item.text for item in others[3:]),
    ]
    # LibreOffice pastes the cut bookmark under a new name: the cut text, with
    # the original, stays in the document (as a tracked move) until accepted.
    moved = paragraph_xml(accepted.review.docx, others[2].name + "_Copy_1")
    assert "".join(t.text for t in moved.iter(qn("w:t"))) == others[2].text
    assert others[2].name not in bookmarks(accepted.review.docx)


def test_every_other_mark_stays_on_its_paragraph(accepted: Reviewed) -> None:
    before = read_docx(accepted.source.read_bytes())
    gone = {accepted.plan.first_list[-1].name, accepted.plan.second_list[2].name}
    edited = {block.name for block in accepted.plan.paragraphs[:8]}
    after = {MARK_PREFIX + b.mark: b for b in blocks(accepted.document.children) if b.mark}
    for block in blocks(before.children):
        name = MARK_PREFIX + block.mark
        if block.mark and name not in gone:
            assert name in after, name
            if name not in edited:  # same kind, same words (LibreOffice may restyle runs)
                assert type(after[name]) is type(block), name
                assert d.plain_text(after[name].children) == d.plain_text(block.children), name


def test_accepted_changes_leave_no_revision_marks(accepted: Reviewed) -> None:
    assert accepted.review.tracked >= len(accepted.plan.edits()) - 1  # a comment is no change
    for name in ("word/document.xml", "word/footnotes.xml"):
        assert revisions(part(accepted.review.docx, name)) == set(), name


# -- the same edits, kept as tracked changes ---------------------------------------------------


def test_kept_changes_are_tracked_in_the_docx_under_the_reviewer_s_name(tracked: Reviewed) -> None:
    root = part(tracked.review.docx, "word/document.xml")
    assert revisions(root) == {"w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange"}
    authors = {
        mark.get(qn("w:author"))
        for tag in ("w:ins", "w:del", "w:moveFrom", "w:moveTo")
        for mark in root.iter(qn(tag))
    }
    assert authors == {lo.AUTHOR}
    assert tracked.review.tracked >= len(tracked.plan.edits())


def test_each_kept_change_is_tracked_where_it_was_made(tracked: Reviewed) -> None:
    p, items = tracked.plan.paragraphs, tracked.plan.first_list
    docx = tracked.review.docx
    expected = {
        p[0].name: {"w:del", "w:ins"},  # replace
        p[1].name: {"w:ins"},  # append
        p[2].name: {"w:rPrChange"},  # bold
        p[3].name: {"w:rPrChange"},  # italic
        p[5].name: {"w:ins"},  # the footnote's reference
        p[6].name: {"w:del", "w:ins"},  # set_text
        items[0].name: {"w:ins"},  # the end of the item, where a paragraph was inserted
        items[-1].name: {"w:del"},  # deleted, with its paragraph mark
    }
    for name, marks in expected.items():
        assert revisions(paragraph_xml(docx, name)) == marks, name
    deleted = paragraph_xml(docx, items[-1].name)
    assert deleted.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:del')}") is not None
    assert revisions(paragraph_xml(docx, tracked.plan.second_list[2].name)) == {"w:moveFrom"}
    moved = tracked.plan.second_list[2].name + "_Copy_1"
    assert revisions(paragraph_xml(docx, moved)) == {"w:moveTo"}


def test_kept_changes_read_as_accepted_give_the_edited_text(tracked: Reviewed) -> None:
    p = tracked.plan.paragraphs
    assert d.plain_text(tracked.block(p[0].name).children) == p[0].text.replace(
        p[0].words, REVISED, 1
    )
    assert d.plain_text(tracked.block(p[6].name).children) == REWRITTEN


def test_a_deleted_item_kept_tracked_makes_the_next_heading_an_item_once_accepted(
    tracked: Reviewed,
) -> None:
    # LibreOffice's own view keeps the heading; what it writes says otherwise
    # (see libreoffice_review.py): absorb must expect this of a LibreOffice DOCX.
    deleted = tracked.plan.first_list[-1]
    original = read_docx(tracked.source.read_bytes()).children
    [after] = [
        original[i + 1]
        for i, b in enumerate(original)
        if isinstance(b, d.ListBlock) and d.plain_text(b.items[-1].children) == deleted.text
    ]
    assert isinstance(after, d.Heading)
    heading = d.plain_text(after.children)
    listed = the_list_holding(tracked.document, tracked.plan.first_list[0].text)
    assert heading in [d.plain_text(item.children) for item in listed.items]


def test_without_comments_the_cover_keeps_its_first_page_header_and_footer(
    tracked: Reviewed,
) -> None:
    section = part(tracked.review.docx, "word/document.xml").find(f".//{qn('w:sectPr')}")
    assert section is not None and section.find(qn("w:titlePg")) is not None
    firsts = [
        reference.tag
        for reference in section
        if reference.tag in (qn("w:headerReference"), qn("w:footerReference"))
        and reference.get(qn("w:type")) == "first"
    ]
    assert firsts == [qn("w:headerReference"), qn("w:footerReference")]


# -- problems ----------------------------------------------------------------------------------


def test_an_edit_of_words_not_in_the_paragraph_fails_naming_the_edit(
    generated: dict[str, Generated], tmp_path: Path
) -> None:
    source = generated[ENGLISH].docx
    chosen = plan(source)
    edits = [
        lo.replace(chosen.paragraphs[0].name, chosen.paragraphs[0].words, REVISED),
        lo.format(chosen.paragraphs[1].name, "words nobody wrote", bold=True),
    ]
    with pytest.raises(lo.LibreOfficeEditError, match=r"edit 2 \(format\).*words nobody wrote"):
        lo.review(source, edits, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_an_edit_of_a_bookmark_not_in_the_document_fails_naming_it(
    generated: dict[str, Generated], tmp_path: Path
) -> None:
    with pytest.raises(lo.LibreOfficeEditError, match=r"edit 1 \(delete\).*'_rg99999'"):
        lo.review(generated[ENGLISH].docx, [lo.delete("_rg99999")], tmp_path / "out.docx")


def test_a_document_with_comments_takes_only_comments(accepted: Reviewed, tmp_path: Path) -> None:
    # LibreOffice without GUI aborts when a view shows a comment: refused before it starts.
    edit = lo.delete(accepted.plan.paragraphs[0].name)
    with pytest.raises(lo.LibreOfficeEditError, match="has comments"):
        lo.review(accepted.review.docx, [edit], tmp_path / "out.docx")


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile
    return found


def test_a_call_out_of_time_stops_libreoffice_and_removes_its_profile(
    generated: dict[str, Generated], tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    source = generated[ENGLISH].docx
    # The pause outlasts the timeout however fast the machine starts LibreOffice.
    with pytest.raises(TimeoutError):
        lo.review(source, [lo.pause(600)], tmp_path / "out.docx", timeout=8, scratch=scratch)
    deadline = time.monotonic() + 10
    while processes_mentioning(str(scratch)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(scratch)) == []
    assert list(scratch.iterdir()) == []
