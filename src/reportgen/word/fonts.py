"""The theme's font files embedded in the DOCX: subset, obfuscated, named in the font table."""

# Word and LibreOffice draw a font embedded in the document (ECMA-376 Part 1,
# §17.8.3) when the machine lacks it, so the draft shows the house style
# wherever a reviewer opens it.  Each font the template carries for a family
# the document uses is embedded, cut down (fontTools' subsetter) to the
# characters the document holds, plus those a reviewer is likely to type: the
# keyboard's Latin letters and punctuation, and the whole alphabet of any other
# script the report writes in.  The OFL lets documents embed the fonts.
#
# Subsetting costs about 30 ms a font and importing fontTools 0.13 s, so what
# a font file holds and each subset made are kept in the template cache
# (compose/cache.py); a run whose characters were seen before reads them back
# without importing fontTools.  fontTools, not HarfBuzz, makes the subsets:
# its version is pinned with reportgen's, so the same input gives the same
# DOCX bytes on every machine.

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart

from ..compose.cache import cache_folder
from ..errors import TemplateError
from ..results import Warnings
from ..templates import Theme
from . import oxml
from .namespaces import qn

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# Changes whenever what is cached or how subsets are made changes.
CACHE_FORMAT = "reportgen-fonts-1"
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


@dataclass(frozen=True)
class FaceInfo:
    """What embedding needs to know of a font file, read once (fontTools) and cached."""

    family: str
    codepoints: frozenset[int]
    panose: str  # 20 hex digits
    unicode_ranges: tuple[int, int, int, int]  # OS/2 ulUnicodeRange1–4
    code_pages: tuple[int, int]  # OS/2 ulCodePageRange1–2
    kind: str  # w:family: "roman", "swiss" or "auto"
    fixed_pitch: bool
    fs_type: int
    truetype: bool  # glyf outlines: Word embeds TrueType fonts only


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
            subset = _subset(path, wanted)
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
        family: face_info(files.get("regular") or next(iter(files.values()))).codepoints
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
) -> list[tuple[str, FaceInfo, list[tuple[str, Path, frozenset[int]]]]]:
    """Per family to embed: its font table facts, and each style's file and characters.

    The body and heading families are embedded for every character they have;
    a fallback family for the characters ``name_fallback_fonts`` sets in it:
    those a body or heading font lacks and no fallback before it has.
    """
    infos: dict[str, dict[str, FaceInfo]] = {}
    for family in theme.families:
        files = theme.files_of(family)  # none: an installed font, nothing to embed
        infos[family] = {style: face_info(path) for style, path in sorted(files.items())}
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


def _check_family(family: str, style: str, path: Path, info: FaceInfo) -> None:
    if "".join(info.family.split()).casefold() != "".join(family.split()).casefold():
        raise TemplateError(
            f"theme: fonts: files: {family}: {style}: {path.name} is a font of the family "
            f"{info.family!r}; Word finds an embedded font by its family name, so name the "
            "family as the file does"
        )


def _refusal(info: FaceInfo) -> str | None:
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


# -- font files, read and subset through the cache --------------------------------------


def _identity(path: Path) -> str:
    """A font file as its cached facts and subsets know it: where it is, its size and time.

    As Python's own bytecode cache does, a file is taken to be unchanged while its
    size and modification time are; reading and hashing every font file instead
    would cost more than the rest of the embedding.
    """
    info = path.stat()
    return f"{path.resolve()}|{info.st_size}|{info.st_mtime_ns}|{info.st_ino}"


def face_info(path: Path) -> FaceInfo:
    """What ``path`` holds (family, characters, classification), from the cache if there."""
    return _face_info(_identity(path), path)


@lru_cache(maxsize=64)
def _face_info(identity: str, path: Path) -> FaceInfo:
    name = f"font-{_key(identity)}.json"
    cached = _read_cache(name)
    if cached is not None:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            return _info_from_json(json.loads(cached))
    info = _read_face(path)
    _write_cache(name, json.dumps(_info_to_json(info), sort_keys=True).encode())
    return info


def _read_face(path: Path) -> FaceInfo:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(str(path), lazy=True) as font:
            names = font["name"]
            family = (
                names.getDebugName(16) or names.getDebugName(1) or path.stem.split("-")[0]
            ).strip()
            os2 = font["OS/2"]
            panose = os2.panose
            digits = [
                panose.bFamilyType, panose.bSerifStyle, panose.bWeight, panose.bProportion,
                panose.bContrast, panose.bStrokeVariation, panose.bArmStyle, panose.bLetterForm,
                panose.bMidline, panose.bXHeight,
            ]  # fmt: skip
            # PANOSE (latin text): serif styles 2–10 have serifs, 11–15 have none.
            kind = "auto"
            if panose.bFamilyType == 2:
                kind = (
                    "swiss"
                    if panose.bSerifStyle >= 11
                    else "roman"
                    if panose.bSerifStyle >= 2
                    else "auto"
                )
            return FaceInfo(
                family=family,
                codepoints=frozenset(font.getBestCmap() or {}),
                panose="".join(f"{d:02X}" for d in digits),
                unicode_ranges=(
                    os2.ulUnicodeRange1,
                    os2.ulUnicodeRange2,
                    os2.ulUnicodeRange3,
                    os2.ulUnicodeRange4,
                ),
                code_pages=(
                    getattr(os2, "ulCodePageRange1", 0),
                    getattr(os2, "ulCodePageRange2", 0),
                ),
                kind=kind,
                fixed_pitch=bool(font["post"].isFixedPitch),
                fs_type=int(os2.fsType),
                truetype="glyf" in font,
            )
    except (TTLibError, OSError, KeyError, AttributeError, AssertionError) as error:
        raise TemplateError(
            f"theme: fonts: files: {path.name} is not a font file reportgen can read: {error}"
        ) from None


def _info_to_json(info: FaceInfo) -> dict:
    ranges: list[list[int]] = []  # the character map as [first, last] runs
    for code in sorted(info.codepoints):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return {**info.__dict__, "codepoints": ranges}


def _info_from_json(data: dict) -> FaceInfo:
    return FaceInfo(
        family=str(data["family"]),
        codepoints=frozenset(
            c for first, last in data["codepoints"] for c in range(first, last + 1)
        ),
        panose=str(data["panose"]),
        unicode_ranges=tuple(int(v) for v in data["unicode_ranges"]),  # type: ignore[arg-type]
        code_pages=tuple(int(v) for v in data["code_pages"]),  # type: ignore[arg-type]
        kind=str(data["kind"]),
        fixed_pitch=bool(data["fixed_pitch"]),
        fs_type=int(data["fs_type"]),
        truetype=bool(data["truetype"]),
    )


def _subset(path: Path, codepoints: frozenset[int]) -> bytes:
    return _subset_of(_identity(path), path, codepoints)


@lru_cache(maxsize=64)
def _subset_of(identity: str, path: Path, codepoints: frozenset[int]) -> bytes:
    """``path`` cut down to ``codepoints``, from the cache or made and cached."""
    name = f"font-{_key(identity, *sorted(codepoints))}.ttf"
    cached = _read_cache(name)
    if cached is not None:
        return cached
    data = make_subset(path, codepoints)
    _write_cache(name, data)
    return data


def make_subset(path: Path, codepoints: Iterable[int]) -> bytes:
    """A TrueType font of ``path``'s glyphs for ``codepoints``, as Word embeds fonts.

    It keeps the full name table, the glyph names and the character map Word
    and LibreOffice look fonts up by, and the hinting Word uses on screen.  The
    OpenType layout tables go: Word applies neither kerning nor ligatures
    unless a document asks (``w:kern``, ``w14:ligatures``), and reportgen's
    styles do not, while reading them makes up two thirds of the time.
    The font's own dates are kept, so that the bytes depend on nothing else.
    """
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.glyph_names = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_glyph = True
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.layout_features = []
    options.drop_tables = [*options.drop_tables, "GSUB", "GPOS", "GDEF"]
    with TTFont(str(path), lazy=True, recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints))
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


def _key(*parts: object) -> str:
    text = "|".join(map(str, (CACHE_FORMAT, _fonttools_version(), *parts)))
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=1)
def _fonttools_version() -> str:
    import fontTools

    return str(fontTools.version)


# Cached files end with the sha256 of what precedes it: a file cut short or
# damaged is made again rather than embedded.


def _read_cache(name: str) -> bytes | None:
    folder = cache_folder()
    if folder is None:
        return None
    try:
        with open(folder / name, "rb") as file:
            info = os.fstat(file.fileno())
            if info.st_uid != os.geteuid() or info.st_mode & 0o022:
                return None
            data = file.read()
    except OSError:
        return None
    body, check = data[:-32], data[-32:]
    return body if len(data) > 32 and hashlib.sha256(body).digest() == check else None


def _write_cache(name: str, data: bytes) -> None:
    folder = cache_folder()
    if folder is None:
        return
    # A full disk or a folder removed meanwhile only means subsetting next time.
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".font-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data + hashlib.sha256(data).digest())
            os.replace(temporary, folder / name)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
