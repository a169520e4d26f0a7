"""``reportgen participants``: how a participant spreadsheet reads, for a person to check."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, UsageError
from .source import count_people, participant_file
from .source.roster import Roster, read_roster
from .source.schema import COLUMN_FIELDS, GENDERS, PERSON_FIELDS
from .source.spreadsheet import column_letter

_CELL_WIDTH = 28


def read_source(
    source: Path,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    gender_values: Mapping[str, str] | None = None,
) -> Roster:
    """The roster of a CSV or XLSX file, or of the file an input's ``list_file`` names.

    The options are those of the input format (``list_sheet``,
    ``list_columns``, ``gender_values``); an input brings its own.  Raises
    InputError when the file cannot be found or an option is wrong.
    """
    if source.suffix.lower() in (".yaml", ".yml"):
        if sheet or columns or gender_values:
            raise UsageError(
                f"{source}: an input brings its own list_sheet, list_columns and "
                "gender_values; give the options with a .csv or .xlsx file instead"
            )
        return participant_file(source)
    for header, target in (columns or {}).items():
        if target not in COLUMN_FIELDS:
            raise UsageError(
                f"--column {header}={target}: unknown field `{target}` "
                f"(allowed: {', '.join(COLUMN_FIELDS)})"
            )
    for word, gender in (gender_values or {}).items():
        if gender not in GENDERS:
            raise UsageError(
                f"--gender {word}={gender}: unknown gender `{gender}` "
                f"(allowed: {', '.join(GENDERS)})"
            )
    roster = read_roster(source, columns=columns, sheet=sheet, gender_values=gender_values)
    if roster.option_problems:
        problems = [Problem(str(source), None, "", p.message) for p in roster.option_problems]
        raise InputError(str(problems[0]), problems=problems)
    return roster


def describe(roster: Roster, *, rows: int = 5, as_data: bool = False) -> Any:
    """What was read, as lines for a terminal, or (``as_data``) as plain data for JSON."""
    counts = count_people(roster.people)
    shown = [
        {key: person[key] for key in (*PERSON_FIELDS, "source_row") if key in person}
        for person in roster.people[:rows]
    ]
    if as_data:
        return {
            "file": roster.file,
            "sheet": roster.sheet,
            "sheets": roster.table.sheets if roster.table else [],
            "header_row": roster.header_row,
            "columns": [
                {
                    "column": column_letter(c.index),
                    "header": c.header,
                    "field": c.field,
                    "named": c.named,
                }
                for c in roster.columns
            ],
            "not_read": roster.ignored,
            "counts": counts,
            "rows": shown,
            "problems": [p.as_json() for p in roster.problems],
        }
    lines = [_title(roster)]
    if roster.header_row is None:
        return lines
    lines.append(f"header: row {roster.header_row}; columns read:")
    width = max((len(c.header) for c in roster.columns), default=0)
    for column in roster.columns:
        how = " (list_columns)" if column.named else ""
        lines.append(
            f"  {column_letter(column.index):>3}  {column.header:<{width}}  → {column.field}{how}"
        )
    if roster.ignored:
        lines.append("columns not read: " + ", ".join(roster.ignored))
    lines.append(_counts(counts))
    if shown:
        lines.append(f"first {len(shown)} of {len(roster.people)}:")
        lines += _table(shown)
    return lines


def _title(roster: Roster) -> str:
    if roster.table is None or roster.table.sheet is None:
        return roster.file
    sheets = roster.table.sheets
    others = f" (sheets: {', '.join(sheets)})" if len(sheets) > 1 else ""
    return f'{roster.file}, sheet "{roster.table.sheet}"{others}'


def _counts(counts: dict[str, int]) -> str:
    total = counts.get("total", 0)
    text = _plural(total, "person", "persons")
    if "women" in counts:
        text += (
            f": {_plural(counts['women'], 'woman', 'women')}, "
            f"{_plural(counts['men'], 'man', 'men')}, {counts['other']} other or undisclosed "
            "(or no gender given)"
        )
    elif total:
        text += " (no genders given: only the total is counted)"
    return text


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _table(people: list[dict[str, Any]]) -> list[str]:
    fields = [f for f in PERSON_FIELDS if any(f in person for person in people)]
    cells = [
        [f"row {person['source_row']}", *(_cut(str(person.get(f, ""))) for f in fields)]
        for person in people
    ]
    header = ["", *fields]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    out = []
    for row in [header, *cells]:
        out.append(
            "  "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return out


def _cut(text: str) -> str:
    return text if len(text) <= _CELL_WIDTH else text[: _CELL_WIDTH - 1] + "…"
