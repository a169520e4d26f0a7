"""The rows of a CSV or XLSX file, as text, read from an untrusted file within bounds."""

# A participant list comes from a registration system or a colleague's
# spreadsheet, so it is read as untrusted: a file that is not what its name
# says, an encrypted workbook, a ZIP bomb, XML with a DOCTYPE, or millions of
# rows are refused with a message naming the file.  Formulas are never
# evaluated: an XLSX cell gives the value the spreadsheet program saved with
# it (openpyxl's data_only), and a formula saved without one is reported.
# openpyxl and lxml are imported only when an XLSX file is read, so that
# `reportgen validate` stays fast for every other input.

from __future__ import annotations

import io
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.containers import (
    OLE2_SIGNATURE,
    ZIP_SIGNATURES,
    Budget,
    Damaged,
    Oversized,
    is_encrypted_office_file,
    ole_stream_names,
    size_text,
    unpacked_chunks,
)

if TYPE_CHECKING:
    import zipfile

# Limits: a registration list of a large conference has a few thousand rows.
MAX_ROWS = 20_000  # rows that hold something
MAX_SCANNED_ROWS = 100_000  # rows read, blank ones included
MAX_COLUMNS = 1_000
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 1_000  # ZIP entries; Excel and LibreOffice write a few dozen
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")

_OFFICE_DOCUMENT = "/officeDocument"
_PLAIN_SHEET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\Z")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)\Z")


class Refused(Exception):
    """The file cannot be read as a participant list; ``place`` is a row or cell if known."""

    def __init__(
        self, message: str, *, hint: str | None = None, row: int | None = None, column: int = 0
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.row = row
        self.column = column
        self.sheet: str | None = None  # the sheet of ``row``, in a workbook


class UnknownSheet(Exception):
    """``list_sheet`` names no sheet of the workbook."""

    def __init__(self, wanted: str, sheets: list[str]) -> None:
        super().__init__(wanted)
        self.wanted = wanted
        self.sheets = sheets


@dataclass
class Row:
    """One row of the file: its number (1 for the first) and its cells as text."""

    number: int
    cells: list[str]

    @property
    def blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass
class Table:
    """The rows of one CSV file or one sheet of a workbook.

    ``unusable`` holds the cells whose value cannot be taken, by (row,
    column index): a formula saved without its value, an error value.
    """

    file: str
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    unusable: dict[tuple[int, int], str] = field(default_factory=dict)

    def place(self, row: int, column: int) -> tuple[int | None, str | None]:
        """(line, place) of a cell for a Problem: a row for CSV, ``Sheet!C17`` for XLSX."""
        if self.sheet is None:
            return row, None
        return None, f"{sheet_reference(self.sheet)}!{column_letter(column)}{row}"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def sheet_reference(name: str) -> str:
    """The sheet name as a spreadsheet writes it before ``!``: quoted when it has spaces."""
    if _PLAIN_SHEET_NAME.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def read_table(path: Path, shown: str, *, sheet: str | None = None) -> Table:
    """The rows of ``path`` (``shown`` names it in messages); Refused or UnknownSheet if not.

    Raises FileNotFoundError and other OSErrors as they come, for the caller
    to word as a problem of the option that names the file.
    """
    data = _read_bytes(path)
    if path.suffix.lower() == ".csv":
        return _read_csv(data, shown)
    return _read_xlsx(data, shown, sheet)


def _read_bytes(path: Path) -> bytes:
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(info.st_mode):
        raise Refused("is not a regular file")  # a pipe or a device could block or never end
    if info.st_size > MAX_FILE_BYTES:
        raise Refused(
            f"is {size_text(info.st_size)}, more than the {size_text(MAX_FILE_BYTES)} a "
            "participant list may be for reportgen"
        )
    with path.open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise Refused(f"is larger than {size_text(MAX_FILE_BYTES)}")
    return data


def _bounded(rows: Iterable[Row]) -> Iterator[Row]:
    """The rows, stopping the file at MAX_ROWS rows with content."""
    filled = 0
    for row in rows:
        if row.number > MAX_SCANNED_ROWS:
            raise Refused(
                f"has more than {MAX_SCANNED_ROWS:,} rows (most of them blank); delete the "
                "empty rows below the list, or export the list again",
                row=row.number,
            )
        if not row.blank:
            filled += 1
            if filled > MAX_ROWS:
                raise Refused(
                    f"has more than {MAX_ROWS:,} rows; reportgen reads participant lists of up "
                    f"to {MAX_ROWS:,} people",
                    row=row.number,
                )
        yield row


# -- CSV --------------------------------------------------------------------------------------


def _read_csv(data: bytes, shown: str) -> Table:
    import csv

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Refused(
            "is saved as UTF-16 text; save it as UTF-8",
            hint='in Excel: File → Save As → "CSV UTF-8 (Comma delimited)"',
        )
    if data.startswith(ZIP_SIGNATURES) or data.startswith(OLE2_SIGNATURE):
        raise Refused(
            f"is {_office_kind(data)}, not a CSV text file",
            hint="give the file its own extension (.xlsx), or save it as CSV UTF-8",
        )
    if b"\x00" in data[:65536]:
        raise Refused("is not a text file (it holds NUL bytes), so it is not CSV")
    try:
        text = data.decode("utf-8-sig")  # a byte order mark is fine
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise Refused(
            f"is not UTF-8 text: byte 0x{data[error.start]:02X} in row {line} is not UTF-8; "
            "save the file as UTF-8",
            hint='in Excel: File → Save As → "CSV UTF-8 (Comma delimited)"; in LibreOffice: '
            'Save As → Text CSV, character set "Unicode (UTF-8)"',
            row=line,
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))

    def rows() -> Iterator[Row]:
        for number, cells in enumerate(reader, 1):
            if len(cells) > MAX_COLUMNS:
                raise Refused(f"has {len(cells):,} cells in one row", row=number)
            yield Row(number, cells)

    try:
        return Table(shown, rows=list(_bounded(rows())))
    except csv.Error as error:
        raise Refused(f"is not valid CSV ({error})", row=reader.line_num) from None


def _delimiter(text: str) -> str:
    """Comma or semicolon (Excel writes ";" where "," is the decimal sign)."""
    import csv

    sample = text[:65536]
    directive = re.match(r"sep=([,;])\r?\n", sample)  # Excel's "sep=;" first line
    if directive:
        return directive[1]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        pass
    # One column, or a sample the sniffer cannot decide: count in the first lines.
    head = "\n".join(sample.splitlines()[:20])
    return ";" if head.count(";") > head.count(",") else ","


# -- XLSX -------------------------------------------------------------------------------------


def _office_kind(data: bytes) -> str:
    if data.startswith(ZIP_SIGNATURES):
        return "a ZIP package (an XLSX, DOCX or other Office file)"
    if is_encrypted_office_file(data):
        return "a password-protected Office file"
    return "an Excel 97–2003 or other older Office file"


def _not_a_workbook(data: bytes) -> Refused:
    save_as = "open it in Excel or LibreOffice Calc and save it as .xlsx (or CSV UTF-8)"
    if not data:
        return Refused("is empty (0 bytes), not an XLSX workbook")
    if data.startswith(OLE2_SIGNATURE):
        if is_encrypted_office_file(data):
            return Refused(
                "is password-protected (an encrypted workbook); reportgen cannot read an "
                "encrypted file",
                hint="open it in Excel, remove the password (File → Info → Protect Workbook → "
                "Encrypt with Password, clear it) and save it again",
            )
        streams = ole_stream_names(data)
        if "Workbook" in streams or "Book" in streams:
            return Refused("is an Excel 97–2003 .xls workbook, not XLSX", hint=save_as)
        return Refused("is an older Microsoft Office file (OLE2), not an XLSX workbook")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return Refused("is a PDF file, not an XLSX workbook")
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        return Refused(
            "is a web page (HTML), not an XLSX workbook; some registration systems export "
            "HTML under a spreadsheet's name",
            hint=save_as,
        )
    if head.startswith(b"<"):
        return Refused("is an XML file, not an XLSX workbook", hint=save_as)
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return Refused(
            "is a text file (perhaps CSV), not an XLSX workbook",
            hint="name it .csv, or open it in a spreadsheet program and save it as .xlsx",
        )
    return Refused("is not an XLSX workbook (an XLSX is a ZIP package, and this file is not one)")


def _read_xlsx(data: bytes, shown: str, wanted: str | None) -> Table:
    import zipfile

    if not data.startswith(ZIP_SIGNATURES):
        raise _not_a_workbook(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise Refused(
            "is damaged or incomplete (its ZIP directory cannot be read)",
            hint="download or save the file again",
        ) from None
    with archive:
        infos = _checked_members(archive)
        sheets = _sheet_parts(archive, infos)
        names = list(sheets)
        if not names:
            raise Refused("holds no worksheet")
        name = names[0] if wanted is None else _find_sheet(wanted, names)
        try:
            scan = _scan_parts(archive, infos, sheets[name])
            rows = list(_bounded(_openpyxl_rows(data, name)))
        except Refused as refused:
            refused.sheet = name
            raise
    return Table(shown, sheet=name, sheets=names, rows=rows, unusable=scan.unusable)


def _find_sheet(wanted: str, names: list[str]) -> str:
    if wanted in names:
        return wanted
    folded = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise UnknownSheet(wanted, names)


def _checked_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The package's members, after the checks that need only the ZIP directory."""
    import zipfile

    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Refused(
            f"holds {len(infos):,} files in its ZIP package, more than the {MAX_MEMBERS:,} "
            "reportgen allows in a workbook"
        )
    declared = 0
    budget = _budget()
    for info in infos:
        if info.flag_bits & 0x1:
            raise Refused(f"{info.filename}: is encrypted inside the ZIP package")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(
                f"{info.filename}: is compressed with a method spreadsheet programs never use "
                f"(ZIP method {info.compress_type})"
            )
        if budget.declared_bomb(info):
            raise _bomb(info.filename, info.file_size, info.compress_size)
        declared += info.file_size
        if declared > MAX_UNPACKED_BYTES:
            raise Refused(
                f"would unpack to more than {size_text(MAX_UNPACKED_BYTES)}; this is not a "
                "participant list but a ZIP bomb or a damaged file"
            )
    return infos


def _budget() -> Budget:
    return Budget(MAX_UNPACKED_BYTES)


def _bomb(name: str, size: int, packed: int) -> Refused:
    return Refused(
        f"{name}: unpacks from {size_text(packed)} to {size_text(size)} (more than "
        f"{_budget().max_ratio}:1), the shape of a ZIP bomb; reportgen does not unpack it"
    )


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> Iterator[bytes]:
    try:
        yield from unpacked_chunks(archive, info, budget)
    except Oversized as big:
        if big.ratio:
            raise _bomb(big.name, big.unpacked, big.packed) from None
        raise Refused(
            f"{big.name}: unpacks to more than the {size_text(MAX_UNPACKED_BYTES)} allowed for "
            "a whole workbook (its declared size is false)"
        ) from None
    except Damaged as damaged:
        raise Refused(
            f"{damaged.name}: is damaged ({damaged.detail})",
            hint="download or save the file again",
        ) from None


def _part(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], name: str) -> Any:
    """A small part as an XML tree (DOCTYPE and malformed XML refused), or None if absent."""
    from reportgen import xmlparsing

    info = names.get(name.lower())
    if info is None:
        return None
    data = b"".join(_chunks(archive, info, _budget()))
    try:
        return xmlparsing.parse(data, name)
    except xmlparsing.DoctypeFound as found:
        raise _doctype(name, found.system) from None
    except xmlparsing.MalformedXML as bad:
        raise Refused(
            f"{name}: is not well-formed XML ({bad.detail}); the workbook is damaged"
        ) from None


def _sheet_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Worksheet names, in the workbook's order, with the ZIP member each is stored in."""
    import posixpath

    names = {info.filename.lower(): info for info in infos}
    rels = _part(archive, names, "_rels/.rels")
    main = None
    if rels is not None:
        for rel in rels:
            if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
                main = rel.get("Target", "").lstrip("/")
    workbook = None if main is None else _part(archive, names, main)
    if workbook is None or workbook.tag.rpartition("}")[2] != "workbook":
        if "word/document.xml" in names:
            raise Refused("is a Word document, not an XLSX workbook")
        if "ppt/presentation.xml" in names:
            raise Refused("is a PowerPoint presentation, not an XLSX workbook")
        if "mimetype" in names or "content.xml" in names:
            raise Refused(
                "is an OpenDocument file (.ods), not an XLSX workbook",
                hint="open it in LibreOffice Calc and save it as .xlsx",
            )
        raise Refused("holds no workbook part, so it is not an XLSX workbook")
    assert main is not None
    folder = posixpath.dirname(main)
    base = posixpath.basename(main)
    links = _part(archive, names, posixpath.join(folder, "_rels", base + ".rels"))
    targets: dict[str, str] = {}
    for rel in links if links is not None else []:
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[rel.get("Id", "")] = posixpath.normpath(resolved)
    out: dict[str, str] = {}
    for element in workbook.iter():
        if isinstance(element.tag, str) and element.tag.endswith("}sheet"):
            rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
            part = targets.get(rel_id)
            if part is not None and part.lower() in names and "worksheet" in part.lower():
                out[element.get("name", "")] = names[part.lower()].filename
    return out


def _doctype(name: str, system: str | None) -> Refused:
    source = f" pointing to {system}" if system else ""
    return Refused(
        f"{name}: holds a DOCTYPE declaration{source}, which spreadsheet programs never write; "
        "such declarations attack XML readers (an entity bomb, or reading other files), so "
        "reportgen does not read this workbook"
    )


class _CellScan:
    """A streaming parser target for the sheet read: formulas without a saved value, errors.

    It builds nothing and, like xmlparsing.DoctypeGuard, stops at a DOCTYPE.
    """

    def __init__(self, name: str) -> None:
        from reportgen import xmlparsing

        self.guard = xmlparsing.DoctypeGuard(name)
        self.unusable: dict[tuple[int, int], str] = {}
        self.row = 0
        self.column = -1
        self.formula = False
        self.kind = ""
        self.value: list[str] | None = None
        self.text: list[str] = []

    def doctype(self, name: str, public: str | None, system: str | None) -> None:
        self.guard.doctype(name, public, system)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if local == "row":
            self.row = int(attrib["r"]) if attrib.get("r", "").isdigit() else self.row + 1
            self.column = -1
        elif local == "c":
            match = _CELL_REF.match(attrib.get("r", ""))
            if match:
                self.column = _column_index(match[1])
                self.row = int(match[2])
            else:
                self.column += 1
            if self.column >= MAX_COLUMNS:
                raise Refused(
                    f"has a cell in column {column_letter(self.column)}; a participant list "
                    f"has fewer than {MAX_COLUMNS:,} columns",
                    row=self.row,
                    column=self.column,
                )
            self.formula, self.kind, self.value = False, attrib.get("t", ""), None
        elif local == "f":
            self.formula = True
        elif local == "v":
            self.text = []

    def data(self, text: str) -> None:
        self.text.append(text)

    def end(self, tag: str) -> None:
        local = tag.rpartition("}")[2]
        if local == "v":
            self.value = self.text
        elif local == "c":
            value = "".join(self.value or []).strip()
            where = (self.row, self.column)
            if self.kind == "e":
                self.unusable[where] = f"the cell holds the error {value or '#N/A'}"
            elif self.formula and not value:
                self.unusable[where] = (
                    "the cell holds a formula saved without its value, and reportgen never "
                    "calculates formulas; open the file in Excel or LibreOffice and save it again"
                )

    def close(self) -> None:
        return None


@dataclass
class _Scan:
    unusable: dict[tuple[int, int], str]


def _scan_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], sheet_part: str) -> _Scan:
    """Unpack every part within the limits; check every XML part has no DOCTYPE.

    openpyxl parses the workbook with its own XML reader, so nothing reaches
    it before this scan has seen every part.
    """
    from lxml import etree

    from reportgen import xmlparsing

    budget = _budget()
    cells = _CellScan(sheet_part)
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        xml = name.lower().endswith((".xml", ".rels", ".vml"))
        target: object = cells if name == sheet_part else xmlparsing.DoctypeGuard(name)
        parser = xmlparsing.parser(target=target) if xml else None
        try:
            for chunk in _chunks(archive, info, budget):
                if parser is not None:
                    parser.feed(chunk)
            if parser is not None:
                parser.close()
        except xmlparsing.DoctypeFound as found:
            raise _doctype(name, found.system) from None
        except etree.XMLSyntaxError as error:
            raise Refused(
                f"{name}: is not well-formed XML (line {error.lineno}: {error.msg}); the "
                "workbook is damaged",
                hint="open it in Excel or LibreOffice and save it again",
            ) from None
    return _Scan(cells.unusable)


def _openpyxl_rows(data: bytes, sheet: str) -> Iterator[Row]:
    import warnings

    with warnings.catch_warnings():
        # openpyxl warns about parts it leaves out (data validation, conditional
        # formats); none of them changes a cell's value.
        warnings.simplefilter("ignore")
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except Exception as error:  # openpyxl's errors on a damaged package are of many kinds
            raise Refused(
                f"cannot be read as an XLSX workbook ({type(error).__name__}: {error})",
                hint="open it in Excel or LibreOffice and save it again as .xlsx",
            ) from None
        try:
            worksheet = book[sheet]
            worksheet.reset_dimensions()  # the declared size may lie; read the cells there are
            for number, values in enumerate(worksheet.iter_rows(values_only=True), 1):
                yield Row(number, [_text(value) for value in values])
        except Refused:
            raise
        except Exception as error:
            raise Refused(
                f"cannot be read as an XLSX workbook ({type(error).__name__}: {error})",
                hint="open it in Excel or LibreOffice and save it again as .xlsx",
            ) from None
        finally:
            book.close()


def _text(value: object) -> str:
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
