"""generate and publish with the PDF in a second process: same outputs, errors, no stray process."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SOURCE_DATE_EPOCH, input_with_a_private_use_character, pdf_text
from reportgen.errors import (
    InputError,
    Problem,
    ReportgenError,
    ReviewError,
    TemplateError,
    UsageError,
)
from reportgen.pdf.worker import ENVIRONMENT_SWITCH, PdfWorker, WorkerFailed, worth_forking
from reportgen.pipeline import generate, publish
from reportgen.results import Timings, Warnings
from reportgen.templates import find_template

EXAMPLE = ROOT / "inputs" / "tbilisi-2018-migrant-integration.yaml"

needs_two_cores = pytest.mark.skipif(not worth_forking(), reason="the worker needs two cores")


@pytest.fixture(autouse=True)
def reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.delenv(ENVIRONMENT_SWITCH, raising=False)


def no_worker_left() -> bool:
    return not [p for p in multiprocessing.active_children() if p.name == "reportgen-pdf"]


@needs_two_cores
def test_the_worker_writes_the_same_bytes_as_one_process(tmp_path: Path) -> None:
    assert worth_forking(), "no thread may be left running by an earlier test"
    together = generate(EXAMPLE, tmp_path / "one", overlap=False)
    apart = generate(EXAMPLE, tmp_path / "two", overlap=True)
    assert [p.name for p in apart.written] == [p.name for p in together.written]
    for one, two in zip(together.written, apart.written, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name
    assert "Tbilisi" in pdf_text(apart.written[1])
    assert no_worker_left()


@needs_two_cores
def test_publish_in_the_worker_writes_the_same_bytes_as_in_one_process(tmp_path: Path) -> None:
    docx = generate(EXAMPLE, tmp_path, formats=("docx",)).written[0]
    together = publish(docx, tmp_path / "one.pdf", overlap=False)
    apart = publish(docx, tmp_path / "two.pdf", overlap=True)
    assert apart.written[0].read_bytes() == together.written[0].read_bytes()
    assert list(apart.timings.phases) == ["load", "read", "layout", "write", "tags", "save"]
    assert "Tbilisi" in pdf_text(apart.written[0])
    assert "DRAFT" not in pdf_text(apart.written[0])
    assert no_worker_left()


@needs_two_cores
def test_a_docx_publish_refuses_stops_the_worker_at_once(tmp_path: Path) -> None:
    from reviewed import Reviewer, report, save

    document = report()
    Reviewer("Anna Reviewer").insert(document.paragraphs[1], " A new sentence.")
    reviewed = tmp_path / "reviewed.docx"
    reviewed.write_bytes(save(document))
    with pytest.raises(ReviewError):
        publish(reviewed, overlap=True)
    assert no_worker_left()
    assert not reviewed.with_suffix(".pdf").exists()


@needs_two_cores
def test_the_phases_the_worker_ran_are_reported_with_the_others(tmp_path: Path) -> None:
    outcome = generate(EXAMPLE, tmp_path, overlap=True)
    assert list(outcome.timings.phases) == [
        "load",
        "compose",
        "docx",
        "read",
        "layout",
        "write",
        "tags",
        "save",
    ]
    assert all(seconds > 0 for seconds in outcome.timings.phases.values())


@needs_two_cores
def test_warnings_from_the_pdf_come_back_from_the_worker(tmp_path: Path) -> None:
    source = input_with_a_private_use_character(tmp_path)
    outcome = generate(source, tmp_path / "out", overlap=True)
    assert [str(m) for m in outcome.warnings if "U+E000" in str(m)]
    assert (tmp_path / "out" / "report.pdf").is_file()


@needs_two_cores
def test_an_error_in_the_worker_is_raised_as_the_same_error_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    template = tmp_path / "no-print-css"
    shutil.copytree(ROOT / "templates" / "meeting-report", template)
    (template / "print.css").unlink()
    source = tmp_path / "report.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    source.write_text(
        text.replace("report:\n", f"report:\n  template: {template}\n", 1), encoding="utf-8"
    )
    with pytest.raises(TemplateError) as apart:
        generate(source, tmp_path / "out", overlap=True)
    with pytest.raises(TemplateError) as together:
        generate(source, tmp_path / "out", overlap=False)
    assert apart.value.lines() == together.value.lines()
    assert "print.css" in str(apart.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert no_worker_left()


@needs_two_cores
def test_an_invalid_input_stops_the_worker_at_once(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text("report: {title: 5\n", encoding="utf-8")
    with pytest.raises(InputError):
        generate(source, tmp_path / "out", overlap=True)
    assert no_worker_left()
    assert not (tmp_path / "out").exists()


@needs_two_cores
def test_a_worker_that_dies_is_a_clear_failure_not_a_hang(tmp_path: Path) -> None:
    docx = generate(EXAMPLE, tmp_path, formats=("docx",)).written[0].read_bytes()
    with PdfWorker() as worker:
        os.kill(worker._process.pid, signal.SIGKILL)
        worker._process.join()
        with pytest.raises(WorkerFailed, match="stopped unexpectedly"):
            worker.docx_to_pdf(
                docx, Warnings(), Timings(), template=find_template("meeting-report")
            )
    assert no_worker_left()


@needs_two_cores
def test_the_worker_exits_when_the_command_is_killed(tmp_path: Path) -> None:
    # The command starts the worker, then dies before sending it anything:
    # the worker must not live on.
    script = (
        "import os, signal, sys\n"
        "from reportgen.pdf.worker import PdfWorker\n"
        "worker = PdfWorker()\n"
        "print(worker._process.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    pid = worker_of_killed_command([sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    while running(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            pytest.fail("the PDF worker outlived the command that started it")
        time.sleep(0.1)


@needs_two_cores
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_worker_stops_in_the_middle_of_a_long_render_when_the_command_is_killed(
    tmp_path: Path,
) -> None:
    # A DOCX whose PDF takes several seconds: 1,500 table rows.
    script = tmp_path / "command.py"
    script.write_text(
        "import os, signal\n"
        "from reportgen import documents as d\n"
        "from reportgen.pdf.worker import PdfWorker\n"
        "from reportgen.templates import find_template\n"
        "from reportgen.word.writer import write_docx\n"
        "template = find_template('meeting-report')\n"
        "rows = [d.TableRow([d.TableCell([d.Paragraph([d.Text(f'Person {i} {j}')])])\n"
        "                    for j in range(4)]) for i in range(1500)]\n"
        "docx = write_docx(d.Document([d.Table(rows)]), template)\n"
        "worker = PdfWorker()\n"
        "worker._send(('render', docx, template, None))\n"
        "print(worker._process.pid, flush=True)\n"
        "import time; time.sleep(2)  # it is importing, then laying out\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n",
        encoding="utf-8",
    )
    pid = worker_of_killed_command([sys.executable, str(script)])
    killed = time.monotonic()
    while running(pid):
        if time.monotonic() - killed > 60:
            os.kill(pid, signal.SIGKILL)
            pytest.fail("the PDF worker outlived the command that started it")
        time.sleep(0.05)
    assert time.monotonic() - killed < 2, "it finished the render for nobody"


def worker_of_killed_command(command: list[str]) -> int:
    """Run ``command`` until it dies (it kills itself), and return its worker's pid.

    Not ``subprocess.run``: that would also wait for the worker, which holds
    the command's stdout open.
    """
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        pid = int(process.stdout.readline())
        process.wait(timeout=120)
        return pid


def running(pid: int) -> bool:
    """Alive, and not a zombie waiting for whoever adopted it to reap it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return state.split()[1] not in ("Z", "X")


def test_the_switch_keeps_the_pdf_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENVIRONMENT_SWITCH, "0")
    assert not worth_forking()


def test_a_program_with_other_threads_is_not_forked() -> None:
    import threading

    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not worth_forking()
    finally:
        release.set()
        thread.join()


@pytest.mark.parametrize(
    "error",
    [
        InputError.at("in.yaml", 4, "event.date", "not a date"),
        TemplateError("template 'x' has no print.css", hint="copy one from meeting-report"),
        UsageError("wrong", problems=[Problem("a", None, "", "b")]),
    ],
)
def test_errors_cross_processes_whole(error: ReportgenError) -> None:
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is type(error)
    assert copy.lines() == error.lines()
    assert copy.problems == error.problems
    assert copy.exit_code == error.exit_code


def test_jobs_1_keeps_a_single_report_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen import batch, pipeline

    seen: list[bool] = []
    original = pipeline.generate

    def spy(*args: object, overlap: bool = False, **kwargs: object) -> pipeline.Outcome:
        seen.append(overlap)
        return original(*args, overlap=overlap, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "generate", spy)
    batch.run_batch([EXAMPLE], tmp_path / "one", formats=("docx",), jobs=1)
    batch.run_batch([EXAMPLE], tmp_path / "default", formats=("docx",))
    assert seen == [False, True]
