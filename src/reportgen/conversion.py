"""The one DOCX → PDF path that generate, publish and the PDF worker share (DESIGN.md, 1)."""

from __future__ import annotations

from .cycles import collector_paused
from .errors import TemplateError
from .results import Timings, Warnings
from .templates import DEFAULT_TEMPLATE, Template, find_template


def docx_to_pdf(
    docx: bytes,
    warnings: Warnings,
    timings: Timings,
    *,
    template: Template | None = None,
    draft: bool | None = None,
) -> bytes:
    """Read the DOCX back, write HTML, typeset it: the PDF shows what the DOCX says.

    ``template`` defaults to the one recorded in the DOCX; ``draft`` to the
    DOCX's own status.
    """
    pdf, language = typeset_docx(docx, warnings, timings, template=template, draft=draft)
    return finish_pdf(pdf, language, timings)


def typeset_docx(
    docx: bytes,
    warnings: Warnings,
    timings: Timings,
    *,
    template: Template | None = None,
    draft: bool | None = None,
) -> tuple[bytes, str]:
    """``docx_to_pdf`` up to WeasyPrint's PDF: that PDF and the document's language.

    The PDF worker (pdf/worker.py) runs this part; finish_pdf() follows.
    """
    from .pdf.html import write_html
    from .pdf.render import typeset
    from .word.reader import read_docx

    # Reading the DOCX and typesetting it make a million objects that live
    # until the PDF is written (cycles.py).
    with collector_paused():
        with timings.phase("read"):
            document = read_docx(docx, warnings)
            if template is None:
                template = recorded_template(document.metadata.template, warnings)
            html = write_html(
                document, template, draft=document.metadata.draft if draft is None else draft
            )
        # typeset times its own "layout" and "write" phases.
        return typeset(html, template, warnings=warnings, timings=timings)


def finish_pdf(pdf: bytes, language: str, timings: Timings) -> bytes:
    """WeasyPrint's PDF completed for PDF/UA-1 and PDF/A-3a (pdf/tagging.py)."""
    from .pdf.tagging import finish

    with timings.phase("tags"):
        return finish(pdf, language=language)


def recorded_template(name: str, warnings: Warnings) -> Template:
    """The template a DOCX says it was made with, else the default one (with a warning)."""
    try:
        return find_template(name or DEFAULT_TEMPLATE)
    except TemplateError:
        if not name or name == DEFAULT_TEMPLATE:
            raise
        warnings.warn(
            f"template {name!r} recorded in the DOCX was not found; using {DEFAULT_TEMPLATE!r}"
        )
        return find_template(DEFAULT_TEMPLATE)
