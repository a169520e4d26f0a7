"""``make bench``: reportgen against the tools a rapporteur would pick instead, side by side.

Generates the inputs (bench/inputs.py), then measures whole processes in
rounds, each round running every route once in the same order (A B C … A B C
…), and prints medians, min–max, peak memory, pages and paired ratios as a
Markdown table (also written to bench/results/latest.md, with the raw numbers
in latest.json).  See docs/performance.md for what each row means.

    python bench/run.py                 # everything (about 15 minutes on 2 cores)
    python bench/run.py --quick         # one round of everything, a batch of 6
    python bench/run.py --only small,startup --rounds 3
    python bench/run.py --profile       # also pyinstrument profiles of reportgen
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import inputs  # noqa: E402 (bench modules live beside this script)
from measure import (  # noqa: E402
    PHASES,
    CommandFailed,
    Route,
    Step,
    paired_ratios,
    run_route,
    run_step,
    wait_for_quiet,
)

SECTIONS = ("small", "medium", "large", "batch", "startup", "publish", "watch")
BIN = Path(sys.executable).parent  # the venv's bin: reportgen is installed beside python
SIZE_NAMES = {
    "small": "Tbilisi example (~10 pages)",
    "medium": "Tbilisi + 250 listed participants",
    "large": "Tbilisi + 2 500 listed participants",
}


def reportgen(*args: str) -> list[str]:
    return [str(BIN / "reportgen"), *args]


def peer(*args: str) -> list[str]:
    return [sys.executable, str(HERE / "peers.py"), *args]


class Bench:
    """One benchmark run: where it works, its LibreOffice profile, and what it found."""

    def __init__(
        self, work: Path, rounds: dict[str, int], batch_size: int, quiet_wait: float = 60.0
    ) -> None:
        self.quiet_wait = quiet_wait  # seconds to wait for a quiet machine before a round
        self.before_rounds: list[float] = []  # others' CPU use (cores) seen before each round
        self.work = work
        self.rounds = rounds
        self.batch_size = batch_size
        self.out = work / "out"
        self.lo_profile = Path(f"/tmp/lo-bench-{os.getpid()}")  # noqa: S108 (fresh, ours)
        self.sections: dict[str, list[Route]] = {}
        self.failures: dict[str, str] = {}
        self.notes: list[str] = []
        self.pages: dict[tuple[str, str], int] = {}
        self.warm: dict[str, list[float]] = {}  # in-process regeneration times, by input size

    # -- commands ----------------------------------------------------------------------

    def soffice(self, docx: Path, outdir: Path) -> list[str]:
        return [
            "soffice",
            f"-env:UserInstallation={self.lo_profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx),
        ]

    def folder(self, *parts: str) -> Path:
        path = self.out.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @staticmethod
    def clear(path: Path) -> Callable[[], None]:
        def clear() -> None:
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)

        return clear

    # -- setup ---------------------------------------------------------------------------

    def prepare(self) -> inputs.Inputs:
        made = inputs.generate(self.work / "inputs", self.batch_size)
        self.template = self.work / "docxtpl-template.docx"
        run_step(Step("template", peer("template", str(self.template))), ROOT)
        # LibreOffice's first start with a new profile builds the profile; a user
        # pays that once, so it is done (and reported) before the timed runs.
        probe = self.folder("lo-probe")
        shutil.copy(self.template, probe / "probe.docx")
        first = run_step(Step("soffice", self.soffice(probe / "probe.docx", probe)), ROOT)
        self.notes.append(
            f"LibreOffice's first start with a new profile took {first.wall:.1f} s "
            "(not counted: every timed conversion is a cold start of a new "
            "`soffice` process with that profile in place, as a user runs it)."
        )
        return made

    def warm_up(self, made: inputs.Inputs) -> None:
        """One untimed run of every route on the example: page cache, .pyc files, font caches."""
        for route in self.sized_routes("warmup", made.small):
            for step in route.steps:
                run_step(step, ROOT)

    # -- the routes --------------------------------------------------------------------

    def sized_routes(self, size: str, source: Path) -> list[Route]:
        stem = source.stem
        rg, rg_lo, rg_docx, tpl, ws, pdx, pan = (
            self.out / size / n
            for n in (
                "reportgen",
                "reportgen-lo",
                "reportgen-docx",
                "docxtpl",
                "weasyprint",
                "python-docx",
                "pandoc",
            )
        )
        tpl_docx = tpl / f"{stem}.docx"

        def copy_reportgens_docx() -> None:
            self.clear(rg_lo)()
            shutil.copy(rg / f"{stem}.docx", rg_lo / f"{stem}.docx")

        return [
            Route(
                "reportgen generate (DOCX + PDF)",
                [
                    Step(
                        "reportgen",
                        reportgen("generate", str(source), "--output-dir", str(rg), "--timings"),
                        before=self.clear(rg),
                    )
                ],
                output_pdf=rg / f"{stem}.pdf",
            ),
            # The DOCX reportgen just wrote, converted by LibreOffice alone: what a
            # user could do with reportgen's DOCX instead of its PDF.
            Route(
                "LibreOffice on reportgen's DOCX (PDF)",
                [
                    Step(
                        "LibreOffice",
                        self.soffice(rg_lo / f"{stem}.docx", rg_lo),
                        before=copy_reportgens_docx,
                    )
                ],
                output_pdf=rg_lo / f"{stem}.pdf",
            ),
            Route(
                "docxtpl + LibreOffice (DOCX + PDF)",
                [
                    Step(
                        "docxtpl",
                        peer(
                            "docxtpl", str(source), str(tpl_docx), "--template", str(self.template)
                        ),
                        before=self.clear(tpl),
                    ),
                    Step("LibreOffice", self.soffice(tpl_docx, tpl)),
                ],
                output_pdf=tpl / f"{stem}.pdf",
            ),
            Route(
                "Jinja2 HTML + WeasyPrint (PDF)",
                [
                    Step(
                        "weasyprint",
                        peer("weasyprint", str(source), str(ws / f"{stem}.pdf")),
                        before=self.clear(ws),
                    )
                ],
                output_pdf=ws / f"{stem}.pdf",
            ),
            Route(
                "reportgen generate --format docx",
                [
                    Step(
                        "reportgen-docx",
                        reportgen(
                            "generate",
                            str(source),
                            "--output-dir",
                            str(rg_docx),
                            "--format",
                            "docx",
                            "--timings",
                        ),
                        before=self.clear(rg_docx),
                    )
                ],
            ),
            Route(
                "python-docx (DOCX)",
                [
                    Step(
                        "python-docx",
                        peer("python-docx", str(source), str(pdx / f"{stem}.docx")),
                        before=self.clear(pdx),
                    )
                ],
            ),
            Route(
                "pandoc Markdown (DOCX)",
                [
                    Step(
                        "pandoc",
                        peer("pandoc", str(source), str(pan / f"{stem}.docx")),
                        before=self.clear(pan),
                    )
                ],
            ),
        ]

    # -- sections ----------------------------------------------------------------------

    def measure(self, section: str, routes: list[Route], rounds: int) -> None:
        self.sections[section] = routes
        for number in range(rounds):
            self.quiet()
            for route in routes:
                start = time.perf_counter()
                run_route(route, ROOT)
                print(
                    f"  [{section} {number + 1}/{rounds}] {route.name}: "
                    f"{time.perf_counter() - start:.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
        for route in routes:
            if route.output_pdf and route.output_pdf.exists():
                self.pages[(section, route.name)] = count_pages(route.output_pdf)

    def sized(self, size: str, source: Path) -> None:
        self.measure(size, self.sized_routes(size, source), self.rounds[size])

    def batch(self, folder: Path) -> None:
        one, many = self.out / "batch" / "one-call", self.out / "batch" / "separate"
        sources = sorted(folder.glob("*.yaml"))
        separate = [
            Step(
                "reportgen",
                reportgen("generate", str(s), "--output-dir", str(many), "--timings"),
                before=self.clear(many) if i == 0 else None,
            )
            for i, s in enumerate(sources)
        ]
        self.measure(
            "batch",
            [
                Route(
                    f"one `reportgen generate` call on {len(sources)} inputs",
                    [
                        Step(
                            "reportgen",
                            reportgen(
                                "generate", str(folder), "--output-dir", str(one), "--timings"
                            ),
                            before=self.clear(one),
                        )
                    ],
                ),
                Route(
                    f"{len(sources)} separate `reportgen generate` processes, one after another",
                    separate,
                ),
            ],
            self.rounds["batch"],
        )

    def startup(self, source: Path, large: Path, large_xlsx: Path) -> None:
        self.measure(
            "startup",
            [
                Route("python -c pass", [Step("python", [sys.executable, "-c", "pass"])]),
                Route("reportgen --help", [Step("help", reportgen("--help"))]),
                Route(
                    "reportgen validate (example)",
                    [Step("validate", reportgen("validate", str(source)))],
                ),
                Route(
                    "reportgen validate (2 500 participants)",
                    [Step("validate", reportgen("validate", str(large)))],
                ),
                Route(
                    "reportgen validate (2 500 participants from an XLSX list_file)",
                    [Step("validate", reportgen("validate", str(large_xlsx)))],
                ),
            ],
            self.rounds["startup"],
        )

    def watch(self, made: inputs.Inputs) -> None:
        """Regeneration in a warm process (bench/warm.py), as `reportgen watch` does it."""
        for size in ("small", "large"):
            self.quiet()
            out = self.folder("watch", size)
            rounds = self.rounds["small" if size == "small" else "large"]
            done = subprocess.run(
                [
                    sys.executable,
                    str(HERE / "warm.py"),
                    str(made.sized[size]),
                    str(out),
                    str(rounds),
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise CommandFailed(f"warm.py {size} exited {done.returncode}\n{done.stderr}")
            self.warm[size] = json.loads(done.stdout)["times"]
            print(f"  [watch {size}] {self.warm[size]}", file=sys.stderr, flush=True)

    def publish(self, made: inputs.Inputs) -> None:
        routes = []
        for size in ("small", "large"):
            source = made.sized[size]
            docs = self.folder("publish", size, "docx")
            run_step(
                Step(
                    "docx",
                    reportgen(
                        "generate",
                        str(source),
                        "--output-dir",
                        str(docs),
                        "--format",
                        "docx",
                        "--force",
                    ),
                ),
                ROOT,
            )
            docx = docs / f"{source.stem}.docx"
            rg, lo = self.out / "publish" / size / "reportgen", self.out / "publish" / size / "lo"
            routes.append(
                Route(
                    f"reportgen publish ({size})",
                    [
                        Step(
                            "publish",
                            reportgen(
                                "publish",
                                str(docx),
                                "--output",
                                str(rg / f"{source.stem}.pdf"),
                                "--timings",
                            ),
                            before=self.clear(rg),
                        )
                    ],
                    output_pdf=rg / f"{source.stem}.pdf",
                )
            )
            routes.append(
                Route(
                    f"LibreOffice DOCX → PDF ({size})",
                    [Step("LibreOffice", self.soffice(docx, lo), before=self.clear(lo))],
                    output_pdf=lo / f"{source.stem}.pdf",
                )
            )
        self.sections["publish"] = routes
        # Small and large pairs alternate within their own rounds.
        for size, pair, rounds in (
            ("small", routes[:2], self.rounds["small"]),
            ("large", routes[2:], self.rounds["large"]),
        ):
            for number in range(rounds):
                self.quiet()
                for route in pair:
                    run_route(route, ROOT)
                    print(
                        f"  [publish {size} {number + 1}/{rounds}] {route.name}: "
                        f"{route.totals[-1]:.2f} s",
                        file=sys.stderr,
                        flush=True,
                    )
        for route in routes:
            if route.output_pdf and route.output_pdf.exists():
                self.pages[("publish", route.name)] = count_pages(route.output_pdf)

    def quiet(self) -> None:
        """Let other work on the machine finish (up to --quiet-wait) before a round."""
        if self.quiet_wait > 0:
            self.before_rounds.append(wait_for_quiet(self.quiet_wait))

    def close(self) -> None:
        shutil.rmtree(self.lo_profile, ignore_errors=True)


def count_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


# -- the report ------------------------------------------------------------------------


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "–"


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}" if values else "–"


def ratio_text(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "–"


def route_table(
    bench: Bench,
    section: str,
    reference: Callable[[Route], Route | None],
    ratio_head: str,
    invert: bool = False,
) -> list[str]:
    """One row per route; the ratio is reference ÷ route per round (route ÷ reference if invert)."""
    lines = [
        f"| route | median s | min–max s | CPU s | peak MiB | pages | s/page | {ratio_head} "
        "| others' CPU (cores) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for route in bench.sections[section]:
        pages = bench.pages.get((section, route.name))
        med = statistics.median(route.totals)
        ref = reference(route)
        ratio = "–"
        if ref and ref is not route:
            ratio = ratio_text(paired_ratios(route, ref) if invert else paired_ratios(ref, route))
        lines.append(
            f"| {route.name} | {med:.2f} | {spread(route.totals)} | "
            f"{statistics.median(route.cpu):.2f} | {route.peak_mib:.0f} | {pages or '–'} | "
            f"{f'{med / pages:.3f}' if pages else '–'} | {ratio} | "
            f"{statistics.median(route.others):.2f} |"
        )
        if len(route.steps) > 1 and len({s.label for s in route.steps}) > 1:
            for label in dict.fromkeys(s.label for s in route.steps):
                values = route.step_totals(label)
                lines.append(
                    f"| &nbsp;&nbsp;↳ {label} | {seconds(values)} | {spread(values)} | | | | | | |"
                )
    return lines


def phase_table(bench: Bench) -> list[str]:
    rows = []
    for section in ("small", "medium", "large", "publish"):
        for route in bench.sections.get(section, []):
            if route.name.startswith("reportgen") and route.phases():
                rows.append(
                    (f"{section}: {route.name}", route.phases(), statistics.median(route.totals))
                )
    if not rows:
        return []
    names = list(PHASES)
    lines = [
        "| run | " + " | ".join(names) + " | phases total | process |",
        "|---|" + "---:|" * (len(names) + 2),
    ]
    for label, phases, total in rows:
        cells = [f"{phases[n]:.2f}" if n in phases else "–" for n in names]
        lines.append(
            f"| {label} | " + " | ".join(cells) + f" | {sum(phases.values()):.2f} | {total:.2f} |"
        )
    return lines


def find(bench: Bench, section: str, prefix: str) -> Route | None:
    return next((r for r in bench.sections.get(section, []) if r.name.startswith(prefix)), None)


def targets(bench: Bench) -> list[str]:
    lines = [
        "| # | target | measured | goal | met | same, in CPU seconds |",
        "|---|---|---:|---:|:---:|---:|",
    ]

    def add(
        number: str,
        what: str,
        value: float | None,
        goal: str,
        met: bool | None,
        fmt: str = "{:.2f}",
        cpu: float | None = None,
    ) -> None:
        shown = fmt.format(value) if value is not None else "not measured"
        mark = "–" if met is None else ("yes" if met else "**no**")
        cpu_text = fmt.format(cpu) if cpu is not None else "–"
        lines.append(f"| {number} | {what} | {shown} | {goal} | {mark} | {cpu_text} |")

    def pair_ratio(section: str, a: str, b: str) -> float | None:
        ra, rb = find(bench, section, a), find(bench, section, b)
        if not ra or not rb:
            return None
        return statistics.median(paired_ratios(ra, rb))

    def cpu_ratio(section: str, a: str, b: str) -> float | None:
        ra, rb = find(bench, section, a), find(bench, section, b)
        if not ra or not rb:
            return None
        return statistics.median(paired_ratios(ra, rb, cpu=True))

    r1 = pair_ratio("small", "reportgen generate (", "docxtpl")
    add(
        "1",
        "generate, ~10-page report: reportgen ÷ (docxtpl + LibreOffice)",
        r1,
        "≤ 0.9",
        None if r1 is None else r1 <= 0.9,
        cpu=cpu_ratio("small", "reportgen generate (", "docxtpl"),
    )
    r2 = pair_ratio("large", "reportgen generate (", "docxtpl")
    add(
        "2a",
        "generate, 2 500 participants: reportgen ÷ (docxtpl + LibreOffice)",
        r2,
        "≤ 1.0",
        None if r2 is None else r2 <= 1.0,
        cpu=cpu_ratio("large", "reportgen generate (", "docxtpl"),
    )
    r2b = pair_ratio("large", "reportgen generate (", "LibreOffice on reportgen's DOCX")
    add(
        "2b",
        "generate, 2 500 participants: reportgen ÷ LibreOffice alone on the same DOCX",
        r2b,
        "≤ 1.2",
        None if r2b is None else r2b <= 1.2,
        cpu=cpu_ratio("large", "reportgen generate (", "LibreOffice on reportgen's DOCX"),
    )
    large = find(bench, "large", "reportgen generate (")
    add(
        "2c",
        "generate, 2 500 participants: peak memory (MiB)",
        large.peak_mib if large else None,
        "≤ 400",
        None if not large else large.peak_mib <= 400,
        "{:.0f}",
    )
    small = find(bench, "small", "reportgen generate (")
    growth = None
    if small and large:
        p_small = bench.pages.get(("small", small.name))
        p_large = bench.pages.get(("large", large.name))
        if p_small and p_large:
            growth = (statistics.median(large.totals) / statistics.median(small.totals)) / (
                p_large / p_small
            )
    add(
        "2d",
        "time growth ÷ page growth, example → 2 500 participants",
        growth,
        "≤ 1.0",
        None if growth is None else growth <= 1.0,
    )
    batch = bench.sections.get("batch")
    r3 = statistics.median(paired_ratios(batch[1], batch[0])) if batch else None
    add(
        "3",
        f"batch of {bench.batch_size}: throughput of one call ÷ separate processes",
        r3,
        "≥ 3",
        None if r3 is None else r3 >= 3,
    )
    for prefix, label in (
        ("reportgen --help", "`reportgen --help` (s)"),
        ("reportgen validate (example)", "`reportgen validate` (s)"),
    ):
        route = find(bench, "startup", prefix)
        value = statistics.median(route.totals) if route else None
        add("4", label, value, "< 0.2", None if value is None else value < 0.2)
    r5 = pair_ratio("publish", "reportgen publish (large)", "LibreOffice DOCX → PDF (large)")
    add(
        "5",
        "publish, 2 500 participants: reportgen ÷ LibreOffice on the same DOCX",
        r5,
        "≤ 1.2",
        None if r5 is None else r5 <= 1.2,
        cpu=cpu_ratio("publish", "reportgen publish (large)", "LibreOffice DOCX → PDF (large)"),
    )
    return lines


def noise(bench: Bench) -> str:
    """How much other work ran on the machine while it was measured."""
    others = [
        s.others
        for routes in bench.sections.values()
        for r in routes
        for run in r.runs
        for s in run
    ]
    text = (
        "Other processes' CPU use during the timed runs (in cores, of "
        f"{len(os.sched_getaffinity(0))}): "
    )
    if not others:
        return text + "not recorded."
    text += f"median {statistics.median(others):.2f}, max {max(others):.2f}"
    if bench.before_rounds:
        text += (
            f"; before rounds (after waiting up to {bench.quiet_wait:.0f} s for quiet): "
            f"median {statistics.median(bench.before_rounds):.2f}, "
            f"max {max(bench.before_rounds):.2f}"
        )
    return text + (
        ". Above about 0.2 the machine was shared and times are inflated; "
        "paired ratios suffer less than absolute times."
    )


def versions() -> str:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    def command(argv: list[str]) -> str:
        try:
            out = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return "not found"
        return (out.stdout.strip().splitlines() or ["?"])[0]

    try:
        import pypandoc

        pandoc = pypandoc.get_pandoc_version()
    except (ImportError, OSError):
        pandoc = "not found"
    commit = command(["git", "-C", str(ROOT), "describe", "--always", "--dirty"])
    return (
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
        f"{platform.processor() or platform.platform()}; Python {platform.python_version()}; "
        f"reportgen {version('reportgen')} ({commit}); WeasyPrint {version('weasyprint')}; "
        f"python-docx {version('python-docx')}; docxtpl {version('docxtpl')}; "
        f"pandoc {pandoc}; {command(['soffice', '--version'])}"
    )


def report(bench: Bench, started: dt.datetime, elapsed: float) -> str:
    out = [
        f"# reportgen benchmark — {started:%Y-%m-%d %H:%M}",
        "",
        f"Machine: {versions()}.",
        "",
        "Rounds: "
        + ", ".join(f"{k} {v}" for k, v in bench.rounds.items())
        + f"; batch of {bench.batch_size}. Whole processes, each timed with "
        "`/usr/bin/time -v` (wall clock, peak RSS of the largest process); routes alternate "
        f"within each round. Total run time {elapsed / 60:.1f} min.",
        "",
        noise(bench),
        "",
    ]
    out += ["## Targets (issue 16)", "", *targets(bench), ""]
    for size in ("small", "medium", "large"):
        if size in bench.sections:
            rg = find(bench, size, "reportgen generate (")
            rg_docx = find(bench, size, "reportgen generate --format docx")

            def reference(
                route: Route, rg: Route | None = rg, rg_docx: Route | None = rg_docx
            ) -> Route | None:
                return rg if route.output_pdf else rg_docx

            out += [
                f"## {SIZE_NAMES[size]}",
                "",
                *route_table(
                    bench,
                    size,
                    reference,
                    "reportgen ÷ route (paired median; DOCX-only rows: reportgen --format docx)",
                ),
                "",
            ]
    if "batch" in bench.sections:
        one = bench.sections["batch"][0]
        out += [
            f"## Batch of {bench.batch_size} (variants of the example)",
            "",
            *route_table(
                bench,
                "batch",
                lambda r: one,
                "throughput of one call ÷ route's (paired median)",
                invert=True,
            ),
            "",
        ]
    if "startup" in bench.sections:
        base = bench.sections["startup"][0]
        out += [
            "## Start-up",
            "",
            *route_table(
                bench,
                "startup",
                lambda r: base,
                "command ÷ python -c pass (paired median)",
                invert=True,
            ),
            "",
        ]
    if "publish" in bench.sections:
        routes = bench.sections["publish"]
        out += [
            "## Publish (the reviewed DOCX → PDF; reportgen's own DOCX)",
            "",
            *route_table(
                bench,
                "publish",
                lambda r: routes[routes.index(r) - routes.index(r) % 2],
                "reportgen publish ÷ route (paired median)",
            ),
            "",
        ]
    if bench.warm:
        out += [
            "## Regenerating in a warm process (as `reportgen watch` does)",
            "",
            "| input | median s | min–max s | vs docxtpl + LibreOffice (median, unpaired) |",
            "|---|---:|---:|---:|",
        ]
        for size, times in bench.warm.items():
            peer_route = find(bench, size, "docxtpl")
            versus = (
                f"{statistics.median(times) / statistics.median(peer_route.totals):.2f}"
                if peer_route
                else "–"
            )
            out.append(f"| {SIZE_NAMES[size]} | {seconds(times)} | {spread(times)} | {versus} |")
        out.append("")
    phases = phase_table(bench)
    if phases:
        out += [
            "## reportgen's phases (`--timings`, medians, seconds)",
            "",
            *phases,
            "",
            "The process time also holds interpreter start-up and imports "
            "(importing WeasyPrint alone takes 0.5–0.8 s).",
            "",
        ]
    if bench.failures:
        out += ["## Not measured", ""]
        out += [f"- {section}: {reason}" for section, reason in bench.failures.items()]
        out.append("")
    if bench.notes:
        out += ["## Notes", "", *[f"- {n}" for n in bench.notes], ""]
    return "\n".join(out)


def raw(bench: Bench) -> dict[str, object]:
    return {
        section: [
            {
                "route": r.name,
                "steps": [s.label for s in r.steps],
                "rounds": [
                    [{"wall": s.wall, "rss_mib": s.rss_mib, "phases": s.phases()} for s in run]
                    for run in r.runs
                ],
                "pages": bench.pages.get((section, r.name)),
            }
            for r in routes
        ]
        for section, routes in bench.sections.items()
    }


# -- profiles ---------------------------------------------------------------------------


def profile(bench: Bench, made: inputs.Inputs, results: Path) -> None:
    """pyinstrument profiles of reportgen itself, all in one process.

    The PDF worker is switched off (REPORTGEN_PDF_WORKER=0): pyinstrument
    sees one process, and would otherwise show the parent waiting for it.
    """
    environment = {**os.environ, "REPORTGEN_PDF_WORKER": "0"}
    for size in ("small", "large"):
        source = made.sized[size]
        out = bench.folder("profile", size)
        for renderer, suffix in (("text", "txt"), ("html", "html")):
            target = results / f"profile-{size}.{suffix}"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pyinstrument",
                    "-r",
                    renderer,
                    "-o",
                    str(target),
                    "-m",
                    "reportgen",
                    "generate",
                    str(source),
                    "--output-dir",
                    str(out),
                    "--force",
                ],
                cwd=ROOT,
                env=environment,
                check=True,
                capture_output=True,
            )
        print(f"profile: {results / f'profile-{size}.txt'} (and .html)", file=sys.stderr)


# -- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one round of everything and a batch of 6 (a smoke test)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds for small and medium")
    parser.add_argument("--rounds-large", type=int, default=3)
    parser.add_argument("--rounds-batch", type=int, default=3)
    parser.add_argument("--rounds-startup", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=inputs.BATCH_SIZE)
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated sections: {','.join(SECTIONS)}"
    )
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="seconds to wait before each round for other processes to finish (0: don't)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also write pyinstrument profiles of reportgen generate",
    )
    args = parser.parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if args.quick:
        rounds = {"small": 1, "medium": 1, "large": 1, "batch": 1, "startup": 3}
        batch_size = min(args.batch_size, 6)
    else:
        rounds = {
            "small": args.rounds,
            "medium": args.rounds,
            "large": args.rounds_large,
            "batch": args.rounds_batch,
            "startup": args.rounds_startup,
        }
        batch_size = args.batch_size
    if not shutil.which("soffice"):
        print(
            "LibreOffice (soffice) is not on PATH; install it to compare with it", file=sys.stderr
        )
        return 2

    results = args.results
    results.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now()
    clock = time.perf_counter()
    bench = Bench(results / "work", rounds, batch_size, args.quiet_wait)
    try:
        print("preparing inputs and the docxtpl template …", file=sys.stderr)
        made = bench.prepare()
        print("warming up (one untimed run of every route) …", file=sys.stderr)
        try:
            bench.warm_up(made)
        except CommandFailed as error:
            print(f"warm-up failed: {error}", file=sys.stderr)
        plan: list[tuple[str, Callable[[], None]]] = [
            ("small", lambda: bench.sized("small", made.small)),
            ("medium", lambda: bench.sized("medium", made.medium)),
            ("large", lambda: bench.sized("large", made.large)),
            ("batch", lambda: bench.batch(made.batch)),
            ("startup", lambda: bench.startup(made.small, made.large, made.large_xlsx)),
            ("publish", lambda: bench.publish(made)),
            ("watch", lambda: bench.watch(made)),
        ]
        for section, action in plan:
            if section in only:
                print(f"measuring: {section}", file=sys.stderr)
                try:
                    action()
                except CommandFailed as error:
                    bench.sections.pop(section, None)
                    lines = str(error).strip().splitlines()
                    bench.failures[section] = lines[0] + (
                        f" ({lines[-1]})" if len(lines) > 1 else ""
                    )
                    print(f"{section}: {error}", file=sys.stderr)
        if args.profile:
            profile(bench, made, results)
    finally:
        bench.close()
    text = report(bench, started, time.perf_counter() - clock)
    (results / "latest.md").write_text(text + "\n", encoding="utf-8")
    (results / "latest.json").write_text(json.dumps(raw(bench), indent=1) + "\n", encoding="utf-8")
    print(text)
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
