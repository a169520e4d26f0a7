"""Random YAML inputs in random styles, edited at random: the result reads as intended."""

# A document is built from random data, each value written in a random style
# (plain, quoted, `|` and `>` blocks, text folded over several lines, flow and
# block lists, comments, blank lines), remembering the exact text of every
# entry.  Random edits follow; after them the text must read back (with
# reportgen's loader) as the data the edits meant, and every entry no edit
# touched must still be in the text, character for character.

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.errors import InputError
from reportgen.source import yamlstyle
from reportgen.source.yamledit import YamlEditor
from reportgen.source.yamlload import parse_yaml

TRICKY = [
    "true",
    "False",
    "null",
    "~",
    "",
    "2019",
    "-3",
    "1e3",
    "0x1F",
    ".inf",
    "- x",
    "a: b",
    "a:b",
    "10:30",
    "#tag",
    "a #b",
    " lead",
    "trail ",
    "[x]",
    "{y}",
    "&a",
    "*b",
    "!t",
    "|",
    ">",
    "'q'",
    '"d"',
    "it's",
    "%p",
    "@a",
    "`c",
    "...",
    "---",
    "?",
    "-",
    ":",
    ",",
    "a\tb",
    "line\nbreak",
    "para\n\npara",
    "end\n",
    "two ends\n\n",
    "\n starts with a break",
    "  indented\nlines",
    "\u00a0nbsp\u202f",
    "Тбилиси, «ёлочки»",
    "x\x85y",
    "x\u2028y",
    "back\\slash",
    "tab\tend\t",
    "emoji 😀",
    "*Markdown* with [a link](https://example.org) and `code`",
]
WORDS = st.sampled_from(
    [
        "the",
        "workshop",
        "participants",
        "agreed",
        "on",
        "integration",
        "policy",
        "data",
        "ODIHR:",
        "États",
        "«",
        "»",
        "—",
        "–",
        "d'accueil",
        "co-ordinated",
        "#1",
        "-",
        "*",
        "**",
        "[^1]",
        "2018",
        "yes",
        "no",
        "on",
        "off",
    ]
)


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(TRICKY),
        st.lists(WORDS, min_size=1, max_size=30).map(" ".join),
        st.lists(
            st.lists(WORDS, min_size=1, max_size=12).map(" ".join), min_size=2, max_size=3
        ).map("\n\n".join),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    )


scalars = st.one_of(texts(), st.integers(-5, 3000), st.booleans(), st.none())
KEYS = st.sampled_from(["title", "summary", "points", "to", "id", "text", "note", "a-b", "x1"])


def values(depth: int = 0) -> st.SearchStrategy[Any]:
    if depth >= 2:
        return scalars
    inner = values(depth + 1)
    return st.one_of(
        scalars,
        st.lists(inner, max_size=4),
        st.dictionaries(KEYS, inner, max_size=4),
    )


# -- writing a document in random styles ---------------------------------------------


@dataclass
class Written:
    text: str
    data: dict[str, Any]
    # The text of each entry, keyed by the path it had when written.
    entries: dict[tuple, str] = field(default_factory=dict)


class Writer:
    """Writes data as YAML in styles drawn at random."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw
        self.entries: dict[tuple, str] = {}
        self.step = draw(st.sampled_from([2, 2, 3, 4]))  # how far nested mappings go in

    def document(self, data: dict[str, Any]) -> str:
        lines: list[str] = []
        if self.draw(st.booleans()):
            lines.append("# yaml-language-server: $schema=input.schema.json")
        lines += self.mapping(data, 0, (), compact=False)
        return "\n".join(lines) + "\n"

    def decorations(self, column: int) -> list[str]:
        out = []
        for _ in range(self.draw(st.integers(0, 2))):
            if self.draw(st.booleans()):
                out.append("")
            else:
                out.append(" " * column + "# " + self.draw(WORDS))
        return out

    def comment(self) -> str:
        return "  # " + self.draw(WORDS) if self.draw(st.integers(0, 4)) == 0 else ""

    def mapping(
        self, data: dict[str, Any], column: int, path: tuple, *, compact: bool
    ) -> list[str]:
        lines: list[str] = []
        for n, (key, value) in enumerate(data.items()):
            if not (compact and n == 0):
                lines += self.decorations(column)
            entry = self.value(key + ":", value, column, (*path, key))
            self.entries[(*path, key)] = "\n".join(entry)
            if compact and n == 0:
                lines += [entry[0].lstrip(" "), *entry[1:]]
            else:
                lines += entry
        return lines

    def value(self, head: str, value: Any, column: int, path: tuple) -> list[str]:
        """The lines of an entry ``head`` (``key:`` or ``-``) at ``column``."""
        prefix = " " * column + head
        if isinstance(value, dict) and value:
            if head == "-":
                inner = self.mapping(value, column + 2, path, compact=True)
                return [prefix + " " + inner[0], *inner[1:]]
            inner = self.mapping(value, column + self.step, path, compact=False)
            return [prefix + self.comment(), *inner]
        if isinstance(value, list) and value:
            if all(not isinstance(v, dict | list) for v in value) and self.draw(st.booleans()):
                texts = [self.flow_scalar(v) for v in value]
                if None not in texts:
                    return [prefix + " [" + ", ".join(texts) + "]" + self.comment()]
            offset = 2 if head == "-" else self.draw(st.sampled_from([0, 2, 4]))
            lines = [prefix + self.comment()]
            for n, item in enumerate(value):
                lines += self.decorations(column + offset)
                entry = self.value("-", item, column + offset, (*path, n))
                self.entries[(*path, n)] = "\n".join(entry)
                lines += entry
            return lines
        if isinstance(value, list):
            return [prefix + " []" + self.comment()]
        if isinstance(value, dict):
            return [prefix + " {}" + self.comment()]
        return self.scalar(prefix, value, column)

    def flow_scalar(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return yamlstyle.render(value, yamlstyle.Layout(flow=True))
        if yamlstyle.plain_ok(value, flow=True) and self.draw(st.booleans()):
            return value
        return quoted(value)

    def scalar(self, prefix: str, value: Any, column: int) -> list[str]:
        indent = column + 2
        if not isinstance(value, str):
            return [prefix + " " + yamlstyle.render(value, yamlstyle.Layout()) + self.comment()]
        styles = ["double"]
        if yamlstyle.plain_ok(value):
            styles += ["plain", "plain-folded"]
        if yamlstyle.single_ok(value):
            styles.append("single")
        blockable = (
            value
            and yamlstyle.printable(value)
            and not {"\x85", "\u2028", "\u2029"} & set(value)
            and not value.endswith("\n\n")
            and not value.lstrip("\n").startswith((" ", "\t"))
            and "\t" not in value
        )
        if blockable:
            styles.append("literal")
            if "\n" not in value.rstrip("\n"):
                styles.append("folded")
        style = self.draw(st.sampled_from(styles))
        if style == "plain":
            return [prefix + " " + value + self.comment()]
        if style == "single":
            return [prefix + " '" + value.replace("'", "''") + "'" + self.comment()]
        if style == "double":
            return [prefix + " " + quoted(value) + self.comment()]
        if style == "plain-folded":
            words = value.split(" ")
            if any(not w or w[0] in "#-?:,[]{}&*!|>'\"%@`" for w in words[1:]):
                return [prefix + " " + value]
            lines, line = [], prefix + " " + words[0]
            for word in words[1:]:
                if len(line) + len(word) > 40:
                    lines.append(line)
                    line = " " * indent + word
                else:
                    line += " " + word
            return [*lines, line + self.comment()]
        chomp = "" if value.endswith("\n") else "-"
        body = value[:-1] if chomp == "" else value
        header = prefix + " " + ("|" if style == "literal" else ">") + chomp + self.comment()
        if style == "folded":
            words = body.split(" ")
            if any(not w for w in words):
                return [header, " " * indent + body]
            lines, line = [], " " * indent + words[0]
            for word in words[1:]:
                if len(line) + len(word) > 40:
                    lines.append(line)
                    line = " " * indent + word
                else:
                    line += " " + word
            return [header, *lines, line]
        return [header, *(" " * indent + line if line else "" for line in body.split("\n"))]


def quoted(value: str) -> str:
    """Between double quotes: JSON's escapes are YAML's too; YAML also wants DEL, the C1
    controls, the line and paragraph separators and a few more escaped."""
    return "".join(
        f"\\u{ord(ch):04x}"
        if 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029\ufeff\ufffe\uffff"
        else ch
        for ch in json.dumps(value, ensure_ascii=False)
    )


@st.composite
def documents(draw: Any) -> Written:
    data = draw(st.dictionaries(KEYS, values(), min_size=1, max_size=4))
    writer = Writer(draw)
    text = writer.document(data)
    entries = writer.entries
    if draw(st.integers(0, 4)) == 0:  # Windows line endings
        text = text.replace("\n", "\r\n")
        entries = {path: entry.replace("\n", "\r\n") for path, entry in entries.items()}
    if draw(st.integers(0, 4)) == 0:  # no line break at the end
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    return Written(text, data, entries)


# -- random edits --------------------------------------------------------------------


def paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out += paths(inner, (*path, index))
    return out


def get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


class Identity:
    """Where each value of the edited data was written originally (None: written by the edits)."""

    def __init__(self, data: Any, path: tuple = ()) -> None:
        self.origin: tuple | None = path
        self.children: Any = None
        if isinstance(data, dict):
            self.children = {k: Identity(v, (*path, k)) for k, v in data.items()}
        elif isinstance(data, list):
            self.children = [Identity(v, (*path, n)) for n, v in enumerate(data)]

    def at(self, path: tuple) -> Identity:
        node = self
        for part in path:
            node = node.children[part]
        return node

    def untouched(self) -> list[tuple]:
        out = [] if self.origin is None else [self.origin]
        if isinstance(self.children, dict):
            for child in self.children.values():
                out += child.untouched()
        elif isinstance(self.children, list):
            for child in self.children:
                out += child.untouched()
        return out

    @staticmethod
    def new(value: Any) -> Identity:
        """The identity of a value the edits wrote."""
        identity = Identity(value)
        identity.origin = None
        if isinstance(identity.children, dict):
            identity.children = {k: Identity.new(v) for k, v in value.items()}
        elif isinstance(identity.children, list):
            identity.children = [Identity.new(v) for v in value]
        return identity


def forget(identity: Identity, path: tuple) -> None:
    """Mark a value and the values around it as written by the edits."""
    for depth in range(len(path) + 1):
        identity.at(path[:depth]).origin = None


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents(), st.data())
def test_random_edits_read_back_as_intended_and_leave_the_rest_alone(
    written: Written, data: st.DataObject
) -> None:
    loaded = parse_yaml(written.text, "input.yaml").data
    assert same(loaded, written.data), written.text
    editor = YamlEditor(written.text, "input.yaml")
    expected = json.loads(json.dumps(written.data))
    identity = Identity(expected)
    for _ in range(data.draw(st.integers(1, 6))):
        edit(editor, expected, identity, data)
        assert same(editor.data, expected)
    text = editor.text()
    assert same(parse_yaml(text, "input.yaml").data, expected), text
    for origin in identity.untouched():
        if origin and origin in written.entries:
            entry = written.entries[origin].lstrip(" ")
            if entry.startswith("-"):
                entry = entry[1:]
            assert entry in text, (origin, text)


def edit(editor: YamlEditor, expected: dict, identity: Identity, data: st.DataObject) -> None:
    everything = paths(expected)
    lists = [p for p in everything if isinstance(get(expected, p), list)]
    mappings = [p for p in everything if isinstance(get(expected, p), dict)]
    kind = data.draw(
        st.sampled_from(["set", "set", "insert", "delete", "move", "new key", "section"])
    )
    try:
        if kind == "set" and len(everything) > 1:
            path = data.draw(st.sampled_from(everything[1:]))
            value = data.draw(scalars if data.draw(st.integers(0, 3)) else values(1))
            editor.set(path, value)
            get(expected, path[:-1])[path[-1]] = json.loads(json.dumps(value))
            forget(identity, path)
            identity.at(path[:-1]).children[path[-1]] = Identity.new(value)
        elif kind == "insert" and lists:
            path = data.draw(st.sampled_from(lists))
            items = get(expected, path)
            index = data.draw(st.integers(0, len(items)))
            value = data.draw(
                st.one_of(scalars, st.dictionaries(KEYS, scalars, min_size=1, max_size=3))
            )
            editor.insert(path, index, value)
            items.insert(index, json.loads(json.dumps(value)))
            identity.at(path).children.insert(index, Identity.new(value))
            forget(identity, path)
        elif kind == "delete" and len(everything) > 1:
            path = data.draw(st.sampled_from(everything[1:]))
            if path == (path[0],) and len(expected) == 1:
                return
            editor.delete(path)
            del get(expected, path[:-1])[path[-1]]
            del identity.at(path[:-1]).children[path[-1]]
            forget(identity, path[:-1])
        elif kind == "move" and [p for p in lists if len(get(expected, p)) > 1]:
            path = data.draw(st.sampled_from([p for p in lists if len(get(expected, p)) > 1]))
            items = get(expected, path)
            source = data.draw(st.integers(0, len(items) - 1))
            target = data.draw(st.integers(0, len(items) - 1))
            editor.move(path, source, target)
            items.insert(target, items.pop(source))
            children = identity.at(path).children
            children.insert(target, children.pop(source))
            forget(identity, path)
        elif kind == "new key" and mappings:
            path = data.draw(st.sampled_from(mappings))
            key = data.draw(st.sampled_from(["points", "new", "zz"]))
            if key in get(expected, path):
                return
            value = data.draw(scalars)
            editor.insert((*path, key), 0, value)
            get(expected, path)[key] = [json.loads(json.dumps(value))]
            forget(identity, path)
            identity.at(path).children[key] = Identity.new([value])
        elif kind == "section":
            value = data.draw(values(1))
            editor.add_section("overrides", value)
            expected["overrides"] = json.loads(json.dumps(value))
            if "overrides" in identity.children:
                forget(identity, ("overrides",))
            identity.children["overrides"] = Identity.new(value)
    except InputError:
        raise
