"""Language facts as input/expected pairs: numbers in words, dates, lists, quotation marks."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from babel import Locale
from num2words import CONVERTER_CLASSES

from reportgen.language import SUPPORTED_LANGUAGES, Language
from reportgen.language.profiles import PROFILES

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("code", "n", "options", "expected"),
    [
        ("en", 0, {}, "zero"),
        ("en", 1, {}, "one"),
        ("en", 9, {}, "nine"),
        ("en", 10, {}, "ten"),
        ("en", 11, {}, "11"),
        ("en", 16, {}, "16"),
        ("en", 16, {"spell_out": True}, "sixteen"),
        ("en", 3, {"spell_out": False}, "3"),
        ("en", 2, {"case": "genitive", "gender": "feminine"}, "two"),
        ("en", -2, {}, "-2"),
        ("ru", 10, {}, "десять"),
        ("ru", 10, {"case": "genitive"}, "десяти"),
        ("ru", 2, {"gender": "feminine"}, "две"),
        ("ru", 2, {"case": "genitive", "gender": "feminine"}, "двух"),
        ("ru", 1, {"gender": "feminine"}, "одна"),
        ("ru", 1, {"gender": "neuter"}, "одно"),
        ("ru", 1, {"case": "genitive"}, "одного"),
        ("ru", 1, {"case": "genitive", "gender": "feminine"}, "одной"),
        ("ru", 1, {"case": "accusative", "gender": "feminine"}, "одну"),
        ("ru", 9, {}, "девять"),
        ("ru", 5, {"case": "instrumental"}, "пятью"),
        ("ru", 3, {"case": "prepositional"}, "трех"),
        ("ru", 4, {"case": "genitive"}, "четырех"),
        ("ru", 2, {"case": "accusative"}, "два"),
        ("ru", 2, {"case": "accusative", "animate": True}, "двух"),
        ("ru", 16, {}, "16"),
        ("ru", 16, {"case": "genitive"}, "16"),
        ("ru", 16, {"spell_out": True}, "шестнадцать"),
        ("fr", 1, {}, "un"),
        ("fr", 1, {"gender": "feminine"}, "une"),
        ("fr", 10, {}, "dix"),
        ("fr", 16, {}, "16"),
        ("fr", 21, {"gender": "feminine", "spell_out": True}, "vingt et une"),
        ("fr", 81, {"gender": "feminine", "spell_out": True}, "quatre-vingt-une"),
        ("fr", 2, {"gender": "feminine"}, "deux"),
    ],
)
def test_counts_are_written_as_each_style_guide_says(code, n, options, expected):
    assert Language(code).words(n, **options) == expected


@pytest.mark.parametrize("option", [{"case": "ablative"}, {"gender": "f"}])
def test_an_unknown_case_or_gender_is_refused(option):
    with pytest.raises(ValueError, match="unknown"):
        Language("ru").words(2, **option)


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        ("en", date(2018, 11, 29), "29 November 2018"),
        ("ru", date(2018, 11, 29), f"29 ноября 2018{NNBSP}г."),
        ("fr", date(2018, 11, 29), "29 novembre 2018"),
        ("en", date(2019, 10, 1), "1 October 2019"),
        ("ru", date(2019, 3, 1), f"1 марта 2019{NNBSP}г."),
        ("fr", date(2019, 10, 1), "1er octobre 2019"),
        ("fr", date(2020, 2, 10), "10 février 2020"),
    ],
)
def test_dates_are_written_in_the_report_language(code, day, expected):
    assert Language(code).date(day) == expected


@pytest.mark.parametrize(
    ("code", "start", "end", "expected"),
    [
        ("en", date(2019, 10, 8), date(2019, 10, 9), "8–9 October 2019"),
        ("ru", date(2019, 10, 8), date(2019, 10, 9), f"8–9 октября 2019{NNBSP}г."),
        ("fr", date(2019, 10, 8), date(2019, 10, 9), "8–9 octobre 2019"),
        ("en", date(2019, 9, 30), date(2019, 10, 2), "30 September – 2 October 2019"),
        ("ru", date(2019, 9, 30), date(2019, 10, 2), f"30 сентября{NBSP}— 2 октября 2019{NNBSP}г."),
        ("fr", date(2019, 9, 30), date(2019, 10, 2), "30 septembre – 2 octobre 2019"),
        ("en", date(2019, 12, 30), date(2020, 1, 2), "30 December 2019 – 2 January 2020"),
        (
            "ru",
            date(2019, 12, 30),
            date(2020, 1, 2),
            f"30 декабря 2019{NNBSP}г.{NBSP}— 2 января 2020{NNBSP}г.",
        ),
        ("fr", date(2019, 12, 30), date(2020, 1, 2), "30 décembre 2019 – 2 janvier 2020"),
        ("fr", date(2019, 10, 1), date(2019, 10, 3), "1er–3 octobre 2019"),
        ("en", date(2018, 11, 29), date(2018, 11, 29), "29 November 2018"),
    ],
)
def test_date_ranges_write_what_the_dates_share_once(code, start, end, expected):
    assert Language(code).date_range(start, end) == expected


@pytest.mark.parametrize(
    ("code", "start", "end", "expected"),
    [
        ("en", date(2018, 11, 29), None, "on 29 November 2018"),
        ("ru", date(2018, 11, 29), None, f"29 ноября 2018{NNBSP}г."),
        ("fr", date(2018, 11, 29), None, "le 29 novembre 2018"),
        ("en", date(2019, 10, 8), date(2019, 10, 9), "on 8 and 9 October 2019"),
        ("ru", date(2019, 10, 8), date(2019, 10, 9), f"8 и 9 октября 2019{NNBSP}г."),
        ("fr", date(2019, 10, 8), date(2019, 10, 9), "les 8 et 9 octobre 2019"),
        ("en", date(2019, 10, 7), date(2019, 10, 9), "from 7 to 9 October 2019"),
        ("ru", date(2019, 10, 7), date(2019, 10, 9), f"с 7 по 9 октября 2019{NNBSP}г."),
        ("ru", date(2019, 10, 2), date(2019, 10, 4), f"со 2 по 4 октября 2019{NNBSP}г."),
        ("fr", date(2019, 10, 7), date(2019, 10, 9), "du 7 au 9 octobre 2019"),
        ("fr", date(2019, 9, 30), date(2019, 10, 2), "du 30 septembre au 2 octobre 2019"),
        ("fr", date(2019, 10, 31), date(2019, 11, 1), "les 31 octobre et 1er novembre 2019"),
        ("en", date(2019, 12, 30), date(2020, 1, 2), "from 30 December 2019 to 2 January 2020"),
    ],
)
def test_date_phrases_carry_the_prepositions_of_running_text(code, start, end, expected):
    assert Language(code).date_phrase(start, end) == expected


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        Language("en").date_range(date(2019, 10, 9), date(2019, 10, 8))


@pytest.mark.parametrize(
    ("code", "items", "expected"),
    [
        ("en", [], ""),
        ("en", ["A"], "A"),
        ("en", ["A", "B"], "A and B"),
        ("en", ["A", "B", "C"], "A, B and C"),
        ("ru", ["A", "B", "C"], "A, B и C"),
        ("fr", ["A", "B", "C"], "A, B et C"),
    ],
)
def test_lists_are_joined_without_a_serial_comma(code, items, expected):
    assert Language(code).join(items) == expected


@pytest.mark.parametrize(
    ("code", "expected"), [("en", "A or B"), ("ru", "A или B"), ("fr", "A ou B")]
)
def test_lists_can_be_joined_with_or(code, expected):
    assert Language(code).join(["A", "B"], conjunction="or") == expected


@pytest.mark.parametrize(
    ("code", "expected", "inner"),
    [
        ("en", "“Rule of law”", "‘Rule of law’"),
        ("ru", "«Верховенство права»", "„Верховенство права“"),
        ("fr", f"«{NNBSP}État de droit{NNBSP}»", "“État de droit”"),
    ],
)
def test_quotations_use_the_languages_marks(code, expected, inner):
    text = expected.strip("“”«»" + NNBSP)
    language = Language(code)
    assert language.quoted(text) == expected
    assert language.quoted(text, inner=True) == inner


@pytest.mark.parametrize(
    ("code", "quotes"),
    [
        ("en", ["“", "”", "‘", "’"]),
        ("ru", ["«", "»", "„", "“"]),
        ("fr", [f"«{NNBSP}", f"{NNBSP}»", "“", "”"]),
    ],
)
def test_markdown_typesetting_gets_four_quotation_marks(code, quotes):
    assert Language(code).smartquotes == quotes


def test_markdown_typesetting_puts_the_french_spaces_inside_the_guillemets():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"typographer": True, "quotes": Language("fr").smartquotes})
    md.enable(["smartquotes"])
    assert md.renderInline('Il a dit "oui"') == f"Il a dit «{NNBSP}oui{NNBSP}»"


@pytest.mark.parametrize(("code", "tag"), [("en", "en-GB"), ("ru", "ru-RU"), ("fr", "fr-FR")])
def test_each_language_has_a_locale_tag_for_the_documents(code, tag):
    assert Language(code).locale_tag == tag


def test_an_unknown_language_is_refused_with_the_supported_ones():
    with pytest.raises(ValueError, match=r"'de'.*en, ru, fr"):
        Language("de")


@pytest.mark.parametrize("code", SUPPORTED_LANGUAGES)
def test_every_supported_language_has_a_profile_babel_and_num2words_know(code):
    profile = PROFILES[code]
    assert Locale.parse(profile.babel_locale).language == code
    assert code in CONVERTER_CLASSES
    assert profile.locale_tag.replace("-", "_") == profile.babel_locale


def test_importing_the_language_module_loads_neither_babel_nor_num2words():
    # `reportgen validate` imports SUPPORTED_LANGUAGES and must start fast.
    code = (
        "import sys, reportgen.language as l; l.Language('ru'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('babel', 'num2words', 'jinja2')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
