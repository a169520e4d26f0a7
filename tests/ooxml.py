"""Word's schemas and rules over a DOCX (openxml-audit); python-docx fixtures that pass them."""

from __future__ import annotations

import functools
import hashlib
import io
import tempfile

import pytest
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from openxml_audit import (
    FileFormat,
    OpenXmlValidator,
    SourceClass,
    ValidationError,
    ValidationSeverity,
)
from openxml_audit.context import ValidationContext
from openxml_audit.parts import OpenXmlPart
from openxml_audit.schema.validator import SchemaValidator

# Word 2019's schemas: what the reviewers' Word opens without a repair dialog.
# svgBlip (Office 2016) is in them; reportgen writes nothing newer.
FILE_FORMAT = FileFormat.OFFICE_2019
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


class _PartSchemaCache(SchemaValidator):
    """The schema check of a part, skipped for a part already found clean byte for byte.

    A part's schema check reads that part alone, so its verdict holds for the
    same bytes in any package.  Every fixture built on python-docx's template
    carries the same 180-style styles.xml, which is most of the time of
    checking a small document; it is checked once per session.
    """

    def __init__(self) -> None:
        super().__init__()
        self.clean: set[tuple[str, bytes]] = set()

    def validate_part(self, part: OpenXmlPart, context: ValidationContext) -> list[ValidationError]:
        content = part.raw_content
        if content is None:
            return super().validate_part(part, context)
        key = (part.uri, hashlib.sha256(content).digest())
        if key in self.clean:
            return context.errors
        before = len(context.errors)
        errors = super().validate_part(part, context)
        if len(context.errors) == before:
            self.clean.add(key)
        return errors


@functools.cache
def validator() -> OpenXmlValidator:
    """One validator for the test session: it loads each schema once, when first needed."""
    checker = OpenXmlValidator(file_format=FILE_FORMAT, max_errors=50)
    assert isinstance(checker._schema_validator, SchemaValidator)  # openxml-audit 0.8's layout
    checker._schema_validator = _PartSchemaCache()
    return checker


def counts(finding: ValidationError) -> bool:
    """Whether a finding means Word would refuse or repair the file.

    Every error counts: schema errors (an element out of order, an unknown
    element or attribute, a value out of range, a required child missing),
    package and relationship errors, and semantic ones (a style, list, note or
    comment referenced but not defined; an id used twice).  Warnings count
    when they are Word's own (``WORD_APP_COMPAT``: Word repairs the file on
    opening, e.g. the same ``wp:docPr`` id in the body and in a header).  The
    validator's other warnings (a font it cannot deobfuscate without its key,
    a document property of an unexpected type) are not Word's rules and do
    not count.
    """
    if finding.severity is ValidationSeverity.ERROR:
        return True
    return (
        finding.severity is ValidationSeverity.WARNING
        and finding.source_class is SourceClass.WORD_APP_COMPAT
    )


def ooxml_problems(data: bytes) -> list[str]:
    """What Word's schemas and rules find wrong with the DOCX ``data``, one line each."""
    with tempfile.NamedTemporaryFile(suffix=".docx") as file:
        file.write(data)
        file.flush()
        result = validator().validate(file.name)
    return [str(finding) for finding in result.errors if counts(finding)]


def assert_valid_docx(data: bytes, what: str) -> None:
    """Fail, naming ``what`` and each problem, unless Word would open ``data`` as it is."""
    problems = ooxml_problems(data)
    if problems:
        pytest.fail(f"{what} is not valid OOXML:\n  " + "\n  ".join(problems))


# -- fixtures built with python-docx --------------------------------------------------------


def save(document: Document) -> bytes:
    """The DOCX of ``document``, saved as Word 2013 and later save, and checked."""
    data = save_unchecked(without_styles_with_effects(document))
    assert_valid_docx(data, "the test's DOCX")
    return data


def save_unchecked(document: Document) -> bytes:
    """The DOCX of ``document`` as python-docx writes it, not checked.

    Only for a document that is not valid on purpose (broken, hostile, or
    imitating another producer's quirk) or too large to check in ``make test``;
    the caller says which, in a comment.
    """
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def without_styles_with_effects(document: Document) -> Document:
    """``document`` without the stylesWithEffects part of python-docx's template.

    That part is a stale copy of styles.xml (its Header and Footer styles and
    its document defaults differ), which Word may take for unreadable content;
    Word 2013 and later no longer write it.  reportgen's writer drops it too.
    """
    rels = document.part.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == STYLES_WITH_EFFECTS]:
        del rels[rid]
    return document


# Word's built-in styles that python-docx's template lacks, as Word adds them to
# styles.xml when a footnote or a comment is first inserted.
BUILT_IN_STYLES = {
    "FootnoteText": (
        '<w:style {ns} w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>'
    ),
    "FootnoteReference": (
        '<w:style {ns} w:type="character" w:styleId="FootnoteReference">'
        '<w:name w:val="footnote reference"/><w:basedOn w:val="DefaultParagraphFont"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
    ),
    "CommentText": (
        '<w:style {ns} w:type="paragraph" w:styleId="CommentText">'
        '<w:name w:val="annotation text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
        '<w:unhideWhenUsed/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>'
    ),
    "CommentReference": (
        '<w:style {ns} w:type="character" w:styleId="CommentReference">'
        '<w:name w:val="annotation reference"/><w:basedOn w:val="DefaultParagraphFont"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>'
    ),
}


def define_built_in_styles(document: Document, *style_ids: str) -> None:
    """Define each of ``style_ids`` (keys of BUILT_IN_STYLES) that ``document`` lacks."""
    styles = document.styles.element
    defined = {style.style_id for style in document.styles}
    for style_id in style_ids:
        if style_id not in defined:
            styles.append(parse_xml(BUILT_IN_STYLES[style_id].format(ns=nsdecls("w"))))
