"""Reviewers' edits made in LibreOffice with Track Changes on, for the tests of absorb."""

# A test lists its edits, each addressed by the name of a paragraph's
# bookmark (reportgen's hidden ``_rg<N>`` marks), so that it reads the same in
# every language:
#
#     review(docx, [replace("_rg9", "On 29", "On 30"), delete("_rg25")], target)
#
# ``review`` runs lo_edit.py with the system Python, which has LibreOffice's
# ``uno`` module (Debian's python3-uno): it starts a headless LibreOffice in
# a profile of its own, turns on Track Changes, makes the edits, accepts them
# all (unless ``accept=False``) and saves the document as Word 2007–365
# ("MS Word 2007 XML").  LibreOffice is stopped and its profile removed
# whatever happens, and a call that outlasts its timeout fails, never hangs.
#
# What LibreOffice 7.4 does to the marks (tests/test_libreoffice_review.py
# checks each of these that a saved DOCX shows):
# - replace, format, link, footnote, comment: the mark stays; words linked at
#   the start of a paragraph take its bookmarkStart into the w:hyperlink.
# - append: the text goes after the bookmark's end, in the same paragraph.
# - set_text: the bookmark shrinks to nothing at the paragraph's start.
# - insert_after: the new paragraph has no mark; the old one keeps its own.
# - delete: the mark goes with the paragraph.  Where the paragraph must join
#   the previous one instead (the last of a table cell, one before a table),
#   the mark may stay, empty, at the end of the previous paragraph.
# - move_before (cut, paste): the pasted paragraph's bookmark is renamed
#   ``_rgN_Copy_1``, because the cut text with ``_rgN`` stays in the
#   document as a tracked move until accepted; accepted, only the copy is left.
#   A paragraph copied and pasted gets ``_rgN_Copy_1`` too.  reportgen reads
#   ``_rgN_Copy_M`` as the mark ``_rgN`` (provenance.mark_key).
# - Enter in the middle of a paragraph: the bookmark starts in the first half
#   and ends in the second.
# - delete, kept tracked (accept=False): LibreOffice writes the deleted
#   paragraph's properties onto the next paragraph, so a heading after a
#   deleted list item reads as a list item once the changes are accepted
#   (by Word, or by reportgen's reader); accepted in LibreOffice, it stays a
#   heading.
# - comments are made without a view (see lo_edit.py), which drops the
#   first-page header and footer; a DOCX that has comments can take no other
#   edit here.

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from reportgen.word.namespaces import qn
from reportgen.xmlparsing import parse

SCRIPT = Path(__file__).with_name("lo_edit.py")
UNO_PYTHON = "/usr/bin/python3"  # the Python python3-uno installs ``uno`` for
AUTHOR = "Lore Reviewer"
TIMEOUT = 180.0  # seconds; a fresh profile starts LibreOffice twice, on a shared machine
QUIT_TIMEOUT = 10.0  # seconds for killed processes to be gone


Edit = dict[str, object]


class LibreOfficeEditError(Exception):
    """LibreOffice could not make an edit: a bookmark or words not in the document."""


@dataclass(frozen=True)
class Review:
    """What one call did: the saved DOCX, and what LibreOffice saw while saving it."""

    docx: Path
    tracked: int  # tracked changes the edits made, before any were accepted
    bookmarks: list[str]  # every bookmark in the document as LibreOffice saved it
    phases: dict[str, float]  # seconds: start, load, edit, save, quit
    seconds: float  # the whole call, wall clock


# -- the edits ---------------------------------------------------------------------------------


def replace(mark: str, old: str, new: str) -> Edit:
    """Replace the first ``old`` in the paragraph by ``new``."""
    return {"op": "replace", "mark": mark, "old": old, "new": new}


def append(mark: str, text: str, *, bold: bool = False, italic: bool = False) -> Edit:
    """Type ``text`` at the end of the paragraph."""
    return {"op": "append", "mark": mark, "text": text, "bold": bold, "italic": italic}


def format(mark: str, words: str, *, bold: bool = False, italic: bool = False) -> Edit:
    """Make the first ``words`` of the paragraph bold or italic."""
    return {"op": "format", "mark": mark, "words": words, "bold": bold, "italic": italic}


def link(mark: str, words: str, url: str) -> Edit:
    """Make the first ``words`` of the paragraph a hyperlink to ``url``."""
    return {"op": "link", "mark": mark, "words": words, "url": url}


def footnote(mark: str, after_words: str, text: str) -> Edit:
    """Insert a footnote saying ``text`` right after the first ``after_words``."""
    return {"op": "footnote", "mark": mark, "after_words": after_words, "text": text}


def insert_after(mark: str, text: str) -> Edit:
    """A new paragraph after this one, as End and Enter make it (same style, same list)."""
    return {"op": "insert_after", "mark": mark, "text": text}


def delete(mark: str) -> Edit:
    """Delete the whole paragraph with its paragraph mark."""
    return {"op": "delete", "mark": mark}


def move_before(mark: str, before_mark: str) -> Edit:
    """Cut the paragraph and paste it before the paragraph of ``before_mark``."""
    return {"op": "move_before", "mark": mark, "before_mark": before_mark}


def set_text(mark: str, text: str) -> Edit:
    """Select the paragraph's whole text and type ``text`` over it."""
    return {"op": "set_text", "mark": mark, "text": text}


def comment(mark: str, words: str, text: str, author: str = AUTHOR) -> Edit:
    """A comment saying ``text`` on the first ``words`` of the paragraph."""
    return {"op": "comment", "mark": mark, "words": words, "text": text, "author": author}


def pause(seconds: float) -> Edit:
    """Keep the document open for ``seconds``, LibreOffice running, doing nothing."""
    return {"op": "pause", "seconds": seconds}


# -- running LibreOffice -----------------------------------------------------------------------


def available() -> str | None:
    """Why this machine cannot run the edits, or None when it can."""
    if shutil.which("soffice") is None:
        return "LibreOffice (soffice) is not installed"
    if not Path(UNO_PYTHON).is_file():
        return f"{UNO_PYTHON} is missing"
    probe = subprocess.run(
        [UNO_PYTHON, "-c", "import uno"], capture_output=True, text=True, timeout=60
    )
    if probe.returncode != 0:
        return "python3-uno is not installed (apt-get install python3-uno)"
    return None


def review(
    source: Path,
    edits: Sequence[Edit],
    target: Path,
    *,
    accept: bool = True,
    author: str = AUTHOR,
    timeout: float = TIMEOUT,
    scratch: Path | None = None,
) -> Review:
    """Make ``edits`` on ``source`` in LibreOffice with Track Changes on; save to ``target``.

    The edits are made in order, on the document as the earlier ones left it
    (with their tracked deletions still in it: words are looked for outside
    deleted text).  ``author`` is the user name the tracked changes carry.
    LibreOffice's profile and its copies of the files live in a new folder in
    ``scratch`` (default: the system's temporary folder), removed afterwards.
    """
    needs_view = accept or any(edit["op"] != "comment" for edit in edits)
    if needs_view and _has_comments(source):
        # lo_edit.py: LibreOffice without GUI aborts when it shows a comment.
        raise LibreOfficeEditError(
            f"{source.name} has comments: LibreOffice (no-GUI build) can only add comments "
            "to it, with accept=False"
        )
    started = time.monotonic()
    with tempfile.TemporaryDirectory(
        prefix="reportgen-lo-review-", dir=scratch, ignore_cleanup_errors=True
    ) as folder:
        work = Path(folder)
        # LibreOffice works on copies in this folder: its lock files stay here.
        shutil.copyfile(source, work / "source.docx")
        job = {
            "source": str(work / "source.docx"),
            "target": str(work / "target.docx"),
            "profile": str(work / "profile"),
            "pidfile": str(work / "soffice.pid"),
            "edits": list(edits),
            "accept": accept,
            "author": author,
        }
        (work / "job.json").write_text(json.dumps(job), encoding="utf-8")
        env = {**os.environ, "HOME": str(work)}  # nothing of LibreOffice's outside this folder
        process = subprocess.Popen(
            [UNO_PYTHON, str(SCRIPT), str(work / "job.json")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process.pid)
            stdout, stderr = process.communicate(timeout=QUIT_TIMEOUT)
            raise TimeoutError(f"LibreOffice took more than {timeout:.0f} s; stopped it") from None
        finally:
            # A script that did not finish cleanly (killed, interrupted) may leave
            # itself and its LibreOffice running: both are stopped, by process group.
            if process.returncode != 0:
                _stop(process.pid)
                with suppress(subprocess.TimeoutExpired):
                    process.wait(QUIT_TIMEOUT)
                with suppress(OSError, ValueError):
                    _stop(int((work / "soffice.pid").read_text(encoding="ascii")))
        if process.returncode == 3:
            raise LibreOfficeEditError(stderr.strip())
        if process.returncode != 0:
            raise RuntimeError(f"lo_edit.py failed (status {process.returncode}):\n{stderr}")
        shutil.copyfile(work / "target.docx", target)
    report = json.loads(stdout)
    return Review(
        docx=target,
        tracked=report["tracked"],
        bookmarks=report["bookmarks"],
        phases=report["seconds"],
        seconds=time.monotonic() - started,
    )


def _has_comments(docx: Path) -> bool:
    with zipfile.ZipFile(docx) as archive:
        if "word/comments.xml" not in archive.namelist():
            return False
        root = parse(archive.read("word/comments.xml"), "word/comments.xml")
    return root.find(qn("w:comment")) is not None


def _stop(group: int) -> None:
    """Kill a process group this module started (its own session), if it is still there."""
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
