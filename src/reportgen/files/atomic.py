"""Writing files whole or not at all: temporary files renamed into place (spec/cli.md)."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import OutputError

# A temporary file this old was left by a run that was killed (a live run
# renames its temporary files within moments of creating them).
STALE_AFTER_SECONDS = 3600.0


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
            f"cannot create the folder {folder}: {os_error_reason(error)}",
            hint=os_error_hint(error),
        ) from None


def _cannot_write(path: Path, error: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {os_error_reason(error)}", hint=os_error_hint(error))


def os_error_reason(error: OSError) -> str:
    return error.strerror or str(error)


def os_error_hint(error: OSError) -> str | None:
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
