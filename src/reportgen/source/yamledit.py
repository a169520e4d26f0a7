"""Edit a YAML input in place: change, add, remove or move values, keeping every other byte."""

# `reportgen absorb` writes reviewers' edits back into the rapporteur's input
# (spec/cli.md, "The review round trip"): comments, key order, quoting, the
# `$schema` line and every untouched line stay byte for byte.  So an edit is a
# splice of the text, never a dump of the data:
#
# - a changed scalar is rewritten in the style it had (yamlstyle.py);
# - a new list item or key takes the indentation and styles of its siblings
#   (or of the same field in a neighbouring item: a topic's first `points:`
#   is laid out like the other topics' points);
# - a deleted item takes its lines with it, and the comment lines directly
#   above it at its own indentation (which are about it), and comment lines
#   after it indented more deeply (which belong to its content); a list
#   left empty becomes `[]`, which reads as the empty list it is;
# - a moved item takes the same lines with it; blank lines and other comments
#   between items stay where they are.
#
# After every edit the entry that changed is parsed again and compared with
# the data the edit meant; `text()` parses the whole result once more.  An
# edit that would read back as anything else raises YamlEditError (a bug in
# reportgen, never the user's) and nothing is written.  Values with an anchor
# or an alias, or an explicit tag, are not edited: InputError at FILE:LINE.

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from difflib import SequenceMatcher
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reportgen.cycles import collector_paused
from reportgen.errors import InputError, Problem
from reportgen.source import yamlstyle, yamltree
from reportgen.source.yamlload import AliasNode, FieldPath, build_data, field_path
from reportgen.source.yamlstyle import Layout

_HEADER_COMMENT = re.compile(r"[ \t]+#.*$")
_MISSING = object()


class YamlEditError(RuntimeError):
    """An edit would not read back as intended: a bug in reportgen; nothing is written.

    The editor is not used any further: ``text()`` raises it again.
    """


class YamlEditor:
    """A YAML input being edited in place.

    ``YamlEditor(text, name)`` reads ``text`` (the content of the file
    ``name``) as reportgen's loader does; ``set``, ``insert``, ``delete``,
    ``move`` and ``add_section`` change it; ``text()`` is the result and
    ``data`` what it reads as.  Paths are as in validation messages:
    ``("topics", 2, "summary")`` is ``topics[2].summary``.
    """

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self._bom = text.startswith("\ufeff")
        self._text = text[1:] if self._bom else text
        self._nl = "\r\n" if "\r\n" in self._text else "\n"
        self._splices: list[tuple[int, int, int, str]] = []  # start, old end, delta, removed
        self._verified = True
        self._failed: str | None = None  # an edit failed: the editor is not to be trusted
        self._root = yamltree.compose(self._text, name)
        with collector_paused():
            loaded = build_data(self._root, name)
        if loaded.problems:
            raise InputError(
                f"{name}: cannot edit an input that does not read", problems=loaded.problems
            )
        if not isinstance(self._root, MappingNode) or self._root.flow:
            raise InputError.at(
                name, 1, "", "only an input written as a block mapping can be edited"
            )
        self._data: dict[str, Any] = loaded.data
        self._quote_found: str | None = None
        self._map_step, self._seq_step = self._usual_steps()

    # -- the public edits -------------------------------------------------------

    @property
    def data(self) -> dict[str, Any]:
        """What the edited text reads as (a copy)."""
        return copy.deepcopy(self._data)

    def text(self) -> str:
        """The edited document, checked to read back as ``data``."""
        if self._failed:
            raise YamlEditError(self._failed)
        if not self._verified:
            root = yamltree.compose(self._text, self.name)
            with collector_paused():
                loaded = build_data(root, self.name)
            if loaded.problems or not _same(loaded.data, self._data):
                where = _difference(loaded.data, self._data, ())
                raise YamlEditError(
                    f"{self.name}: the edited YAML would read differently at "
                    f"{field_path(where) or 'the top'}; nothing was written"
                )
            self._verified = True
        return ("\ufeff" if self._bom else "") + self._text

    def set(self, path: FieldPath, value: Any) -> None:
        """Give ``path`` the value ``value``, rewriting as little of the text as possible.

        A scalar is rewritten in its style; a list or mapping is changed item
        by item and key by key, so that untouched items keep their text; a
        missing key is added to its mapping.
        """
        path = tuple(path)
        if not path:
            raise ValueError("set() needs the path of a value, not the whole document")
        chain = self._walk(path[:-1])
        parent = chain[-1]
        if isinstance(parent, MappingNode) and self._key_index(parent, path[-1]) is None:
            self._add_key(path[:-1], str(path[-1]), value)
            return
        self._assign(path, copy.deepcopy(value))

    def insert(self, path: FieldPath, index: int, value: Any) -> None:
        """Insert ``value`` into the list at ``path`` so that it becomes item ``index``.

        A missing list (or an empty value) is created, laid out like the same
        list elsewhere in the file.
        """
        path = tuple(path)
        value = copy.deepcopy(value)
        chain = self._walk(path[:-1])
        parent = chain[-1]
        if isinstance(parent, MappingNode) and self._key_index(parent, path[-1]) is None:
            if index != 0:
                raise IndexError(f"{field_path(path)} has no items; cannot insert at {index}")
            self._add_key(path[:-1], str(path[-1]), [value])
            return
        chain = self._walk(path)
        node = chain[-1]
        old = self._get(path)
        if old is None or old == [] or old == {}:
            if index != 0:
                raise IndexError(f"{field_path(path)} has no items; cannot insert at {index}")
            self._check(chain, path)
            self._replace_value(path, chain, [value], examples=self._cousins(path))
            return
        if not isinstance(node, SequenceNode) or not isinstance(old, list):
            raise TypeError(f"{field_path(path)} is not a list")
        if not 0 <= index <= len(node.value):
            raise IndexError(
                f"{field_path(path)} has {len(node.value)} items; cannot insert at {index}"
            )
        self._check(chain, path, subtree=False)
        if node.flow:
            self._edit_flow(path, chain, lambda items: items.insert(index, value))
            return
        self._insert_item(path, node, index, value)

    def delete(self, path: FieldPath) -> None:
        """Delete the list item or the mapping key at ``path``."""
        path = tuple(path)
        if not path:
            raise ValueError("delete() needs the path of an item or a key")
        chain = self._walk(path)
        self._check(chain, path)
        parent, last = chain[-2], path[-1]
        container = self._get(path[:-1])
        if parent.flow:
            self._edit_flow(path[:-1], chain[:-1], lambda items: items.__delitem__(last))
            return
        if len(parent.value) == 1:
            if len(path) == 1:
                raise ValueError("cannot delete the only key of an input")
            # The last item or key: the value becomes the empty list or mapping.
            empty: Any = [] if isinstance(parent, SequenceNode) else {}
            self._replace_value(path[:-1], chain[:-1], empty, examples=[])
            return
        index = last if isinstance(last, int) else self._key_index(parent, last)
        assert index is not None
        start = self._entry_start(parent, index)
        if isinstance(parent, MappingNode) and not self._at_line_start(start):
            # The first key of `- key: value`: what follows moves up to the dash
            # (the next key, or the comment lines above it).
            following = self._region(parent, 1)[0]
            self._splice(start, following + self._column(self._entry_start(parent, 1)), "")
        else:
            first, end = self._region(parent, index)
            first, end = self._tidy_blank_lines(parent, index, first, end)
            self._splice(first, end, "")
        del container[last]
        parent.value.pop(index)

    def move(self, path: FieldPath, source: int, target: int) -> None:
        """Move item ``source`` of the list at ``path`` so that it becomes item ``target``."""
        path = tuple(path)
        chain = self._walk(path)
        node = chain[-1]
        if not isinstance(node, SequenceNode):
            raise TypeError(f"{field_path(path)} is not a list")
        count = len(node.value)
        if not (0 <= source < count and 0 <= target < count):
            raise IndexError(
                f"{field_path(path)} has {count} items; cannot move {source} to {target}"
            )
        if source == target:
            return
        self._check(chain, path, subtree=False)
        self._check([*chain, node.value[source]], (*path, source))
        if node.flow:
            self._edit_flow(path, chain, lambda items: items.insert(target, items.pop(source)))
            return
        items = self._get(path)
        item_data = items.pop(source)
        items.insert(target, item_data)
        # Cut the item's lines, with the separator after it (before it, for the last item).
        first, end = self._region(node, source)
        dash_offset = self._entry_start(node, source) - first
        if source < count - 1:
            cut_end = self._region(node, source + 1)[0]
            chunk, separator = self._text[first:end], self._text[end:cut_end]
            self._splice(first, cut_end, "", raw=True)
        else:
            cut_start = self._region(node, source - 1)[1]
            chunk, separator = self._text[first:end], self._text[cut_start:first]
            self._splice(cut_start, end, "", raw=True)
        node.value.pop(source)
        if not chunk.endswith("\n"):
            chunk += self._nl
        # Put them back before the item now at `target`, or after the last one.
        if target < count - 1:
            position = self._region(node, target)[0]
            self._splice(position, position, chunk + separator, raw=True)
            dash = position + dash_offset
        else:
            position = self._region(node, count - 2)[1]
            if position == len(self._text) and not self._text.endswith("\n"):
                separator = self._nl + separator
            self._splice(position, position, separator + chunk, raw=True)
            dash = position + len(separator) + dash_offset
        item = self._reread_item(dash, item_data, path, target)
        node.value.insert(target, item)

    def add_section(self, key: str, value: Any) -> None:
        """Give the top-level ``key`` the value ``value``: added at the end of the file if new."""
        if key in self._data:
            self.set((key,), value)
        else:
            self._add_key((), key, copy.deepcopy(value))

    def line_width(self, path: FieldPath) -> int | None:
        """How many characters the lines of the text at ``path`` hold at most, its
        indentation not counted; None when it is written on one line.

        For writing a changed Markdown field wrapped as the rapporteur wrapped
        it: ``markdown_writer.to_markdown(blocks, width=editor.line_width(path))``.
        """
        chain = self._walk(tuple(path))
        node = chain[-1]
        if not isinstance(node, ScalarNode) or len(chain) < 2:
            return None
        layout = self._scalar_layout(node, chain[-2], tuple(path))
        if node.style == "|":
            lines = self._text[self._next_line(self._start(node)) : self._end(node)].splitlines()
            if len(lines) < 2:
                return None
            return max(len(line.rstrip("\r")) for line in lines) - layout.indent
        return None if layout.width is None else layout.width - layout.indent

    # -- reading the tree -------------------------------------------------------

    def _walk(self, path: FieldPath) -> list[Node]:
        """The nodes from the root down to ``path``."""
        chain: list[Node] = [self._root]
        node: Node = self._root
        for depth, part in enumerate(path):
            if isinstance(node, AliasNode):
                self._refuse(
                    node, path[:depth], "it is an alias (`*name`) of a value written elsewhere"
                )
            if isinstance(part, int) and isinstance(node, SequenceNode):
                if not 0 <= part < len(node.value):
                    raise IndexError(f"{field_path(path[: depth + 1])}: no such item")
                node = node.value[part]
            elif isinstance(node, MappingNode) and not isinstance(part, int):
                index = self._key_index(node, part)
                if index is None:
                    raise KeyError(f"{field_path(path[: depth + 1])}: no such key")
                node = node.value[index][1]
            else:
                raise KeyError(f"{field_path(path[: depth + 1])}: no such value")
            chain.append(node)
        return chain

    @staticmethod
    def _key_index(node: MappingNode, key: object) -> int | None:
        for index, (key_node, _) in enumerate(node.value):
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return index
        return None

    def _get(self, path: FieldPath) -> Any:
        value: Any = self._data
        for part in path:
            value = value[part]
        return value

    def _check(self, chain: list[Node], path: FieldPath, *, subtree: bool = True) -> None:
        """Refuse to edit values that anchors, aliases or tags tie to other places."""
        for depth, node in enumerate(chain):
            where = path[: max(depth, 0)]
            if isinstance(node, AliasNode):
                self._refuse(node, where, "it is an alias (`*name`) of a value written elsewhere")
            if getattr(node, "anchor", None):
                self._refuse(
                    node, where, f"it has an anchor (`&{node.anchor}`) that aliases may repeat"
                )
            if isinstance(node, MappingNode) and any(
                isinstance(k, ScalarNode) and k.value == "<<" and not k.style for k, _ in node.value
            ):
                self._refuse(node, where, "its mapping merges in another (`<<`)")
        node = chain[-1]
        if getattr(node, "explicit_tag", False):
            self._refuse(node, path, f"it has an explicit tag (`{node.tag}`)")
        if subtree:
            for inner in _descendants(node):
                if getattr(inner, "anchor", None):
                    self._refuse(inner, path, f"it holds an anchor (`&{inner.anchor}`)")

    def _refuse(self, node: Node, path: FieldPath, why: str) -> None:
        line = self._text.count("\n", 0, self._at(node.start, node.gen)) + 1
        problem = Problem(
            self.name, line, field_path(path), f"cannot be edited in place: {why}; edit it by hand"
        )
        raise InputError(str(problem), problems=[problem])

    def _unsupported(self, path: FieldPath, why: str) -> None:
        raise YamlEditError(f"{self.name}: {field_path(path)}: cannot edit this layout ({why})")

    # -- positions --------------------------------------------------------------

    def _at(self, position: int, gen: int, *, end: bool = False) -> int:
        """A position recorded at generation ``gen``, in the text as it is now.

        ``end``: the position is the end of something, which text inserted
        just after it does not move.
        """
        for start, old_end, delta, _ in self._splices[gen:]:
            if position < start or (end and position == start):
                continue
            if position >= old_end:
                position += delta
            else:
                raise YamlEditError(f"{self.name}: internal: a stale position was used")
        return position

    def _start(self, node: Node) -> int:
        if isinstance(node, SequenceNode) and not node.flow and node.value:
            item = node.value[0]
            return self._at(item.dash, item.gen)
        if isinstance(node, MappingNode) and not node.flow and node.value:
            return self._start(node.value[0][0])
        return self._at(node.start, node.gen)

    def _end(self, node: Node) -> int:
        """Where the content of ``node`` ends (a block scalar: its last non-blank line)."""
        if isinstance(node, SequenceNode) and not node.flow and node.value:
            return self._end(node.value[-1])
        if isinstance(node, MappingNode) and not node.flow and node.value:
            return self._end(node.value[-1][1])
        return self._at(node.end, node.gen, end=True)

    def _entry_start(self, parent: Node, index: int) -> int:
        """Where item ``index`` (its dash) or key ``index`` of a block collection starts."""
        if isinstance(parent, SequenceNode):
            item = parent.value[index]
            return self._at(item.dash, item.gen)
        return self._start(parent.value[index][0])

    def _indicator_end(self, parent: Node, index: int) -> int:
        """Just after the ``-`` or the ``:`` of an entry of a block collection."""
        if isinstance(parent, SequenceNode):
            return self._entry_start(parent, index) + 1
        position = self._end(parent.value[index][0])
        while self._text[position] in " \t":
            position += 1
        if self._text[position] != ":":
            raise YamlEditError(f"{self.name}: internal: no `:` after the key at {position}")
        return position + 1

    def _line_start(self, position: int) -> int:
        return self._text.rfind("\n", 0, position) + 1

    def _line_end(self, position: int) -> int:
        end = self._text.find("\n", position)
        if end < 0:
            return len(self._text)
        return end - 1 if end > position and self._text[end - 1] == "\r" else end

    def _next_line(self, position: int) -> int:
        end = self._text.find("\n", position)
        return len(self._text) if end < 0 else end + 1

    def _column(self, position: int) -> int:
        return position - self._line_start(position)

    def _at_line_start(self, position: int) -> bool:
        return not self._text[self._line_start(position) : position].strip(" ")

    def _line(self, position: int) -> str:
        return self._text[self._line_start(position) : self._line_end(position)]

    def _region(self, parent: Node, index: int) -> tuple[int, int]:
        """The lines of an entry: comment lines just above it at its column, its own
        lines, and comment lines after it indented more deeply."""
        start = self._entry_start(parent, index)
        column = self._column(start)
        first = self._line_start(start) if self._at_line_start(start) else start
        while first > 0 and first == self._line_start(first):
            previous = self._line_start(first - 1)
            line = self._text[previous:first].rstrip("\r\n")
            body = line.lstrip(" ")
            if body.startswith("#") and len(line) - len(body) == column:
                first = previous
            else:
                break
        value = parent.value[index] if isinstance(parent, SequenceNode) else parent.value[index][1]
        end = self._next_line(self._end(value))
        while end < len(self._text):
            line = self._text[end : self._next_line(end)].rstrip("\r\n")
            body = line.lstrip(" ")
            if body.startswith("#") and len(line) - len(body) > column:
                end = self._next_line(end)
            else:
                break
        return first, end

    def _blank_line_at(self, position: int) -> bool:
        """Whether the line starting at ``position`` is blank."""
        return (
            position < len(self._text)
            and not self._text[position : self._next_line(position)].strip()
        )

    def _tidy_blank_lines(self, parent: Node, index: int, first: int, end: int) -> tuple[int, int]:
        """Widen a deleted region so that it leaves no double blank line, nor one after the key."""
        before = first > 0 and self._blank_line_at(self._line_start(first - 1))
        after = self._blank_line_at(end)
        last = index == len(parent.value) - 1
        if after and (before or index == 0):
            return first, self._next_line(end)
        if before and last:
            return self._line_start(first - 1), end
        return first, end

    def _spaced(self, node: Node) -> bool:
        """Whether the entries of a block collection are separated by blank lines."""
        if len(node.value) < 2:
            return False
        end = self._region(node, 0)[1]
        return self._blank_line_at(end)

    # -- changing the text -------------------------------------------------------

    def _splice(self, start: int, end: int, new: str, *, raw: bool = False) -> None:
        if not raw and self._nl != "\n":
            new = new.replace("\n", self._nl)
        removed = self._text[start:end]
        self._text = self._text[:start] + new + self._text[end:]
        self._splices.append((start, end, len(new) - (end - start), removed))
        self._verified = False

    def _undo(self) -> None:
        start, end, delta, removed = self._splices.pop()
        self._text = self._text[:start] + removed + self._text[end + delta :]

    def _insert_lines(self, position: int, lines: str) -> int:
        """Insert whole lines at a line start; return where they start."""
        if position == len(self._text) and self._text and not self._text.endswith("\n"):
            lines = "\n" + lines
            self._splice(position, position, lines)
            return position + len(self._nl)
        self._splice(position, position, lines)
        return position

    def _separators(self, position: int, spaced: bool, *, last: bool) -> tuple[str, str]:
        """Line breaks to put before and after new lines inserted at ``position``: a
        blank line where entries are spaced, a line break where the file has no last one."""
        prefix = suffix = ""
        if position == len(self._text) and self._text and not self._text.endswith("\n"):
            prefix = "\n"
        if spaced and last:
            prefix += "\n"
        elif spaced:
            suffix = "\n"
        return prefix, suffix

    def _window(self, start: int, *, item: bool) -> tuple[str, int]:
        """The entry starting at ``start`` and the lines that belong to it, as a document."""
        column = self._column(start)
        mapping = not item
        end = self._next_line(start)
        text = self._text
        while end < len(text):
            following = self._next_line(end)
            line = text[end:following]
            body = line.lstrip(" ")
            indent = len(line) - len(body)
            dash = body.startswith("- ") or body.rstrip() == "-"
            if not body.strip() or indent > column or (mapping and indent == column and dash):
                end = following
            else:
                break
        line_start = start - column
        return " " * column + text[start:end], line_start

    def _reread(self, start: int, expected: Any, *, item: bool) -> Node | None:
        """Parse the entry starting at ``start``; its node if it reads as ``expected``."""
        window, base = self._window(start, item=item)
        try:
            root = yamltree.compose(window, self.name, base=base, gen=len(self._splices))
            loaded = build_data(root, self.name)
        except InputError:
            return None
        if (
            loaded.problems
            or not isinstance(root, MappingNode | SequenceNode)
            or len(root.value) != 1
        ):
            return None
        if isinstance(root, SequenceNode):
            return root if _same(loaded.data, [expected]) else None
        key = root.value[0][0]
        if not isinstance(key, ScalarNode) or not _same(loaded.data, {key.value: expected}):
            return None
        return root

    def _reread_item(self, dash: int, expected: Any, path: FieldPath, index: int) -> Node:
        root = self._reread(dash, expected, item=True)
        if not isinstance(root, SequenceNode):
            self._failed = (
                f"{self.name}: {field_path((*path, index))}: the edited YAML would not read back "
                "as intended; nothing was written"
            )
            raise YamlEditError(self._failed)
        return root.value[0]

    def _attempt(
        self,
        path: FieldPath,
        render: Callable[[bool], tuple[int, int, str, int]],
        expected: Any,
        *,
        item: bool,
    ) -> Node:
        """Splice what ``render(safe)`` gives and re-read its entry (which starts at the
        position it returns, before the splice or inside the new text); with every
        text double-quoted (``safe``) if the usual styles read back differently."""
        for safe in (False, True):
            start, end, new, entry = render(safe)
            self._splice(start, end, new)
            root = self._reread(entry, expected, item=item)
            if root is not None:
                return root
            self._undo()
        self._failed = (
            f"{self.name}: {field_path(path)}: the edited YAML would not read back as intended; "
            "nothing was written"
        )
        raise YamlEditError(self._failed)

    # -- the edits, inside ------------------------------------------------------

    def _assign(self, path: FieldPath, value: Any) -> None:
        old = self._get(path)
        if _same(old, value):
            return
        chain = self._walk(path)
        node = chain[-1]
        if isinstance(node, MappingNode) and isinstance(value, dict) and old and value:
            for key in [k for k in old if k not in value]:
                self.delete((*path, key))
            previous = None
            for key, item in value.items():
                if key in self._get(path):
                    self._assign((*path, key), item)
                else:
                    self._add_key(path, key, item, after=previous)
                previous = key
            return
        if isinstance(node, SequenceNode) and isinstance(value, list) and old and value:
            self._assign_list(path, old, value)
            return
        self._check(chain, path)
        if isinstance(node, ScalarNode) and not isinstance(value, dict | list):
            self._set_scalar(path, chain, value)
        else:
            self._replace_value(path, chain, value, examples=self._cousins(path))

    def _assign_list(self, path: FieldPath, old: list[Any], new: list[Any]) -> None:
        """Change a list item by item: equal items keep their text."""
        keys = [_fingerprint(item) for item in old], [_fingerprint(item) for item in new]
        opcodes = SequenceMatcher(None, *keys, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(opcodes):
            if tag == "equal":
                continue
            common = min(i2 - i1, j2 - j1)
            for k in range(i2 - i1 - 1, common - 1, -1):
                self.delete((*path, i1 + k))
            for k in range(common, j2 - j1):
                self.insert(path, i1 + k, new[j1 + k])
            for k in range(common):
                self._assign((*path, i1 + k), copy.deepcopy(new[j1 + k]))

    def _set_scalar(self, path: FieldPath, chain: list[Node], value: Any) -> None:
        node, parent = chain[-1], chain[-2]
        flow = any(getattr(n, "flow", False) for n in chain[:-1])
        layout = self._scalar_layout(node, parent, path)
        start, end = self._start(node), self._end(node)
        self._set_data(path, value)
        level = self._entry_level(chain)
        entry = self._entry_start(chain[level], _index(chain[level], path[level]))

        def render(safe: bool) -> tuple[int, int, str, int]:
            new = _safe_scalar(value) if safe else yamlstyle.render(value, layout)
            return (*self._scalar_splice(node, start, end, new, flow), entry)

        root = self._attempt(
            path[: level + 1],
            render,
            self._get(path[: level + 1]),
            item=isinstance(chain[level], SequenceNode),
        )
        self._graft(chain[level], path[level], root)

    def _scalar_splice(
        self, node: Node, start: int, end: int, new: str, flow: bool
    ) -> tuple[int, int, str]:
        """Keep the comment on the line of a scalar when it becomes or stops being a block."""
        if flow:
            return start, end, new
        old_block = node.style in ("|", ">")
        new_block = new.startswith(("|", ">"))
        comment = ""
        if old_block:
            match = _HEADER_COMMENT.search(self._text[start : self._line_end(start)])
            comment = match.group(0) if match else ""
        else:
            rest = self._text[end : self._line_end(end)]
            if rest.strip().startswith("#") or not rest.strip():
                comment = rest if rest.strip() else ""
                if new_block:
                    end = self._line_end(end)
        if new_block:
            header, _, body = new.partition("\n")
            return start, end, header + comment + "\n" + body
        if old_block and comment:
            return start, end, new + comment
        return start, end, new

    def _replace_value(
        self,
        path: FieldPath,
        chain: list[Node],
        value: Any,
        *,
        examples: list[tuple[Node, int]],
    ) -> None:
        """Write ``value`` in place of the whole value at ``path``."""
        node, parent = chain[-1], chain[-2]
        self._set_data(path, value)
        if any(getattr(n, "flow", False) for n in chain[:-1]):
            self._edit_flow(path[:-1], chain[:-1], None)
            return
        index = _index(parent, path[-1])
        entry = self._entry_start(parent, index)
        indicator = self._indicator_end(parent, index)
        end = max(self._end(node), indicator)
        column = self._column(entry)
        value_column = self._column(indicator) + 1

        def render(safe: bool) -> tuple[int, int, str, int]:
            text = self._render(
                value,
                column,
                value_column,
                examples,
                item=isinstance(parent, SequenceNode),
                safe=safe,
            )
            return indicator, end, text, entry

        root = self._attempt(path, render, self._get(path), item=isinstance(parent, SequenceNode))
        self._graft(parent, path[-1], root)

    def _insert_item(self, path: FieldPath, node: SequenceNode, index: int, value: Any) -> None:
        count = len(node.value)
        dash_column = self._column(self._entry_start(node, min(index, count - 1)))
        nearest = sorted(range(count), key=lambda k: (abs(k - index + 0.5), k))[:8]
        examples = [(node.value[k], dash_column) for k in nearest]
        spaced = self._spaced(node)
        items = self._get(path)
        items.insert(index, value)
        if index < count:
            position = self._region(node, index)[0]
        else:
            position = self._region(node, count - 1)[1]

        def render(safe: bool) -> tuple[int, int, str, int]:
            text = self._render(value, dash_column, dash_column + 2, examples, item=True, safe=safe)
            lines = " " * dash_column + "-" + text + "\n"
            prefix, suffix = self._separators(position, spaced, last=index == count)
            dash = position + len(prefix) * len(self._nl) + dash_column
            return position, position, prefix + lines + suffix, dash

        root = self._attempt((*path, index), render, value, item=True)
        node.value.insert(index, root.value[0])

    def _add_key(self, path: FieldPath, key: str, value: Any, *, after: str | None = None) -> None:
        """Add ``key`` to the mapping at ``path``: after ``after`` if given, else last."""
        chain = self._walk(path)
        node = chain[-1]
        mapping = self._get(path)
        if not isinstance(node, MappingNode) or not isinstance(mapping, dict):
            raise TypeError(f"{field_path(path)} is not a mapping")
        self._check(chain, path, subtree=False)
        examples = self._cousins((*path, key))
        if node.flow or not node.value:
            self._edit_flow(path, chain, lambda m: m.__setitem__(key, value))
            return
        if after is None:
            after = self._usual_predecessor(path, key, node)
        found = None if after is None else self._key_index(node, after)
        index = len(node.value) if found is None else found + 1
        mapping[key] = value
        if after is not None:  # keep the data's key order as the text's
            items = list(mapping.items())
            items.insert(index, items.pop())
            mapping.clear()
            mapping.update(items)
        column = self._column(self._entry_start(node, 0))
        spaced = self._spaced(node)
        position = self._region(node, index - 1)[1] if index > 0 else self._region(node, 0)[0]
        key_text = _key_text(key)

        def render(safe: bool) -> tuple[int, int, str, int]:
            value_column = column + len(key_text) + 2
            text = self._render(value, column, value_column, examples, item=False, safe=safe)
            lines = " " * column + key_text + ":" + text + "\n"
            prefix, suffix = self._separators(position, spaced, last=index == len(node.value))
            start = position + len(prefix) * len(self._nl) + column
            return position, position, prefix + lines + suffix, start

        root = self._attempt((*path, key), render, value, item=False)
        node.value.insert(index, root.value[0])

    def _usual_predecessor(self, path: FieldPath, key: str, node: MappingNode) -> str | None:
        """The key that ``key`` follows in the same mapping of neighbouring items, if
        this mapping has it (``to`` goes after ``id`` when the other
        recommendations have it there); None: at the end.  A key that comes first
        there is not put first here: the first key may share the line of a `-`."""
        present = {k.value for k, _ in node.value}
        for example, _ in self._cousins(path):
            if not isinstance(example, MappingNode):
                continue
            order = [k.value for k, _ in example.value]
            before = [k for k in order[: order.index(key)] if k in present] if key in order else []
            if before:
                return before[-1]
        return None

    def _edit_flow(
        self, path: FieldPath, chain: list[Node], change: Callable[[Any], None] | None
    ) -> None:
        """Rewrite a flow collection (``[a, b]``) after ``change`` to its data, keeping
        the text of the values that did not change."""
        level = self._entry_level([*chain, chain[-1]])
        outer_path = path[: level + 1]
        if change is not None:
            change(self._get(path))
        outer = chain[level + 1]
        entry = self._entry_start(chain[level], _index(chain[level], path[level]))
        start, end = self._start(outer), self._end(outer)
        expected = self._get(outer_path)

        def render(safe: bool) -> tuple[int, int, str, int]:
            return start, end, self._flow(expected, outer, safe), entry

        root = self._attempt(
            outer_path, render, expected, item=isinstance(chain[level], SequenceNode)
        )
        self._graft(chain[level], path[level], root)

    def _graft(self, parent: Node, part: str | int, root: Node) -> None:
        """Put the node of a re-read entry in its place in the tree."""
        index = _index(parent, part)
        parent.value[index] = root.value[0]

    def _set_data(self, path: FieldPath, value: Any) -> None:
        container = self._get(path[:-1])
        container[path[-1]] = value

    def _entry_level(self, chain: list[Node]) -> int:
        """The depth of the innermost block collection holding the last node of ``chain``
        outside any flow collection: its entry is what is parsed again after an edit."""
        level = 0
        for depth, node in enumerate(chain[:-1]):
            if getattr(node, "flow", False):
                break
            level = depth
        return level

    # -- writing new values -----------------------------------------------------

    def _render(
        self,
        value: Any,
        column: int,
        value_column: int,
        examples: list[tuple[Node, int]],
        *,
        item: bool,
        safe: bool,
    ) -> str:
        """What follows the ``key:`` or ``-`` of an entry at ``column``.

        ``examples`` are values already in the file that play the same part
        (the siblings of a new list item, the same key in a neighbouring item),
        each with the column of its entry, nearest first: the new value is laid
        out as they are.
        """
        if isinstance(value, dict):
            return self._render_mapping(value, column, examples, item=item, safe=safe)
        if isinstance(value, list):
            return self._render_list(value, column, examples, item=item, safe=safe)
        if safe:
            return " " + _safe_scalar(value)
        layout = Layout(column=value_column, indent=column + 2, parent=column, quote=self._quote)
        for node, node_column in examples:
            if isinstance(node, ScalarNode) and node.value:
                found = self._scalar_layout_at(node, node_column)
                layout = replace(
                    layout,
                    style=found.style,
                    indent=column + (found.indent - node_column),
                    width=found.width,
                )
                break
        return " " + yamlstyle.render(value, layout)

    def _render_mapping(
        self,
        value: dict[str, Any],
        column: int,
        examples: list[tuple[Node, int]],
        *,
        item: bool,
        safe: bool,
    ) -> str:
        if not value:
            return " {}"
        mappings = [
            (node, node_column)
            for node, node_column in examples
            if isinstance(node, MappingNode) and not node.flow and node.value
        ]
        step = 2 if item else self._map_step
        order: list[str] = []
        if mappings:
            first, first_column = mappings[0]
            step = max(1, self._column(self._start(first)) - first_column)
            order = [k.value for k, _ in first.value]
        key_column = column + step
        rank = {key: n for n, key in enumerate(order)}
        keys = sorted(value, key=lambda k: rank.get(k, len(order)))
        out = []
        for n, key in enumerate(keys):
            inner_examples = []
            for node, _ in mappings:
                index = self._key_index(node, key)
                if index is not None:
                    inner_examples.append((node.value[index][1], self._column(self._start(node))))
            text = _key_text(key)
            line = (
                text
                + ":"
                + self._render(
                    value[key],
                    key_column,
                    key_column + len(text) + 2,
                    inner_examples,
                    item=False,
                    safe=safe,
                )
            )
            if n == 0 and item:
                out.append(" " * (key_column - column - 1) + line)
            else:
                out.append("\n" + " " * key_column + line)
        return "".join(out)

    def _render_list(
        self,
        value: list[Any],
        column: int,
        examples: list[tuple[Node, int]],
        *,
        item: bool,
        safe: bool,
    ) -> str:
        if not value:
            return " []"
        lists = [
            (node, node_column)
            for node, node_column in examples
            if isinstance(node, SequenceNode) and node.value
        ]
        scalars = all(not isinstance(v, dict | list) for v in value)
        if lists and lists[0][0].flow and scalars:
            quote = '"' if safe else self._quote
            texts = [
                _safe_scalar(v) if safe else yamlstyle.render(v, Layout(flow=True, quote=quote))
                for v in value
            ]
            return " [" + ", ".join(texts) + "]"
        step = 2 if item else self._seq_step
        item_examples: list[tuple[Node, int]] = []
        blocks = [(node, c) for node, c in lists if not node.flow]
        if blocks:
            first, first_column = blocks[0]
            step = max(2 if item else 0, self._column(self._start(first)) - first_column)
            for node, _ in blocks:
                dash_column = self._column(self._start(node))
                item_examples.extend((child, dash_column) for child in node.value[:3])
        dash_column = column + step
        return "".join(
            "\n"
            + " " * dash_column
            + "-"
            + self._render(v, dash_column, dash_column + 2, item_examples, item=True, safe=safe)
            for v in value
        )

    def _flow(self, value: Any, node: Node | None, safe: bool) -> str:
        """A flow collection's text, keeping the text of values that did not change."""
        if (
            isinstance(node, ScalarNode)
            and not safe
            and not isinstance(value, dict | list)
            and _same(_scalar_data(node, self.name), value)
        ):
            return self._text[self._start(node) : self._end(node)]
        if isinstance(value, list):
            nodes = node.value if isinstance(node, SequenceNode) else []
            old = [
                _scalar_data(n, self.name) if isinstance(n, ScalarNode) else _MISSING for n in nodes
            ]
            parts = []
            for item in value:
                match = next(
                    (
                        n
                        for n, o in zip(nodes, old, strict=True)
                        if o is not _MISSING and _same(o, item)
                    ),
                    None,
                )
                parts.append(self._flow(item, match, safe))
            return "[" + ", ".join(parts) + "]"
        if isinstance(value, dict):
            pairs = dict(node.value) if isinstance(node, MappingNode) else {}
            by_key = {k.value: v for k, v in pairs.items() if isinstance(k, ScalarNode)}
            return (
                "{"
                + ", ".join(
                    f"{_key_text(k)}: {self._flow(v, by_key.get(k), safe)}"
                    for k, v in value.items()
                )
                + "}"
            )
        if safe:
            return _safe_scalar(value)
        return yamlstyle.render(value, Layout(flow=True, quote=self._quote))

    def _scalar_layout(self, node: ScalarNode, parent: Node, path: FieldPath) -> Layout:
        """How an existing scalar is laid out, seen from the entry holding it."""
        if getattr(parent, "flow", False) or not isinstance(parent, MappingNode | SequenceNode):
            return Layout(
                style=node.style,
                column=self._column(self._start(node)),
                flow=True,
                quote=self._quote,
            )
        index = _index(parent, path[-1])
        column = self._column(self._entry_start(parent, index))
        return replace(self._scalar_layout_at(node, column), parent=column)

    def _scalar_layout_at(self, node: ScalarNode, column: int) -> Layout:
        start, end = self._start(node), self._end(node)
        indent, width = column + 2, None
        if node.style in ("|", ">"):
            position = self._next_line(start)
            lengths = []
            while position < end:
                line = self._text[position : self._line_end(position)]
                if line.strip():
                    if not lengths:
                        indent = len(line) - len(line.lstrip(" "))
                    lengths.append(len(line))
                position = self._next_line(position)
            if node.style == ">" and len(lengths) > 1:
                width = max(lengths)
        elif self._line_start(start) != self._line_start(end):
            second = self._next_line(start)
            line = self._line(second)
            indent = len(line) - len(line.lstrip(" "))
            lengths = [self._line_end(start) - self._line_start(start)]
            position = second
            while position <= end:
                line_end = min(self._line_end(position), end)
                lengths.append(line_end - position)
                if line_end == end:
                    break
                position = self._next_line(position)
            width = max(lengths)
        return Layout(
            style=node.style,
            column=self._column(start),
            indent=indent,
            parent=column,
            width=width,
            quote=self._quote,
        )

    def _cousins(self, path: FieldPath, limit: int = 8) -> list[tuple[Node, int]]:
        """The same field in neighbouring items (``topics[1].points`` for
        ``topics[2].points``), nearest first, each with the column of its entry:
        examples to lay out a new one alike."""
        found: list[tuple[Node, int]] = []
        for depth in range(len(path) - 1, -1, -1):
            part = path[depth]
            if not isinstance(part, int):
                continue
            try:
                count = len(self._walk(path[:depth])[-1].value)
            except (KeyError, IndexError, AttributeError):
                continue
            for distance in range(1, count):
                for other in (part - distance, part + distance):
                    if 0 <= other < count:
                        example = self._find((*path[:depth], other, *path[depth + 1 :]))
                        if example is not None:
                            found.append(example)
                            if len(found) >= limit:
                                return found
        return found

    def _find(self, path: FieldPath) -> tuple[Node, int] | None:
        try:
            chain = self._walk(path)
        except (KeyError, IndexError):
            return None
        node, parent = chain[-1], chain[-2]
        if isinstance(node, ScalarNode) and node.value in ("", "null", "~"):
            return None
        if isinstance(node, MappingNode | SequenceNode) and not node.value:
            return None
        if getattr(parent, "flow", False):
            return None
        return node, self._column(self._entry_start(parent, _index(parent, path[-1])))

    # -- the file's habits --------------------------------------------------------

    @property
    def _quote(self) -> str:
        """The quote the file uses most (double if it uses none): for text that cannot be plain."""
        if self._quote_found is None:
            counts = {"'": 0, '"': 0}
            for node in _descendants(self._root):
                if isinstance(node, ScalarNode) and node.style in counts:
                    counts[node.style] += 1
            self._quote_found = "'" if counts["'"] > counts['"'] else '"'
        return self._quote_found

    def _usual_steps(self) -> tuple[int, int]:
        """How far nested mappings and lists are indented under their key."""
        map_step = seq_step = None
        for key, value in self._root.value:
            if not getattr(value, "flow", True) and value.value:
                offset = self._column(self._start(value)) - self._column(self._start(key))
                if isinstance(value, MappingNode) and map_step is None and offset > 0:
                    map_step = offset
                if isinstance(value, SequenceNode) and seq_step is None:
                    seq_step = offset
        return map_step or 2, 2 if seq_step is None else seq_step


# -- helpers ----------------------------------------------------------------------


def _index(parent: Node, part: str | int) -> int:
    if isinstance(parent, SequenceNode):
        assert isinstance(part, int)
        return part % len(parent.value) if parent.value else part
    for index, (key, _) in enumerate(parent.value):
        if key.value == part:
            return index
    raise KeyError(part)


def _descendants(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, MappingNode):
            for key, value in current.value:
                stack.extend((key, value))


def _key_text(key: str) -> str:
    return key if yamlstyle.plain_ok(key) else yamlstyle.double_quoted(key)


def _safe_scalar(value: Any) -> str:
    """Any value in a form that reads back exactly: text between double quotes."""
    if isinstance(value, str):
        return yamlstyle.double_quoted(value)
    return yamlstyle.render(value, Layout(flow=True))


def _scalar_data(node: ScalarNode, name: str) -> Any:
    try:
        return build_data(node, name).data
    except InputError:
        return _MISSING


def _fingerprint(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``1`` is not ``True``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _difference(a: Any, b: Any, path: FieldPath) -> FieldPath:
    """The first path where two values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b or not _same(a[key], b[key]):
                return _difference(a.get(key), b.get(key), (*path, key))
    if isinstance(a, list) and isinstance(b, list):
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            if not _same(x, y):
                return _difference(x, y, (*path, index))
        if len(a) != len(b):
            return (*path, min(len(a), len(b)))
    return path
