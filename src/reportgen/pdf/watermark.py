"""The DRAFT watermark as a picture of its letters (SVG outlines), not as text."""

# Drawn as text, the big rotated mark became part of the PDF's text: pdftotext,
# copy and paste and screen readers met stray letters ("D", "R", "A", …)
# between the paragraphs of every page.  Outlines from the heading font look
# the same and leave the text layer to the report.  The running DRAFT label in
# the page header stays text, so a reader (or a search) still finds the word.

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from html import escape
from pathlib import Path

# Letter spacing of the mark, in em (print.css spaced the text mark the same).
LETTER_SPACING = 0.08


def watermark_svg(label: str, fonts: Sequence[Path | str], color: str) -> bytes | None:
    """``label`` in the first of ``fonts`` that has all its letters, as SVG.

    Each of ``fonts`` is a font file (one the template carries) or a family
    name, looked up in bold among the installed fonts.  None when no font
    file can be found or read: the caller then prints the mark as text.
    """
    for font in fonts:
        path = font if isinstance(font, Path) else _font_file(font)
        if path is None:
            continue
        try:
            svg = _outlines(path, label, color)
        except (ImportError, OSError, KeyError, ValueError, AttributeError):
            # No fontTools, or a font file it cannot read: try the next family.
            continue
        if svg is not None:
            return svg
    return None


@cache
def _font_file(family: str) -> Path | None:
    """The file of ``family`` in bold, as fontconfig (and so WeasyPrint) finds it."""
    try:
        from .patches import import_weasyprint

        import_weasyprint()
        from weasyprint.text.ffi import ffi, fontconfig
    except ImportError:
        return None
    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    match = ffi.NULL
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
        fontconfig.FcPatternAddString(pattern, b"style", b"Bold")
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        match = fontconfig.FcFontMatch(config, pattern, ffi.new("FcResult *"))
        if match == ffi.NULL:
            return None
        file = ffi.new("FcChar8 **")
        if fontconfig.FcPatternGetString(match, b"file", 0, file) != fontconfig.FcResultMatch:
            return None
        path = Path(ffi.string(file[0]).decode("utf-8"))
    finally:
        if match != ffi.NULL:
            fontconfig.FcPatternDestroy(match)
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)
    # fontconfig falls back to some font for an unknown family; _outlines then
    # checks that it has the label's letters.
    return path if path.suffix.lower() in (".ttf", ".otf") and path.is_file() else None


@cache
def _outlines(path: Path, label: str, color: str) -> bytes | None:
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        cmap = font.getBestCmap()
        names = [cmap.get(ord(ch)) for ch in label]
        if not label.strip() or None in names:
            return None  # a letter this font lacks: try the next family
        glyphs = font.getGlyphSet()
        units = font["head"].unitsPerEm
        advances = font["hmtx"]
        paths, bounds = [], BoundsPen(glyphs)
        x = 0.0
        for name in names:
            # Font units have y upwards, SVG downwards: flip about the baseline.
            pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:.1f}".rstrip("0").rstrip("."))
            glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, 0)))
            glyphs[name].draw(TransformPen(bounds, (1, 0, 0, -1, x, 0)))
            if commands := pen.getCommands():
                paths.append(commands)
            x += advances[name][0] + LETTER_SPACING * units
    if bounds.bounds is None:
        return None
    # The picture is the letters' ink, no margin: print.css sizes and places it.
    left, top, right, bottom = (round(v) for v in bounds.bounds)
    width, height = right - left, bottom - top
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{left} {top} {width} {height}" width="{width}" height="{height}">'
        f'<path fill="{escape(color)}" d="{" ".join(paths)}"/></svg>'
    ).encode()
