"""Drawings (DrawingML and VML): pictures, text boxes, shapes with text, groups, WordArt."""

# A text box's paragraphs are a story of their own (w:txbxContent); they become
# a TextBox block placed after the paragraph the shape is anchored in, floated
# when the text wraps around the shape.  mc:AlternateContent offers the same
# drawing twice (DrawingML in mc:Choice, VML in mc:Fallback): exactly one is read.

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from .. import documents as d
from . import pictures
from .inlines import Anchored, BlockBreak
from .namespaces import NS, qn

if TYPE_CHECKING:
    from .body import StoryReader

MC_CHOICE, MC_FALLBACK = qn("mc:Choice"), qn("mc:Fallback")
W_TXBXCONTENT, W_DRAWING, W_PICT, W_OBJECT = (
    qn("w:txbxContent"),
    qn("w:drawing"),
    qn("w:pict"),
    qn("w:object"),
)
WP_INLINE, WP_ANCHOR, WP_DOCPR, WP_EXTENT = (
    qn("wp:inline"),
    qn("wp:anchor"),
    qn("wp:docPr"),
    qn("wp:extent"),
)
WP_POSITIONH, WP_ALIGN, WP_POSOFFSET = qn("wp:positionH"), qn("wp:align"), qn("wp:posOffset")
WP_WRAPS = tuple(qn(f"wp:{n}") for n in ("wrapSquare", "wrapTight", "wrapThrough"))
A_GRAPHIC, A_GRAPHICDATA, A_BLIP, A_T = (
    qn("a:graphic"),
    qn("a:graphicData"),
    qn("a:blip"),
    qn("a:t"),
)
PIC_PIC, PIC_NVPICPR, PIC_CNVPR = qn("pic:pic"), qn("pic:nvPicPr"), qn("pic:cNvPr")
WPS_WSP, WPS_TXBX = qn("wps:wsp"), qn("wps:txbx")
WPG_WGP, WPG_GRPSP, WPC_WPC = qn("wpg:wgp"), qn("wpg:grpSp"), qn("wpc:wpc")
V_IMAGEDATA, V_TEXTBOX, V_TEXTPATH, V_SHAPE = (
    qn("v:imagedata"),
    qn("v:textbox"),
    qn("v:textpath"),
    qn("v:shape"),
)
V_GROUP = qn("v:group")
W10_WRAP, O_OLEOBJECT = qn("w10:wrap"), qn("o:OLEObject")
R_EMBED, R_LINK, R_ID = qn("r:embed"), qn("r:link"), qn("r:id")
DGM_RELIDS = qn("dgm:relIds")
C_CHART = qn("c:chart")

EMU_PER_MM = 36_000
PAGE_HALF_EMU = 105 * EMU_PER_MM  # half an A4 page's width

# Markup-compatibility choices reportgen reads (mc:Choice Requires="…"): the
# namespaces of drawings, shapes and groups; anything else takes the fallback.
_UNDERSTOOD = frozenset(
    NS[prefix]
    for prefix in ("wps", "wpg", "wpc", "wp14", "w14", "w15", "a14", "v", "o", "w10", "m")
)
_VML_SHAPES = frozenset(
    qn(f"v:{name}")
    for name in ("shape", "rect", "roundrect", "oval", "line", "polyline", "arc", "curve", "group")
)
_HORIZONTAL = re.compile(r"mso-position-horizontal:\s*([a-z]+)")


def alternate_branch(element: etree._Element) -> etree._Element | None:
    """The branch of mc:AlternateContent to read: the first Choice reportgen understands.

    A Choice names the namespaces it needs in ``Requires`` (prefixes declared
    in scope); one needing something else (a chart extension, ink) gives way to
    the next Choice, then to the Fallback.
    """
    for branch in element:
        if branch.tag == MC_CHOICE:
            required = branch.get("Requires", "").split()
            namespaces = [branch.nsmap.get(prefix) for prefix in required]
            if all(uri in _UNDERSTOOD for uri in namespaces):
                return branch
        elif branch.tag == MC_FALLBACK:
            return branch
    return None


def read_graphic(story: StoryReader, element: etree._Element, out: list) -> None:
    """A w:drawing, w:pict or w:object met in a run."""
    if element.tag == W_DRAWING:
        for frame in element:
            if frame.tag in (WP_INLINE, WP_ANCHOR):
                _frame(story, frame, out)
            elif not story.is_quiet(frame):
                story.unread(frame)
    else:
        _vml(story, element, out)


# -- DrawingML ----------------------------------------------------------------


def _frame(story: StoryReader, frame: etree._Element, out: list) -> None:
    docpr = frame.find(WP_DOCPR)
    alt, name = "", ""
    if docpr is not None:
        alt = (docpr.get("descr") or docpr.get("title") or "").strip()
        name = docpr.get("name", "")
    width = None
    extent = frame.find(WP_EXTENT)
    if extent is not None:
        width = _mm(extent.get("cx", ""))
    data = frame.find(f"{A_GRAPHIC}/{A_GRAPHICDATA}")
    if data is None:
        return
    placement = _placement(frame)
    blocks = _graphic_data(story, data, alt, name, width)
    if blocks is None:
        return
    if len(blocks) == 1 and isinstance(blocks[0], d.Image) and placement == "block":
        out.append(BlockBreak(blocks[0]))  # an inline picture stays where it is
    elif blocks:
        out.append(Anchored(d.TextBox(children=blocks, placement=placement)))


def _graphic_data(
    story: StoryReader, data: etree._Element, alt: str, name: str, width: float | None
) -> list[d.Block] | None:
    """The blocks a graphic shows: a picture, a shape's text, a group's members."""
    blocks: list[d.Block] = []
    for child in data:
        tag = child.tag
        if tag == PIC_PIC:
            image = _picture(story, child, alt, name, width)
            if image is not None:
                blocks.append(image)
        elif tag == WPS_WSP:
            blocks.extend(_shape(story, child))
        elif tag in (WPG_WGP, WPG_GRPSP, WPC_WPC):
            found = _graphic_data(story, child, alt, name, None)
            blocks.extend(found or [])
        elif tag == DGM_RELIDS:
            blocks.extend(_smartart(story, child, name))
        elif tag == C_CHART:
            story.unread(child, f"a chart{_named(name)}")
            blocks.append(_frame_for(alt or name or "Chart", width))
        elif etree.QName(tag).localname in ("grpSpPr", "nvGrpSpPr", "cNvGrpSpPr", "whole"):
            continue  # a group's own properties
        elif not story.is_quiet(child):
            story.unread(child, f"a drawing{_named(name)} ({etree.QName(tag).localname})")
    return blocks


def _picture(
    story: StoryReader, pic: etree._Element, alt: str, name: str, width: float | None
) -> d.Image | None:
    blip = next(pic.iter(A_BLIP), None)
    if not alt:
        cnvpr = pic.find(f"{PIC_NVPICPR}/{PIC_CNVPR}")
        if cnvpr is not None:
            alt = (cnvpr.get("descr") or cnvpr.get("title") or "").strip()
    if blip is None:
        return None
    return image(story, blip.get(R_EMBED) or "", blip.get(R_LINK), alt, name, width)


def _shape(story: StoryReader, wsp: etree._Element) -> list[d.Block]:
    """A shape's text (a text box, WordArt); a shape with no text shows nothing to read."""
    content = wsp.find(f"{WPS_TXBX}/{W_TXBXCONTENT}")
    if content is not None:
        with story.nested("a text box"):
            return story.blocks(content)
    # A shape whose text box lives in another shape (linked text boxes) or has none.
    return []


def _smartart(story: StoryReader, rel_ids: etree._Element, name: str) -> list[d.Block]:
    """A SmartArt diagram's text, one paragraph per point, from its data part."""
    rel = story.rels.get(rel_ids.get(qn("r:dm"), ""))
    root = None
    if rel is not None and not rel.external and story.package.has(rel.target):
        root = story.package.xml(rel.target)
    if root is None:
        story.unread(rel_ids, f"a SmartArt diagram{_named(name)}")
        return []
    paragraphs: list[d.Block] = []
    for text_body in root.iter(qn("dgm:t")):
        for paragraph in text_body.iter(qn("a:p")):
            words = "".join(t.text or "" for t in paragraph.iter(A_T)).strip()
            if words:
                paragraphs.append(d.Paragraph([d.Text(words)]))
    return paragraphs


def _placement(frame: etree._Element) -> str:
    """Where an anchored drawing stands beside the text: left, right, or on its own."""
    if frame.tag != WP_ANCHOR or not any(frame.find(tag) is not None for tag in WP_WRAPS):
        return "block"
    position = frame.find(WP_POSITIONH)
    if position is not None:
        align = position.find(WP_ALIGN)
        if align is not None and align.text:
            return "left" if align.text.strip() in ("left", "inside") else "right"
        offset = position.find(WP_POSOFFSET)
        if offset is not None and offset.text and offset.text.strip().lstrip("-").isdigit():
            return "left" if int(offset.text) < PAGE_HALF_EMU / 2 else "right"
    return "right"


# -- VML (Word 2003, and what LibreOffice writes) -------------------------------


def _vml(story: StoryReader, element: etree._Element, out: list) -> None:
    ole = element.find(O_OLEOBJECT)
    for shape in element:
        if shape.tag in _VML_SHAPES:
            _vml_shape(story, shape, out, ole)
        elif shape.tag == O_OLEOBJECT or etree.QName(shape).namespace == NS["v"]:
            continue  # the object's link, shape types (v:shapetype), …
        elif not story.is_quiet(shape):
            story.unread(shape)


def _vml_shape(
    story: StoryReader, shape: etree._Element, out: list, ole: etree._Element | None
) -> None:
    blocks: list[d.Block] = []
    alt = (shape.get("alt") or "").strip()
    for node in shape.iter(V_IMAGEDATA, V_TEXTBOX, V_TEXTPATH):
        if node.tag == V_IMAGEDATA:
            title = (node.get(qn("o:title")) or "").strip()
            # An embedded PDF shows its first page; other objects their preview picture.
            picture = _embedded_pdf(story, ole, alt or title) if ole is not None else None
            if picture is None:
                picture = image(story, node.get(R_ID) or "", None, alt or title, "", None)
            if picture is not None:
                blocks.append(picture)
        elif node.tag == V_TEXTBOX:
            content = node.find(W_TXBXCONTENT)
            if content is not None:
                with story.nested("a text box"):
                    blocks.extend(story.blocks(content))
        elif node.tag == V_TEXTPATH:
            words = " ".join((node.get("string") or "").split())
            if words:  # WordArt: its text, as text
                blocks.append(d.Paragraph([d.Text(words)]))
    if not blocks:
        if ole is not None:
            story.unread(ole, f"an embedded object ({ole.get('ProgID', 'unknown kind')})")
        return
    style = shape.get("style", "")
    wrap = shape.find(W10_WRAP)
    floated = "position:absolute" in style.replace(" ", "") and (
        wrap is None or wrap.get("type", "square") in ("square", "tight", "through")
    )
    if len(blocks) == 1 and isinstance(blocks[0], d.Image) and not floated:
        out.append(BlockBreak(blocks[0]))
        return
    placement = "block"
    if floated:
        match = _HORIZONTAL.search(style)
        placement = "left" if match and match[1] in ("left", "inside") else "right"
    out.append(Anchored(d.TextBox(children=blocks, placement=placement)))


def _embedded_pdf(story: StoryReader, ole: etree._Element, alt: str) -> d.Image | None:
    """The first page of an embedded PDF; None when the object is something else."""
    rel = story.rels.get(ole.get(R_ID) or "")
    if rel is None or rel.external or not story.package.has(rel.target):
        return None
    data = story.package.read(rel.target)
    start = data.find(b"%PDF-", 0, 1 << 16)  # a PDF in an OLE package starts near the top
    if start < 0:
        return None
    converted = pictures.convert(data[start:])
    if not converted.content_type:
        return None
    name = ole.get("ProgID", "")
    return d.Image(converted.data, converted.content_type, alt or f"Embedded PDF {name}".strip())


# -- pictures ---------------------------------------------------------------


def image(
    story: StoryReader,
    rel_id: str,
    link: str | None,
    alt: str,
    name: str,
    width_mm: float | None,
) -> d.Image | None:
    """The picture a relationship names, converted for the PDF; a frame when it cannot be."""
    story.doc.image_count += 1
    label = f"image {story.doc.image_count}" + (f" ({name})" if name else "")
    rel = story.rels.get(rel_id)
    if rel is None or rel.external:
        if link or (rel is not None and rel.external):
            story.warnings.warn(
                f"{label} {story.where()} is linked, not embedded; the PDF shows a frame "
                "with its description instead"
            )
            return _frame_for(alt or name, width_mm)
        return None
    if not story.package.has(rel.target):
        story.warnings.warn(f"{label} {story.where()} is missing from the DOCX package")
        return _frame_for(alt or name, width_mm)
    data = story.package.read(rel.target)
    converted = pictures.convert(data, story.package.content_type(rel.target), rel.target)
    if not converted.content_type:
        story.warnings.warn(
            f"{label} {story.where()} cannot be shown in the PDF ({converted.kind}: "
            f"{converted.problem}); the PDF shows a frame with its description instead"
        )
        return _frame_for(alt or name, width_mm)
    if not alt:
        story.warnings.warn(
            f"{label} has no alternative text; add a description in Word "
            "(Edit Alt Text) so that readers of the PDF who cannot see it know what it shows"
        )
    return d.Image(
        data=converted.data, content_type=converted.content_type, alt=alt, width_mm=width_mm
    )


def _frame_for(alt: str, width_mm: float | None) -> d.Image:
    return d.Image(data=b"", content_type="", alt=alt or "Picture", width_mm=width_mm)


def _named(name: str) -> str:
    return f" ({name})" if name else ""


def _mm(emu: str) -> float | None:
    try:
        value = float(emu)
    except ValueError:
        return None
    return round(value / EMU_PER_MM, 2) or None if value == value and value > 0 else None
