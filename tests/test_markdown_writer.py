"""The document model back to Markdown (compose/markdown_writer.py): composed, the same nodes."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from reportgen import documents as d
from reportgen.compose import markdown, typeset, vocabulary
from reportgen.compose.markdown_writer import (
    canonical,
    inlines_to_markdown,
    plain_text,
    to_markdown,
)
from reportgen.language import SUPPORTED_LANGUAGES, Language
from reportgen.results import Warnings

NORMALISE_LINK = MarkdownIt().normalizeLink
T, E, S, L, B, F, P = d.Text, d.Emphasis, d.Strong, d.Link, d.LineBreak, d.FootnoteRef, d.Paragraph


def vocabulary_xml(blocks: list[d.Block]) -> str:
    """Blocks in the template vocabulary, links as markdown-it normalises addresses."""
    out = []
    for block in blocks:
        if isinstance(block, d.Paragraph):
            out.append("<p>" + inline_xml(block.children) + "</p>")
        elif isinstance(block, d.ListBlock):
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            items = "".join("<li>" + vocabulary_xml(i.children) + "</li>" for i in block.items)
            out.append(f"<{tag}{start}>{items}</{tag}>")
        elif isinstance(block, d.Quote):
            out.append("<quote>" + vocabulary_xml(block.children) + "</quote>")
    return "".join(out)


def inline_xml(nodes: list[d.Inline]) -> str:
    out = []
    for node in nodes:
        if isinstance(node, d.Text):
            out.append(escape(node.text))
        elif isinstance(node, d.LineBreak):
            out.append("<br/>")
        elif isinstance(node, d.Emphasis):
            out.append("<em>" + inline_xml(node.children) + "</em>")
        elif isinstance(node, d.Strong):
            out.append("<strong>" + inline_xml(node.children) + "</strong>")
        elif isinstance(node, d.Link):
            href = quoteattr(NORMALISE_LINK(node.href))
            out.append(f"<a href={href}>" + inline_xml(node.children) + "</a>")
        elif isinstance(node, d.FootnoteRef):
            out.append("<note>" + vocabulary_xml(node.body) + "</note>")
    return "".join(out)


def composed(xml: str, language: str) -> list[d.Block]:
    """Vocabulary XML as compose makes nodes of it: white space collapsed, typography set."""
    document = vocabulary.parse(f"<document>{xml}</document>", template_folders=(), where="test")
    typeset(document, Language(language))
    return document.children


def round_trip(
    blocks: list[d.Block], language: str = "en", width: int | None = None
) -> tuple[str, list[d.Block], list[d.Block]]:
    """The Markdown written, the nodes compose makes of it, and the nodes expected."""
    text = to_markdown(blocks, width=width)
    quotes = tuple(Language(language).smartquotes)
    got = composed(markdown.render(text, quotes=quotes), language)  # type: ignore[arg-type]
    expected = composed(vocabulary_xml(canonical(blocks)), language)
    return text, got, expected


# -- what a rapporteur reads ------------------------------------------------------------

CASES = [
    ([P([T("Plain words, nothing to escape.")])], "Plain words, nothing to escape."),
    (
        [P([T("A "), E([T("whole-of-government")]), T(" approach and "), S([T("strong")])])],
        "A *whole-of-government* approach and **strong**",
    ),
    ([P([T("un"), E([T("believ")]), T("able")])], "un*believ*able"),
    ([P([E([T("italic ")]), T("then roman")])], "*italic* then roman"),
    ([P([S([E([T("bold italic")])]), T(" text")])], "**_bold italic_** text"),
    (
        [P([T("See "), L("https://www.osce.org/odihr", [T("ODIHR")]), T(".")])],
        "See [ODIHR](https://www.osce.org/odihr).",
    ),
    ([P([L("javascript:alert(1)", [T("click")])])], "click"),
    (
        [P([T("Data"), F([P([T("See the annual report.")])]), T(" matter.")])],
        "Data[^1] matter.\n\n[^1]: See the annual report.",
    ),
    (
        [P([T("One")]), P([T("Two")])],
        "One\n\nTwo",
    ),
    (
        [d.ListBlock(False, [d.ListItem([P([T("a")])]), d.ListItem([P([T("b")])])])],
        "- a\n- b",
    ),
    (
        [d.ListBlock(True, [d.ListItem([P([T("a")])]), d.ListItem([P([T("b")])])], start=5)],
        "5. a\n6. b",
    ),
    ([d.Quote([P([T("Quoted.")])])], "> Quoted."),
    ([P([T("a"), B(), T("b")])], "a\\\nb"),
    ([P([T("2019. A year")])], "2019\\. A year"),
    ([P([T("- not a list")])], "\\- not a list"),
    ([P([T("# not a heading")])], "\\# not a heading"),
    ([P([T("> not a quote")])], "\\> not a quote"),
    (
        [P([T("*stars* _under_ [brackets] `ticks` <tag> a\\b")])],
        "\\*stars\\* \\_under\\_ \\[brackets\\] \\`ticks\\` \\<tag> a\\\\b",
    ),
    (
        [P([T("snake_case and l’OSCE, “quoted” – dash | pipe")])],
        "snake_case and l’OSCE, “quoted” – dash | pipe",
    ),
    ([P([T("Wait... (c) +- ,, ???? --")])], "Wait.\\.. \\(c) \\+- ,\\, ??\\?? -\\-"),
    ([P([T("x"), E([T("(a)")]), T("b")])], "&#120;*(a)*&#98;"),
]


@pytest.mark.parametrize(("blocks", "expected"), CASES)
def test_nodes_are_written_as_a_rapporteur_writes_markdown(
    blocks: list[d.Block], expected: str
) -> None:
    assert to_markdown(blocks) == expected
    _, got, wanted = round_trip(blocks)
    assert got == wanted


def test_long_paragraphs_are_wrapped_at_spaces() -> None:
    words = "Participants agreed that integration is a long-term, two-way process"
    blocks = [P([T(words + " - with 2019. in it, "), E([T("emphasis across the line")])])]
    text = to_markdown(blocks, width=30)
    assert all(len(line) <= 30 for line in text.splitlines())
    assert text.splitlines()[0] == "Participants agreed that"
    _, got, wanted = round_trip(blocks, width=20)
    assert got == wanted


def test_curly_quotes_and_dashes_read_from_a_docx_stay_as_they_are() -> None:
    text = "« Oui », dit-il — l’OSCE : “fine” ‘inner’ 29\u00a0novembre\u202f2018"
    for language in SUPPORTED_LANGUAGES:
        _, got, wanted = round_trip([P([T(text)])], language)
        assert got == wanted
        assert d.plain_text(got) == Language(language).typeset(text)


def test_what_markdown_cannot_hold_is_named() -> None:
    warnings = Warnings()
    blocks: list[d.Block] = [
        d.Heading(2, [T("A heading")]),
        d.Quote([P([T("Words.")])], attribution=[T("A. Speaker")]),
        d.Table([d.TableRow([d.TableCell([P([T("cell")])])])]),
        P([L("file:///etc/passwd", [T("a file")])]),
    ]
    text = to_markdown(blocks, warnings=warnings)
    assert text == "**A heading**\n\n> Words.\n\nA. Speaker\n\ncell\n\na file"
    said = " ".join(m.text for m in warnings.messages)
    for words in ("heading", "attribution", "table", "file:///etc/passwd"):
        assert words in said


def test_plain_fields_are_their_text_unescaped() -> None:
    warnings = Warnings()
    text = plain_text([T("Dr *Jane*  [Doe]"), B(), S([T("ODIHR")])], warnings=warnings)
    assert text == "Dr *Jane* [Doe] ODIHR"
    assert [m.text for m in warnings.messages] == [
        "bold cannot be kept in a plain text field: 'ODIHR'"
    ]


def test_one_paragraph_of_inlines() -> None:
    assert inlines_to_markdown([T("a "), E([T("b")])]) == "a *b*"


# -- the property: any nodes come back ------------------------------------------------

CHARACTERS = st.sampled_from(
    [
        *"abcXYZ019 .,;:!?-+()[]{}*_`\\<>#&^~|='\"/@%$",
        *["\u00a0", "\u202f", "“", "”", "‘", "’", "«", "»", "—", "–", "é", "ж", "\u0301", "😀"],
        *["&amp;", "&#42;", "(c)", "...", "--", "\t", "\n", "1. ", "- ", "# ", "> ", "[^1]:"],
    ]
)
HREFS = st.sampled_from(
    [
        "https://www.osce.org/odihr",
        "http://example.org/a_(b)?x=1&y=2#frag",
        "mailto:office@odihr.example",
        "https://example.org/ü/\\path",
        "javascript:alert(1)",
        "ftp://example.org/",
    ]
)
texts = st.lists(CHARACTERS, min_size=1, max_size=12).map("".join)


@cache
def inlines(depth: int, notes: bool) -> st.SearchStrategy[list[d.Inline]]:
    leaf = st.one_of(texts.map(T), st.just(B()))
    if notes:
        leaf = st.one_of(leaf, st.lists(paragraphs(depth + 2, notes=False), max_size=2).map(F))
    if depth >= 3:
        return st.lists(leaf, min_size=1, max_size=3)
    inner = inlines(depth + 1, notes)
    node = st.one_of(
        leaf,
        leaf,
        inner.map(E),
        inner.map(S),
        st.builds(L, HREFS, inner),
    )
    return st.lists(node, min_size=1, max_size=3)


@cache
def paragraphs(depth: int = 0, notes: bool = True) -> st.SearchStrategy[d.Paragraph]:
    return inlines(depth, notes).map(P)


@cache
def blocks(depth: int = 0) -> st.SearchStrategy[list[d.Block]]:
    if depth >= 2:
        return st.lists(paragraphs(), min_size=1, max_size=2)
    inner = blocks(depth + 1)
    items = st.lists(inner.map(d.ListItem), min_size=1, max_size=3)
    block = st.one_of(
        paragraphs(),
        paragraphs(),
        st.builds(d.ListBlock, st.booleans(), items, st.integers(0, 12)),
        inner.map(d.Quote),
    )
    return st.lists(block, min_size=1, max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks(), st.sampled_from(SUPPORTED_LANGUAGES), st.sampled_from([None, 24]))
def test_any_nodes_written_as_markdown_compose_to_the_same_nodes(
    tree: list[d.Block], language: str, width: int | None
) -> None:
    text, got, wanted = round_trip(tree, language, width)
    assert got == wanted, text


@settings(max_examples=100, deadline=None)
@given(blocks())
def test_the_canonical_form_keeps_every_word_and_is_its_own_canonical_form(
    tree: list[d.Block],
) -> None:
    form = canonical(tree)
    assert canonical(form) == form

    def words(nodes: list[d.Block]) -> str:
        return "".join(d.plain_text(nodes).split())

    assert words(form) == words(tree)


# -- what the Word reader gives ---------------------------------------------------------


def test_every_text_of_the_example_reports_read_from_their_docx_comes_back(
    generated: dict,
) -> None:
    """The paragraphs, lists and quotes of each generated report, as the Word reader reads
    them (curly quotes, no-break spaces, links, footnotes), written as Markdown and composed
    again, are the same nodes."""
    from reportgen.word.reader import read_docx

    for example in generated.values():
        document = read_docx(example.docx.read_bytes())
        language = document.metadata.language[:2]  # "fr-FR"
        texts = [
            block
            for block in document.children
            if isinstance(block, d.ListBlock | d.Quote)
            or (isinstance(block, d.Paragraph) and block.style == "Normal")
        ]
        assert len(texts) > 10
        for block in texts:
            text, got, wanted = round_trip([block], language)
            assert got == wanted, text
            # Typography read from the DOCX stays as it is.
            assert "".join(d.plain_text(got).split()) == "".join(
                d.plain_text(canonical([block])).split()
            )
