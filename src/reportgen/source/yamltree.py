"""A YAML input as a node tree that knows where each part of it is written, for editing."""

# The tree is PyYAML's own (ScalarNode, SequenceNode, MappingNode, and
# yamlload's AliasNode), so that yamlload.build_data reads it exactly as
# reportgen's loader reads a file.  It is composed straight from the parser's
# events, which is several times faster than PyYAML's Composer on a
# 2,500-participant input, and every node gets the positions an editor needs,
# as character offsets into the text:
#
#   node.start, node.end   where the node is written; for a block scalar,
#                          ``end`` is the end of its last non-blank line;
#                          block collections have no positions of their own
#                          (an editor takes those of their first and last entry)
#   node.dash              for an item of a block sequence: where its ``-`` is
#   node.gen               the edit generation the positions belong to
#   node.anchor            the anchor (``&name``) written on the node, if any
#   node.explicit_tag      whether a tag (``!!str``) is written on the node
#   node.flow              for collections: written in flow style (``[a, b]``)

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from reportgen.cycles import collector_paused
from reportgen.errors import InputError
from reportgen.source.yamlload import MAX_DEPTH, MAX_VALUES, STR, AliasNode, CoreResolver

_RESOLVER = CoreResolver()


class _PythonParser(Reader, Scanner, Parser):
    """PyYAML's pure-Python parser, for machines without libyaml."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)


if yaml.__with_libyaml__:
    from yaml._yaml import CParser as _Parser
else:  # pragma: no cover - libyaml is part of the PyYAML wheels
    _Parser = _PythonParser


def compose(text: str, name: str, *, base: int = 0, gen: int = 0, parser: Any = None) -> Node:
    """The node tree of ``text`` (one document), positions shifted by ``base``.

    Raises InputError, located in ``name``, when ``text`` is not YAML a
    reportgen input can be (a syntax error, more than one document, a file
    that is too deep or too large).
    """
    try:
        # A 2,500-participant input is some 70,000 small objects (cycles.py).
        with collector_paused():
            return _compose(text, name, base, gen, parser or _Parser)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = text.count("\n", 0, base + mark.index) + 1 if mark else None
        raise InputError.at(name, line, "", f"YAML syntax error: {error.problem}") from None
    except yaml.YAMLError as error:
        raise InputError.at(name, None, "", f"cannot read the YAML: {error}") from None


def _compose(text: str, name: str, base: int, gen: int, parser_class: Any) -> Node:
    parser = parser_class(text)
    stack: list[Node] = []  # open collections
    pending: list[Node | None] = []  # for each open mapping: its key waiting for a value
    anchors: dict[str, Node] = {}
    root: Node | None = None
    count = 0
    get_event = parser.get_event
    resolve = _RESOLVER.resolve
    while True:
        event = get_event()
        kind = type(event)
        anchor = None
        if kind is ScalarEvent:
            # Most events: kept lean.
            style = event.style or ""
            tag = event.tag
            explicit = tag is not None and tag != "!"
            if not explicit:
                tag = resolve(ScalarNode, event.value, event.implicit) if not style else STR
            start_mark = event.start_mark
            node = ScalarNode(tag, event.value, start_mark, event.end_mark, style)
            node.start = base + start_mark.index
            end = event.end_mark.index
            if style == "|" or style == ">":
                end = _block_content_end(text, start_mark.index, end)
            node.end = base + end
            node.gen = gen
            anchor = node.anchor = event.anchor
            node.explicit_tag = explicit
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            tag = event.tag
            explicit = tag is not None and tag != "!"
            node_class = SequenceNode if kind is SequenceStartEvent else MappingNode
            if not explicit:
                tag = resolve(node_class, None, event.implicit)
            node = node_class(tag, [], event.start_mark, None, event.flow_style)
            node.start = node.end = base + event.start_mark.index
            node.flow = bool(event.flow_style)
            node.gen = gen
            anchor = node.anchor = event.anchor
            node.explicit_tag = explicit
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            node = stack.pop()
            pending.pop()
            node.end_mark = event.end_mark
            if node.flow:
                node.end = base + event.end_mark.index
            continue
        elif kind is AliasEvent:
            target = anchors.get(event.anchor)
            if target is None:
                line = text.count("\n", 0, event.start_mark.index) + 1
                raise InputError.at(name, line, "", f"`*{event.anchor}` refers to no anchor")
            node = AliasNode(target, event.start_mark, event.end_mark)
            node.start = base + event.start_mark.index
            node.end = base + event.end_mark.index
            node.gen = gen
            node.anchor = None
            node.explicit_tag = False
        elif kind is StreamEndEvent:
            break
        else:
            if kind is DocumentStartEvent and root is not None:
                line = text.count("\n", 0, event.start_mark.index) + 1
                raise InputError.at(
                    name, line, "", "the file holds more than one YAML document; keep one"
                )
            continue
        count += 1
        if count > MAX_VALUES:
            raise InputError.at(name, None, "", f"more than {MAX_VALUES} values")
        if anchor is not None:
            anchors[anchor] = node
        if not stack:
            root = node
        else:
            parent = stack[-1]
            if parent.id == "sequence":
                if not parent.flow:
                    node.dash = base + _dash(text, node.start - base, parent.start_mark.column)
                parent.value.append(node)
            elif pending[-1] is None:
                pending[-1] = node
            else:
                parent.value.append((pending[-1], node))
                pending[-1] = None
        if kind is SequenceStartEvent or kind is MappingStartEvent:
            if len(stack) >= MAX_DEPTH:
                line = text.count("\n", 0, event.start_mark.index) + 1
                raise InputError.at(name, line, "", f"nested more than {MAX_DEPTH} levels deep")
            stack.append(node)
            pending.append(None)
    if root is None:
        raise InputError.at(name, 1, "", "the file is empty")
    return root


def _block_content_end(text: str, start: int, end: int) -> int:
    """The end of the last non-blank line of a block scalar (or of its header)."""
    header_end = text.find("\n", start)
    if header_end < 0 or header_end >= end:
        return end
    position = end
    while position > header_end:
        line_start = text.rfind("\n", 0, position - 1) + 1
        line = text[line_start:position].rstrip("\r\n")
        if line.strip(" \t"):
            return line_start + len(line)
        position = line_start
    return header_end - (1 if text[header_end - 1 : header_end] == "\r" else 0)


def _dash(text: str, start: int, column: int) -> int:
    """Where the ``-`` of the block sequence item starting at ``start`` is written."""
    line_start = text.rfind("\n", 0, start) + 1
    while True:
        dash = line_start + column
        if dash < start and text[dash] == "-" and not text[line_start:dash].strip(" "):
            return dash
        if line_start == 0:
            raise ValueError(f"no `-` found for the sequence item at offset {start}")
        line_start = text.rfind("\n", 0, line_start - 1) + 1
