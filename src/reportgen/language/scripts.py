"""Which language a run of text is in, when its script alone says so (Georgian, Armenian, …)."""

# Latin and Cyrillic serve many languages, so a name in them says nothing
# certain; Georgian script is written for Georgian, Armenian for Armenian.
# The PDF marks such runs with their language (pdf/html.py, pdf/tagging.py), so
# that a screen reader switches voice for a Georgian name in a Russian report.

from __future__ import annotations

import re
import unicodedata

SCRIPT_LANGUAGES = {"GEORGIAN": "ka", "ARMENIAN": "hy", "GREEK": "el", "HEBREW": "he"}
# The blocks of those scripts: a quick "no" for the text of most reports.
_ANY = re.compile(
    "[\u0370-\u03ff\u0530-\u05ff\u10a0-\u10ff\u1c90-\u1cbf\u1f00-\u1fff\u2d00-\u2d2f\ufb13-\ufb4f]"
)


def letter_language(char: str) -> str | None:
    """The language of ``char``'s script, if that script names one; None otherwise."""
    if not char.isalpha() or char.isascii():
        return None
    return SCRIPT_LANGUAGES.get(unicodedata.name(char, "").split(" ", 1)[0])


def script_language(text: str) -> str | None:
    """The language ``text`` is written in, if every letter's script names the same one."""
    if not _ANY.search(text):
        return None
    found = None
    for char in text:
        if not char.isalpha():
            continue
        language = letter_language(char)
        if language is None or (found is not None and language != found):
            return None
        found = language
    return found


def script_runs(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into runs, each with the language its script names (or None).

    Spaces and punctuation between two words of the same script stay in their
    run ("ნინო ბერიძე" is one run), other characters go with the text around.
    """
    if not _ANY.search(text):
        return [(text, None)] if text else []
    runs: list[tuple[str, str | None]] = []
    start, current = 0, None
    for index, char in enumerate(text):
        language = letter_language(char) if char.isalpha() else ...
        if language is ...:
            continue  # not a letter: decided by the next letter
        if language != current:
            cut = index
            if current is not None:
                # The run ends after its last letter; what follows it goes on.
                cut = start + len(text[start:index].rstrip(_NOT_LETTERS))
            if cut > start:
                runs.append((text[start:cut], current))
            start, current = cut, language
    if start < len(text):
        tail = text[start:]
        if current is not None:
            kept = tail.rstrip(_NOT_LETTERS)
            runs.append((kept, current))
            if len(kept) < len(tail):
                runs.append((tail[len(kept) :], None))
        else:
            runs.append((tail, None))
    return [run for run in runs if run[0]]


_NOT_LETTERS = " \t\n\u00a0.,;:!?()[]«»“”„\"'’-–—/"
