"""The reviewers' changes set against the input as it is now: edits to make, and conflicts."""

# Three versions of every field are known: as generated (the record in the
# DOCX), as the input says now, and as reviewed.  A field only the reviewers
# changed takes their text; one only the input changed keeps the input's;
# one changed on both sides, differently, is a conflict, settled by --prefer
# or by hand.  Lists are matched item by item, so that an item added to the
# input since does not shift the reviewers' edits onto its neighbour.

from __future__ import annotations

from dataclasses import dataclass, field

from ..provenance import FieldPath, Record, format_path, parse_path, resolve
from .changes import Changes, FieldChange, ListChange, NewItem, OverrideChange, item_of


@dataclass
class Conflict:
    """A field changed in the input and by the reviewers, differently."""

    path: str
    generated: object
    current: object
    reviewed: object


@dataclass
class Edit:
    """One change to make to the input: ``set``, ``delete``, ``insert``, ``move``, ``append``."""

    kind: str
    path: FieldPath
    value: object = None
    index: int = 0
    target: int = 0
    blocks: list | None = None  # a text field's blocks, written at the input's line width


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def _plain(value: object) -> object:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def same(a: object, b: object) -> bool:
    """Equal as a reader sees them: white space aside, ``2019`` and "2019" alike."""
    if a in (None, "", []) and b in (None, "", []):
        return True
    return _plain(a) == _plain(b)


class Matcher:
    """Where a recorded item is in the input now: same place, or found by its values."""

    def __init__(self, record: Record, current: dict, unchanged: bool) -> None:
        self.record = record
        self.current = current
        self.unchanged = unchanged
        self._maps: dict[str, dict[int, int | None]] = {}

    def path(self, recorded: str) -> FieldPath | None:
        """``recorded`` (a path in the input as generated) as a path in the input now."""
        parts = parse_path(recorded)
        if self.unchanged:
            return parts
        out: list[str | int] = []
        for part in parts:
            if isinstance(part, int):
                mapped = self._map(format_path(tuple(out)), tuple(out)).get(part)
                if mapped is None:
                    return None
                out.append(mapped)
            else:
                out.append(part)
        return tuple(out)

    def items(self, recorded_list: str) -> dict[int, int | None]:
        """Each recorded index of a list → its index in the input now (None: gone)."""
        current = self.path(recorded_list)
        if current is None:
            return {}
        return self._map(recorded_list, current)

    def _map(self, recorded_list: str, current_list: FieldPath) -> dict[int, int | None]:
        key = recorded_list
        if key in self._maps:
            return self._maps[key]
        recorded = _items_of(self.record, recorded_list)
        now = resolve(self.current, current_list)
        now = now if isinstance(now, list) else []
        mapping: dict[int, int | None] = {}
        if self.unchanged:
            mapping = {i: i for i in recorded}
        else:
            taken: set[int] = set()
            for index, values in recorded.items():
                if index < len(now) and _matches(now[index], values):
                    mapping[index] = index
                    taken.add(index)
            for index, values in recorded.items():
                if index in mapping:
                    continue
                found = [
                    j for j, item in enumerate(now) if j not in taken and _matches(item, values)
                ]
                if len(found) == 1:
                    mapping[index] = found[0]
                    taken.add(found[0])
            if len(now) == _length(recorded):
                for index in recorded:
                    if index not in mapping and index not in taken:
                        mapping[index] = index
                        taken.add(index)
            for index in recorded:
                mapping.setdefault(index, None)
        self._maps[key] = mapping
        return mapping


def _items_of(record: Record, list_path: str) -> dict[int, dict[str, object]]:
    """The recorded values of each item of a list: index → {field: value}."""
    items: dict[int, dict[str, object]] = {}
    for path, value in record.fields.items():
        found = item_of(path)
        if found is None:
            continue
        parent, index, rest = found
        if parent == list_path:
            items.setdefault(index, {})[rest] = value
    # Items of nested lists: topics[0].points[1] belongs to topics[0] as "points[1]".
    prefix = list_path + "["
    for path, value in record.fields.items():
        if path.startswith(prefix):
            index_text, _, rest = path[len(prefix) :].partition("]")
            if index_text.isdigit():
                items.setdefault(int(index_text), {}).setdefault(rest.lstrip("."), value)
    return items


def _length(recorded: dict[int, dict[str, object]]) -> int:
    return max(recorded, default=-1) + 1


def _matches(item: object, values: dict[str, object]) -> bool:
    """Whether an item of the input now shows the recorded values (all of them)."""
    if not values:
        return False
    for rest, value in values.items():
        here = item if not rest else resolve(item, parse_path(rest))
        if not same(here, value):
            return False
    return True


def plan(
    changes: Changes, record: Record, current: dict, *, unchanged: bool, prefer: str | None
) -> Plan:
    """The edits that take ``changes`` into the input ``current``, and the conflicts.

    ``unchanged``: the input is byte for byte the one the DOCX was made from.
    ``prefer``: "review" or "input" settles conflicts; None lists them.
    """
    planner = _Planner(record, current, Matcher(record, current, unchanged), prefer)
    for change in changes.fields:
        planner.field(change)
    for list_change in changes.lists:
        planner.list(list_change)
    for override in changes.overrides:
        planner.override(override)
    return planner.result


class _Planner:
    def __init__(self, record: Record, current: dict, matcher: Matcher, prefer: str | None) -> None:
        self.record = record
        self.current = current
        self.matcher = matcher
        self.prefer = prefer
        self.result = Plan()

    def settle(self, conflict: Conflict) -> bool:
        """Whether to take the reviewers' version; records the conflict when nobody chose."""
        if self.prefer == "review":
            return True
        if self.prefer is None:
            self.result.conflicts.append(conflict)
        return False

    def field(self, change: FieldChange) -> None:
        path = self.matcher.path(change.path)
        base = self.record.fields.get(change.path)
        if path is None:
            if self.prefer is None:
                self.result.conflicts.append(Conflict(change.path, base, None, change.value))
            return  # the item is gone from the input: nothing to write it into
        now = resolve(self.current, path)
        if not same(now, base) and not same(now, change.value):
            generated = self.record.generated.get(change.path, base)
            if not self.settle(Conflict(change.path, generated, now, change.value)):
                return
        elif same(now, change.value):
            return
        if change.value in ("", [], None):
            self.result.edits.append(Edit("delete", path))
            return
        value = change.value
        if isinstance(value, str) and isinstance(now, str) and now.endswith("\n"):
            value += "\n"  # a `|` block keeps its final line break, so its header stays `|`
        self.result.edits.append(Edit("set", path, value, blocks=change.blocks))

    def list(self, change: ListChange) -> None:
        path = self.matcher.path(change.path)
        items = self.matcher.items(change.path)
        now = resolve(self.current, path) if path is not None else None
        now = now if isinstance(now, list) else []
        moved_in_input = (
            path is None
            or len(now) != change.length
            or any(items.get(i) != i for i in range(change.length))
        )
        if moved_in_input:
            reviewed = [i if isinstance(i, int) else "new" for i in change.order]
            conflict = Conflict(change.path, list(range(change.length)), len(now), reviewed)
            if path is None or not self.settle(conflict):
                return
        target: list[int | NewItem] = []
        for item in change.order:
            if isinstance(item, NewItem):
                target.append(item)
            elif items.get(item) is not None:
                target.append(items[item])  # type: ignore[arg-type]
        kept = {t for t in target if isinstance(t, int)}
        # Items the input gained since stay where they are.
        if moved_in_input:
            recorded_now = {v for v in items.values() if v is not None}
            for index in range(len(now)):
                if index not in recorded_now and index not in kept:
                    target.insert(min(index, len(target)), index)
                    kept.add(index)
        edits = self.result.edits
        for index in sorted(set(range(len(now))) - kept, reverse=True):
            edits.append(Edit("delete", (*path, index)))  # type: ignore[misc]
        working = sorted(kept)
        for position, item in enumerate(target):
            if isinstance(item, NewItem):
                edits.append(Edit("insert", path, _new_value(item, now), index=position))  # type: ignore[arg-type]
                working.insert(position, -1)
                continue
            found = working.index(item)
            if found != position:
                edits.append(Edit("move", path, index=found, target=position))  # type: ignore[arg-type]
                working.insert(position, working.pop(found))

    def override(self, change: OverrideChange) -> None:
        existing = self.current.get("overrides")
        existing = existing if isinstance(existing, list) else []
        for index, item in enumerate(existing):
            if not isinstance(item, dict) or item.get("block") != change.block:
                continue
            if str(item.get("for") or "") != change.key:
                continue
            if same(item.get("text"), change.text):
                return
            path = f"overrides[{index}].text"
            if self.settle(Conflict(path, change.replaces, item.get("text"), change.text)):
                self.result.edits.append(Edit("set", ("overrides", index, "text"), change.text))
            return
        value: dict[str, object] = {"block": change.block}
        if change.key:
            value["for"] = change.key
        value["text"] = change.text
        value["replaces"] = change.replaces
        self.result.edits.append(Edit("append", ("overrides",), value))


def _new_value(item: NewItem, now: list) -> object:
    """A new item, with what the DOCX does not show taken from its neighbour (an agenda day)."""
    value = item.value
    if isinstance(value, dict) and item.like is not None and item.like < len(now):
        neighbour = now[item.like]
        if isinstance(neighbour, dict) and "day" in neighbour and "day" not in value:
            value = {**value, "day": neighbour["day"]}
    return value
