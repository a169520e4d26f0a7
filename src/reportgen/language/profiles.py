"""What each supported language's style guide says: number style, dates, lists, quotes."""

from __future__ import annotations

from dataclasses import dataclass

# U+202F NARROW NO-BREAK SPACE: the space CLDR (and so Babel) puts in
# "2018 г.", and the "espace fine insécable" modern French typography puts
# inside « » (and before ; ! ?).  It is in Noto Serif and Noto Sans, and Word
# and LibreOffice keep it as typed.  The French catalogs put the full no-break
# space U+00A0 before a colon, as the Imprimerie nationale asks.
NNBSP = "\u202f"


@dataclass(frozen=True)
class Profile:
    """The conventions of one language, as data (no Babel or num2words here).

    ``spell_out_up_to``: counts from zero to this number are written in words,
    larger ones in figures.  ``year_suffix`` follows a year ("2018 г.").
    ``first_day`` replaces the figure 1 as a day of the month ("1er").
    The ``range_*``/``on``/``from_``/``to``/``and_`` words build date phrases
    for running text ("from 30 September to 2 October 2019").
    """

    code: str
    locale_tag: str  # BCP 47, for Word's and the PDF's language and hyphenation
    babel_locale: str  # the CLDR locale Babel formats with
    spell_out_up_to: int
    and_: str
    or_: str
    quotes: tuple[str, str, str, str]  # outer open, outer close, inner open, inner close
    year_suffix: str = ""
    first_day: str = "1"
    range_dash: str = " – "  # between dates that have spaces in them
    on: str = ""  # before a single date in running text
    on_two: str = ""  # before two consecutive days ("les 8 et 9 octobre")
    from_: str = ""
    from_before_2: str = ""  # the form of ``from_`` before the figure 2, if it differs
    to: str = ""


PROFILES: dict[str, Profile] = {
    # OSCE/UN English house style: spell out one to ten, figures from 11;
    # British spelling and dates ("29 November 2018"); no Oxford comma;
    # double curly quotes outside, single inside.
    "en": Profile(
        code="en",
        locale_tag="en-GB",
        babel_locale="en_GB",
        spell_out_up_to=10,
        and_="and",
        or_="or",
        quotes=("“", "”", "‘", "’"),
        on="on ",
        on_two="on ",
        from_="from ",
        to="to",
    ),
    # Russian: counts up to ten in words, figures from 11 — the threshold of
    # the English original, so that language versions of a report agree;
    # Мильчин's «Справочник издателя и автора» spells out single-digit counts
    # and allows ten.  Dates "29 ноября 2018 г." (month in the genitive, "г."
    # after a no-break space); ranges with an en dash between figures and a
    # spaced em dash (the Russian тире) between full dates; «ёлочки» outside,
    # „лапки“ inside.
    "ru": Profile(
        code="ru",
        locale_tag="ru-RU",
        babel_locale="ru_RU",
        spell_out_up_to=10,
        and_="и",
        or_="или",
        quotes=("«", "»", "„", "“"),
        year_suffix=NNBSP + "г.",
        range_dash="\u00a0— ",  # the тире never starts a line
        from_="с ",
        from_before_2="со ",  # «со второго»
        to="по",
    ),
    # French (Imprimerie nationale, Lexique des règles typographiques):
    # counts up to ten in words ("dix États participants"), figures from 11;
    # "1er" for the first day of a month; guillemets with a narrow no-break
    # space inside, English double quotes for quotes within quotes.
    "fr": Profile(
        code="fr",
        locale_tag="fr-FR",
        babel_locale="fr_FR",
        spell_out_up_to=10,
        and_="et",
        or_="ou",
        quotes=("«" + NNBSP, NNBSP + "»", "“", "”"),
        first_day="1er",
        on="le ",
        on_two="les ",
        from_="du ",
        to="au",
    ),
}
