"""Reading a PDF as a screen reader does: the text of its tag tree, in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, String

from reportgen.pdf.tagging import _Fonts

# Elements that start a new line when read out.
BLOCKS = {
    "/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/LI", "/TOCI", "/TR", "/Note",
    "/BlockQuote", "/Caption", "/Figure", "/Table", "/L", "/TOC", "/Div", "/Sect", "/Part",
}  # fmt: skip


@dataclass
class Marked:
    """One marked-content sequence: its tag, properties, text (ActualText if given), line."""

    tag: str
    properties: dict[str, object]
    text: str = ""
    line: float | None = None
    glyphs: list[str] = field(default_factory=list)


def marked_content(pdf: pikepdf.Pdf, page: pikepdf.Page) -> list[Marked]:
    """Every marked-content sequence of ``page`` (outermost ones), with what it shows."""
    fonts = _Fonts()
    resources = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
    width, table = 1, {}
    out: list[Marked] = []
    stack: list[Marked] = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            properties = operands[1] if op == "BDC" else Dictionary()
            props = (
                {str(k): v for k, v in properties.items()}
                if isinstance(properties, Dictionary)
                else {}
            )
            mark = Marked(str(operands[0]), props)
            if not stack:
                out.append(mark)
            stack.append(mark)
        elif op == "EMC" and stack:
            stack.pop()
        elif op == "Tf":
            width, table, _ = fonts.decoder(resources[str(operands[0])])
        elif op == "Tm" and stack and stack[0].line is None:
            stack[0].line = float(operands[5])
        elif op in ("Tj", "TJ") and stack:
            items = operands[0] if op == "TJ" else [operands[0]]
            for item in items:
                if isinstance(item, String):
                    data = bytes(item)
                    stack[0].glyphs.append(
                        "".join(
                            table.get(data[i : i + width], "") for i in range(0, len(data), width)
                        )
                    )
    for mark in out:
        actual = mark.properties.get("/ActualText")
        mark.text = str(actual) if actual is not None else "".join(mark.glyphs)
    return out


def read_aloud(path: Path) -> str:
    """The text of the tag tree in reading order: blocks on their own lines, lines joined."""
    with pikepdf.open(path) as pdf:
        content: dict[tuple[int, int], Marked] = {}
        for page in pdf.pages:
            for mark in marked_content(pdf, page):
                mcid = mark.properties.get("/MCID")
                if mcid is not None:
                    content[page.obj.objgen, int(mcid)] = mark
        out: list[str] = []
        last_line: list[object] = [None]

        def walk(node: pikepdf.Object, page: tuple[int, int] | None) -> None:
            if isinstance(node, Array):
                for kid in node:
                    walk(kid, page)
                return
            if isinstance(node, int):
                mark = content.get((page, node)) if page else None
                if mark is None:
                    return
                here = (page, mark.line)
                new_line = last_line[0] is not None and here != last_line[0]
                if new_line and out and not out[-1].endswith((" ", "\n")):
                    out.append(" ")
                out.append(mark.text)
                last_line[0] = here
                return
            if not isinstance(node, Dictionary) or node.get("/Type") == "/OBJR":
                return
            if node.get("/Type") == "/MCR":
                walk(int(node.MCID), node.Pg.objgen)
                return
            if "/Pg" in node:
                page = node.Pg.objgen
            block = str(node.get("/S")) in BLOCKS
            if block and out and not out[-1].endswith("\n"):
                out.append("\n")
            if "/ActualText" in node:
                out.append(str(node.ActualText))
            elif "/Alt" in node and str(node.get("/S")) == "/Figure":
                out.append(f"[{node.Alt}]")
            elif "/K" in node:
                walk(node.K, page)
            if block and out and not out[-1].endswith("\n"):
                out.append("\n")
                last_line[0] = None

        walk(pdf.Root.StructTreeRoot.K, None)
    lines = ("".join(out)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())
