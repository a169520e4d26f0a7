"""The template's theme as Word styles: fonts, sizes, colours and spacing in styles.xml."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.styles.style import BaseStyle, ParagraphStyle

from ..documents import CUSTOM_STYLES
from ..errors import TemplateError
from ..templates import Theme
from . import oxml

TWIPS_PER_MM = 1440 / 25.4
A4_MM = (210.0, 297.0)

# Styles beyond documents.CUSTOM_STYLES that the writer itself uses.
TABLE_STYLE = "Report Table"
TABLE_TEXT = "Table Text"
DRAFT_LABEL = "Draft Label"  # character style of the draft mark in the running header

# Word's own names and ids for built-in styles python-docx's default template lacks.
FOOTNOTE_TEXT = ("footnote text", "FootnoteText")
FOOTNOTE_REFERENCE = ("footnote reference", "FootnoteReference")
HYPERLINK = ("Hyperlink", "Hyperlink")
TOC_LEVELS = tuple((f"toc {n}", f"TOC{n}") for n in (1, 2, 3))

# Languages a report is written in, as the tags Word's proofing tools know.
_REGIONS = {
    "en": "en-GB", "ru": "ru-RU", "fr": "fr-FR", "de": "de-DE", "es": "es-ES",
    "it": "it-IT", "ka": "ka-GE", "uk": "uk-UA", "pl": "pl-PL", "tr": "tr-TR",
    "hy": "hy-AM", "az": "az-Latn-AZ", "ro": "ro-RO", "sr": "sr-Latn-RS", "pt": "pt-PT",
}  # fmt: skip


def word_language(code: str) -> str:
    """The Word language tag for a report language: ``en`` → ``en-GB``; ``pt-BR`` stays."""
    code = code.strip().replace("_", "-")
    return _REGIONS.get(code.lower(), code) if code else "en-GB"


@dataclass(frozen=True)
class Page:
    """A4 with the theme's margins, in twips, as the writer lays things out on it."""

    text_width: int
    margins_mm: dict[str, float]


def page_of(theme: Theme) -> Page:
    margins = {side: theme.margin(side) for side in ("top", "bottom", "left", "right")}
    text_mm = A4_MM[0] - margins["left"] - margins["right"]
    if text_mm < 20:
        raise TemplateError(f"theme: page margins leave only {text_mm:g} mm for the text")
    return Page(text_width=round(text_mm * TWIPS_PER_MM), margins_mm=margins)


def hex_color(theme: Theme, name: str) -> str:
    """A theme colour as Word writes it (``"00558C"``); the theme says ``"#00558c"``."""
    value = theme.color(name).strip()
    if not re.fullmatch(r"#?[0-9A-Fa-f]{6}", value):
        raise TemplateError(f'theme: colors: {name}: {value!r} is not a colour like "#00558c"')
    return value.lstrip("#").upper()


@dataclass(frozen=True)
class _Look:
    """How one paragraph style looks, in theme terms."""

    font: str = "body"  # "body" or "heading"
    size: str | float = "body"  # a theme size name, or points
    color: str = "text"
    bold: bool | None = None
    italic: bool | None = None
    before: float | None = None  # points
    after: float | None = None
    indent_mm: float | None = None
    align: WD_ALIGN_PARAGRAPH | None = None
    keep_next: bool = False
    single: bool = False  # single line spacing instead of the theme's


_CUSTOM_LOOKS: dict[str, _Look] = {
    "Cover Organizer": _Look("heading", "heading2", "accent", bold=True, after=18),
    "Cover Details": _Look("heading", "heading3", "text", after=4),
    "Draft Mark": _Look("heading", "subtitle", "draft", bold=True, before=18, after=6),
    "Attribution": _Look("body", "body", "muted", italic=False, after=12, indent_mm=10,
                         align=WD_ALIGN_PARAGRAPH.RIGHT),
    "Addressee": _Look("heading", "heading3", "accent", bold=True, before=12, after=4,
                       keep_next=True),
    "Contact": _Look("body", "body", "text", after=2),
    "Small Print": _Look("body", "small", "muted", after=4, single=True),
    # Looks like body text; print.css keeps it on the page of what it follows.
    "Cross Reference": _Look(),
}  # fmt: skip
assert set(_CUSTOM_LOOKS) == set(CUSTOM_STYLES), "every custom style needs a look"


def apply_theme(document: DocxDocument, theme: Theme, language: str) -> dict[str, str]:
    """Restyle python-docx's default template in the theme; return paragraph style ids by name.

    The returned map is keyed by lower-case style name (Word writes built-in names
    in lower case: ``"heading 1"``), so that the writer looks each name up once.
    """
    page = page_of(theme)
    styles = document.styles
    root = styles.element
    oxml.resolve_theme_fonts(root, major=theme.heading_font, minor=theme.body_font)
    line = round(240 * theme.line_spacing)
    oxml.set_document_defaults(
        root,
        font=theme.body_font,
        half_points=round(theme.size("body") * 2),
        language=language,
        after_twips=120,
        line=line,
    )
    colors = {name: RGBColor.from_string(hex_color(theme, name)) for name in
              ("text", "accent", "muted", "draft", "table_header")}  # fmt: skip

    def look(style: BaseStyle, spec: _Look) -> None:
        font = style.font  # type: ignore[attr-defined]
        rpr = style.element.get_or_add_rPr()
        oxml.set_fonts(rpr, theme.heading_font if spec.font == "heading" else theme.body_font)
        points = spec.size if isinstance(spec.size, float) else theme.size(spec.size)
        oxml.set_size(rpr, round(points * 2))
        font.color.rgb = colors[spec.color]
        if spec.bold is not None:
            font.bold = font.cs_bold = spec.bold
        if spec.italic is not None:
            font.italic = font.cs_italic = spec.italic
        if isinstance(style, ParagraphStyle):
            fmt = style.paragraph_format
            if spec.before is not None:
                fmt.space_before = Pt(spec.before)
            if spec.after is not None:
                fmt.space_after = Pt(spec.after)
            if spec.indent_mm is not None:
                fmt.left_indent = fmt.right_indent = Mm(spec.indent_mm)
            if spec.align is not None:
                fmt.alignment = spec.align
            if spec.keep_next:
                fmt.keep_with_next = True
            if spec.single:
                fmt.line_spacing = 1.0

    look(styles["Normal"], _Look())
    look(styles["Title"], _Look("heading", "title", "accent", after=12, single=True))
    oxml.set_border_color(styles["Title"].element.get_or_add_pPr(), hex_color(theme, "accent"))
    subtitle = styles["Subtitle"]
    # The default template numbers its Subtitle as an outline level; a subtitle is no list.
    oxml.remove(subtitle.element.get_or_add_pPr(), "w:numPr")
    look(subtitle, _Look("heading", "subtitle", "muted", italic=False, after=12))
    for level, (before, after) in enumerate(((18, 6), (14, 4), (10, 3)), start=1):
        look(styles[f"Heading {level}"],
             _Look("heading", f"heading{level}", "accent", bold=True, before=before, after=after,
                   keep_next=True))  # fmt: skip
    look(styles["Quote"], _Look("body", "body", "text", italic=True, after=4, indent_mm=10))
    look(styles["Caption"], _Look("heading", "small", "muted", bold=False, after=6))
    for name in ("Header", "Footer"):
        style = styles[name]
        look(style, _Look("heading", "small", "muted", single=True))
        tabs = style.paragraph_format.tab_stops
        tabs.clear_all()
        # One right tab: running text at the left, the draft mark or page number at the right.
        tabs.add_tab_stop(Twips(page.text_width), WD_TAB_ALIGNMENT.RIGHT)

    for name, spec in _CUSTOM_LOOKS.items():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        look(style, spec)
    table_text = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = styles["Normal"]
    look(table_text, _Look("heading", max(theme.size("small"), theme.size("body") - 1), "text",
                           before=1, after=1, single=True))  # fmt: skip

    footnote_text = _builtin(document, FOOTNOTE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    look(footnote_text, _Look("body", "small", "text", after=2, single=True))
    reference = _builtin(document, FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER)
    reference.font.superscript = True
    draft = styles.add_style(DRAFT_LABEL, WD_STYLE_TYPE.CHARACTER)
    draft.font.bold = True
    draft.font.color.rgb = colors["draft"]
    link = _builtin(document, HYPERLINK, WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = colors["accent"]
    link.font.underline = True

    for level, ids in enumerate(TOC_LEVELS):
        toc = _builtin(document, ids, WD_STYLE_TYPE.PARAGRAPH)
        toc.paragraph_format.space_after = Pt(3)
        toc.paragraph_format.left_indent = Mm(5 * level)
        toc.paragraph_format.tab_stops.add_tab_stop(
            Twips(page.text_width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
        if level == 0:
            toc.font.bold = True
    toc_heading = styles["TOC Heading"]
    look(toc_heading, _Look("heading", "heading1", "accent", bold=True, before=0, after=12))

    table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Normal Table"]
    oxml.table_style_properties(
        table.element,
        rule=hex_color(theme, "muted"),
        header_fill=hex_color(theme, "table_header"),
    )

    return {
        s.element.name_val.lower(): s.style_id
        for s in styles
        if s.type == WD_STYLE_TYPE.PARAGRAPH and s.element.name_val
    }


def _builtin(document: DocxDocument, ids: tuple[str, str], kind: WD_STYLE_TYPE) -> BaseStyle:
    """A Word built-in style under Word's own name and id, added to the template."""
    name, style_id = ids
    style = document.styles.add_style(name, kind, builtin=True)
    style.style_id = style_id
    if kind == WD_STYLE_TYPE.PARAGRAPH:
        style.base_style = document.styles["Normal"]
    style.priority = 39 if name.startswith("toc") else 99
    style.unhide_when_used = True
    return style
