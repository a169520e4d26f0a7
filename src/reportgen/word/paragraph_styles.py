"""What a paragraph style means for the document model: heading, list, quote, named style."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import documents as d

_KNOWN = {name.lower(): name for name in d.KNOWN_PARAGRAPH_STYLES}
# Styles that are body text in all but name: read as Normal without a warning.
_BODY_ALIASES = {
    "normal",
    "body text",
    "body text 2",
    "body text 3",
    "text body",
    "default",
    "default paragraph style",
    "standard",
    "normal (web)",
    "no spacing",
    "plain text",
    "first paragraph",
    "compact",
    "list paragraph",
    "table contents",
    "table text",
    "table paragraph",
    "footnote text",
    "endnote text",
    "header",
    "footer",
    "toc heading",
    "frame contents",
    "text box",
}
_LIST_STYLE = re.compile(r"^list (bullet|number|continue)(?: ([1-9]))?$")
_HEADING_STYLE = re.compile(r"^heading ([1-9])$")
_TOC_ENTRY_STYLE = re.compile(r"^toc [1-9]$")


@dataclass(frozen=True)
class Role:
    """What a paragraph style means for the document model."""

    kind: str  # normal, heading, style, list, continue, quote, toc-heading
    level: int = 0  # heading level (1–3) or list level (0-based)
    ordered: bool | None = None  # for list styles: List Number vs List Bullet
    style: str = "Normal"  # for kind "style": the canonical style name
    value: int | None = None  # for numbered paragraphs: the number Word shows
    label: str | None = None  # for numbered paragraphs: the text Word shows before them


NORMAL = Role("normal")


def role_for_name(name: str) -> Role | None:
    """The role a style name gives its paragraphs, or None for a name reportgen does not know."""
    lowered = " ".join(name.lower().split())
    if match := _HEADING_STYLE.match(lowered):
        return Role("heading", level=min(int(match[1]), 3))
    if match := _LIST_STYLE.match(lowered):
        level = int(match[2] or 1) - 1
        if match[1] == "continue":
            return Role("continue", level=level)
        return Role("list", level=level, ordered=match[1] == "number")
    if lowered in ("quote", "intense quote"):
        return Role("quote")
    if lowered == "toc heading":
        return Role("toc-heading")
    if lowered in _KNOWN and lowered != "normal":
        return Role("style", style=_KNOWN[lowered])
    if lowered in _BODY_ALIASES or _TOC_ENTRY_STYLE.match(lowered):
        return NORMAL
    return None
