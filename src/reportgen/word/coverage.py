"""What the DOCX reader does with each element of a story part: read, shown, warned, or no text."""

# DESIGN.md, invariant 8: nothing a reviewer puts in the DOCX vanishes silently.
# The corpus test (tests/test_corpus.py) walks every element of the main
# document, the headers, the footers and the notes of real-world DOCX files and
# fails on an element name that is in none of these tables; an element of
# SILENT is a known loss, checked as an expected failure until the reader shows
# it or warns about it.  Whoever changes what the reader (word/reader.py and the
# modules beside it) does with an element changes its entry here in the same
# commit.  The walk descends into CONTAINERS only; an element of any other
# table is taken whole, with everything inside it.

from __future__ import annotations

import re

from .namespaces import qn

# Elements the reader reads through: their own children carry the content.
CONTAINERS = frozenset(
    qn(name)
    for name in (
        "w:document", "w:body", "w:hdr", "w:ftr", "w:footnotes", "w:footnote",
        "w:endnotes", "w:endnote", "w:p", "w:r", "w:tbl", "w:tr", "w:tc",
        "w:hyperlink", "w:fldSimple", "w:sdt", "w:sdtContent", "w:smartTag",
        "w:customXml", "w:dir", "w:bdo", "w:ins", "w:moveTo",
        "mc:AlternateContent", "mc:Choice",
        # Pictures, shapes, groups and text boxes (word/drawing.py): a text box's
        # paragraphs are a story of their own, read like the body's.
        "w:drawing", "wp:inline", "wp:anchor", "a:graphic", "a:graphicData",
        "wpg:wgp", "wpg:grpSp", "wpc:wpc", "wps:wsp", "wps:txbx", "w:txbxContent",
        "w:pict", "w:object", "v:shape", "v:group", "v:rect", "v:roundrect", "v:oval",
        "v:line", "v:textbox",
    )
)  # fmt: skip

# Elements whose content reaches the PDF (text, breaks, symbols, notes, pictures, math).
RENDERED = frozenset(
    qn(name)
    for name in (
        "w:t", "w:tab", "w:ptab", "w:br", "w:cr", "w:noBreakHyphen", "w:softHyphen",
        "w:sym", "w:footnoteReference", "w:endnoteReference",
        "m:oMath", "m:oMathPara",
        # A picture: shown, or a frame with its description and a warning (drawing.image).
        "pic:pic", "v:imagedata",
        # WordArt's text (its string attribute); a SmartArt diagram's text, from its data part.
        "v:textpath",
    )
) | frozenset(
    ("{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds",)
)  # fmt: skip

# Elements with no text of their own: properties, marks, anchors, field
# instructions, content that accepting tracked changes removes, and the
# mc:Fallback that repeats an mc:Choice the reader has read.
NO_CONTENT = frozenset(
    qn(name)
    for name in (
        "w:pPr", "w:rPr", "w:sectPr", "w:tblPr", "w:tblGrid", "w:trPr", "w:tcPr",
        "w:tblPrEx", "w:sdtPr", "w:sdtEndPr", "w:smartTagPr", "w:customXmlPr",
        "w:bookmarkStart", "w:bookmarkEnd", "w:proofErr", "w:lastRenderedPageBreak",
        "w:permStart", "w:permEnd", "w:commentRangeStart", "w:commentRangeEnd",
        "w:commentReference", "w:annotationRef", "w:footnoteRef", "w:endnoteRef",
        "w:separator", "w:continuationSeparator", "w:fldChar", "w:instrText",
        "w:del", "w:moveFrom", "w:delText", "w:delInstrText",
        "w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart",
        "w:moveToRangeEnd", "w:background", "w:control",
        "mc:Fallback",
        "wp:docPr", "wp:extent", "wp:effectExtent", "wp:simplePos", "wp:positionH",
        "wp:positionV", "wp:wrapNone", "wp:wrapSquare", "wp:wrapTight",
        "wp:wrapThrough", "wp:wrapTopAndBottom", "wp:cNvGraphicFramePr",
        "wps:cNvPr", "wps:cNvSpPr", "wps:cNvCnPr", "wps:spPr", "wps:style", "wps:bodyPr",
        "wpg:cNvGrpSpPr", "wpg:grpSpPr",
        "v:shapetype", "v:stroke", "v:fill", "v:shadow", "v:path", "v:formulas",
        "v:handles", "v:background", "o:lock", "o:OLEObject", "o:FieldCodes",
    )
) | frozenset(
    (
        "{http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing}sizeRelH",
        "{http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing}sizeRelV",
        "{urn:schemas-microsoft-com:office:word}wrap",
        "{urn:schemas-microsoft-com:office:word}anchorlock",
        "{urn:schemas-microsoft-com:vml}wrap",
    )
)  # fmt: skip

# Elements the reader leaves out and warns about; the warning contains the phrase.
WARNED = {
    qn("w:altChunk"): "altChunk",
    # A chart: a frame with its name in the PDF, and a warning.
    "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart": "chart",
}

# Elements left out without a warning: a known loss, to be emptied.  The
# phrase is what the warning will say once there is one.  (Text boxes, WordArt
# and SmartArt were here until the reader showed them.)
SILENT: dict[str, str] = {}

# A warning that a picture, a chart or an embedded object was left out: the
# words LibreOffice draws inside it (the labels of a chart, say) count as
# named by it.
PICTURE_LEFT_OUT = re.compile(
    r"\b(image \d+\b.*\b(left out|missing|cannot be shown|linked, not embedded)"
    r"|a chart\b|an embedded object\b)"
)


def classified(tag: str) -> bool:
    """Whether the reader's treatment of the element ``tag`` is written down here."""
    return any(tag in table for table in (CONTAINERS, RENDERED, NO_CONTENT, WARNED, SILENT))
