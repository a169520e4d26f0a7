"""Writing outputs so that nothing is lost (spec/cli.md, "Nothing lost")."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OverwriteError

LOCK_TIMEOUT_SECONDS = 120.0  # a second run waits this long for the first to finish


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    The rename is atomic on POSIX: a reader, or an interrupted run, sees the
    old file or the new one, never half of either.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # Make the rename itself durable; not every file system allows this.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def output_lock(folder: Path, stem: str, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the lock of one report's outputs, so that two runs do not interleave."""
    from filelock import FileLock, Timeout

    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / f".{stem}.lock"
    lock = FileLock(str(lock_path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise OverwriteError(
            f"{folder / stem}: another reportgen run is writing these outputs "
            f"(lock {lock_path} held for over {timeout:.0f} s)",
            hint="wait for it to finish; if no run is going on, delete the lock file",
        ) from None
    try:
        yield
    finally:
        lock.release()


def docx_was_edited(path: Path) -> bool:
    """Whether the DOCX at ``path`` holds work reportgen did not write.

    A file without reportgen's fingerprint (someone's own document with the
    same name, or a damaged file) counts as edited too: it is not ours to
    destroy.
    """
    from .word.package import content_fingerprint, recorded_fingerprint

    try:
        data = path.read_bytes()
        recorded = recorded_fingerprint(data)
        return recorded is None or recorded != content_fingerprint(data)
    except FileNotFoundError:
        return False
    except Exception:  # unreadable, or not a DOCX at all: keep it
        return True


def backup_path(path: Path, now: float | None = None) -> Path:
    """``report.edited-20190215-093000.docx`` beside ``report.docx``, never an existing name."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    candidate = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.edited-{stamp}-{counter}{path.suffix}")
        counter += 1
    return candidate


def guard_edited_docx(path: Path, *, force: bool) -> Path | None:
    """Refuse to replace an edited DOCX; with ``force``, keep it first. Returns the backup."""
    if not docx_was_edited(path):
        return None
    if not force:
        raise OverwriteError(
            f"{path}: this DOCX was edited since reportgen wrote it; not replacing it",
            hint=f"publish the reviewed file with `reportgen publish {path}`, or regenerate with "
            "--force (the edited file is kept as <name>.edited-<date>-<time>.docx)",
        )
    backup = backup_path(path)
    write_atomically(backup, path.read_bytes())
    return backup
