"""Batches: a folder of twenty inputs, two of them bad, generated in parallel."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import INPUTS, ROOT, SOURCE_DATE_EPOCH

COPIES = 4  # of each example input: 5 examples x 4 = 20 inputs
BAR = "━"  # the character rich draws its progress bar with
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # colours, cursor moves, line erasing


@dataclass(frozen=True)
class Bad:
    """An input made invalid on purpose, and the problem reportgen must report."""

    path: Path
    line: int
    field: str
    words: str  # part of the message


@dataclass(frozen=True)
class Batch:
    folder: Path
    inputs: list[Path]
    bad: list[Bad]

    @property
    def good(self) -> list[Path]:
        broken = {b.path for b in self.bad}
        return [p for p in self.inputs if p not in broken]


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def _line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line holding ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the example input")


def _vary(text: str, copy: int) -> str:
    """Another report of the same kind: the first title line gets a number."""
    lines = text.splitlines(keepends=True)
    line = _line_of(text, "  title: ") - 1
    lines[line] = lines[line].rstrip("\n") + f" ({copy})\n"
    return "".join(lines)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """Twenty inputs varied from the examples: an unknown key in one, an unknown topic in one."""
    folder = tmp_path_factory.mktemp("season") / "inputs"
    folder.mkdir()
    for spreadsheet in INPUTS[0].parent.glob("*.xlsx"):  # participant lists the inputs name
        shutil.copy(spreadsheet, folder)
    paths: list[Path] = []
    bad: list[Bad] = []
    for copy in range(1, COPIES + 1):
        for example in INPUTS:
            text = _vary(example.read_text(encoding="utf-8"), copy)
            path = folder / f"{copy:02d}-{example.name}"
            if copy == 3 and example.name == "tbilisi-2018-migrant-integration.yaml":
                text = text.replace("  language: en\n", "  langauge: en\n", 1)
                bad.append(
                    Bad(
                        path,
                        _line_of(text, "langauge"),
                        "report.langauge",
                        "did you mean `language`?",
                    )
                )
            if copy == 4 and example.name == "vienna-2019-hate-crime-data.yaml":
                head, recommendations = text.split("\nrecommendations:\n")
                recommendations = recommendations.replace(
                    "    topic: recording\n", "    topic: recordng\n", 1
                )
                text = f"{head}\nrecommendations:\n{recommendations}"
                before = recommendations[: recommendations.index("topic: recordng")]
                number = before.count("  - ") - 1
                bad.append(
                    Bad(
                        path,
                        _line_of(text, "topic: recordng"),
                        f"recommendations[{number}].topic",
                        "recordng",
                    )
                )
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    assert len(paths) == 20 and len(bad) == 2
    return Batch(folder, sorted(paths), bad)


def _environment() -> dict[str, str]:
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "REPORTGEN_TEMPLATES": str(ROOT / "templates"),
        "TERM": "xterm-256color",
    }
    # Settings that would make rich draw differently from a plain terminal.
    for name in (
        "NO_COLOR",
        "FORCE_COLOR",
        "TTY_COMPATIBLE",
        "TTY_INTERACTIVE",
        "COLUMNS",
        "LINES",
    ):
        env.pop(name, None)
    return env


def _reportgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "reportgen", *args]


def written(outdir: Path) -> list[Path]:
    """The reports in a folder (the hidden lock files of the runs are not reports)."""
    return sorted(p for p in outdir.iterdir() if not p.name.startswith("."))


def run_in_pipe(*args: str) -> Run:
    result = subprocess.run(
        _reportgen(*args),
        capture_output=True,
        text=True,
        timeout=600,
        env=_environment(),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def run_on_terminal(*args: str) -> Run:
    """Standard error on a pseudo-terminal (as in a shell), standard output into a pipe."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    try:
        process = subprocess.Popen(
            _reportgen(*args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=_environment(),
        )
    finally:
        os.close(slave)
    chunks: list[bytes] = []

    def read_terminal() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    try:
        stdout, _ = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=30)
        os.close(master)
    # The terminal turns "\n" into "\r\n".
    terminal = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return Run(process.returncode, stdout.decode("utf-8"), terminal)


def as_seen(terminal: str) -> list[str]:
    """The lines a person reads: control sequences out, each line as its last redraw left it."""
    return [line.rsplit("\r", 1)[-1] for line in CONTROL.sub("", terminal).split("\n")]


@pytest.fixture(scope="module")
def on_terminal(batch: Batch, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """The whole batch, DOCX and PDF, generated once as a person would from a shell."""
    outdir = tmp_path_factory.mktemp("season-outputs")
    return outdir, run_on_terminal("generate", str(batch.folder), "--output-dir", str(outdir))


@pytest.fixture(scope="module")
def as_json(batch: Batch, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """The batch again for a program: --json, into a pipe (DOCX only, to keep it quick)."""
    outdir = tmp_path_factory.mktemp("season-json")
    return outdir, run_in_pipe(
        "generate", str(batch.folder), "--output-dir", str(outdir), "--json", "--format", "docx"
    )


def test_a_batch_with_two_bad_inputs_writes_the_other_eighteen_reports(
    batch: Batch, on_terminal: tuple[Path, Run]
) -> None:
    outdir, run = on_terminal
    assert run.returncode == 1
    expected = {f"{p.stem}.{ext}" for p in batch.good for ext in ("docx", "pdf")}
    assert {p.name for p in written(outdir)} == expected
    assert len(expected) == 36
    for path in written(outdir):
        magic = b"PK\x03\x04" if path.suffix == ".docx" else b"%PDF-"
        assert path.read_bytes().startswith(magic), path
    # Standard output lists exactly the files written, one per line.
    assert sorted(run.stdout.splitlines()) == sorted(str(outdir / name) for name in expected)


def test_the_bad_inputs_are_listed_with_file_and_line(
    batch: Batch, on_terminal: tuple[Path, Run]
) -> None:
    _, run = on_terminal
    for bad in batch.bad:
        located = [
            line
            for line in as_seen(run.stderr)
            if line.startswith(f"{bad.path}:{bad.line}: {bad.field}: ")
        ]
        assert len(located) == 1, (bad, run.stderr)
        assert bad.words in located[0]
    assert "18 of 20 reports written, 2 failed" in run.stderr
    assert "Traceback" not in run.stderr


def test_on_a_terminal_a_progress_bar_shows_the_batch(
    batch: Batch, on_terminal: tuple[Path, Run]
) -> None:
    _, run = on_terminal
    assert "generating" in run.stderr
    assert BAR in run.stderr
    assert "20/20" in run.stderr
    assert "\x1b[" in run.stderr  # drawn with terminal control sequences
    seen = as_seen(run.stderr)
    for path in batch.good:
        assert f"done {path}" in seen
    for bad in batch.bad:
        assert f"failed {bad.path}" in seen


def test_in_a_pipe_there_is_no_progress_bar_only_plain_lines(batch: Batch, tmp_path: Path) -> None:
    # Three of the inputs, one of them bad, named one by one (DOCX only, to keep it quick).
    bad = batch.bad[0]
    good = [p for p in batch.good if p.name.startswith("01-")][:2]
    run = run_in_pipe(
        "generate",
        *(str(p) for p in [*good, bad.path]),
        "--output-dir",
        str(tmp_path),
        "--format",
        "docx",
    )
    assert run.returncode == 1
    assert "\x1b[" not in run.stderr + run.stdout
    assert BAR not in run.stderr
    assert "generating" not in run.stderr
    assert run.stdout.splitlines() == [str(tmp_path / f"{p.stem}.docx") for p in good]
    assert run.stderr.splitlines() == [
        *[line for line in run.stderr.splitlines() if line.startswith(f"{bad.path}:")],
        "2 of 3 reports written, 1 failed",
    ]
    assert f"{bad.path}:{bad.line}: {bad.field}: " in run.stderr


def test_json_gives_every_result_in_input_order(batch: Batch, as_json: tuple[Path, Run]) -> None:
    _, run = as_json
    assert run.returncode == 1
    results = json.loads(run.stdout)["results"]
    assert [r["source"] for r in results] == [str(p) for p in batch.inputs]
    keys = {"source", "ok", "written", "backups", "warnings", "errors", "exit_code", "timings"}
    for result in results:
        assert set(result) == keys
        assert isinstance(result["warnings"], list)
        assert all(isinstance(w, str) for w in result["warnings"])


def test_json_lists_the_paths_written_for_each_good_input(
    batch: Batch, as_json: tuple[Path, Run]
) -> None:
    outdir, run = as_json
    results = {r["source"]: r for r in json.loads(run.stdout)["results"]}
    for path in batch.good:
        result = results[str(path)]
        assert result["ok"] is True
        assert result["exit_code"] == 0
        assert result["errors"] == []
        assert result["written"] == [str(outdir / f"{path.stem}.docx")]
        assert Path(result["written"][0]).is_file()
        assert {"load", "compose", "docx", "save"} <= set(result["timings"])
    assert len(written(outdir)) == 18


def test_json_gives_each_error_with_file_line_field_and_message(
    batch: Batch, as_json: tuple[Path, Run]
) -> None:
    _, run = as_json
    results = {r["source"]: r for r in json.loads(run.stdout)["results"]}
    for bad in batch.bad:
        result = results[str(bad.path)]
        assert result["ok"] is False
        assert result["exit_code"] == 1
        assert result["written"] == []
        [error] = result["errors"]
        assert error["file"] == str(bad.path)
        assert error["line"] == bad.line
        assert error["field"] == bad.field
        assert bad.words in error["message"]
    # People still read the errors on standard error; the JSON is all of standard output.
    for bad in batch.bad:
        assert f"{bad.path}:{bad.line}: {bad.field}: " in run.stderr
