"""Reading a participant spreadsheet: 2 500 rows of XLSX and CSV, and `reportgen validate` on them.

    python bench/spreadsheet.py [ROUNDS]

Writes the files of bench/inputs.py into bench/results/spreadsheet/, then
measures ROUNDS times (default 5) each: reading the XLSX in this process
(``read_roster``: the safety scan, openpyxl, the header and every row), as
openpyxl and as LibreOffice Calc (needs `soffice`) save it, the same persons
as CSV, and whole `reportgen validate` processes on an input naming each.
Prints the medians (and the spread) as JSON.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import inputs

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "bench" / "results" / "spreadsheet"
GENDERS = {"F": "woman", "M": "man", "X": "undisclosed"}


def timed(function: object, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(times), 4),
        "min": round(min(times), 4),
        "max": round(max(times), 4),
    }


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    from openpyxl import load_workbook

    from reportgen.source.roster import read_roster

    FOLDER.mkdir(parents=True, exist_ok=True)
    xlsx = FOLDER / "registrations.xlsx"
    inputs.write_registrations(xlsx, 2500)
    csv_path = FOLDER / "registrations.csv"
    book = load_workbook(xlsx, read_only=True)
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        import csv

        writer = csv.writer(out)
        for row in book.worksheets[0].iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in row])
    book.close()
    example = inputs.EXAMPLE.read_text(encoding="utf-8")
    sources = {}
    for path in (xlsx, csv_path):
        source = FOLDER / f"validate-{path.suffix[1:]}.yaml"
        source.write_text(inputs.with_participant_file(example, path.name), encoding="utf-8")
        sources[path.suffix[1:]] = source

    def read(path: Path) -> None:
        roster = read_roster(path, gender_values=GENDERS)
        assert roster.ok and len(roster.people) == 2500, roster.problems[:3]

    def validate(source: Path) -> None:
        command = [sys.executable, "-m", "reportgen", "validate", str(source)]
        subprocess.run(command, check=True, cwd=ROOT)

    # The same list saved by LibreOffice Calc, as spreadsheet programs save
    # it (shared strings); openpyxl writes every text inline.
    calc = FOLDER / "calc" / "registrations.xlsx"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(FOLDER / 'lo-profile').as_uri()}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(calc.parent),
            str(csv_path),
        ],
        check=True,
        capture_output=True,
    )
    read(xlsx)  # once untimed: page cache, .pyc files
    results = {
        "rows": 2500,
        "xlsx_bytes": xlsx.stat().st_size,
        "read_xlsx_s": summary(timed(lambda: read(xlsx), rounds)),
        "read_xlsx_libreoffice_s": summary(timed(lambda: read(calc), rounds)),
        "read_csv_s": summary(timed(lambda: read(csv_path), rounds)),
        "validate_xlsx_s": summary(timed(lambda: validate(sources["xlsx"]), rounds)),
        "validate_csv_s": summary(timed(lambda: validate(sources["csv"]), rounds)),
        "validate_example_s": summary(timed(lambda: validate(inputs.EXAMPLE), rounds)),
    }
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
