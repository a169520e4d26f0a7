"""Paragraphs read one by one → nested lists and quotes, the shape of the document model."""

from __future__ import annotations

from dataclasses import dataclass

from .. import documents as d


@dataclass
class ListPara:
    ordered: bool
    level: int
    value: int | None  # the number Word shows, when it is an ordered list
    paragraph: d.Paragraph
    label: str | None = None  # the text Word shows before it, when writers would not


@dataclass
class ContinuePara:
    level: int
    paragraph: d.Paragraph


@dataclass
class QuotePara:
    paragraph: d.Paragraph


Flat = d.Block | ListPara | ContinuePara | QuotePara


def tidy_page_breaks(blocks: list[d.Block]) -> list[d.Block]:
    """No page break first, last, or twice in a row."""
    result: list[d.Block] = []
    for block in blocks:
        if isinstance(block, d.PageBreak) and (not result or isinstance(result[-1], d.PageBreak)):
            continue
        result.append(block)
    while result and isinstance(result[-1], d.PageBreak):
        result.pop()
    return result


def strip_leading_space(blocks: list[d.Block]) -> None:
    """A note's text follows its mark after a space; the mark is the writer's."""
    if blocks and isinstance(blocks[0], d.Paragraph) and blocks[0].children:
        first = blocks[0].children[0]
        if isinstance(first, d.Text):
            first.text = first.text.lstrip()
            if not first.text:
                blocks[0].children.pop(0)


def group(flat: list[Flat]) -> list[d.Block]:
    """Consecutive list paragraphs → nested ListBlocks; quote paragraphs → Quote."""
    result: list[d.Block] = []
    stack: list[d.ListBlock] = []  # the open list at each level
    expected: list[int] = []  # the next number expected at each level
    quote: d.Quote | None = None
    for index, item in enumerate(flat):
        if not isinstance(item, ListPara | ContinuePara | d.TextBox):
            stack, expected = [], []
        if not isinstance(item, QuotePara) and not (
            quote is not None and isinstance(item, d.Paragraph) and item.style == "Attribution"
        ):
            quote = None
        if isinstance(item, ListPara):
            level = min(item.level, len(stack))
            del stack[level + 1 :], expected[level + 1 :]
            if len(stack) == level + 1:
                current = stack[level]
                restart = item.ordered and item.value is not None and item.value != expected[level]
                if current.ordered != item.ordered or restart:
                    del stack[level:], expected[level:]
            if len(stack) == level:
                start = item.value if item.ordered and item.value is not None else 1
                new = d.ListBlock(ordered=item.ordered, start=start)
                if level == 0:
                    result.append(new)
                else:
                    parent = stack[-1]
                    if not parent.items:
                        parent.items.append(d.ListItem())
                    parent.items[-1].children.append(new)
                stack.append(new)
                expected.append(start)
            stack[level].items.append(d.ListItem(children=[item.paragraph], label=item.label))
            expected[level] = (item.value if item.value is not None else expected[level]) + 1
        elif isinstance(item, ContinuePara | d.TextBox) and stack:
            # A continuation paragraph, or a text box anchored in a list item, belongs to
            # the item it follows.
            paragraph = item.paragraph if isinstance(item, ContinuePara) else item
            level = min(item.level, len(stack) - 1) if isinstance(item, ContinuePara) else -1
            if stack[level].items:
                stack[level].items[-1].children.append(paragraph)
            else:
                result.append(paragraph)
        elif isinstance(item, ContinuePara):
            result.append(item.paragraph)
        elif isinstance(item, QuotePara):
            if quote is None:
                quote = d.Quote()
                result.append(quote)
            quote.children.append(item.paragraph)
        elif isinstance(item, d.Paragraph) and item.style == "Attribution" and quote is not None:
            quote.attribution = item.children
            quote.attribution_mark = item.mark
            quote = None
        elif isinstance(item, d.Paragraph) and item.style == "TOC Heading":
            following = flat[index + 1] if index + 1 < len(flat) else None
            if isinstance(following, d.TableOfContents) and not following.title:
                following.title = d.plain_text(item.children).strip()
                following.mark = item.mark
            else:
                result.append(d.Paragraph(children=item.children, mark=item.mark))
        else:
            result.append(item)
    return result
