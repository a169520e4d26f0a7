"""Tables (ECMA-376 Part 1, 17.4): rows, merged cells, column widths, nested tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from .. import documents as d
from .namespaces import qn
from .ooxml_read import is_on, w_val

if TYPE_CHECKING:
    from .body import StoryReader

W_TR, W_TC, W_TRPR, W_TCPR, W_DEL = qn("w:tr"), qn("w:tc"), qn("w:trPr"), qn("w:tcPr"), qn("w:del")
W_TBLGRID, W_GRIDCOL, W_GRIDSPAN, W_VMERGE, W_HMERGE = (
    qn(f"w:{n}") for n in ("tblGrid", "gridCol", "gridSpan", "vMerge", "hMerge")
)
W_TBLHEADER, W_GRIDBEFORE, W_TCW = qn("w:tblHeader"), qn("w:gridBefore"), qn("w:tcW")
W_SDT, W_SDTCONTENT, W_CUSTOMXML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
W_INS, W_MOVETO = qn("w:ins"), qn("w:moveTo")
W_W, W_TYPE = qn("w:w"), qn("w:type")


def read_table(story: StoryReader, tbl: etree._Element) -> d.Table:
    """A table with real spans: a merged cell is one cell with colspan or rowspan."""
    grid = _grid_widths(tbl)
    rows: list[d.TableRow] = []
    # The cell that started at each grid column, for vertical merges to extend.
    above: dict[int, d.TableCell] = {}
    first_row_widths: list[tuple[int, float]] = []
    for tr in unwrapped(tbl, W_TR):
        trpr = tr.find(W_TRPR)
        header = False
        column = 0
        if trpr is not None:
            if trpr.find(W_DEL) is not None:
                continue  # a deleted row (tracked change, read as accepted)
            header = is_on(trpr.find(W_TBLHEADER))
            column = _int(w_val(trpr.find(W_GRIDBEFORE)), 0)
        row = d.TableRow(header=header)
        if column:
            row.cells.append(d.TableCell(colspan=column))  # columns the row leaves out first
        starts: dict[int, d.TableCell] = {}
        previous: d.TableCell | None = None
        for tc in unwrapped(tr, W_TC):
            tcpr = tc.find(W_TCPR)
            span, merge, hmerge = 1, None, None
            if tcpr is not None:
                span = max(_int(w_val(tcpr.find(W_GRIDSPAN), "1"), 1), 1)
                vmerge = tcpr.find(W_VMERGE)
                if vmerge is not None:
                    merge = w_val(vmerge, "continue")
                hm = tcpr.find(W_HMERGE)
                if hm is not None:
                    hmerge = w_val(hm, "continue")
                if not rows:
                    width = tcpr.find(W_TCW)
                    if width is not None and width.get(W_TYPE, "dxa") == "dxa":
                        first_row_widths.append((span, _float(width.get(W_W, "0"))))
            blocks = story.blocks(tc)
            origin = above.get(column)
            if merge == "continue" and origin is not None:
                # Covered by the cell above: it spans one more row.  Text in a covered
                # cell (Word keeps it when cells are merged) joins the merged cell.
                origin.rowspan += 1
                origin.children.extend(blocks)
                starts[column] = origin
            elif hmerge == "continue" and previous is not None:
                previous.colspan += span  # the older form of a horizontal merge
                previous.children.extend(blocks)
            else:
                cell = d.TableCell(blocks, colspan=span)
                row.cells.append(cell)
                starts[column] = cell
                previous = cell
            column += span
        above = starts
        rows.append(row)
    widths = grid
    if not widths and first_row_widths and all(w > 0 for _, w in first_row_widths):
        widths = [w / span for span, w in first_row_widths for _ in range(span)]
    return d.Table(rows=rows, widths=widths)


def _grid_widths(tbl: etree._Element) -> list[float]:
    grid = tbl.find(W_TBLGRID)
    if grid is None:
        return []
    widths = [_float(col.get(W_W, "0")) for col in grid.iter(W_GRIDCOL)]
    return widths if widths and all(w > 0 for w in widths) else []


def unwrapped(parent: etree._Element, tag: str):
    """Children with ``tag``, looking through content controls and custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from unwrapped(content, tag)
        elif child.tag in (W_CUSTOMXML, W_INS, W_MOVETO):
            yield from unwrapped(child, tag)


def _int(text: str, default: int) -> int:
    return int(text) if text.isdigit() else default


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if value == value and value > 0 else 0.0  # NaN and negatives are no width
