"""Editing a YAML input in place (source/yamledit.py): each style, as input/expected pairs."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.source import yamledit, yamlstyle, yamltree
from reportgen.source.loader import validate_file
from reportgen.source.yamledit import YamlEditor
from reportgen.source.yamlload import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
INPUTS = sorted((ROOT / "inputs").glob("*.yaml"))


def edited(source: str, *edits: tuple) -> str:
    """``source`` after the edits, each ``(method, *arguments)``; checked to read back."""
    editor = YamlEditor(source, "input.yaml")
    for method, *arguments in edits:
        getattr(editor, method)(*arguments)
    text = editor.text()
    assert parse_yaml(text, "input.yaml").data == editor.data
    return text


# Each case: the input, the edits, the text expected.  Lines not named in the
# edits must come out as they went in.
CASES = {
    "plain stays plain": (
        "a: one  # why\nb: two\n",
        [("set", ("a",), "three")],
        "a: three  # why\nb: two\n",
    ),
    "text YAML would read as something else is quoted": (
        "a: one\nb: two\nc: x\nd: x\ne: x\nf: x\ng: x\n",
        [
            ("set", ("a",), "true"),
            ("set", ("b",), "2019"),
            ("set", ("c",), "1e3"),
            ("set", ("d",), "- x"),
            ("set", ("e",), "key: value"),
            ("set", ("f",), "#hashtag"),
            ("set", ("g",), " leading space"),
        ],
        'a: "true"\nb: "2019"\nc: "1e3"\nd: "- x"\ne: "key: value"\nf: "#hashtag"\n'
        'g: " leading space"\n',
    ),
    "plain switches to the quotes the file uses": (
        "a: x\nb: 'y'\nc: 'z'\n",
        [("set", ("a",), "null")],
        "a: 'null'\nb: 'y'\nc: 'z'\n",
    ),
    "single quotes stay single, doubling the quote": (
        "a: 'it'\n",
        [("set", ("a",), "it's")],
        "a: 'it''s'\n",
    ),
    "double quotes stay double, with escapes": (
        'a: "x"\n',
        [("set", ("a",), 'say "hi" \\ bye\t')],
        'a: "say \\"hi\\" \\\\ bye\\t"\n',
    ),
    "characters YAML reads as line breaks are escaped": (
        "a: x\n",
        [("set", ("a",), "one\u2028two\x85three")],
        'a: "one\\Ltwo\\Nthree"\n',
    ),
    "numbers, true and null are written as such": (
        "a: 1\nb: x\nc: x\n",
        [("set", ("a",), 2), ("set", ("b",), True), ("set", ("c",), None)],
        "a: 2\nb: true\nc: null\n",
    ),
    "a literal block stays literal at its indentation": (
        "s: |\n    old text\n    here\nt: 1\n",
        [("set", ("s",), "new text\n\nsecond paragraph\n")],
        "s: |\n    new text\n\n    second paragraph\nt: 1\n",
    ),
    "a literal block takes the chomping its text needs": (
        "s: |\n  old\n",
        [("set", ("s",), "no final line break")],
        "s: |-\n  no final line break\n",
    ),
    "a block's header comment is kept": (
        "s: |-  # Markdown\n  old\n",
        [("set", ("s",), "new")],
        "s: |-  # Markdown\n  new\n",
    ),
    "a folded block stays folded, wrapped as it was": (
        "q: >-\n  The workshop highlighted the importance of co-ordinated efforts by\n"
        "  multiple actors.\nr: 1\n",
        [
            (
                "set",
                ("q",),
                "The meeting highlighted the importance of co-ordinated efforts by many "
                "actors, and of measures that last.",
            )
        ],
        "q: >-\n  The meeting highlighted the importance of co-ordinated efforts by\n"
        "  many actors, and of measures that last.\nr: 1\n",
    ),
    "a folded block that gets paragraphs becomes literal": (
        "q: >-\n  one\n",
        [("set", ("q",), "one\n\ntwo")],
        "q: |-\n  one\n\n  two\n",
    ),
    "a one-line value that gets paragraphs becomes a literal block": (
        "a: one  # note\nb: 2\n",
        [("set", ("a",), "one\n\ntwo\n")],
        "a: |  # note\n  one\n\n  two\nb: 2\n",
    ),
    "a block that gets one line keeps its comment": (
        "a: |  # note\n  one\n\n  two\nb: 2\n",
        [("set", ("a",), "one")],
        "a: |-  # note\n  one\nb: 2\n",
    ),
    "a plain text written over several lines is wrapped as it was": (
        "points:\n  - Integration strategies benefit from a whole-of-government approach,\n"
        "    with a lead institution.\n",
        [
            (
                "set",
                ("points", 0),
                "Integration strategies benefit from a whole-of-government approach, with a "
                "clearly designated lead institution and a mechanism for co-ordination.",
            )
        ],
        "points:\n  - Integration strategies benefit from a whole-of-government approach,\n"
        "    with a clearly designated lead institution and a mechanism for\n"
        "    co-ordination.\n",
    ),
    "a new list item is laid out like its siblings": (
        "points:\n  - one\n  - two\nnext: 1\n",
        [("insert", ("points",), 1, "one and a half"), ("insert", ("points",), 3, "three")],
        "points:\n  - one\n  - one and a half\n  - two\n  - three\nnext: 1\n",
    ),
    "a new list item in a list written flush with its key": (
        "points:\n- one\nnext: 1\n",
        [("insert", ("points",), 1, "two")],
        "points:\n- one\n- two\nnext: 1\n",
    ),
    "a new mapping item takes its siblings' key order and styles": (
        "recs:\n  - id: R1\n    to: [ODIHR]\n    text: >-\n      First.\n",
        [("insert", ("recs",), 1, {"text": "Second.", "to": ["States", "ODIHR"], "id": "R2"})],
        "recs:\n  - id: R1\n    to: [ODIHR]\n    text: >-\n      First.\n"
        "  - id: R2\n    to: [States, ODIHR]\n    text: >-\n      Second.\n",
    ),
    "items separated by blank lines stay separated": (
        "topics:\n  - id: a\n\n  - id: b\n",
        [("insert", ("topics",), 1, {"id": "ab"}), ("insert", ("topics",), 3, {"id": "c"})],
        "topics:\n  - id: a\n\n  - id: ab\n\n  - id: b\n\n  - id: c\n",
    ),
    "a flow list stays a flow list": (
        "to: [participating States, ODIHR]\n",
        [("insert", ("to",), 1, "civil society: NGOs"), ("delete", ("to", 0))],
        'to: ["civil society: NGOs", ODIHR]\n',
    ),
    "a list that does not exist yet goes where the same list is in other items": (
        "topics:\n  - id: a\n    summary: S\n    points:\n      - x\n    challenges: [z]\n"
        "  - id: b\n    summary: T\n    challenges: [w]\n",
        [("insert", ("topics", 1, "points"), 0, "y")],
        "topics:\n  - id: a\n    summary: S\n    points:\n      - x\n    challenges: [z]\n"
        "  - id: b\n    summary: T\n    points:\n      - y\n    challenges: [w]\n",
    ),
    "a key no other item has is added after the last key": (
        "topics:\n  - id: a\n  - id: b\n    title: B\n",
        [("insert", ("topics", 1, "points"), 0, "y")],
        "topics:\n  - id: a\n  - id: b\n    title: B\n    points:\n      - y\n",
    ),
    "an empty list becomes a block list": (
        "a:\n  points: []\n  other:\n    - z\n",
        [("insert", ("a", "points"), 0, "y")],
        "a:\n  points:\n    - y\n  other:\n    - z\n",
    ),
    "deleting an item takes its comment lines": (
        "points:\n  # about one\n  - one\n  # about two\n  - two\n  - three\n",
        [("delete", ("points", 1))],
        "points:\n  # about one\n  - one\n  - three\n",
    ),
    "deleting the last item leaves an empty list": (
        "points:\n  - one\nnext: 1\n",
        [("delete", ("points", 0))],
        "points: []\nnext: 1\n",
    ),
    "deleting an item leaves no double blank line": (
        "topics:\n  - id: a\n\n  - id: b\n\n  - id: c\n\nnext: 1\n",
        [("delete", ("topics", 1)), ("delete", ("topics", 1))],
        "topics:\n  - id: a\n\nnext: 1\n",
    ),
    "deleting a key": (
        "a: 1\nb:  # gone\n  c: 2\nd: 3\n",
        [("delete", ("b",))],
        "a: 1\nd: 3\n",
    ),
    "deleting the first key of an item moves the next one up": (
        "items:\n  - id: a\n    title: A\n",
        [("delete", ("items", 0, "id"))],
        "items:\n  - title: A\n",
    ),
    "moving an item takes its lines and leaves the blank lines": (
        "recs:\n  - a\n\n  # about b\n  - b\n\n  - c\n",
        [("move", ("recs",), 0, 2)],
        "recs:\n  # about b\n  - b\n\n  - c\n\n  - a\n",
    ),
    "moving the last item first": (
        "recs:\n  - a\n  - b\n  - c\n",
        [("move", ("recs",), 2, 0)],
        "recs:\n  - c\n  - a\n  - b\n",
    ),
    "a new section goes at the end": (
        "# yaml-language-server: $schema=input.schema.json\nreport:\n  title: T\n\ntopics: []\n",
        [("add_section", "overrides", [{"block": "intro", "text": "New *text*."}])],
        "# yaml-language-server: $schema=input.schema.json\nreport:\n  title: T\n\ntopics: []\n"
        "\noverrides:\n  - block: intro\n    text: New *text*.\n",
    ),
    "a changed list keeps its untouched items": (
        "l:\n  - a  # first\n  - b\n  - c  # third\n",
        [("set", ("l",), ["a", "B", "c", "d"])],
        "l:\n  - a  # first\n  - B\n  - c  # third\n  - d\n",
    ),
    "a changed mapping keeps its untouched keys": (
        "m:\n  a: 1  # one\n  b: 2\n",
        [("set", ("m",), {"a": 1, "c": 3})],
        "m:\n  a: 1  # one\n  c: 3\n",
    ),
    "windows line endings are kept": (
        "a: 1\r\nl:\r\n  - x\r\n",
        [("set", ("a",), "two\n\nparagraphs"), ("insert", ("l",), 1, "y")],
        "a: |-\r\n  two\r\n\r\n  paragraphs\r\nl:\r\n  - x\r\n  - y\r\n",
    ),
    "a byte order mark is kept": (
        "\ufeffa: 1\n",
        [("set", ("a",), 2)],
        "\ufeffa: 2\n",
    ),
    "a file without a final line break gets none": (
        "a: 1\nl:\n  - x",
        [("set", ("a",), 2)],
        "a: 2\nl:\n  - x",
    ),
    "an item added to the end of a file without a final line break": (
        "l:\n  - x",
        [("insert", ("l",), 1, "y")],
        "l:\n  - x\n  - y\n",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_edits_write_each_style_as_expected(name: str) -> None:
    source, edits, expected = CASES[name]
    assert edited(source, *edits) == expected


@pytest.mark.parametrize(
    ("source", "edit", "line"),
    [
        ("a: &x\n  b: 1\nc: *x\n", ("set", ("a", "b"), 2), 1),
        ("a: &x\n  b: 1\nc: *x\n", ("set", ("c",), {"b": 2}), 3),
        ("a:\n  - &x one\n  - two\n", ("delete", ("a",)), 2),
        ("a: !!str 2019\n", ("set", ("a",), "2020"), 1),
        ("base: &b\n  x: 1\nitem:\n  <<: *b\n  y: 2\n", ("set", ("item", "y"), 3), 4),
    ],
)
def test_anchors_aliases_and_tags_are_refused_with_their_line(
    source: str, edit: tuple, line: int
) -> None:
    editor = YamlEditor(source, "input.yaml")
    method, *arguments = edit
    with pytest.raises(InputError) as raised:
        getattr(editor, method)(*arguments)
    assert str(raised.value).startswith(f"input.yaml:{line}: ")
    assert "edit it by hand" in str(raised.value)
    assert editor.text() == source


def test_values_away_from_an_anchor_can_be_edited() -> None:
    assert edited("a: &x 1\nb: *x\nc: 2\n", ("set", ("c",), 3)) == "a: &x 1\nb: *x\nc: 3\n"


def test_an_input_that_does_not_read_cannot_be_edited() -> None:
    with pytest.raises(InputError) as raised:
        YamlEditor("a: 1\na: 2\n", "input.yaml")
    assert "input.yaml:2: a: duplicate key" in str(raised.value)


# -- the example inputs ---------------------------------------------------------


def example_edits(editor: YamlEditor) -> None:
    """Edits to every kind of field of an example input, as absorb makes them."""
    data = editor.data
    editor.set(("report", "title"), data["report"]["title"] + ": reviewed")
    editor.set(("report", "summary"), "A *new* summary.\n\nIn two paragraphs.\n")
    editor.set(("event", "background"), data["event"]["background"].replace("the", "a", 1))
    topics = data["topics"]
    editor.set(("topics", 0, "title"), "A shorter title")
    editor.set(("topics", 0, "points", 0), "A reworded point, with **strong** words in it.")
    editor.delete(("topics", 0, "points", 1))
    points = topics[1].get("points", [])
    editor.insert(("topics", 1, "points"), min(1, len(points)), "A point added by a reviewer.")
    editor.set(("topics", 1, "summary"), topics[1]["summary"] + "\nAnd one more line.\n")
    if "good_practices" in topics[-1]:
        editor.delete(("topics", len(topics) - 1, "good_practices"))
    editor.move(("topics",), 0, len(topics) - 1)
    editor.set(("quotes", 0, "text"), data["quotes"][0]["text"].replace("e", "é"))
    editor.set(("quotes", 0, "speaker"), "A. Speaker")
    recommendations = data.get("recommendations", [])
    if recommendations:
        editor.insert(("recommendations",), 1, {"text": "A new recommendation.", "to": ["ODIHR"]})
        editor.move(("recommendations",), 0, 2)
        editor.set(("recommendations", 0, "to"), ["civil society"])
    agenda = data.get("agenda", [])
    if agenda:
        editor.set(("agenda", 0, "time"), "10:30")
        editor.delete(("agenda", len(agenda) - 1))
    participants = data["participants"]
    if "list" in participants:
        editor.set(("participants", "list", 0, "role"), "Chair")
        editor.delete(("participants", "list", 1))  # a man, as the one added
        editor.move(("participants", "list"), 0, 3)
        editor.insert(
            ("participants", "list"),
            2,
            {"name": "New Person", "gender": "man", "role": "Observer"},
        )
    editor.add_section(
        "overrides",
        [{"block": "introduction.participation", "text": "Experts met.", "replaces": "Old."}],
    )


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.name)
def test_edits_to_every_kind_of_field_of_the_examples_read_back_and_validate(
    source: Path, tmp_path: Path
) -> None:
    text = source.read_text(encoding="utf-8")
    editor = YamlEditor(text, str(source))
    example_edits(editor)
    result = editor.text()
    assert parse_yaml(result, "x").data == editor.data
    for sibling in source.parent.iterdir():  # a participant list may live beside the input
        (tmp_path / sibling.name).write_bytes(sibling.read_bytes())
    target = tmp_path / source.name
    target.write_text(result, encoding="utf-8")
    problems = [p for p in validate_file(target) if "overrides" not in p.field]
    assert problems == []
    # The comments and untouched lines are all still there.
    removed = [
        line[1:]
        for line in difflib.unified_diff(text.splitlines(), result.splitlines(), n=0)
        if line.startswith("-") and not line.startswith("---")
    ]
    assert not [line for line in removed if line.lstrip().startswith("#")]
    assert text.splitlines()[:3] == result.splitlines()[:3]


def test_an_unedited_example_comes_out_unchanged() -> None:
    for source in INPUTS:
        text = source.read_text(encoding="utf-8")
        editor = YamlEditor(text, str(source))
        for key, value in editor.data.items():
            editor.set((key,), value)
        assert editor.text() == text


def test_an_edit_reads_again_only_the_entry_it_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "participants:\n  list:\n" + "".join(
        f"    - name: Person {n}\n      role: Participant\n" for n in range(3000)
    )
    editor = YamlEditor(text, "large.yaml")
    read: list[int] = []
    compose = yamltree.compose

    def counting(source: str, *args: object, **kwargs: object) -> object:
        read.append(len(source))
        return compose(source, *args, **kwargs)

    monkeypatch.setattr(yamltree, "compose", counting)
    for n in range(20):
        editor.set(("participants", "list", n * 100, "role"), "Speaker")
    editor.move(("participants", "list"), 5, 2500)
    editor.delete(("participants", "list", 7))
    editor.insert(("participants", "list"), 9, {"name": "New", "role": "Observer"})
    assert max(read) < 100
    assert editor.text().count("role: Speaker") == 20
    assert read[-1] > len(text) / 2  # the whole text, once, when it is asked for


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.name)
def test_the_tree_reads_as_reportgens_loader_reads(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    assert YamlEditor(text, "x").data == parse_yaml(text, "x").data


@pytest.mark.parametrize(
    "name",
    [
        "a literal block stays literal at its indentation",
        "deleting an item takes its comment lines",
        "moving an item takes its lines and leaves the blank lines",
        "a new mapping item takes its siblings' key order and styles",
        "windows line endings are kept",
    ],
)
def test_edits_are_the_same_with_pyyamls_own_parser(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where libyaml is missing, PyYAML's pure-Python parser gives the same positions."""
    monkeypatch.setattr(yamltree, "_Parser", yamltree._PythonParser)
    source, edits, expected = CASES[name]
    assert edited(source, *edits) == expected


def test_a_style_that_would_read_back_differently_gives_way_to_double_quotes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A broken plain style: "text" written as `text: x`, which YAML reads as a mapping.
    monkeypatch.setattr(yamlstyle, "render", lambda value, layout: f"{value}: x")
    assert edited("a: one\nb: two\n", ("set", ("a",), "three")) == 'a: "three"\nb: two\n'


def test_an_edit_that_cannot_read_back_is_refused_and_no_text_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yamlstyle, "render", lambda value, layout: f"{value}: x")
    monkeypatch.setattr(yamledit, "_safe_scalar", lambda value: "[broken")
    editor = YamlEditor("a: one\nb: two\n", "input.yaml")
    with pytest.raises(yamledit.YamlEditError, match=r"input.yaml: a: .*nothing was written"):
        editor.set(("a",), "three")
    with pytest.raises(yamledit.YamlEditError):
        editor.text()


def test_the_width_a_text_is_wrapped_at_is_told() -> None:
    editor = YamlEditor(CASES["a folded block stays folded, wrapped as it was"][0], "x")
    assert editor.line_width(("q",)) == 66  # its longest line, less its indentation
    assert editor.line_width(("r",)) is None
    summary = "s: |\n    one two three\n    four\n\n    five\nt: x\n"
    assert YamlEditor(summary, "x").line_width(("s",)) == 13
    assert YamlEditor(summary, "x").line_width(("t",)) is None
