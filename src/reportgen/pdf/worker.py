"""The PDF half of ``generate`` and ``publish`` in a second process, started at once."""

# A fresh ``reportgen generate`` spends about half a second importing
# WeasyPrint before it can lay out a page, and about as long loading the
# input, composing and writing the DOCX.  Neither needs the other until the
# DOCX exists, so on a machine with two cores the worker forks at the start
# and imports WeasyPrint on the second core, then runs the one DOCX → PDF path
# (conversion.docx_to_pdf) on the DOCX it receives: it typesets the DOCX
# (conversion.typeset_docx) and the first process completes the tags
# (conversion.finish_pdf), so the PDF is still rendered from the DOCX, by
# the same code as in one process, and no process holds both the laid-out
# document and pikepdf's copy of the PDF (for 2,500 participants, 320 and
# 190 MiB).  ``publish`` uses it the same way: the worker imports WeasyPrint
# while the first process checks the reviewed DOCX.  For both, the laid-out
# document dies with the worker instead of being collected by a process
# that waits for it.
#
# It renders nothing while it waits: a warm-up on a sample of the composed
# report saved 0.04 s of the real render's first-use costs and took 0.15 s,
# and once the DOCX half got faster it often began just before the DOCX
# arrived, which then waited for it.
#
# The worker writes no file and prints nothing: the PDF, the warnings and
# the phase timings come back to the parent, which saves the outputs as
# before (files.atomic.write_all_atomically).  It ends with its parent: on Ctrl-C
# with it, on a closed pipe, and on Linux as soon as the parent dies.

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from contextlib import suppress
from multiprocessing.connection import Connection

from ..results import Timings, Warnings
from ..templates import Template

# Set to 0 to keep the PDF half in the calling process (profiling, debugging).
ENVIRONMENT_SWITCH = "REPORTGEN_PDF_WORKER"

# prctl's option number, from <linux/prctl.h>.
PR_SET_PDEATHSIG = 1


class WorkerFailed(RuntimeError):
    """The worker process died or hit a bug; the message holds its traceback."""


def worth_forking() -> bool:
    """True where a second process can run at the same time as this one."""
    if os.environ.get(ENVIRONMENT_SWITCH, "1").strip() == "0":
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    if threading.active_count() > 1:
        # A program that calls generate() from several threads: forking it
        # could copy a lock another thread holds (and Python 3.12 warns).
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores >= 2


class PdfWorker:
    """A forked process that renders one DOCX into a PDF.

    Use as a context manager, and ``docx_to_pdf`` once with the DOCX.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(child_end, self._connection, os.getpid()),
            name="reportgen-pdf",
            daemon=True,
        )
        self._process.start()
        child_end.close()
        self._rendered = False

    def __enter__(self) -> PdfWorker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def docx_to_pdf(
        self,
        docx: bytes,
        warnings: Warnings,
        timings: Timings,
        *,
        template: Template | None = None,
        draft: bool | None = None,
    ) -> bytes:
        """``conversion.docx_to_pdf``, its typesetting run by the worker: same result or error.

        The worker typesets (``conversion.typeset_docx``) and ends; this
        process completes the tags (``conversion.finish_pdf``), so that no
        process holds the laid-out document and the tagging's copy of the
        PDF at once.
        """
        from .. import conversion

        self._send(("render", docx, template, draft))
        self._rendered = True
        from . import tagging  # noqa: F401 - imported while the worker typesets

        try:
            kind, *payload = self._connection.recv()
        except (EOFError, OSError):
            self._process.join(5)
            raise WorkerFailed(
                f"the PDF process stopped unexpectedly (exit status {self._process.exitcode})"
            ) from None
        if kind == "bug":
            raise WorkerFailed(f"the PDF process failed:\n{payload[0]}")
        messages, phases = payload[-2], payload[-1]
        for message in messages:
            warnings.warn(message.text, message.where)
        for name, seconds in phases.items():
            timings.phases[name] = timings.phases.get(name, 0.0) + seconds
        if kind == "error":
            raise payload[0]
        pdf, language = payload[0]
        return conversion.finish_pdf(pdf, language, timings)

    def close(self) -> None:
        """Stop the worker and reap it.

        After a render it has already exited; before one (the input was
        invalid, say) it is still importing and is stopped at once rather
        than waited for.
        """
        self._connection.close()
        if not self._rendered:
            self._process.terminate()
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _send(self, message: tuple[object, ...]) -> None:
        # If it died, docx_to_pdf says so when it reads the answer.
        with suppress(OSError):
            self._connection.send(message)


def _serve(connection: Connection, parent_end: Connection, parent: int) -> None:
    """The worker's life: import, render once, exit."""
    parent_end.close()
    _end_with(parent)
    # A process that renders one PDF and ends: the cycle collector would only
    # walk the laid-out document (a million objects for 2,500 participants,
    # most of them in reference cycles) once more after the PDF is sent, for
    # nothing, while the parent waits for this process to end.  It ends with
    # os._exit (multiprocessing's way), which frees nothing either.
    gc.disable()
    try:
        _answer(connection)
    except (KeyboardInterrupt, EOFError, OSError):
        pass  # interrupted (the parent says so), or the parent is gone
    finally:
        connection.close()


def _end_with(parent: int) -> None:
    """Have the kernel stop this process when ``parent`` dies (Linux's PR_SET_PDEATHSIG).

    Without it, a worker whose command was killed in the middle of a long
    layout would finish it for nobody: the closed pipe only tells it once
    it reads or writes.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(0)


def _answer(connection: Connection) -> None:
    from ..conversion import typeset_docx
    from ..errors import ReportgenError

    try:
        from ..word import reader  # noqa: F401 - what typeset_docx needs first
        from . import render  # noqa: F401 - imports WeasyPrint, the slow part
    except Exception:
        failure: str | None = traceback.format_exc()  # told when the DOCX arrives
    else:
        failure = None
    _, docx, template, draft = connection.recv()
    if failure is not None:
        connection.send(("bug", failure))
        return
    warnings, timings = Warnings(), Timings()
    try:
        typeset = typeset_docx(docx, warnings, timings, template=template, draft=draft)
    except ReportgenError as error:
        connection.send(("error", error, warnings.messages, timings.phases))
    except Exception:
        connection.send(("bug", traceback.format_exc()))
    else:
        connection.send(("ok", typeset, warnings.messages, timings.phases))
