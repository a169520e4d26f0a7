"""Nothing lost (spec/cli.md): killed runs, edited and foreign DOCX files, locks, disk errors.

Every test drives the real command line in a subprocess, as a rapporteur
would, and reads the files back as Word, a PDF reader or a zip tool would.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from filelock import FileLock

from conftest import ROOT, libreoffice_convert
from ooxml import save
from reportgen.errors import UsageError
from reportgen.files import locks
from reportgen.files.edited import docx_state

sys.path.insert(0, str(ROOT / "bench"))
import kill_stress  # the stress script's trials, a few of them here

STEM = kill_stress.STEM


def reportgen(*args: str, env: dict[str, str] | None = None,
              preexec_fn=None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    result = subprocess.run(
        kill_stress.command(*args), capture_output=True, text=True, timeout=300,
        env={**kill_stress.environment(), **(env or {})}, preexec_fn=preexec_fn,
    )  # fmt: skip
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> kill_stress.Scenario:
    """Old and new outputs of one report (generated once), and a folder to replace them in."""
    return kill_stress.prepare(tmp_path_factory.mktemp("nothing-lost"))


@pytest.fixture()
def outdir(scenario: kill_stress.Scenario) -> Path:
    """The output folder, holding the old outputs and nothing else."""
    kill_stress.reset(scenario)
    return scenario.outdir


def state(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` but the lock file (which a run may create and leaves)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and p.name != kill_stress.LOCK}  # fmt: skip


def assert_new_outputs(scenario: kill_stress.Scenario, folder: Path,
                       names: tuple[str, ...] = kill_stress.OUTPUTS) -> None:  # fmt: skip
    for name in names:
        data = (folder / name).read_bytes()
        assert data == scenario.new[name], name
        assert kill_stress.complete(name, data) is None


# -- a run killed at any moment ----------------------------------------------------------


@pytest.mark.parametrize(("mode", "seed"), [("random", 1), ("random", 2), ("random", 3),
                                            ("writing", 4), ("writing", 5)])  # fmt: skip
def test_a_killed_run_leaves_each_output_old_or_new_and_complete(
    scenario: kill_stress.Scenario, mode: str, seed: int
) -> None:
    # bench/kill_stress.py runs the same trial 60 times and more.
    trial = kill_stress.run_trial(scenario, random.Random(seed), mode)  # noqa: S311
    assert trial.problems == []
    assert trial.moment in ("before", "during", "after")


def test_the_next_run_removes_temporary_files_a_killed_run_left_an_hour_ago(
    scenario: kill_stress.Scenario, outdir: Path
) -> None:
    stale = outdir / f".{STEM}.docx.k1ll3d.tmp"
    recent = outdir / f".{STEM}.pdf.r3c3nt.tmp"
    someone_elses = outdir / ".notes.txt.tmp"
    for path in (stale, recent, someone_elses):
        path.write_bytes(b"half a file")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(someone_elses, (two_hours_ago, two_hours_ago))

    assert reportgen("generate", str(scenario.source), "-o", str(outdir)).returncode == 0
    assert_new_outputs(scenario, outdir)
    assert not stale.exists()
    # A recent one may belong to a run still writing; a file not of these outputs is not ours.
    assert recent.exists() and someone_elses.exists()


# -- a DOCX a reviewer edited ----------------------------------------------------------------


def edit_with_python_docx(path: Path, work: Path) -> None:
    document = docx.Document(str(path))
    paragraph = next(p for p in document.paragraphs if "sentence 3" in p.text)
    paragraph.text = "The reviewer rewrote this paragraph."
    path.write_bytes(save(document))


def edit_with_libreoffice(path: Path, work: Path) -> None:
    # Open and save again as Word 2007 XML, into another folder, then over the file.
    saved = libreoffice_convert(path, "docx:MS Word 2007 XML", work)
    shutil.copyfile(saved, path)


@pytest.mark.parametrize("edit", [edit_with_python_docx, edit_with_libreoffice],
                         ids=["python-docx", "libreoffice"])  # fmt: skip
def test_generate_refuses_to_replace_an_edited_docx_and_force_keeps_it(
    scenario: kill_stress.Scenario, outdir: Path, tmp_path: Path, edit
) -> None:
    docx_path = outdir / f"{STEM}.docx"
    edit(docx_path, tmp_path)
    edited = docx_path.read_bytes()
    assert docx_state(docx_path) == "edited"
    before = state(outdir)

    refused = reportgen("generate", str(scenario.source), "-o", str(outdir), "--format", "docx")
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[:2] == [
        f"{docx_path}: this DOCX was edited since reportgen wrote it; not replacing it",
        f"hint: take the reviewers' edits into the input with `reportgen absorb {docx_path} "
        f"--write`, publish it with `reportgen publish {docx_path}`, or regenerate with --force "
        "(the file is kept as <name>.edited-<date>-<time>.docx)",
    ]
    assert state(outdir) == before

    forced = reportgen("generate", str(scenario.source), "-o", str(outdir), "--format", "docx",
                       "--force")  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    backups = sorted(outdir.glob(f"{STEM}.edited-*.docx"))
    assert len(backups) == 1
    assert re.fullmatch(rf"{STEM}\.edited-\d{{8}}-\d{{6}}\.docx", backups[0].name)
    assert backups[0].read_bytes() == edited
    assert f"kept the edited DOCX as {backups[0]}" in forced.stderr
    assert_new_outputs(scenario, outdir, (f"{STEM}.docx",))


@pytest.mark.parametrize("kind", ["a Word document", "not a DOCX at all"])
def test_someones_own_file_named_like_the_output_is_not_replaced_without_force(
    scenario: kill_stress.Scenario, outdir: Path, kind: str
) -> None:
    docx_path = outdir / f"{STEM}.docx"
    if kind == "a Word document":
        own = docx.Document()
        own.add_paragraph("My own report, written by hand.")
        docx_path.write_bytes(save(own))
    else:
        docx_path.write_text("notes I keep here")
    mine = docx_path.read_bytes()

    refused = reportgen("generate", str(scenario.source), "-o", str(outdir), "--format", "docx")
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f"{docx_path}: this file was not written by reportgen (it has no reportgen "
        "fingerprint); not replacing it\nhint: move it away, choose another --output-dir, "
        "or regenerate with --force"
    )
    assert docx_path.read_bytes() == mine

    forced = reportgen("generate", str(scenario.source), "-o", str(outdir), "--format", "docx",
                       "--force")  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    (backup,) = outdir.glob(f"{STEM}.edited-*.docx")
    assert backup.read_bytes() == mine
    assert docx_path.read_bytes() == scenario.new[f"{STEM}.docx"]


# -- two runs at once ----------------------------------------------------------------------


def test_two_runs_on_the_same_outputs_at_once_both_succeed(
    scenario: kill_stress.Scenario, outdir: Path
) -> None:
    for _ in range(3):
        kill_stress.reset(scenario)
        runs = [subprocess.Popen(kill_stress.command("generate", str(scenario.source), "-o",
                                                     str(outdir)),
                                 env=kill_stress.environment(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
                for _ in range(2)]  # fmt: skip
        for run in runs:
            _, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
            assert "Traceback" not in err
        assert_new_outputs(scenario, outdir)
        assert sorted(os.listdir(outdir)) == sorted([*kill_stress.OUTPUTS, kill_stress.LOCK])


def test_a_run_that_cannot_get_the_lock_says_who_holds_it(
    scenario: kill_stress.Scenario, outdir: Path
) -> None:
    before = state(outdir)
    with FileLock(str(outdir / kill_stress.LOCK)):
        started = time.perf_counter()
        result = reportgen("generate", str(scenario.source), "-o", str(outdir), "--format",
                           "docx", env={"REPORTGEN_LOCK_TIMEOUT": "0.5"})  # fmt: skip
        waited = time.perf_counter() - started
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"{outdir / STEM}.*: another run is writing these outputs: process {os.getpid()} ("
    )
    assert lines[0].endswith(f"has held the lock {outdir / kill_stress.LOCK} for over 0.5 s")
    assert lines[1].startswith("hint: wait for it to finish, or set REPORTGEN_LOCK_TIMEOUT")
    assert state(outdir) == before
    assert waited < 60


def test_publish_waits_for_the_lock_of_the_pdf_it_writes(
    scenario: kill_stress.Scenario, outdir: Path, tmp_path: Path
) -> None:
    reviewed = tmp_path / f"{STEM}.docx"
    shutil.copy(outdir / f"{STEM}.docx", reviewed)
    target = outdir / f"{STEM}.pdf"
    before = state(outdir)
    with FileLock(str(outdir / kill_stress.LOCK)):
        result = reportgen("publish", str(reviewed), "--output", str(target),
                           env={"REPORTGEN_LOCK_TIMEOUT": "0.5"})  # fmt: skip
    assert result.returncode == 1
    assert "another run is writing these outputs" in result.stderr.splitlines()[0]
    assert state(outdir) == before
    # Once the lock is free, the same command writes the PDF.
    assert reportgen("publish", str(reviewed), "--output", str(target)).returncode == 0
    assert target.read_bytes() != before.get(target.name)


def test_the_lock_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPORTGEN_LOCK_TIMEOUT", raising=False)
    assert locks.lock_timeout() == 120
    monkeypatch.setenv("REPORTGEN_LOCK_TIMEOUT", "2.5")
    assert locks.lock_timeout() == 2.5
    for wrong in ("soon", "-1", "nan", "inf"):
        monkeypatch.setenv("REPORTGEN_LOCK_TIMEOUT", wrong)
        with pytest.raises(UsageError, match="expected a number of seconds"):
            locks.lock_timeout()


# -- the file system says no ---------------------------------------------------------------


def test_an_output_folder_that_is_a_file_is_a_clear_error(
    scenario: kill_stress.Scenario, tmp_path: Path
) -> None:
    in_the_way = tmp_path / "outputs"
    in_the_way.write_text("a file, not a folder")
    for target in (in_the_way, in_the_way / "2019"):
        result = reportgen("generate", str(scenario.source), "-o", str(target))
        assert result.returncode == 1
        assert result.stderr.startswith(
            f"cannot write into {target}: {in_the_way} is a file, not a folder\n"
        )
    assert in_the_way.read_text() == "a file, not a folder"


def test_a_folder_where_an_output_should_be_is_a_clear_error(
    scenario: kill_stress.Scenario, outdir: Path
) -> None:
    (outdir / f"{STEM}.docx").unlink()
    (outdir / f"{STEM}.docx").mkdir()
    result = reportgen("generate", str(scenario.source), "-o", str(outdir), "--format", "docx")
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"cannot write {outdir / STEM}.docx: a folder of that name is in the way\n"
    )
    assert (outdir / f"{STEM}.pdf").read_bytes() == scenario.old[f"{STEM}.pdf"]


def _writable(folder: Path) -> bool:
    try:
        (folder / ".probe").touch()
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` read-only even for root (who ignores permissions: then chattr +i)."""
    folder.chmod(0o555)
    immutable = False
    try:
        if _writable(folder):
            with contextlib.suppress(OSError):
                immutable = subprocess.run(["chattr", "+i", str(folder)],
                                           capture_output=True).returncode == 0  # fmt: skip
            if not immutable or _writable(folder):
                pytest.skip("cannot make a folder read-only here (root without chattr)")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_a_read_only_output_folder_is_a_clear_error(
    scenario: kill_stress.Scenario, outdir: Path
) -> None:
    before = state(outdir)
    with read_only(outdir):
        result = reportgen("generate", str(scenario.source), "-o", str(outdir), "--format",
                           "docx")  # fmt: skip
    assert result.returncode == 1
    assert re.match(
        rf"cannot write (into )?{re.escape(str(outdir))}\S*: "
        r"(Permission denied|Operation not permitted|Read-only file system)\n"
        r"hint: check that you may write to that folder, or choose another --output-dir\n",
        result.stderr,
    ), result.stderr
    assert state(outdir) == before


def _small_files_only() -> None:
    # As when the disk fills up: writing past 20 kB fails (EFBIG, "File too large").
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_a_disk_that_refuses_the_write_is_a_clear_error_and_the_old_outputs_stay(
    scenario: kill_stress.Scenario, outdir: Path
) -> None:
    before = state(outdir)
    result = reportgen("generate", str(scenario.source), "-o", str(outdir), "--format", "docx",
                       preexec_fn=_small_files_only)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"cannot write {outdir / STEM}.docx: File too large\n"
        "hint: free some disk space, or choose another --output-dir\n"
    ), result.stderr
    assert state(outdir) == before  # and no temporary file left behind


# -- the same bytes again ----------------------------------------------------------------------


def test_the_same_input_and_source_date_epoch_give_the_same_bytes(
    scenario: kill_stress.Scenario, tmp_path: Path
) -> None:
    result = reportgen("generate", str(scenario.source), "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert state(tmp_path) == scenario.new
