"""Characters of symbol fonts (Symbol, Wingdings, Webdings) as the Unicode characters they draw."""

# A symbol font draws its own pictures at the codes of Latin letters: "p" in
# Symbol is π, "J" in Wingdings a smiling face.  Word stores such a character
# as a w:sym (ECMA-376 Part 1, 17.3.3.30) or as text in a run set in the font,
# either with the font's own code or with F000 added to it (the private use
# area).  Shown in the template's fonts as it stands, the character would be a
# Latin letter or a missing glyph; the table of dingbat-to-unicode
# (data/dingbats.json, BSD-2-Clause) gives the Unicode character instead.

from __future__ import annotations

import json
from functools import cache
from importlib import resources

PRIVATE_USE_SHIFT = 0xF000


@cache
def _tables() -> dict[str, dict[int, str]]:
    data = json.loads(resources.files("reportgen").joinpath("data/dingbats.json").read_text())
    return {
        font: {int(code, 16): chr(int(value, 16)) for code, value in table.items()}
        for font, table in data["fonts"].items()
    }


def is_symbol_font(font: str) -> bool:
    """Whether ``font`` is one of the symbol fonts whose characters are mapped."""
    return font.strip().upper() in _tables()


def symbol_character(font: str, code: int) -> str | None:
    """The character ``code`` of a symbol ``font`` draws; None for a font or code not mapped."""
    table = _tables().get(font.strip().upper())
    if table is None:
        return None
    if PRIVATE_USE_SHIFT <= code <= PRIVATE_USE_SHIFT + 0xFF:
        code -= PRIVATE_USE_SHIFT
    return table.get(code)


def symbol_text(font: str, text: str) -> str:
    """A run's ``text`` set in the symbol ``font``, as the characters it draws."""
    return "".join(symbol_character(font, ord(char)) or char for char in text)
