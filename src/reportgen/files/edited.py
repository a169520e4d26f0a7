"""Someone else's work in an output's place: an edited or foreign DOCX is kept, never lost."""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import OutputError, OverwriteError
from .atomic import os_error_reason, write_atomically


def docx_state(path: Path) -> str:
    """``"absent"``, ``"ours"`` (as reportgen wrote it), ``"edited"``, or ``"foreign"``.

    A file without reportgen's fingerprint (someone's own document with the
    same name, or a damaged file) is foreign: it is not ours to destroy.
    """
    from ..word.package import content_fingerprint, recorded_fingerprint

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "absent"
    except OSError:
        return "foreign"
    try:
        recorded = recorded_fingerprint(data)
        if recorded is None:
            return "foreign"
        return "ours" if recorded == content_fingerprint(data) else "edited"
    except Exception:  # unreadable, or not a DOCX at all: keep it
        return "foreign"


def docx_was_edited(path: Path) -> bool:
    """Whether the DOCX at ``path`` holds work reportgen did not write (edited or foreign)."""
    return docx_state(path) in ("edited", "foreign")


def backup_path(path: Path, now: float | None = None) -> Path:
    """``report.edited-20190215-093000.docx`` beside ``report.docx``, never an existing name."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    candidate = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.edited-{stamp}-{counter}{path.suffix}")
        counter += 1
    return candidate


def guard_edited_docx(path: Path, *, force: bool, replacement: bytes | None = None) -> Path | None:
    """Refuse to replace an edited or foreign DOCX; with ``force``, keep it first.

    An edited DOCX whose every edit the ``replacement`` already holds (the
    reviewers' edits were absorbed into the input, spec/cli.md) is replaced
    without ``force``, and kept all the same.  Returns the backup written, if any.
    """
    if path.is_dir():
        raise OutputError(
            f"cannot write {path}: a folder of that name is in the way",
            hint="move the folder away, or choose another --output-dir",
        )
    state = docx_state(path)
    if state in ("absent", "ours"):
        return None
    kept = "the file is kept as <name>.edited-<date>-<time>.docx"
    if not force and state == "edited" and replacement is not None:
        force = _edits_absorbed(path, replacement)
    if not force and state == "edited":
        raise OverwriteError(
            f"{path}: this DOCX was edited since reportgen wrote it; not replacing it",
            hint=f"take the reviewers' edits into the input with `reportgen absorb {path} "
            f"--write`, publish it with `reportgen publish {path}`, or regenerate with --force "
            f"({kept})",
        )
    if not force:
        raise OverwriteError(
            f"{path}: this file was not written by reportgen (it has no reportgen "
            "fingerprint); not replacing it",
            hint=f"move it away, choose another --output-dir, or regenerate with --force ({kept})",
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise OutputError(f"cannot keep a copy of {path}: {os_error_reason(error)}") from None
    backup = backup_path(path)
    write_atomically(backup, data)
    return backup


def _edits_absorbed(path: Path, replacement: bytes) -> bool:
    """Whether the replacement says, paragraph by paragraph, what the edited DOCX says."""
    from ..absorb import same_text

    try:
        return same_text(path.read_bytes(), replacement)
    except Exception:  # an unreadable edited DOCX: it is kept, not judged
        return False
