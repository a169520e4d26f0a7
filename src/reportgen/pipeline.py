"""The pipeline end to end: input → DOCX → PDF, and reviewed DOCX → published PDF.

Both ``generate`` and ``publish`` reach the PDF through
``conversion.docx_to_pdf`` (DESIGN.md, invariant 1): the PDF always shows
what the DOCX says.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .conversion import docx_to_pdf
from .cycles import collector_paused
from .errors import OverwriteError, UsageError
from .results import Message, Timings, Warnings
from .templates import find_template

if TYPE_CHECKING:
    from .pdf.worker import PdfWorker

FORMATS = ("docx", "pdf")


@dataclass
class Outcome:
    """What one run wrote, and what it noticed on the way."""

    source: Path
    written: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)


def generate(
    source: Path | str,
    output_dir: Path | str = "outputs",
    *,
    formats: tuple[str, ...] = FORMATS,
    force: bool = False,
    overlap: bool = False,
) -> Outcome:
    """Validate ``source`` and write ``<stem>.docx`` and/or ``<stem>.pdf`` into ``output_dir``.

    Nothing is written unless everything succeeded; an edited DOCX is not
    replaced unless ``force`` (and then it is kept as a backup first).
    With ``overlap``, on a machine with two cores or more, the PDF half runs
    in a second process started at once (pdf/worker.py): it imports
    WeasyPrint while this one builds the DOCX.
    """
    from .pdf.worker import PdfWorker, worth_forking

    worker = PdfWorker() if overlap and "pdf" in formats and worth_forking() else None
    with worker or nullcontext(), collector_paused():
        return _generate(Path(source), Path(output_dir), formats, force, worker)


def _generate(
    source: Path, output_dir: Path, formats: tuple[str, ...], force: bool, worker: PdfWorker | None
) -> Outcome:
    from .compose import compose
    from .files import atomic, edited, locks
    from .source import load_workshop
    from .word.writer import write_docx

    outcome = Outcome(source)
    timings = outcome.timings
    warnings = Warnings()

    with timings.phase("load"):
        workshop = load_workshop(source)
        # The loader checked that the template exists and has the report's language.
        template = find_template(workshop.report.template, base=source.parent)
        atomic.check_folder(output_dir)  # before the work, not after it
    with timings.phase("compose"):
        document = compose(workshop, template, warnings)
        assert document.record is not None
        document.record.input_name = source.name
        document.record.input_path = str(source)
        document.record.digest = input_digest(source)
    with timings.phase("docx"):
        docx = write_docx(document, template, warnings=warnings)
    render = worker.docx_to_pdf if worker is not None else docx_to_pdf
    pdf = render(docx, warnings, timings, template=template) if "pdf" in formats else None

    stem = source.stem
    with timings.phase("save"), locks.output_lock(output_dir, stem):
        outputs: dict[Path, bytes] = {}
        if "docx" in formats:
            docx_path = output_dir / f"{stem}.docx"
            backup = edited.guard_edited_docx(docx_path, force=force, replacement=docx)
            if backup:
                outcome.backups.append(backup)
            outputs[docx_path] = docx
        if pdf is not None:
            outputs[output_dir / f"{stem}.pdf"] = pdf
        atomic.remove_stale_temporaries(output_dir, [path.name for path in outputs])
        atomic.write_all_atomically(outputs)
        outcome.written.extend(outputs)
    outcome.warnings = warnings.messages
    return outcome


def input_digest(source: Path) -> str:
    """sha256 of the input's bytes, as the DOCX records it (provenance.py)."""
    import hashlib

    try:
        return "sha256:" + hashlib.sha256(source.read_bytes()).hexdigest()
    except OSError:
        return ""


def publish(
    reviewed: Path | str,
    output: Path | str | None = None,
    *,
    accept_changes: bool = False,
    draft: bool = False,
    overlap: bool = False,
) -> Outcome:
    """Render the published PDF from a DOCX that reviewers edited.

    Refuses a DOCX that still holds tracked changes or comments, unless
    ``accept_changes``; the PDF has no DRAFT mark unless ``draft``.  With
    ``overlap``, on a machine with two cores or more, the PDF is rendered in a
    second process (pdf/worker.py), which imports WeasyPrint while this one
    checks the DOCX, and ends without freeing the laid-out document.
    """
    from .pdf.worker import PdfWorker, worth_forking

    reviewed = Path(reviewed)
    output = published_path(reviewed, output)
    worker = PdfWorker() if overlap and worth_forking() else None
    with worker or nullcontext():
        return _publish(reviewed, output, accept_changes, draft, worker)


def _publish(
    reviewed: Path, output: Path, accept_changes: bool, draft: bool, worker: PdfWorker | None
) -> Outcome:
    from .files import atomic, locks
    from .word import review, safety

    outcome = Outcome(reviewed)
    warnings = Warnings()
    timings = outcome.timings
    with timings.phase("load"):
        data = safety.read_docx_file(reviewed)
        data = review.resolve_review_marks(data, accept=accept_changes, where=str(reviewed))
    render = worker.docx_to_pdf if worker is not None else docx_to_pdf
    pdf = render(data, warnings, timings, draft=draft)
    # The same lock as generate's for that stem: two runs writing one PDF take turns.
    with timings.phase("save"), locks.output_lock(output.parent, output.stem):
        atomic.write_atomically(output, pdf)
    outcome.written.append(output)
    outcome.warnings = warnings.messages
    return outcome


def published_path(reviewed: Path, output: Path | str | None) -> Path:
    """Where ``publish`` writes: ``output``, else the DOCX's name with ``.pdf``.

    A folder as ``output`` (one that exists, or a name ending in ``/``)
    receives ``<stem>.pdf``.  The PDF must have a ``.pdf`` name and may never
    replace the reviewed DOCX itself.
    """
    target = Path(output) if output else reviewed.with_suffix(".pdf")
    if target.is_dir() or str(output or "").endswith(("/", os.sep)):
        target = target / f"{reviewed.stem}.pdf"
    if target.suffix.lower() != ".pdf":
        raise UsageError(
            f"{target}: --output names the PDF to write, and needs a .pdf name "
            f"(for example {target.with_suffix('.pdf').name}), or a folder (ending in /)"
        )
    if target.exists() and reviewed.exists() and target.samefile(reviewed):
        raise OverwriteError(
            f"{target}: the PDF would replace the reviewed DOCX it is made from",
            hint="give the PDF another name with --output",
        )
    return target
