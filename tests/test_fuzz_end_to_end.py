"""Property: any text in any field, any structure anywhere, gives a valid report or a located error.

Hypothesis puts arbitrary text — control characters, markup (``<img>``,
``</w:t>``, ``]]>``, ``&amp;``), quotes, right-to-left, Georgian, CJK and
emoji, Markdown syntax, Jinja syntax, strings of 10,000 characters — into
every text field of a valid input, and arbitrary values in place of any part
of it.  Each example must either generate a DOCX that python-docx opens (with
a valid fingerprint) and a PDF that pypdf parses, or end in reportgen's own
error, located in the input; never another exception.  The examples that go
on to the PDF also hold their DOCX to Word's schemas (tests/ooxml.py).

Rendering a PDF takes about a second, so ``make test`` runs a few examples
through the whole pipeline and more through compose and DOCX only.
``REPORTGEN_FUZZ_EXAMPLES=N`` runs N examples through the whole pipeline and
10 N through compose and DOCX (run with ``-s`` to see the counts).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ooxml import assert_valid_docx
from reportgen.errors import ReportgenError
from reportgen.pipeline import generate
from reportgen.word.package import content_fingerprint, recorded_fingerprint

FULL = int(os.environ.get("REPORTGEN_FUZZ_EXAMPLES", "0") or 0)
PIPELINE_EXAMPLES = FULL or 15
DOCX_EXAMPLES = FULL * 10 or 100
STRUCTURE_EXAMPLES = FULL * 10 or 60

BASE: dict[str, Any] = {
    "report": {
        "title": "Integrating migrants",
        "subtitle": "Meeting report",
        "organizer": "OSCE Office for Democratic Institutions and Human Rights",
        "organizer_short": "ODIHR",
        "reference": "ODIHR.GAL/12/19",
        "date": "2019-02-15",
        "authors": ["Jane Doe"],
        "summary": "Participants *agreed* on a plan.",
    },
    "event": {
        "name": "Expert workshop on migrant integration",
        "kind": "expert workshop",
        "start": "2018-11-28",
        "end": "2018-11-29",
        "city": "Tbilisi",
        "country": "Georgia",
        "venue": "Hotel",
        "fields_of_work": ["Migration"],
        "partners": ["A partner"],
        "background": "Why the event was held.",
    },
    "participants": {
        "states": ["Georgia"],
        "state_label": "participating States",
        "sectors": ["civil society"],
        "publish_list": True,
        "list": [{"name": "Jane Doe", "organization": "ODIHR", "country": "Poland",
                  "sector": "civil society", "role": "Adviser", "gender": "woman"}],
    },
    "topics": [{
        "id": "strategy",
        "title": "A national strategy",
        "summary": "How to plan integration.",
        "points": ["Plan early"],
        "good_practices": ["A one-stop shop"],
        "challenges": ["Funding"],
    }],
    "quotes": [{"speaker": "Vasco Malta", "role": "IOM", "text": "A great opportunity.",
                "topic": "strategy"}],
    "recommendations": [{"text": "Adopt a national strategy.", "to": ["participating States"],
                         "topic": "strategy", "id": "R1"}],
    "agenda": [{"time": "09:30", "title": "Opening", "speakers": ["Jane Doe"], "day": 1}],
    "follow_up": "A second meeting in 2019.",
    "contact": {"name": "Jane Doe", "email": "jane.doe@example.org"},
}  # fmt: skip

# Every text field of the input, as a path into BASE.
TEXT_FIELDS: list[tuple[str | int, ...]] = [
    ("report", "title"), ("report", "subtitle"), ("report", "organizer"),
    ("report", "organizer_short"), ("report", "reference"), ("report", "authors", 0),
    ("report", "summary"),
    ("event", "name"), ("event", "kind"), ("event", "city"), ("event", "country"),
    ("event", "venue"), ("event", "fields_of_work", 0), ("event", "partners", 0),
    ("event", "background"),
    ("participants", "states", 0), ("participants", "state_label"),
    ("participants", "sectors", 0), ("participants", "list", 0, "name"),
    ("participants", "list", 0, "organization"), ("participants", "list", 0, "country"),
    ("participants", "list", 0, "sector"), ("participants", "list", 0, "role"),
    ("topics", 0, "title"), ("topics", 0, "summary"), ("topics", 0, "points", 0),
    ("topics", 0, "good_practices", 0), ("topics", 0, "challenges", 0),
    ("quotes", 0, "speaker"), ("quotes", 0, "role"), ("quotes", 0, "text"),
    ("recommendations", 0, "text"), ("recommendations", 0, "to", 0),
    ("recommendations", 0, "id"),
    ("agenda", 0, "time"), ("agenda", 0, "title"), ("agenda", 0, "speakers", 0),
    ("follow_up",), ("contact", "name"),
]  # fmt: skip

# Characters a Word document cannot hold; the loader refuses them (schema.py).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

PIECES = st.sampled_from([
    '<img src="http://127.0.0.1:9/x.png" onerror=alert(1)>', "</w:t></w:r><w:r><w:t>", "]]>",
    "<![CDATA[", "&amp;", "&", "&#0;", "<", ">", '"', "'", "`", "‘", "“", "«", "»", "--", "...",
    "*", "**", "_", "__", "~~", "[^1]", "\n\n[^1]: A note.", "[^x]:", "[a](https://example.org)",
    "[a](javascript:alert(1))", "![logo](file:///etc/passwd)", "<https://example.org>", "# ",
    "\n- ", "\n1. ", "\n> ", "\n    code", "\n```\n", "\n---\n", "|a|b|\n|-|-|", "\\", "{{ 7*7 }}",
    "{% for x in y %}", "{#", "%s", "{0.__class__}", "${x}", "\u202e", "\u200f", "\u200d", "\u00ad",
    "\ufeff", "ქართული ენა", "Тбилиси", "مرحبا بالعالم", "שלום", "中文字符", "日本語", "한국어",
    "😀", "👩‍👩‍👧", "🇬🇪", "\ue000", "\U0001e900", "e\u0301", "\t", "\r\n", "\r", "\x85",
    "\u2028", "\x07", "\x00", "\x1b[31m", "\ud800", "\uffff", "\x7f", "\x9f", " ", "\u00a0",
])  # fmt: skip
RAW_TEXT = st.lists(PIECES | st.text(st.characters(codec="utf-8"), max_size=12), max_size=10).map(
    "".join
) | st.text(max_size=40)
# Most examples hold text a Word document can take (so that most go all the
# way to the DOCX and PDF); RAW_TEXT may hold what the loader must refuse.
SHORT_TEXT = RAW_TEXT.map(lambda text: NOT_XML.sub("", text).strip() or "x")
LONG_TEXT = SHORT_TEXT.map(lambda piece: (piece * 10_000)[:10_000])
TEXT = SHORT_TEXT | LONG_TEXT
SCALARS = (
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats() | TEXT
    | st.sampled_from(["2018-11-29", "2018-02-30", "woman", "draft", "final", "en", "ru",
                       "strategy", "a@b.cd", "meeting-report", "../../etc"])
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=10) | st.sampled_from(["id", "text", "title", "name"]),
                      children, max_size=4),
    max_leaves=12,
)  # fmt: skip

# A failing example with 10,000-character texts in every field has a long repr; that is fine.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SLOW = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
COUNTS: Counter[str] = Counter()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-end-to-end")


def put(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def nodes(data: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """The path of every value in ``data``, containers included (not the root)."""
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += nodes(value, (*path, index))
    return found


NODES = nodes(BASE)


def generate_or_refuse(folder: Path, data: Any, formats: tuple[str, ...], kind: str) -> str:
    """Generate from ``data``: "written" (outputs checked) or "refused" (error checked).

    A DOCX that goes on to a PDF is also held to Word's schemas: the check
    takes about as long as writing the DOCX, a small part of the PDF's time.
    """
    source = folder / "fuzz.yaml"
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    source.write_text(text, encoding="utf-8")
    try:
        outcome = generate(source, out, formats=formats)
    except ReportgenError as error:
        COUNTS[f"{kind}: refused"] += 1
        located = [p for p in error.problems if p.file == str(source) and p.line]
        assert located or error.message.startswith(f"{source}:"), str(error)
        assert len(located) == len(error.problems), str(error)
        return "refused"
    COUNTS[f"{kind}: written"] += 1
    assert sorted(p.name for p in outcome.written) == sorted(f"fuzz.{f}" for f in formats)
    if "docx" in formats:
        data_docx = (out / "fuzz.docx").read_bytes()
        assert recorded_fingerprint(data_docx) == content_fingerprint(data_docx)
        document = docx.Document(str(out / "fuzz.docx"))
        assert document.paragraphs
        if "pdf" in formats:
            assert_valid_docx(data_docx, f"the DOCX of {kind}")
    if "pdf" in formats:
        pdf = (out / "fuzz.pdf").read_bytes()
        assert pdf.rstrip().endswith(b"%%EOF")
        assert len(pypdf.PdfReader(out / "fuzz.pdf", strict=True).pages) >= 1
    return "written"


def with_texts(changes: dict[int, str]) -> tuple[dict[str, Any], bool]:
    """BASE with the given fields changed; and whether the loader must accept it."""
    data = copy.deepcopy(BASE)
    for index, text in changes.items():
        put(data, TEXT_FIELDS[index], text)
    acceptable = all(text.strip() and not NOT_XML.search(text) for text in changes.values())
    return data, acceptable


FIELD = st.integers(0, len(TEXT_FIELDS) - 1)
# Now and then one field gets text that may hold what a Word document cannot.
SOMETIMES_RAW = st.sampled_from([False, False, False, True]).flatmap(
    lambda raw: st.dictionaries(FIELD, RAW_TEXT, min_size=1, max_size=1) if raw else st.just({})
)
# Up to three fields of 10,000 characters for the DOCX, one for the PDF:
# WeasyPrint takes minutes to break a 10,000-letter word in each of forty
# table cells and paragraphs (see the test of every field at once below).
TEXT_CHANGES = st.builds(
    lambda changes, long, raw: {**changes, **long, **raw},
    st.dictionaries(FIELD, SHORT_TEXT, min_size=1, max_size=len(TEXT_FIELDS))
    | SHORT_TEXT.map(lambda text: dict.fromkeys(range(len(TEXT_FIELDS)), text)),
    st.dictionaries(FIELD, LONG_TEXT, max_size=3),
    SOMETIMES_RAW,
)
PDF_TEXT_CHANGES = st.builds(
    lambda changes, long, raw: {**changes, **long, **raw},
    st.dictionaries(FIELD, SHORT_TEXT, min_size=1, max_size=len(TEXT_FIELDS))
    | SHORT_TEXT.map(lambda text: dict.fromkeys(range(len(TEXT_FIELDS)), text)),
    st.dictionaries(FIELD, LONG_TEXT, max_size=1),
    SOMETIMES_RAW,
)


@settings(SLOW, max_examples=PIPELINE_EXAMPLES)
@given(changes=PDF_TEXT_CHANGES)
def test_any_text_in_any_field_gives_a_docx_and_a_pdf_or_a_located_error(
    folder: Path, changes: dict[int, str]
) -> None:
    data, acceptable = with_texts(changes)
    result = generate_or_refuse(folder, data, ("docx", "pdf"), "text, DOCX and PDF")
    assert result == "written" or not acceptable


@settings(SLOW, max_examples=DOCX_EXAMPLES)
@given(changes=TEXT_CHANGES)
def test_any_text_in_any_field_gives_a_docx_or_a_located_error(
    folder: Path, changes: dict[int, str]
) -> None:
    data, acceptable = with_texts(changes)
    result = generate_or_refuse(folder, data, ("docx",), "text, DOCX")
    assert result == "written" or not acceptable


LIST_ITEMS = [path for path in NODES if isinstance(path[-1], int)]
CHANGES = st.lists(
    st.tuples(st.just("set"), st.sampled_from(NODES), VALUES)
    | st.tuples(st.just("delete"), st.sampled_from(NODES), st.none())
    | st.tuples(st.just("repeat"), st.sampled_from(LIST_ITEMS), st.integers(1, 4)),
    min_size=1,
    max_size=4,
)


def change(data: Any, how: str, path: tuple[str | int, ...], value: Any) -> None:
    """Set a value, delete it, or repeat a list item ``value`` times."""
    for key in path[:-1]:
        data = data[key]
    last = path[-1]
    if how == "set":
        data[last] = value
    elif how == "delete":
        del data[last]
    else:
        data[last:last] = [copy.deepcopy(data[last]) for _ in range(value)]


@settings(SLOW, max_examples=STRUCTURE_EXAMPLES)
@given(changes=CHANGES, pdf=st.integers(0, 9))
def test_any_structure_gives_a_report_or_a_located_error(
    folder: Path, changes: list[tuple[str, tuple[str | int, ...], Any]], pdf: int
) -> None:
    data = copy.deepcopy(BASE)
    for how, path, value in changes:
        try:
            change(data, how, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took away what held this place
    # One example in ten goes on to the PDF, as rendering is slow.
    formats = ("docx", "pdf") if pdf == 0 else ("docx",)
    generate_or_refuse(folder, data, formats, "structure")


@pytest.mark.parametrize("piece", ["ab", "lorem ipsum ", "ქართ ", "中文字符", "<w:t>&amp;]]>"])
def test_ten_thousand_characters_in_every_field_give_a_docx(folder: Path, piece: str) -> None:
    text = piece * (10_000 // len(piece))
    data, _ = with_texts(dict.fromkeys(range(len(TEXT_FIELDS)), text))
    assert generate_or_refuse(folder, data, ("docx",), "10,000 everywhere, DOCX") == "written"


def test_zz_report_how_many_examples_ran() -> None:
    # Runs after the property tests (pytest keeps file order); shown with -s.
    print("end-to-end examples:", dict(sorted(COUNTS.items())), "total", sum(COUNTS.values()))
