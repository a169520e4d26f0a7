"""HTML → PDF with WeasyPrint: the template's theme and print CSS, nothing fetched from outside."""

from __future__ import annotations

import logging
import threading
import warnings as python_warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Protocol

from ..errors import TemplateError
from ..results import Warnings
from ..templates import Template
from .fetcher import FetchRefused, TemplateFetcher
from .glyphs import check_glyphs
from .patches import (
    cached_page_references,
    deferred_pseudo_styles,
    import_weasyprint,
    serialised_once,
)
from .tagging import finish

import_weasyprint()  # the first import of WeasyPrint goes through it (see patches.py)

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.document import Document  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

# Written into every PDF (see render_pdf): archival PDF/A-3a (level A: tagged,
# accessible), since PDF/A-3 also allows attaching the reviewed DOCX later;
# PDF/UA-1 is claimed in the XMP metadata (tagging.PDFUA_XMP) and made true by
# tagging.finish().
PDF_OPTIONS = {
    "pdf_variant": "pdf/a-3a",
    "pdf_tags": True,
    # An identifier computed from the content (pydyf hashes the objects): the
    # same document gives the same /ID, where a random one would not.
    "pdf_identifier": True,
    "uncompressed_pdf": False,
    "full_fonts": False,  # embed subsets: every glyph used, a fraction of the size
    "optimize_images": False,
}


class _Timings(Protocol):
    def phase(self, name: str) -> AbstractContextManager[None]: ...


def render_pdf(
    html: str,
    template: Template,
    *,
    warnings: Warnings | None = None,
    timings: _Timings | None = None,
) -> bytes:
    """Typeset ``html`` (from ``write_html``) with ``template``'s style into PDF bytes.

    The theme's values come first as CSS custom properties, then the
    template's ``print.css``.  Resources resolve against the template folder
    and only load from it; what is refused or fails to load is added to
    ``warnings``.  ``timings`` (results.Timings), when given, gets the
    seconds spent in "layout", in "write" and in "tags" (tagging.finish).
    """
    pdf, language = typeset(html, template, warnings=warnings, timings=timings)
    with _phase(timings, "tags"):
        return finish(pdf, language=language)


def typeset(
    html: str,
    template: Template,
    *,
    warnings: Warnings | None = None,
    timings: _Timings | None = None,
) -> tuple[bytes, str]:
    """WeasyPrint's PDF of ``html``, before tagging.finish, and the document's language.

    ``render_pdf`` without its last step: the laid-out document is gone
    once this returns, so that finish() does not hold both in memory.
    """

    def phase(name: str) -> AbstractContextManager[None]:
        return _phase(timings, name)

    if not template.css.is_file():
        raise TemplateError(f"template {template.name!r} has no {template.css.name}")
    fetcher = TemplateFetcher(template.folders or (template.folder,), warnings)
    base_url = template.folder.as_uri() + "/"
    fonts = FontConfiguration()
    with _weasyprint_messages(warnings):
        stylesheets = [
            CSS(
                string=template.theme.css_variables(),
                base_url=base_url,
                url_fetcher=fetcher,
                font_config=fonts,
            ),
            CSS(
                string=template.css.read_text(encoding="utf-8"),
                base_url=base_url,
                url_fetcher=fetcher,
                font_config=fonts,
            ),
        ]
        source = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        for attempt in range(FOOTNOTE_PASSES):
            with phase("layout"), deferred_pseudo_styles():
                document = source.render(stylesheets=stylesheets, font_config=fonts, **PDF_OPTIONS)
                stray = _stray_footnotes(document)
            if not stray:
                break
            relaxed = [_relax_breaks(element) for element in stray]
            if attempt == FOOTNOTE_PASSES - 1 or not any(relaxed):
                if warnings is not None:
                    warnings.warn(
                        f"PDF: {len(stray)} page(s) have a footnote that had to move to a "
                        "later page than its reference"
                    )
                break
        if warnings is not None:
            with phase("layout"):
                check_glyphs(document, warnings, fonts)
        _without_attachments(document)
        with (
            phase("write"),
            cached_page_references(),
            serialised_once(),
            python_warnings.catch_warnings(),
        ):
            # WeasyPrint opens its sRGB profile (for PDF/A) and leaves the file
            # to the garbage collector; the warning about it is not ours to show.
            python_warnings.filterwarnings(
                "ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning
            )
            return document.write_pdf(**PDF_OPTIONS), document.metadata.lang or ""


def _phase(timings: _Timings | None, name: str) -> AbstractContextManager[None]:
    return timings.phase(name) if timings is not None else nullcontext()


def _without_attachments(document: Document) -> None:
    """Embed no file the HTML asks for (``rel="attachment"``), not even the template's own.

    reportgen's HTML never asks; this keeps it so whatever the HTML holds.
    """
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


# -- footnotes on the page of their reference ------------------------------------------
#
# To fit one more line under widows/orphans rules, WeasyPrint may move a page's
# last footnote to the next page while its reference stays (GCPM allows it).
# A report needs the note where it is called: the paragraph whose line took the
# note's place gets ``orphans: 1; widows: 1`` so that it simply breaks, and the
# document is laid out again.  Most documents need one pass.

FOOTNOTE_PASSES = 4


def _stray_footnotes(document: Document) -> list:
    """For each page that lost a footnote to a later page: the element of its last line."""
    calls: dict[int, int] = {}
    bodies: dict[int, int] = {}
    last_lines: dict[int, boxes.Box] = {}
    for number, page in enumerate(document.pages):
        page_box = page._page_box
        for area in page_box.children:
            if isinstance(area, boxes.FootnoteAreaBox):
                for note in area.children:
                    bodies.setdefault(id(note.element), number)
        for box in _flow(page_box.children[0]):
            if box.element_tag and box.element_tag.endswith("::footnote-call"):
                calls.setdefault(id(box.element), number)
            elif isinstance(box, boxes.LineBox):
                last_lines[number] = box
    pages = sorted({page for key, page in calls.items() if bodies.get(key) != page})
    elements = [last_lines[page].element for page in pages if page in last_lines]
    return [element for element in elements if element is not None]


def _flow(box: boxes.Box) -> Iterator[boxes.Box]:
    """The boxes of a page's normal flow, in order (not running or fixed ones)."""
    if not isinstance(box, boxes.Box) or box.is_running() or box.is_absolutely_positioned():
        return
    yield box
    for child in getattr(box, "children", ()):
        yield from _flow(child)


def _relax_breaks(element: object) -> bool:
    """Let ``element`` break after any line; False if it already could."""
    style = element.get("style", "")  # type: ignore[attr-defined]
    if "orphans: 1" in style:
        return False
    element.set("style", f"{style}; orphans: 1; widows: 1".lstrip("; "))  # type: ignore[attr-defined]
    return True


class _Collector(logging.Handler):
    """WeasyPrint's errors (resources it could not use) in this thread, as warnings."""

    def __init__(self, warnings: Warnings) -> None:
        super().__init__(logging.ERROR)
        self.warnings = warnings
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        message = record.getMessage()
        # Refusals are already noted by the fetcher; missing alt text by the reader.
        if FetchRefused.__name__ in message or "no required alt description" in message:
            return
        self.warnings.warn(f"PDF: {message}")


@contextmanager
def _weasyprint_messages(warnings: Warnings | None) -> Iterator[None]:
    if warnings is None:
        yield
        return
    logger = logging.getLogger("weasyprint")
    handler = _Collector(warnings)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
