"""Composing: Markdown into the vocabulary, the vocabulary into documents, the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import small_workshop
from reportgen import documents as d
from reportgen.compose import compose, markdown, vocabulary
from reportgen.errors import TemplateError
from reportgen.source.model import (
    Quote,
    Recommendation,
    Topic,
)
from reportgen.templates import find_template, load_template

ENGLISH_QUOTES = ("“", "”", "‘", "’")


def text_of(document: d.Document) -> str:
    return "\n".join(d.plain_text([block]) for block in document.children)


# -- Markdown ---------------------------------------------------------------

MARKDOWN_CASES = [
    ("plain words", "<p>plain words</p>"),
    ("*emphasis* and **strong**", "<p><em>emphasis</em> and <strong>strong</strong></p>"),
    ("[a link](https://example.org)", '<p><a href="https://example.org">a link</a></p>'),
    ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
    ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ('"quoted" -- dash', "<p>“quoted” – dash</p>"),
    ("- one\n- two", "<ul><li>one</li><li>two</li></ul>"),
    ("3. three\n4. four", '<ol start="3"><li>three</li><li>four</li></ol>'),
    ("0. zero\n1. one", '<ol start="0"><li>zero</li><li>one</li></ol>'),
    ("A note[^1].\n\n[^1]: The *note*.", "<p>A note<note><p>The <em>note</em>.</p></note>.</p>"),
    ("# Heading", "<p><strong>Heading</strong></p>"),
    ("![alt](http://tracker.example/x.png)", "<p>alt</p>"),
    ("[bad](javascript:alert(1))", "<p>[bad](javascript:alert(1))</p>"),
    ("AT&T & <b>", "<p>AT&amp;T &amp; &lt;b&gt;</p>"),
]


@pytest.mark.parametrize(("source", "expected"), MARKDOWN_CASES)
def test_markdown_renders_into_the_vocabulary(source: str, expected: str) -> None:
    assert markdown.render(source, quotes=ENGLISH_QUOTES) == expected


def test_markdown_uses_the_quotation_marks_of_the_language() -> None:
    rendered = markdown.render('"слово"', quotes=("«", "»", "„", "“"))
    assert rendered == "<p>«слово»</p>"


def test_an_undefined_footnote_stays_as_typed() -> None:
    assert markdown.render("text[^9]", quotes=ENGLISH_QUOTES) == "<p>text[^9]</p>"


# -- the vocabulary -----------------------------------------------------------


def parse(body: str) -> d.Document:
    root = find_template().folder
    return vocabulary.parse(f"<document>{body}</document>", template_folders=(root,), where="t")


def test_white_space_collapses_as_in_html() -> None:
    document = parse("<p>\n   Several   words <em> inside </em>\n and after  </p>")
    assert document.children == [
        d.Paragraph(
            [d.Text("Several words "), d.Emphasis([d.Text("inside ")]), d.Text("and after")]
        )
    ]


def test_empty_paragraphs_are_ignored() -> None:
    assert parse("<p>  </p><p></p>").children == []


def test_loose_text_in_a_list_item_becomes_a_paragraph() -> None:
    document = parse("<ol start='4'><li>Do <strong>this</strong></li></ol>")
    assert document.children == [
        d.ListBlock(
            True, [d.ListItem([d.Paragraph([d.Text("Do "), d.Strong([d.Text("this")])])])], start=4
        )
    ]


def test_a_note_becomes_a_footnote_at_its_place() -> None:
    document = parse("<p>Text<note><p>The note.</p></note> more.</p>")
    paragraph = document.children[0]
    assert isinstance(paragraph, d.Paragraph)
    assert isinstance(paragraph.children[1], d.FootnoteRef)
    assert d.plain_text(paragraph.children[1].body) == "The note."
    assert d.plain_text([paragraph]) == "Text more."


def test_a_quote_keeps_its_attribution_apart() -> None:
    document = parse("<quote><p>Words.</p><attribution>Speaker, Role</attribution></quote>")
    quote = document.children[0]
    assert isinstance(quote, d.Quote)
    assert d.plain_text(quote.children) == "Words."
    assert d.plain_text(quote.attribution) == "Speaker, Role"


def test_an_element_outside_the_vocabulary_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match=r"<script> is not part of the report vocabulary"):
        parse("<script>x</script>")


def test_an_unknown_paragraph_style_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match=r"unknown paragraph style 'Fancy'"):
        parse('<p style="Fancy">x</p>')


def test_images_come_only_from_the_template_folder() -> None:
    with pytest.raises(TemplateError, match=r"not a file in the template folder"):
        parse('<image src="../../../../etc/passwd"/>')


def test_a_doctype_in_template_output_is_refused() -> None:
    bomb = '<!DOCTYPE document [<!ENTITY a "aaaaaaaaaa">]><document><p>&a;</p></document>'
    root = find_template().folder
    with pytest.raises(TemplateError, match="declares a DOCTYPE"):
        vocabulary.parse(bomb, template_folders=(root,), where="t")


# -- the meeting report -------------------------------------------------------


def test_the_introduction_states_participation_in_words() -> None:
    text = text_of(compose(small_workshop(), find_template()))
    assert "Experts from ten participating States took part in the discussion." in text
    assert (
        "The participants – 16 women and nine men – included representatives of "
        "national and local authorities and academia."
    ) in text


def test_the_organizer_is_named_in_full_then_by_its_short_form() -> None:
    text = text_of(compose(small_workshop(), find_template()))
    assert "the Office for Meetings (OM) held the expert workshop “Expert Workshop”" in text


def test_input_text_can_never_become_markup() -> None:
    topic = Topic(id="one", title="<h1>Title</h1>", summary="<b>bold</b> & <note>x</note>")
    document = compose(small_workshop(topics=[topic]), find_template())
    text = text_of(document)
    assert "<h1>Title</h1>" in text
    assert "<b>bold</b> & <note>x</note>" in text
    assert not any(
        isinstance(b, d.Paragraph) and any(isinstance(i, d.FootnoteRef) for i in b.children)
        for b in document.children
    )


def test_recommendations_are_numbered_in_one_sequence_across_groups() -> None:
    recs = [
        Recommendation("First.", to=["States"]),
        Recommendation("Second.", to=["ODIHR"]),
        Recommendation("Third.", to=["States"]),
        Recommendation("Fourth."),
    ]
    document = compose(small_workshop(recommendations=recs), find_template())
    lists = [b for b in document.children if isinstance(b, d.ListBlock) and b.ordered]
    assert [(lst.start, d.plain_text(lst.items[0].children)) for lst in lists] == [
        (1, "First."),
        (3, "Second."),
        (4, "Fourth."),
    ]
    text = text_of(document)
    assert text.index("To States") < text.index("To ODIHR") < text.index("General recommendations")


def test_quotes_without_a_topic_go_to_the_introduction() -> None:
    quotes = [Quote("Speaker A", "General words."), Quote("Speaker B", "Topic words.", topic="one")]
    text = text_of(compose(small_workshop(quotes=quotes), find_template()))
    assert text.index("“General words.”") < text.index("First Topic") < text.index("“Topic words.”")


# -- the sandbox ----------------------------------------------------------------


def template_with(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "custom"
    folder.mkdir()
    (folder / "report.xml.j2").write_text(
        f"<document>\n<p>ok</p>\n{body}\n</document>\n", encoding="utf-8"
    )
    return folder


SANDBOX_ESCAPES = [
    "{{ '{0.__class__.__mro__}'.format(report) }}",
    "{% set f = '{0.__class__}'.format %}{{ f(report) }}",
    "{{ ('{0.__class__}' | attr('format'))(report) }}",
    "{{ report.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ topics.append(1) }}",
    "{{ report.__dict__ }}",
]


@pytest.mark.parametrize("body", SANDBOX_ESCAPES)
def test_published_jinja_sandbox_escapes_are_refused(tmp_path: Path, body: str) -> None:
    template = load_template(template_with(tmp_path, body))
    with pytest.raises(TemplateError) as caught:
        compose(small_workshop(), template)
    assert f"{template.composition}:3:" in str(caught.value)


def test_an_undefined_name_is_reported_with_the_template_line(tmp_path: Path) -> None:
    template = load_template(template_with(tmp_path, "<p>{{ report.no_such_field }}</p>"))
    with pytest.raises(TemplateError) as caught:
        compose(small_workshop(), template)
    message = str(caught.value)
    assert message.startswith(f"{template.composition}:3: ")
    assert "no_such_field" in message
    assert ">    3 | <p>{{ report.no_such_field }}</p>" in message


def test_a_template_syntax_error_names_its_line(tmp_path: Path) -> None:
    template = load_template(template_with(tmp_path, "{% if %}"))
    with pytest.raises(TemplateError, match=r"report.xml.j2:3: "):
        compose(small_workshop(), template)


def test_a_missing_template_lists_those_available() -> None:
    with pytest.raises(TemplateError) as caught:
        find_template("no-such-template")
    assert "meeting-report" in str(caught.value)
