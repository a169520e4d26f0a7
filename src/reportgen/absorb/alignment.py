"""Which recorded block each paragraph of the reviewed DOCX is: by its mark, else by its text."""

# Marks (provenance.py) survive editing and saving in Word and LibreOffice,
# but a reviewer can still lose one: retyping a whole paragraph, pasting the
# text into a fresh document.  A paragraph without a mark is matched to a
# recorded block that no paragraph claims, in order, when their words are
# close enough; absorb says which fields it matched that way.

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .. import documents as d
from ..provenance import Entry, Record
from .reviewed import Leaf

# How alike two paragraphs' words must be to take one for the other.
SIMILAR_ENOUGH = 0.6


@dataclass
class Alignment:
    """Each leaf's recorded entry (None: a paragraph the reviewers added)."""

    entries: list[Entry | None]
    by_text: set[int] = field(default_factory=set)  # leaves matched by their words
    repeated: set[int] = field(default_factory=set)  # leaves carrying a mark seen before


def align(leaves: list[Leaf], record: Record) -> Alignment:
    entries: list[Entry | None] = []
    seen: set[str] = set()
    alignment = Alignment(entries)
    for index, leaf in enumerate(leaves):
        entry = record.entries.get(leaf.mark) if leaf.mark else None
        if entry is not None and leaf.mark in seen:
            alignment.repeated.add(index)
        if entry is not None:
            seen.add(leaf.mark)
        entries.append(entry)
    _match_by_text(leaves, record, alignment, seen)
    return alignment


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def leaf_text(leaf: Leaf) -> str:
    if isinstance(leaf.block, d.TableOfContents):
        return leaf.block.title
    return d.plain_text(leaf.block.children)


def _match_by_text(
    leaves: list[Leaf], record: Record, alignment: Alignment, seen: set[str]
) -> None:
    unclaimed = [e for key, e in record.entries.items() if key not in seen]
    orphans = [i for i, e in enumerate(alignment.entries) if e is None]
    if not unclaimed or not orphans:
        return
    # Order matters: an unmarked paragraph is compared with the unclaimed
    # entries between the marked neighbours around it.
    order = {key: n for n, key in enumerate(record.entries)}
    ranks = [order[e.key] if e is not None else None for e in alignment.entries]
    for index in orphans:
        before = max((r for r in ranks[:index] if r is not None), default=-1)
        after = min((r for r in ranks[index + 1 :] if r is not None), default=len(order))
        text = _words(leaf_text(leaves[index]))
        if not text:
            continue
        best, best_ratio = None, SIMILAR_ENOUGH
        for entry in unclaimed:
            if not before < order[entry.key] < after or entry.key in seen:
                continue
            ratio = difflib.SequenceMatcher(None, text, _words(_entry_text(entry))).ratio()
            if ratio > best_ratio:
                best, best_ratio = entry, ratio
        if best is not None:
            alignment.entries[index] = best
            alignment.by_text.add(index)
            ranks[index] = order[best.key]
            seen.add(best.key)


def _entry_text(entry: Entry) -> str:
    return "".join(s.text if isinstance(s, d.Slot) else s for s in entry.origin.segments)
