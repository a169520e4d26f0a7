"""The real-world DOCX corpus: publish each file, convert it with LibreOffice, compare the words.

    python bench/corpus.py refresh            # LibreOffice's words → tests/corpus/expected/
    python bench/corpus.py refresh NAME…      # only these files (source/file.docx)
    python bench/corpus.py pdf DIR NAME…      # LibreOffice's PDFs of these files, to look at

The library half is used by tests/test_corpus.py and bench/corpus_report.py;
docs/corpus.md says what is compared and why.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
EXPECTED = CORPUS / "expected"
SOURCES = CORPUS / "SOURCES.csv"
OUTCOMES = CORPUS / "outcomes.toml"
LIBREOFFICE_TIMES = EXPECTED / "libreoffice.csv"

TIMEOUT = 180.0  # seconds a publish may take before it counts as a hang
MEMORY_LIMIT = 4 << 30  # address space of the publishing process (RLIMIT_AS), 4 GiB


# -- the files -------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One corpus file and where it came from (a row of tests/corpus/SOURCES.csv)."""

    name: str  # source/file.docx, under tests/corpus/
    repository: str
    path: str
    commit: str
    licence: str
    shows: str  # what the file exercises

    @property
    def file(self) -> Path:
        return CORPUS / self.name


def entries() -> list[Entry]:
    with SOURCES.open(newline="", encoding="utf-8") as handle:
        return [Entry(**row) for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class Outcome:
    """What tests/corpus/outcomes.toml expects of a file; a file not listed must pass."""

    expect: str = "pass"  # pass, refused, or fails (an expected failure)
    reason: str = ""  # for fails: why; for refused: a phrase the refusal must contain


def outcomes() -> dict[str, Outcome]:
    with OUTCOMES.open("rb") as handle:
        table = tomllib.load(handle)
    return {name: Outcome(**values) for name, values in table.items()}


# -- words -------------------------------------------------------------------------

# Scripts written without spaces: each character is a word, wherever the lines break.
_UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
_HYPHENATED = re.compile(r"(?<=\w)[-\u00ad\u2010]\n(?=\w)")
_DIGIT = re.compile(r"\d")
# Dot leaders of a contents line: three dots or more, spaced or not, or two run together.
_LEADER = re.compile(r"(?:\s*[.\u00b7\u2024\u2025\u2026_]){3,}\s*|[.\u2025\u2026]{2,}")
# Hebrew, Arabic, Syriac, Thaana, N'Ko, …, and their presentation forms.
_RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_SYMBOLS = ("So", "Sm", "Co")  # other and math symbols, private use: drawn, not spelled
EDGE_LINES = 3  # lines at the top and at the bottom of a page that may be running text


def words(text: str) -> list[str]:
    """The words of ``text``: NFKC, case-folded, punctuation and symbols stripped.

    A word keeps its letters, digits and combining marks only, so that
    "e-mail", "e‑mail" and "email" are one word, and a bullet, a dash or a
    list number's full stop is none.  A symbol separates words.
    """
    found = []
    # A symbol is a space before it is normalised: NFKC would spell some ("Ⓟ" as "P").
    text = "".join(" " if unicodedata.category(c) in _SYMBOLS else c for c in text)
    text = _UNSPACED.sub(r" \1 ", unicodedata.normalize("NFKC", text).casefold())
    for token in text.split():
        for word in "".join(_kept(c) for c in token).split():
            if _RIGHT_TO_LEFT.search(word):
                found.extend(_by_direction(word))
            else:
                found.append(word)
    return found


def _kept(char: str) -> str:
    """A letter, digit or mark as it is; a symbol a space (it is drawn, not spelled:
    a dingbat, an arrow, a character of a symbol font); other characters nothing."""
    category = unicodedata.category(char)
    if category[0] in "LNM":
        return char
    return " " if category in _SYMBOLS else ""


def _by_direction(word: str) -> list[str]:
    """A word where right-to-left letters meet others is two words (or more).

    "تجربة123456789" in the order it was typed reads "123456789تجربة" in the
    order it is drawn: which of the two a PDF gives depends on how it writes
    mixed-direction text, not on what the reader sees.
    """
    parts: list[str] = []
    previous = None
    for char in word:
        rtl = unicodedata.bidirectional(char) in ("R", "AL")
        if unicodedata.category(char)[0] == "M" and previous is not None:
            rtl = previous  # a mark goes with its letter
        if rtl != previous:
            parts.append("")
        parts[-1] += char
        previous = rtl
    return parts


def line_words(line: str) -> list[str]:
    """The words of one line of a PDF, without the page number of a contents line.

    Dot leaders separate words ("Article 1.........92" is "article", "1" and a
    page number), and a number after them at the end of the line is where the
    entry is in this PDF, which depends on where its pages break: no word.  A
    line that is only the letter o is a bullet (Word's second-level bullet is
    "o" in Courier New), no word either.
    """
    parts = _LEADER.split(line)
    if len(parts) > 1 and len(last := words(parts[-1])) == 1 and last[0].isdigit():
        parts.pop()
    found = words(" ".join(parts))
    return [] if found == ["o"] else found


def _join_hyphenation(page: str) -> str:
    """A word a hyphen breaks at a line end is one word, if the next line goes on in lowercase."""

    def join(match: re.Match[str]) -> str:
        after = page[match.end()]
        return "" if after.islower() else match.group(0)

    return _HYPHENATED.sub(join, page)


def pdf_pages(pdf: Path) -> list[str]:
    """pdftotext's text of each page."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
        timeout=120,
    ).stdout
    return split_pages(text)


def split_pages(text: str) -> list[str]:
    return text.split("\f")[: -1 if text.endswith("\f") else None]


@dataclass
class Reading:
    """The words a reader sees in a PDF, in order, and where its lines end."""

    words: list[str]
    line_ends: list[int]  # indices of words that end a line that another line follows


def read_pages(pages: list[str], *, furniture_from: int = 2) -> Reading:
    """The words of ``pages``, with running headers and footers counted once.

    A line among the first three or last three of a page whose shape (its
    words, digits masked) recurs there on most pages (60 %, ``furniture_from``
    pages at least) is page furniture: it counts once, without its numbers,
    since page numbers and how many times a header is printed depend on where
    the pages break, which differs between any two typesetters.  A table row
    that happens to open two pages of ten is not furniture.
    """
    lines = [
        [
            found
            for found in (line_words(raw) for raw in _join_hyphenation(page).splitlines())
            if found
        ]
        for page in pages
    ]

    def edges(page: list[list[str]]) -> dict[int, set[int]]:
        """Lines at the edges of a page, by index: their places, from the top (0, 1, …)
        or from the bottom (-1, -2, …)."""
        depth = min(EDGE_LINES, len(page))
        found: dict[int, set[int]] = {}
        for i in range(depth):
            found.setdefault(i, set()).add(i)
            found.setdefault(len(page) - 1 - i, set()).add(-1 - i)
        return found

    def shape(line: list[str]) -> tuple[str, ...]:
        return tuple(_DIGIT.sub("#", word) for word in line)

    # A line is furniture where its shape recurs in the same place: a running
    # header is always the first line or two, while a table's rows ("2006",
    # "Gross income") open and close pages wherever the pages break.
    seen_on = Counter(
        key
        for page in lines
        for key in {
            (place, shape(page[i])) for i, places in edges(page).items() for place in places
        }
    )
    least = max(furniture_from, 0.6 * len(pages))
    result: list[str] = []
    line_ends: list[int] = []
    counted: set[tuple[str, ...]] = set()
    for page in lines:
        at_edge = edges(page)
        for index, line in enumerate(page):
            key = shape(line)
            places = at_edge.get(index, set())
            if all(word.isdigit() for word in line):
                places &= {0, -1}  # a page number alone is the first or the last line
            if any(seen_on[place, key] >= least for place in places):
                if key in counted:
                    continue
                counted.add(key)
                line = [word for word in line if not word.isdigit()]
            if line:
                result.extend(line)
                line_ends.append(len(result) - 1)
    return Reading(result, line_ends[:-1])


def ours_words(pdf: Path) -> list[str]:
    """The words of reportgen's PDF, whose running text is told apart on three pages or more.

    On two pages, a list or a heading that opens both looks like a running
    header; taken for one, words reportgen shows would count as lost.
    Counting a real header of a two-page PDF twice can only add words to
    reportgen's side, never lose one.
    """
    return read_pages(pdf_pages(pdf), furniture_from=3).words


# -- what LibreOffice shows (the committed fixtures) -----------------------------


@dataclass
class Expected:
    """LibreOffice's conversion of one file, after accepting its tracked changes.

    What is kept is pdftotext's text of LibreOffice's PDF, and of the PDF of a
    copy whose pictures are blank when that differs: every rule of the
    comparison applies when the test runs, so that changing one needs no new
    LibreOffice run.
    """

    text: str
    text_without_pictures: str | None = None
    seconds: float = 0.0  # the whole soffice process, warm profile
    peak_mib: float = 0.0

    @property
    def reading(self) -> Reading:
        return read_pages(split_pages(self.text))

    @property
    def words(self) -> list[str]:
        return self.reading.words

    @property
    def picture_words(self) -> list[str]:
        """Words LibreOffice draws inside pictures and charts."""
        if self.text_without_pictures is None:
            return []
        blank = read_pages(split_pages(self.text_without_pictures)).words
        return sorted((Counter(self.words) - Counter(blank)).elements())


def expected_paths(name: str) -> tuple[Path, Path]:
    stem = EXPECTED / name
    return stem.with_name(stem.name + ".txt"), stem.with_name(stem.name + ".without-pictures.txt")


def read_expected(name: str) -> Expected | None:
    text_file, pictures_file = expected_paths(name)
    if not text_file.is_file():
        return None
    result = Expected(
        text_file.read_text(encoding="utf-8"),
        pictures_file.read_text(encoding="utf-8") if pictures_file.is_file() else None,
    )
    times = _libreoffice_times().get(name)
    if times:
        result.seconds, result.peak_mib = times
    return result


def _libreoffice_times() -> dict[str, tuple[float, float]]:
    if not LIBREOFFICE_TIMES.is_file():
        return {}
    with LIBREOFFICE_TIMES.open(newline="", encoding="utf-8") as handle:
        return {
            row["file"]: (float(row["seconds"]), float(row["peak_mib"]))
            for row in csv.DictReader(handle)
        }


def write_expected(name: str, expected: Expected) -> None:
    text_file, pictures_file = expected_paths(name)
    text_file.parent.mkdir(parents=True, exist_ok=True)
    text_file.write_text(expected.text, encoding="utf-8")
    if expected.text_without_pictures is not None:
        pictures_file.write_text(expected.text_without_pictures, encoding="utf-8")
    else:
        pictures_file.unlink(missing_ok=True)
    times = _libreoffice_times()
    times[name] = (expected.seconds, expected.peak_mib)
    with LIBREOFFICE_TIMES.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "seconds", "peak_mib"])
        for file, (seconds, peak) in sorted(times.items()):
            writer.writerow([file, f"{seconds:.2f}", f"{peak:.0f}"])


# -- LibreOffice ---------------------------------------------------------------------

# LibreOffice prints tracked insertions and deletions both; this macro accepts
# them first, as `publish --accept-changes` does, then exports the PDF.  It is
# LibreOffice's own acceptance, not reportgen's (review.py), so that a bug in
# ours shows as a difference instead of being copied into the yardstick.
_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" \
script:language="StarBasic">
Sub AcceptAndExport(sIn As String, sOut As String)
  Dim load(1) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot; : load(0).Value = True
  load(1).Name = &quot;MacroExecutionMode&quot; : load(1).Value = 0
  oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), &quot;_blank&quot;, 0, load())
  oFrame = oDoc.getCurrentController().getFrame()
  oDispatch = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
  oDispatch.executeDispatch(oFrame, &quot;.uno:AcceptAllTrackedChanges&quot;, _
    &quot;&quot;, 0, Array())
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot; : store(0).Value = &quot;writer_pdf_Export&quot;
  oDoc.storeToURL(ConvertToURL(sOut), store())
  oDoc.close(True)
End Sub
</script:module>
"""


class LibreOffice:
    """soffice headless with a profile of its own, holding the accept-and-export macro."""

    def __init__(self) -> None:
        binary = shutil.which("soffice") or shutil.which("libreoffice")
        if binary is None:
            raise RuntimeError("LibreOffice is not installed (apt-get install libreoffice-writer)")
        self.binary = binary
        self.folder = Path(tempfile.mkdtemp(prefix="reportgen-corpus-lo-"))
        self.profile = self.folder / "profile"
        subprocess.run(
            [self.binary, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
             "--terminate_after_init"],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        module = self.profile / "user" / "basic" / "Standard" / "Module1.xba"
        module.write_text(_MACRO, encoding="utf-8")

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def convert(
        self, docx: bytes, name: str, pdf: Path, timeout: float = 120.0
    ) -> tuple[float, float]:
        """Accept the changes in ``docx`` and export it to ``pdf``: (seconds, peak MiB).

        The copy LibreOffice opens has the file's own ``name``: a FILENAME
        field shows it.
        """
        source = self.folder / "in" / name
        shutil.rmtree(source.parent, ignore_errors=True)
        source.parent.mkdir()
        source.write_bytes(docx)
        pdf.unlink(missing_ok=True)
        call = f'macro:///Standard.Module1.AcceptAndExport("{source}","{pdf}")'
        measured = _measure(
            [self.binary, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", call],
            timeout=timeout,
        )
        # soffice sometimes crashes on its way out, after the PDF is written: the PDF counts.
        if (
            measured.timed_out
            or not pdf.is_file()
            or not pdf.read_bytes().rstrip().endswith(b"%%EOF")
        ):
            raise RuntimeError(f"LibreOffice did not convert {pdf.stem}: {measured.stderr}")
        return measured.seconds, measured.peak_mib


# A 1×1 transparent PNG: what pictures become in the copy that tells picture words apart.
_BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8ffff3f0005fe02fea7d6a4b00000000049454e44ae426082"
)
_PICTURE_PARTS = re.compile(r"^word/(media|embeddings|charts)/")


def without_pictures(docx: bytes) -> bytes:
    """The same DOCX with every picture, embedded object and chart made a blank picture."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = _BLANK_PNG if _PICTURE_PARTS.match(info.filename) else source.read(info)
            target.writestr(info, data)
    return out.getvalue()


def libreoffice_expected(office: LibreOffice, docx: Path, work: Path) -> Expected:
    """Convert ``docx`` (and its copy without pictures) and keep the text of each."""
    data = docx.read_bytes()
    pdf = work / "libreoffice.pdf"
    seconds, peak = office.convert(data, docx.name, pdf)
    text = "\f".join(pdf_pages(pdf)) + "\f"
    office.convert(without_pictures(data), docx.name, pdf)
    blank = "\f".join(pdf_pages(pdf)) + "\f"
    return Expected(text, blank if blank != text else None, seconds, peak)


# -- reportgen, one process per file ----------------------------------------------


@dataclass
class Run:
    """One `publish --accept-changes` of a corpus file, in a process of its own."""

    status: str  # published, refused, traceback, timeout, crashed
    seconds: float = 0.0  # the whole process
    peak_mib: float = 0.0  # its ru_maxrss
    warnings: list[str] = field(default_factory=list)
    error_type: str = ""
    message: str = ""
    traceback: str = ""


@dataclass
class _Measured:
    status: int
    seconds: float
    peak_mib: float
    stdout: str
    stderr: str
    timed_out: bool


def _limit_memory(limit: int) -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _measure(command: list[str], *, timeout: float, memory: int | None = None) -> _Measured:
    """Run ``command``; its wall time and peak memory (wait4's ru_maxrss, children included)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            preexec_fn=partial(_limit_memory, memory) if memory else None,
            start_new_session=True,
        )  # fmt: skip
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                timed_out = True
                os.killpg(process.pid, 9)
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return _Measured(
            process.returncode,
            seconds,
            usage.ru_maxrss / 1024,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            timed_out,
        )


def publish(docx: Path, pdf: Path, *, timeout: float = TIMEOUT, memory: int = MEMORY_LIMIT) -> Run:
    """`reportgen.pipeline.publish(docx, pdf, accept_changes=True)` in a child process."""
    measured = _measure(
        [sys.executable, str(Path(__file__).resolve()), "child", str(docx), str(pdf)],
        timeout=timeout,
        memory=memory,
    )
    if measured.timed_out:
        return Run("timeout", measured.seconds, measured.peak_mib, message=f"over {timeout:.0f} s")
    lines = measured.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict):
        return Run(
            "crashed", measured.seconds, measured.peak_mib,
            message=f"exit status {measured.status}", traceback=measured.stderr[-4000:],
        )  # fmt: skip
    return Run(seconds=measured.seconds, peak_mib=measured.peak_mib, **report)


def _child(docx: str, pdf: str) -> None:  # pragma: no cover - runs in the child
    import traceback

    from reportgen.errors import ReportgenError
    from reportgen.pipeline import publish as publish_docx

    report: dict[str, object]
    try:
        outcome = publish_docx(docx, pdf, accept_changes=True)
        report = {"status": "published", "warnings": [str(m) for m in outcome.warnings]}
    except ReportgenError as error:
        report = {"status": "refused", "error_type": type(error).__name__, "message": str(error)}
    except BaseException as error:  # a bug in reportgen, MemoryError and RecursionError included
        report = {
            "status": "traceback",
            "error_type": type(error).__name__,
            "message": str(error)[:2000],
            "traceback": traceback.format_exc()[-4000:],
        }
    print(json.dumps(report))


# -- the comparison ---------------------------------------------------------------

_QUOTED = re.compile(
    r"“([^”]*)”|‘([^’]*)’|«([^»]*)»|\"([^\"]*)\"|(?<![\w])'(.*?)'(?!\w)", re.DOTALL
)


def quoted_words(warnings: Iterable[str]) -> set[str]:
    """The words warnings quote: text between quotation marks, as the reader cites left-out text."""
    found: set[str] = set()
    for warning in warnings:
        for match in _QUOTED.finditer(warning):
            found.update(words(next(group for group in match.groups() if group is not None)))
    return found


@dataclass
class Comparison:
    """LibreOffice's words against reportgen's, for one file."""

    shown: int  # words LibreOffice shows
    lost: Counter[str]  # shown by LibreOffice, missing from reportgen's PDF (multiset)
    uncovered: Counter[str]  # lost, and named by no warning
    extra: Counter[str]  # in reportgen's PDF, not in LibreOffice's

    @property
    def lost_fraction(self) -> float:
        return self.lost.total() / self.shown if self.shown else 0.0

    @property
    def uncovered_fraction(self) -> float:
        return self.uncovered.total() / self.shown if self.shown else 0.0


LONG_WORD = 10  # letters: a URL, a code, a compound the two typesetters break apart differently


def _rejoined(
    lost: Counter[str], theirs: Reading, ours: list[str], extra: Counter[str]
) -> Counter[str]:
    """``lost`` less the words one PDF broke across lines and the other did not.

    A word LibreOffice breaks at the end of a line (in a narrow column or
    shape, after a dash) counts as found when reportgen's PDF has it whole.
    Without a hyphen at the break there is no telling a broken word from two
    words in reportgen's PDF, so there a long word counts as found when it has
    it in two or three consecutive pieces.  A word reportgen hyphenated at the
    foot of a page goes on after the page's footer, on the next page: it
    counts as found when both its halves are among reportgen's extra words.
    """
    pieces = {
        "".join(ours[i : i + n]) for n in (2, 3) for i in range(len(ours) - n + 1)
    }  # fmt: skip
    found = Counter({w: n for w, n in lost.items() if len(w) >= LONG_WORD and w in pieces})
    spare = Counter(extra)
    ends = set(theirs.line_ends)
    for i in theirs.line_ends:
        for n in (2, 3):
            if n == 3 and i + 1 not in ends:
                break
            parts = theirs.words[i : i + n]
            joined = "".join(parts)
            if len(parts) == n and spare[joined] > 0 and all(lost[p] for p in parts):
                spare[joined] -= 1
                found.update(parts)
                break
    for n in (2, 3):
        for i in range(len(theirs.words) - n + 1):
            joined = "".join(theirs.words[i : i + n])
            if len(joined) >= LONG_WORD and spare[joined] > 0:
                found.update(theirs.words[i : i + n])
    for word, count in (lost - found).items():
        for _ in range(count):
            cut = next(
                (i for i in range(2, len(word) - 1) if spare[word[:i]] and spare[word[i:]]), None
            )
            if cut is None:
                break
            spare.subtract((word[:cut], word[cut:]))
            found[word] += 1
    return lost - found


def compare(expected: Expected, shown: list[str], warnings: list[str]) -> Comparison:
    """Which of LibreOffice's words reportgen's PDF lacks, and which of those a warning covers.

    A lost word is covered when a warning quotes it, or when it is one of the
    words LibreOffice draws inside a picture and a warning says a picture was
    left out (``coverage.PICTURE_LEFT_OUT``).
    """
    from reportgen.word.coverage import PICTURE_LEFT_OUT

    reading = expected.reading
    theirs, ours = Counter(reading.words), Counter(shown)
    lost = _rejoined(theirs - ours, reading, shown, ours - theirs)
    quoted = quoted_words(warnings)
    uncovered = Counter({w: n for w, n in lost.items() if w not in quoted})
    if any(PICTURE_LEFT_OUT.search(w) for w in warnings):
        uncovered -= Counter(expected.picture_words)
    return Comparison(theirs.total(), lost, uncovered, ours - theirs)


# -- running the corpus --------------------------------------------------------------


@dataclass
class Result:
    """A file's run and comparison, as the report and the tests read them."""

    name: str
    run: Run
    comparison: Comparison | None
    libreoffice_seconds: float
    libreoffice_peak_mib: float

    def as_json(self) -> dict[str, object]:
        comparison = None
        if self.comparison is not None:
            c = self.comparison
            comparison = {
                "shown": c.shown,
                "lost": dict(c.lost),
                "uncovered": dict(c.uncovered),
                "extra": c.extra.total(),
                "lost_fraction": c.lost_fraction,
                "uncovered_fraction": c.uncovered_fraction,
            }
        return {
            "name": self.name,
            "run": asdict(self.run),
            "comparison": comparison,
            "libreoffice_seconds": self.libreoffice_seconds,
            "libreoffice_peak_mib": self.libreoffice_peak_mib,
        }


def check(entry: Entry, work: Path) -> Result:
    """Publish one corpus file and compare its PDF with LibreOffice's words."""
    pdf = work / f"{entry.file.stem}.pdf"
    run = publish(entry.file, pdf)
    expected = read_expected(entry.name)
    comparison = None
    if run.status == "published" and expected is not None:
        comparison = compare(expected, ours_words(pdf), run.warnings)
    seconds, peak = (expected.seconds, expected.peak_mib) if expected else (0.0, 0.0)
    return Result(entry.name, run, comparison, seconds, peak)


@contextmanager
def _folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="reportgen-corpus-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def refresh(names: list[str]) -> None:
    """Regenerate LibreOffice's words (tests/corpus/expected/) for ``names``, or every file."""
    refused = {name for name, o in outcomes().items() if o.expect == "refused"}
    chosen = [e for e in entries() if (e.name in names if names else e.name not in refused)]
    office = LibreOffice()
    try:
        with _folder() as work:
            for entry in chosen:
                try:
                    expected = libreoffice_expected(office, entry.file, work)
                except RuntimeError as error:
                    print(f"{entry.name}: {error}", file=sys.stderr)
                    continue
                write_expected(entry.name, expected)
                print(
                    f"{entry.name}: {len(expected.words)} words "
                    f"({len(expected.picture_words)} in pictures), {expected.seconds:.1f} s"
                )
    finally:
        office.close()


def libreoffice_pdfs(folder: Path, names: list[str]) -> None:
    """LibreOffice's PDF of each of ``names`` (changes accepted) into ``folder``, to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    office = LibreOffice()
    try:
        for name in names:
            target = folder / f"{Path(name).stem}.libreoffice.pdf"
            office.convert((CORPUS / name).read_bytes(), Path(name).name, target.resolve())
            print(target)
    finally:
        office.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    refresh_parser = commands.add_parser("refresh", help="regenerate LibreOffice's word lists")
    refresh_parser.add_argument("names", nargs="*", help="source/file.docx (default: all)")
    pdf_parser = commands.add_parser("pdf", help="write LibreOffice's PDFs of some files")
    pdf_parser.add_argument("folder", type=Path)
    pdf_parser.add_argument("names", nargs="+", help="source/file.docx")
    child = commands.add_parser("child", help=argparse.SUPPRESS)
    child.add_argument("docx")
    child.add_argument("pdf")
    args = parser.parse_args(argv)
    if args.command == "child":
        _child(args.docx, args.pdf)
    elif args.command == "pdf":
        libreoffice_pdfs(args.folder, args.names)
    else:
        refresh(args.names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
