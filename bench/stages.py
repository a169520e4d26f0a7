"""Where WeasyPrint's time goes: the DOCX → PDF path timed stage by stage, in one process.

    python bench/stages.py REPORT.docx [--rounds N] [--json FILE]

Runs ``conversion.docx_to_pdf`` (the path ``generate`` and ``publish``
share) ``--rounds`` times on the same DOCX in one warm process and prints
the median CPU seconds of each stage (CPU time of this process, so that
other work on a shared machine counts less than in wall-clock time):

- read: the DOCX read back and written as HTML (reportgen's own work);
- parse: the HTML parsed into a tree (tinyhtml5);
- cascade: selectors matched and computed styles of every element
  (``get_all_computed_styles``);
- boxes: the box tree (``build_formatting_structure``);
- layout: line breaking, tables, pagination (``layout_document``);
- checks: reportgen's checks on the laid-out pages (stray footnotes, glyphs);
- draw: painting each page into its content stream (``Page.paint``);
- fonts: subsetting and embedding the fonts (``build_fonts_dictionary``);
- pdf tags: WeasyPrint's structure tree (``add_tags``);
- serialise: pydyf writing and compressing the objects (``PDF.write``);
- write other: the rest of ``write_pdf`` (links, outlines, metadata);
- tags finish: reportgen's post-processing of the tags, where there is one;
- collection: the cycle collector's pass once the PDF is made, freeing the
  laid-out document (not in the total: the PDF worker and ``publish`` end
  without it; a batch worker or ``watch`` pays it after each report).

The stages are measured by wrapping these functions for the length of the
run; nothing else changes.  The first round pays first-use costs (fonts,
hyphenation dictionaries) and is not counted.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

STAGES = (
    "read",
    "parse",
    "cascade",
    "boxes",
    "layout",
    "checks",
    "draw",
    "fonts",
    "pdf tags",
    "serialise",
    "write other",
    "tags finish",
    "collection",
)


class Clock:
    """Seconds per stage, for one round."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.depth = 0

    def wrap(self, stage: str, function: Callable) -> Callable:
        def timed(*args, **kwargs):
            if self.depth:  # a stage inside another counts as the outer one
                return function(*args, **kwargs)
            self.depth += 1
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] += time.process_time() - started
                self.depth -= 1

        timed.__wrapped__ = function  # type: ignore[attr-defined]
        return timed


@contextmanager
def instrumented(clock: Clock) -> Iterator[None]:
    """WeasyPrint's stage functions wrapped with ``clock`` while the block runs."""
    import pydyf
    import weasyprint
    import weasyprint.document as wdocument
    import weasyprint.pdf as wpdf

    from reportgen.pdf import html, render
    from reportgen.word import reader

    targets: list[tuple[object, str, str]] = [
        (reader, "read_docx", "read"),
        (html, "write_html", "read"),
        (wdocument, "get_all_computed_styles", "cascade"),
        (wdocument, "build_formatting_structure", "boxes"),
        (wdocument, "layout_document", "layout"),
        (wdocument.Page, "paint", "draw"),
        (wpdf, "build_fonts_dictionary", "fonts"),
        (wpdf, "add_tags", "pdf tags"),
        (pydyf.PDF, "write", "serialise"),
        (render, "_stray_footnotes", "checks"),
        (render, "check_glyphs", "checks"),
    ]
    try:  # pdf/tagging.py, where it is in use (called through either module)
        from reportgen.pdf import tagging
    except ImportError:
        pass
    else:
        targets.append((tagging, "finish", "tags finish"))
        if hasattr(render, "finish"):
            targets.append((render, "finish", "tags finish"))
    # layout_document is a generator: the pages are laid out as they are taken.
    layout = wdocument.layout_document

    def layout_all(*args, **kwargs):
        return iter(list(layout(*args, **kwargs)))

    originals = [(wdocument, "layout_document", layout)]
    wdocument.layout_document = layout_all
    for owner, name, stage in targets:
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        originals.append((owner, name, original))
        setattr(owner, name, clock.wrap(stage, original))
    html_init = weasyprint.HTML.__init__
    originals.append((weasyprint.HTML, "__init__", html_init))
    weasyprint.HTML.__init__ = clock.wrap("parse", html_init)
    try:
        yield
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)


def one_round(docx: bytes) -> tuple[dict[str, float], float, bytes]:
    from reportgen.conversion import docx_to_pdf
    from reportgen.results import Timings, Warnings

    try:
        from reportgen.cycles import collector_paused
    except ImportError:  # an older reportgen, which let the collector run
        collector_paused = nullcontext

    clock = Clock()
    timings = Timings()
    gc.collect()
    with collector_paused():  # kept paused after docx_to_pdf, to time the collection apart
        started = time.process_time()
        with instrumented(clock):
            pdf = docx_to_pdf(docx, Warnings(), timings)
        done = time.process_time()
    gc.collect()  # if the collector's own pass did not run first, on resuming
    clock.seconds["collection"] = time.process_time() - done
    total = done - started
    accounted = sum(v for k, v in clock.seconds.items() if k not in ("write other", "collection"))
    clock.seconds["write other"] = max(0.0, total - accounted)
    return clock.seconds, total, pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docx", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--warm-up",
        type=Path,
        help="a DOCX rendered first, untimed (default: the DOCX measured)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no untimed first round: first-use costs count (one round, as a fresh process)",
    )
    args = parser.parse_args(argv)

    from reportgen.pdf import render  # noqa: F401 - imports WeasyPrint before timing

    docx = args.docx.read_bytes()
    if args.cold:
        args.rounds = 1
    else:
        one_round(args.warm_up.read_bytes() if args.warm_up else docx)  # first-use costs
    samples = [one_round(docx) for _ in range(args.rounds)]
    totals = [total for _, total, _ in samples]
    median_total = statistics.median(totals)
    print(f"{args.docx.name}: {len(samples[0][2]):,} bytes of PDF, {args.rounds} rounds")
    print(f"{'stage':<12} {'median s':>9} {'share':>6}   min–max s")
    result = {}
    for stage in STAGES:
        values = [seconds[stage] for seconds, _, _ in samples]
        median = statistics.median(values)
        result[stage] = values
        if median == 0 and max(values) == 0:
            continue
        print(
            f"{stage:<12} {median:>9.2f} {median / median_total:>6.0%}   "
            f"{min(values):.2f}–{max(values):.2f}"
        )
    print(f"{'total':<12} {median_total:>9.2f} {1:>6.0%}   {min(totals):.2f}–{max(totals):.2f}")
    if args.json:
        args.json.write_text(json.dumps({"stages": result, "totals": totals}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
