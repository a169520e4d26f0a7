"""Every example input, generated and read back as a reader would: Word, pdftotext, LibreOffice.

The examples are generated once per session (conftest.py: ``generated``).
Texts are compared word by word (``words``): typography (curly quotes,
no-break spaces, hyphenation at line ends) is checked where it is the
point, in tests/test_languages_end_to_end.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from conftest import INPUTS, SOURCE_DATE_EPOCH, Generated, libreoffice_convert, pdf_text
from reportgen.language import translations_for
from reportgen.source import load_workshop
from reportgen.source.model import Quote, Workshop

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
STEMS = [source.stem for source in INPUTS]
TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "meeting-report"

# What the introduction says about who took part, as a reader reads it; written
# out here rather than computed, so that the code that words it is under test.
PARTICIPATION = {
    "tbilisi-2018-migrant-integration": [
        "Experts from ten OSCE participating States",
        "16 women and nine men",
    ],
    "tbilisi-2018-migrant-integration.ru": [
        "эксперты из десяти государств-участников ОБСЕ",
        "16 женщин и девять мужчин",
    ],
    "tbilisi-2018-migrant-integration.fr": [
        "Des experts de dix États participants de l'OSCE",
        "16 femmes et neuf hommes",
    ],
    "vienna-2019-hate-crime-data": [
        "Experts from 11 participating States",
        "seven women, seven men and one person of another or undisclosed gender",
    ],
    # Counted from inputs/warsaw-2019-registrations.xlsx (participants.list_file).
    "warsaw-2019-journalists-safety-online": [
        "Experts from 12 participating States",
        "14 women, nine men and one person of another or undisclosed gender",
    ],
}


def test_every_example_has_its_participation_figures_written_down_here():
    assert sorted(PARTICIPATION) == sorted(STEMS)


# -- reading the outputs back ---------------------------------------------------------------


def words(text: str) -> str:
    """The words of ``text`` in order, whatever the typography and line breaks.

    Hyphens inside a word go, with any line break after them: WeasyPrint's
    U+2010 where it hyphenated, and the word's own hyphen, which pdftotext
    sometimes drops at a line end ("co-operation" reads "cooperation").  A
    hyphen before a figure or a line that starts with one stays a break, so
    that a hyphenated last line does not run into a footnote number.
    """
    text = re.sub(r"(?<=\w)[-\u2010]\s*(?=[^\W\d_])", "", text)
    return " ".join(re.findall(r"\w+", text))


def in_order(haystack: str, needles: list[str]) -> list[str]:
    """The needles not found in ``haystack`` (by words), each searched after the last found."""
    text = f" {words(haystack)} "
    missing, position = [], 0
    for needle in needles:
        found = text.find(f" {words(needle)} ", position)
        if found < 0:
            missing.append(needle)
        else:
            position = found + 1
    return missing


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of the body in order, table cells included."""
    document = docx.Document(str(path))
    out: list[tuple[str, str]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append((block.style.name if block.style else "", block.text))
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    out.extend((p.style.name if p.style else "", p.text) for p in cell.paragraphs)
    return out


def docx_body(path: Path) -> list[tuple[str, str]]:
    """The paragraphs after the table of contents (whose entries repeat the headings)."""
    paragraphs = docx_paragraphs(path)
    last_entry = max(i for i, (style, _) in enumerate(paragraphs) if style.startswith("toc "))
    return paragraphs[last_entry + 1 :]


@cache
def pdf_pages(pdf: Path) -> list[str]:
    """pdftotext's text of each page, in reading order."""
    return pdf_text(pdf).split("\f")[:-1]


def pdf_body(example: Generated, pdf: Path | None = None) -> str:
    """The running text of the PDF after the contents, as one flow.

    Page furniture (running header, reference, page number, DRAFT mark) and
    footnotes are left out, so that a sentence reads on across a page break.
    ``pdf`` is another rendering of the example's DOCX (LibreOffice's).
    """
    pages = pdf_pages(pdf or example.pdf)
    _ = translator(example)
    model = workshop(example.source)
    fixed = {model.report.title, model.report.reference or "", _("DRAFT")}
    label = re.escape(_("Page {page} of {pages}"))
    page_label = re.compile(label.replace(r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+"))
    notes = [words(note).split()[:3] for _context, note in word_footnotes(example.docx)]
    contents = next(i for i, page in enumerate(pages) if _("Contents") in page.splitlines())
    while ". . . . ." in pages[contents + 1]:  # a contents list that runs on
        contents += 1
    flow = []
    for page in pages[contents + 1 :]:
        for line in page.splitlines():
            line = line.strip()
            note = re.match(r"(\d+)\.? (.*)", line)
            number = int(note[1]) if note else 0
            if 0 < number <= len(notes) and words(note[2]).split()[:3] == notes[number - 1]:
                break  # the footnote area: the rest of the page is notes and furniture
            if line not in fixed and not page_label.fullmatch(line):
                flow.append(line)
    return "\n".join(flow)


@cache
def workshop(source: Path) -> Workshop:
    return load_workshop(source)


def expected_in_order(example: Generated) -> list[str]:
    """Participation, the general quotes, each topic's title and quotes, the recommendations."""
    model = workshop(example.source)
    items = list(PARTICIPATION[example.source.stem])
    items += [q.text for q in model.general_quotes]
    for topic in model.topics:
        items.append(topic.title)
        items += [q.text for q in topic.quotes]
    items += [r.text for r in sorted(model.recommendations, key=lambda r: r.number)]
    return items


def translator(example: Generated) -> Callable[[str], str]:
    """The template's translation of a fixed text into the example's language."""
    language = workshop(example.source).report.language
    return translations_for(TEMPLATE, language).gettext


def all_quotes(model: Workshop) -> list[Quote]:
    return [*model.general_quotes, *(q for t in model.topics for q in t.quotes)]


@pytest.fixture(params=STEMS)
def example(request: pytest.FixtureRequest, generated: dict[str, Generated]) -> Generated:
    return generated[request.param]


def test_the_examples_cover_quotes_footnotes_and_both_kinds_of_participant_list(generated):
    models = [workshop(g.source) for g in generated.values()]
    assert all(all_quotes(m) and m.recommendations for m in models)
    assert any(m.participants.publish_list for m in models)
    assert any(not m.participants.publish_list for m in models)


# -- the words, in order ---------------------------------------------------------------------


def test_topics_quotes_recommendations_and_participation_are_in_the_docx_in_order(example):
    body = "\n".join(text for _, text in docx_body(example.docx))
    assert in_order(body, expected_in_order(example)) == []


def test_topics_quotes_recommendations_and_participation_are_in_the_pdf_in_order(example):
    assert in_order(pdf_body(example), expected_in_order(example)) == []


def test_each_quote_is_attributed_to_its_speaker_and_role(example):
    body = pdf_body(example)
    for quote in all_quotes(workshop(example.source)):
        speaker = ", ".join(filter(None, [quote.speaker, quote.role]))
        assert in_order(body, [quote.text, speaker]) == []


# -- Word's structure --------------------------------------------------------------------------


def test_headings_carry_word_heading_styles(example):
    model = workshop(example.source)
    _ = translator(example)
    paragraphs = docx_body(example.docx)
    by_style: dict[str, list[str]] = {}
    for style, text in paragraphs:
        by_style.setdefault(style, []).append(text)
    sections = [_("Executive summary")] if model.report.summary else []
    sections += [_("Introduction"), _("Summary of the discussions"), _("Recommendations")]
    if model.follow_up or model.contact:
        sections.append(_("Follow-up"))
    annexes = [_("Annex %(number)s: Agenda")] if model.agenda else []
    if model.participants.publish_list:
        annexes.append(_("Annex %(number)s: List of participants"))
    sections += [annex % {"number": n} for n, annex in enumerate(annexes, start=1)]
    assert by_style["Heading 1"] == sections
    # By words: a typed apostrophe is printed ’ ("d'un" → "d’un").
    topics = [words(t.title) for t in model.topics]
    assert [words(h) for h in by_style["Heading 2"][: len(topics)]] == topics
    assert set(by_style["Heading 3"]) <= {_("Key points"), _("Good practices"), _("Challenges")}
    assert by_style["Heading 3"].count(_("Key points")) == sum(1 for t in model.topics if t.points)


def numbered_paragraphs(path: Path) -> list[tuple[int, str]]:
    """(number Word shows, text) of each paragraph numbered with a decimal list.

    Word counts per list instance (w:num): it starts at the instance's
    w:startOverride, or else at its abstract list's w:start.
    """
    document = docx.Document(str(path))
    numbering = document.part.numbering_part.element
    abstract_starts: dict[str, tuple[int, str]] = {}
    for abstract in numbering.iter(f"{W}abstractNum"):
        level = abstract.find(f"{W}lvl[@{W}ilvl='0']")
        start = level.find(f"{W}start")
        fmt = level.find(f"{W}numFmt")
        abstract_starts[abstract.get(f"{W}abstractNumId")] = (
            int(start.get(f"{W}val")) if start is not None else 1,
            fmt.get(f"{W}val") if fmt is not None else "decimal",
        )
    instances: dict[str, tuple[int, str]] = {}
    for num in numbering.iter(f"{W}num"):
        start, fmt = abstract_starts[num.find(f"{W}abstractNumId").get(f"{W}val")]
        override = num.find(f"{W}lvlOverride[@{W}ilvl='0']/{W}startOverride")
        if override is not None:
            start = int(override.get(f"{W}val"))
        instances[num.get(f"{W}numId")] = (start, fmt)
    counters: dict[str, int] = {}
    out = []
    for p in document.element.body.iter(f"{W}p"):
        num_id = p.find(f"{W}pPr/{W}numPr/{W}numId")
        level = p.find(f"{W}pPr/{W}numPr/{W}ilvl")
        if num_id is None or (level is not None and level.get(f"{W}val") != "0"):
            continue
        key = num_id.get(f"{W}val")
        start, fmt = instances[key]
        if fmt != "decimal":
            continue
        counters[key] = counters.get(key, start - 1) + 1
        out.append((counters[key], "".join(t.text or "" for t in p.iter(f"{W}t"))))
    return out


def test_recommendations_are_numbered_one_to_n_in_word(example):
    recommendations = sorted(workshop(example.source).recommendations, key=lambda r: r.number)
    numbered = [(n, words(text)) for n, text in numbered_paragraphs(example.docx)]
    shown = []
    for recommendation in recommendations:
        text = words(recommendation.text)
        shown += [n for n, paragraph in numbered if paragraph == text]
    assert shown == list(range(1, len(recommendations) + 1))


def test_recommendations_are_numbered_one_to_n_in_the_pdf(example):
    recommendations = sorted(workshop(example.source).recommendations, key=lambda r: r.number)
    assert [r.number for r in recommendations] == list(range(1, len(recommendations) + 1))
    expected = [f"{r.number}. {r.text}" for r in recommendations]
    assert in_order(pdf_body(example), expected) == []


# -- footnotes -----------------------------------------------------------------------------------


def word_footnotes(path: Path) -> list[tuple[str, str]]:
    """(words just before the reference, note text) for each footnote, in document order."""
    document = docx.Document(str(path))
    notes_part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/footnotes")
    )
    root = etree.fromstring(
        notes_part.blob, etree.XMLParser(resolve_entities=False, no_network=True)
    )
    notes = {
        note.get(f"{W}id"): "".join(t.text or "" for t in note.iter(f"{W}t")).strip()
        for note in root.iter(f"{W}footnote")
        if note.get(f"{W}type") is None
    }
    out = []
    for p in document.element.body.iter(f"{W}p"):
        before = ""
        for node in p.iter(f"{W}t", f"{W}footnoteReference"):
            if node.tag == f"{W}t":
                before += node.text or ""
            else:
                out.append((" ".join(words(before).split()[-4:]), notes[node.get(f"{W}id")]))
    return out


def test_footnotes_are_word_footnotes_at_the_foot_of_the_pdf_page_of_their_reference(example):
    notes = word_footnotes(example.docx)
    assert notes, "every example has a footnote"
    pages = [words(page) for page in pdf_pages(example.pdf)]
    for number, (context, note) in enumerate(notes, start=1):
        call = f" {context} {number} "
        calling = [i for i, page in enumerate(pages) if call in f" {page} "]
        assert len(calling) == 1, f"footnote {number}: reference {call!r} on pages {calling}"
        page = f" {pages[calling[0]]} "
        text = f" {number} {words(note)} "
        assert page.find(call) < page.find(text), f"footnote {number} is not below its reference"
        # Below everything else on the page but other notes and the page number.
        rest = page[page.find(text) + len(text) :]
        assert len(rest.split()) < 60, f"footnote {number} is not at the foot of its page"


# -- LibreOffice as a second reader ---------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice_pdfs(generated, tmp_path_factory) -> dict[str, Path]:
    """Each example's DOCX converted to PDF by LibreOffice (two at a time, one profile each)."""
    outdir = tmp_path_factory.mktemp("libreoffice")
    with ThreadPoolExecutor(max_workers=2) as pool:
        converted = pool.map(
            lambda g: libreoffice_convert(g.docx, "pdf", outdir), generated.values()
        )
        return {g.source.stem: path for g, path in zip(generated.values(), converted, strict=True)}


def test_libreoffice_opens_the_docx_and_shows_its_words_and_numbers(example, libreoffice_pdfs):
    converted = pdf_body(example, libreoffice_pdfs[example.source.stem])
    recommendations = sorted(workshop(example.source).recommendations, key=lambda r: r.number)
    expected = [t.title for t in workshop(example.source).topics]
    expected += [f"{r.number}. {r.text}" for r in recommendations]
    assert in_order(converted, expected) == []


# -- the PDF as a file ------------------------------------------------------------------------


def font_problems(pdf: pikepdf.Pdf) -> Iterator[str]:
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        subtype = str(obj.get("/Subtype"))
        if subtype in ("/Type0", "/Type3"):
            continue  # Type0: its descendant is checked; Type3: glyphs drawn in the PDF
        descriptor = obj.get("/FontDescriptor")
        name = str(obj.get("/BaseFont"))
        if descriptor is None:
            yield f"{name}: no font descriptor (a font the reader must supply)"
        elif not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            yield f"{name}: not embedded"


def test_every_font_in_the_pdf_is_embedded(example):
    with pikepdf.open(example.pdf) as pdf:
        assert list(font_problems(pdf)) == []
        assert any(True for _ in pdf.pages[0].Resources.Font.items())


def test_the_pdf_title_is_the_report_title(example):
    title = workshop(example.source).report.title
    with pikepdf.open(example.pdf) as pdf:
        assert str(pdf.docinfo.Title) == title
        assert pdf.open_metadata()["dc:title"] == title
    assert docx.Document(str(example.docx)).core_properties.title == title


# -- one path from the DOCX to the PDF ----------------------------------------------------------


@pytest.fixture(scope="module")
def republished(generated, tmp_path_factory):
    """PDFs published again from each unedited DOCX, by (stem, with DRAFT mark), on demand."""
    from reportgen.pipeline import publish

    outdir = tmp_path_factory.mktemp("published")
    done: dict[tuple[str, bool], Path] = {}

    def render(stem: str, draft: bool) -> Path:
        if (stem, draft) not in done:
            out = outdir / f"{stem}.{'draft' if draft else 'final'}.pdf"
            publish(generated[stem].docx, out, draft=draft)
            done[stem, draft] = out
        return done[stem, draft]

    return render


def test_a_pdf_rendered_again_from_the_unedited_docx_has_the_same_text(example, republished):
    draft = workshop(example.source).report.draft
    again = republished(example.source.stem, draft)
    assert pdf_text(again) == pdf_text(example.pdf)


def test_publishing_without_the_draft_mark_changes_nothing_but_the_mark(example, republished):
    final = pdf_text(republished(example.source.stem, False))
    generated = pdf_text(example.pdf)
    if not workshop(example.source).report.draft:
        assert final == generated
        return
    # The running mark on every page, and the cover's line about the draft.
    _ = translator(example)
    marks = {_("DRAFT"), _("Draft for review")}
    assert _("DRAFT") in generated and _("DRAFT") not in final

    def lines(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.strip() not in marks | {""}]

    assert lines(final) == lines(generated)


# -- reproducible ------------------------------------------------------------------------------


def test_the_same_input_gives_byte_identical_docx_and_pdf_twice(generated, tmp_path):
    # A second run in other processes (the batch), so that nothing process-bound
    # (hash seeds, object ids, the clock) can reach the files.
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    inputs = [str(g.source) for g in generated.values()]
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "generate", *inputs, "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for example in generated.values():
        for first in (example.docx, example.pdf):
            second = tmp_path / first.name
            assert second.read_bytes() == first.read_bytes(), first.name


# -- participant lists: published or not, never a gender ----------------------------------------


def annex_rows(path: Path) -> list[list[str]]:
    """The rows of the last table of the DOCX, as texts."""
    table = docx.Document(str(path)).tables[-1]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_a_published_participant_list_names_everyone_and_no_gender(generated):
    example = generated["vienna-2019-hate-crime-data"]
    model = workshop(example.source)
    people = model.participants.list
    assert model.participants.publish_list and people
    rows = annex_rows(example.docx)
    assert [[words(cell) for cell in row] for row in rows[1:]] == [
        [words(p.name), words(p.role or ""), words(p.organization or ""), words(p.country or "")]
        for p in people
    ]
    # The annex of the PDF: every name, and no word of a gender (the introduction's
    # head counts are figures, not a person's gender).
    pages = pdf_pages(example.pdf)
    start = next(
        i
        for i, page in enumerate(pages)
        if "List of participants" in page and ". . . . ." not in page
    )
    annex = words("\n".join(pages[start:]).split("List of participants", 1)[1])
    assert in_order(annex, [p.name for p in people]) == []
    genders = {"woman", "women", "man", "men", "female", "male", "other", "undisclosed", "gender"}
    assert genders.isdisjoint(annex.lower().split())
    docx_annex = words("\n".join(" ".join(row) for row in rows))
    assert genders.isdisjoint(docx_annex.lower().split())


@pytest.mark.parametrize("stem", [s for s in STEMS if s.startswith("tbilisi")])
def test_without_publish_list_there_is_no_participant_annex(generated, stem):
    example = generated[stem]
    assert not workshop(example.source).participants.publish_list
    _ = translator(example)
    annex = _("Annex %(number)s: List of participants").split("%(number)s")[-1]
    annex = annex.lstrip(":.\u00a0 ")  # "List of participants", whatever the number's punctuation
    assert words(annex) not in words(pdf_text(example.pdf))
    assert words(annex) not in words(
        "\n".join(text for style, text in docx_paragraphs(example.docx))
    )
    assert len(docx.Document(str(example.docx)).tables) == 1  # the agenda


def test_the_pdf_has_no_trailing_empty_page(example):
    assert all(page.strip() for page in pdf_pages(example.pdf))


def test_addresses_are_printed_letter_for_letter(example):
    # A web or e-mail address is never hyphenated at a line end.
    model = workshop(example.source)
    text = pdf_text(example.pdf)
    addresses = re.findall(r"[\w.-]+@[\w.-]+\w|www\.[\w./-]+\w", example.source.read_text("utf-8"))
    assert model.contact and model.contact.email in addresses
    for address in set(addresses):
        if words(address) in words(text):  # shown (a link's target alone is not)
            assert address in text, address


def test_a_cross_reference_is_never_alone_at_the_top_of_a_page(example):
    # "See recommendations 6 and 11." ends a topic; at the top of the next
    # page, away from the topic, it reads as if it belonged to what follows.
    references = {
        text for style, text in docx_paragraphs(example.docx) if style == "Cross Reference"
    }
    assert bool(references) == any(t.recommendations for t in workshop(example.source).topics)
    pages = [
        [line for line in page.splitlines() if line.strip()] for page in pdf_pages(example.pdf)
    ]
    pages = pages[1:]  # the cover has no running header
    furniture = 0  # lines every page starts with: running header, DRAFT
    while all(len(page) > furniture and page[furniture] == pages[0][furniture] for page in pages):
        furniture += 1
    tops = [page[furniture] for page in pages if len(page) > furniture]
    assert furniture and len(tops) == len(pages)
    assert not references & set(tops)


def test_the_cover_has_no_page_number_and_even_pages_number_as_odd_ones(example) -> None:
    # The cover's empty first-page header and footer in the DOCX keep it bare in the
    # PDF (print.css shows first-page and even-page running text as Word does).
    label = translator(example)("Page {page} of {pages}")
    pages = len(pikepdf.open(example.pdf).pages)
    numbered = {n: label.format(page=n, pages=pages) for n in range(1, 4)}
    text = {n: " ".join(pdf_text(example.pdf, first=n, last=n).split()) for n in range(1, 4)}
    assert numbered[1] not in text[1]
    assert numbered[2] in text[2] and numbered[3] in text[3]
