"""Field values read back out of a block the template composed around them."""

# A block's origin (documents.Origin) is literal text and slots in order:
# "For further information …, please contact " {contact.name} " ("
# {contact.email} ")."  When a reviewer changed only what a slot shows, the
# literal text is still there, and the slots' new values lie between it.
# When the literal text changed too, the block was reworded as a whole: that
# is an override, not a field edit (absorb decides).

from __future__ import annotations

import itertools

from .. import documents as d
from ..language import Language


def read_slots(
    origin: d.Origin, text: str, language: Language, items: dict[d.Slot, list[str]]
) -> dict[d.Slot, object] | None:
    """Each slot's value in ``text``, or None when the literal text around them changed.

    ``items`` holds, for a slot showing a list, the list as it was.
    """
    segments = origin.segments
    text = _spaced(text)
    literals = [_spaced(s) for s in segments if isinstance(s, str)]
    slots = [s for s in segments if isinstance(s, d.Slot)]
    if not slots:
        return None
    pieces = _split(segments, text)
    if pieces is None:
        # The outer quotation marks and punctuation may have gone with a rewording.
        trimmed = [s for s in segments if not (isinstance(s, str) and _punctuation(s))]
        if len(trimmed) == 1 and len(slots) == 1 and literals:
            pieces = [text.strip()]
        else:
            return None
    values: dict[d.Slot, object] = {}
    for slot, piece in zip(slots, pieces, strict=True):
        piece = piece.strip()
        if slot.kind == "list":
            values[slot] = split_list(piece, items.get(slot, [slot.text]), language)
        else:
            values[slot] = piece
    return values


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _punctuation(text: str) -> bool:
    return all(not c.isalnum() for c in text)


def _split(segments: tuple[str | d.Slot, ...], text: str) -> list[str] | None:
    """The text between the literal segments, for the split closest to the slots' old values.

    Literal text may occur more than once ("A, B" around ", "): every way of
    placing the literals in order is tried, and the one whose slot values
    differ least from what they were wins.
    """
    parts: list[str | d.Slot] = []
    for segment in segments:
        if isinstance(segment, str):
            segment = _spaced(segment)
            if segment and parts and isinstance(parts[-1], str):
                parts[-1] += segment
            elif segment:
                parts.append(segment)
        else:
            parts.append(segment)
    best: tuple[int, list[str]] | None = None
    for placement in _placements(parts, text):
        pieces = [text[a:b] for a, b in placement]
        slots = [p for p in parts if isinstance(p, d.Slot)]
        if any(
            not piece.strip() and slot.text.strip()
            for piece, slot in zip(pieces, slots, strict=True)
        ):
            continue
        cost = sum(
            _distance(piece.strip(), slot.text) for piece, slot in zip(pieces, slots, strict=True)
        )
        if best is None or cost < best[0]:
            best = (cost, pieces)
    return best[1] if best is not None else None


def _placements(parts: list[str | d.Slot], text: str, limit: int = 200):
    """Every way to find the literal parts in ``text`` in order: the spans left for the slots."""

    def go(index: int, position: int, open_slot: int | None, spans: list[tuple[int, int]]):
        if index == len(parts):
            if open_slot is not None:
                yield [*spans, (open_slot, len(text))]
            elif position == len(text):
                yield spans
            return
        part = parts[index]
        if isinstance(part, d.Slot):
            if open_slot is not None:
                return  # two slots in a row cannot be told apart
            yield from go(index + 1, position, position, spans)
            return
        if open_slot is None:
            if text.startswith(part, position) or text.startswith(part.strip(), position):
                found = part if text.startswith(part, position) else part.strip()
                yield from go(index + 1, position + len(found), None, spans)
            return
        start = open_slot
        while True:
            found = text.find(part, start)
            if found < 0:
                return
            yield from go(index + 1, found + len(part), None, [*spans, (open_slot, found)])
            start = found + 1

    yield from itertools.islice(go(0, 0, None, []), limit)


def _distance(a: str, b: str) -> int:
    import difflib

    if a == b:
        return 0
    matcher = difflib.SequenceMatcher(None, a, b)
    return len(a) + len(b) - 2 * sum(block.size for block in matcher.get_matching_blocks())


def split_list(text: str, old: list[str], language: Language) -> list[str]:
    """A list the language joined ("A, B and C") split back into its items.

    The items as generated guide the split, so that an item holding "and" or
    a comma ("Ministry of Labour and Social Affairs") stays whole.
    """
    text = text.strip()
    if not text:
        return []
    word = f" {language.profile.and_} "
    old = [str(item) for item in old]
    cuts = [i for i in range(len(text)) if text.startswith(", ", i)]
    cuts += [i for i in range(len(text)) if text.startswith(word, i)]
    best: tuple[int, list[str]] | None = None
    for count in sorted({max(len(old), 1), len(old) + 1, max(len(old) - 1, 1)}):
        for chosen in itertools.islice(itertools.combinations(sorted(cuts), count - 1), 2000):
            items = _cut(text, chosen, word)
            if items is None:
                continue
            cost = sum(min((_distance(i, o) for o in old), default=len(i)) for i in items)
            cost += 5 * abs(len(items) - len(old))
            if best is None or cost < best[0]:
                best = (cost, items)
    items = best[1] if best is not None else [text]
    # An item the reviewers left alone keeps the form it has in the input
    # ("ODIHR's", where the report prints "ODIHR’s").
    typeset = {language.typeset(item): item for item in old}
    return [typeset.get(item, item) for item in items]


def _cut(text: str, cuts: tuple[int, ...], word: str) -> list[str] | None:
    items: list[str] = []
    start = 0
    for n, cut in enumerate(cuts):
        last = n == len(cuts) - 1
        separator = word if text.startswith(word, cut) else ", "
        # "A, B and C": commas between, the word only before the last item.
        if (separator == word) != last:
            return None
        items.append(text[start:cut].strip())
        start = cut + len(separator)
    items.append(text[start:].strip())
    return items if all(items) else None
