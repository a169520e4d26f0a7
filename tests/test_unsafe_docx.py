"""A DOCX from outside is read only when it is a safe Word document; each trap says what it is."""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest

import reviewed
from reportgen.errors import EXIT_USER_ERROR, UnsafeDocumentError
from reportgen.word import safety

# Every hostile file is refused within this many seconds (bounded time, DESIGN.md invariant 4).
FAST = 2.0
MIB = 1024 * 1024
DOCUMENT = "word/document.xml"
RELS = "word/_rels/document.xml.rels"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


# The traps below are built from ``plain`` by repacking its ZIP: broken or hostile on purpose,
# they are never given to the OOXML check (tests/ooxml.py), which would also read their
# DOCTYPEs and unpack their bombs.  ``plain`` itself is checked.


@pytest.fixture(scope="module")
def plain() -> bytes:
    """A real DOCX, as python-docx writes it (its template came from Word)."""
    document = docx.Document()
    document.add_heading("Follow-up report", level=1)
    document.add_paragraph("The workshop gathered experts in Tbilisi.")
    return reviewed.save(document)


def refused(path: Path) -> str:
    """The message refusing ``path``, checking it came fast and names the file."""
    start = time.perf_counter()
    with pytest.raises(UnsafeDocumentError) as caught:
        safety.read_docx_file(path)
    elapsed = time.perf_counter() - start
    message = str(caught.value)
    assert elapsed < FAST, f"took {elapsed:.2f}s: {message}"
    assert str(path) in message
    assert caught.value.exit_code == EXIT_USER_ERROR
    assert "Traceback" not in message
    return message


def write(tmp_path: Path, data: bytes, name: str = "reviewed.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def repack(data: bytes, parts: dict[str, bytes | None]) -> bytes:
    """``data`` with ``parts`` replaced or added (None removes one)."""
    replace = dict(parts)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in replace:
                value = replace.pop(info.filename)
                if value is not None:
                    target.writestr(info.filename, value)
            else:
                target.writestr(info, source.read(info))
        for name, value in replace.items():
            if value is not None:
                target.writestr(name, value)
    return out.getvalue()


def with_relationship(data: bytes, rel_type: str, target: str, *, external: bool = True) -> bytes:
    """``data`` with one more relationship from the main document."""
    rels = reviewed.members(data)[RELS].decode("utf-8")
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="rId99" Type="{REL}/{rel_type}" Target="{target}"{mode}/>'
    return repack(data, {RELS: rels.replace("</Relationships>", rel + "</Relationships>").encode()})


# -- ZIP files written byte by byte, for sizes and names zipfile will not write ----------------


@dataclass
class Entry:
    name: str
    raw: bytes  # the data as stored (deflated when method is 8)
    size: int  # the unpacked size the ZIP declares
    crc: int
    method: int = 8
    flags: int = 0


def deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def entries_of(data: bytes) -> list[Entry]:
    out = []
    for name, content in reviewed.members(data).items():
        out.append(Entry(name, deflated(content), len(content), zlib.crc32(content)))
    return out


def raw_zip(entries: list[Entry]) -> bytes:
    """A ZIP archive (PKWARE APPNOTE 4.3) holding ``entries`` exactly as given."""
    out, central = bytearray(), bytearray()
    for e in entries:
        name = e.name.encode("utf-8")
        offset = len(out)
        fields = (e.flags, e.method, 0, 0x21, e.crc, len(e.raw), e.size, len(name))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *fields, 0) + name + e.raw
        central += struct.pack("<IHH", 0x02014B50, 20, 20)
        central += struct.pack("<HHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0, offset) + name
    at = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), at, 0
    )
    return bytes(out)


def zeros(mib: int) -> Entry:
    """``mib`` MiB of zeros, deflated in about 1 KiB per MiB, without ever holding them."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    block = bytes(MIB)
    # After a full flush the compressor starts afresh, so every MiB packs to the same bytes.
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return Entry("", piece * mib + packer.flush(), mib * MIB, crc)


@pytest.fixture(scope="module")
def gigabyte_of_zeros() -> Entry:
    return zeros(1024)


# -- the file itself ---------------------------------------------------------------------------


def test_a_plain_docx_is_read_as_it_is(tmp_path: Path, plain: bytes) -> None:
    assert safety.read_docx_file(write(tmp_path, plain)) == plain


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert "no such file" in refused(tmp_path / "absent.docx")


def test_a_folder_is_not_a_docx(tmp_path: Path) -> None:
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    assert "is a folder" in refused(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_refused_without_waiting_for_it(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.docx"
    os.mkfifo(pipe)
    assert "not a regular file" in refused(pipe)


def test_an_empty_file_says_so(tmp_path: Path) -> None:
    assert "is empty" in refused(write(tmp_path, b""))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "is a PDF file"),
        (b"{\\rtf1\\ansi Follow-up report}", "is an RTF file"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "is a web page"),
        (b"\x00\x01 random bytes", "a DOCX is a ZIP package"),
    ],
)
def test_a_file_of_another_kind_is_named_for_what_it_is(
    tmp_path: Path, content: bytes, words: str
) -> None:
    assert words in refused(write(tmp_path, content))


def test_a_macro_enabled_file_name_is_refused(tmp_path: Path, plain: bytes) -> None:
    assert "macro-enabled" in refused(write(tmp_path, plain, "reviewed.docm"))


# -- other Office files, made by the real programs ---------------------------------------------


@pytest.fixture(scope="module")
def libreoffice_files() -> dict[str, bytes]:
    if reviewed.libreoffice() is None:
        pytest.skip("LibreOffice is not installed")
    source = reviewed.flat_odt("<text:p>The workshop gathered experts in Tbilisi.</text:p>")
    return {
        "doc": reviewed.convert({"report.fodt": source}, "doc:MS Word 97")["report"],
        "odt": reviewed.convert({"report.fodt": source}, "odt")["report"],
    }


def test_a_word_97_document_renamed_docx_is_told_apart(
    tmp_path: Path, libreoffice_files: dict[str, bytes]
) -> None:
    doc = libreoffice_files["doc"]
    assert doc.startswith(safety.OLE2_SIGNATURE)
    message = refused(write(tmp_path, doc))
    assert "Word 97–2003 .doc file, not a DOCX" in message
    assert "save it as" in message


def test_an_opendocument_file_renamed_docx_is_told_apart(
    tmp_path: Path, libreoffice_files: dict[str, bytes]
) -> None:
    assert "OpenDocument file (.odt)" in refused(write(tmp_path, libreoffice_files["odt"]))


def test_a_password_protected_docx_is_told_apart(tmp_path: Path, plain: bytes) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    encrypted = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(plain)).encrypt("reviewers-only", encrypted)
    message = refused(write(tmp_path, encrypted.getvalue()))
    assert "password-protected" in message
    assert "remove the password" in message


# -- damaged packages --------------------------------------------------------------------------


def test_a_truncated_download_is_damaged_or_incomplete(tmp_path: Path, plain: bytes) -> None:
    message = refused(write(tmp_path, plain[: len(plain) // 2]))
    assert "damaged or incomplete" in message


def test_a_part_whose_checksum_fails_is_named(tmp_path: Path, plain: bytes) -> None:
    parts = reviewed.members(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    data = out.getvalue()
    at = data.index(b"<w:body>")
    corrupted = data[:at] + b"<w:bodx>" + data[at + 8 :]  # one byte changed, as on a bad disk
    message = refused(write(tmp_path, corrupted))
    assert f"{DOCUMENT}: is damaged (its checksum does not match" in message


def test_a_zip_without_content_types_is_not_a_docx(tmp_path: Path, plain: bytes) -> None:
    message = refused(write(tmp_path, repack(plain, {"[Content_Types].xml": None})))
    assert "[Content_Types].xml is missing" in message


def test_a_package_without_the_document_part_holds_no_text(tmp_path: Path, plain: bytes) -> None:
    message = refused(write(tmp_path, repack(plain, {DOCUMENT: None})))
    assert f"{DOCUMENT} is missing" in message


def test_malformed_xml_in_any_part_is_named(tmp_path: Path, plain: bytes) -> None:
    message = refused(write(tmp_path, repack(plain, {"word/styles.xml": b"<w:styles><w:style>"})))
    assert "word/styles.xml: is not well-formed XML" in message


# -- macros ------------------------------------------------------------------------------------


def test_a_vba_project_is_refused(tmp_path: Path, plain: bytes) -> None:
    data = repack(plain, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"})
    message = refused(write(tmp_path, data))
    assert "word/vbaProject.bin: the document carries macros" in message


def test_a_macro_enabled_content_type_is_refused(tmp_path: Path, plain: bytes) -> None:
    types = reviewed.members(plain)["[Content_Types].xml"].decode()
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    assert main in types
    data = repack(plain, {"[Content_Types].xml": types.replace(main, MACRO_MAIN).encode()})
    message = refused(write(tmp_path, data))
    assert "word/document.xml: the document carries macros" in message


# -- ZIP bombs and odd entries -----------------------------------------------------------------


def test_a_gigabyte_of_zeros_is_refused_from_its_declared_sizes(
    tmp_path: Path, plain: bytes, gigabyte_of_zeros: Entry
) -> None:
    bomb = Entry("word/media/image1.png", gigabyte_of_zeros.raw, 1024 * MIB, gigabyte_of_zeros.crc)
    assert len(bomb.raw) < 2 * MIB
    message = refused(write(tmp_path, raw_zip([*entries_of(plain), bomb])))
    assert "word/media/image1.png: unpacks from" in message
    assert "ZIP bomb" in message


def test_a_bomb_that_lies_about_its_size_is_stopped_while_unpacking(
    tmp_path: Path, plain: bytes, gigabyte_of_zeros: Entry
) -> None:
    # Declares 100 MiB (100:1, under the limit); the data would unpack to 1 GiB.
    liar = Entry("word/media/image1.png", gigabyte_of_zeros.raw, 100 * MIB, gigabyte_of_zeros.crc)
    message = refused(write(tmp_path, raw_zip([*entries_of(plain), liar])))
    assert "word/media/image1.png: is damaged" in message


def test_parts_adding_up_to_too_much_are_refused(tmp_path: Path, plain: bytes) -> None:
    one = zeros(1)  # 1 MiB each: under the size where the ratio is checked
    many = [Entry(f"word/media/image{i}.png", one.raw, one.size, one.crc) for i in range(201)]
    message = refused(write(tmp_path, raw_zip([*entries_of(plain), *many])))
    assert "would unpack to more than 200 MiB" in message


def test_too_many_parts_are_refused(tmp_path: Path, plain: bytes) -> None:
    empty = Entry("", deflated(b""), 0, 0)
    many = [Entry(f"customXml/item{i}.bin", empty.raw, 0, 0) for i in range(2_001)]
    message = refused(write(tmp_path, raw_zip([*entries_of(plain), *many])))
    assert "holds 2,0" in message
    assert "more than the 2,000" in message


@pytest.mark.parametrize(
    "name", ["../../outside.xml", "/etc/outside.xml", "C:/Windows/outside.xml", "word\\..\\..\\x"]
)
def test_a_part_name_that_climbs_out_is_refused(tmp_path: Path, plain: bytes, name: str) -> None:
    entry = Entry(name, deflated(b"<x/>"), 4, zlib.crc32(b"<x/>"))
    message = refused(write(tmp_path, raw_zip([*entries_of(plain), entry])))
    assert "absolute path or '..'" in message


@pytest.mark.parametrize("name", [DOCUMENT, "word/Document.xml"])
def test_a_part_stored_twice_is_refused(tmp_path: Path, plain: bytes, name: str) -> None:
    other = b'<w:document xmlns:w="x"/>'
    entry = Entry(name, deflated(other), len(other), zlib.crc32(other))
    message = refused(write(tmp_path, raw_zip([*entries_of(plain), entry])))
    assert "appears twice" in message


def test_a_part_encrypted_inside_the_zip_is_refused(tmp_path: Path, plain: bytes) -> None:
    entries = entries_of(plain)
    entries[0].flags = 0x1
    assert "encrypted inside the ZIP" in refused(write(tmp_path, raw_zip(entries)))


def test_a_compression_method_word_never_uses_is_refused(tmp_path: Path, plain: bytes) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:
        for name, content in reviewed.members(plain).items():
            archive.writestr(name, content)
    assert "method Word never uses" in refused(write(tmp_path, out.getvalue()))


# -- XML traps ---------------------------------------------------------------------------------


def billion_laughs(document: bytes) -> bytes:
    """``document`` with the classic entity bomb: ten levels, 10⁹ "lol"s once expanded."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    head, body = document.split(b"<w:body>", 1)
    declaration = f"<!DOCTYPE w:document [{entities}]>".encode()
    head = head.replace(b"?>", b"?>" + declaration, 1)
    return head + b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>" + body


def test_a_billion_laughs_in_the_document_is_refused_at_once(tmp_path: Path, plain: bytes) -> None:
    bomb = billion_laughs(reviewed.members(plain)[DOCUMENT])
    message = refused(write(tmp_path, repack(plain, {DOCUMENT: bomb})))
    assert f"{DOCUMENT}: holds a DOCTYPE declaration" in message


def test_an_external_entity_never_reads_the_file_it_names(tmp_path: Path, plain: bytes) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the minister's private number")
    rels = reviewed.members(plain)[RELS].decode()
    rels = rels.replace("?>", f'?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>', 1)
    rels = rels.replace('Target="styles.xml"', 'Target="&x;"')
    message = refused(write(tmp_path, repack(plain, {RELS: rels.encode()})))
    assert f"{RELS}: holds a DOCTYPE declaration" in message
    assert "private number" not in message


@pytest.mark.parametrize("part", ["[Content_Types].xml", "customXml/item1.xml", "docProps/app.xml"])
def test_a_doctype_in_any_part_is_refused(tmp_path: Path, plain: bytes, part: str) -> None:
    original = reviewed.members(plain)[part]
    assert original.startswith(b"<?xml")
    end = original.index(b"?>") + 2
    with_doctype = (
        original[:end] + b'<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd">' + original[end:]
    )
    message = refused(write(tmp_path, repack(plain, {part: with_doctype})))
    assert (
        f"{part}: holds a DOCTYPE declaration pointing to http://example.invalid/x.dtd" in message
    )


# -- links to the outside ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel_type", "target", "words"),
    [
        ("image", "http://tracker.example.invalid/pixel.png", "a picture outside the document"),
        ("image", "file:///etc/passwd", "a picture outside the document"),
        ("attachedTemplate", "https://templates.example.invalid/t.dotm", "a template"),
        ("attachedTemplate", "\\\\fileserver\\templates\\t.dotm", "a template"),
        ("oleObject", "file:///C:/budget.xlsx", "an object in another file"),
        ("frame", "https://example.invalid/", "a frame (another document"),
        ("subDocument", "chapter2.docx", "a subdocument outside"),
    ],
)
def test_a_link_to_anything_but_a_web_page_is_refused(
    tmp_path: Path, plain: bytes, rel_type: str, target: str, words: str
) -> None:
    message = refused(write(tmp_path, with_relationship(plain, rel_type, target)))
    assert f"{RELS}: links to {words}" in message
    assert f"type {rel_type}" in message
    assert repr(target) in message


def test_hyperlinks_and_a_template_on_the_reviewers_disk_are_allowed(
    tmp_path: Path, plain: bytes
) -> None:
    data = with_relationship(plain, "hyperlink", "https://www.example.org/report")
    settings_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/attachedTemplate" '
        'Target="file:///C:\\Users\\anna\\Templates\\Report.dotx" TargetMode="External"/>'
        "</Relationships>"
    )
    data = repack(data, {"word/_rels/settings.xml.rels": settings_rels.encode()})
    assert "word/_rels/settings.xml.rels" in reviewed.members(data)
    assert safety.read_docx_file(write(tmp_path, data)) == data


def settings_relationship(data: bytes, rel_type: str, target: str) -> bytes:
    """``data`` with settings.xml relating to ``target`` outside the package."""
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/{rel_type}" Target="{target}" '
        'TargetMode="External"/></Relationships>'
    )
    return repack(data, {"word/_rels/settings.xml.rels": rels.encode()})


@pytest.mark.parametrize(
    "target",
    [
        "Macintosh HD:Users:anna:Library:Group Containers:UBF8T346G9.Office:"
        "User Content.localized:Templates.localized:Report.dotx",
        "Work:Users:anna:Templates:Report.dotx",
        "C:\\Users\\anna\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm",
        "c:/Program Files/Microsoft Office/Templates/Report.dotx",
        "file:///C:/Users/anna/Templates/Report.dotx",
        "file://localhost/Users/anna/Templates/Report.dotx",
        "/Users/anna/Library/Application Support/Microsoft/Office/Templates/Report.dotx",
        "Normal.dotm",
    ],
)
def test_a_template_on_the_reviewers_disk_in_any_systems_form_is_allowed(
    tmp_path: Path, plain: bytes, target: str
) -> None:
    data = settings_relationship(plain, "attachedTemplate", target)
    assert safety.read_docx_file(write(tmp_path, data)) == data


@pytest.mark.parametrize(
    "target",
    [
        "\\\\fileserver\\templates\\Report.dotx",
        "//fileserver/templates/Report.dotx",
        "file://fileserver/templates/Report.dotx",
        "smb://fileserver/templates/Report.dotx",
        "https://templates.example.invalid/Report.dotx",
    ],
)
def test_a_template_on_another_machine_is_still_refused(
    tmp_path: Path, plain: bytes, target: str
) -> None:
    message = refused(write(tmp_path, settings_relationship(plain, "attachedTemplate", target)))
    assert "links to a template outside the document" in message


@pytest.mark.parametrize(
    ("rel_type", "target"),
    [
        ("mailMergeSource", "file:///C:/Users/anna/Documents/recipients.xlsx"),
        ("mailMergeSource", "Macintosh HD:Users:anna:Documents:recipients.xlsx"),
        ("mailMergeHeaderSource", "C:\\Users\\anna\\Documents\\header.docx"),
        ("recipientData", "recipients.csv"),
    ],
)
def test_a_mail_merge_data_source_that_is_never_read_is_allowed(
    tmp_path: Path, plain: bytes, rel_type: str, target: str
) -> None:
    data = settings_relationship(plain, rel_type, target)
    assert safety.read_docx_file(write(tmp_path, data)) == data


def test_a_mail_merge_data_source_on_a_server_is_still_refused(
    tmp_path: Path, plain: bytes
) -> None:
    data = settings_relationship(plain, "mailMergeSource", "https://crm.example.invalid/list")
    assert "links to a mail-merge data source outside" in refused(write(tmp_path, data))


def test_a_main_document_under_another_name_is_read_where_the_package_says(
    tmp_path: Path, plain: bytes
) -> None:
    parts = reviewed.members(plain)
    rels = parts["_rels/.rels"].replace(b'Target="word/document.xml"', b'Target="/word/main.xml"')
    content_types = parts["[Content_Types].xml"].replace(b"/word/document.xml", b"/word/main.xml")
    data = repack(
        plain,
        {
            "word/document.xml": None,
            "word/main.xml": parts["word/document.xml"],
            "word/_rels/main.xml.rels": parts["word/_rels/document.xml.rels"],
            "word/_rels/document.xml.rels": None,
            "_rels/.rels": rels,
            "[Content_Types].xml": content_types,
        },
    )
    assert safety.read_docx_file(write(tmp_path, data)) == data


def test_an_internal_target_outside_the_package_is_refused(tmp_path: Path, plain: bytes) -> None:
    data = with_relationship(plain, "image", "../../../etc/passwd", external=False)
    assert "points outside the package" in refused(write(tmp_path, data))


# -- what the refusals look like ---------------------------------------------------------------


CASES: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda plain: plain[:1000],
    "no document": lambda plain: repack(plain, {DOCUMENT: None}),
    "laughs": lambda plain: repack(
        plain, {DOCUMENT: billion_laughs(reviewed.members(plain)[DOCUMENT])}
    ),
    "pixel": lambda plain: with_relationship(plain, "image", "http://example.invalid/p.png"),
}


def test_every_trap_has_its_own_message(tmp_path: Path, plain: bytes) -> None:
    messages = {name: refused(write(tmp_path, build(plain))) for name, build in CASES.items()}
    assert len(set(messages.values())) == len(CASES)
