"""Which link targets a report may carry: the one allow-list every reader and writer uses."""

from __future__ import annotations

from urllib.parse import urlsplit

# Web pages and email addresses; never javascript:, file:, data: or an
# application's own scheme, which a PDF reader or Word would run or open.
SAFE_LINK_SCHEMES = ("http", "https", "mailto")


def safe_href(href: str) -> str | None:
    """``href`` without surrounding spaces if a reader may follow it; None otherwise.

    Web links need a host (``https:///x`` is refused); nothing may hold white
    space or control characters, which readers resolve differently.
    """
    href = href.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in href):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_LINK_SCHEMES or (scheme != "mailto" and not parts.netloc):
        return None
    return href
