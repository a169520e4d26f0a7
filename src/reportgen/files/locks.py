"""One run at a time over the same outputs: a lock per report, and who holds it."""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError, OverwriteError, UsageError
from .atomic import ensure_folder, os_error_hint, os_error_reason

LOCK_TIMEOUT_SECONDS = 120.0  # a second run waits this long for the first to finish
LOCK_TIMEOUT_VARIABLE = "REPORTGEN_LOCK_TIMEOUT"  # seconds, to wait longer or shorter


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
            f"cannot write into {folder}: {os_error_reason(error)}", hint=os_error_hint(error)
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
