"""Markdown from text fields, rendered into the composition vocabulary.

Text fields are data (DESIGN.md, invariant 4): raw HTML stays the literal
characters typed (markdown-it with ``html`` off), every character is
XML-escaped, and only the vocabulary's own elements are produced:
paragraphs, ``em``, ``strong``, ``a``, ``br``, ``note`` (footnotes), lists
and quotes.  Headings, code and images inside a text field have no place in a
report's structure, so they become ordinary text (an image, its alt text).
"""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


@lru_cache(maxsize=8)
def _parser(quotes: tuple[str, str, str, str]) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": True, "html": False, "quotes": list(quotes)})
    # Typeset straight quotes and "--" per the report's language; leave
    # "(c)" and friends alone, a rapporteur may mean them literally.
    md.enable(["smartquotes", "replacements"])
    md.use(footnote_plugin)
    return md


def render(source: str, *, quotes: tuple[str, str, str, str], inline: bool = False) -> str:
    """Markdown ``source`` as vocabulary XML.

    With ``inline``, a single paragraph is returned without its ``<p>``, for
    places that take running text only (list items in a one-line style).
    """
    md = _parser(quotes)
    tokens = md.parse(source)
    writer = _Writer(tokens)
    xml = writer.blocks()
    if inline and writer.paragraphs == 1 and xml.startswith("<p>") and xml.endswith("</p>"):
        return xml[3:-4]
    return xml


class _Writer:
    def __init__(self, tokens: list[Token]) -> None:
        self.notes: dict[int, list[Token]] = {}
        self.body: list[Token] = []
        self.paragraphs = 0
        current: list[Token] | None = None
        for token in tokens:
            if token.type == "footnote_open":
                current = self.notes.setdefault(token.meta["id"], [])
            elif token.type == "footnote_close":
                current = None
            elif token.type in ("footnote_block_open", "footnote_block_close"):
                continue
            elif current is not None:
                current.append(token)
            else:
                self.body.append(token)

    def blocks(self, tokens: list[Token] | None = None) -> str:
        out: list[str] = []
        for token in self.body if tokens is None else tokens:
            out.append(self.block(token, top=tokens is None))
        return "".join(out)

    def block(self, token: Token, *, top: bool) -> str:
        kind = token.type
        if kind == "paragraph_open":
            if top and token.level == 0:
                self.paragraphs += 1
            return "" if token.hidden else "<p>"
        if kind == "paragraph_close":
            return "" if token.hidden else "</p>"
        if kind == "inline":
            return self.inline(token.children or [])
        if kind == "bullet_list_open":
            return "<ul>"
        if kind == "bullet_list_close":
            return "</ul>"
        if kind == "ordered_list_open":
            start = token.attrGet("start")
            return f'<ol start="{int(start)}">' if start is not None else "<ol>"
        if kind == "ordered_list_close":
            return "</ol>"
        if kind == "list_item_open":
            return "<li>"
        if kind == "list_item_close":
            return "</li>"
        if kind == "blockquote_open":
            return "<quote>"
        if kind == "blockquote_close":
            return "</quote>"
        if kind == "heading_open":
            return "<p><strong>"
        if kind == "heading_close":
            return "</strong></p>"
        if kind in ("code_block", "fence", "html_block"):
            lines = token.content.rstrip("\n").split("\n")
            return "<p>" + "<br/>".join(escape(line) for line in lines) + "</p>"
        # hr and anything unknown: no place in a report's structure.
        return ""

    def inline(self, children: list[Token]) -> str:
        out: list[str] = []
        for child in children:
            kind = child.type
            if kind == "text" or kind in ("code_inline", "html_inline"):
                out.append(escape(child.content))
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append("<br/>")
            elif kind == "em_open":
                out.append("<em>")
            elif kind == "em_close":
                out.append("</em>")
            elif kind == "strong_open":
                out.append("<strong>")
            elif kind == "strong_close":
                out.append("</strong>")
            elif kind == "link_open":
                href = str(child.attrGet("href") or "")
                out.append(f"<a href={quoteattr(href)}>")
            elif kind == "link_close":
                out.append("</a>")
            elif kind == "footnote_ref":
                note = self.notes.get(child.meta["id"], [])
                body = [t for t in note if t.type != "footnote_anchor"]
                out.append("<note>" + self.blocks(body) + "</note>")
            elif kind == "image":
                # A text field fetches nothing: an image is shown as its alt text.
                out.append(escape(child.content))
            elif kind == "footnote_anchor":
                continue
        return "".join(out)
