"""participants.list_file: persons read from a registration spreadsheet (CSV or XLSX).

The XLSX files are written by openpyxl and by LibreOffice Calc (from CSV);
every problem is checked with its exact message, located in the file.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import ROOT, libreoffice_convert
from ooxml import save
from reportgen.errors import InputError
from reportgen.source import load_workshop, referenced_files, validate_file
from reportgen.source.model import Person
from reportgen.source.roster import read_roster
from reportgen.source.spreadsheet import MAX_ROWS

HEAD = """\
report: {title: Workshop, organizer: ODIHR}
event: {name: Workshop, date: 2018-11-29, city: Tbilisi, country: Georgia}
participants:
"""
TAIL = """\
topics:
  - {id: one, title: One, summary: Text.}
"""
FIRST_OPTION_LINE = 4  # the line of the first line of ``options`` in an input


def write_input(folder: Path, options: str, name: str = "workshop.yaml") -> Path:
    """An input whose participants block is ``options`` (indented by two spaces)."""
    lines = "".join(f"  {line}\n" for line in options.strip("\n").splitlines())
    path = folder / name
    path.write_text(HEAD + lines + TAIL, encoding="utf-8")
    return path


def write_csv(folder: Path, text: str, name: str = "regs.csv", *, bom: bool = False) -> Path:
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def write_xlsx(
    folder: Path,
    rows: list[list[object]],
    name: str = "regs.xlsx",
    *,
    sheet: str = "Participants",
    before: tuple[str, ...] = (),
    title: str | None = None,
) -> Path:
    """A workbook saved by openpyxl: ``rows`` on ``sheet``, after sheets named ``before``.

    ``title`` goes above the rows in a merged cell, with a blank row under it,
    as registration exports have it.
    """
    book = Workbook()
    first = book.active
    sheets = [*before, sheet]
    first.title = sheets[0]
    for other in sheets[1:]:
        book.create_sheet(other)
    target = book[sheet]
    if title:
        target.append([title])
        target.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(map(len, rows)))
        target.append([])
    for row in rows:
        target.append(row)
    path = folder / name
    book.save(path)
    return path


def messages(source: Path) -> list[str]:
    return [str(problem) for problem in validate_file(source)]


def people(source: Path) -> list[Person]:
    return load_workshop(source).participants.list


ENGLISH = [
    ["Full name", "Organisation", "Country", "Function", "Gender", "E-mail"],
    ["Ana Kapanadze ", " Ministry of Internal Affairs", "Georgia", "Head of Division", "F", "@"],
    ["Vasco Malta", "High Commission for Migration", "Portugal", "Deputy", "M", ""],
    [],
    ["Jane Doe", "ODIHR", "", "Adviser", "f", ""],
]  # fmt: skip
ENGLISH_INLINE = """\
list:
  - {name: Ana Kapanadze, organization: Ministry of Internal Affairs, country: Georgia,
     role: Head of Division, gender: woman}
  - {name: Vasco Malta, organization: High Commission for Migration, country: Portugal,
     role: Deputy, gender: man}
  - {name: Jane Doe, organization: ODIHR, role: Adviser, gender: woman}
"""


# -- reading, as with an inline list -------------------------------------------------------------


def test_an_xlsx_list_gives_the_same_persons_and_counts_as_the_inline_list(tmp_path: Path) -> None:
    write_xlsx(tmp_path, ENGLISH, title="Registrations, 29 November 2018")
    from_file = write_input(
        tmp_path, "list_file: regs.xlsx\ngender_values: {F: woman, M: man}\npublish_list: true"
    )
    inline = write_input(tmp_path, ENGLISH_INLINE + "publish_list: true", "inline.yaml")
    assert messages(from_file) == []
    read, typed = load_workshop(from_file).participants, load_workshop(inline).participants
    assert read.list == typed.list
    assert (read.women, read.men, read.other, read.total) == (2, 1, 0, 3)
    assert (typed.women, typed.men, typed.other, typed.total) == (2, 1, 0, 3)
    # Where the persons came from, for the commands that must not edit them in the YAML.
    assert read.list_file == tmp_path / "regs.xlsx"
    assert read.list_sheet == "Participants"
    assert [p.source_row for p in read.list] == [4, 5, 7]
    assert typed.list_file is None and typed.list[0].source_row is None


def test_a_csv_list_reads_like_the_same_list_in_xlsx(tmp_path: Path) -> None:
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in ENGLISH) + "\n"
    write_csv(tmp_path, "Registrations,,,\n\n" + text, bom=True)
    write_xlsx(tmp_path, ENGLISH, title="Registrations")
    options = "gender_values: {F: woman, M: man}"
    csv_input = write_input(tmp_path, f"list_file: regs.csv\n{options}", "csv.yaml")
    xlsx_input = write_input(tmp_path, f"list_file: regs.xlsx\n{options}", "xlsx.yaml")
    assert people(csv_input) == people(xlsx_input)
    assert [p.source_row for p in people(csv_input)] == [4, 5, 7]


def test_a_french_csv_with_semicolons_and_its_own_gender_words(tmp_path: Path) -> None:
    write_csv(
        tmp_path,
        "Liste des participants;;;;\n"
        ";;;;\n"
        "Nom ; Prénom ;Organisme;Pays;Sexe\n"
        "Kapanadze;Ana;Ministère de l'Intérieur, Géorgie;Géorgie;femme\n"
        "Malta;Vasco;Haut-Commissariat aux migrations;Portugal;Homme\n"
        "Dupont;Jean;OSCE;France;\n",
    )
    source = write_input(tmp_path, "list_file: regs.csv")
    assert [(p.name, p.organization, p.gender) for p in people(source)] == [
        ("Ana Kapanadze", "Ministère de l'Intérieur, Géorgie", "woman"),
        ("Vasco Malta", "Haut-Commissariat aux migrations", "man"),
        ("Jean Dupont", "OSCE", None),
    ]
    participants = load_workshop(source).participants
    assert (participants.women, participants.men, participants.other) == (1, 1, 1)


def test_a_russian_csv_with_its_own_headers_and_letters_for_gender(tmp_path: Path) -> None:
    write_csv(
        tmp_path,
        "ФИО,Организация,Страна,Должность,Пол\n"
        "Нино Беридзе,Министерство внутренних дел,Грузия,Начальник отдела,Ж\n"
        "Тарас Коваленко,Государственная миграционная служба,Украина,Эксперт,М\n"
        "Ольга Иванова,БДИПЧ ОБСЕ,,Советник,ж\n",
    )
    source = write_input(tmp_path, "list_file: regs.csv\ngender_values: {Ж: woman, М: man}")
    assert [(p.name, p.country, p.role, p.gender) for p in people(source)] == [
        ("Нино Беридзе", "Грузия", "Начальник отдела", "woman"),
        ("Тарас Коваленко", "Украина", "Эксперт", "man"),
        ("Ольга Иванова", None, "Советник", "woman"),
    ]


def test_excel_s_separator_line_chooses_the_separator(tmp_path: Path) -> None:
    write_csv(tmp_path, "sep=;\nName;Organization\nKapanadze, Ana;MIA\nMalta, Vasco;HCM\n")
    source = write_input(tmp_path, "list_file: regs.csv")
    assert [(p.name, p.source_row) for p in people(source)] == [
        ("Kapanadze, Ana", 3),
        ("Malta, Vasco", 4),
    ]


def test_first_and_last_name_columns_make_the_name(tmp_path: Path) -> None:
    write_csv(tmp_path, "Фамилия;Имя;Организация\nБеридзе;Нино;МВД\n")
    assert [p.name for p in people(write_input(tmp_path, "list_file: regs.csv"))] == [
        "Нино Беридзе"
    ]
    write_csv(tmp_path, "Nom,Organisation\nAna Kapanadze,MIA\n", "fr.csv")
    assert [p.name for p in people(write_input(tmp_path, "list_file: fr.csv", "fr.yaml"))] == [
        "Ana Kapanadze"
    ]


def test_list_columns_names_headers_reportgen_does_not_know(tmp_path: Path) -> None:
    write_csv(tmp_path, "Participant name,Name of employer,Land\nAna Kapanadze,MIA,Georgia\n")
    source = write_input(
        tmp_path,
        "list_file: regs.csv\n"
        "list_columns: {Participant name: name, name of employer: organization, LAND: country}",
    )
    assert people(source) == [Person("Ana Kapanadze", organization="MIA", country="Georgia")]


def test_list_sheet_picks_the_sheet(tmp_path: Path) -> None:
    write_xlsx(tmp_path, [["Name"], ["Ana Kapanadze"]], sheet="Participants", before=("Notes",))
    source = write_input(tmp_path, "list_file: regs.xlsx\nlist_sheet: Participants")
    assert [p.name for p in people(source)] == ["Ana Kapanadze"]
    # The first sheet is the default: here it has no list.
    default = write_input(tmp_path, "list_file: regs.xlsx", "default.yaml")
    assert messages(default) == [
        f"{tmp_path}/regs.xlsx: holds no rows: the participant list is empty"
    ]


def test_a_formula_gives_the_value_saved_with_it(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Country"])
    sheet.append(["Ana Kapanadze", '=CONCATENATE("Geor", "gia")'])
    path = tmp_path / "regs.xlsx"
    book.save(path)
    # What a spreadsheet program does on saving: the formula's value goes beside it.
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    assert b"<v></v>" in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
        b"<v></v>", b"<v>Georgia (saved)</v>"
    ).replace(b'<c r="B2"', b'<c r="B2" t="str"')
    rezip(path, parts)
    source = write_input(tmp_path, "list_file: regs.xlsx")
    assert [p.country for p in people(source)] == ["Georgia (saved)"]


# -- a file saved by LibreOffice Calc ------------------------------------------------------------


LIBREOFFICE_CSV = """\
Registration list — Expert workshop,,,,
,,,,
Nom,Prénom,Organisme,Pays,Sexe
Kapanadze ,Ana,Ministère de l'Intérieur,Géorgie,F
Malta,Vasco,"Haut-Commissariat aux migrations, Lisbonne",Portugal,H
,,,,
Dupont,Jean,=2+3,France,H
Durand,Marie,OSCE,France,X
"""


@pytest.fixture(scope="module")
def libreoffice_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LIBREOFFICE_CSV opened in LibreOffice Calc (comma, UTF-8) and saved as XLSX."""
    folder = tmp_path_factory.mktemp("calc")
    source = folder / "inscriptions.csv"
    source.write_text(LIBREOFFICE_CSV, encoding="utf-8")
    return libreoffice_convert(source, "xlsx", folder / "out", infilter="CSV:44,34,76,1")


def test_an_xlsx_saved_by_libreoffice_is_read(tmp_path: Path, libreoffice_xlsx: Path) -> None:
    (tmp_path / "inscriptions.xlsx").write_bytes(libreoffice_xlsx.read_bytes())
    source = write_input(
        tmp_path,
        "list_file: inscriptions.xlsx\ngender_values: {F: woman, H: man, X: undisclosed}",
    )
    assert messages(source) == []
    assert [(p.name, p.organization, p.gender, p.source_row) for p in people(source)] == [
        ("Ana Kapanadze", "Ministère de l'Intérieur", "woman", 4),
        ("Vasco Malta", "Haut-Commissariat aux migrations, Lisbonne", "man", 5),
        # Calc calculated the formula when it saved the file; reportgen reads that value.
        ("Jean Dupont", "5", "man", 7),
        ("Marie Durand", "OSCE", "undisclosed", 8),
    ]
    participants = load_workshop(source).participants
    assert participants.list_sheet == "inscriptions"
    assert (participants.women, participants.men, participants.other) == (1, 2, 1)


def test_a_libreoffice_xlsx_with_unknown_gender_letters_suggests_gender_values(
    tmp_path: Path, libreoffice_xlsx: Path
) -> None:
    (tmp_path / "inscriptions.xlsx").write_bytes(libreoffice_xlsx.read_bytes())
    source = write_input(tmp_path, "list_file: inscriptions.xlsx")
    where = f"{tmp_path}/inscriptions.xlsx:inscriptions"
    suggestion = "gender_values: {F: woman, H: man, X: woman/man/other/undisclosed}"
    assert messages(source) == [
        f'{where}!E4: gender: "F" is not one of woman, man, other, undisclosed; map the '
        f"file's words in the input, e.g. {suggestion}",
        f'{where}!E5: gender: "H" (and 1 more row) is not one of woman, man, other, '
        f"undisclosed; map the file's words in the input, e.g. {suggestion}",
        f'{where}!E8: gender: "X" is not one of woman, man, other, undisclosed; map the '
        f"file's words in the input, e.g. {suggestion}",
    ]


# -- mistakes in the file, located in it -----------------------------------------------------


def test_a_person_listed_twice_is_an_error_naming_both_rows(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path,
        [
            ["Name", "Organization"],
            ["Ana Kapanadze", "MIA"],
            ["Vasco Malta", "HCM"],
            ["ana  kapanadze ", "mia"],
            ["Ana Kapanadze", "Another Ministry"],  # another person of the same name
        ],
    )
    source = write_input(tmp_path, "list_file: regs.xlsx")
    assert messages(source) == [
        f'{tmp_path}/regs.xlsx:Participants!A4: name: "ana kapanadze" (mia) is listed twice, '
        "in rows 2 and 4; delete one of them"
    ]


def test_a_row_without_a_name_is_an_error(tmp_path: Path) -> None:
    write_csv(tmp_path, "Name,Organization,Country\nAna Kapanadze,MIA,Georgia\n , OSCE ,Austria\n")
    source = write_input(tmp_path, "list_file: regs.csv")
    assert messages(source) == [
        f'{tmp_path}/regs.csv:3: name: this row has no name (it holds "OSCE", "Austria"); '
        "fill in the name, or delete the row"
    ]


def test_all_the_problems_of_the_file_are_reported_at_once_in_its_order(tmp_path: Path) -> None:
    write_csv(
        tmp_path,
        "Name;Gender\nAna Kapanadze;woman\n;woman\nVasco Malta;?\nAna Kapanadze;woman\n",
    )
    source = write_input(tmp_path, "women: 5\nlist_file: regs.csv")
    found = messages(source)
    assert [line.split(": ")[0] for line in found] == [
        f"{tmp_path}/regs.csv:3",
        f"{tmp_path}/regs.csv:4",
        f"{tmp_path}/regs.csv:5",
    ]
    assert '"?" is not one of woman, man, other, undisclosed' in found[1]


def test_counts_that_disagree_with_the_file_name_the_file(tmp_path: Path) -> None:
    write_csv(tmp_path, "Name,Gender\nAna Kapanadze,woman\nVasco Malta,man\n")
    source = write_input(tmp_path, "women: 2\nlist_file: regs.csv")
    assert messages(source) == [
        f"{source}:{FIRST_OPTION_LINE}: participants.women: women is 2 but regs.csv has 1 woman"
    ]


def test_a_missing_name_column_is_an_error_that_shows_the_header(tmp_path: Path) -> None:
    write_csv(tmp_path, "Registrations\n\nPerson,Affiliation\nAna Kapanadze,MIA\n")
    source = write_input(tmp_path, "list_file: regs.csv")
    assert messages(source) == [
        f"{tmp_path}/regs.csv:3: no header row names a column of names (looked at the first 30 "
        'rows; row 3 holds: "Person", "Affiliation"); reportgen knows headers such as "Name", '
        '"Nom", "ФИО", or "First name" and "Last name"; name the column with list_columns, '
        "e.g. list_columns: {Person: name}"
    ]


def test_a_published_list_needs_the_columns_of_the_annex(tmp_path: Path) -> None:
    write_xlsx(tmp_path, [["Name", "Affiliation", "Country"], ["Ana Kapanadze", "MIA", "Georgia"]])
    source = write_input(tmp_path, "list_file: regs.xlsx\npublish_list: true")
    header = '(the header, row 1, holds: "Name", "Affiliation", "Country")'
    assert messages(source) == [
        f"{tmp_path}/regs.xlsx:Participants!A1: no column holds role: the participant annex "
        f"(publish_list: true) prints it {header}; name the column with list_columns, e.g. "
        'list_columns: {"Your header": role}, or add a column headed "role"',
        f"{tmp_path}/regs.xlsx:Participants!A1: no column holds organization: the participant "
        f"annex (publish_list: true) prints it {header}; name the column with list_columns, "
        'e.g. list_columns: {"Your header": organization}, or add a column headed "organization"',
    ]
    fixed = write_input(
        tmp_path,
        "list_file: regs.xlsx\npublish_list: true\nlist_columns: {Affiliation: organization}",
        "fixed.yaml",
    )
    # A file without a function for anyone gives an empty column: say so with one.
    assert len(messages(fixed)) == 1


def test_two_columns_for_one_field_must_be_told_apart(tmp_path: Path) -> None:
    write_csv(tmp_path, "Name,Full name\nAna,Ana Kapanadze\n")
    source = write_input(tmp_path, "list_file: regs.csv")
    assert messages(source) == [
        f'{tmp_path}/regs.csv:1: columns A ("Name") and B ("Full name") both look like name; '
        "say which one to read with list_columns, e.g. list_columns: {Full name: name}"
    ]
    chosen = write_input(tmp_path, "list_file: regs.csv\nlist_columns: {Full name: name}", "b.yaml")
    assert [p.name for p in people(chosen)] == ["Ana Kapanadze"]


def test_a_character_word_cannot_hold_is_located_in_its_cell(tmp_path: Path) -> None:
    write_csv(tmp_path, "Name,Organization\nAna Kapanadze,MIA\x07\n")
    source = write_input(tmp_path, "list_file: regs.csv")
    assert messages(source) == [
        f"{tmp_path}/regs.csv:2: organization: character U+0007 cannot be used in a Word "
        "document; remove it"
    ]


def test_a_csv_that_is_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    (tmp_path / "regs.csv").write_bytes("ФИО\nНино Беридзе\n".encode("cp1251"))
    source = write_input(tmp_path, "list_file: regs.csv")
    assert messages(source) == [
        f"{tmp_path}/regs.csv:1: is not UTF-8 text: byte 0xD4 in row 1 is not UTF-8; save the "
        'file as UTF-8 (in Excel: File → Save As → "CSV UTF-8 (Comma delimited)"; in '
        'LibreOffice: Save As → Text CSV, character set "Unicode (UTF-8)")'
    ]


# -- mistakes in the options, located in the input ----------------------------------------------


def test_a_missing_file_is_an_error_at_the_line_of_list_file(tmp_path: Path) -> None:
    source = write_input(tmp_path, "publish_list: false\nlist_file: nowhere.xlsx")
    assert messages(source) == [
        f"{source}:{FIRST_OPTION_LINE + 1}: participants.list_file: file not found: "
        f"{tmp_path}/nowhere.xlsx"
    ]


def test_an_unknown_sheet_is_an_error_listing_the_sheets(tmp_path: Path) -> None:
    write_xlsx(tmp_path, [["Name"], ["Ana"]], sheet="Participants", before=("Notes",))
    source = write_input(tmp_path, "list_file: regs.xlsx\nlist_sheet: Participant")
    assert messages(source) == [
        f"{source}:{FIRST_OPTION_LINE + 1}: participants.list_sheet: {tmp_path}/regs.xlsx has "
        'no sheet "Participant" (its sheets: Notes, Participants)'
    ]


def test_list_and_list_file_together_are_an_error(tmp_path: Path) -> None:
    write_csv(tmp_path, "Name\nAna\n")
    source = write_input(tmp_path, "list_file: regs.csv\nlist:\n  - name: Ana")
    assert messages(source) == [
        f"{source}:{FIRST_OPTION_LINE}: participants.list_file: give either `list` or "
        "`list_file`, not both"
    ]


def test_spreadsheet_options_without_a_file_are_an_error(tmp_path: Path) -> None:
    source = write_input(tmp_path, "women: 1\ngender_values: {F: woman}")
    assert messages(source) == [
        f"{source}:{FIRST_OPTION_LINE + 1}: participants.gender_values: is read only with "
        "`list_file`"
    ]


def test_a_list_columns_header_the_file_lacks_is_an_error_at_its_line(tmp_path: Path) -> None:
    write_csv(tmp_path, "Name,Organisation\nAna,MIA\n")
    source = write_input(
        tmp_path, "list_file: regs.csv\nlist_columns:\n  Affiliation: organization"
    )
    assert messages(source) == [
        f"{source}:{FIRST_OPTION_LINE + 2}: participants.list_columns.Affiliation: no column of "
        f'{tmp_path}/regs.csv is headed "Affiliation" (the header, row 1, holds: "Name", '
        '"Organisation")'
    ]


def test_option_values_are_checked_by_the_schema(tmp_path: Path) -> None:
    source = write_input(
        tmp_path,
        "list_file: regs.csv\nlist_columns: {Affiliation: employer}\ngender_values: {F: female}",
    )
    assert messages(source) == [
        f"{source}:{FIRST_OPTION_LINE + 1}: participants.list_columns.Affiliation: unknown field "
        "`employer` (allowed: name, organization, country, sector, role, gender, first_name, "
        "last_name)",
        f"{source}:{FIRST_OPTION_LINE + 2}: participants.gender_values.F: unknown gender "
        "`female` (allowed: woman, man, other, undisclosed)",
    ]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("regs.xls", "an Excel 97–2003 workbook: save it as .xlsx"),
        ("regs.ods", "an OpenDocument spreadsheet: save it as .xlsx or CSV"),
        ("regs.xlsm", "a macro-enabled workbook: save it as .xlsx, which leaves the macros out"),
    ],
)
def test_other_spreadsheet_files_are_named_for_what_to_do(
    tmp_path: Path, name: str, why: str
) -> None:
    (tmp_path / name).write_bytes(b"whatever")
    source = write_input(tmp_path, f"list_file: {name}")
    assert messages(source) == [
        f"{source}:{FIRST_OPTION_LINE}: participants.list_file: {tmp_path}/{name} is not a "
        f".csv or .xlsx file ({why})"
    ]


# -- hostile files ---------------------------------------------------------------------------


FAST = 2.0  # seconds: a hostile file is refused in bounded time


def refused(tmp_path: Path, data: bytes, name: str = "regs.xlsx") -> str:
    """The one message refusing the file ``data`` as the input's list_file."""
    (tmp_path / name).write_bytes(data)
    source = write_input(tmp_path, f"list_file: {name}")
    start = time.perf_counter()
    found = messages(source)
    assert time.perf_counter() - start < FAST
    assert len(found) == 1, found
    prefix = f"{tmp_path}/{name}: "
    assert found[0].startswith(prefix), found
    return found[0][len(prefix) :]


def plain_xlsx(tmp_path: Path) -> bytes:
    return write_xlsx(tmp_path, [["Name"], ["Ana Kapanadze"]], name="plain.xlsx").read_bytes()


def rezip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def repacked(data: bytes, changes: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts.update(changes)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_csv_renamed_xlsx_is_told_apart(tmp_path: Path) -> None:
    assert refused(tmp_path, b"Name,Country\nAna,Georgia\n") == (
        "is a text file (perhaps CSV), not an XLSX workbook (name it .csv, or open it in a "
        "spreadsheet program and save it as .xlsx)"
    )


def test_a_web_page_renamed_xlsx_is_told_apart(tmp_path: Path) -> None:
    assert refused(tmp_path, b"<html><table><tr><td>Name</td></tr></table></html>").startswith(
        "is a web page (HTML), not an XLSX workbook"
    )


def test_a_word_document_renamed_xlsx_is_told_apart(tmp_path: Path) -> None:
    import docx

    assert refused(tmp_path, save(docx.Document())) == "is a Word document, not an XLSX workbook"


def test_an_xlsx_renamed_csv_is_told_apart(tmp_path: Path) -> None:
    assert refused(tmp_path, plain_xlsx(tmp_path), "regs.csv") == (
        "is a ZIP package (an XLSX, DOCX or other Office file), not a CSV text file (give the "
        "file its own extension (.xlsx), or save it as CSV UTF-8)"
    )


def test_a_password_protected_workbook_is_told_apart(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain_xlsx(tmp_path))).encrypt("registration-desk", encrypted)
    assert refused(tmp_path, encrypted.getvalue()) == (
        "is password-protected (an encrypted workbook); reportgen cannot read an encrypted "
        "file (open it in Excel, remove the password (File → Info → Protect Workbook → Encrypt "
        "with Password, clear it) and save it again)"
    )


def test_a_zip_bomb_is_refused_from_its_sizes(tmp_path: Path) -> None:
    bomb = repacked(plain_xlsx(tmp_path), {"xl/media/image1.png": bytes(64 * 1024 * 1024)})
    message = refused(tmp_path, bomb)
    assert message.startswith("xl/media/image1.png: unpacks from ")
    assert message.endswith(
        "to 64.0 MiB (more than 200:1), the shape of a ZIP bomb; reportgen does not unpack it"
    )


def test_a_damaged_part_is_named(tmp_path: Path) -> None:
    data = bytearray(plain_xlsx(tmp_path))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/styles.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10] ^= 0xFF  # one byte changed, as on a bad disk
    message = refused(tmp_path, bytes(data))
    assert message.startswith("xl/styles.xml: is damaged (")


def test_xml_with_a_doctype_is_refused_before_openpyxl_reads_it(tmp_path: Path) -> None:
    data = plain_xlsx(tmp_path)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml")
    entity = b'<!DOCTYPE styleSheet [<!ENTITY lol "lol">]>'
    trapped = styles.replace(b"<styleSheet", entity + b"<styleSheet", 1)
    assert refused(tmp_path, repacked(data, {"xl/styles.xml": trapped})) == (
        "xl/styles.xml: holds a DOCTYPE declaration, which spreadsheet programs never write; "
        "such declarations attack XML readers (an entity bomb, or reading other files), so "
        "reportgen does not read this workbook"
    )


def test_more_rows_than_any_participant_list_are_refused(tmp_path: Path) -> None:
    rows = "".join(f"Person {n},Org\n" for n in range(MAX_ROWS + 5))
    (tmp_path / "big.csv").write_text("Name,Organization\n" + rows, encoding="utf-8")
    source = write_input(tmp_path, "list_file: big.csv", "big.yaml")
    assert messages(source) == [
        f"{tmp_path}/big.csv:{MAX_ROWS + 1}: has more than 20,000 rows; reportgen reads "
        "participant lists of up to 20,000 people"
    ]


def test_a_formula_saved_without_its_value_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Participants"
    sheet.append(["Name", "Country", "Notes"])
    sheet.append(["Ana Kapanadze", "=VLOOKUP(A2, Countries!A:B, 2)", "=1+1"])
    book.save(tmp_path / "regs.xlsx")
    source = write_input(tmp_path, "list_file: regs.xlsx")
    # openpyxl saves formulas without values, as no spreadsheet program does;
    # reportgen never calculates one.  A column it does not read is no matter.
    assert messages(source) == [
        f"{tmp_path}/regs.xlsx:Participants!B2: country: the cell holds a formula saved without "
        "its value, and reportgen never calculates formulas; open the file in Excel or "
        "LibreOffice and save it again"
    ]


def test_an_error_value_is_located_in_its_cell(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [["Name", "Country"], ["Ana Kapanadze", "Georgia"]])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    start = xml.index('<c r="B2"')
    end = xml.index("</c>", start) + 4
    parts["xl/worksheets/sheet1.xml"] = (
        xml[:start] + '<c r="B2" t="e"><f>VLOOKUP(A2,X,2)</f><v>#N/A</v></c>' + xml[end:]
    ).encode()
    rezip(path, parts)
    source = write_input(tmp_path, "list_file: regs.xlsx")
    assert messages(source) == [
        f"{tmp_path}/regs.xlsx:Participants!B2: country: the cell holds the error #N/A"
    ]


# -- the command line, and what other commands need ----------------------------------------------


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_participants_shows_the_columns_the_counts_and_the_first_rows() -> None:
    example = ROOT / "inputs" / "warsaw-2019-journalists-safety-online.yaml"
    result = run("participants", str(example), "--rows", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f'{example.parent}/warsaw-2019-registrations.xlsx, sheet "Registrations" '
        "(sheets: Notes, Registrations)"
    )
    assert "header: row 3; columns read:" in lines
    assert "    D  Affiliation        → organization (list_columns)" in lines
    assert "columns not read: No., E-mail" in lines
    assert "24 persons: 14 women, 9 men, 1 other or undisclosed (or no gender given)" in lines
    assert lines[-3:] == [
        "         name           organization                  country   sector"
        "                        role               gender",
        "  row 4  Claire Moreau  Conseil supérieur de l'audi…  France    media regulators"
        "              Head of Unit       woman",
        "  row 5  Petra Novak    Association of Journalists …  Slovenia  media and journalists'"
        " asso…  Secretary General  woman",
    ]


def test_participants_reads_a_bare_spreadsheet_with_options_and_lists_its_problems(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path, "Full name,Sex\nAna Kapanadze,F\nVasco Malta,M\n,F\n")
    result = run("participants", str(tmp_path / "regs.csv"), "--gender", "F=woman", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["columns"] == [
        {"column": "A", "header": "Full name", "field": "name", "named": False},
        {"column": "B", "header": "Sex", "field": "gender", "named": False},
    ]
    assert data["rows"] == [{"name": "Ana Kapanadze", "gender": "woman", "source_row": 2}]
    assert data["problems"][0]["line"] == 3
    assert result.stderr.splitlines()[0].startswith(f'{tmp_path}/regs.csv:3: gender: "M" is')
    wrong = run("participants", str(tmp_path / "regs.csv"), "--gender", "F=female")
    assert wrong.returncode == 2
    assert "unknown gender `female`" in wrong.stderr


def test_validate_imports_openpyxl_only_for_an_xlsx_list(tmp_path: Path) -> None:
    write_csv(tmp_path, "Name\nAna\n")
    write_xlsx(tmp_path, [["Name"], ["Ana"]])
    csv_input = write_input(tmp_path, "list_file: regs.csv", "csv.yaml")
    xlsx_input = write_input(tmp_path, "list_file: regs.xlsx", "xlsx.yaml")
    code = (
        "import sys\n"
        "from reportgen.source import validate_file\n"
        "assert validate_file(sys.argv[1]) == []\n"
        "print('openpyxl' in sys.modules, 'lxml' in sys.modules)\n"
    )
    for source, imported in ((csv_input, "False False"), (xlsx_input, "True True")):
        result = subprocess.run(
            [sys.executable, "-c", code, str(source)], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == imported


def test_the_files_an_input_reads_are_known_even_when_it_is_invalid(tmp_path: Path) -> None:
    write_csv(tmp_path, "Name\n\n,Org\n")
    source = write_input(tmp_path, "list_file: regs.csv")
    assert messages(source) != []
    assert referenced_files(source) == [(tmp_path / "regs.csv").resolve()]
    with pytest.raises(InputError):
        load_workshop(source)


def test_a_roster_reads_without_an_input() -> None:
    roster = read_roster(ROOT / "inputs" / "warsaw-2019-registrations.xlsx", sheet="Registrations")
    assert roster.header_row == 3
    assert [c.field for c in roster.columns] == [
        "last_name",
        "first_name",
        "country",
        "sector",
        "role",
        "gender",
    ]
    assert roster.ignored == ["No.", "Affiliation", "E-mail"]


def test_a_sheet_reaching_far_down_or_across_is_refused_at_the_cell(tmp_path: Path) -> None:
    write_xlsx(tmp_path, [["Name"], ["Ana Kapanadze"]], name="tall.xlsx")
    book = Workbook()
    sheet = book.active
    sheet.title = "Participants"
    sheet.append(["Name"])
    sheet["A900000"] = "a note far below the list"
    book.save(tmp_path / "tall.xlsx")
    source = write_input(tmp_path, "list_file: tall.xlsx", "tall.yaml")
    assert messages(source) == [
        f"{tmp_path}/tall.xlsx:Participants!A100001: has more than 100,000 rows (most of them "
        "blank); delete the empty rows below the list, or export the list again"
    ]
    sheet["A900000"] = None
    sheet["XFD2"] = "a note far to the right"
    book.save(tmp_path / "tall.xlsx")
    assert messages(source) == [
        f"{tmp_path}/tall.xlsx:Participants!XFD2: has a cell in column XFD; a participant list "
        "has fewer than 1,000 columns"
    ]
