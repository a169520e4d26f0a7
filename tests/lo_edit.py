"""Edit a DOCX in LibreOffice through UNO as a reviewer does: Track Changes on, then save."""

# Run by the system Python, which has LibreOffice's ``uno`` module (Debian's
# python3-uno); never imported by the tests.  tests/libreoffice_review.py runs
# it as ``python3 lo_edit.py JOB.json`` and reads its report (JSON) from
# standard output.  The job names the DOCX to read and the one to write, the
# profile folder LibreOffice may use, the edits and whether to accept them.
# Each edit addresses a paragraph by a bookmark's name: the paragraph holding
# the bookmark's start.  An edit that cannot be made (a bookmark or words not
# found) is reported on standard error with exit status 3.

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK
OBJECT = "\ufffc"  # stands for a note or field anchor in the text words are looked for in
# Text portions that take no room in the text a reader sees.
ZERO_WIDTH = frozenset(
    ("Bookmark", "Redline", "SoftPageBreak", "Annotation", "AnnotationEnd", "ReferenceMark")
)
BOLD = 150.0  # com.sun.star.awt.FontWeight.BOLD
ITALIC = uno.Enum("com.sun.star.awt.FontSlant", "ITALIC")
STARTUP_SECONDS = 90  # a fresh profile is made first, on a busy machine
QUIT_SECONDS = 20
EDIT_PROBLEM = 3


class EditProblem(Exception):
    """An edit that cannot be made on this document (exit status 3)."""


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


# -- LibreOffice, started and always stopped ---------------------------------------------------


class Office:
    """One headless LibreOffice in its own profile and process group, reached through a pipe."""

    def __init__(self, profile: Path, pidfile: Path) -> None:
        self.pipe = f"reportgen-{uuid.uuid4().hex}"
        # Its own session: stopping it stops oosplash and soffice.bin together.
        # The process group goes to ``pidfile`` at once, so the caller can stop
        # it too if this script itself is killed.
        self.process = subprocess.Popen(
            [
                "soffice",
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={self.pipe};urp;",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        pidfile.write_text(str(self.process.pid), encoding="ascii")
        self.context: Any = None
        self.desktop: Any = None

    def connect(self) -> None:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                self.context = resolver.resolve(
                    f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
                )
                break
            except NoConnectException:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"LibreOffice exited with status {self.process.returncode} on startup"
                    ) from None
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"LibreOffice did not accept a connection in {STARTUP_SECONDS} s"
                    ) from None
                time.sleep(0.1)
        self.desktop = self.service("com.sun.star.frame.Desktop")

    def service(self, name: str, *arguments: object) -> Any:
        manager = self.context.ServiceManager
        if arguments:
            return manager.createInstanceWithArgumentsAndContext(name, arguments, self.context)
        return manager.createInstanceWithContext(name, self.context)

    def open(self, path: Path, *, view: bool) -> Any:
        """The document at ``path``, in a hidden view or as a bare model (no view, no layout)."""
        url = path.resolve().as_uri()
        if view:
            document = self.desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        else:
            document = self.service("com.sun.star.text.TextDocument")
            document.load((prop("URL", url), prop("FilterName", "MS Word 2007 XML")))
        if document is None:
            raise RuntimeError(f"LibreOffice could not open {path}")
        return document

    def set_user_name(self, author: str) -> None:
        """Tracked changes carry the user's name from the profile, as in Tools > Options."""
        given, _, family = author.rpartition(" ")
        provider = self.service("com.sun.star.configuration.ConfigurationProvider")
        data = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            (prop("nodepath", "/org.openoffice.UserProfile/Data"),),
        )
        data.setPropertyValue("givenname", given)
        data.setPropertyValue("sn", family)
        data.commitChanges()

    def stop(self) -> None:
        """Ask LibreOffice to quit, then make sure its whole process group is gone."""
        if self.desktop is not None:
            with suppress(Exception):  # the bridge drops as LibreOffice quits
                self.desktop.terminate()
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(QUIT_SECONDS)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(QUIT_SECONDS)


# -- finding paragraphs and words --------------------------------------------------------------


class Editor:
    """The edits of a job, made on one loaded document."""

    def __init__(self, office: Office, document: Any) -> None:
        self.office = office
        self.document = document
        self.controller = document.getCurrentController()

    def paragraph(self, mark: str) -> Any:
        """A cursor over the text of the paragraph holding the start of bookmark ``mark``."""
        bookmarks = self.document.getBookmarks()
        if not bookmarks.hasByName(mark):
            raise EditProblem(f"no bookmark {mark!r} in the document")
        start = bookmarks.getByName(mark).getAnchor().getStart()
        cursor = start.getText().createTextCursorByRange(start)
        cursor.gotoStartOfParagraph(False)
        cursor.gotoEndOfParagraph(True)
        return cursor

    def words(self, mark: str, words: str) -> Any:
        """The first ``words`` in the paragraph of ``mark``, outside text a deletion still shows.

        Found in the paragraph's text portions, not with LibreOffice's search,
        which needs a view (comments are made without one).
        """
        cursor = self.paragraph(mark)
        paragraph = cursor.createEnumeration().nextElement()
        shown = ""  # the paragraph's visible text, an OBJECT for a note, a field, …
        spans: list[tuple[int, Any]] = []  # where each text portion starts in ``shown``
        deleting = False
        for portion in _elements(paragraph):
            kind = portion.TextPortionType
            if kind == "Redline":
                if portion.RedlineType == "Delete" and not portion.IsCollapsed:
                    deleting = portion.IsStart
            elif kind == "Text" and not deleting:
                spans.append((len(shown), portion))
                shown += portion.getString()
            elif kind not in ZERO_WIDTH:
                shown += OBJECT
        found = shown.find(words)
        if not words or found < 0:
            raise EditProblem(f"{words!r} is not in the paragraph of {mark!r}")
        start = self._position(reversed(spans), shown, found)
        end = self._position(spans, shown, found + len(words))
        span = start.getText().createTextCursorByRange(start)
        span.gotoRange(end, True)
        return span

    @staticmethod
    def _position(spans: Iterable[tuple[int, Any]], shown: str, index: int) -> Any:
        """A collapsed cursor at ``index`` of the visible text, in the first of ``spans`` with it.

        Where two portions meet (around deleted text), a start belongs to the
        later one and an end to the earlier one.
        """
        for offset, portion in spans:
            if offset <= index <= offset + len(portion.getString()):
                cursor = portion.getText().createTextCursorByRange(portion.getStart())
                # LibreOffice counts UTF-16 code units.
                cursor.goRight(len(shown[offset:index].encode("utf-16-le")) // 2, False)
                return cursor
        raise EditProblem("words across a note or a field")  # not reached for found words

    def whole_paragraph(self, mark: str) -> Any:
        """The paragraph of ``mark`` with its paragraph mark, as a reviewer selects it to delete.

        That is from its start to the start of the next paragraph (Home,
        Shift+Down); for the last paragraph of a text, or one before a table,
        from the end of the previous paragraph to its end.
        """
        paragraph = self.paragraph(mark)
        text, own = paragraph.getText(), paragraph.getString()
        # A cursor steps over a whole table in one move: the string tells.
        cursor = text.createTextCursorByRange(paragraph)
        if cursor.goRight(1, True) and cursor.getString() == own + "\n":
            return cursor
        cursor = text.createTextCursorByRange(paragraph.getStart())
        if cursor.goLeft(1, False):
            cursor.gotoRange(paragraph.getEnd(), True)
            if cursor.getString() == "\n" + own:
                return cursor
        raise EditProblem(f"the paragraph of {mark!r} has no paragraph beside it to join")

    # -- the edits -------------------------------------------------------------------------

    def replace(self, mark: str, old: str, new: str) -> None:
        found = self.words(mark, old)
        found.getText().insertString(found, new, True)

    def append(self, mark: str, text: str, bold: bool = False, italic: bool = False) -> None:
        paragraph = self.paragraph(mark)
        end = paragraph.getText().createTextCursorByRange(paragraph.getEnd())
        end.getText().insertString(end, text, False)
        if bold or italic:
            end.goLeft(len(text), True)
            self._format(end, bold, italic)

    def format(self, mark: str, words: str, bold: bool = False, italic: bool = False) -> None:
        if not (bold or italic):
            raise EditProblem("format needs bold or italic")
        self._format(self.words(mark, words), bold, italic)

    def _format(self, span: Any, bold: bool, italic: bool) -> None:
        if bold:
            span.CharWeight = BOLD
        if italic:
            span.CharPosture = ITALIC

    def link(self, mark: str, words: str, url: str) -> None:
        self.words(mark, words).HyperLinkURL = url

    def footnote(self, mark: str, after_words: str, text: str) -> None:
        found = self.words(mark, after_words)
        note = self.document.createInstance("com.sun.star.text.Footnote")
        found.getText().insertTextContent(found.getEnd(), note, False)
        note.getText().setString(text)

    def insert_after(self, mark: str, text: str) -> None:
        # End, Enter, type: the new paragraph takes the style and list of this one.
        paragraph = self.paragraph(mark)
        body = paragraph.getText()
        cursor = body.createTextCursorByRange(paragraph.getEnd())
        body.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        body.insertString(cursor, text, False)

    def delete(self, mark: str) -> None:
        span = self.whole_paragraph(mark)
        span.getText().insertString(span, "", True)

    def move_before(self, mark: str, before_mark: str) -> None:
        # Cut and paste through the view, as Ctrl+X and Ctrl+V do (the same transferable).
        span = self.whole_paragraph(mark)
        self.controller.select(span)
        moved = self.controller.getTransferable()
        span.getText().insertString(span, "", True)
        target = self.paragraph(before_mark).getStart()
        self.controller.select(target)
        self.controller.insertTransferable(moved)

    def set_text(self, mark: str, text: str) -> None:
        paragraph = self.paragraph(mark)
        paragraph.getText().insertString(paragraph, text, True)

    def comment(self, mark: str, words: str, text: str, author: str) -> None:
        found = self.words(mark, words)
        annotation = self.document.createInstance("com.sun.star.text.textfield.Annotation")
        annotation.Author = author
        annotation.Content = text
        annotation.DateTimeValue = _now()  # else LibreOffice writes the date 0-00-00
        found.getText().insertTextContent(found, annotation, True)

    def pause(self, seconds: float) -> None:
        # A reviewer who leaves the document open: LibreOffice is up and holds it.
        time.sleep(seconds)


def _now() -> Any:
    now = datetime.now(UTC)
    return uno.createUnoStruct(
        "com.sun.star.util.DateTime",
        0,
        now.second,
        now.minute,
        now.hour,
        now.day,
        now.month,
        now.year,
        True,
    )


def _elements(container: Any):
    enumeration = container.createEnumeration()
    while enumeration.hasMoreElements():
        yield enumeration.nextElement()


OPERATIONS: dict[str, Callable[..., None]] = {
    name: getattr(Editor, name)
    for name in (
        "replace",
        "append",
        "format",
        "link",
        "footnote",
        "insert_after",
        "delete",
        "move_before",
        "set_text",
        "comment",
        "pause",
    )
}


# -- the job -----------------------------------------------------------------------------------


def run(job: dict[str, Any]) -> dict[str, Any]:
    """Make the job's edits; what LibreOffice saw: changes tracked, bookmarks, seconds."""
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[name] = round(timings.get(name, 0.0) + now - clock, 3)
        clock = now

    numbered = list(enumerate(job["edits"], 1))
    # Debian's LibreOffice without GUI (-nogui) aborts as soon as a view lays
    # out a comment: its Writer lacks the comment window's UI file.  So
    # comments are made last, on the document loaded without a view; all else
    # needs one (cut and paste, accepting changes).  Without a view there is
    # no layout either, and LibreOffice then saves no first-page header and
    # footer (w:titlePg): a job with comments loses the cover's.
    in_view = [(n, e) for n, e in numbered if e["op"] != "comment"]
    comments = [(n, e) for n, e in numbered if e["op"] == "comment"]
    source, target = Path(job["source"]), Path(job["target"])
    tracked = 0
    bookmarks: list[str] = []
    office = Office(Path(job["profile"]), Path(job["pidfile"]))
    try:
        office.connect()
        office.set_user_name(job["author"])
        lap("start")
        if in_view or job["accept"] or not comments:
            saved = target.with_suffix(".edited.docx") if comments else target
            document = office.open(source, view=True)
            try:
                lap("load")
                document.RecordChanges = True
                apply(Editor(office, document), in_view)
                tracked += document.getRedlines().getCount()
                if job["accept"]:
                    accept_all(office, document)
                    document.RecordChanges = False  # done reviewing
                lap("edit")
                save(document, saved)
                bookmarks = list(document.getBookmarks().getElementNames())
                lap("save")
            finally:
                close(document)
            source = saved
        if comments:
            document = office.open(source, view=False)
            try:
                lap("load")
                # A comment made with Track Changes on is a tracked insertion in LibreOffice.
                document.RecordChanges = not job["accept"]
                before = document.getRedlines().getCount()
                apply(Editor(office, document), comments)
                tracked += document.getRedlines().getCount() - before
                lap("edit")
                save(document, target)
                bookmarks = list(document.getBookmarks().getElementNames())
                lap("save")
            finally:
                close(document)
    finally:
        office.stop()
        lap("quit")
    return {"tracked": tracked, "bookmarks": bookmarks, "seconds": timings}


def apply(editor: Editor, edits: list[tuple[int, dict[str, Any]]]) -> None:
    for number, edit in edits:
        arguments = dict(edit)
        operation = arguments.pop("op")
        try:
            OPERATIONS[operation](editor, **arguments)
        except EditProblem as problem:
            raise EditProblem(f"edit {number} ({operation}): {problem}") from None


def accept_all(office: Office, document: Any) -> None:
    """Edit > Track Changes > Accept All, through the view's dispatcher."""
    dispatcher = office.service("com.sun.star.frame.DispatchHelper")
    frame = document.getCurrentController().getFrame()
    dispatcher.executeDispatch(frame, ".uno:AcceptAllTrackedChanges", "", 0, ())
    left = document.getRedlines().getCount()
    if left:
        raise RuntimeError(f"{left} tracked changes were left after accepting all")


def close(document: Any) -> None:
    with suppress(Exception):  # LibreOffice died: the error that killed it is the one to see
        document.close(True)


def save(document: Any, target: Path) -> None:
    """File > Save As, Word 2007–365 (.docx)."""
    document.storeToURL(
        target.resolve().as_uri(),
        (prop("FilterName", "MS Word 2007 XML"), prop("Overwrite", True)),
    )


def main() -> int:
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    try:
        report = run(job)
    except EditProblem as problem:
        print(problem, file=sys.stderr)
        return EDIT_PROBLEM
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
