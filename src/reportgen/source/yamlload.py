"""Read a YAML file as plain YAML 1.2 core-schema data, keeping the line of every value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from reportgen.errors import InputError, Problem

# Bounds that no meeting report comes near, so that a hostile or broken file
# fails fast and in bounded memory instead of exhausting the machine.
MAX_BYTES = 10_000_000
MAX_VALUES = 100_000  # values built, counting every expansion of an alias
MAX_DEPTH = 50  # nesting of lists and mappings

FieldPath = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
SEQ, MAP = _CORE + "seq", _CORE + "map"
_SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL}

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution): no
# yes/no/on/off booleans, no sexagesimal numbers, no timestamps.
_NULL_RE = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL_RE = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_INT_RE = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT_RE = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class CoreResolver(BaseResolver):
    """Resolves plain scalars by the YAML 1.2 core schema only."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012


CoreResolver.add_implicit_resolver(NULL, _NULL_RE, ["~", "n", "N", ""])
CoreResolver.add_implicit_resolver(BOOL, _BOOL_RE, list("tTfF"))
CoreResolver.add_implicit_resolver(INT, _INT_RE, list("-+0123456789"))
CoreResolver.add_implicit_resolver(FLOAT, _FLOAT_RE, list("-+0123456789."))


class Rejected:
    """Stands for a value already reported as a problem (so nobody reports it twice)."""

    def __repr__(self) -> str:
        return "REJECTED"


REJECTED = Rejected()


class _Stop(Exception):
    """A problem after which the rest of the file cannot be read."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class AliasNode(Node):
    """An alias (``*name``) in the node tree, remembering where it was written."""

    id = "alias"

    def __init__(self, target: Node, start_mark: Any, end_mark: Any) -> None:
        super().__init__(target.tag, target, start_mark, end_mark)


class BoundedComposer(Composer):
    """yaml's composer, stopped at MAX_DEPTH and keeping aliases visible."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self._nodes += 1
        if self._nodes > MAX_VALUES:
            mark = self.peek_event().start_mark
            raise _Stop(mark.line + 1, f"more than {MAX_VALUES} values; this is not an input")
        if self.check_event(AliasEvent):
            event = self.peek_event()
            target = super().compose_node(parent, index)
            return AliasNode(target, event.start_mark, event.end_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Stop(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class PythonLoader(Reader, Scanner, Parser, BoundedComposer, CoreResolver):
    """Composes with PyYAML's pure-Python parser."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        BoundedComposer.__init__(self)
        CoreResolver.__init__(self)


NodeLoader: type[Any] = PythonLoader
if yaml.__with_libyaml__:  # libyaml parses ten times faster; the composer stays ours
    from yaml._yaml import CParser

    class LibyamlLoader(BoundedComposer, CParser, CoreResolver):  # type: ignore[misc]
        """Composes with libyaml's parser."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            BoundedComposer.__init__(self)
            CoreResolver.__init__(self)

    NodeLoader = LibyamlLoader


@dataclass
class Loaded:
    """Plain data read from a file, and where each part of it was written.

    ``lines`` maps a field path to the line of its key (mapping entries) or of
    its item (list entries); ``value_lines`` to the line where the value
    starts.  ``raw`` keeps the text as typed of scalars read as numbers, true
    /false or null, so a text field can take ``reference: 2019`` as "2019".
    """

    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    value_lines: dict[FieldPath, int] = field(default_factory=dict)
    raw: dict[FieldPath, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def field_path(path: FieldPath) -> str:
    """``("topics", 2, "title")`` as ``topics[2].title``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def read_yaml(path: Path | str, loader: type[Any] | None = None) -> Loaded:
    """Read ``path`` into plain data; raise InputError when it cannot be read at all.

    Problems that leave the rest readable (a duplicate key, a disallowed tag)
    are returned in ``Loaded.problems`` so they are reported with the others.
    """
    name = str(path)
    return parse_yaml(_read_text(Path(path), name), name, loader)


def parse_yaml(text: str, name: str, loader: type[Any] | None = None) -> Loaded:
    """Read YAML ``text`` (as if from the file ``name``) into plain data, as ``read_yaml`` does."""
    builder = _Builder(name)
    try:
        try:
            node = (loader or NodeLoader)(text).get_single_node()
        except RecursionError:  # belt and braces: the composer stops at MAX_DEPTH first
            raise _Stop(1, f"nested more than {MAX_DEPTH} levels deep") from None
        except yaml.MarkedYAMLError as exc:
            raise _Stop(*_syntax_message(exc, text)) from None
        except yaml.reader.ReaderError as exc:
            raise _Stop(*_reader_message(exc, text)) from None
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            raise _Stop(
                1, "the file is empty (expected keys such as `report:`, `event:`, `topics:`)"
            )
        if not isinstance(node, MappingNode):
            found = "a list" if isinstance(node, SequenceNode) else "a single value"
            raise _Stop(
                node.start_mark.line + 1,
                f"the file must be a mapping of keys such as `report:` and `event:`, found {found}",
            )
        builder.loaded.lines[()] = 1
        builder.loaded.data = builder.build(node, (), 0, None)
    except _Stop as stop:
        problems = [*builder.loaded.problems, Problem(name, stop.line, "", stop.message)]
        raise InputError(f"{name}: {stop.message}", problems=problems) from None
    return builder.loaded


def build_data(node: Node, name: str) -> Loaded:
    """Plain data from an already composed node tree, with the checks ``read_yaml`` makes.

    For a tree composed elsewhere (``source/yamltree.py``); problems are
    returned in ``Loaded.problems``, an unreadable tree raises InputError.
    """
    builder = _Builder(name)
    try:
        builder.loaded.data = builder.build(node, (), 0, None)
    except _Stop as stop:
        problems = [*builder.loaded.problems, Problem(name, stop.line, "", stop.message)]
        raise InputError(f"{name}: {stop.message}", problems=problems) from None
    return builder.loaded


def _read_text(path: Path, name: str) -> str:
    def fail(message: str, line: int | None = None) -> InputError:
        return InputError.at(name, line, "", message)

    try:
        if path.is_dir():
            raise fail("is a folder, not a YAML file")
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail("file not found") from None
    except PermissionError:
        raise fail("cannot read the file: permission denied") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise fail(f"the file is larger than {MAX_BYTES // 1_000_000} MB; this is not an input")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("the file is saved as UTF-16; save it as UTF-8", 1)
    try:
        return data.decode("utf-8-sig")  # a byte order mark is fine
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(
            f"the file is not UTF-8: byte 0x{data[exc.start]:02X} at column {column} is not "
            "UTF-8 text; save the file as UTF-8",
            line,
        ) from None


class _Builder:
    """Builds plain Python values from the node tree, with bounds and positions."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.loaded = Loaded(data=None)
        self.count = 0
        self.active: set[int] = set()  # containers being built: an alias to one is a cycle

    def problem(self, path: FieldPath, line: int, message: str) -> None:
        self.loaded.problems.append(Problem(self.name, line, field_path(path), message))

    def build(self, node: Node, path: FieldPath, depth: int, line: int | None) -> Any:
        line = line or node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_VALUES:
            raise _Stop(line, "too many aliased values — is this a 'billion laughs' file?")
        if isinstance(node, AliasNode):
            return self.build(node.value, path, depth, line)
        self.loaded.value_lines[path] = line
        if isinstance(node, ScalarNode):
            return self.scalar(node, path, line)
        if depth >= MAX_DEPTH:
            raise _Stop(line, f"nested more than {MAX_DEPTH} levels deep (through aliases)")
        if id(node) in self.active:
            raise _Stop(line, "an alias refers to a value that contains it")
        if node.tag not in (SEQ, MAP):
            self.problem(path, line, _tag_message(node.tag))
            return REJECTED
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return self.sequence(node, path, depth)
            return self.mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def sequence(self, node: SequenceNode, path: FieldPath, depth: int) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            self.loaded.lines[(*path, index)] = item.start_mark.line + 1
            items.append(self.build(item, (*path, index), depth + 1, None))
        return items

    def mapping(self, node: MappingNode, path: FieldPath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = self.key(key_node, path, line)
            if key is None:
                continue
            if key in out:
                first = self.loaded.lines[(*path, key)]
                self.problem((*path, key), line, f"duplicate key `{key}` (first at line {first})")
                continue
            self.loaded.lines[(*path, key)] = line
            out[key] = self.build(value_node, (*path, key), depth + 1, None)
        return out

    def key(self, node: Node, path: FieldPath, line: int) -> str | None:
        """The key as typed, or None (reported) when it is not plain text."""
        target = node.value if isinstance(node, AliasNode) else node
        if not isinstance(target, ScalarNode):
            self.problem(path, line, "a key must be plain text, not a list or a mapping")
            return None
        if target.tag not in _SCALAR_TAGS:
            self.problem(path, line, _tag_message(target.tag))
            return None
        return str(target.value)

    def scalar(self, node: ScalarNode, path: FieldPath, line: int) -> Any:
        tag, text = node.tag, node.value
        if tag == STR:
            if _SURROGATE_RE.search(text):  # "\ud83d\ude00" escapes mean one character
                pairs = text.encode("utf-16-le", "surrogatepass")
                text = pairs.decode("utf-16-le", "surrogatepass")
            return text
        if tag not in _SCALAR_TAGS:
            self.problem(path, line, _tag_message(tag))
            return REJECTED
        self.loaded.raw[path] = text
        # An explicit tag (`!!int x`) can name a type the text does not have.
        if tag == NULL and _NULL_RE.match(text):
            return None
        if tag == BOOL and _BOOL_RE.match(text):
            return text.lower() == "true"
        if tag == INT and _INT_RE.match(text):
            try:
                if text.startswith(("0o", "0x")):
                    return int(text[2:], 8 if text[1] == "o" else 16)
                return int(text)
            except ValueError:  # more digits than Python converts
                self.problem(path, line, "this number is too large")
                return REJECTED
        if tag == FLOAT and _FLOAT_RE.match(text):
            return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
        kind = {NULL: "null", BOOL: "true or false", INT: "a whole number", FLOAT: "a number"}
        self.problem(path, line, f'`{_short_tag(tag)}` value "{text}" is not {kind[tag]}')
        return REJECTED


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _tag_message(tag: str) -> str:
    return (
        f"the tag `{_short_tag(tag)}` is not allowed: an input holds only text, numbers, "
        "true/false, lists and mappings"
    )


def _reader_message(exc: yaml.reader.ReaderError, text: str) -> tuple[int | None, str]:
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    where = text.find(char)
    line = text.count("\n", 0, where) + 1 if where >= 0 else None
    return line, f"character U+{ord(char[:1] or ' '):04X} cannot be used in a YAML file; remove it"


# Plain words for the syntax errors people make, matched on the words that
# PyYAML's and libyaml's messages share.
_PLAIN = (
    (
        "mapping values are not allowed",
        "a `: ` cannot appear here: put a value that holds `: ` in quotes, or check the "
        "indentation of this line",
    ),
    (
        "could not find expected ':'",
        "expected `key: value` here (a `:` is missing, or the line is indented wrongly)",
    ),
    ("unexpected ':'", "a `:` cannot appear here: put a value that holds `:` in quotes"),
    ("tab character", "a tab cannot be used for indentation; use spaces"),
    (
        "block scalar",
        "after `|` or `>` only a comment may follow on the same line; the text starts on the "
        "next line",
    ),
    (
        "sequence entries are not allowed",
        "a `- ` list item cannot appear here: check the indentation, or put a value starting "
        "with `-` in quotes",
    ),
    ("node content", "a value is missing here, or it starts with a character that needs quotes"),
    ("directive", "`%` starts a directive here; put a value starting with `%` in quotes"),
    ("tag", "`!` starts a tag here; put a value starting with `!` in quotes"),
    ("nesting depth", f"nested more than {MAX_DEPTH} levels deep"),
    ("Unicode character escape", "this `\\u` escape does not name a valid character"),
    (
        "escape",
        "unknown escape in a double-quoted text: write `\\\\` for a backslash, or use single "
        "quotes",
    ),
    (
        "quoted scalar|found unexpected end of stream",
        "a quoted text is not closed: the quote that opens it needs a matching quote",
    ),
    ("flow sequence", "a list in `[ ]` is not closed, or its items are not separated by `,`"),
    ("flow mapping", "a mapping in `{ }` is not closed, or its items are not separated by `,`"),
    (
        "block collection",
        "this line does not line up with the list above it: list items start with `- ` at the "
        "same indentation",
    ),
    ("block mapping|block end", "the indentation of this line does not match the lines above it"),
    ("duplicate anchor", "the anchor `&{anchor}` is defined twice (first at line {context})"),
    (
        "undefined alias",
        "`*{anchor}` refers to no anchor `&{anchor}` defined above it (put a text "
        "starting with `*` in quotes)",
    ),
    (
        "alias|anchor",
        "`*` and `&` must be followed by a name; put a text starting with `*` or `&` in quotes",
    ),
    (
        "single document|document start",
        "the file holds more than one YAML document (a `---` or `...` line); keep one",
    ),
    ("incompatible YAML document", "only YAML 1.x files can be read"),
)


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    said = f"{exc.context or ''} {exc.problem or ''}"
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in said and exc.context_mark:
        mark = exc.context_mark  # where the unclosed thing starts, not the end of the file
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    message = None
    if "cannot start any token" in said and mark is not None:
        lines = text.splitlines()
        char = lines[mark.line][mark.column : mark.column + 1] if mark.line < len(lines) else ""
        if char == "\t":
            message = "a tab cannot be used for indentation; use spaces"
        else:
            message = f'a value cannot start with "{char}"; put the value in quotes'
    else:
        for words, plain in _PLAIN:
            if any(w in said for w in words.split("|")):
                anchor = re.search(r"'([^']*)'", said)
                context = exc.context_mark.line + 1 if exc.context_mark else "?"
                message = plain.replace("{anchor}", anchor.group(1) if anchor else "")
                message = message.replace("{context}", str(context))
                break
    if message is None:
        message = " ".join(said.split())
    if (
        exc.context_mark
        and mark
        and exc.context_mark.line != mark.line
        and ("quoted" in said or "flow" in said or "simple key" in said)
    ):
        message += f" (it starts at line {exc.context_mark.line + 1})"
    return line, f"YAML syntax error at column {column}: {message}"
