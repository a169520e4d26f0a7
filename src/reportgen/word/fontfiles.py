"""The template's font files: what each holds, and subsets of it, kept in the template cache."""

# Reading a font's facts and cutting it down cost fontTools 0.13 s to import
# and about 30 ms a font, so both are kept in the template cache
# (compose/cache.py): a run whose characters were seen before reads them back
# without loading fontTools' font reader or subsetter.  fontTools, not
# HarfBuzz, makes the subsets: its version is pinned with reportgen's, so the
# same input gives the same DOCX bytes on every machine.

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..compose.cache import cache_folder
from ..errors import TemplateError

# Changes whenever what is cached or how subsets are made changes.
CACHE_FORMAT = "reportgen-fonts-2"  # bumped whenever a subset is made differently


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


def subset_font(path: Path, codepoints: frozenset[int]) -> bytes:
    """``path`` cut down to ``codepoints`` (see ``make_subset``), through the cache."""
    return _cached_subset(_identity(path), path, codepoints)


@lru_cache(maxsize=64)
def _cached_subset(identity: str, path: Path, codepoints: frozenset[int]) -> bytes:
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
    # FFTM (FontForge's timestamps, in DejaVu) is one fontTools cannot subset:
    # dropped here rather than with a warning on the terminal.
    options.drop_tables = [*options.drop_tables, "GSUB", "GPOS", "GDEF", "FFTM"]
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
