"""Reviewers' wording of composed blocks (the input's ``overrides``), in the template's place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .. import documents as d
from ..results import Warnings
from ..source.model import Override

# Markdown → typeset blocks, in the report's language.
Render = Callable[[str], list[d.Block]]


def apply_overrides(
    document: d.Document,
    overrides: list[Override],
    render: Render,
    warnings: Warnings | None = None,
    where: str = "",
) -> None:
    """Replace each block an override names by the override's text, in place.

    An override ``for`` one instance of a repeated block wins over one for
    every instance.  When the template now composes something other than the
    text the override ``replaces`` (the facts changed since), the override
    is still used and a warning quotes both, so that the rapporteur decides.
    """
    if not overrides:
        return
    used: set[int] = set()

    def chosen(origin: d.Origin | None) -> tuple[int, Override] | None:
        if origin is None or not origin.block:
            return None
        found = None
        for index, override in enumerate(overrides):
            if override.block != origin.block:
                continue
            if override.key is not None and override.key == origin.key:
                return index, override
            if override.key is None and found is None:
                found = (index, override)
        return found

    def replaced(block: d.Block) -> list[d.Block] | None:
        origin = getattr(block, "origin", None)
        hit = chosen(origin)
        if hit is None:
            return None
        index, override = hit
        used.add(index)
        composed = _text_of(block)
        _check_stale(override, composed, warnings, where)
        slot = d.Slot((f"{override.path}.text",), "markdown", "")
        new_origin = d.Origin((slot,), override.block, origin.key)  # type: ignore[union-attr]
        blocks = render(override.text)
        if isinstance(block, d.TableOfContents):
            return [replace(block, title=d.plain_text(blocks).strip(), origin=new_origin)]
        if isinstance(block, d.Heading):
            inlines = _inlines(blocks)
            text = replace(slot, text=d.plain_text(inlines))
            return [replace(block, children=inlines, origin=replace(new_origin, segments=(text,)))]
        assert isinstance(block, d.Paragraph)
        for leaf in d.paragraphs(blocks):
            if isinstance(leaf, d.Paragraph) and leaf.style == "Normal":
                leaf.style = block.style
            text = replace(slot, text=d.plain_text(leaf.children))
            leaf.origin = replace(new_origin, segments=(text,))
        return blocks

    _replace_in(document.children, replaced)
    for index, override in enumerate(overrides):
        if index not in used:
            instance = f" for {override.key!r}" if override.key is not None else ""
            _warn(
                warnings,
                f"{override.path}: block {override.block!r}{instance} is not in this report "
                "(the template composes it only for some inputs); the override is not used",
                where,
            )


def _replace_in(blocks: list[d.Block], replaced: Callable[[d.Block], list[d.Block] | None]) -> None:
    position = 0
    while position < len(blocks):
        block = blocks[position]
        new = replaced(block)
        if new is not None:
            blocks[position : position + 1] = new
            position += len(new)
            continue
        if isinstance(block, d.ListBlock):
            for item in block.items:
                _replace_in(item.children, replaced)
        elif isinstance(block, d.Quote):
            _replace_in(block.children, replaced)
        elif isinstance(block, d.Table):
            for row in block.rows:
                for cell in row.cells:
                    _replace_in(cell.children, replaced)
        position += 1


def _text_of(block: d.Block) -> str:
    if isinstance(block, d.TableOfContents):
        return block.title
    return d.plain_text([block])


def normalized(text: str) -> str:
    """Text compared for staleness: white space collapsed, ends trimmed."""
    return " ".join(text.split())


def _check_stale(override: Override, composed: str, warnings: Warnings | None, where: str) -> None:
    if override.replaces is None or normalized(override.replaces) == normalized(composed):
        return
    instance = f" for {override.key!r}" if override.key is not None else ""
    _warn(
        warnings,
        f"{override.path}: block {override.block!r}{instance}: the template now composes "
        f"“{normalized(composed)}” where the override replaced “{normalized(override.replaces)}”; "
        "the override's text is used — check that it still fits the facts",
        where,
    )


def _warn(warnings: Warnings | None, text: str, where: str) -> None:
    if warnings is not None:
        warnings.warn(text, where)


def _inlines(blocks: list[d.Block]) -> list[d.Inline]:
    """Running text for a heading: the paragraphs' words, joined by spaces."""
    out: list[d.Inline] = []
    for leaf in d.paragraphs(blocks):
        if out:
            out.append(d.Text(" "))
        out.extend(leaf.children)
    return out
