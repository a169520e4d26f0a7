"""Typed text as the language prints it: apostrophes, quotation marks, dashes, French spaces."""

# Markdown fields are typeset by markdown-it's typographer (compose/markdown.py);
# plain-text fields (titles, names, quotes, agenda items) reached the report as
# typed, so one page mixed "d'experts" with "d’experts" and a French colon
# could start a line.  input-format.md: "Straight quotes and -- may be typeset
# (curly quotes, en dash) per the report's language."

from __future__ import annotations

import re

from .profiles import NNBSP, Profile

NBSP = "\u00a0"

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")  # "ODIHR's", "l'OSCE"; not 'quoted'
_DOUBLE = re.compile(r'"(?=\S)([^"\n]*?)(?<=\S)"')  # a pair of straight double quotes
_EM_DASH = re.compile(r"(?<!-)---(?!-)")
_EN_DASH = re.compile(r"(?<!-)--(?!-)")
# French: the space a rapporteur typed before : ; ! ? » and after « becomes
# no-break, so that the sign never starts (or ends) a line; as in the catalogs,
# a full no-break space before the colon, a narrow one elsewhere.
_FRENCH_SPACES = (
    (re.compile(r" +(?=:)"), NBSP),
    (re.compile(r" +(?=[;!?»])"), NNBSP),
    (re.compile(r"(?<=«) +"), NNBSP),
)


def typeset(profile: Profile, text: str, *, inner: bool = False) -> str:
    """``text`` with the language's typography; ``inner`` inside a quotation.

    Text that is already typeset passes unchanged, so that applying it twice
    does nothing more.
    """
    if "'" in text:
        text = _APOSTROPHE.sub("’", text)
    if '"' in text:
        q = profile.quotes
        opening, closing = (q[2], q[3]) if inner else (q[0], q[1])
        text = _DOUBLE.sub(lambda m: f"{opening}{m[1]}{closing}", text)
    if "--" in text:
        text = _EN_DASH.sub("–", _EM_DASH.sub("—", text))
    if profile.code == "fr":
        for pattern, space in _FRENCH_SPACES:
            text = pattern.sub(space, text)
    return text
