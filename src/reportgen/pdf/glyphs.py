"""Characters no font of the template can draw, and template fonts it neither carries nor finds.

Pango draws a character none of the CSS font stack has with whatever font
the machine happens to have, or as an empty box; neither is what the
template asked for.  After layout, each piece of text is checked against the
character sets fontconfig gives for the fonts of its own stack, and what is
missing becomes a warning naming the stack and the character (issue:
"a glyph missing for the report's text is reported, rather than silently
drawn as a box").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cffi

from ..results import Warnings
from ..templates import SHIPPED_FAMILY_SUFFIX
from .patches import import_weasyprint

import_weasyprint()  # the first import of WeasyPrint goes through it (see patches.py)

from weasyprint.document import Document  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

# Characters named one by one; past this many, the rest are summed up in one warning.
NAMED_CHARACTERS = 5
# CSS generic families: fontconfig resolves them to some installed font.
GENERIC_FAMILIES = frozenset(
    {
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "ui-rounded",
        "emoji",
        "math",
        "fangsong",
    }
)
CONTEXT = 24  # characters of text shown on each side of a missing one

_ffi = cffi.FFI()
_ffi.cdef("""
    typedef int FcBool;
    typedef unsigned char FcChar8;
    typedef unsigned int FcChar32;
    typedef struct _FcPattern FcPattern;
    typedef struct _FcConfig FcConfig;
    typedef struct _FcCharSet FcCharSet;
    typedef enum { FcResultMatch, FcResultNoMatch, FcResultTypeMismatch, FcResultNoId,
                   FcResultOutOfMemory } FcResult;
    typedef enum { FcMatchPattern, FcMatchFont, FcMatchScan } FcMatchKind;
    FcPattern * FcPatternCreate (void);
    void FcPatternDestroy (FcPattern *p);
    FcBool FcPatternAddString (FcPattern *p, const char *object, const FcChar8 *s);
    FcBool FcConfigSubstitute (FcConfig *config, FcPattern *p, FcMatchKind kind);
    void FcDefaultSubstitute (FcPattern *pattern);
    FcPattern * FcFontMatch (FcConfig *config, FcPattern *p, FcResult *result);
    FcResult FcPatternGetString (const FcPattern *p, const char *object, int n, FcChar8 **s);
    FcResult FcPatternGetCharSet (const FcPattern *p, const char *object, int n, FcCharSet **c);
    FcBool FcCharSetHasChar (const FcCharSet *fcs, FcChar32 ucs4);
""")


@lru_cache(maxsize=1)
def _fontconfig() -> Any:
    for name in (
        "libfontconfig.so.1",
        "fontconfig",
        "libfontconfig-1",
        "libfontconfig.1.dylib",
        "libfontconfig-1.dll",
    ):
        try:
            return _ffi.dlopen(name)
        except OSError:
            continue
    return None


@dataclass(frozen=True)
class Font:
    """What fontconfig gives for one family name of a stack."""

    requested: str
    used: str  # the family fontconfig matched
    installed: bool  # whether ``used`` is the family asked for
    charset: Any  # FcCharSet * (owned by ``pattern``, which is never freed)
    pattern: Any

    def has(self, char: str) -> bool:
        return self.charset != _ffi.NULL and bool(
            _fontconfig().FcCharSetHasChar(self.charset, ord(char))
        )


class Fonts:
    """Family name → Font, matched once per fontconfig configuration."""

    def __init__(self, config: Any = None) -> None:
        self.config = _ffi.NULL if config is None else config
        self.cache: dict[str, Font | None] = {}

    def match(self, family: str) -> Font | None:
        if family not in self.cache:
            self.cache[family] = self._match(family)
        return self.cache[family]

    def _match(self, family: str) -> Font | None:
        fc = _fontconfig()
        if fc is None:
            return None
        pattern = fc.FcPatternCreate()
        try:
            fc.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
            fc.FcConfigSubstitute(self.config, pattern, fc.FcMatchPattern)
            fc.FcDefaultSubstitute(pattern)
            result = _ffi.new("FcResult *")
            matched = fc.FcFontMatch(self.config, pattern, result)
        finally:
            fc.FcPatternDestroy(pattern)
        if matched == _ffi.NULL:
            return None
        names: list[str] = []
        value = _ffi.new("FcChar8 **")
        while fc.FcPatternGetString(matched, b"family", len(names), value) == fc.FcResultMatch:
            names.append(_ffi.string(value[0]).decode("utf-8", "replace"))
        charset = _ffi.new("FcCharSet **")
        if fc.FcPatternGetCharSet(matched, b"charset", 0, charset) != fc.FcResultMatch:
            charset[0] = _ffi.NULL
        wanted = _folded(family)
        installed = family.lower() in GENERIC_FAMILIES or any(_folded(n) == wanted for n in names)
        return Font(family, names[0] if names else "", installed, charset[0], matched)


def _folded(name: str) -> str:
    return "".join(name.split()).casefold()


_SYSTEM_FONTS = Fonts()


def fonts_for(font_config: FontConfiguration | None) -> Fonts:
    """The fonts as WeasyPrint sees them: the system's, plus a template's ``@font-face`` ones."""
    config = getattr(font_config, "_config", None)
    if font_config is None or getattr(font_config, "_folder", None) is None or config is None:
        return _SYSTEM_FONTS  # no @font-face fonts were added: the system's fonts, cached
    from weasyprint.text.ffi import ffi as weasyprint_ffi

    address = int(weasyprint_ffi.cast("uintptr_t", config))
    return Fonts(_ffi.cast("FcConfig *", address))


def drawn(char: str) -> bool:
    """Whether ``char`` needs a glyph: spaces, controls and invisible marks do not."""
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs", "Zs", "Zl", "Zp"):
        return False
    code = ord(char)
    # Variation selectors, the combining grapheme joiner, Hangul fillers and
    # tag characters are default-ignorable: shapers draw nothing for them.
    return not (
        0xFE00 <= code <= 0xFE0F
        or 0xE0000 <= code <= 0xE0FFF
        or 0x180B <= code <= 0x180F
        or code in (0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5)
    )


def check_glyphs(
    document: Document, warnings: Warnings, font_config: FontConfiguration | None = None
) -> None:
    """Warn about each character no font of its CSS stack has, and each font not installed."""
    fonts = fonts_for(font_config)
    if _fontconfig() is None:
        return
    seen: dict[tuple[str, ...], dict[str, str]] = {}  # stack → character → its context
    for box in _text_boxes(document):
        stack = tuple(box.style["font_family"])
        chars = seen.setdefault(stack, {})
        text = box.text
        for index, char in enumerate(text):
            if char not in chars and drawn(char):
                chars[char] = _context(text, index)

    missing: dict[str, tuple[tuple[str, ...], str]] = {}
    absent: list[Font] = []
    for stack, chars in seen.items():
        matched = [font for family in stack if (font := fonts.match(family)) is not None]
        absent += [font for font in matched if not font.installed and font not in absent]
        # A family neither carried nor installed is drawn in fontconfig's substitute
        # (and named in a warning of its own): its characters are drawn.
        for char, context in chars.items():
            if char not in missing and not any(font.has(char) for font in matched):
                missing[char] = (stack, context)

    for font in absent:
        warnings.warn(
            f"PDF: the font “{_family(font.requested)}” the template asks for is neither "
            f"among its font files nor installed; text set in it uses “{font.used}” instead"
        )
    named = list(missing.items())[:NAMED_CHARACTERS]
    for char, (stack, context) in named:
        warnings.warn(
            f"PDF: no font in the theme's stack ({', '.join(map(_family, stack))}) has a "
            f"glyph for {_name(char)} (in “{context}”)"
        )
    rest = list(missing)[NAMED_CHARACTERS:]
    if rest:
        # Every one is named, the first ten by code point, the others together: a
        # reader of the PDF sees none of them (a page of Chinese in a template
        # with no Chinese font is hundreds of characters).
        listed = ", ".join(_name(c) for c in rest[:10])
        if len(rest) > 10:
            listed += f" and {len(rest) - 10} more: “{''.join(rest[10:])}”"
        warnings.warn(
            f"PDF: {len(rest)} more characters have no glyph in the theme's fonts: {listed}"
        )


def _family(css_name: str) -> str:
    """A family as the theme names it (the CSS marks those the template carries)."""
    return css_name.removesuffix(SHIPPED_FAMILY_SUFFIX)


def _name(char: str) -> str:
    return f"U+{ord(char):04X} '{char}'"


def _context(text: str, index: int) -> str:
    start, end = max(0, index - CONTEXT), index + CONTEXT + 1
    shown = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + shown + ("…" if end < len(text) else "")


def _text_boxes(document: Document) -> Iterator[boxes.TextBox]:
    for page in document.pages:
        yield from _walk(page._page_box)


def _walk(box: boxes.Box) -> Iterator[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _walk(child)
