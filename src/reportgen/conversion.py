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
    # Reading the DOCX and typesetting it make hundreds of thousands of objects.
    with collector_paused():
        return _docx_to_pdf(docx, warnings, timings, template, draft)


def _docx_to_pdf(
    docx: bytes, warnings: Warnings, timings: Timings, template: Template | None, draft: bool | None
) -> bytes:
    from .pdf.html import write_html
    from .pdf.render import render_pdf
    from .word.reader import read_docx

    with timings.phase("read"):
        document = read_docx(docx, warnings)
        if template is None:
            template = recorded_template(document.metadata.template, warnings)
        html = write_html(
            document, template, draft=document.metadata.draft if draft is None else draft
        )
    # render_pdf times its own "layout" and "write" phases.
    return render_pdf(html, template, warnings=warnings, timings=timings)


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
