"""What laying out an annex in a second process would buy: measured, not built.

    python bench/annex_split.py REPORT.docx [--rounds N] [--heading TEXT]

WeasyPrint lays out one document in one process: pages one after the other
(each starts where the last ended, with its counters, running strings and
footnotes), and the laid-out pages hold Pango objects that cannot leave the
process, so two processes cannot lay out parts of one WeasyPrint document and
join them.  The alternative is two WeasyPrint documents joined as PDFs.  This
script measures its best case on a real report: the HTML of the DOCX (as
``publish`` makes it) is cut before the annex heading ``--heading``
(default: the last first-level heading) into the body and the annex, each a
complete document with the same head, running header and footer; they are
rendered at the same time in two forked processes (the annex told its first
page number, which in reality is known only once the body is laid out), and
joined with pikepdf: the annex's pages, its structure tree under the body's
``Document`` element with its ``/StructParents`` and parent tree renumbered,
its bookmarks after the body's, its named destinations.  Printed: the
whole-document render, the two parts side by side, the join, in wall-clock
seconds (medians), and what the join leaves wrong.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def split_html(html: str, heading: str | None) -> tuple[str, str, int]:
    """The body's and the annex's documents, and where the cut is (a character index)."""
    starts = [m.start() for m in re.finditer(r"<h1[ >]", html)]
    if heading:
        starts = [s for s in starts if heading in html[s : html.index("</h1>", s)]]
    cut = starts[-1]
    head_end = html.index("<main>\n") + len("<main>\n")
    furniture = html[: html.index('<section class="cover">')]
    body = html[:cut] + "</main>\n</body>\n</html>\n"
    annex = furniture + "<main>\n" + html[cut:]
    assert head_end < cut
    return body, annex, cut


def render(html: str, template: object, first_page: int = 1) -> bytes:
    from reportgen.pdf.render import render_pdf

    if first_page > 1:
        # The annex's pages numbered on from the body's (CSS Paged Media: the
        # page counter of the first page).
        html = html.replace(
            "</head>",
            f"<style>@page :first {{ counter-reset: page {first_page - 1} }}</style></head>",
        )
    return render_pdf(html, template)


def in_child(function, *args) -> tuple[int, int]:
    """Run ``function(*args)`` in a forked process; its PDF comes back through a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            data = function(*args)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    return pid, read_end


def collect(pid: int, fd: int) -> bytes:
    with os.fdopen(fd, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return data


def join(body_pdf: bytes, annex_pdf: bytes) -> bytes:
    """The annex's pages, tags, bookmarks and destinations appended to the body's PDF."""
    import pikepdf

    body = pikepdf.open(io.BytesIO(body_pdf))
    annex = pikepdf.open(io.BytesIO(annex_pdf))
    offset = len(body.pages)
    parents = int(max(int(k) for k in _number_tree_keys(body.Root.StructTreeRoot.ParentTree))) + 1
    for page in annex.pages:
        body.pages.append(page)
    added = body.pages[offset:]
    # Structure: the annex's elements under the body's Document element, each
    # page's /StructParents and the parent tree's keys moved past the body's.
    annex_root = body.copy_foreign(annex.Root.StructTreeRoot)
    document = body.Root.StructTreeRoot.K
    document = document[0] if isinstance(document, pikepdf.Array) else document
    annex_document = annex_root.K[0] if isinstance(annex_root.K, pikepdf.Array) else annex_root.K
    kids = annex_document.K if isinstance(annex_document.K, pikepdf.Array) else [annex_document.K]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary):
            kid.P = document
        document.K.append(kid)
    tree = body.Root.StructTreeRoot.ParentTree
    nums = tree.Nums if "/Nums" in tree else pikepdf.Array()
    for key, value in _number_tree_items(annex_root.ParentTree):
        nums.append(int(key) + parents)
        nums.append(value)
    tree.Nums = nums
    for page in added:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + parents
    # Bookmarks: the annex's after the body's.
    if "/Outlines" in annex.Root:
        outlines = body.copy_foreign(annex.Root.Outlines)
        first, last = outlines.get("/First"), outlines.get("/Last")
        if first is not None and "/Outlines" in body.Root:
            body.Root.Outlines.Last.Next = first
            first.Prev = body.Root.Outlines.Last
            body.Root.Outlines.Last = last
    # Named destinations: the annex's beside the body's.
    if "/Names" in annex.Root and "/Dests" in annex.Root.Names:
        dests = body.copy_foreign(annex.make_indirect(annex.Root.Names.Dests))
        names = body.Root.Names.Dests.Names
        for item in dests.Names:
            names.append(item)
    out = io.BytesIO()
    body.save(
        out,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
        deterministic_id=True,
    )
    return out.getvalue()


def _number_tree_items(tree) -> list:
    if "/Nums" in tree:
        nums = list(tree.Nums)
        return list(zip(nums[::2], nums[1::2], strict=True))
    return [item for kid in tree.get("/Kids", []) for item in _number_tree_items(kid)]


def _number_tree_keys(tree) -> list[int]:
    return [int(key) for key, _ in _number_tree_items(tree)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docx", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--heading", help="the annex heading to cut before")
    args = parser.parse_args(argv)

    import pikepdf

    from reportgen.conversion import recorded_template
    from reportgen.cycles import collector_paused
    from reportgen.pdf import render as _imported  # noqa: F401 - WeasyPrint, before timing
    from reportgen.pdf.html import write_html
    from reportgen.results import Warnings
    from reportgen.word.reader import read_docx

    document = read_docx(args.docx.read_bytes(), Warnings())
    template = recorded_template(document.metadata.template, Warnings())
    html = write_html(document, template, draft=False)
    body, annex, _ = split_html(html, args.heading)
    with collector_paused():
        render(body[:2000] + "</main></body></html>", template)  # first-use costs
        whole_pdf = render(html, template)
        first = len(pikepdf.open(io.BytesIO(render(body, template))).pages) + 1
    print(
        f"{args.docx.name}: {len(pikepdf.open(io.BytesIO(whole_pdf)).pages)} pages; "
        f"the annex from page {first}"
    )

    times: dict[str, list[float]] = {
        "whole": [],
        "body alone": [],
        "annex alone": [],
        "body": [],
        "both": [],
        "join": [],
    }
    for _ in range(args.rounds):
        with collector_paused():
            started = time.perf_counter()
            render(html, template)
            times["whole"].append(time.perf_counter() - started)

            started = time.perf_counter()
            render(body, template)
            times["body alone"].append(time.perf_counter() - started)
            started = time.perf_counter()
            render(annex, template, first)
            times["annex alone"].append(time.perf_counter() - started)

            started = time.perf_counter()
            annex_job = in_child(render, annex, template, first)
            body_job = in_child(render, body, template)
            body_pdf = collect(*body_job)
            times["body"].append(time.perf_counter() - started)
            annex_pdf = collect(*annex_job)
            times["both"].append(time.perf_counter() - started)
            started = time.perf_counter()
            joined = join(body_pdf, annex_pdf)
            times["join"].append(time.perf_counter() - started)
    print(f"{'':<30} {'median s':>9}   min–max s")
    labels = {
        "whole": "whole document, one process",
        "body alone": "body alone, one process",
        "annex alone": "annex alone, one process",
        "body": "body (two processes at once)",
        "both": "annex (two processes at once)",
        "join": "joining the PDFs (pikepdf)",
    }
    for key, label in labels.items():
        values = times[key]
        print(
            f"{label:<30} {statistics.median(values):>9.2f}   {min(values):.2f}–{max(values):.2f}"
        )
    best = statistics.median(times["both"]) + statistics.median(times["join"])
    print(
        f"{'two processes + join':<30} {best:>9.2f}   "
        f"({best / statistics.median(times['whole']):.2f} of one process)"
    )
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        print(
            f"joined: {len(pdf.pages)} pages, {len(joined):,} bytes "
            f"(one process: {len(whole_pdf):,} bytes)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
