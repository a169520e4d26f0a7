"""Raw WordprocessingML that python-docx has no API for, built with lxml in one place."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping

from docx.shared import Pt
from lxml import etree

from ..errors import ReportgenError
from ..xmlparsing import parse_part
from .namespaces import NS, qn

W_NS = NS["w"]
R_NS = NS["r"]
CUSTOM_NS = NS["cust"]
VT_NS = NS["vt"]
A_NS = NS["a"]
# The format id Office uses for every user-defined document property.
CUSTOM_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
# Office's extension that puts an SVG beside a picture's raster fallback.
SVG_BLIP_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"

# Tag names, resolved once: the writer makes tens of thousands of elements.
P, PPR, PSTYLE, R, RPR, RSTYLE, T = (
    qn(t) for t in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr", "w:rStyle", "w:t")
)
BOLD, ITALIC, COLOR, BR, TAB, VAL = (
    qn(t) for t in ("w:b", "w:i", "w:color", "w:br", "w:tab", "w:val")
)
NUMPR, ILVL, NUMID, OUTLINELVL = (qn(t) for t in ("w:numPr", "w:ilvl", "w:numId", "w:outlineLvl"))
HYPERLINK, R_ID, ANCHOR, HISTORY = (qn(t) for t in ("w:hyperlink", "r:id", "w:anchor", "w:history"))
FLDCHAR, FLDCHARTYPE, INSTRTEXT = qn("w:fldChar"), qn("w:fldCharType"), qn("w:instrText")
BOOKMARKSTART, BOOKMARKEND, ID, NAME = (
    qn(t) for t in ("w:bookmarkStart", "w:bookmarkEnd", "w:id", "w:name")
)
FOOTNOTE, FOOTNOTEREF, FOOTNOTEREFERENCE = (
    qn("w:footnote"),
    qn("w:footnoteRef"),
    qn("w:footnoteReference"),
)
TBL, TBLPR, TBLSTYLE, TBLW, TBLLAYOUT, TBLLOOK = (
    qn(t) for t in ("w:tbl", "w:tblPr", "w:tblStyle", "w:tblW", "w:tblLayout", "w:tblLook")
)
TBLGRID, GRIDCOL, TR, TRPR, TBLHEADER, CANTSPLIT = (
    qn(t) for t in ("w:tblGrid", "w:gridCol", "w:tr", "w:trPr", "w:tblHeader", "w:cantSplit")
)
TC, TCPR, TCW, SHD, W_ATTR, TYPE = (
    qn(t) for t in ("w:tc", "w:tcPr", "w:tcW", "w:shd", "w:w", "w:type")
)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def element(tag: str, **attrs: str) -> etree._Element:
    """A new WordprocessingML element, ``tag`` given as ``"w:name"``."""
    el = etree.Element(qn(tag))
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """``element`` appended to ``parent``; attributes are in the ``w:`` namespace."""
    el = etree.SubElement(parent, qn(tag))
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


# -- paragraphs and runs ---------------------------------------------------------


def paragraph(
    parent: etree._Element,
    style_id: str | None = None,
    *,
    num: tuple[int, int] | None = None,
    outline_level: int | None = None,
) -> etree._Element:
    """A ``w:p`` with its properties in schema order (pStyle, numPr, outlineLvl)."""
    p = etree.SubElement(parent, P)
    if style_id or num or outline_level is not None:
        ppr = etree.SubElement(p, PPR)
        if style_id:
            etree.SubElement(ppr, PSTYLE).set(VAL, style_id)
        if num:
            numpr = etree.SubElement(ppr, NUMPR)
            etree.SubElement(numpr, ILVL).set(VAL, str(num[1]))
            etree.SubElement(numpr, NUMID).set(VAL, str(num[0]))
        if outline_level is not None:
            etree.SubElement(ppr, OUTLINELVL).set(VAL, str(outline_level))
    return p


def run(
    parent: etree._Element,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    style_id: str | None = None,
    color: str | None = None,
) -> etree._Element:
    """A ``w:r`` holding ``text``; newlines become line breaks and tabs become tabs."""
    r = etree.SubElement(parent, R)
    if style_id or bold or italic or color:
        rpr = etree.SubElement(r, RPR)  # children in schema order: rStyle, b, i, color
        if style_id:
            etree.SubElement(rpr, RSTYLE).set(VAL, style_id)
        if bold:
            etree.SubElement(rpr, BOLD)
        if italic:
            etree.SubElement(rpr, ITALIC)
        if color:
            etree.SubElement(rpr, COLOR).set(VAL, color)
    if text:
        _run_text(r, text)
    return r


def _run_text(r: etree._Element, text: str) -> None:
    if "\n" not in text and "\t" not in text:
        _t(r, text)
        return
    for i, line in enumerate(text.split("\n")):
        if i:
            etree.SubElement(r, BR)
        for j, piece in enumerate(line.split("\t")):
            if j:
                etree.SubElement(r, TAB)
            if piece:
                _t(r, piece)


def _t(r: etree._Element, text: str) -> None:
    t = etree.SubElement(r, T)
    try:
        t.text = text
    except ValueError:
        bad = next((c for c in text if not _xml_char(c)), "?")
        # Inputs are checked before composing; reaching here means text bypassed that check.
        raise ReportgenError(
            f"text cannot be stored in a Word document: it holds the character U+{ord(bad):04X} "
            f"(in {text[:40]!r})"
        ) from None
    if text[0] == " " or text[-1] == " ":
        t.set(XML_SPACE, "preserve")


def _xml_char(c: str) -> bool:
    o = ord(c)
    return o in (0x9, 0xA, 0xD) or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000


def line_break(parent: etree._Element) -> None:
    etree.SubElement(etree.SubElement(parent, R), BR)


def page_break(parent: etree._Element) -> etree._Element:
    """A paragraph holding only a page break, as Word's Ctrl+Enter makes it."""
    p = etree.SubElement(parent, P)
    etree.SubElement(etree.SubElement(p, R), BR).set(TYPE, "page")
    return p


def hyperlink(
    parent: etree._Element, *, rid: str | None = None, anchor: str | None = None
) -> etree._Element:
    """A ``w:hyperlink`` to an external relationship ``rid`` or to a bookmark ``anchor``."""
    h = etree.SubElement(parent, HYPERLINK)
    if rid:
        h.set(R_ID, rid)
    if anchor:
        h.set(ANCHOR, anchor)
    h.set(HISTORY, "1")
    return h


def field(
    parent: etree._Element, instruction: str, result: str = "", **run_format: bool | str | None
) -> None:
    """A complex field: begin, instruction, separate, cached ``result``, end."""
    field_begin(parent, instruction, **run_format)
    if result:
        run(parent, result, **run_format)  # type: ignore[arg-type]
    field_end(parent, **run_format)


def field_begin(parent: etree._Element, instruction: str, **run_format: bool | str | None) -> None:
    etree.SubElement(run(parent, **run_format), FLDCHAR).set(FLDCHARTYPE, "begin")  # type: ignore[arg-type]
    instr = etree.SubElement(run(parent, **run_format), INSTRTEXT)  # type: ignore[arg-type]
    instr.text = f" {instruction} "
    instr.set(XML_SPACE, "preserve")
    etree.SubElement(run(parent, **run_format), FLDCHAR).set(FLDCHARTYPE, "separate")  # type: ignore[arg-type]


def field_end(parent: etree._Element, **run_format: bool | str | None) -> None:
    etree.SubElement(run(parent, **run_format), FLDCHAR).set(FLDCHARTYPE, "end")  # type: ignore[arg-type]


def bookmark_start(parent: etree._Element, bookmark_id: int, name: str) -> None:
    b = etree.SubElement(parent, BOOKMARKSTART)
    b.set(ID, str(bookmark_id))
    b.set(NAME, name)


def bookmark_end(parent: etree._Element, bookmark_id: int) -> None:
    etree.SubElement(parent, BOOKMARKEND).set(ID, str(bookmark_id))


# -- footnotes -------------------------------------------------------------------

FOOTNOTES_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
)
# Word numbers its own two separator footnotes -1 and 0; real footnotes start at 1.
SEPARATOR_IDS = (-1, 0)


def footnotes_root() -> etree._Element:
    """``w:footnotes`` holding the separator and continuation separator Word expects."""
    root = etree.Element(qn("w:footnotes"), nsmap={"w": W_NS, "r": R_NS})
    for footnote_id, kind, mark in (
        (-1, "separator", "w:separator"),
        (0, "continuationSeparator", "w:continuationSeparator"),
    ):
        note = sub(root, "w:footnote", type=kind, id=str(footnote_id))
        p = sub(note, "w:p")
        sub(sub(p, "w:pPr"), "w:spacing", after="0", line="240", lineRule="auto")
        sub(sub(p, "w:r"), mark)
    return root


def footnote(root: etree._Element, footnote_id: int) -> etree._Element:
    note = etree.SubElement(root, FOOTNOTE)
    note.set(ID, str(footnote_id))
    return note


def footnote_mark(p: etree._Element, style_id: str) -> None:
    """The number at the start of a footnote's text, then a space (as Word writes it)."""
    scratch = etree.Element(P)
    etree.SubElement(run(scratch, style_id=style_id), FOOTNOTEREF)
    run(scratch, " ")
    at = 1 if len(p) and p[0].tag == PPR else 0
    for offset, r in enumerate(list(scratch)):
        p.insert(at + offset, r)


def footnote_reference(parent: etree._Element, footnote_id: int, style_id: str) -> None:
    etree.SubElement(run(parent, style_id=style_id), FOOTNOTEREFERENCE).set(ID, str(footnote_id))


# -- tables ------------------------------------------------------------------------


def table(
    parent: etree._Element, style_id: str, widths: list[int], *, first_row_header: bool
) -> etree._Element:
    """A fixed-layout ``w:tbl`` whose columns are ``widths`` twips wide."""
    tbl = etree.SubElement(parent, TBL)
    tblpr = etree.SubElement(tbl, TBLPR)
    etree.SubElement(tblpr, TBLSTYLE).set(VAL, style_id)
    tblw = etree.SubElement(tblpr, TBLW)
    tblw.set(W_ATTR, str(sum(widths)))
    tblw.set(TYPE, "dxa")
    etree.SubElement(tblpr, TBLLAYOUT).set(TYPE, "fixed")
    look = etree.SubElement(tblpr, TBLLOOK)
    # The legacy bit mask Word still writes beside the attributes (0x20 first row, 0x600 no bands).
    look.set(VAL, "0620" if first_row_header else "0600")
    for key, on in (
        ("firstRow", first_row_header),
        ("lastRow", False),
        ("firstColumn", False),
        ("lastColumn", False),
        ("noHBand", True),
        ("noVBand", True),
    ):
        look.set(qn(f"w:{key}"), "1" if on else "0")
    grid = etree.SubElement(tbl, TBLGRID)
    for width in widths:
        etree.SubElement(grid, GRIDCOL).set(W_ATTR, str(width))
    return tbl


def table_row(tbl: etree._Element, *, header: bool) -> etree._Element:
    tr = etree.SubElement(tbl, TR)
    if header:
        trpr = etree.SubElement(tr, TRPR)
        etree.SubElement(trpr, CANTSPLIT)
        etree.SubElement(trpr, TBLHEADER)  # repeat this row at the top of every page
    return tr


def table_cell(tr: etree._Element, width: int, *, fill: str | None = None) -> etree._Element:
    tc = etree.SubElement(tr, TC)
    tcpr = etree.SubElement(tc, TCPR)
    tcw = etree.SubElement(tcpr, TCW)
    tcw.set(W_ATTR, str(width))
    tcw.set(TYPE, "dxa")
    if fill:
        shd = etree.SubElement(tcpr, SHD)
        shd.set(VAL, "clear")
        shd.set(COLOR, "auto")
        shd.set(qn("w:fill"), fill)
    return tc


def ensure_ends_with_paragraph(container: etree._Element) -> None:
    """Cells, footnotes and the body must end with a paragraph, not a table."""
    last = container[-1] if len(container) else None
    if last is None or last.tag not in (P,):
        etree.SubElement(container, P)


# -- numbering ------------------------------------------------------------------------


# Compiled once; python-docx's elements fix the namespaces their own xpath() accepts.
_STYLE_NUM_ID = etree.XPath("w:style[@w:styleId=$sid]/w:pPr/w:numPr/w:numId/@w:val", namespaces=NS)
_ABSTRACT_OF_NUM = etree.XPath("w:num[@w:numId=$nid]/w:abstractNumId/@w:val", namespaces=NS)
_NUM_IDS = etree.XPath("w:num/@w:numId", namespaces=NS)


def abstract_num_of_style(numbering: etree._Element, styles: etree._Element, style_id: str) -> int:
    """The ``abstractNumId`` behind the numbering a list style (e.g. ListNumber) points at."""
    num_ids = _STYLE_NUM_ID(styles, sid=style_id)
    if not num_ids:
        raise LookupError(f"style {style_id} has no numbering")
    return int(_ABSTRACT_OF_NUM(numbering, nid=num_ids[0])[0])


def add_num(numbering: etree._Element, abstract_num_id: int, start: int) -> int:
    """A new numbering instance, so that a list restarts, beginning at ``start``."""
    existing = [int(v) for v in _NUM_IDS(numbering)]
    num_id = max(existing, default=0) + 1
    num = sub(numbering, "w:num", numId=str(num_id))
    sub(num, "w:abstractNumId", val=str(abstract_num_id))
    override = sub(num, "w:lvlOverride", ilvl="0")
    sub(override, "w:startOverride", val=str(start))
    return num_id


# -- settings and language ---------------------------------------------------------

# w:settings children that may follow w:footnotePr, in schema order (ECMA-376 §17.15.1.78).
_AFTER_FOOTNOTEPR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip
_AFTER_THEMEFONTLANG = _AFTER_FOOTNOTEPR[_AFTER_FOOTNOTEPR.index("w:themeFontLang") + 1 :]


def _insert_before(
    parent: etree._Element, child: etree._Element, successors: Iterable[str]
) -> None:
    tags = {qn(t) for t in successors}
    for i, existing in enumerate(parent):
        if existing.tag in tags:
            parent.insert(i, child)
            return
    parent.append(child)


def configure_settings(settings: etree._Element, *, language: str, has_footnotes: bool) -> None:
    """Spell-check language, footnote separators, Word 2013+ layout, no preview picture.

    The template's ``w:proofState`` (spelling "clean") goes too: it would tell Word
    the text was already proofread, so that it would not check the report's.
    """
    for tag in (
        "w:savePreviewPicture",
        "w:proofState",
        "w:footnotePr",
        "w:themeFontLang",
        "w:rsids",
    ):
        for old in settings.findall(qn(tag)):
            settings.remove(old)
    if has_footnotes:
        pr = element("w:footnotePr")
        for footnote_id in SEPARATOR_IDS:
            sub(pr, "w:footnote", id=str(footnote_id))
        _insert_before(settings, pr, _AFTER_FOOTNOTEPR)
    _insert_before(settings, element("w:themeFontLang", val=language), _AFTER_THEMEFONTLANG)
    # compatibilityMode 15 (Word 2013 and later): the document opens without "Compatibility Mode".
    for setting in settings.iterfind(qn("w:compat") + "/" + qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def _insert_after(
    parent: etree._Element, child: etree._Element, predecessors: Iterable[str]
) -> None:
    tags = {qn(t) for t in predecessors}
    at = 0
    for i, existing in enumerate(parent):
        if existing.tag in tags:
            at = i + 1
    parent.insert(at, child)


# w:settings children that may come before w:embedTrueTypeFonts (ECMA-376 §17.15.1.78).
_BEFORE_EMBEDTRUETYPEFONTS = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
    "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
    "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData",
)  # fmt: skip


def embed_fonts_setting(settings: etree._Element) -> None:
    """Tell Word the document embeds its fonts, and to keep only the characters used.

    With ``w:embedTrueTypeFonts`` a reviewer's Word keeps embedding the fonts when
    it saves; ``w:saveSubsetFonts`` keeps that embedding as small as ours.
    """
    for tag in ("w:embedTrueTypeFonts", "w:saveSubsetFonts"):
        remove(settings, tag)
    embed = element("w:embedTrueTypeFonts")
    _insert_after(settings, embed, _BEFORE_EMBEDTRUETYPEFONTS)
    _insert_after(
        settings,
        element("w:saveSubsetFonts"),
        (*_BEFORE_EMBEDTRUETYPEFONTS, "w:embedTrueTypeFonts", "w:embedSystemFonts"),
    )


def set_language(rpr: etree._Element, language: str) -> None:
    """``w:lang`` on run properties (the document defaults), keeping its place in the sequence."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = sub(rpr, "w:lang")
    lang.set(qn("w:val"), language)


def set_fonts(rpr: etree._Element, font: str) -> None:
    """``w:rFonts`` naming ``font`` for every script, dropping theme-font references."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = element("w:rFonts")
        rpr.insert(1 if rpr.find(qn("w:rStyle")) is not None else 0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr == qn("w:cstheme"):
            del fonts.attrib[attr]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), font)


def split_run_by_font(r: etree._Element, font_for: Callable[[str], str | None]) -> None:
    """Split run ``r`` where its characters need another font than its own.

    ``font_for`` names the font a character needs, or None for the run's own.
    Each piece is a copy of the run's properties holding the consecutive text
    that needs one font; a piece needing another font names it in ``w:rFonts``.
    Breaks, tabs and the like stay with the run's own font.
    """
    rpr = r.find(RPR)
    pieces: list[tuple[str | None, etree._Element | str]] = []
    for child in r:
        if child is rpr:
            continue
        if child.tag != T or not child.text:
            pieces.append((None, child))
            continue
        for char in child.text:
            font = font_for(char)
            if pieces and pieces[-1][0] == font and isinstance(pieces[-1][1], str):
                pieces[-1] = (font, pieces[-1][1] + char)
            else:
                pieces.append((font, char))
    if all(font is None for font, _ in pieces):
        return
    parent, at = r.getparent(), r.getparent().index(r)
    runs: list[etree._Element] = []
    current: str | bool | None = False  # False: no run yet
    for font, piece in pieces:
        if font != current:
            new = etree.Element(R)
            if rpr is not None or font is not None:
                props = copy.deepcopy(rpr) if rpr is not None else etree.Element(RPR)
                if font is not None:
                    set_fonts(props, font)
                new.append(props)
            runs.append(new)
            current = font
        if isinstance(piece, str):
            _t(runs[-1], piece)
        else:
            runs[-1].append(piece)
    parent.remove(r)
    for offset, new in enumerate(runs):
        parent.insert(at + offset, new)


def run_font(r: etree._Element, style_fonts: Mapping[str, str]) -> str | None:
    """The font a run names itself or through its character style, if any."""
    rpr = r.find(RPR)
    if rpr is None:
        return None
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None and fonts.get(qn("w:ascii")):
        return fonts.get(qn("w:ascii"))
    style = rpr.find(RSTYLE)
    return style_fonts.get(style.get(VAL, "")) if style is not None else None


def style_fonts(styles: etree._Element) -> tuple[dict[str, str], str | None, str | None]:
    """The font of every style (``w:rFonts/@w:ascii``, through ``w:basedOn``).

    Returns the fonts by style id, the document default font and the id of
    the default paragraph style.
    """
    own: dict[str, tuple[str | None, str | None]] = {}  # id → (font, based on)
    default_style = None
    for style in styles.iterfind(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        if style_id is None:
            continue
        fonts = style.find(f"{RPR}/{qn('w:rFonts')}")
        based = style.find(qn("w:basedOn"))
        own[style_id] = (
            fonts.get(qn("w:ascii")) if fonts is not None else None,
            based.get(VAL) if based is not None else None,
        )
        if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
            default_style = style_id
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{RPR}/{qn('w:rFonts')}")
    default_font = defaults.get(qn("w:ascii")) if defaults is not None else None

    resolved: dict[str, str] = {}
    for style_id in own:
        seen, at = set(), style_id
        while at in own and at not in seen:
            seen.add(at)
            font, at = own[at][0], own[at][1]  # type: ignore[assignment]
            if font:
                resolved[style_id] = font
                break
    return resolved, default_font, default_style


def set_size(rpr: etree._Element, half_points: int) -> None:
    """Font size for all scripts (``w:sz`` and ``w:szCs``); ``rpr`` is a python-docx CT_RPr."""
    rpr.sz_val = Pt(half_points / 2)  # type: ignore[attr-defined]
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = element("w:szCs")
        rpr.find(qn("w:sz")).addnext(size_cs)
    size_cs.set(qn("w:val"), str(half_points))


def resolve_theme_fonts(root: etree._Element, major: str, minor: str) -> None:
    """Replace every theme-font reference below ``root`` by the named heading or body font."""
    for fonts in root.iter(qn("w:rFonts")):
        theme_attrs = [a for a in fonts.attrib if a.endswith("Theme") or a == qn("w:cstheme")]
        if not theme_attrs:
            continue
        font = major if any("major" in fonts.get(a, "") for a in theme_attrs) else minor
        for attr in theme_attrs:
            del fonts.attrib[attr]
        for script in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{script}"), font)


def set_document_defaults(
    styles: etree._Element,
    *,
    font: str,
    half_points: int,
    language: str,
    after_twips: int,
    line: int,
) -> None:
    """``w:docDefaults``: the body font, size, language and spacing every style starts from.

    Spacing lives here rather than in Normal so that a table style's spacing still
    applies to the paragraphs in its cells.
    """
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = element("w:docDefaults")
        styles.insert(0, defaults)
    for old in list(defaults):
        defaults.remove(old)
    rpr = sub(sub(defaults, "w:rPrDefault"), "w:rPr")
    set_fonts(rpr, font)
    sub(rpr, "w:sz", val=str(half_points))
    sub(rpr, "w:szCs", val=str(half_points))
    sub(rpr, "w:lang", val=language)
    ppr = sub(sub(defaults, "w:pPrDefault"), "w:pPr")
    sub(ppr, "w:spacing", after=str(after_twips), line=str(line), lineRule="auto")


def table_style_properties(style: etree._Element, *, rule: str, header_fill: str) -> None:
    """A quiet table style: horizontal rules, a shaded bold header row, no cell spacing."""
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
        remove(style, tag)
    ppr = sub(style, "w:pPr")
    sub(ppr, "w:spacing", before="0", after="0", line="240", lineRule="auto")
    tblpr = sub(style, "w:tblPr")
    borders = sub(tblpr, "w:tblBorders")
    for side in ("top", "bottom", "insideH"):
        sub(borders, f"w:{side}", val="single", sz="4", space="0", color=rule)
    margins = sub(tblpr, "w:tblCellMar")
    for side, width in (("top", "57"), ("left", "85"), ("bottom", "57"), ("right", "85")):
        sub(margins, f"w:{side}", w=width, type="dxa")
    header = sub(style, "w:tblStylePr", type="firstRow")
    sub(sub(header, "w:rPr"), "w:b")
    tcpr = sub(header, "w:tcPr")
    cell_borders = sub(tcpr, "w:tcBorders")
    sub(cell_borders, "w:bottom", val="single", sz="8", space="0", color=rule)
    sub(tcpr, "w:shd", val="clear", color="auto", fill=header_fill)


def set_border_color(ppr: etree._Element, color: str) -> None:
    """Recolour the paragraph borders a built-in style already has (the Title's rule)."""
    for border in ppr.iterfind(qn("w:pBdr") + "/*"):
        border.set(qn("w:color"), color)
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            border.attrib.pop(qn(attr), None)


def remove(parent: etree._Element, tag: str) -> None:
    for old in parent.findall(qn(tag)):
        parent.remove(old)


# -- the font table and embedded fonts ------------------------------------------------

# The element that embeds each style of a family, in schema order (ECMA-376 §17.8.3).
EMBED_ELEMENTS = {
    "regular": "w:embedRegular",
    "bold": "w:embedBold",
    "italic": "w:embedItalic",
    "bold italic": "w:embedBoldItalic",
}


def font_table(data: bytes) -> etree._Element:
    """``word/fontTable.xml`` as a tree."""
    return parse_part(data, "word/fontTable.xml", keep_comments=True)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def add_font(
    root: etree._Element,
    name: str,
    *,
    panose: str,
    unicode_ranges: tuple[int, int, int, int],
    code_pages: tuple[int, int],
    kind: str,
    fixed_pitch: bool,
    embedded: Mapping[str, tuple[str, str]],
) -> None:
    """A ``w:font`` for ``name`` (in place of any of that name) and its embedded files.

    ``embedded`` maps a style (``"regular"``, ``"bold"``, …) to the relationship
    id of its font part and the GUID the part is obfuscated with.  The
    classification (PANOSE, Unicode and code page ranges) comes from the font's
    OS/2 table: Word picks a substitute by it where the font cannot be used.
    """
    for old in root.findall(qn("w:font")):
        if old.get(qn("w:name")) == name:
            root.remove(old)
    font = sub(root, "w:font", name=name)
    sub(font, "w:panose1", val=panose)
    # ANSI_CHARSET for a font with Latin-1, DEFAULT_CHARSET otherwise.
    sub(font, "w:charset", val="00" if code_pages[0] & 1 else "01")
    sub(font, "w:family", val=kind)
    sub(font, "w:pitch", val="fixed" if fixed_pitch else "variable")
    usb = {f"usb{i}": f"{v:08X}" for i, v in enumerate(unicode_ranges)}
    csb = {f"csb{i}": f"{v:08X}" for i, v in enumerate(code_pages)}
    sub(font, "w:sig", **usb, **csb)
    for style, tag in EMBED_ELEMENTS.items():
        if style in embedded:
            rid, key = embedded[style]
            embed = sub(font, tag, fontKey=key, subsetted="1")
            embed.set(R_ID, rid)


# -- the Office theme ---------------------------------------------------------------


def retheme(theme_xml: bytes, *, heading_font: str, body_font: str, accent: str) -> bytes:
    """The package's DrawingML theme with the house fonts and accent colour.

    Styles the report does not set itself (Intense Quote, inserted text boxes) and
    Word's Design gallery take their fonts and first accent from here.
    """
    root = parse_part(theme_xml, "word/theme/theme1.xml", keep_comments=True)
    ns = {"a": A_NS}
    for path, typeface in (
        ("//a:majorFont/a:latin", heading_font),
        ("//a:minorFont/a:latin", body_font),
    ):
        for latin in root.xpath(path, namespaces=ns):
            latin.set("typeface", typeface)
    for colour in root.xpath("//a:clrScheme/a:accent1/* | //a:clrScheme/a:hlink/*", namespaces=ns):
        parent = colour.getparent()
        parent.remove(colour)
        etree.SubElement(parent, f"{{{A_NS}}}srgbClr", val=accent)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- custom document properties --------------------------------------------------------


def custom_properties_xml(properties: Mapping[str, str]) -> bytes:
    """``docProps/custom.xml`` holding text properties, in the given order."""
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    # Property ids start at 2: 0 and 1 are reserved by the property-set format.
    for pid, (name, value) in enumerate(properties.items(), start=2):
        prop = etree.SubElement(
            root, f"{{{CUSTOM_NS}}}property", fmtid=CUSTOM_PROPERTY_FMTID, pid=str(pid), name=name
        )
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def read_custom_properties(data: bytes) -> dict[str, str]:
    """The text of every custom property in a ``docProps/custom.xml``."""
    root = parse_part(data, "docProps/custom.xml", keep_comments=True)
    found: dict[str, str] = {}
    for prop in root.iterfind(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name")
        if name is not None and len(prop):
            found[name] = prop[0].text or ""
    return found


def with_custom_property(data: bytes, name: str, value: str) -> bytes:
    """``docProps/custom.xml`` with property ``name`` set to ``value``."""
    properties = read_custom_properties(data)
    properties[name] = value
    return custom_properties_xml(properties)


# -- pictures ------------------------------------------------------------------------


# -- the provenance record: an item of Word's custom XML data store ---------------------

CUSTOM_XML_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
# A fixed item id, so that equal documents give equal bytes.
RECORD_ITEM_ID = "{6F8B9E0A-3C2D-4E5F-9A1B-7C8D9E0F1A2B}"


def custom_xml_properties(schema: str) -> bytes:
    """The properties part of a custom XML item: its id and the namespace it uses."""
    ds = f"{{{CUSTOM_XML_PROPS_NS}}}"
    root = etree.Element(ds + "datastoreItem", nsmap={"ds": CUSTOM_XML_PROPS_NS})
    root.set(ds + "itemID", RECORD_ITEM_ID)
    refs = etree.SubElement(root, ds + "schemaRefs")
    etree.SubElement(refs, ds + "schemaRef").set(ds + "uri", schema)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False)


def describe_picture(inline: etree._Element, alt: str) -> None:
    """Alt text on a picture (``wp:docPr/@descr``), read aloud by screen readers.

    Also sets the zero text distances Word writes on inline pictures; without them
    LibreOffice indents the picture.
    """
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")
    doc_pr = inline.find(qn("wp:docPr"))
    if doc_pr is not None and alt:
        doc_pr.set("descr", alt)


def add_svg_blip(inline: etree._Element, svg_rid: str) -> None:
    """Point a picture at its SVG original (Office 2016+), keeping the raster as fallback."""
    blip = inline.find(".//" + qn("a:blip"))
    if blip is None:
        return
    ext_lst = etree.SubElement(blip, f"{{{A_NS}}}extLst")
    ext = etree.SubElement(ext_lst, f"{{{A_NS}}}ext", uri=SVG_BLIP_EXT_URI)
    svg = etree.SubElement(ext, f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
    svg.set(qn("r:embed"), svg_rid)
