"""Generating many reports at once, in parallel across the machine's cores."""

from __future__ import annotations

import os
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EXIT_BUG, ReportgenError

if TYPE_CHECKING:
    from concurrent.futures import Future


@dataclass
class BatchResult:
    """The outcome of one input, in plain values (it crosses process boundaries)."""

    source: str
    written: list[str] = field(default_factory=list)
    backups: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error_lines: list[str] = field(default_factory=list)
    errors: list[dict[str, object]] = field(default_factory=list)
    exit_code: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["ok"] = not self.error_lines
        del data["error_lines"]
        return data


def generate_one(
    source: Path, output_dir: Path, formats: tuple[str, ...], force: bool, overlap: bool = False
) -> BatchResult:
    """Run the pipeline on one input; every failure becomes part of the result."""
    from .pipeline import generate

    result = BatchResult(str(source))
    try:
        outcome = generate(source, output_dir, formats=formats, force=force, overlap=overlap)
    except ReportgenError as error:
        result.error_lines = error.lines()
        result.exit_code = error.exit_code
        result.errors = [p.as_json() for p in error.problems] or [
            {"file": str(source), "line": None, "field": "", "message": error.message}
        ]
        return result
    except Exception:
        result.error_lines = [
            *traceback.format_exc().rstrip().splitlines(),
            f"{source}: this is a bug in reportgen, not a problem with your file; please report it",
        ]
        result.exit_code = EXIT_BUG
        result.errors = [
            {
                "file": str(source),
                "line": None,
                "field": "",
                "message": "internal error (a bug in reportgen)",
            }
        ]
        return result
    result.written = [str(p) for p in outcome.written]
    result.backups = [str(p) for p in outcome.backups]
    result.warnings = [str(m) for m in outcome.warnings]
    result.timings = dict(outcome.timings.phases)
    return result


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_batch(
    sources: list[Path],
    output_dir: Path,
    *,
    formats: tuple[str, ...],
    force: bool = False,
    jobs: int | None = None,
    progress: bool = False,
) -> list[BatchResult]:
    """Generate every input; results come back in the order of ``sources``."""
    # One report may use a second process for its PDF half (pipeline.generate's
    # overlap), unless asked to keep to one (--jobs 1).
    overlap = len(sources) == 1 and jobs != 1
    jobs = min(jobs or default_jobs(), len(sources))
    bar = _ProgressBar(len(sources)) if progress else None
    results: dict[int, BatchResult] = {}
    try:
        if jobs <= 1:
            # Several reports one after another share this process's warm
            # WeasyPrint; a single one may overlap (above).
            for index, source in enumerate(sources):
                if bar:
                    bar.started(source)
                results[index] = generate_one(source, output_dir, formats, force, overlap)
                if bar:
                    bar.finished(results[index])
        else:
            # Import the heavy libraries once, before forking, so that each
            # worker starts with them loaded (and shares their pages).
            # (The pool's modules too: a single report does without them.)
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            from . import pipeline  # noqa: F401
            from .pdf.patches import import_weasyprint

            import_weasyprint()

            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures: dict[Future[BatchResult], int] = {
                    pool.submit(generate_one, source, output_dir, formats, force): index
                    for index, source in enumerate(sources)
                }
                for future in as_completed(futures):
                    index = futures[future]
                    results[index] = future.result()
                    if bar:
                        bar.finished(results[index])
    finally:
        if bar:
            bar.close()
    return [results[i] for i in range(len(sources))]


class _ProgressBar:
    """A rich progress bar on a terminal: one line per finished report, a bar for the rest."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("generating"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=self.console,
            transient=True,
        )
        self.task = self.progress.add_task("", total=total)
        self.progress.start()

    def started(self, source: Path) -> None:
        self.progress.update(self.task, description=source.name)

    def finished(self, result: BatchResult) -> None:
        mark = "[red]failed[/red]" if result.error_lines else "[green]done[/green]"
        self.console.print(f"{mark} {result.source}", highlight=False)
        self.progress.advance(self.task)

    def close(self) -> None:
        self.progress.stop()
