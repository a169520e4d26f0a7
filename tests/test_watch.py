"""``reportgen watch``: one status line per run, errors shown, the watch goes on until Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from docx import Document as open_docx

from reportgen.starter import starter_text

ROOT = Path(__file__).resolve().parents[1]
STATUS = re.compile(r"^\[\d\d:\d\d:\d\d\] (?P<source>.+?): (?P<what>wrote|failed)\b")
WAIT = 45.0  # seconds for one run to be reported; a run takes a few
SETTLE = 1.0  # seconds for the file watcher to start (or to settle after a run)


def _default_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Watch:
    """A running ``reportgen watch``, and the lines it has written to standard error."""

    def __init__(self, source: Path, outdir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reportgen", "watch", str(source), "--output-dir", str(outdir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "REPORTGEN_TEMPLATES": str(ROOT / "templates")},
            # A shell running the tests in the background ignores Ctrl-C, and its
            # children inherit that; the watch must take Ctrl-C as a user gives it.
            preexec_fn=_default_interrupt,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, deadline: float) -> str:
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no more output; so far: {self.seen}") from None
        if line is None:
            raise AssertionError(f"the watch ended; it wrote: {self.seen}")
        self.seen.append(line)
        return line

    def status(self) -> tuple[str, list[str]]:
        """The next status line ("wrote" or "failed") and the lines that came before it."""
        deadline = time.monotonic() + WAIT
        before = []
        while True:
            line = self.next_line(deadline)
            match = STATUS.match(line)
            if match:
                return match["what"], before
            before.append(line)

    def lines_until(self, pattern: str) -> list[str]:
        deadline = time.monotonic() + WAIT
        out = []
        while True:
            out.append(self.next_line(deadline))
            if re.search(pattern, out[-1]):
                return out

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a person stops it; the exit status and what it wrote after."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        rest = []
        while (line := self.lines.get(timeout=10)) is not None:
            rest.append(line)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return self.process.returncode, "\n".join(rest)


def save(path: Path, text: str) -> None:
    """Save as editors do: write a new file beside it and rename it over the old one."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    time.sleep(0.05)


def heading_color(docx: Path) -> str:
    return str(open_docx(str(docx)).styles["Heading 1"].font.color.rgb)


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A starter input that names a copy of the meeting-report template by path."""
    house = tmp_path / "house"
    shutil.copytree(ROOT / "templates" / "meeting-report", house)
    source = tmp_path / "workshop.yaml"
    text = starter_text().replace("  template: meeting-report   ", "  template: ./house          ")
    assert "template: ./house" in text
    source.write_text(text, encoding="utf-8")
    return source, house, tmp_path / "out"


def test_watch_regenerates_on_each_change_and_survives_errors(
    workspace: tuple[Path, Path, Path],
) -> None:
    source, house, outdir = workspace
    docx, pdf = outdir / "workshop.docx", outdir / "workshop.pdf"
    original = source.read_text(encoding="utf-8")
    watch = Watch(source, outdir)
    try:
        what, _ = watch.status()
        assert what == "wrote", watch.seen
        assert str(docx) in watch.seen[-1] and str(pdf) in watch.seen[-1]
        watch.lines_until(r"^watching .*\(Ctrl-C to stop\)$")
        assert str(house) in watch.seen[-1]
        time.sleep(SETTLE)

        # A valid change: a new title, in both outputs.
        first_pdf = pdf.read_bytes()
        retitled = original.replace(
            "  title: Expert Workshop on a Topic ", "  title: Workshop on Watching Files ", 1
        )
        save(source, retitled)
        assert watch.status()[0] == "wrote", watch.seen
        assert open_docx(str(docx)).core_properties.title == "Workshop on Watching Files"
        assert pdf.read_bytes() != first_pdf

        # An error: reported with its place, nothing written, and the watch goes on.
        time.sleep(SETTLE)
        before = (docx.read_bytes(), pdf.read_bytes())
        broken = retitled.replace("  date: 2026-12-15 ", "  date: 2026-12-45 ", 1)
        line = next(n for n, text in enumerate(broken.splitlines(), 1) if "2026-12-45" in text)
        save(source, broken)
        assert watch.status()[0] == "failed", watch.seen
        error = watch.next_line(time.monotonic() + WAIT)
        assert error.startswith(f"{source}:{line}: report.date: "), watch.seen
        assert "not a date" in error
        assert watch.process.poll() is None
        assert (docx.read_bytes(), pdf.read_bytes()) == before

        # Fixed: generated again.
        time.sleep(SETTLE)
        save(source, retitled)
        assert watch.status()[0] == "wrote", watch.seen

        # A change to the template the input names: generated again, in the new colour.
        time.sleep(SETTLE)
        assert heading_color(docx) == "00558C"
        theme = house / "theme.yaml"
        save(theme, theme.read_text(encoding="utf-8").replace('"#00558c"', '"#7a1f5c"'))
        assert watch.status()[0] == "wrote", watch.seen
        assert heading_color(docx) == "7A1F5C"
    finally:
        code, after = watch.stop()
    assert code == 0, after
    assert "stopped watching" in after
    assert "Traceback" not in "\n".join(watch.seen) + after


def test_a_change_beside_the_input_is_not_a_reason_to_generate(
    workspace: tuple[Path, Path, Path],
) -> None:
    source, _, outdir = workspace
    watch = Watch(source, outdir)
    try:
        assert watch.status()[0] == "wrote", watch.seen
        watch.lines_until(r"^watching ")
        time.sleep(SETTLE)
        (source.parent / "notes.txt").write_text("not an input", encoding="utf-8")
        (source.parent / "other.yaml").write_text("report: {}\n", encoding="utf-8")
        time.sleep(2 * SETTLE)
        assert watch.lines.empty(), watch.seen
    finally:
        code, after = watch.stop()
    assert code == 0, after


def test_watch_regenerates_when_the_participant_spreadsheet_changes(tmp_path: Path) -> None:
    source = tmp_path / "workshop.yaml"
    registrations = tmp_path / "registrations.csv"
    registrations.write_text("Name,Gender\nAna Kapanadze,woman\n", encoding="utf-8")
    text = re.sub(
        r"  women: 8 .*\n  men: 7\n", "  list_file: registrations.csv\n", starter_text(), count=1
    )
    assert "list_file: registrations.csv" in text
    source.write_text(text, encoding="utf-8")
    outdir = tmp_path / "out"
    docx = outdir / "workshop.docx"
    watch = Watch(source, outdir)
    try:
        assert watch.status()[0] == "wrote", watch.seen
        watch.lines_until(r"^watching ")
        assert str(registrations) in watch.seen[-1]
        assert "one woman" in docx_text(docx)
        time.sleep(SETTLE)

        # A person added in the spreadsheet: generated again, counted.
        save(registrations, "Name,Gender\nAna Kapanadze,woman\nVasco Malta,man\n")
        assert watch.status()[0] == "wrote", watch.seen
        assert "one woman and one man" in docx_text(docx)

        # A mistake in the spreadsheet: located in it; fixing it generates again.
        time.sleep(SETTLE)
        save(registrations, "Name,Gender\nAna Kapanadze,woman\nVasco Malta,M\n")
        assert watch.status()[0] == "failed", watch.seen
        error = watch.next_line(time.monotonic() + WAIT)
        assert error.startswith(f'{registrations}:3: gender: "M" is not one of'), watch.seen
        time.sleep(SETTLE)
        save(registrations, "Name,Gender\nAna Kapanadze,woman\nVasco Malta,man\nJane Doe,woman\n")
        assert watch.status()[0] == "wrote", watch.seen
        assert "two women and one man" in docx_text(docx)
    finally:
        code, after = watch.stop()
    assert code == 0, after


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in open_docx(str(path)).paragraphs)
