"""The tags of the PDF (pdf/tagging.py): what veraPDF does not check, checked with pikepdf."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary

from conftest import Generated, pdf_text
from reportgen.language.scripts import script_runs
from tagtree import marked_content, read_aloud

EXAMPLE = "tbilisi-2018-migrant-integration"


def kids(node: pikepdf.Object) -> list[pikepdf.Object]:
    k = node.get("/K")
    return [] if k is None else list(k) if isinstance(k, Array) else [k]


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    out, stack = [], list(reversed(kids(pdf.Root.StructTreeRoot)))
    while stack:
        node = stack.pop()
        if isinstance(node, Dictionary) and node.get("/Type") not in ("/MCR", "/OBJR"):
            out.append(node)
            stack.extend(reversed(kids(node)))
    return out


# -- read aloud --------------------------------------------------------------------------


def test_the_report_read_aloud_has_no_page_furniture(published_pdfs: dict[str, Path]) -> None:
    text = read_aloud(published_pdfs[EXAMPLE])
    assert "Page " not in text and " of 9" not in text
    # The running header repeats the title on every page; read aloud, it is the
    # cover's title only.
    assert text.count("Expert Workshop on Migrant Integration Practices") == 1
    # The footer's reference is read once, on the cover.
    assert text.count("ODIHR.GAL/9/19") == 1


def test_the_contents_read_aloud_have_no_leader_dots(published_pdfs: dict[str, Path]) -> None:
    text = read_aloud(published_pdfs[EXAMPLE])
    assert ". ." not in text
    assert "\nExecutive summary 3\nIntroduction 3\n" in text


def test_hyphenated_words_are_read_and_extracted_whole(published_pdfs: dict[str, Path]) -> None:
    pdf = published_pdfs[EXAMPLE]
    for text in (read_aloud(pdf), pdf_text(pdf)):
        assert "\u2010" not in text  # the hyphens WeasyPrint adds at line ends
        assert "good practices in the integration" in " ".join(text.split())
    # Hyphenation is on: the page really has words broken at line ends.
    with pikepdf.open(pdf) as opened:
        glyphs = [
            "".join(mark.glyphs) for page in opened.pages for mark in marked_content(opened, page)
        ]
    assert any(text.endswith("\u2010") for text in glyphs)


def test_the_draft_read_aloud_has_no_watermark_or_running_draft_label(
    generated: dict[str, Generated],
) -> None:
    text = read_aloud(generated[EXAMPLE].pdf)
    # The cover's "Draft for review" line is the report's; the mark on every page is not.
    assert "DRAFT" not in text
    assert text.count("Expert Workshop on Migrant Integration Practices") == 1


# -- artifacts ---------------------------------------------------------------------------


def artifacts(path: Path) -> list[tuple[int, str, str, str]]:
    """(page, /Type, /Subtype, text) of every artifact with properties, forms included."""
    found = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for mark in marked_content(pdf, page):
                if mark.tag == "/Artifact" and mark.properties:
                    found.append(
                        (
                            number,
                            str(mark.properties.get("/Type")),
                            str(mark.properties.get("/Subtype", "")),
                            "".join(mark.glyphs),
                        )
                    )
            for _, xobject in page.obj.Resources.get("/XObject", {}).items():
                if xobject.get("/Subtype") == "/Form" and b"/Watermark" in xobject.read_bytes():
                    found.append((number, "/Watermark", "", ""))
    return found


def test_running_headers_and_footers_are_pagination_artifacts(
    published_pdfs: dict[str, Path],
) -> None:
    found = artifacts(published_pdfs[EXAMPLE])
    pages = pikepdf.open(published_pdfs[EXAMPLE]).pages.__len__()
    headers = {(n, t) for n, kind, sub, t in found if kind == "/Pagination" and sub == "/Header"}
    footers = [(n, t) for n, kind, sub, t in found if kind == "/Pagination" and sub == "/Footer"]
    # Every page but the cover: the title above, the reference and "Page N of M" below.
    assert headers == {
        (n, "Expert Workshop on Migrant Integration Practices") for n in range(1, pages)
    }
    for number in range(1, pages):
        below = " ".join("".join(t for n, t in footers if n == number).split())
        assert below == f"ODIHR.GAL/9/19Page {number + 1} of {pages}"


def test_leader_dots_are_layout_artifacts(published_pdfs: dict[str, Path]) -> None:
    dots = [t for n, kind, _, t in artifacts(published_pdfs[EXAMPLE]) if kind == "/Layout"]
    assert len(dots) > 100 and {t.strip() for t in dots} == {"."}


def test_the_draft_mark_is_a_watermark_and_a_header(generated: dict[str, Generated]) -> None:
    found = artifacts(generated[EXAMPLE].pdf)
    assert {n for n, kind, _, _ in found if kind == "/Watermark"} >= set(range(1, 9))
    assert (1, "/Pagination", "/Header", "DRAFT") in found


def test_the_published_pdf_has_no_watermark(published_pdfs: dict[str, Path]) -> None:
    assert not [a for a in artifacts(published_pdfs[EXAMPLE]) if a[1] == "/Watermark"]


# -- the tree ----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["draft", "published"])
def test_the_structure_tree_holds_all_content_and_nothing_outside(
    which: str, generated: dict[str, Generated], published_pdfs: dict[str, Path]
) -> None:
    for stem in generated:
        path = generated[stem].pdf if which == "draft" else published_pdfs[stem]
        with pikepdf.open(path) as pdf:
            tree = elements(pdf)
            reachable = {element.objgen for element in tree}
            # Every element's /P is its parent.
            for element in tree:
                for kid in kids(element):
                    if isinstance(kid, Dictionary) and kid.get("/Type") is None:
                        assert kid.P.objgen == element.objgen
            # Every marked content with an MCID belongs to an element in the tree,
            # and the parent tree names no element outside it.
            nums = pdf.Root.StructTreeRoot.ParentTree.Nums
            parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            for page in pdf.pages:
                array = parents[int(page.StructParents)]
                for mark in marked_content(pdf, page):
                    if "/MCID" in mark.properties:
                        element = array[int(mark.properties["/MCID"])]
                        assert element.objgen in reachable, (path.name, mark.text)
                    else:
                        assert mark.tag == "/Artifact", (path.name, mark.tag, mark.text)
            for value in parents.values():
                for element in value if isinstance(value, Array) else [value]:
                    if isinstance(element, Dictionary):
                        assert element.objgen in reachable


def test_the_contents_are_toc_items_with_one_described_link_each(
    published_pdfs: dict[str, Path],
) -> None:
    with pikepdf.open(published_pdfs[EXAMPLE]) as pdf:
        tree = elements(pdf)
        tocs = [e for e in tree if e.S == "/TOC"]
        assert len(tocs) == 1
        items = kids(tocs[0])
        assert len(items) > 10 and all(item.S == "/TOCI" for item in items)
        with pdf.open_outline() as outline:
            titles = [item.title for item in _outline(outline.root)]
        descriptions = []
        for item in items:
            (link,) = kids(item)
            assert link.S == "/Link"
            objrs = [
                k for k in kids(link) if isinstance(k, Dictionary) and k.get("/Type") == "/OBJR"
            ]
            assert len(objrs) == 1
            descriptions.append(str(objrs[0].Obj.Contents))
        # Each link says where it leads: the heading's words, as in the bookmarks.
        assert descriptions == [t for t in titles if t != "Contents"]
        # One annotation per entry: WeasyPrint's nested ones for the leader are gone.
        assert len(pdf.pages[1].Annots) == len(items)


def _outline(items, depth=2):
    """Bookmarks to ``depth`` levels: the headings the contents list (Word's TOC \\o "1-2")."""
    for item in items:
        yield item
        if depth > 1:
            yield from _outline(item.children, depth - 1)


def test_header_cells_have_a_scope(published_pdfs: dict[str, Path]) -> None:
    with pikepdf.open(published_pdfs["vienna-2019-hate-crime-data"]) as pdf:
        headers = [e for e in elements(pdf) if e.S == "/TH"]
        assert headers
        assert {str(h.A.Scope) for h in headers} == {"/Column"}


def test_footnotes_are_notes_after_their_reference(published_pdfs: dict[str, Path]) -> None:
    with pikepdf.open(published_pdfs[EXAMPLE]) as pdf:
        tree = elements(pdf)
        notes = [e for e in tree if e.S == "/Note"]
        assert len(notes) == 1  # the example's one footnote
        ids = [str(note.ID) for note in notes]
        assert len(set(ids)) == len(ids)
        for note in notes:
            siblings = kids(note.P)
            at = next(i for i, k in enumerate(siblings) if k.objgen == note.objgen)
            assert siblings[at - 1].S == "/Reference"
            assert kids(note)[0].S == "/Lbl"
        # No footnote text is left outside a Note at the top of the tree.
        assert [e.S for e in kids(pdf.Root.StructTreeRoot.K[0])] == ["/Sect"] + ["/Part"] * (
            len(kids(pdf.Root.StructTreeRoot.K[0])) - 1
        )


def test_a_georgian_name_in_a_russian_report_has_its_language(
    published_pdfs: dict[str, Path],
) -> None:
    with pikepdf.open(published_pdfs[f"{EXAMPLE}.ru"]) as pdf:
        assert str(pdf.Root.Lang).startswith("ru")
        marked = [e for e in elements(pdf) if "/Lang" in e]
        assert [str(e.Lang) for e in marked] == ["ka"]
    assert "Тбилиси (თბილისი)" in read_aloud(published_pdfs[f"{EXAMPLE}.ru"])


def test_runs_in_another_script_are_cut_at_their_words() -> None:
    assert script_runs("Нино Беридзе (ნინო ბერიძე), эксперт") == [
        ("Нино Беридзе (", None),
        ("ნინო ბერიძე", "ka"),
        ("), эксперт", None),
    ]
    assert script_runs("Anahit (Անահիտ) and Ana") == [
        ("Anahit (", None),
        ("Անահիտ", "hy"),
        (") and Ana", None),
    ]
    assert script_runs("plain") == [("plain", None)]


def test_the_claim_is_in_the_xmp_metadata(published_pdfs: dict[str, Path]) -> None:
    with pikepdf.open(published_pdfs[EXAMPLE]) as pdf:
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "3" and metadata["pdfaid:conformance"] == "A"
        assert metadata["pdfuaid:part"] == "1"
        packet = pdf.Root.Metadata.read_bytes()
        assert re.search(rb"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>", packet)
        for page in pdf.pages:
            for _, image in page.Resources.get("/XObject", {}).items():
                assert image.get("/Interpolate") is not True


@pytest.mark.parametrize("which", ["draft", "published"])
def test_pdfua_finds_nothing_in_any_example(
    which: str, generated: dict[str, Generated], published_pdfs: dict[str, Path]
) -> None:
    """pdfua (from PyPI), a second opinion beside veraPDF, on every example."""
    import pdfua

    for stem in generated:
        path = generated[stem].pdf if which == "draft" else published_pdfs[stem]
        findings = [f for o in pdfua.validate(str(path)).outcomes for f in o.findings]
        assert [(f.rule_id, f.message) for f in findings] == [], path.name
