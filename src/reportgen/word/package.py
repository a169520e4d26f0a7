"""Byte-for-byte reproducible DOCX packages, and the fingerprint that tells an edited one."""

from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile

from ..errors import UnsafeDocumentError
from . import oxml

CONTENT_TYPES = "[Content_Types].xml"
CUSTOM_PROPERTIES = "docProps/custom.xml"
FINGERPRINT_PROPERTY = "reportgen.fingerprint"
FINGERPRINT_PREFIX = "sha256:"
# ZIP can't date anything before 1980; this is also what reproducible-build tools use.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# A DOCX member larger than this is refused when reading: nothing reportgen writes comes near.
MAX_MEMBER_BYTES = 512 * 1024 * 1024


def source_date_epoch() -> int | None:
    """``$SOURCE_DATE_EPOCH`` as seconds, or None when unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def zip_date_time(epoch: int | None) -> tuple[int, int, int, int, int, int]:
    if epoch is None:
        return ZIP_EPOCH
    stamp = time.gmtime(max(epoch, 315532800))  # 1980-01-01, the earliest a ZIP can hold
    return (stamp.tm_year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min, stamp.tm_sec)


def read_members(docx: bytes) -> dict[str, bytes]:
    """Every member of a DOCX by name; a file that is no ZIP is refused with a clear message."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            members: dict[str, bytes] = {}
            for info in archive.infolist():
                if info.is_dir():
                    continue
                if info.file_size > MAX_MEMBER_BYTES:
                    raise UnsafeDocumentError(f"{info.filename}: too large for a DOCX part")
                members[info.filename] = archive.read(info)
            return members
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise UnsafeDocumentError(f"not a DOCX file (a DOCX is a ZIP package): {error}") from None


def fingerprint_of(members: dict[str, bytes]) -> str:
    """sha256 over every member except ``docProps/*``, by name, each with its name and length.

    Document properties are left out so that the fingerprint can be stored among
    them, and so that Word updating its statistics alone is not taken for an edit.
    """
    digest = hashlib.sha256()
    for name in sorted(members):
        if name.startswith("docProps/"):
            continue
        data = members[name]
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return FINGERPRINT_PREFIX + digest.hexdigest()


def content_fingerprint(docx: bytes) -> str:
    """The fingerprint of a DOCX's content as it is now."""
    return fingerprint_of(read_members(docx))


def recorded_fingerprint(docx: bytes) -> str | None:
    """The fingerprint reportgen recorded in the DOCX when it wrote it, if any."""
    custom = read_members(docx).get(CUSTOM_PROPERTIES)
    if custom is None:
        return None
    return oxml.read_custom_properties(custom).get(FINGERPRINT_PROPERTY) or None


def is_edited(docx: bytes) -> bool:
    """Whether someone changed a DOCX reportgen wrote (a DOCX without a fingerprint is not ours)."""
    members = read_members(docx)
    custom = members.get(CUSTOM_PROPERTIES)
    if custom is None:
        return False
    recorded = oxml.read_custom_properties(custom).get(FINGERPRINT_PROPERTY)
    return bool(recorded) and recorded != fingerprint_of(members)


def finish(docx: bytes, *, epoch: int | None) -> bytes:
    """Record the content fingerprint and rewrite the ZIP so that equal content gives equal bytes.

    python-docx stamps every ZIP entry with the current time; here entries get a
    fixed date (``SOURCE_DATE_EPOCH``, else 1980-01-01), a fixed order
    (``[Content_Types].xml`` first, then by name), compression and permissions.
    """
    members = read_members(docx)
    if CUSTOM_PROPERTIES not in members:
        raise ValueError("the package has no docProps/custom.xml to record its fingerprint in")
    members[CUSTOM_PROPERTIES] = oxml.with_custom_property(
        members[CUSTOM_PROPERTIES], FINGERPRINT_PROPERTY, fingerprint_of(members)
    )
    return write_zip(members, date_time=zip_date_time(epoch))


def write_zip(
    members: dict[str, bytes], *, date_time: tuple[int, int, int, int, int, int]
) -> bytes:
    order = sorted(members, key=lambda name: (name != CONTENT_TYPES, name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below mean the same everywhere
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name], compresslevel=6)
    return out.getvalue()
