"""Office files from outside, read within bounds: signatures, OLE2 directories, ZIP sizes."""

# Shared by the review guard (word/safety.py, DOCX) and the participant
# spreadsheet reader (source/spreadsheet.py, XLSX): both must tell an
# encrypted or legacy Office file from a package, and unpack a ZIP whose
# declared sizes may lie without letting it exhaust memory.

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
CHUNK_BYTES = 256 * 1024  # parts are unpacked this much at a time, counting as they go


def ole_stream_names(data: bytes) -> set[str]:
    """The names in an OLE2 compound file's directory ([MS-CFB] 2.2, 2.6), read within bounds.

    Only used to say what a file is; an unreadable directory gives an empty set.
    """
    names: set[str] = set()

    def u32(offset: int) -> int:
        if offset + 4 > len(data):
            raise IndexError(offset)
        return int.from_bytes(data[offset : offset + 4], "little")

    try:
        shift = int.from_bytes(data[30:32], "little")
        if shift not in (9, 12):
            return names
        size = 1 << shift
        last = 0xFFFFFFFA  # sector numbers from here on are markers, not sectors
        fat = [s for s in (u32(76 + 4 * i) for i in range(109)) if s < last]
        difat, hops = u32(68), 0
        while difat < last and hops < 64:
            base = (difat + 1) * size
            fat += [s for s in (u32(base + 4 * i) for i in range(size // 4 - 1)) if s < last]
            difat, hops = u32(base + size - 4), hops + 1
        sector, seen = u32(48), set()
        while sector < last and sector not in seen and len(seen) < 4096:
            seen.add(sector)
            base = (sector + 1) * size
            for entry in range(base, min(base + size, len(data)) - 127, 128):
                length = int.from_bytes(data[entry + 64 : entry + 66], "little")
                if 2 <= length <= 64:
                    names.add(data[entry : entry + length - 2].decode("utf-16-le", "replace"))
            per_sector = size // 4
            sector = u32((fat[sector // per_sector] + 1) * size + 4 * (sector % per_sector))
    except IndexError:
        pass
    return names


def is_encrypted_office_file(data: bytes) -> bool:
    """Whether ``data`` is an OLE2 file holding an encrypted OOXML package ([MS-OFFCRYPTO])."""
    if not data.startswith(OLE2_SIGNATURE):
        return False
    streams = ole_stream_names(data)
    return "EncryptedPackage" in streams or "EncryptionInfo" in streams


@dataclass
class Oversized(Exception):
    """A ZIP member unpacks to more than allowed; ``ratio`` says it was its compression ratio."""

    name: str
    unpacked: int
    packed: int
    ratio: bool

    def __str__(self) -> str:
        return f"{self.name}: unpacks from {size_text(self.packed)} to {size_text(self.unpacked)}"


@dataclass
class Damaged(Exception):
    """A ZIP member cannot be unpacked; ``detail`` says why, in plain words."""

    name: str
    detail: str

    def __str__(self) -> str:
        return f"{self.name}: is damaged ({self.detail})"


@dataclass
class Budget:
    """How much a whole package may unpack to, and how far one member may expand.

    Members above ``ratio_floor`` bytes may not unpack to more than
    ``max_ratio`` times their packed size; small parts may compress well.
    """

    remaining: int
    max_ratio: int = 200
    ratio_floor: int = 1024 * 1024

    def declared_bomb(self, info: zipfile.ZipInfo) -> bool:
        """Whether the sizes the ZIP directory declares already have the shape of a bomb."""
        return info.file_size > self.ratio_floor and info.file_size > self.max_ratio * max(
            info.compress_size, 1
        )


def unpacked_chunks(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget
) -> Iterator[bytes]:
    """The member's data a chunk at a time, counting what it really unpacks to.

    Declared sizes can lie, so the limits hold for the data itself: Oversized
    as soon as the member passes the budget or the ratio, Damaged when it
    cannot be unpacked (checksum, truncated data, unknown method).
    """
    unpacked = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                unpacked += len(chunk)
                budget.remaining -= len(chunk)
                if budget.remaining < 0:
                    raise Oversized(info.filename, unpacked, info.compress_size, ratio=False)
                if unpacked > budget.ratio_floor and unpacked > budget.max_ratio * max(
                    info.compress_size, 1
                ):
                    raise Oversized(info.filename, unpacked, info.compress_size, ratio=True)
                yield chunk
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError, NotImplementedError) as error:
        raise Damaged(info.filename, _damage(error)) from None


def _damage(error: Exception) -> str:
    text = str(error)
    if "CRC" in text:
        return "its checksum does not match its content"
    if isinstance(error, EOFError):
        return "its data ends too early"
    return text or type(error).__name__


def size_text(size: int) -> str:
    """A size as a person reads it: 812 bytes, 14.2 KiB, 1,024.0 MiB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:,.1f} KiB"
    return f"{size} bytes"
