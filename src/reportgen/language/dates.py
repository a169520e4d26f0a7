"""Dates and date ranges as a language writes them, month names from Babel (CLDR)."""

from __future__ import annotations

from datetime import date
from functools import cache

from .profiles import Profile


@cache
def _months(babel_locale: str) -> dict[int, str]:
    # The "format" context is the form used inside a date: the Russian genitive
    # ("ноября"), lower-case French months ("novembre").
    from babel.dates import get_month_names

    return dict(get_month_names("wide", context="format", locale=babel_locale))


def _day(profile: Profile, day: date) -> str:
    return profile.first_day if day.day == 1 else str(day.day)


def _day_month(profile: Profile, day: date) -> str:
    return f"{_day(profile, day)} {_months(profile.babel_locale)[day.month]}"


def _year(profile: Profile, day: date) -> str:
    return f"{day.year}{profile.year_suffix}"


def format_date(profile: Profile, day: date) -> str:
    """ "29 November 2018", "29 ноября 2018 г.", "1er octobre 2019"."""
    return f"{_day_month(profile, day)} {_year(profile, day)}"


def format_range(profile: Profile, start: date, end: date) -> str:
    """A compact range for covers and headings: "8–9 October 2019".

    The parts the two dates share are written once: "30 September – 2 October
    2019"; "30 December 2019 – 2 January 2020".  One day: as ``format_date``.
    """
    start, end = _ordered(start, end)
    if start == end:
        return format_date(profile, start)
    if (start.year, start.month) == (end.year, end.month):
        # An en dash without spaces between two figures, in every language.
        return f"{_day(profile, start)}–{_day_month(profile, end)} {_year(profile, end)}"
    if start.year == end.year:
        return (
            f"{_day_month(profile, start)}{profile.range_dash}"
            f"{_day_month(profile, end)} {_year(profile, end)}"
        )
    return f"{format_date(profile, start)}{profile.range_dash}{format_date(profile, end)}"


def format_phrase(profile: Profile, start: date, end: date) -> str:
    """When something happened, for running text, with the language's prepositions.

    One day: "on 29 November 2018", "29 ноября 2018 г.", "le 29 novembre 2018".
    Two consecutive days: "on 8 and 9 October 2019", "8 и 9 октября 2019 г.",
    "les 8 et 9 octobre 2019".  Longer: "from 7 to 9 October 2019",
    "с 7 по 9 октября 2019 г.", "du 7 au 9 octobre 2019".
    """
    start, end = _ordered(start, end)
    if start == end:
        return profile.on + format_date(profile, start)
    if (end - start).days == 1:
        head, link = profile.on_two, f" {profile.and_} "
    else:
        before_2 = profile.from_before_2 if start.day == 2 else ""
        head, link = before_2 or profile.from_, f" {profile.to} "
    if (start.year, start.month) == (end.year, end.month):
        first = _day(profile, start)
    elif start.year == end.year:
        first = _day_month(profile, start)
    else:
        first = format_date(profile, start)
    return f"{head}{first}{link}{format_date(profile, end)}"


def _ordered(start: date, end: date) -> tuple[date, date]:
    if end < start:
        raise ValueError(f"a date range ends before it starts: {start} – {end}")
    return start, end
