"""numbering.xml read as Word counts: formats, multi-level text, starts, restarts, overrides."""

from __future__ import annotations

import pytest
from docx.oxml import parse_xml

from reportgen.word.numbering import Numbering, bullet_text, format_number, letters, roman

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (1, "decimal", "1"),
        (4, "lowerLetter", "d"),
        (27, "lowerLetter", "aa"),
        (28, "upperLetter", "BB"),
        (4, "lowerRoman", "iv"),
        (1999, "upperRoman", "MCMXCIX"),
        (7, "decimalZero", "07"),
        (2, "ordinal", "2nd"),
        (13, "ordinal", "13th"),
        (5, "chicago", "**"),
        (3, "japaneseCounting", "3"),  # formats without a Latin rendering: digits
    ],
)
def test_numbers_are_formatted_as_word_formats_them(value: int, fmt: str, shown: str) -> None:
    assert format_number(value, fmt) == shown


def test_letters_repeat_after_z_and_roman_numerals_subtract() -> None:
    assert [letters(n) for n in (1, 26, 27, 52, 53)] == ["a", "z", "aa", "zz", "aaa"]
    assert [roman(n) for n in (4, 9, 14, 40, 90, 400)] == ["IV", "IX", "XIV", "XL", "XC", "CD"]


def test_symbol_font_bullets_become_unicode() -> None:
    assert bullet_text("\uf0b7") == "•"
    assert bullet_text("\uf0a7") == "▪"
    assert bullet_text("o") == "◦"
    assert bullet_text("–") == "–"


def numbering(xml: str) -> Numbering:
    return Numbering.parse(parse_xml(f'<w:numbering xmlns:w="{W_NS}">{xml}</w:numbering>'))


def level(ilvl: int, fmt: str, text: str, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def labels(numbers: Numbering, items: list[tuple[str, int]]) -> list[str]:
    shown = []
    for num_id, ilvl in items:
        item = numbers.next_item(num_id, ilvl)
        shown.append(item.label if item is not None else "")
    return shown


def test_multi_level_text_shows_the_numbers_of_the_levels_above() -> None:
    numbers = numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + level(0, "decimal", "%1.")
        + level(1, "decimal", "%1.%2.")
        + level(2, "lowerLetter", "%1.%2.%3)")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    items = [("1", 0), ("1", 1), ("1", 1), ("1", 2), ("1", 0), ("1", 1)]
    assert labels(numbers, items) == ["1.", "1.1.", "1.2.", "1.2.a)", "2.", "2.1."]


def test_legal_numbering_shows_higher_levels_in_decimal() -> None:
    numbers = numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + level(0, "upperRoman", "%1.")
        + level(1, "decimal", "%1.%2", "<w:isLgl/>")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert labels(numbers, [("1", 0), ("1", 0), ("1", 1)]) == ["I.", "II.", "2.1"]


def test_a_start_override_restarts_a_list_and_lvl_restart_zero_never_restarts() -> None:
    numbers = numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + level(0, "decimal", "%1.")
        + level(1, "lowerLetter", "%2)", '<w:lvlRestart w:val="0"/>')
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="0"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
    items = [("1", 0), ("1", 1), ("1", 0), ("1", 1), ("2", 0), ("2", 0)]
    assert labels(numbers, items) == ["1.", "a)", "2.", "b)", "1.", "2."]


def test_a_level_override_replaces_the_abstract_level_for_its_list() -> None:
    numbers = numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + level(0, "decimal", "%1.")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/>'
        '<w:lvlOverride w:ilvl="0">' + level(0, "upperLetter", "(%1)") + "</w:lvlOverride></w:num>"
    )
    assert labels(numbers, [("1", 0), ("1", 0)]) == ["(A)", "(B)"]


def test_a_level_without_a_number_shows_its_text_or_nothing() -> None:
    numbers = numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + level(0, "none", "")
        + level(1, "none", "Note:")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert numbers.next_item("1", 0) is None
    assert labels(numbers, [("1", 1)]) == ["Note:"]
