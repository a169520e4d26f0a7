"""Bad inputs are refused with exact, located messages, and nothing crashes the loader."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.errors import InputError, Problem
from reportgen.source import load_workshop, validate_file, yamlload
from reportgen.source.schema import WORKSHOP, Kind, ListOf, Object

CORPUS = Path(__file__).parent / "bad_inputs"
BAD_INPUTS = sorted(CORPUS.glob("*.yaml"))
EXPECT = re.compile(rb"# expect: (.*)")

VALID = """\
report:
  title: Integrating migrants
  organizer: OSCE Office for Democratic Institutions and Human Rights
  date: 2019-02-15
  authors: [Jane Doe]
event:
  name: Expert workshop on migrant integration
  start: 2018-11-28
  end: 2018-11-29
  city: Tbilisi
  country: Georgia
participants:
  women: 1
  list:
    - name: Jane Doe
      gender: woman
topics:
  - id: strategy
    title: A national strategy
    summary: How to plan integration.
    points: [Plan early]
quotes:
  - speaker: Vasco Malta
    text: A great opportunity.
    topic: strategy
recommendations:
  - text: Adopt a national strategy.
    to: [participating States]
    topic: strategy
agenda:
  - time: 09:30
    title: Opening
    day: 1
contact:
  email: jane.doe@example.org
"""


def expected(path: Path) -> list[str]:
    """The ``# expect: LINE: field: message`` lines that open a corpus file."""
    out = []
    for line in path.read_bytes().splitlines():
        match = EXPECT.match(line)
        if not match:
            break
        out.append(f"{path}:{match.group(1).decode('utf-8')}")
    return out


def test_the_corpus_holds_at_least_forty_bad_inputs() -> None:
    assert len(BAD_INPUTS) >= 40
    assert all(expected(path) for path in BAD_INPUTS)


@pytest.mark.parametrize("path", BAD_INPUTS, ids=lambda p: p.stem)
def test_a_bad_input_is_refused_with_the_expected_problems(path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_workshop(path)
    assert [str(p) for p in info.value.problems] == expected(path)
    assert [str(p) for p in validate_file(path)] == expected(path)
    assert str(info.value) == "\n".join(expected(path))


@contextlib.contextmanager
def pure_python_parser() -> Iterator[None]:
    saved = yamlload.NodeLoader
    yamlload.NodeLoader = yamlload.PythonLoader
    try:
        yield
    finally:
        yamlload.NodeLoader = saved


@pytest.mark.parametrize("path", BAD_INPUTS, ids=lambda p: p.stem)
def test_the_pure_python_parser_refuses_the_same_inputs(path: Path) -> None:
    with pure_python_parser():
        problems = [str(p) for p in validate_file(path)]
    assert problems
    if not path.stem.startswith("yaml_"):  # syntax messages differ between the parsers
        assert problems == expected(path)


def test_a_billion_laughs_file_is_refused_fast() -> None:
    start = time.perf_counter()
    with pytest.raises(InputError, match="billion laughs"):
        load_workshop(CORPUS / "yaml_billion_laughs.yaml")
    assert time.perf_counter() - start < 1.0


def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path: Path) -> None:
    for text in ("x: " + "[" * 100_000, "x: " + "{a: " * 3000, "- " * 3000 + "x\n"):
        path = tmp_path / "deep.yaml"
        path.write_text(text)
        for context in (contextlib.nullcontext(), pure_python_parser()):
            with context, pytest.raises(InputError, match="levels deep"):
                load_workshop(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    assert [str(p) for p in validate_file(path)] == [
        f"{path}:1: the file is empty (expected keys such as `report:`, `event:`, `topics:`)"
    ]


def test_a_missing_file_is_named_as_given() -> None:
    assert validate_file("no/such/input.yaml") == [
        Problem("no/such/input.yaml", None, "", "file not found")
    ]
    with pytest.raises(InputError) as info:
        load_workshop(Path("no/such/input.yaml"))
    assert str(info.value) == "no/such/input.yaml: file not found"


def test_a_folder_is_not_an_input(tmp_path: Path) -> None:
    problems = [str(p) for p in validate_file(tmp_path)]
    assert problems == [f"{tmp_path}: is a folder, not a YAML file"]


def test_a_utf16_file_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(VALID.encode("utf-16"))
    assert [str(p) for p in validate_file(path)] == [
        f"{path}:1: the file is saved as UTF-16; save it as UTF-8"
    ]


def test_a_relative_path_is_named_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("x.yaml").write_text(VALID.replace("city", "town"))
    assert [str(p) for p in validate_file("./x.yaml")] == [
        "./x.yaml:6: event.city: required field missing",
        "./x.yaml:10: event.town: unknown key `town` (known keys: name, kind, date, start, end, "
        "city, country, venue, format, fields_of_work, partners, background)",
    ]


def test_the_valid_example_of_this_module_loads(tmp_path: Path) -> None:
    path = tmp_path / "valid.yaml"
    path.write_text(VALID)
    assert load_workshop(path).participants.total == 1


# --- Property: anything goes in, a Workshop or an InputError comes out. ---

EXAMPLES: dict[str, int] = {}


def _keys(kind: Kind) -> set[str]:
    if isinstance(kind, ListOf):
        return _keys(kind.item)
    if isinstance(kind, Object):
        return set(kind.fields).union(*(_keys(f.kind) for f in kind.fields.values()))
    return set()


KEYS = sorted(_keys(WORKSHOP))
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["2018-11-29", "2018-02-30", "woman", "draft", "en", "strategy", "a@b.cd"])
    | st.dates().map(str)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


def must_load_or_refuse(tmp_path: Path, content: bytes, kind: str) -> None:
    EXAMPLES[kind] = EXAMPLES.get(kind, 0) + 1
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(content)
    for context in (contextlib.nullcontext(), pure_python_parser()):
        with context:
            try:
                load_workshop(path)
            except InputError as exc:
                assert exc.problems
                assert all(p.file == str(path) for p in exc.problems)


def _replace(data: Any, path: list[int], value: Any) -> Any:
    """``data`` with the value reached by following ``path`` (indexes modulo size) replaced."""
    if not path or not isinstance(data, dict | list) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[key] = _replace(data[key], path[1:], value)  # type: ignore[index]
    return copy


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "valid.yaml").write_text(VALID)
    return folder


@FUZZ
@given(content=st.binary(max_size=400))
def test_arbitrary_bytes_load_or_are_refused(fuzz_dir: Path, content: bytes) -> None:
    must_load_or_refuse(fuzz_dir, content, "bytes")


@FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_text_loads_or_is_refused(fuzz_dir: Path, text: str) -> None:
    must_load_or_refuse(fuzz_dir, text.encode("utf-8", "surrogatepass"), "text")


@FUZZ
@given(data=st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), VALUES, max_size=9),
       flow=st.booleans())  # fmt: skip
def test_arbitrary_structures_load_or_are_refused(
    fuzz_dir: Path, data: dict[str, Any], flow: bool
) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=flow)
    must_load_or_refuse(fuzz_dir, text.encode("utf-8", "surrogatepass"), "structures")


@FUZZ
@given(changes=st.lists(st.tuples(st.lists(st.integers(0, 50), max_size=5), VALUES), max_size=4))
def test_a_valid_input_with_values_changed_loads_or_is_refused(
    fuzz_dir: Path, changes: list[tuple[list[int], Any]]
) -> None:
    data = yamlload.read_yaml(fuzz_dir / "valid.yaml").data
    for where, value in changes:
        data = _replace(data, where, value)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    must_load_or_refuse(fuzz_dir, text.encode("utf-8", "surrogatepass"), "changed values")


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(VALID)), st.integers(0, 3),
                  st.text(alphabet=":-[]{}#&*!|>'\"%@`\t\n ,?~\\", max_size=3)),
        max_size=4,
    )
)  # fmt: skip
def test_a_valid_input_with_characters_edited_loads_or_is_refused(
    fuzz_dir: Path, edits: list[tuple[int, int, str]]
) -> None:
    text = VALID
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut :]
    must_load_or_refuse(fuzz_dir, text.encode("utf-8"), "edited text")


def test_zz_report_how_many_examples_ran() -> None:
    # Runs after the property tests (pytest keeps file order); shown with -rP or -s.
    print("hypothesis examples:", EXAMPLES, "total", sum(EXAMPLES.values()))
