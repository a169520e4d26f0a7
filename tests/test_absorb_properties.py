"""Property: any edits to the text of fields in the DOCX come back, and generate reproduces them."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from absorbing import Report, paragraphs
from conftest import ROOT, SOURCE_DATE_EPOCH
from reportgen.absorb import absorb
from reportgen.pipeline import generate
from reportgen.source import validate_file

EXAMPLE = ROOT / "inputs" / "tbilisi-2018-migrant-integration.yaml"
# Words a reviewer might type, Markdown's own characters among them (quotation
# marks as Word and LibreOffice type them: curly; straight ones are typeset).
WORD = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéёქ’“”*_[]#<>`\\-&")
    ),
    min_size=1,
    max_size=12,
).filter(lambda w: w.strip() and w[0].isalpha())


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The example's DOCX, and the marks of the blocks that show one field each."""
    folder = tmp_path_factory.mktemp("base")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    try:
        generate(EXAMPLE, folder, formats=("docx",))
    finally:
        mp.undo()
    path = folder / f"{EXAMPLE.stem}.docx"
    report = Report.open(path.read_bytes())
    marks = [
        "_rg" + key
        for key, entry in report.record.entries.items()
        if entry.origin.field_only is not None
        and entry.origin.field_only.kind in ("markdown", "plain")
        and not entry.origin.block
        and not entry.origin.field_only.paths[0].startswith("participants.")
        and entry.origin.field_only.text.strip()
    ]
    return path, marks


EDIT = st.tuples(st.integers(min_value=0), st.sampled_from(["append", "bold", "replace"]), WORD)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(EDIT, min_size=1, max_size=4))
def test_random_field_edits_round_trip(base, tmp_path: Path, edits, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    path, marks = base
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    source = work / EXAMPLE.name
    shutil.copy(EXAMPLE, source)
    report = Report.open(path.read_bytes())
    for choice, kind, word in edits:
        mark = marks[choice % len(marks)]
        paragraph = report.paragraph(mark)
        # Plain fields (titles, names) hold no formatting: bold there is not kept.
        plain = report.record.entries[mark[3:]].origin.field_only.kind == "plain"
        if kind in ("append", "bold") and plain and paragraph.runs:
            # Typing at the end of a plain field continues its last run (and its format).
            paragraph.runs[-1].text += " " + word
        elif kind == "append" or not paragraph.runs:
            report.append(paragraph, " " + word)
        else:
            run = paragraph.runs[choice % len(paragraph.runs)]
            words = run.text.split()
            if not words:
                report.append(paragraph, " " + word)
            elif kind == "bold":
                report.bold(paragraph, words[0])
            else:
                report.replace(paragraph, words[-1], word)
    reviewed = report.save()
    docx_path = work / "reviewed.docx"
    docx_path.write_bytes(reviewed)

    result = absorb(docx_path, source, write=True)
    assert result.conflicts == [] and result.notes == []
    assert validate_file(source) == []
    outdir = work / "out"
    generate(source, outdir, formats=("docx",))
    # Composed sentences are left aside: they restate fields (the organizer's
    # name in the introduction), and generate restates the edited ones.
    composed = frozenset(e.origin.block for e in report.record.entries.values()) - {""}
    regenerated = (outdir / f"{source.stem}.docx").read_bytes()
    assert paragraphs(regenerated, skip_blocks=composed) == paragraphs(
        reviewed, skip_blocks=composed
    )
