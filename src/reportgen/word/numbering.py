"""numbering.xml: list numbers and bullets as Word shows them (ECMA-376 Part 1, 17.9)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .namespaces import qn
from .ooxml_read import Style, w_val

W_ILVL, W_NUMID, W_NUMFMT, W_START = qn("w:ilvl"), qn("w:numId"), qn("w:numFmt"), qn("w:start")
W_LVLTEXT, W_ISLGL, W_LVLRESTART = qn("w:lvlText"), qn("w:isLgl"), qn("w:lvlRestart")
W_ABSTRACTNUM, W_ABSTRACTNUMID, W_LVL = qn("w:abstractNum"), qn("w:abstractNumId"), qn("w:lvl")
W_NUM, W_LVLOVERRIDE, W_STARTOVERRIDE = qn("w:num"), qn("w:lvlOverride"), qn("w:startOverride")
W_NUMSTYLELINK, W_RPR, W_RFONTS = qn("w:numStyleLink"), qn("w:rPr"), qn("w:rFonts")

_PLACEHOLDER = re.compile(r"%([1-9])")

# Bullets drawn from symbol fonts sit in the private use area (F000 + the
# font's code); these are the ones Word's bullet library offers.
_SYMBOL_BULLETS = {
    0xF0B7: "•",  # Symbol
    0xF0A7: "▪",  # Wingdings §
    0xF0D8: "➢",  # Wingdings
    0xF0FC: "✓",  # Wingdings
    0xF076: "❖",  # Wingdings v
    0xF0A8: "◦",
    0xF06E: "■",  # Wingdings n
    0xF071: "❑",  # Wingdings q
    0xF0E0: "→",
    0xF0E8: "➔",
    0xF0DE: "⇒",
    0xF02D: "–",
    0xF0BE: "—",
}


def roman(value: int) -> str:
    """Upper-case Roman numerals; Word counts on past 3999 with more Ms."""
    result = []
    for number, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, number)
        result.append(letters * count)
    return "".join(result)


def letters(value: int) -> str:
    """Word's letters: a … z, then aa … zz, aaa … (not a spreadsheet's aa, ab)."""
    if value < 1:
        return str(value)
    repeat, index = divmod(value - 1, 26)
    return chr(ord("a") + index) * (repeat + 1)


def format_number(value: int, fmt: str) -> str:
    """``value`` in an ST_NumberFormat (decimal, lowerLetter, upperRoman, …)."""
    if fmt in ("lowerLetter", "upperLetter"):
        text = letters(value)
        return text.upper() if fmt == "upperLetter" else text
    if fmt in ("lowerRoman", "upperRoman") and value > 0:
        text = roman(value)
        return text.lower() if fmt == "lowerRoman" else text
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10)
        return f"{value}{suffix or 'th'}"
    if fmt in ("decimalEnclosedParen",):
        return f"({value})"
    if fmt == "chicago":  # *, †, ‡, §, then doubled
        marks = "*†‡§"
        repeat, index = divmod(value - 1, 4)
        return marks[index] * (repeat + 1) if value > 0 else str(value)
    return str(value)  # decimal, and formats without a Latin rendering


def bullet_text(text: str) -> str:
    """The bullet a level shows, with symbol-font characters mapped to Unicode."""
    shown = []
    for char in text:
        code = ord(char)
        if 0xF000 <= code <= 0xF0FF:
            shown.append(_SYMBOL_BULLETS.get(code, "•"))
        elif char == "o":
            shown.append("◦")  # Courier New "o", Word's second-level bullet
        else:
            shown.append(char)
    return "".join(shown).strip() or "•"


@dataclass(frozen=True)
class Level:
    """One level of an abstract numbering."""

    fmt: str = "decimal"
    start: int = 1
    text: str = "%1."  # lvlText: "%1.%2." shows the numbers of levels 1 and 2
    legal: bool = False  # isLgl: the numbers of higher levels in decimal
    restart: int | None = None  # lvlRestart: restart after this (1-based) level; 0 never


@dataclass(frozen=True)
class ListNumber:
    """What one numbered paragraph shows."""

    ordered: bool
    value: int | None  # its own counter, None for a bullet
    label: str  # the text Word shows before it ("1.2.", "a)", "•")


def _level(lvl: etree._Element, ilvl: int) -> Level:
    fmt = w_val(lvl.find(W_NUMFMT), "decimal")
    start_text = w_val(lvl.find(W_START))
    lvl_text = lvl.find(W_LVLTEXT)
    text = lvl_text.get(qn("w:val")) if lvl_text is not None else None
    if text is None:
        text = "" if fmt == "bullet" else f"%{ilvl + 1}."
    restart_text = w_val(lvl.find(W_LVLRESTART))
    legal = lvl.find(W_ISLGL)
    return Level(
        fmt=fmt,
        start=int(start_text) if start_text.lstrip("-").isdigit() else 1,
        text=text,
        legal=legal is not None and w_val(legal, "1").lower() not in ("0", "false", "off"),
        restart=int(restart_text) if restart_text.isdigit() else None,
    )


def _levels(parent: etree._Element) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    for lvl in parent.iter(W_LVL):
        ilvl_text = lvl.get(W_ILVL, "0")
        ilvl = int(ilvl_text) if ilvl_text.isdigit() else 0
        levels[ilvl] = _level(lvl, ilvl)
    return levels


@dataclass
class Numbering:
    """List numbering, counted the way Word counts it while reading in document order.

    Word keeps one counter per abstract numbering and level through the whole
    document; a ``startOverride`` restarts it where its list instance is first
    used; an item resets the counters of deeper levels (unless ``lvlRestart``
    says otherwise).
    """

    # numId → (abstractNumId, {ilvl: startOverride}, {ilvl: Level overriding the abstract's})
    nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = field(default_factory=dict)
    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    # abstractNumId → the numbering style it takes its levels from (numStyleLink)
    style_links: dict[str, str] = field(default_factory=dict)
    styles: dict[str, Style] = field(default_factory=dict)
    _counters: dict[str, dict[int, int]] = field(default_factory=dict)
    _started: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def parse(
        cls, root: etree._Element | None, styles: dict[str, Style] | None = None
    ) -> Numbering:
        numbering = cls(styles=styles or {})
        if root is None:
            return numbering
        for abstract in root.iter(W_ABSTRACTNUM):
            abstract_id = abstract.get(W_ABSTRACTNUMID, "")
            numbering.abstracts[abstract_id] = _levels(abstract)
            link = w_val(abstract.find(W_NUMSTYLELINK))
            if link:
                numbering.style_links[abstract_id] = link
        for num in root.iter(W_NUM):
            overrides: dict[int, int] = {}
            levels: dict[int, Level] = {}
            for override in num.iter(W_LVLOVERRIDE):
                ilvl_text = override.get(W_ILVL, "")
                if not ilvl_text.isdigit():
                    continue
                ilvl = int(ilvl_text)
                start = w_val(override.find(W_STARTOVERRIDE))
                if start.lstrip("-").isdigit():
                    overrides[ilvl] = int(start)
                lvl = override.find(W_LVL)
                if lvl is not None:
                    levels[ilvl] = _level(lvl, ilvl)
            abstract_id = w_val(num.find(W_ABSTRACTNUMID))
            numbering.nums[num.get(W_NUMID, "")] = (abstract_id, overrides, levels)
        return numbering

    def _abstract(self, abstract_id: str) -> tuple[str, dict[int, Level]]:
        """The abstract numbering whose levels apply, following numStyleLink once."""
        link = self.style_links.get(abstract_id)
        style = self.styles.get(link) if link else None
        if style is not None and style.num_id and style.num_id in self.nums:
            linked = self.nums[style.num_id][0]
            if linked != abstract_id and linked in self.abstracts:
                return linked, self.abstracts[linked]
        return abstract_id, self.abstracts.get(abstract_id, {})

    def level(self, num_id: str, ilvl: int) -> Level | None:
        if num_id not in self.nums:
            return None
        abstract_id, _, own = self.nums[num_id]
        return own.get(ilvl) or self._abstract(abstract_id)[1].get(ilvl)

    def next_item(self, num_id: str, ilvl: int) -> ListNumber | None:
        """What the next item of list ``num_id`` at ``ilvl`` shows.

        None when the list instance is unknown or its level shows nothing.
        """
        if num_id not in self.nums:
            return None
        abstract_id, overrides, own = self.nums[num_id]
        abstract_id, levels = self._abstract(abstract_id)
        level = own.get(ilvl) or levels.get(ilvl) or Level(text=f"%{ilvl + 1}.")
        if level.fmt == "none" and not _PLACEHOLDER.search(level.text):
            return None if not level.text.strip() else ListNumber(False, None, level.text.strip())
        counters = self._counters.setdefault(abstract_id, {})
        for deeper in [depth for depth in counters if depth > ilvl]:
            deeper_level = own.get(deeper) or levels.get(deeper) or Level()
            # lvlRestart 0: never restarts; n: restarts after a level-n item (1-based).
            if deeper_level.restart == 0:
                continue
            if deeper_level.restart is None or ilvl < deeper_level.restart:
                del counters[deeper]
        if ilvl in overrides and (num_id, ilvl) not in self._started:
            counters[ilvl] = overrides[ilvl]
        elif ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = level.start
        self._started.add((num_id, ilvl))
        if level.fmt == "bullet":
            return ListNumber(False, None, bullet_text(level.text))

        def shown(match: re.Match[str]) -> str:
            depth = int(match[1]) - 1
            other = (own.get(depth) or levels.get(depth) or Level()) if depth != ilvl else level
            value = counters.get(depth, other.start)
            fmt = "decimal" if level.legal and depth != ilvl else other.fmt
            return format_number(value, fmt)

        return ListNumber(True, counters[ilvl], _PLACEHOLDER.sub(shown, level.text).strip())
