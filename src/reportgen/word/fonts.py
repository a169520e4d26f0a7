"""The theme's font files embedded in the DOCX: subset, obfuscated, named in the font table."""

# Word and LibreOffice draw a font embedded in the document (ECMA-376 Part 1,
# §17.8.3) when the machine lacks it, so the draft shows the house style
# wherever a reviewer opens it.  Each font the template carries for a family
# the document uses is embedded, cut down (fontfiles.py) to the characters the
# document holds, plus those a reviewer is likely to type: the keyboard's
# Latin letters and punctuation, and the whole alphabet of any other script
# the report writes in.  The fonts' licences (OFL, Bitstream Vera) allow
# embedding them in documents.

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart

from ..errors import TemplateError
from ..results import Warnings
from ..templates import Theme
from . import fontfiles, oxml
from .namespaces import qn

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# Printable ASCII, Latin-1 and the typographic punctuation of Western keyboards
# and of the report's own fixed text.
KEYBOARD = frozenset(
    [
        *range(0x20, 0x7F),
        *range(0xA0, 0x100),
        *(0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026, 0x20AC),
    ]
)
# An alphabet is kept whole once one of the characters of its block appears.
ALPHABETS: tuple[tuple[range, frozenset[int]], ...] = (
    (range(0x0370, 0x0400), frozenset([*range(0x0391, 0x03AA), *range(0x03B1, 0x03CA)])),
    (range(0x0400, 0x0530), frozenset([0x0401, 0x0451, *range(0x0410, 0x0450)])),
    (range(0x10A0, 0x1100), frozenset(range(0x10D0, 0x10FB))),
)
# OS/2 fsType bits (OpenType spec): embedding is restricted, or allows bitmaps only.
_RESTRICTED, _PREVIEW, _EDITABLE, _NO_SUBSETTING, _BITMAP_ONLY = 0x2, 0x4, 0x8, 0x100, 0x200


def embed_fonts(document: DocxDocument, theme: Theme, warnings: Warnings) -> None:
    """Embed the theme's font files for the characters of ``document`` (python-docx)."""
    used = used_characters(document)
    name_fallback_fonts(document, theme, used)
    plan = _plan(theme, used, warnings)
    if not plan:
        return
    package = document.part.package
    font_table = document.part.part_related_by(RT.FONT_TABLE)
    root = oxml.font_table(font_table.blob)
    number = 0
    for family, info, faces in plan:
        embedded: dict[str, tuple[str, str]] = {}  # style → (relationship id, key)
        for style, path, wanted in faces:
            subset = fontfiles.subset_font(path, wanted)
            key = font_key(subset)
            number += 1
            name = PackURI(f"/word/fonts/font{number}.odttf")
            part = Part(name, OBFUSCATED_FONT, obfuscate(subset, key), package)
            embedded[style] = (font_table.relate_to(part, RT.FONT), key)
        oxml.add_font(
            root,
            family,
            panose=info.panose,
            unicode_ranges=info.unicode_ranges,
            code_pages=info.code_pages,
            kind=info.kind,
            fixed_pitch=info.fixed_pitch,
            embedded=embedded,
        )
    # python-docx reads the font table as a plain Part, whose bytes live in _blob.
    font_table._blob = oxml.serialize(root)  # type: ignore[attr-defined]
    oxml.embed_fonts_setting(document.settings.element)


def name_fallback_fonts(document: DocxDocument, theme: Theme, used: set[int]) -> None:
    """Set the characters a run's font lacks in the theme's fallback font that has them.

    Word has no font stack: a Georgian name in a Noto Serif run is drawn in
    whatever font the machine substitutes, and LibreOffice picks an installed
    font before an embedded one.  So, as the PDF's CSS stacks would, each such
    character goes into a run of its own that names the first fallback family
    the template carries a file with that character for.
    """
    cmaps = {
        family: fontfiles.face_info(files.get("regular") or next(iter(files.values()))).codepoints
        for family in theme.families
        if (files := theme.files_of(family))
    }
    fallbacks = [family for family in theme.fallback_fonts if family in cmaps]
    primaries = [cmaps[f] for f in (theme.body_font, theme.heading_font) if f in cmaps]
    if not fallbacks or not primaries:
        return
    if not any(
        any(c not in cmap for cmap in primaries) and any(c in cmaps[f] for f in fallbacks)
        for c in used
    ):
        return  # nothing for a fallback font to draw, as in most reports
    fonts, default_font, default_style = oxml.style_fonts(document.styles.element)

    def font_for(own: frozenset[int]) -> Callable[[str], str | None]:
        def needed(char: str) -> str | None:
            code = ord(char)
            if code in own:
                return None
            return next((f for f in fallbacks if code in cmaps[f]), None)

        return needed

    for part in document.part.package.iter_parts():
        if not isinstance(part, XmlPart):
            continue
        for p in part.element.iter(oxml.P):
            style = p.find(f"{oxml.PPR}/{oxml.PSTYLE}")
            style_id = style.get(oxml.VAL) if style is not None else default_style
            paragraph_font = fonts.get(style_id or "", default_font)
            for r in list(p.iter(oxml.R)):
                font = oxml.run_font(r, fonts) or paragraph_font
                if font in cmaps and font not in fallbacks:
                    oxml.split_run_by_font(r, font_for(cmaps[font]))


def used_characters(document: DocxDocument) -> set[int]:
    """Every character of the package's text: body, notes, headers, footers, list labels."""
    text: list[str] = []
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart):
            root = part.element
            text.extend(root.itertext(qn("w:t"), with_tail=False))
            text.extend(el.get(qn("w:val"), "") for el in root.iter(qn("w:lvlText")))
    return {ord(c) for c in set("".join(text))}


def wanted_characters(used: Iterable[int], *, keyboard: bool = True) -> set[int]:
    """``used``, the keyboard's characters and the alphabets ``used`` writes in."""
    used = set(used)
    wanted = used | KEYBOARD if keyboard else set(used)
    for block, letters in ALPHABETS:
        if any(c in block for c in used):
            wanted |= letters
    return wanted


def _plan(
    theme: Theme, used: set[int], warnings: Warnings
) -> list[tuple[str, fontfiles.FaceInfo, list[tuple[str, Path, frozenset[int]]]]]:
    """Per family to embed: its font table facts, and each style's file and characters.

    The body and heading families are embedded for every character they have;
    a fallback family for the characters ``name_fallback_fonts`` sets in it:
    those a body or heading font lacks and no fallback before it has.
    """
    infos: dict[str, dict[str, fontfiles.FaceInfo]] = {}
    for family in theme.families:
        files = theme.files_of(family)  # none: an installed font, nothing to embed
        infos[family] = {style: fontfiles.face_info(path) for style, path in sorted(files.items())}
        for style, info in infos[family].items():
            _check_family(family, style, files[style], info)
    cmaps = {
        family: (faces.get("regular") or next(iter(faces.values()))).codepoints
        for family, faces in infos.items()
        if faces
    }
    primaries = [cmaps[f] for f in (theme.body_font, theme.heading_font) if f in cmaps]
    lacking = {c for c in used if any(c not in cmap for cmap in primaries)}
    wanted = wanted_characters(used)
    plan = []
    for family, faces in infos.items():
        if not faces:
            continue
        if family in (theme.body_font, theme.heading_font):
            chars = wanted & cmaps[family]
        else:
            needed = lacking & cmaps[family]
            lacking -= needed  # a later fallback draws only what this one lacks
            chars = wanted_characters(needed, keyboard=False) & cmaps[family]
        if not chars:
            continue
        embedded = []
        for style, info in faces.items():
            path = theme.files_of(family)[style]
            refusal = _refusal(info)
            if refusal:
                warnings.warn(f"DOCX: the font file {path.name} is not embedded: {refusal}")
                continue
            embedded.append((style, path, frozenset(chars & info.codepoints)))
        if embedded:
            plan.append((family, faces.get("regular") or next(iter(faces.values())), embedded))
    return plan


def _check_family(family: str, style: str, path: Path, info: fontfiles.FaceInfo) -> None:
    if "".join(info.family.split()).casefold() != "".join(family.split()).casefold():
        raise TemplateError(
            f"theme: fonts: files: {family}: {style}: {path.name} is a font of the family "
            f"{info.family!r}; Word finds an embedded font by its family name, so name the "
            "family as the file does"
        )


def _refusal(info: fontfiles.FaceInfo) -> str | None:
    """Why a font may not be embedded, or None."""
    if not info.truetype:
        return "Word embeds TrueType fonts only (this one has PostScript outlines)"
    if info.fs_type & (_RESTRICTED | _BITMAP_ONLY) and not info.fs_type & (_PREVIEW | _EDITABLE):
        return "its licence does not allow embedding it in documents"
    if info.fs_type & _NO_SUBSETTING:
        return "its licence does not allow embedding a part of it"
    return None


# -- obfuscation (ECMA-376 Part 1, §17.8.1) -------------------------------------------


def font_key(data: bytes) -> str:
    """The GUID an embedded font is obfuscated with: from its content, so runs agree."""
    digest = hashlib.sha256(data).hexdigest()
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "reportgen:font:" + digest)).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """The font with its first 32 bytes XORed with the key (§17.8.1); the same undoes it.

    The key's 16 bytes are the GUID's hexadecimal digits read as bytes from the
    last pair to the first.
    """
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]
