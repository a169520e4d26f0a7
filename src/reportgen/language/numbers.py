"""Counts in running text: words up to the language's threshold, figures above."""

from __future__ import annotations

import re

from .profiles import Profile

CASES = ("nominative", "genitive", "dative", "accusative", "instrumental", "prepositional")
GENDERS = ("masculine", "feminine", "neuter")


def words(
    profile: Profile,
    n: int,
    *,
    case: str = "nominative",
    gender: str = "masculine",
    animate: bool = False,
    spell_out: bool | None = None,
) -> str:
    """``n`` as a count in running text of ``profile``'s language.

    ``spell_out``: None follows the style guide (words from zero up to
    ``profile.spell_out_up_to``, figures above and for negative numbers);
    True always writes words (a count that opens a sentence), False always
    figures.  ``case`` and ``gender`` inflect Russian numerals ("десяти",
    "две"), ``gender`` the French "un" → "une"; ``animate`` chooses the Russian
    accusative of 2–4 ("двух экспертов", not "два государства").  Languages
    without inflection check the names and ignore them.
    """
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; known: {', '.join(CASES)}")
    if gender not in GENDERS:
        raise ValueError(f"unknown gender {gender!r}; known: {', '.join(GENDERS)}")
    n = int(n)
    in_words = spell_out if spell_out is not None else 0 <= n <= profile.spell_out_up_to
    if not in_words:
        return str(n)
    from num2words import num2words

    if profile.code == "ru":
        # Official Russian texts write е for ё ("трех", "четырех").
        text = num2words(n, lang="ru", case=case, gender=gender, animate=animate)
        return text.replace("ё", "е")
    text = num2words(n, lang=profile.code)
    if profile.code == "fr" and gender == "feminine":
        # "une", "vingt et une", "quatre-vingt-une": only the final "un" agrees.
        text = re.sub(r"\bun$", "une", text)
    return text
