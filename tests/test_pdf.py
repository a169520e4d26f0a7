"""The PDF: HTML from the document model, typeset by WeasyPrint with the template's print CSS.

PDFs are read back as a reader would: pdftotext for the words on each page,
pikepdf for the structure (tags, bookmarks, fonts, metadata).
"""

from __future__ import annotations

import http.server
import io
import logging
import random
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from PIL import Image as PILImage

from conftest import pdf_text
from ooxml import save
from reportgen import documents as d
from reportgen.pdf.fetcher import FetchRefused, TemplateFetcher
from reportgen.pdf.html import write_html
from reportgen.pdf.render import render_pdf
from reportgen.results import Warnings
from reportgen.templates import Template, load_template
from reportgen.word.reader import read_docx

TEMPLATE_FOLDER = Path(__file__).resolve().parents[1] / "templates" / "meeting-report"
MARKUP = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template(TEMPLATE_FOLDER)


def T(text: str) -> d.Text:
    return d.Text(text)


def P(*children: d.Inline, style: str = "Normal") -> d.Paragraph:
    return d.Paragraph(list(children), style=style)


def png_bytes() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (30, 20), (0, 85, 140)).save(out, format="PNG")
    return out.getvalue()


LONG = (
    "Participants discussed the role of independent institutions in protecting the rights "
    "of persons belonging to national minorities, and the practical steps needed to make "
    "consultation mechanisms effective at the local level. "
)


def every_node() -> d.Document:
    """A report with every kind of node the model has."""
    return d.Document(
        children=[
            d.Image(
                png_bytes(), "image/png", alt="Office for Democratic Institutions", width_mm=40
            ),
            P(T("Office for Democratic Institutions"), style="Cover Organizer"),
            P(T("Expert Workshop on Tolerance"), style="Title"),
            P(T("Follow-up meeting report"), style="Subtitle"),
            P(T("Tbilisi, 29 November 2018"), style="Cover Details"),
            P(T("DRAFT"), style="Draft Mark"),
            P(T("Prepared from the rapporteur's notes."), style="Small Print"),
            d.PageBreak(),
            d.TableOfContents(title="Contents"),
            d.PageBreak(),
            d.Heading(1, [T("Executive summary")]),
            P(
                T("Text with "),
                d.Strong([T("strong words")]),
                T(", "),
                d.Emphasis([T("emphasised words")]),
                T(", a "),
                d.Link("https://www.osce.org/odihr", [T("web link")]),
                T(" and a footnote"),
                d.FootnoteRef([P(T("FIRSTNOTE on the mandate."))]),
                T("."),
            ),
            P(T(MARKUP + ' & "quoted"')),
            d.Heading(2, [T("Background")]),
            *[P(T(LONG * 3)) for _ in range(3)],
            d.Quote([P(T("Tolerance asks something of every institution."))], [T("A speaker")]),
            d.Heading(1, [T("Recommendations")]),
            P(T("To participating States"), style="Addressee"),
            d.ListBlock(
                True, [d.ListItem([P(T("Adopt a plan."))]), d.ListItem([P(T("Consult."))])]
            ),
            P(T("To ODIHR"), style="Addressee"),
            d.ListBlock(
                True,
                [
                    d.ListItem([P(T("Train officials."))]),
                    d.ListItem(
                        [
                            P(T("Publish guidance.")),
                            d.ListBlock(False, [d.ListItem([P(T("A point."))])]),
                        ]
                    ),
                ],
                start=3,
            ),
            d.Heading(3, [T("Third-level heading")]),
            P(
                T("Before the break"),
                d.LineBreak(),
                T("after the break"),
                d.FootnoteRef([P(T("SECONDNOTE."))]),
            ),
            d.Heading(1, [T("Hidden from the contents")], in_toc=False),
            d.Heading(1, [T("Annex: participants")]),
            d.Table(
                [
                    d.TableRow(
                        [d.TableCell([P(T("Name"))]), d.TableCell([P(T("Country"))])], header=True
                    ),
                    *[
                        d.TableRow(
                            [d.TableCell([P(T(f"Person {i}"))]), d.TableCell([P(T("Georgia"))])]
                        )
                        for i in range(8)
                    ],
                ],
                widths=[2, 1],
            ),
            d.Image(png_bytes(), "image/png", alt="The workshop logo", width_mm=30),
            P(T("Contact: office@example.org"), style="Contact"),
        ],
        metadata=d.Metadata(
            title="Expert Workshop on Tolerance",
            subject="Follow-up meeting report",
            authors=["Nino Beridze", "Jan Kowalski"],
            keywords=["tolerance", "workshop"],
            language="en",
            reference="ODIHR.GAL/12/18",
            created=date(2018, 12, 10),
        ),
        furniture=d.PageFurniture(
            header="Workshop on Tolerance",
            footer="ODIHR.GAL/12/18",
            first=d.RunningText(),  # the cover's, empty, as reportgen's DOCX has it
        ),
    )


@pytest.fixture(scope="module")
def draft_pdf(template: Template) -> bytes:
    warnings = Warnings()
    pdf = render_pdf(write_html(every_node(), template, draft=True), template, warnings=warnings)
    assert warnings.messages == []
    return pdf


@pytest.fixture(scope="module")
def final_pdf(template: Template) -> bytes:
    return render_pdf(write_html(every_node(), template, draft=False), template)


def pdftotext(pdf: bytes, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(
        ["pdftotext", "-layout", *pages, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def words(text: str) -> str:
    """Text with hyphenation at line ends undone and whitespace collapsed."""
    return " ".join(re.sub(r"[\u2010-]\n\s*", "", text).split())


# -- what the PDF says ---------------------------------------------------------------------


def test_every_kind_of_node_shows_its_text(draft_pdf: bytes) -> None:
    text = words(pdftotext(draft_pdf))
    for expected in (
        "Expert Workshop on Tolerance",
        "Follow-up meeting report",
        "Executive summary",
        "strong words",
        "emphasised words",
        "web link",
        "FIRSTNOTE on the mandate.",
        "Tolerance asks something of every institution.",
        "A speaker",
        "To participating States",
        "1. Adopt a plan.",
        "3. Train officials.",
        "4. Publish guidance.",
        "A point.",
        "Third-level heading",
        "Before the break",
        "after the break",
        "SECONDNOTE.",
        "Person 7",
        "Contact: office@example.org",
        "Workshop on Tolerance",
        "ODIHR.GAL/12/18",
    ):
        assert expected in text, expected


def test_text_that_looks_like_markup_prints_literally(draft_pdf: bytes) -> None:
    assert MARKUP + ' & "quoted"' in words(pdftotext(draft_pdf))


def test_the_footer_numbers_pages_except_on_the_cover(draft_pdf: bytes) -> None:
    pages = page_count(draft_pdf)
    assert "Page" not in pdftotext(draft_pdf, 1)
    for number in range(2, pages + 1):
        assert f"Page {number} of {pages}" in pdftotext(draft_pdf, number)


def test_the_contents_list_headings_with_their_page_numbers(draft_pdf: bytes) -> None:
    contents = pdftotext(draft_pdf, 2)
    assert "Contents" in contents
    lines = {
        line.split(" .")[0].strip(): line.split()[-1]
        for line in contents.splitlines()
        if " . ." in line
    }
    assert list(lines) == [
        "Executive summary",
        "Background",
        "Recommendations",
        "Third-level heading",
        "Annex: participants",
    ]
    summary_page = int(lines["Executive summary"])
    assert "Executive summary" in pdftotext(draft_pdf, summary_page)
    annex_page = int(lines["Annex: participants"])
    assert "Annex: participants" in pdftotext(draft_pdf, annex_page)


def test_table_header_rows_repeat_on_every_page_the_table_spans(template: Template) -> None:
    rows = [d.TableRow([d.TableCell([P(T("Name"))]), d.TableCell([P(T("Role"))])], header=True)]
    rows += [
        d.TableRow([d.TableCell([P(T(f"Person {i}"))]), d.TableCell([P(T("Expert"))])])
        for i in range(120)
    ]
    pdf = render_pdf(
        write_html(d.Document([d.Table(rows, [1, 1])]), template, draft=False), template
    )
    assert page_count(pdf) >= 3
    for number in range(1, page_count(pdf) + 1):
        assert pdftotext(pdf, number).split()[:2] == ["Name", "Role"]


# -- footnotes on the page of their reference --------------------------------------------


def many_footnotes(seed: int) -> d.Document:
    """Pages of text with a footnote every few sentences; CALLnnn marks each reference."""
    rng = random.Random(seed)  # noqa: S311  (a repeatable layout, not a secret)
    vocabulary = LONG.lower().replace(",", "").replace(".", "").split()
    blocks: list[d.Block] = []
    number = 0
    for index in range(60):
        if index % 9 == 0:
            blocks.append(d.Heading(1 + index % 2, [T(f"Heading {index}")]))
        children: list[d.Inline] = []
        for _ in range(rng.randint(1, 8)):
            sentence = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 20)))
            children.append(T(sentence.capitalize() + ". "))
            if rng.random() < 0.15:
                number += 1
                note = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(5, 40)))
                children += [
                    T(f"CALL{number:03d}"),
                    d.FootnoteRef([P(T(f"NOTE{number:03d} {note}"))]),
                    T(" "),
                ]
        blocks.append(d.Paragraph(children))
    return d.Document(children=blocks)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 4])
def test_footnotes_are_on_the_page_of_their_reference(template: Template, seed: int) -> None:
    # Seeds where WeasyPrint alone moves some notes to the next page.
    warnings = Warnings()
    pdf = render_pdf(
        write_html(many_footnotes(seed), template, draft=False), template, warnings=warnings
    )
    assert warnings.messages == []
    seen = 0
    for number in range(1, page_count(pdf) + 1):
        text = pdftotext(pdf, number)
        calls = set(re.findall(r"CALL(\d{3})", text))
        notes = set(re.findall(r"NOTE(\d{3})", text))
        assert calls == notes, f"page {number}"
        seen += len(notes)
    assert seen > 20


def test_the_sample_footnotes_share_the_page_of_their_reference(draft_pdf: bytes) -> None:
    for number in range(1, page_count(draft_pdf) + 1):
        text = words(pdftotext(draft_pdf, number))
        assert ("a footnote1" in text) == ("FIRSTNOTE" in text)
        assert ("after the break2" in text) == ("SECONDNOTE" in text)


def test_footnotes_anywhere_reach_the_foot_of_the_page(template: Template) -> None:
    def note(text: str) -> d.FootnoteRef:
        return d.FootnoteRef([P(T(text))])

    document = d.Document(
        [
            d.Heading(1, [T("Findings"), note("HEADNOTE")]),
            d.ListBlock(True, [d.ListItem([P(T("Item"), note("LISTNOTE"))])]),
            d.Table([d.TableRow([d.TableCell([P(T("Cell"), note("CELLNOTE"))])])]),
            d.Quote([P(T("Quoted"), note("QUOTENOTE"))], [T("Someone"), note("WHONOTE")]),
        ]
    )
    pdf = render_pdf(write_html(document, template, draft=False), template)
    text = pdftotext(pdf)
    notes = text[text.index("1. HEADNOTE") :]
    assert words(notes).startswith(
        "1. HEADNOTE 2. LISTNOTE 3. CELLNOTE 4. QUOTENOTE 5. WHONOTE Page 1 of 1"
    )
    with pikepdf.open(io.BytesIO(pdf)) as opened, opened.open_outline() as outline:
        assert [item.title for item in outline.root] == ["Findings"]


# -- the draft mark ----------------------------------------------------------------------------


def test_a_draft_shows_the_draft_mark_on_every_page(draft_pdf: bytes) -> None:
    for number in range(1, page_count(draft_pdf) + 1):
        text = pdftotext(draft_pdf, number)
        assert "DRAFT" in text, f"page {number}"


def test_a_final_pdf_has_no_draft_mark(final_pdf: bytes) -> None:
    assert "DRAFT" not in pdftotext(final_pdf)
    assert "Expert Workshop on Tolerance" in pdftotext(final_pdf)


def test_the_draft_mark_uses_the_label_of_the_document(template: Template) -> None:
    document = d.Document(
        [P(T("Текст."))],
        furniture=d.PageFurniture(draft_label="ПРОЕКТ"),
        metadata=d.Metadata(language="ru"),
    )
    pdf = render_pdf(write_html(document, template, draft=True), template)
    assert "ПРОЕКТ" in pdftotext(pdf)


# -- the PDF as a file: tags, bookmarks, fonts, metadata ------------------------------------


def test_the_pdf_is_tagged_in_the_document_language(draft_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(draft_pdf)) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "en"
        assert root.ViewerPreferences.DisplayDocTitle is True


def test_the_pdf_carries_title_authors_and_archival_identification(draft_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(draft_pdf)) as pdf:
        assert str(pdf.docinfo.Title) == "Expert Workshop on Tolerance"
        assert str(pdf.docinfo.Author) == "Nino Beridze, Jan Kowalski"
        assert str(pdf.docinfo.Subject) == "Follow-up meeting report"
        assert str(pdf.docinfo.CreationDate).startswith("D:20181210")
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "3"
        assert metadata["pdfaid:conformance"] == "A"
        assert metadata["pdfuaid:part"] == "1"
        assert metadata["dc:title"] == "Expert Workshop on Tolerance"


def test_bookmarks_follow_the_headings(draft_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(draft_pdf)) as pdf, pdf.open_outline() as outline:

        def titles(items: list) -> list:
            return [(item.title, titles(item.children)) for item in items]

        assert titles(outline.root) == [
            ("Contents", []),
            ("Executive summary", [("Background", [])]),
            ("Recommendations", [("Third-level heading", [])]),
            ("Annex: participants", []),
        ]


def test_every_font_is_embedded(draft_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(draft_pdf)) as pdf:
        fonts = []
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                fonts += list(font.get("/DescendantFonts", [font]))
        assert fonts
        for font in fonts:
            descriptor = font.FontDescriptor
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font.BaseFont


def test_the_same_document_gives_the_same_bytes(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1543449600")
    html = write_html(every_node(), template, draft=True)
    assert render_pdf(html, template) == render_pdf(html, template)


# -- the HTML -----------------------------------------------------------------------------------


def test_html_escapes_text_and_attributes(template: Template) -> None:
    hostile = '"><script>alert(1)</script>'
    document = d.Document(
        [
            P(T(MARKUP), d.Link(f"https://example.org/?q={hostile}", [T(hostile)])),
            d.Image(png_bytes(), "image/png", alt=hostile),
            d.Heading(1, [T(hostile)]),
            d.TableOfContents(title=hostile),
        ],
        metadata=d.Metadata(title=hostile, authors=[hostile], language='en" onload="x'),
        furniture=d.PageFurniture(header=hostile, footer=hostile, page_label=hostile + " {page}"),
    )
    html = write_html(document, template, draft=True)
    assert "<script>" not in html and "<img src=x" not in html
    tree = lxml_html.fromstring(html)
    assert tree.xpath("//p")[0].text_content().startswith(MARKUP)
    assert tree.xpath("//a[@href]")[0].get("href").endswith(hostile)
    assert tree.xpath("//img[starts-with(@src, 'data:')]")[0].get("alt") == hostile
    assert tree.get("lang") == 'en" onload="x'
    assert tree.xpath("//title")[0].text == hostile
    assert tree.xpath("//*[@class='running-page']")[0].text_content() == hostile + " "
    assert not tree.xpath("//script")


@settings(max_examples=80, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cn")), min_size=1))
def test_any_text_is_text_in_html(template: Template, text: str) -> None:
    document = d.Document([P(T(text)), d.Heading(1, [T(text)])], metadata=d.Metadata(title=text))
    tree = lxml_html.fromstring(write_html(document, template, draft=False))
    assert tree.xpath("//main/p")[0].text_content() == text
    assert tree.xpath("//main/h1")[0].text_content() == text
    assert tree.xpath("//title")[0].text_content() == text


def test_links_other_than_web_and_mail_are_not_links_in_html(template: Template) -> None:
    document = d.Document([P(d.Link("javascript:alert(1)", [T("click")]))])
    tree = lxml_html.fromstring(write_html(document, template, draft=False))
    assert not tree.xpath("//a")
    assert tree.xpath("//span[@class='link']")[0].text == "click"


def test_html_structure_lists_tables_and_contents(template: Template) -> None:
    tree = lxml_html.fromstring(write_html(every_node(), template, draft=False))
    assert tree.get("lang") == "en"
    assert [m.get("content") for m in tree.xpath("//meta[@name='author']")] == [
        "Nino Beridze",
        "Jan Kowalski",
    ]
    assert tree.xpath("//meta[@name='dcterms.created']")[0].get("content") == "2018-12-10"
    assert [ol.get("start") for ol in tree.xpath("//main/ol")] == [None, "3"]
    assert tree.xpath("//table/thead/tr/th/@scope") == ["col", "col"]
    assert tree.xpath("//table/colgroup/col/@style") == ["width: 66.67%", "width: 33.33%"]
    toc_targets = tree.xpath("//nav[@class='toc']//a/@href")
    heading_ids = ["#" + h.get("id") for h in tree.xpath("//main/h1|//main/h2|//main/h3")]
    assert toc_targets == [h for h in heading_ids if h != "#section-5"]  # in_toc=False left out
    assert tree.xpath("//*[@class='not-in-toc']")[0].text == "Hidden from the contents"
    # The cover is the document's own: its logo once, nothing added.
    assert tree.xpath("//section[@class='cover']//img/@alt") == [
        "Office for Democratic Institutions"
    ]
    assert not tree.xpath("//*[contains(@class, 'draft')]")


def test_a_draft_html_has_the_mark_and_a_final_one_drops_the_cover_draft_line(
    template: Template,
) -> None:
    draft = lxml_html.fromstring(write_html(every_node(), template, draft=True))
    final = lxml_html.fromstring(write_html(every_node(), template, draft=False))
    assert draft.xpath("//p[@class='draft-mark']") and not final.xpath("//p[@class='draft-mark']")
    assert draft.xpath("//*[@class='draft-watermark']") and not final.xpath(
        "//*[@class='draft-watermark']"
    )


# -- the one path from DOCX to PDF ------------------------------------------------------------


def test_a_docx_reads_into_a_pdf_with_its_words(template: Template) -> None:
    source = docx.Document()
    source.core_properties.title = "Workshop report"
    source.core_properties.language = "en"
    source.add_paragraph("Workshop report", style="Title")
    source.add_page_break()
    source.add_heading("Summary", level=1)
    p = source.add_paragraph("The participants ")
    p.add_run("agreed").bold = True
    p.add_run(f" on {MARKUP}.")
    source.add_paragraph("Adopt a plan.", style="List Number")
    warnings = Warnings()
    document = read_docx(save(source), warnings)
    pdf = render_pdf(write_html(document, template, draft=False), template, warnings=warnings)
    text = words(pdftotext(pdf))
    assert "Workshop report" in text
    assert f"The participants agreed on {MARKUP}." in text
    assert "1. Adopt a plan." in text
    assert warnings.messages == []


# -- fetching nothing from outside the template folder ---------------------------------------


@pytest.fixture()
def template_copy(tmp_path: Path) -> Template:
    """The template in a folder of its own, with a symlink leading out of it."""
    folder = tmp_path / "meeting-report"
    shutil.copytree(TEMPLATE_FOLDER, folder)
    secret = tmp_path / "secret.svg"
    secret.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10" fill="red"/></svg>'
    )
    (folder / "innocent.svg").symlink_to(secret)
    return load_template(folder)


def test_the_fetcher_serves_data_urls_and_files_of_the_template(template_copy: Template) -> None:
    fetcher = TemplateFetcher(template_copy.folder)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    logo = fetcher.fetch((template_copy.folder / "logo.svg").as_uri())
    assert logo.read().startswith(b"<svg")
    assert logo.content_type == "image/svg+xml"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "http://127.0.0.1:9/logo.png",
        "https://example.org/font.woff2",
        "ftp://example.org/x.png",
    ],
)
def test_the_fetcher_refuses_everything_else(template_copy: Template, url: str) -> None:
    warnings = Warnings()
    fetcher = TemplateFetcher(template_copy.folder, warnings)
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert "outside the template folder" in str(warnings.messages[0])


def test_the_fetcher_judges_symlinks_and_dot_dots_by_where_they_lead(
    template_copy: Template,
) -> None:
    fetcher = TemplateFetcher(template_copy.folder)
    with pytest.raises(FetchRefused):
        fetcher.fetch((template_copy.folder / "innocent.svg").as_uri())
    with pytest.raises(FetchRefused):
        fetcher.fetch(template_copy.folder.as_uri() + "/../secret.svg")


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012  (a class-wide log is the point)

    def do_GET(self) -> None:
        _Counting.requests.append(self.path)
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def web_server() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Counting.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_rendering_loads_nothing_from_outside_the_template(
    template_copy: Template, web_server: str
) -> None:
    data_uri = "data:image/png;base64," + __import__("base64").b64encode(png_bytes()).decode()
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        f'<link rel="stylesheet" href="{web_server}/style.css">'
        f"<style>body {{ background: url({web_server}/bg.png) }}</style></head><body>"
        '<img src="file:///etc/passwd" alt="a">'
        f'<img src="{web_server}/tracker.png" alt="b">'
        '<img src="innocent.svg" alt="c">'
        '<img src="../secret.svg" alt="d">'
        f'<img src="{data_uri}" alt="e">'
        "<p>Text.</p></body></html>"
    )
    warnings = Warnings()
    pdf = render_pdf(html, template_copy, warnings=warnings)
    assert _Counting.requests == []
    refused = " ".join(str(m) for m in warnings.messages)
    for name in ("/etc/passwd", "tracker.png", "style.css", "bg.png", "innocent.svg", "secret.svg"):
        assert name in refused, name
    with pikepdf.open(io.BytesIO(pdf)) as document:
        images = [
            obj
            for page in document.pages
            for obj in page.Resources.get("/XObject", {}).values()
            if obj.get("/Subtype") == "/Image"
        ]
    assert len(images) == 1  # only the data: URI
    assert "Text." in pdftotext(pdf)


def test_weasyprint_finds_nothing_wrong_in_the_print_css(
    template: Template, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(write_html(every_node(), template, draft=True), template)
    problems = [r.getMessage() for r in caplog.records if "HarfBuzz" not in r.getMessage()]
    assert problems == []


# -- cells written right to left, list markers, narrow columns --------------------------


def test_a_cell_written_right_to_left_keeps_its_direction(template: Template) -> None:
    arabic = d.Paragraph([T("\u062a\u062c\u0631\u0628\u0629 123")], direction="rtl")
    table = d.Table([d.TableRow([d.TableCell([arabic]), d.TableCell([P(T("Latin"))])])])
    tree = lxml_html.fromstring(write_html(d.Document([table]), template, draft=False))
    assert tree.xpath("//td[1]/p/@dir") == ["rtl"]
    assert not tree.xpath("//td[2]/p")


def pdf_words_of(document: d.Document, template: Template, tmp_path: Path) -> str:
    pdf = tmp_path / "table.pdf"
    pdf.write_bytes(render_pdf(write_html(document, template, draft=False), template))
    return pdf_text(pdf)


def test_a_list_label_is_set_apart_from_an_item_that_says_the_same(
    template: Template, tmp_path: Path
) -> None:
    # An outline whose items are their own labels (a form's "A", "B", "4").
    items = [d.ListItem([P(T(label))], label=label) for label in ("A", "B", "4")]
    text = pdf_words_of(d.Document([d.ListBlock(True, items)]), template, tmp_path)
    assert text.split()[:6] == ["A", "A", "B", "B", "4", "4"]


def test_columns_too_narrow_for_their_words_hyphenate_them_instead_of_cutting_letters(
    template: Template, tmp_path: Path
) -> None:
    words = ["Responsibilities", "Implementation", "Accountability", "Recommendations"]
    row = d.TableRow([d.TableCell([P(T(w))]) for w in words * 3])
    table = d.Table([row], widths=[1.0] * 12)
    html = write_html(d.Document([table]), template, draft=False)
    assert '<table class="fixed cramped">' in html
    text = pdf_words_of(d.Document([table]), template, tmp_path)
    pieces = text.split("Page 1 of 1")[0].split()
    # Broken where hyphenation allows ("Respons‐ibilities"), never a letter or two
    # cut off ("Responsibilitie s").
    assert all(len(piece.rstrip("-\u2010")) >= 3 for piece in pieces), pieces
    first, second = pieces[:12], pieces[12:]  # pdftotext reads the table line by line
    assert [a.rstrip("\u2010") + b for a, b in zip(first, second, strict=True)] == words * 3


def test_a_column_holding_a_run_of_letters_too_long_for_any_word_is_not_hyphenated(
    template: Template, tmp_path: Path
) -> None:
    # Hyphenating a 10,000-letter run in a narrow column took WeasyPrint minutes.
    run = "Ab\u00c8" * 1000
    words = ["Responsibilities", "Implementation", run]
    row = d.TableRow([d.TableCell([P(T(w))]) for w in words * 4])
    table = d.Table([row], widths=[1.0] * 12)
    html = write_html(d.Document([table]), template, draft=False)
    assert '<table class="fixed">' in html
    text = pdf_words_of(d.Document([table]), template, tmp_path)
    assert "".join(text.split()).count("AbÈAbÈ") > 1000  # broken anywhere, all of it shown


def test_a_table_in_a_narrow_cell_fits_its_longest_word_in_the_cell_s_width(
    template: Template, tmp_path: Path
) -> None:
    inner = d.Table(
        [d.TableRow([d.TableCell([P(T("Consultation"))]), d.TableCell([P(T("Mechanisms"))])])],
        widths=[1.0, 1.0],
    )
    outer = d.Table(
        [d.TableRow([d.TableCell([inner]), d.TableCell([P(T("Notes"))])])], widths=[1.0, 3.0]
    )
    html = write_html(d.Document([outer]), template, draft=False)
    assert html.count('<table class="fixed cramped">') == 1  # the inner one, a quarter wide
    text = pdf_words_of(d.Document([outer]), template, tmp_path)
    assert "Consulta" in text.replace("-\n", "") and "\nC\n" not in text
