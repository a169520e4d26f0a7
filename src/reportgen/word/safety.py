"""The checks a DOCX from outside passes before reportgen reads it: a Word document, no traps."""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .. import xmlparsing
from ..containers import (
    OLE2_SIGNATURE,
    ZIP_SIGNATURES,
    Budget,
    Damaged,
    Oversized,
    ole_stream_names,
    size_text,
    unpacked_chunks,
)
from ..errors import UnsafeDocumentError
from .namespaces import NS

# Limits (DESIGN.md, invariant 4: a hostile file costs bounded time and memory).
# A report with photographs is a few MiB; these leave a wide margin above that.
MAX_FILE_BYTES = 200 * 1024 * 1024  # the DOCX file itself
MAX_MEMBERS = 2_000  # ZIP entries; Word writes a few dozen
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all parts together, unpacked
MAX_RATIO = 200  # unpacked : packed, for a part over RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024  # small parts may compress well (repetitive XML)

CONTENT_TYPES = "[Content_Types].xml"
MAIN_DOCUMENT = "word/document.xml"
RELATIONSHIPS_NS = NS["pr"]
CONTENT_TYPES_NS = NS["ct"]
SAVE_AS_DOCX = 'open it in Word and save it as "Word Document (*.docx)"'

# External relationships that only record where something lives on the reviewer's
# disk: the template the document was made from, and a mail merge's data source
# (w:mailMerge in settings.xml).  Neither Word nor reportgen reads them to show
# the document.
_LOCAL_RECORDS = frozenset(
    {
        "attachedTemplate",
        "dataSource",
        "mailMergeSource",
        "mailMergeHeaderSource",
        "recipientData",
    }
)
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
# Schemes of URLs that name another machine or run code when followed.
_NETWORK_SCHEMES = frozenset(
    {
        "http",
        "https",
        "ftp",
        "ftps",
        "sftp",
        "smb",
        "cifs",
        "nfs",
        "afp",
        "dav",
        "davs",
        "webdav",
        "ldap",
        "mhtml",
        "its",
        "ms-its",
        "data",
        "javascript",
        "vbscript",
        "res",
    }
)

# What an external relationship links to, in a person's words (by the type's last segment).
_EXTERNAL_KINDS = {
    "image": "a picture",
    "attachedTemplate": "a template",
    "oleObject": "an object in another file",
    "frame": "a frame (another document or web page)",
    "subDocument": "a subdocument",
    "aFChunk": "a file to import into the text",
    "package": "an embedded package",
    "dataSource": "a mail-merge data source",
    "mailMergeSource": "a mail-merge data source",
    "recipientData": "mail-merge recipients",
    "externalLinkPath": "a linked file",
}


def read_docx_file(path: Path) -> bytes:
    """The bytes of the DOCX at ``path``, after checking that it is safe to read.

    Raises UnsafeDocumentError naming the file (and the part) when it is not
    a DOCX, is damaged, carries macros, a ZIP or XML bomb, or links to
    anything outside itself other than hyperlinks.
    """
    path = Path(path)
    where = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UnsafeDocumentError(f"{where}: no such file") from None
    except OSError as error:
        raise UnsafeDocumentError(f"{where}: cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnsafeDocumentError(f"{where}: is a folder, not a DOCX file")
    if not stat.S_ISREG(info.st_mode):
        # A pipe or a device could block or never end.
        raise UnsafeDocumentError(f"{where}: is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise UnsafeDocumentError(
            f"{where}: is {_mib(info.st_size)}, more than the {_mib(MAX_FILE_BYTES)} "
            "a DOCX may be for reportgen"
        )
    if path.suffix.lower() in (".docm", ".dotm"):
        raise UnsafeDocumentError(
            f"{where}: is a macro-enabled Word file; reportgen does not read macro-enabled "
            "documents",
            hint=f"{SAVE_AS_DOCX}, which leaves the macros out",
        )
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UnsafeDocumentError(f"{where}: cannot be read ({error.strerror})") from None
    if len(data) > MAX_FILE_BYTES:  # it grew since stat()
        raise UnsafeDocumentError(f"{where}: is larger than {_mib(MAX_FILE_BYTES)}")
    check_docx(data, where)
    return data


def check_docx(data: bytes, where: str) -> None:
    """Refuse ``data`` unless it is a DOCX reportgen can read without risk; ``where`` names it."""
    if not data.startswith(ZIP_SIGNATURES):
        raise UnsafeDocumentError(f"{where}: {_what_it_is(data)}", hint=_hint_for(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise UnsafeDocumentError(
            f"{where}: is damaged or incomplete (its ZIP directory cannot be read); "
            "perhaps the download or copy was interrupted",
            hint="download or save the file again",
        ) from None
    with archive:
        infos = _checked_entries(archive, where)
        names = {info.filename for info in infos}
        _check_is_word_document(archive, names, where)
        content_types = _content_types(archive, where)
        _check_no_macros(names, content_types, where)
        _read_every_part(archive, infos, content_types, where)
        for info in infos:
            if info.filename.lower().endswith(".rels"):
                _check_relationships(archive.read(info), info.filename, where)


# -- what a file that is not a ZIP is ------------------------------------------------


def _what_it_is(data: bytes) -> str:
    if not data:
        return "is empty (0 bytes), not a DOCX"
    if data.startswith(OLE2_SIGNATURE):
        streams = ole_stream_names(data)
        if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
            return (
                "is password-protected (an encrypted DOCX); reportgen cannot read an "
                "encrypted document"
            )
        if "WordDocument" in streams:
            return "is a Word 97–2003 .doc file, not a DOCX"
        return "is an older Microsoft Office file (an OLE2 compound file), not a DOCX"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "is a PDF file, not a DOCX"
    if head.startswith(b"{\\rtf"):
        return "is an RTF file, not a DOCX"
    if head.startswith((b"<!doctype html", b"<html")):
        return "is a web page (HTML), not a DOCX; perhaps the download failed"
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return "is an XML file, not a DOCX (a DOCX is a ZIP package of XML files)"
    return "is not a DOCX (a DOCX is a ZIP package, and this file is not one)"


def _hint_for(data: bytes) -> str:
    if data.startswith(OLE2_SIGNATURE):
        streams = ole_stream_names(data)
        if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
            return (
                "open it in Word, remove the password (File → Info → Protect Document → "
                "Encrypt with Password, clear it) and save it again"
            )
        return SAVE_AS_DOCX
    return "give reportgen the .docx file the reviewers edited"


# -- the ZIP package ---------------------------------------------------------------


def _checked_entries(archive: zipfile.ZipFile, where: str) -> list[zipfile.ZipInfo]:
    """The package's parts, after the checks that need only the ZIP directory."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeDocumentError(
            f"{where}: holds {len(infos):,} files in its ZIP package, more than the "
            f"{MAX_MEMBERS:,} reportgen allows (Word writes a few dozen)"
        )
    seen: set[str] = set()
    total = 0
    parts = []
    for info in infos:
        name = info.filename
        if _escapes(name):
            raise UnsafeDocumentError(
                f"{where}: {name!r}: a part name with an absolute path or '..' is not allowed "
                "in a DOCX (unpacked, it would land outside its folder)"
            )
        if name.lower() in seen:  # part names are case-insensitive (OPC)
            raise UnsafeDocumentError(
                f"{where}: {name}: appears twice in the ZIP package, so programs could "
                "disagree about what the document says"
            )
        seen.add(name.lower())
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise UnsafeDocumentError(
                f"{where}: {name}: is encrypted inside the ZIP package; Word never does this"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsafeDocumentError(
                f"{where}: {name}: is compressed with a method Word never uses "
                f"(ZIP method {info.compress_type})"
            )
        if _budget().declared_bomb(info):
            raise _bomb(where, name, info.file_size, info.compress_size)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeDocumentError(
                f"{where}: would unpack to more than {_mib(MAX_TOTAL_BYTES)} "
                f"(the parts declare {_mib(sum(i.file_size for i in infos))}); "
                "this is not a report but a ZIP bomb or a damaged file"
            )
        parts.append(info)
    return parts


def _escapes(name: str) -> bool:
    """Whether a ZIP entry name is absolute or climbs out of the package's folder."""
    if not name or "\x00" in name:
        return True
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in name.split("/")


def _bomb(where: str, name: str, size: int, packed: int) -> UnsafeDocumentError:
    return UnsafeDocumentError(
        f"{where}: {name}: unpacks from {size_text(packed)} to {size_text(size)} "
        f"(more than {MAX_RATIO}:1), the shape of a ZIP bomb; reportgen does not unpack it"
    )


def _check_is_word_document(archive: zipfile.ZipFile, names: set[str], where: str) -> None:
    if CONTENT_TYPES not in names:
        if "mimetype" in names and _peek(archive, "mimetype").startswith(
            b"application/vnd.oasis.opendocument"
        ):
            raise UnsafeDocumentError(
                f"{where}: is an OpenDocument file (.odt), not a DOCX",
                hint="open it in LibreOffice or Word and save it as .docx",
            )
        raise UnsafeDocumentError(
            f"{where}: {CONTENT_TYPES} is missing, so this ZIP file is not a DOCX "
            "(every Word document has one)"
        )
    if MAIN_DOCUMENT not in names and _main_document(archive, names, where) is None:
        if "xl/workbook.xml" in names:
            what = "is an Excel workbook, not a Word document"
        elif "ppt/presentation.xml" in names:
            what = "is a PowerPoint presentation, not a Word document"
        else:
            what = f"{MAIN_DOCUMENT} is missing: the package holds no Word document text"
        raise UnsafeDocumentError(f"{where}: {what}")


def _main_document(archive: zipfile.ZipFile, names: set[str], where: str) -> str | None:
    """The main document part the package relationships name, when it is not the usual one.

    Word finds the text through ``_rels/.rels`` (officeDocument), so a document
    may live at another name (``word/document2.xml``).
    """
    if "_rels/.rels" not in names:
        return None
    data = _read_part(archive, archive.getinfo("_rels/.rels"), where, budget=RATIO_FLOOR_BYTES)
    for rel in _parse(data, "_rels/.rels", where).iter(f"{{{RELATIONSHIPS_NS}}}Relationship"):
        kind = rel.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
        if kind == "officeDocument" and rel.get("TargetMode", "").lower() != "external":
            target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
            if target in names:
                return target
    return None


def _peek(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(100)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return b""


def _content_types(archive: zipfile.ZipFile, where: str) -> dict[str, str]:
    """Media type by lower-case part name; ``.ext`` keys hold the defaults by extension."""
    data = _read_part(archive, archive.getinfo(CONTENT_TYPES), where, budget=MAX_TOTAL_BYTES)
    root = _parse(data, CONTENT_TYPES, where)
    types: dict[str, str] = {}
    for item in root.iter(f"{{{CONTENT_TYPES_NS}}}Default"):
        types["." + item.get("Extension", "").lower()] = item.get("ContentType", "")
    for item in root.iter(f"{{{CONTENT_TYPES_NS}}}Override"):
        types[item.get("PartName", "").lstrip("/").lower()] = item.get("ContentType", "")
    return types


def _content_type(types: dict[str, str], name: str) -> str:
    lower = name.lower()
    return types.get(lower) or types.get(posixpath.splitext(lower)[1], "")


def _check_no_macros(names: set[str], types: dict[str, str], where: str) -> None:
    for name in sorted(names):
        base = posixpath.basename(name.lower())
        media = _content_type(types, name).lower()
        if base in ("vbaproject.bin", "vbadata.xml") or "vbaproject" in media:
            raise _macros(where, name)
    for part, media in types.items():
        if "macroenabled" in media.lower():
            raise _macros(where, CONTENT_TYPES if part.startswith(".") else part)


def _macros(where: str, name: str) -> UnsafeDocumentError:
    return UnsafeDocumentError(
        f"{where}: {name}: the document carries macros (it is a macro-enabled Word file); "
        "reportgen does not read macro-enabled documents",
        hint=f"{SAVE_AS_DOCX}, which leaves the macros out",
    )


# -- reading every part within the limits ---------------------------------------------


def _read_every_part(
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    types: dict[str, str],
    where: str,
) -> None:
    """Unpack every part (checking its checksum) and check every XML part is plain XML.

    Parts are unpacked a chunk at a time and counted: declared sizes can lie,
    so the limits hold for what the data really unpacks to.
    """
    budget = _budget()
    for info in infos:
        name = info.filename
        xml = name.lower().endswith((".xml", ".rels")) or _content_type(
            types, name
        ).lower().endswith("xml")
        parser = xmlparsing.parser(target=xmlparsing.DoctypeGuard(name)) if xml else None
        try:
            for chunk in _chunks(archive, info, where, budget):
                if parser is not None:
                    parser.feed(chunk)
            if parser is not None:
                parser.close()
        except xmlparsing.DoctypeFound as found:
            raise _doctype_error(where, name, found.system) from None
        except etree.XMLSyntaxError as error:
            raise _syntax_error(where, name, error.msg or str(error), error.lineno) from None


def _budget() -> Budget:
    return Budget(MAX_TOTAL_BYTES, max_ratio=MAX_RATIO, ratio_floor=RATIO_FLOOR_BYTES)


def _chunks(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: Budget
) -> Iterator[bytes]:
    try:
        yield from unpacked_chunks(archive, info, budget)
    except Oversized as big:
        if big.ratio:
            raise _bomb(where, big.name, big.unpacked, big.packed) from None
        raise UnsafeDocumentError(
            f"{where}: {big.name}: unpacks to more than the {_mib(MAX_TOTAL_BYTES)} "
            "allowed for a whole DOCX (its declared size is false)"
        ) from None
    except Damaged as damaged:
        raise UnsafeDocumentError(
            f"{where}: {damaged.name}: is damaged ({damaged.detail}); perhaps the download "
            "or copy was interrupted",
            hint="download or save the file again",
        ) from None


def _read_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, *, budget: int
) -> bytes:
    out = bytearray()
    for chunk in _chunks(archive, info, where, _budget()):
        out += chunk
        if len(out) > budget:
            raise UnsafeDocumentError(
                f"{where}: {info.filename}: unpacks to more than {_mib(budget)}"
            )
    return bytes(out)


def _parse(data: bytes, name: str, where: str) -> etree._Element:
    """A small part as a tree, with the same refusals as the scan of every part."""
    try:
        return xmlparsing.parse(data, name)
    except xmlparsing.MalformedXML as error:
        raise _syntax_error(where, name, error.detail, error.line) from None
    except xmlparsing.DoctypeFound as found:
        raise _doctype_error(where, name, found.system) from None


def _doctype_error(where: str, name: str, system: str | None) -> UnsafeDocumentError:
    source = f" pointing to {system}" if system else ""
    return UnsafeDocumentError(
        f"{where}: {name}: holds a DOCTYPE declaration{source}, which Word never writes; "
        "such declarations define entities that attack XML readers (an entity bomb, or "
        "reading other files), so reportgen does not read this document"
    )


def _syntax_error(
    where: str, name: str, detail: str, line_number: int | None
) -> UnsafeDocumentError:
    line = f"line {line_number}: " if line_number else ""
    message = detail.split(", line ")[0]
    return UnsafeDocumentError(
        f"{where}: {name}: is not well-formed XML ({line}{message}); the document is damaged",
        hint="open it in Word and save it again",
    )


# -- relationships ------------------------------------------------------------------


def _check_relationships(data: bytes, rels_name: str, where: str) -> None:
    """Hyperlinks may point outside the DOCX; nothing else may, and no part outside it."""
    root = _parse(data, rels_name, where)
    folder = posixpath.dirname(posixpath.dirname(rels_name))  # word/_rels/x.rels → word
    for rel in root.iter(f"{{{RELATIONSHIPS_NS}}}Relationship"):
        kind = rel.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if rel.get("TargetMode", "").lower() == "external":
            if kind == "hyperlink":
                continue  # the reader keeps http(s) and mailto links and drops the rest
            if kind in _LOCAL_RECORDS and _is_local_path(target):
                # Word records where the reviewer's template or mail-merge data
                # lives on their own disk; nothing reads it, not Word on another
                # machine and not reportgen.
                continue
            what = _EXTERNAL_KINDS.get(kind, f"a {kind!r} resource")
            raise UnsafeDocumentError(
                f"{where}: {rels_name}: links to {what} outside the document "
                f"(relationship {rel.get('Id', '?')}, type {kind}, target {target!r}); "
                "reportgen reads nothing outside the DOCX",
                hint=_external_hint(kind),
            )
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved == ".." or resolved.startswith("../"):
            raise UnsafeDocumentError(
                f"{where}: {rels_name}: relationship {rel.get('Id', '?')} points outside the "
                f"package ({target!r}); the document is damaged or was made to mislead"
            )


def _is_local_path(target: str) -> bool:
    """A path on the reviewer's own disk in any system's form, not a server.

    Windows (``C:\\Users\\…``), POSIX (``/Users/…``), ``file:///…`` and
    ``file://localhost/…`` URLs, classic Mac OS paths (``Macintosh HD:Users:…``)
    and bare file names are local; a UNC path (``\\\\server\\…``), a
    ``file://`` URL naming a host, and any other URL scheme are not.
    """
    path = target.strip()
    lower = path.lower().replace("\\", "/")
    if not lower or lower.startswith("//"):
        return False  # a UNC path or a network-path reference: another machine
    if lower.startswith(("file:///", "file://localhost/")):
        return True
    if lower.startswith("file:"):
        return False  # file://server/share/…
    if len(lower) > 2 and lower[0].isalpha() and lower[1:3] == ":/":
        return True  # a drive letter
    if lower.startswith("/"):
        return True
    scheme = _URL_SCHEME.match(lower)
    if scheme is None:
        return True  # a relative name, or a Mac volume ("Macintosh HD:…")
    # "Work:Users:anna:t.dotx" is a Mac path on a volume named Work, never a URL:
    # no slash follows the colon and the name is not a scheme URLs use.
    return "/" not in lower and scheme[1] not in _NETWORK_SCHEMES


def _external_hint(kind: str) -> str:
    if kind == "image":
        return (
            "insert the picture into the document instead of linking to it (in Word: "
            "File → Info → Edit Links to Files → Save picture in document)"
        )
    if kind == "attachedTemplate":
        return "in Word, attach the Normal template instead (Developer → Document Template)"
    return (
        "break the link in Word (File → Info → Edit Links to Files → Break Link) and "
        "save the document again"
    )


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB"
