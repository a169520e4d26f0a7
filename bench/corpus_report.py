"""The corpus figures: files published and refused, words lost, tracebacks, time and memory.

    python bench/corpus_report.py                  # publish every corpus file, print the table
    python bench/corpus_report.py --json out.json  # also every file's result
    python bench/corpus_report.py --keep DIR       # keep reportgen's PDFs in DIR
    python bench/corpus_report.py --time-libreoffice  # time LibreOffice in this run too

Each file is published in a process of its own (bench/corpus.py), one at a
time so that the times are not shared between two runs.  LibreOffice's words
come from tests/corpus/expected/ (`make corpus-refresh`), and so does its time
unless --time-libreoffice converts each file again right after publishing it,
so that both are timed on an equally busy machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import corpus


def run_all(work: Path, names: list[str], office: corpus.LibreOffice | None) -> list[corpus.Result]:
    results = []
    for entry in corpus.entries():
        if names and entry.name not in names:
            continue
        result = corpus.check(entry, work)
        if office is not None and result.libreoffice_seconds:
            result.libreoffice_seconds, result.libreoffice_peak_mib = office.convert(
                entry.file.read_bytes(), entry.file.name, work / "libreoffice.pdf"
            )
        results.append(result)
        c = result.comparison
        lost = f"lost {c.lost_fraction:.2%} (unnamed {c.uncovered_fraction:.2%})" if c else ""
        print(f"{entry.name}: {result.run.status} {result.run.seconds:.1f} s {lost}",
              file=sys.stderr)  # fmt: skip
    return results


def table(results: list[corpus.Result]) -> str:
    published = [r for r in results if r.run.status == "published"]
    refused = [r for r in results if r.run.status == "refused"]
    broken = [r for r in results if r.run.status not in ("published", "refused")]
    compared = [r for r in published if r.comparison is not None]
    lost = sorted((r.comparison.lost_fraction, r.name) for r in compared if r.comparison)
    unnamed = sorted((r.comparison.uncovered_fraction, r.name) for r in compared if r.comparison)
    ratios = sorted(
        (r.run.seconds / r.libreoffice_seconds, r.name)
        for r in results
        if r.libreoffice_seconds > 0
    )
    peak = max((r.run.peak_mib, r.name) for r in results)
    peak_libreoffice = max((r.libreoffice_peak_mib, r.name) for r in results)
    slowest = max((r.run.seconds, r.name) for r in results)

    def share(items: list[tuple[float, str]], at: float) -> int:
        return sum(1 for value, _ in items if value > at)

    lines = [
        "| measure | value |",
        "|---|---|",
        f"| files | {len(results)} |",
        f"| published | {len(published)} |",
        f"| refused | {len(refused)} |",
        f"| tracebacks, crashes, time-outs | {len(broken)} |",
        f"| median words lost | {statistics.median(v for v, _ in lost):.2%} |",
        f"| worst words lost | {lost[-1][0]:.2%} ({lost[-1][1]}) |",
        f"| files losing more than 1 % | {share(lost, 0.01)} |",
        f"| files losing words no warning names | {share(unnamed, 0.0)} |",
        f"| median time ratio, reportgen / LibreOffice | {statistics.median_low(ratios)[0]:.2f} |",
        f"| worst time ratio | {ratios[-1][0]:.2f} ({ratios[-1][1]}) |",
        f"| files over 3× LibreOffice's time | {share(ratios, 3.0)} |",
        f"| slowest publish | {slowest[0]:.1f} s ({slowest[1]}) |",
        f"| peak memory, worst | {peak[0]:.0f} MiB ({peak[1]}) |",
        f"| LibreOffice's peak memory, worst | {peak_libreoffice[0]:.0f} MiB "
        f"({peak_libreoffice[1]}) |",
    ]  # fmt: skip
    if refused:
        lines += ["", "Refused:", ""]
        lines += [f"- {r.name}: {r.run.error_type}: {r.run.message}" for r in refused]
    if broken:
        lines += ["", "Tracebacks, crashes and time-outs:", ""]
        lines += [f"- {r.name}: {r.run.status} {r.run.error_type}: {r.run.message}" for r in broken]
    hardest = [(v, n) for v, n in reversed(lost) if v > 0]
    if hardest:
        by_name = {r.name: r for r in compared}
        lines += ["", "Files losing words (lost / named by no warning / words shown):", ""]
        for value, name in hardest:
            c = by_name[name].comparison
            assert c is not None
            sample = ", ".join(w for w, _ in c.uncovered.most_common(8))
            lines.append(
                f"- {name}: {value:.2%} / {c.uncovered_fraction:.2%} / {c.shown}"
                + (f" — e.g. {sample}" if sample else "")
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="source/file.docx (default: all)")
    parser.add_argument("--json", type=Path, help="write every file's result here")
    parser.add_argument("--keep", type=Path, help="keep reportgen's PDFs in this folder")
    parser.add_argument(
        "--time-libreoffice", action="store_true", help="time LibreOffice in this run too"
    )
    args = parser.parse_args(argv)
    work = (args.keep or Path(tempfile.mkdtemp(prefix="reportgen-corpus-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    office = corpus.LibreOffice() if args.time_libreoffice else None
    try:
        results = run_all(work, args.names, office)
    finally:
        if office is not None:
            office.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps([r.as_json() for r in results], indent=1) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
