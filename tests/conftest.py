"""Shared fixtures: the example reports generated once, LibreOffice as a second client."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from reportgen.source.model import Event, Participants, Report, Topic, Workshop

# Property tests draw the same examples on every run, so that `make test` (and
# CI) passes or fails the same way twice; HYPOTHESIS_PROFILE=explore draws new
# ones, to look for more trouble.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parents[1]
INPUTS = sorted((ROOT / "inputs").glob("*.yaml"))
SOURCE_DATE_EPOCH = "1550188800"  # 2019-02-15, so that outputs are reproducible


@dataclass(frozen=True)
class Generated:
    """One example input and the DOCX and PDF reportgen wrote for it."""

    source: Path
    docx: Path
    pdf: Path


def pdf_text(
    pdf: Path, *, first: int | None = None, last: int | None = None, layout: bool = False
) -> str:
    """What a reader sees: pdftotext's text of the PDF (or of some pages)."""
    command = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        command.append("-layout")
    if first is not None:
        command += ["-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    return subprocess.run(
        [*command, str(pdf), "-"], capture_output=True, check=True, text=True, timeout=120
    ).stdout


def libreoffice_convert(
    source: Path,
    target_format: str,
    outdir: Path,
    *,
    infilter: str | None = None,
    env: dict[str, str] | None = None,
) -> Path:
    """Convert with LibreOffice headless, in a profile of its own (no lock clashes).

    ``infilter`` chooses the import filter and its options (for CSV: separator,
    quote, character set, first line), as ``soffice --infilter`` takes them.
    ``env`` replaces the environment LibreOffice runs in (say, another fontconfig).
    """
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.fail("this test needs LibreOffice (apt-get install libreoffice-writer-nogui)")
    profile = Path(tempfile.gettempdir()) / f"reportgen-lo-{uuid.uuid4().hex}"
    try:
        result = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                *([f"--infilter={infilter}"] if infilter else []),
                "--convert-to",
                target_format,
                "--outdir",
                str(outdir),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=240,
            env=env,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    extension = target_format.split(":", 1)[0]
    converted = outdir / f"{source.stem}.{extension}"
    assert result.returncode == 0 and converted.is_file(), (result.stdout, result.stderr)
    return converted


@pytest.fixture(scope="session", autouse=True)
def template_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Compiled templates go to a folder of the test session, not to ~/.cache.

    The tests compose from many temporary copies of templates; each would
    leave its compiled code in the user's cache.  Commands the tests run as
    subprocesses inherit the variable.
    """
    folder = tmp_path_factory.mktemp("template-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("REPORTGEN_CACHE_DIR", str(folder))
    try:
        yield folder
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """Every example input in inputs/, generated once per test session, by stem."""
    from reportgen.pipeline import generate

    outdir = tmp_path_factory.mktemp("examples")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    try:
        results = {}
        for source in INPUTS:
            generate(source, outdir)
            results[source.stem] = Generated(
                source, outdir / f"{source.stem}.docx", outdir / f"{source.stem}.pdf"
            )
    finally:
        mp.undo()
    return results


@pytest.fixture(scope="session")
def published_pdfs(generated: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory):
    """The published PDF of every example (``publish`` of its generated DOCX), by stem."""
    from reportgen.pipeline import publish

    folder = tmp_path_factory.mktemp("published")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    try:
        out = {}
        for stem, example in generated.items():
            docx = folder / example.docx.name
            shutil.copyfile(example.docx, docx)
            publish(docx)
            out[stem] = docx.with_suffix(".pdf")
    finally:
        mp.undo()
    return out


def small_workshop(**changes: object) -> Workshop:
    """A one-topic workshop, built directly (no YAML), with ``changes`` to its fields."""
    fields: dict[str, object] = dict(
        source=Path("small.yaml"),
        report=Report(
            title="Workshop Report", organizer="Office for Meetings", organizer_short="OM"
        ),
        event=Event(
            name="Expert Workshop",
            city="Tbilisi",
            country="Georgia",
            kind="expert workshop",
            date=date(2018, 11, 29),
        ),
        participants=Participants(
            women=16, men=9, states=10, sectors=["national and local authorities", "academia"]
        ),
        topics=[Topic(id="one", title="First Topic", summary="Summary of *one*.")],
    )
    fields.update(changes)
    return Workshop(**fields)  # type: ignore[arg-type]


PRIVATE_USE = "\ue000"  # a Private Use Area character: no font installed here has it


def input_with_a_private_use_character(folder: Path) -> Path:
    """A valid input whose topic summary holds PRIVATE_USE (the PDF then warns)."""
    source = folder / "report.yaml"
    source.write_text(
        "report: {title: Workshop, organizer: ODIHR}\n"
        "event: {name: Workshop, date: 2018-11-29, city: Tbilisi, country: Georgia}\n"
        "topics:\n"
        "  - id: logo\n"
        "    title: The logo\n"
        f"    summary: Our sign {PRIVATE_USE} is private.\n",
        encoding="utf-8",
    )
    return source


@pytest.fixture(scope="session")
def verapdf() -> Iterator[object]:
    """veraPDF (tests/verapdf/): one JVM for the whole session, started when first asked for."""
    from verapdf import VeraPDF, VeraPDFUnavailable

    try:
        validator = VeraPDF()
    except VeraPDFUnavailable as error:
        pytest.fail(f"veraPDF cannot run: {error}")
    try:
        yield validator
    finally:
        validator.close()
