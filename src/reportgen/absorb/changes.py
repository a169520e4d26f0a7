"""What the reviewers changed, field by field, against the record of what was generated."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .. import documents as d
from ..compose.markdown_writer import to_markdown
from ..language import Language
from ..provenance import Entry, FieldPath, Record, field_groups, format_path, parse_path
from .alignment import Alignment, leaf_text
from .patterns import read_slots
from .reviewed import Leaf


@dataclass
class FieldChange:
    """A field that reads differently now: its path as recorded, and its new value."""

    path: str
    value: object  # text (Markdown for a text field), or a list of texts
    was: object  # as generated
    by_text: bool = False  # matched by its words: its mark was gone
    # A text field's blocks as reviewed, to write them wrapped as the input wraps them.
    blocks: list[d.Block] | None = None


@dataclass
class NewItem:
    """An item reviewers added to a list: its value, and a neighbour to take defaults from."""

    value: object  # text, or a mapping for lists of mappings
    like: int | None = None  # a recorded item of the same list, for fields the DOCX does not show


@dataclass
class ListChange:
    """A list whose items were added, deleted or moved: the new order of the recorded items."""

    path: str
    order: list[int | NewItem]
    length: int  # how many items the list had when the DOCX was generated


@dataclass
class OverrideChange:
    """Composed text the reviewers reworded."""

    block: str
    key: str
    text: str  # Markdown
    replaces: str  # what the template composed there


@dataclass
class Note:
    """An edit that could not be absorbed, and where it is."""

    where: str
    text: str


@dataclass
class Changes:
    fields: list[FieldChange] = field(default_factory=list)
    lists: list[ListChange] = field(default_factory=list)
    overrides: list[OverrideChange] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    by_text: set[str] = field(default_factory=set)  # fields matched by their words


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def item_of(path: str) -> tuple[str, int, str] | None:
    """``topics[0].points[2]`` → ("topics[0].points", 2, ""); ``agenda[3].time`` → ("agenda", 3,
    "time")."""
    parts = parse_path(path)
    for position in range(len(parts) - 1, -1, -1):
        if isinstance(parts[position], int):
            # A list item only where the list is one the DOCX shows item by item.
            rest = parts[position + 1 :]
            return format_path(parts[:position]), int(parts[position]), format_path(rest)
    return None


# Lists whose items the DOCX shows one by one, and which absorb edits item by item.
ITEM_LISTS = ("points", "good_practices", "challenges", "recommendations", "agenda", "list")


def _list_path(path: str) -> tuple[str, int, str] | None:
    found = item_of(path)
    if found is None:
        return None
    list_path, index, rest = found
    last = parse_path(list_path)[-1] if list_path else ""
    if last not in ITEM_LISTS:
        return None
    return list_path, index, rest


class Finder:
    """Walks the aligned reviewed document and collects its changes."""

    def __init__(
        self, leaves: list[Leaf], alignment: Alignment, record: Record, language: Language
    ) -> None:
        self.leaves = leaves
        self.entries = alignment.entries
        self.alignment = alignment
        self.record = record
        self.language = language
        self.changes = Changes()
        # id(block) → the Markdown field a paragraph belongs to (for field_groups)
        self.fields: dict[int, str] = {}
        # composed paragraphs a reviewer added paragraphs after: leaf index → those paragraphs
        self.joined: dict[int, list[d.Block]] = {}

    # -- which field each paragraph is ------------------------------------------------

    def assign(self) -> None:
        """Give each paragraph its field, and each added paragraph the field or block it joins.

        A paragraph a reviewer added to the body joins what the paragraph
        before it belongs to (a text field, or a composed paragraph whose
        override it then extends), else the text field that follows it.
        """
        owners: dict[int, tuple[str, object]] = {}
        for index, leaf in enumerate(self.leaves):
            entry = self.entries[index]
            slot = entry.origin.field_only if entry is not None else None
            if slot is not None and slot.kind == "markdown":
                self.fields[id(leaf.block)] = slot.paths[0]
                if leaf.place[0] == "body" and _list_path(slot.paths[0]) is None:
                    owners[index] = ("field", slot.paths[0])
            elif (
                entry is not None
                and entry.origin.block
                and isinstance(leaf.block, d.Paragraph)
                and leaf.place[0] == "body"
            ):
                owners[index] = ("block", index)
        for index, leaf in enumerate(self.leaves):
            if self.entries[index] is not None:
                continue
            if leaf.place[0] == "item":
                self._join_item(index, leaf)
            elif leaf.place[0] != "body":
                if leaf.place[0] in ("quote", "attribution") and leaf_text(leaf).strip():
                    self._note(index, "a paragraph added to a quotation")
            elif leaf_text(leaf).strip():
                owner = self._owner_around(index, owners)
                if owner is None:
                    self._note(index, "a paragraph added where the input has no field for it")
                    continue
                owners[index] = owner
                if owner[0] == "field":
                    self.fields[id(leaf.block)] = str(owner[1])
                else:
                    self.joined.setdefault(int(owner[1]), []).append(leaf.block)  # type: ignore[call-overload]

    def _owner_around(
        self, index: int, owners: dict[int, tuple[str, object]]
    ) -> tuple[str, object] | None:
        previous = index - 1
        if previous >= 0 and self.leaves[previous].place[0] == "body" and previous in owners:
            return owners[previous]
        following = index + 1
        while following < len(self.leaves) and self.leaves[following].place[0] == "body":
            if self.entries[following] is not None:
                owner = owners.get(following)
                return owner if owner is not None and owner[0] == "field" else None
            following += 1
        return None

    def _join_item(self, index: int, leaf: Leaf) -> None:
        """A paragraph added inside a list item joins the item's field."""
        same = [
            i
            for i, other in enumerate(self.leaves)
            if other.place[:3] == leaf.place[:3] and self.entries[i] is not None
        ]
        if same:
            entry = self.entries[same[0]]
            slot = entry.origin.field_only if entry is not None else None
            if slot is not None and slot.kind == "markdown":
                self.fields[id(leaf.block)] = slot.paths[0]
        # otherwise the whole item is new: see lists()

    def _note(self, index: int, what: str) -> None:
        text = " ".join(leaf_text(self.leaves[index]).split())
        shown = text if len(text) <= 60 else text[:59] + "…"
        self.changes.notes.append(Note(f"“{shown}”", f"{what}; not absorbed"))

    # -- field texts ----------------------------------------------------------------

    def markdown_fields(self, document: d.Document) -> None:
        seen: set[str] = set()
        for path, blocks in field_groups(
            document.children, lambda block: self.fields.get(id(block))
        ):
            if path in seen:  # the same field twice: keep both, in order
                pass
            seen.add(path)
            value = to_markdown(blocks)
            was = self.record.generated.get(path)
            if was is None or not _same(value, was):
                self.changes.fields.append(FieldChange(path, value, was or "", blocks=blocks))
        by_text = {
            self.fields.get(id(self.leaves[i].block))
            for i in self.alignment.by_text
            if id(self.leaves[i].block) in self.fields
        }
        self.changes.by_text |= {p for p in by_text if p}

    # -- plain fields and composed blocks --------------------------------------------

    def composed(self) -> None:
        for index, leaf in enumerate(self.leaves):
            entry = self.entries[index]
            if entry is None:
                continue
            slot = entry.origin.field_only
            if slot is not None and slot.kind == "markdown":
                continue  # a text field: see markdown_fields
            if index in self.alignment.by_text and entry.origin.slots:
                self.changes.by_text |= {p for s in entry.origin.slots for p in s.paths}
            self._composed_block(index, leaf, entry)

    def _composed_block(self, index: int, leaf: Leaf, entry: Entry) -> None:
        extras = self.joined.get(index, [])
        reviewed = self._block_markdown(leaf, extras)
        if not extras and _same(reviewed, entry.markdown):
            return
        text = leaf_text(leaf)
        if (
            entry.origin.slots
            and not entry.origin.block
            and _formatting(reviewed) != _formatting(entry.markdown)
        ):
            self._note(index, "formatting in a plain text field (it is kept as plain text)")
        if entry.origin.slots and not extras:
            values = read_slots(entry.origin, text, self.language, self._old_lists(entry))
            if values is not None:
                for slot, value in values.items():
                    self._slot_changed(slot, value, entry, index)
                return
            if _attribution_gains_role(entry, text):
                return self._attribution(entry, text)
        if entry.origin.block:
            self.changes.overrides.append(
                OverrideChange(
                    entry.origin.block,
                    entry.origin.key,
                    reviewed,
                    " ".join("".join(_segment_text(s) for s in entry.origin.segments).split()),
                )
            )
        else:
            self._note(index, "reworded text around input fields")

    def _block_markdown(self, leaf: Leaf, extras: list[d.Block]) -> str:
        block = leaf.block
        if isinstance(block, d.TableOfContents):
            return block.title
        children = block.children
        if in_header_row(leaf):
            # Header rows are bold by the table style; LibreOffice writes that out as bold runs.
            children = without_strong(children)
        if isinstance(block, d.Heading):
            return to_markdown([d.Paragraph(children)])
        return to_markdown([d.Paragraph(children), *extras])

    def _old_lists(self, entry: Entry) -> dict[d.Slot, list[str]]:
        out: dict[d.Slot, list[str]] = {}
        for slot in entry.origin.slots:
            if slot.kind == "list":
                value = self.record.fields.get(slot.paths[0])
                out[slot] = [str(v) for v in value] if isinstance(value, list) else []
        return out

    def _slot_changed(self, slot: d.Slot, value: object, entry: Entry, index: int) -> None:
        for path in slot.paths:
            was = self.record.fields.get(path)
            old: object = was if slot.kind == "list" else slot.text
            if slot.kind == "list" and isinstance(value, list) and value == old:
                continue
            if slot.kind != "list" and _same(str(value), slot.text):
                continue
            self.changes.fields.append(
                FieldChange(path, value, was, by_text=index in self.alignment.by_text)
            )

    def _attribution(self, entry: Entry, text: str) -> None:
        speaker = entry.origin.slots[0]
        name, _, role = text.partition(", ")
        quote = parse_path(speaker.paths[0])[:-1]
        if not _same(name, speaker.text):
            self.changes.fields.append(FieldChange(speaker.paths[0], name.strip(), speaker.text))
        self.changes.fields.append(FieldChange(format_path((*quote, "role")), role.strip(), None))

    # -- lists ----------------------------------------------------------------------

    def lists(self, document: d.Document) -> None:
        orders: dict[str, list[int | NewItem]] = {}
        for block in document.children:
            if isinstance(block, d.ListBlock):
                self._list_block(block, orders)
            elif isinstance(block, d.Table):
                self._table(block, orders)
        for path, order in orders.items():
            length = _recorded_length(self.record, path)
            if order != list(range(length)):
                self.changes.lists.append(ListChange(path, order, length))
        for path in sorted(_recorded_lists(self.record) - set(orders)):
            if path in self.record.list_files:
                continue
            # A whole list gone is more often text left out of a copy than a deletion.
            self.changes.notes.append(
                Note(
                    path,
                    "every item of this list is gone from the DOCX; not deleted from "
                    "the input (delete them there if that was meant)",
                )
            )

    def _item_path(self, leaf_index: int) -> tuple[str, int] | None:
        entry = self.entries[leaf_index]
        if entry is None or leaf_index in self.alignment.repeated:
            return None
        for slot in entry.origin.slots:
            found = _list_path(slot.paths[0])
            if found is not None:
                return found[0], found[1]
        return None

    def _list_block(self, block: d.ListBlock, orders: dict[str, list[int | NewItem]]) -> None:
        leaves = {id(leaf.block): i for i, leaf in enumerate(self.leaves)}
        items: list[tuple[str | None, int | None, d.ListItem]] = []
        for item in block.items:
            first = next((c for c in item.children if isinstance(c, d.Paragraph | d.Heading)), None)
            found = self._item_path(leaves[id(first)]) if first is not None else None
            items.append((found[0] if found else None, found[1] if found else None, item))
        paths = Counter(p for p, _, _ in items if p is not None)
        if not paths:
            return
        list_path = paths.most_common(1)[0][0]
        order = orders.setdefault(list_path, [])
        taken = {i for i in order if isinstance(i, int)}
        addressees = self._addressees_before(block) if _is_recommendations(list_path) else None
        for path, index, item in items:
            if path == list_path and index is not None and index not in taken:
                order.append(index)
                taken.add(index)
                if addressees is not None:
                    self._set_addressees(index, addressees)
                continue
            value: object = to_markdown(item.children)
            if not str(value).strip():
                continue
            if _is_recommendations(list_path):
                value = {"text": value, **({"to": addressees} if addressees else {})}
            elif parse_path(list_path)[-1] not in ("points", "good_practices", "challenges"):
                continue
            order.append(NewItem(value))

    def _addressees_before(self, block: d.ListBlock) -> list[str]:
        """The addressees of a group of recommendations: its heading, as reviewed."""
        position = next(i for i, leaf in enumerate(self.leaves) if leaf.top is block)
        for index in range(position - 1, -1, -1):
            leaf = self.leaves[index]
            if not isinstance(leaf.block, d.Heading):
                continue
            entry = self.entries[index]
            if entry is None or not entry.origin.block.startswith("recommendations."):
                return []
            if entry.origin.block == "recommendations.general":
                return []
            old = self._old_lists(entry)
            slot = entry.origin.slots[0] if entry.origin.slots else None
            if slot is None:
                return []
            text = leaf_text(leaf)
            if _same(text, "".join(_segment_text(s) for s in entry.origin.segments)):
                return list(old.get(slot, []))
            values = read_slots(entry.origin, text, self.language, old)
            if values is None:
                return list(old.get(slot, []))
            value = values[slot]
            return [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return []

    def _set_addressees(self, index: int, addressees: list[str]) -> None:
        path = f"recommendations[{index}].to"
        was = self.record.fields.get(path) or []
        if list(was) != addressees and not any(c.path == path for c in self.changes.fields):
            self.changes.fields.append(FieldChange(path, addressees, was))

    def _table(self, table: d.Table, orders: dict[str, list[int | NewItem]]) -> None:
        leaves = [i for i, leaf in enumerate(self.leaves) if leaf.top is table]
        rows: dict[int, list[int]] = {}
        for i in leaves:
            rows.setdefault(int(self.leaves[i].place[2]), []).append(i)  # type: ignore[call-overload]
        columns: dict[tuple[int, int], str] = {}  # (column, paragraph in cell) → field name
        identity: dict[int, tuple[str, int]] = {}
        for row, indexes in rows.items():
            for n, i in _by_cell(self.leaves, indexes):
                found = self._item_path(i)
                entry = self.entries[i]
                if found is not None and entry is not None:
                    identity.setdefault(row, found)
                    name = _list_path(entry.origin.slots[0].paths[0])
                    if name is not None:
                        columns[n] = name[2]
        if not identity:
            return
        list_path = Counter(v[0] for v in identity.values()).most_common(1)[0][0]
        if list_path in self.record.list_files:
            if self._table_changed(table, rows, identity):
                file = self.record.list_files[list_path]
                self.changes.notes.append(
                    Note(list_path, f"participant rows edited in the DOCX: edit them in {file}")
                )
            return
        order = orders.setdefault(list_path, [])
        header_rows = {r for r, row in enumerate(table.rows) if row.header}
        for row in sorted(rows):
            if row in header_rows:
                continue
            if row in identity and identity[row][0] == list_path:
                index = identity[row][1]
                if index not in order:
                    order.append(index)
                self._cells(rows[row], columns, list_path, index)
                continue
            values = self._new_row(rows[row], columns)
            if values:
                neighbour = next((i for i in reversed(order) if isinstance(i, int)), None)
                order.append(NewItem(values, like=neighbour))

    def _table_changed(self, table: d.Table, rows: dict[int, list[int]], identity) -> bool:
        for indexes in rows.values():
            for i in indexes:
                entry = self.entries[i]
                if entry is None and leaf_text(self.leaves[i]).strip():
                    return True
                if entry is not None and not _same(
                    entry.markdown, self._block_markdown(self.leaves[i], [])
                ):
                    return True
        seen = sorted({v[1] for v in identity.values()})
        return seen != list(range(_recorded_length(self.record, next(iter(identity.values()))[0])))

    def _cells(
        self, indexes: list[int], columns: dict[tuple[int, int], str], list_path: str, item: int
    ) -> None:
        """Unmarked text in a recorded row: a field the row did not show before."""
        for n, i in _by_cell(self.leaves, indexes):
            if self.entries[i] is None and n in columns and leaf_text(self.leaves[i]).strip():
                name = columns[n]
                value: object = leaf_text(self.leaves[i]).strip()
                if name == "speakers":
                    value = [value]
                self.changes.fields.append(FieldChange(f"{list_path}[{item}].{name}", value, None))

    def _new_row(
        self, indexes: list[int], columns: dict[tuple[int, int], str]
    ) -> dict[str, object]:
        values: dict[str, object] = {}
        for n, i in _by_cell(self.leaves, indexes):
            text = " ".join(leaf_text(self.leaves[i]).split())
            if text and n in columns:
                values[columns[n]] = [text] if columns[n] == "speakers" else text
        return values


def _by_cell(leaves: list[Leaf], indexes: list[int]) -> list[tuple[tuple[int, int], int]]:
    """The paragraphs of a row, each with its column and its place within the cell."""
    out = []
    seen: Counter[int] = Counter()
    for i in indexes:
        column = int(leaves[i].place[3])  # type: ignore[call-overload]
        out.append(((column, seen[column]), i))
        seen[column] += 1
    return out


def in_header_row(leaf: Leaf) -> bool:
    """Whether a paragraph is in a table's header row (bold by the table style)."""
    if leaf.place[0] != "cell":
        return False
    table, row = leaf.place[1], leaf.place[2]
    return isinstance(table, d.Table) and table.rows[int(row)].header  # type: ignore[call-overload]


def without_strong(nodes: list[d.Inline]) -> list[d.Inline]:
    out: list[d.Inline] = []
    for node in nodes:
        if isinstance(node, d.Strong):
            out.extend(without_strong(node.children))
        elif isinstance(node, d.Emphasis | d.Link):
            out.append(type(node)(**{**node.__dict__, "children": without_strong(node.children)}))
        else:
            out.append(node)
    return out


def _formatting(markdown: str) -> tuple[int, int, int]:
    """How much emphasis, strong text and links a block's Markdown holds, as Markdown reads it."""
    from markdown_it import MarkdownIt

    counts = {"em_open": 0, "strong_open": 0, "link_open": 0}
    for token in MarkdownIt("commonmark").parse(markdown):
        for child in token.children or []:
            if child.type in counts:
                counts[child.type] += 1
    return counts["em_open"], counts["strong_open"], counts["link_open"]


def _segment_text(segment: str | d.Slot) -> str:
    return segment.text if isinstance(segment, d.Slot) else segment


def _attribution_gains_role(entry: Entry, text: str) -> bool:
    slots = entry.origin.slots
    return (
        len(entry.origin.segments) == 1
        and len(slots) == 1
        and slots[0].paths[0].endswith(".speaker")
        and ", " in text
        and ", " not in slots[0].text
    )


def _is_recommendations(path: str) -> bool:
    return path == "recommendations"


def _recorded_lists(record: Record) -> set[str]:
    found = set()
    for path in record.fields:
        item = _list_path(path)
        if item is not None:
            found.add(item[0])
    return found


def _recorded_length(record: Record, list_path: str) -> int:
    indexes = {
        item[1]
        for path in record.fields
        if (item := _list_path(path)) is not None and item[0] == list_path
    }
    return max(indexes, default=-1) + 1


def find_changes(
    document: d.Document,
    leaves: list[Leaf],
    alignment: Alignment,
    record: Record,
    language: Language,
) -> Changes:
    finder = Finder(leaves, alignment, record, language)
    finder.assign()
    finder.markdown_fields(document)
    finder.composed()
    finder.lists(document)
    return finder.changes


__all__ = ["Changes", "FieldChange", "FieldPath", "ListChange", "NewItem", "Note", "OverrideChange"]
