"""Language-aware facts: numbers in words, dates, lists, quotation marks, translations."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .profiles import PROFILES, Profile

if TYPE_CHECKING:
    import gettext
    from pathlib import Path

# The report languages (`report.language`).  A constant, so that validating an
# input imports nothing heavy; tests/test_catalogs.py keeps it equal to the
# languages with a profile and a catalog (see reportgen.language.catalogs).
SUPPORTED_LANGUAGES = ("en", "ru", "fr")

__all__ = ["SUPPORTED_LANGUAGES", "Language", "translations_for"]


class Language:
    """How one language writes the facts the template places.

    Babel and num2words are imported on first use, not with this module.
    """

    def __init__(self, code: str) -> None:
        if code not in SUPPORTED_LANGUAGES or code not in PROFILES:
            raise ValueError(
                f"unsupported report language {code!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}"
            )
        self.code = code
        self.profile: Profile = PROFILES[code]

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    @property
    def locale_tag(self) -> str:
        """BCP 47 tag for the document language and hyphenation: "en-GB", "ru-RU", "fr-FR"."""
        return self.profile.locale_tag

    def words(
        self,
        n: int,
        *,
        case: str = "nominative",
        gender: str = "masculine",
        animate: bool = False,
        spell_out: bool | None = None,
    ) -> str:
        """``n`` as the style guide of the language writes counts in running text.

        All three languages spell out zero to ten and use figures from 11
        ("ten", "16"; "десять", "16"; "dix", "16").  ``case`` (nominative,
        genitive, dative, accusative, instrumental, prepositional) and
        ``gender`` (masculine, feminine, neuter) inflect Russian numerals
        ("из десяти государств", "две женщины"); ``gender`` gives the French
        "une".  ``animate`` picks the Russian accusative of 2–4 for people
        ("двух экспертов").  ``spell_out=True`` forces words (a count opening
        a sentence), ``False`` figures.
        """
        from .numbers import words

        return words(
            self.profile, n, case=case, gender=gender, animate=animate, spell_out=spell_out
        )

    def date(self, day: date) -> str:
        """A date in running text: "29 November 2018", "29 ноября 2018 г.", "29 novembre 2018".

        The Russian "г." follows the year after a narrow no-break space (U+202F).
        """
        from .dates import format_date

        return format_date(self.profile, day)

    def date_range(self, start: date, end: date) -> str:
        """ "8–9 October 2019", "30 September – 2 October 2019"; one day: as ``date``.

        Russian "8–9 октября 2019 г.", "30 сентября — 2 октября 2019 г." (a
        no-break space U+00A0 before the тире); French "8–9 octobre 2019",
        "30 septembre – 2 octobre 2019", "1er–3 octobre 2019".
        """
        from .dates import format_range

        return format_range(self.profile, start, end)

    def date_phrase(self, start: date, end: date | None = None) -> str:
        """When an event took place, with the prepositions running text needs.

        "on 29 November 2018" / "29 ноября 2018 г." / "le 29 novembre 2018";
        "on 8 and 9 October 2019" / "8 и 9 октября 2019 г." / "les 8 et 9
        octobre 2019"; "from 7 to 9 October 2019" / "с 7 по 9 октября 2019 г."
        / "du 7 au 9 octobre 2019".
        """
        from .dates import format_phrase

        return format_phrase(self.profile, start, end or start)

    def join(self, items: list[str], *, conjunction: str = "and") -> str:
        """ "A, B and C" / "A, B и C" / "A, B et C" (no serial comma); ``conjunction="or"``."""
        if conjunction not in ("and", "or"):
            raise ValueError(f"unknown conjunction {conjunction!r}; known: and, or")
        word = self.profile.and_ if conjunction == "and" else self.profile.or_
        items = [str(i) for i in items]
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {word} " + items[-1]

    def quoted(self, text: str, *, inner: bool = False) -> str:
        """Text in the language's quotation marks: “…” / «…» / « … ».

        French guillemets hold a narrow no-break space (U+202F) inside.
        ``inner=True`` gives the marks for a quotation within a quotation:
        ‘…’ / „…“ / “…”.
        """
        q = self.profile.quotes
        return f"{q[2]}{text}{q[3]}" if inner else f"{q[0]}{text}{q[1]}"

    def typeset(self, text: str, *, inner: bool = False) -> str:
        """Typed text as the language prints it: "ODIHR's" → "ODIHR’s", "--" → "–".

        Straight double quotes become the language's (``inner``: those for a
        quotation within a quotation); in French the space typed before
        : ; ! ? » and after « becomes a no-break one.
        """
        from .typography import typeset

        return typeset(self.profile, text, inner=inner)

    @property
    def smartquotes(self) -> list[str]:
        """Opening/closing double and single quotes for markdown-it's typographer."""
        return list(self.profile.quotes)

    def translations(self, template_folder: Path) -> gettext.NullTranslations:
        """The template's catalog for this language (see ``translations_for``)."""
        return translations_for(template_folder, self.code)


def translations_for(template_folder: Path, language: str) -> gettext.NullTranslations:
    """The template's translations into ``language``, for ``install_gettext_translations``."""
    from .catalogs import translations_for as load

    return load(template_folder, language)
