"""Word fields (ECMA-376 Part 1, 17.16): which ones reportgen reads, and as what."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from .namespaces import qn

W_INSTRTEXT, W_FLDSIMPLE, W_INSTR = qn("w:instrText"), qn("w:fldSimple"), qn("w:instr")
W_CHECKBOX, W_CHECKED, W_DEFAULT = qn("w:checkBox"), qn("w:checked"), qn("w:default")
W_DDLIST, W_RESULT, W_LISTENTRY, W_VAL = (
    qn("w:ddList"), qn("w:result"), qn("w:listEntry"), qn("w:val")
)  # fmt: skip

_TOC_LEVELS = re.compile(r'\\o\s*"\d+-(\d+)"')
_QUOTED = re.compile(r'"([^"]*)"')
_CAPTION_LIST = re.compile(r"\\[ac]\b")
_FIELD_KINDS = {
    "TOC": "toc",
    "PAGE": "page",
    "NUMPAGES": "pages",
    "SECTIONPAGES": "pages",
    "HYPERLINK": "hyperlink",
    "STYLEREF": "styleref",
    "FORMCHECKBOX": "checkbox",
    "FORMDROPDOWN": "dropdown",
}
# A legacy form's check box as Word draws it, unchecked and checked.
CHECK_BOXES = ("\u2610", "\u2612")
# In page furniture, fields whose value depends on the page are placeholders the
# HTML writer turns into CSS (counter(page), counter(pages), string()); every
# other field (DATE, SAVEDATE, AUTHOR, …) shows the result Word last computed.
PAGE_DEPENDENT = ("page", "pages", "styleref")


@dataclass
class Field:
    instruction: list[str] = field(default_factory=list)
    in_result: bool = False
    kind: str = ""  # toc, page, pages, styleref, hyperlink, or "" for any other field
    href: str | None = None
    emitted: bool = False
    levels: int = 3  # for a TOC field: the outline levels it lists (\o "1-3")
    argument: str = ""  # for STYLEREF: the style named
    form: etree._Element | None = None  # a legacy form field's w:ffData


def classify(f: Field, safe_href: Callable[[str], str | None]) -> None:
    instruction = "".join(f.instruction).strip()
    words = instruction.split(None, 1)
    f.kind = _FIELD_KINDS.get(words[0].upper(), "") if words else ""
    rest = words[1] if len(words) > 1 else ""
    if f.kind == "toc" and _CAPTION_LIST.search(instruction):
        # A table of figures or tables (\c "Figure", \a): not the contents of the
        # headings; the list Word last made shows as it is.
        f.kind = ""
    elif f.kind == "toc":
        levels = _TOC_LEVELS.search(instruction)
        f.levels = min(max(int(levels[1]), 1), 3) if levels else 3
    elif f.kind == "styleref":
        match = _QUOTED.search(rest)
        f.argument = match[1] if match else (rest.split()[0] if rest.split() else "")
    elif f.kind == "hyperlink":
        if rest.lstrip().startswith("\\l"):
            f.href = None  # a link inside the document
        else:
            match = _QUOTED.search(rest)
            target = match[1] if match else rest.split()[0] if rest.split() else ""
            f.href = safe_href(target) if target else None


def placeholder(f: Field) -> str:
    """The furniture placeholder of a page-dependent field: {page}, {pages}, {styleref:…}."""
    if f.kind == "styleref":
        return "{styleref:" + f.argument.replace("}", "") + "}"
    return "{" + f.kind + "}"


def toc_levels(content: etree._Element) -> int:
    """The heading levels a contents block lists, from its TOC field's ``\\o`` switch.

    Word and LibreOffice put the contents in a content control; the field
    inside it says how deep it goes (``TOC \\o "1-2"``), 3 levels without one.
    """
    instruction = "".join(t.text or "" for t in content.iter(W_INSTRTEXT))
    instruction += " ".join(el.get(W_INSTR, "") for el in content.iter(W_FLDSIMPLE))
    levels = _TOC_LEVELS.search(instruction)
    return min(max(int(levels[1]), 1), 3) if levels else 3


def form_field_text(f: Field) -> str:
    """What a legacy form's check box or drop-down list shows (17.16.17 ffData).

    Neither has a field result of its own: Word draws the box, checked or
    not, and the entry chosen (its first one until someone chooses).
    """
    if f.form is None:
        return ""
    if f.kind == "checkbox":
        box = f.form.find(W_CHECKBOX)
        if box is None:
            return ""
        state = box.find(W_CHECKED)
        if state is None:
            state = box.find(W_DEFAULT)
            checked = state is not None and _on(state.get(W_VAL, "0"))
        else:
            checked = _on(state.get(W_VAL, "1"))
        return CHECK_BOXES[checked]
    if f.kind == "dropdown":
        choices = f.form.find(W_DDLIST)
        if choices is None:
            return ""
        entries = [entry.get(W_VAL, "") for entry in choices.iter(W_LISTENTRY)]
        chosen = choices.find(W_RESULT)
        if chosen is None:
            chosen = choices.find(W_DEFAULT)
        index = chosen.get(W_VAL, "0") if chosen is not None else "0"
        position = int(index) if index.isdigit() else 0
        return entries[position] if position < len(entries) else ""
    return ""


def _on(value: str) -> bool:
    return value.lower() not in ("0", "false", "off")
