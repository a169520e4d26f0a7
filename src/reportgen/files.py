"""Writing outputs so that nothing is lost (spec/cli.md, "Nothing lost")."""

from __future__ import annotations

import contextlib
import errno
import glob
import math
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .errors import OutputError, OverwriteError, UsageError

LOCK_TIMEOUT_SECONDS = 120.0  # a second run waits this long for the first to finish
LOCK_TIMEOUT_VARIABLE = "REPORTGEN_LOCK_TIMEOUT"  # seconds, to wait longer or shorter
# A temporary file this old was left by a run that was killed (a live run
# renames its temporary files within moments of creating them).
STALE_AFTER_SECONDS = 3600.0


# -- writing ------------------------------------------------------------------------


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    The rename is atomic on POSIX: a reader, or an interrupted run, sees the
    old file or the new one, never half of either.  A file system refusing
    the write raises OutputError naming ``path``.
    """
    write_all_atomically({path: data})


def write_all_atomically(outputs: Mapping[Path, bytes]) -> None:
    """Write each file to a temporary beside it, then rename them all into place.

    Every file is complete on disk before the first rename, so an interrupted
    run leaves each output old or new (never half written), and the moment in
    which one output is new and the next still old is as short as it can be.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in outputs.items():
            staged.append((path, _stage(path, data)))
        for path, temporary in staged:
            try:
                os.replace(temporary, path)
            except OSError as error:
                raise _cannot_write(path, error) from None
    except BaseException:
        for _, temporary in staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise
    for folder in {path.parent for path in outputs}:
        _fsync_folder(folder)


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a hidden ``.<name>.<random>.tmp`` beside ``path``, flushed to disk."""
    ensure_folder(path.parent)
    if path.is_dir():
        raise OutputError(
            f"cannot write {path}: a folder of that name is in the way",
            hint="move the folder away, or choose another --output-dir",
        )
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _cannot_write(path, error) from None
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise
    return temporary


def check_folder(folder: Path) -> None:
    """Fail early, before any work, if ``folder`` cannot be an output folder (creates nothing)."""
    in_the_way = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if in_the_way is not None:
        raise OutputError(
            f"cannot write into {folder}: {in_the_way} is a file, not a folder",
            hint="choose another --output-dir, or move the file away",
        )


def ensure_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) if needed; OutputError if that cannot be done."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        in_the_way = next(
            (p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder
        )
        raise OutputError(
            f"cannot write into {folder}: {in_the_way} is a file, not a folder",
            hint="choose another --output-dir, or move the file away",
        ) from None
    except OSError as error:
        raise OutputError(
            f"cannot create the folder {folder}: {_reason(error)}", hint=_hint(error)
        ) from None


def _cannot_write(path: Path, error: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {_reason(error)}", hint=_hint(error))


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _hint(error: OSError) -> str | None:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "check that you may write to that folder, or choose another --output-dir"
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "free some disk space, or choose another --output-dir"
    return None


def _fsync_folder(folder: Path) -> None:
    # Make the rename itself durable; not every file system allows this.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temporaries(
    folder: Path, names: Iterable[str], *, older_than: float = STALE_AFTER_SECONDS
) -> list[Path]:
    """Delete the ``.<name>.*.tmp`` files a killed run left beside ``names``, if old enough.

    A run killed outright (SIGKILL, power cut) cannot remove its temporary
    file; the next run over the same outputs does, while holding their lock.
    Returns what was removed.
    """
    removed: list[Path] = []
    limit = time.time() - older_than
    for name in names:
        for found in glob.glob(glob.escape(f"{folder}/.{name}.") + "*.tmp"):
            path = Path(found)
            with contextlib.suppress(OSError):
                if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed.append(path)
    return removed


# -- one run at a time ---------------------------------------------------------------


def lock_timeout() -> float:
    """Seconds to wait for another run's lock: ``$REPORTGEN_LOCK_TIMEOUT``, else 120."""
    value = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not value:
        return LOCK_TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise UsageError(
            f"{LOCK_TIMEOUT_VARIABLE}={value!r}: expected a number of seconds, such as 30"
        )
    return seconds


@contextlib.contextmanager
def output_lock(folder: Path, stem: str, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock of one report's outputs, so that two runs do not interleave.

    The lock is ``.<stem>.lock`` in ``folder``; a second run waits for it up to
    ``timeout`` seconds (default: ``lock_timeout()``), then says who holds it.
    """
    from filelock import FileLock, Timeout

    timeout = lock_timeout() if timeout is None else timeout
    ensure_folder(folder)
    lock_path = folder / f".{stem}.lock"
    lock = FileLock(str(lock_path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        holder = lock_holder(lock_path) or "another process"
        raise OverwriteError(
            f"{folder / stem}.*: another run is writing these outputs: {holder} has held "
            f"the lock {lock_path} for over {timeout:g} s",
            hint="wait for it to finish, or set REPORTGEN_LOCK_TIMEOUT to wait longer "
            "(in seconds); if no such run is going on, delete the lock file",
        ) from None
    except OSError as error:
        raise OutputError(
            f"cannot write into {folder}: {_reason(error)}", hint=_hint(error)
        ) from None
    try:
        yield
    finally:
        lock.release()


def lock_holder(lock_path: Path) -> str | None:
    """``process 1234 (reportgen generate x.yaml)``: who holds a lock, where Linux tells."""
    try:
        status = os.stat(lock_path)
        table = Path("/proc/locks").read_text()
    except OSError:
        return None
    wanted = (os.major(status.st_dev), os.minor(status.st_dev), status.st_ino)
    for line in table.splitlines():
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2147109 0 EOF"; waiters have a "->" too.
        if len(fields) < 6 or "->" in fields:
            continue
        try:
            major, minor, inode = fields[5].split(":")
            found = (int(major, 16), int(minor, 16), int(inode))
            pid = int(fields[4])
        except ValueError:
            continue
        if found == wanted:
            return f"process {pid}" + (f" ({command})" if (command := _command(pid)) else "")
    return None


def _command(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    except OSError:
        return ""
    words = [
        os.path.basename(a) if i < 2 else a
        for i, a in enumerate(w.decode("utf-8", "replace") for w in argv)
    ]
    command = " ".join(words)
    return command if len(command) <= 100 else command[:99] + "…"


# -- someone else's work ---------------------------------------------------------------


def docx_state(path: Path) -> str:
    """``"absent"``, ``"ours"`` (as reportgen wrote it), ``"edited"``, or ``"foreign"``.

    A file without reportgen's fingerprint (someone's own document with the
    same name, or a damaged file) is foreign: it is not ours to destroy.
    """
    from .word.package import content_fingerprint, recorded_fingerprint

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


def guard_edited_docx(path: Path, *, force: bool) -> Path | None:
    """Refuse to replace an edited or foreign DOCX; with ``force``, keep it first.

    Returns the backup written, if any.
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
    if not force and state == "edited":
        raise OverwriteError(
            f"{path}: this DOCX was edited since reportgen wrote it; not replacing it",
            hint=f"publish the reviewed file with `reportgen publish {path}`, or regenerate "
            f"with --force ({kept})",
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
        raise OutputError(f"cannot keep a copy of {path}: {_reason(error)}") from None
    backup = backup_path(path)
    write_atomically(backup, data)
    return backup
