"""Participants from a spreadsheet: find the header, match the columns, check every row."""

# spec/input-format.md, "Participants from a spreadsheet": one header row
# (title rows above it are skipped), then one row a person.  Columns are found
# by their usual names in English, French and Russian, case-insensitively and
# ignoring spaces; `list_columns` names others; `gender_values` maps the
# file's own words.  Every problem is located in the file (row, or sheet and
# cell) and all of them are reported at once.

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import Problem
from reportgen.source import spreadsheet
from reportgen.source.schema import GENDERS, NAME_PARTS, not_for_word
from reportgen.source.spreadsheet import Row, Table

HEADER_SEARCH_ROWS = 30  # title rows above the header: a few at most

# Usual headers, compared after normalize(): lower case, without spaces and
# punctuation ("E-mail", "e mail" and "EMAIL" are one header).
_HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "participant", "participant name", "name and surname",
        "first and last name", "nom complet", "nom et prénom", "prénom et nom",
        "participante", "nom du participant", "фио", "ф.и.о.", "полное имя", "участник",
        "имя и фамилия", "фамилия и имя", "фамилия, имя, отчество", "фамилия имя отчество",
        "nom", "имя",
    ),
    "first_name": ("first name", "given name", "forename", "prénom", "имя"),
    "last_name": ("last name", "surname", "family name", "nom de famille", "nom", "фамилия"),
    "organization": (
        "organization", "organisation", "institution", "agency", "organization name",
        "organisme", "institution", "structure", "организация", "учреждение", "ведомство",
        "место работы",
    ),
    "country": (
        "country", "state", "participating state", "pays", "état", "страна", "государство",
    ),
    "sector": ("sector", "group", "stakeholder group", "secteur", "groupe", "сектор", "группа"),
    "role": (
        "role", "function", "position", "title", "job title", "rôle", "fonction", "poste",
        "titre", "должность", "роль", "функция",
    ),
    "gender": ("gender", "sex", "genre", "sexe", "пол", "гендер"),
}  # fmt: skip

# Gender words read without `gender_values`: the format's own words and the
# same words in the report languages.  Letters ("F", "M", "Ж", "H") mean
# different things in different systems, so they need `gender_values`.
_GENDER_WORDS = {
    **{g: g for g in GENDERS},
    "female": "woman",
    "male": "man",
    "femme": "woman",
    "homme": "man",
    "autre": "other",
    "женщина": "woman",
    "мужчина": "man",
    "женский": "woman",
    "мужской": "man",
    "другое": "other",
    "другой": "other",
}
_GUESS = (("woman", ("f", "w", "ж")), ("man", ("m", "h", "м")))
_PUNCTUATION = re.compile(r"[\s_\-.,:;*/()\[\]'\"’«»]+")
_SPACES = re.compile(r"\s+")


def normalize(header: str) -> str:
    """A header or word as compared: NFKC, case-folded, without spaces and punctuation."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", header).casefold())


_KNOWN: dict[str, list[str]] = {}
for _field, _names in _HEADERS.items():
    for _name in _names:
        _fields = _KNOWN.setdefault(normalize(_name), [])
        if _field not in _fields:
            _fields.append(_field)


@dataclass(frozen=True)
class Column:
    """A column reportgen reads: the field it holds, where it is, what it is headed."""

    field: str
    index: int
    header: str
    named: bool = False  # mapped by `list_columns`, not recognized


@dataclass(frozen=True)
class OptionProblem:
    """A problem with an option of the input (``list_file``, ``list_sheet``, ``list_columns``).

    ``path`` is the option's path under ``participants``, so the loader can
    name its line in the YAML file.
    """

    path: tuple[str, ...]
    message: str


@dataclass
class Roster:
    """How a participant file was read: the columns found, the persons, the problems."""

    file: str
    table: Table | None = None
    header_row: int | None = None
    columns: list[Column] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # headers of columns not read
    people: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    option_problems: list[OptionProblem] = field(default_factory=list)

    @property
    def sheet(self) -> str | None:
        return self.table.sheet if self.table else None

    @property
    def ok(self) -> bool:
        return not self.problems and not self.option_problems


def read_roster(
    path: Path,
    *,
    shown: str | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    gender_values: Mapping[str, str] | None = None,
    needed: tuple[str, ...] = ("name",),
) -> Roster:
    """Read the persons of a CSV or XLSX participant list.

    ``shown`` names the file in messages (default: ``path``); ``columns``,
    ``sheet`` and ``gender_values`` are the input's ``list_columns``,
    ``list_sheet`` and ``gender_values``; ``needed`` the fields that must
    have a column.  Never raises for a problem with the file: every problem
    is in ``problems`` (located in the file) or ``option_problems``.
    """
    shown = shown or str(path)
    roster = Roster(shown)
    suffix = path.suffix.lower()
    if suffix not in spreadsheet.SUFFIXES:
        roster.option_problems.append(OptionProblem(("list_file",), _not_a_list_file(shown)))
        return roster
    if sheet is not None and suffix == ".csv":
        roster.option_problems.append(
            OptionProblem(("list_sheet",), f"{shown} is a CSV file, which has no sheets")
        )
    try:
        table = spreadsheet.read_table(path, shown, sheet=sheet)
    except spreadsheet.UnknownSheet as unknown:
        roster.option_problems.append(
            OptionProblem(
                ("list_sheet",),
                f'{shown} has no sheet "{unknown.wanted}" (its sheets: '
                f"{', '.join(unknown.sheets)})",
            )
        )
        return roster
    except spreadsheet.Refused as refused:
        roster.problems.append(_refusal(shown, refused))
        return roster
    except FileNotFoundError:
        roster.option_problems.append(OptionProblem(("list_file",), f"file not found: {shown}"))
        return roster
    except IsADirectoryError:
        roster.option_problems.append(
            OptionProblem(("list_file",), f"{shown} is a folder, not a CSV or XLSX file")
        )
        return roster
    except OSError as error:
        roster.option_problems.append(
            OptionProblem(("list_file",), f"cannot read {shown}: {error.strerror or error}")
        )
        return roster
    roster.table = table
    _Reading(roster, table, dict(columns or {}), dict(gender_values or {}), needed).run()
    return roster


def _not_a_list_file(shown: str) -> str:
    suffix = Path(shown).suffix.lower()
    advice = {
        ".xls": "an Excel 97–2003 workbook: save it as .xlsx",
        ".xlsm": "a macro-enabled workbook: save it as .xlsx, which leaves the macros out",
        ".ods": "an OpenDocument spreadsheet: save it as .xlsx or CSV",
        ".numbers": "a Numbers file: export it as .xlsx or CSV",
        ".tsv": "tab-separated: save it as CSV (comma or semicolon)",
        ".txt": "a text file: name it .csv if it is comma- or semicolon-separated",
    }.get(suffix)
    what = f" ({advice})" if advice else ""
    return f"{shown} is not a .csv or .xlsx file{what}"


def _refusal(shown: str, refused: spreadsheet.Refused) -> Problem:
    message = refused.message
    if refused.hint:
        message += f" ({refused.hint})"
    if refused.row is None:
        return Problem(shown, None, "", message)
    line, place = Table(shown, sheet=refused.sheet).place(refused.row, refused.column)
    return Problem(shown, line, "", message, place=place)


def _quoted(texts: list[str], limit: int = 8) -> str:
    shown = [f'"{t}"' for t in texts[:limit]]
    if len(texts) > limit:
        shown.append("…")
    return ", ".join(shown)


def _key(text: str) -> str:
    """A YAML key as a rapporteur would type it in a flow mapping."""
    plain = re.fullmatch(r"[^\s\"'{}\[\],:#&*!|>%@`?-][^\"'{}\[\],:#]*", text)
    return text if plain and not text.endswith(" ") else '"' + text.replace('"', '\\"') + '"'


class _Reading:
    """One pass over a table: header, columns, then each person row."""

    def __init__(
        self,
        roster: Roster,
        table: Table,
        columns: dict[str, str],
        gender_values: dict[str, str],
        needed: tuple[str, ...],
    ) -> None:
        self.roster = roster
        self.table = table
        self.named = {normalize(header): (header, target) for header, target in columns.items()}
        self.genders = {normalize(word): gender for word, gender in gender_values.items()}
        self.needed = needed

    def problem(self, row: int, column: int, field_name: str, message: str) -> None:
        line, place = self.table.place(row, column)
        problem = Problem(self.table.file, line, field_name, message, place)
        self.located.append((row, column, problem))

    def run(self) -> None:
        self.located: list[tuple[int, int, Problem]] = []
        try:
            self.read()
        finally:
            self.located.sort(key=lambda item: item[:2])
            self.roster.problems.extend(problem for _, _, problem in self.located)

    def read(self) -> None:
        rows = self.table.rows
        header = self.find_header(rows)
        if header is None:
            return
        self.roster.header_row = header.number
        by_field = {column.field: column for column in self.roster.columns}
        missing = [name for name in self.needed if name not in by_field]
        if "name" in missing and "first_name" in by_field and "last_name" in by_field:
            missing.remove("name")
        for name in missing:
            self.missing_column(header, name)
        if missing:
            return
        self.read_people(rows[rows.index(header) + 1 :])

    # -- the header row ----------------------------------------------------------------------

    def match(self, row: Row) -> tuple[list[Column], dict[str, list[Column]]]:
        """The columns a row names, as if it were the header; clashes by field."""
        named: list[Column] = []
        found: dict[str, list[Column]] = {}
        for index, cell in enumerate(row.cells):
            text = _SPACES.sub(" ", cell).strip()
            if not text:
                continue
            key = normalize(text)
            if key in self.named:
                named.append(Column(self.named[key][1], index, text, named=True))
            else:
                for field_name in _KNOWN.get(key, ()):
                    found.setdefault(field_name, []).append(Column(field_name, index, text))
        taken = {c.field for c in named} | {c.index for c in named}
        # "Nom" and "Имя" hold whole names, unless the row also has a first-name
        # and a last-name column: then they are one of the two.
        split = "first_name" in found and "last_name" in found
        for field_name in ("name", *NAME_PARTS):
            keep = [c for c in found.get(field_name, []) if not _ambiguous(c)]
            whole = field_name == "name"
            if (whole and (split or keep)) or (not whole and not split):
                found[field_name] = keep
            if not found.get(field_name):
                found.pop(field_name, None)
        clashes: dict[str, list[Column]] = {}
        columns = list(named)
        for field_name, candidates in found.items():
            candidates = [c for c in candidates if c.index not in taken]
            if field_name in taken or not candidates:
                continue
            if len(candidates) > 1:
                clashes[field_name] = candidates
            columns.append(candidates[0])
        return sorted(columns, key=lambda c: c.index), clashes

    def find_header(self, rows: list[Row]) -> Row | None:
        for row in rows[:HEADER_SEARCH_ROWS]:
            if row.blank:
                continue
            columns, clashes = self.match(row)
            fields = {c.field for c in columns}
            if "name" in fields or {"first_name", "last_name"} <= fields:
                self.roster.columns = columns
                used = {c.index for c in columns}
                self.roster.ignored = [
                    cell.strip()
                    for index, cell in enumerate(row.cells)
                    if cell.strip() and index not in used
                ]
                self.unknown_named(row)
                for field_name, candidates in clashes.items():
                    self.clash(row, field_name, candidates)
                return row
        self.no_header(rows)
        return None

    def unknown_named(self, header: Row) -> None:
        present = {normalize(cell) for cell in header.cells if cell.strip()}
        for key, (given, _target) in self.named.items():
            if key not in present:
                found = [c.strip() for c in header.cells if c.strip()]
                self.roster.option_problems.append(
                    OptionProblem(
                        ("list_columns", given),
                        f'no column of {self.table.file} is headed "{given}" (the header, row '
                        f"{header.number}, holds: {_quoted(found)})",
                    )
                )

    def clash(self, header: Row, field_name: str, candidates: list[Column]) -> None:
        first, second = candidates[0], candidates[1]
        self.problem(
            header.number,
            second.index,
            "",
            f'columns {spreadsheet.column_letter(first.index)} ("{first.header}") and '
            f'{spreadsheet.column_letter(second.index)} ("{second.header}") both look like '
            f"{field_name}; say which one to read with list_columns, e.g. "
            f"list_columns: {{{_key(second.header)}: {field_name}}}",
        )

    def no_header(self, rows: list[Row]) -> None:
        first = next((r for r in rows[:HEADER_SEARCH_ROWS] if len(_filled(r)) >= 2), None)
        first = first or next((r for r in rows if not r.blank), None)
        if first is None:
            self.roster.problems.append(
                Problem(self.table.file, None, "", "holds no rows: the participant list is empty")
            )
            return
        cells = _filled(first)
        example = cells[0] if cells else "Full name"
        self.problem(
            first.number,
            0,
            "",
            f"no header row names a column of names (looked at the first {HEADER_SEARCH_ROWS} "
            f"rows; row {first.number} holds: {_quoted(cells)}); reportgen knows headers such "
            'as "Name", "Nom", "ФИО", or "First name" and "Last name"; name the column with '
            f"list_columns, e.g. list_columns: {{{_key(example)}: name}}",
        )

    def missing_column(self, header: Row, name: str) -> None:
        found = _filled(header)
        why = (
            "the participant annex (publish_list: true) prints it"
            if name != "name"
            else "every person needs a name"
        )
        self.problem(
            header.number,
            0,
            "",
            f"no column holds {name}: {why} (the header, row {header.number}, holds: "
            f"{_quoted(found)}); name the column with list_columns, e.g. list_columns: "
            f'{{"Your header": {name}}}, or add a column headed "{name}"',
        )

    # -- the persons ---------------------------------------------------------------------------

    def read_people(self, rows: list[Row]) -> None:
        seen: dict[tuple[str, str], int] = {}
        unknown: dict[str, list[tuple[int, int, str]]] = {}
        columns = self.roster.columns
        name_column = next((c for c in columns if c.field == "name"), None)
        for row in rows:
            if row.blank:
                continue
            person: dict[str, Any] = {}
            bad = False
            for column in columns:
                raw = row.cells[column.index] if column.index < len(row.cells) else ""
                text = _SPACES.sub(" ", raw).strip()
                reason = self.table.unusable.get((row.number, column.index))
                if reason:
                    self.problem(row.number, column.index, column.field, reason)
                    bad = True
                    continue
                if not text:
                    continue
                unfit = not_for_word(text)
                if unfit:
                    self.problem(row.number, column.index, column.field, unfit)
                    bad = True
                    continue
                person[column.field] = text
            first, last = person.pop("first_name", None), person.pop("last_name", None)
            if "name" not in person and (first or last):
                person["name"] = " ".join(part for part in (first, last) if part)
            if "name" not in person:
                if not bad:
                    index = name_column.index if name_column else 0
                    held = _filled(row)
                    self.problem(
                        row.number,
                        index,
                        "name",
                        f"this row has no name (it holds {_quoted(held, 4)}); fill in the "
                        "name, or delete the row",
                    )
                continue
            gender_column = next((c for c in columns if c.field == "gender"), None)
            if "gender" in person and gender_column is not None:
                word = person["gender"]
                gender = self.genders.get(normalize(word)) or _GENDER_WORDS.get(normalize(word))
                if gender is None:
                    unknown.setdefault(normalize(word), []).append(
                        (row.number, gender_column.index, word)
                    )
                    bad = True
                else:
                    person["gender"] = gender
            key = (_fold(person["name"]), _fold(person.get("organization", "")))
            index = name_column.index if name_column else 0
            if key in seen:
                organization = person.get("organization")
                who = f'"{person["name"]}"' + (f" ({organization})" if organization else "")
                self.problem(
                    row.number,
                    index,
                    "name",
                    f"{who} is listed twice, in rows {seen[key]} and {row.number}; delete "
                    "one of them",
                )
                continue
            seen[key] = row.number
            if not bad:
                person["source_row"] = row.number
                self.roster.people.append(person)
        self.unknown_genders(unknown)

    def unknown_genders(self, unknown: dict[str, list[tuple[int, int, str]]]) -> None:
        if not unknown:
            return
        words = [places[0][2] for places in unknown.values()]
        guesses = []
        for word in words:
            folded = normalize(word)
            guess = next((g for g, starts in _GUESS if folded.startswith(starts)), None)
            guesses.append(f"{_key(word)}: {guess or '/'.join(GENDERS)}")
        suggestion = "gender_values: {" + ", ".join(guesses) + "}"
        for places in unknown.values():
            row, column, word = places[0]
            others = len(places) - 1
            also = f" (and {others} more row{'s' if others > 1 else ''})" if others else ""
            self.problem(
                row,
                column,
                "gender",
                f'"{word}"{also} is not one of {", ".join(GENDERS)}; map the file\'s words '
                f"in the input, e.g. {suggestion}",
            )


def _ambiguous(column: Column) -> bool:
    """Whether the header names both a whole name and a part of one ("Nom", "Имя")."""
    return len(_KNOWN.get(normalize(column.header), ())) > 1


def _filled(row: Row) -> list[str]:
    return [_SPACES.sub(" ", cell).strip() for cell in row.cells if cell.strip()]


def _fold(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
