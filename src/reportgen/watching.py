"""``reportgen watch``: regenerate whenever the input, its spreadsheet or its template changes."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import ReportgenError


def watched_paths(source: Path, previous: list[Path] | None = None) -> list[Path]:
    """The input file, the participant spreadsheet it names, and its template's folder.

    While the input cannot be read (it has an error), the template watched
    before stays watched; at first, the default template is.  The
    spreadsheet is watched even then: fixing it is how the error goes.
    """
    from .source import referenced_files

    paths = [source.resolve(), *referenced_files(source)]
    try:
        from .source import load_workshop
        from .templates import find_template

        workshop = load_workshop(source)
        paths.append(find_template(workshop.report.template, base=source.parent).folder)
    except ReportgenError:
        if previous:
            return [*paths, *(p for p in previous if p not in paths and p.is_dir())]
        from .templates import DEFAULT_TEMPLATE, find_template

        with contextlib.suppress(ReportgenError):
            paths.append(find_template(DEFAULT_TEMPLATE).folder)
    return paths


def run_once(source: Path, output_dir: Path, formats: tuple[str, ...], force: bool) -> str:
    """Generate once; one status line, whatever happened."""
    from .batch import generate_one

    started = time.perf_counter()
    result = generate_one(source, output_dir, formats, force)
    seconds = time.perf_counter() - started
    stamp = time.strftime("%H:%M:%S")
    if result.error_lines:
        return f"[{stamp}] {source}: failed\n" + "\n".join(result.error_lines)
    warnings = f", {len(result.warnings)} warning(s)" if result.warnings else ""
    return f"[{stamp}] {source}: wrote {', '.join(result.written)} in {seconds:.1f} s{warnings}"


def watch_and_generate(
    source: Path,
    output_dir: Path,
    *,
    formats: tuple[str, ...],
    force: bool,
    echo: Callable[[str], None],
    changes: Iterable[object] | None = None,
) -> None:
    """Generate now, then again after every change, until interrupted (Ctrl-C).

    Errors are shown and the watch goes on: the next save may fix them.
    When the input comes to name another template, that template is watched
    instead.  ``changes`` replaces the file watcher (each item is one batch
    of changes).
    """
    running = True
    try:
        echo(run_once(source, output_dir, formats, force))
        running = False
        if changes is not None:
            for _batch in changes:
                running = True
                echo(run_once(source, output_dir, formats, force))
                running = False
            return
        paths: list[Path] | None = watched_paths(source)
        while paths:
            echo(f"watching {', '.join(str(p) for p in paths)} (Ctrl-C to stop)")
            following, paths = paths, None
            for _batch in _file_changes(following):
                running = True
                echo(run_once(source, output_dir, formats, force))
                running = False
                now = watched_paths(source, following)
                if now != following:
                    paths = now
                    break
    except KeyboardInterrupt:
        # Ctrl-C is how a watch ends; outputs are replaced atomically, so a
        # run cut short leaves the previous files as they were.
        echo(
            "stopped watching"
            + (
                "; the run in progress was abandoned and the outputs "
                "already in place were left untouched"
                if running
                else ""
            )
        )


def _file_changes(paths: list[Path]) -> Iterator[object]:
    """Batches of changes to the given files and folders, as they happen."""
    from watchfiles import watch

    # The input's folder is watched, not the file: editors save by replacing
    # the file, which a watch on the file itself would lose.
    folders = {p if p.is_dir() else p.parent for p in paths}
    relevant = set(paths)

    def interesting(_change: object, path: str) -> bool:
        resolved = Path(path).resolve()
        return any(resolved == p or p in resolved.parents for p in relevant)

    return watch(*folders, watch_filter=interesting, debounce=300)
