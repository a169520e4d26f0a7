"""DOCX fixtures for what reviewers paste in: python-docx plus the raw OOXML it has no API for."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from conftest import pdf_text
from ooxml import save as save  # every fixture saved here is checked (tests/ooxml.py)
from ooxml import save_unchecked as save_unchecked
from reportgen.pipeline import publish

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = {
    "w": W_NS,
    "r": R_NS,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
}
NSDECL = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
WPS_URI = NAMESPACES["wps"]
WPG_URI = NAMESPACES["wpg"]
# Drawings and VML shapes each take an id no other one in the document has (wp:docPr/@id,
# v:shape/@id), as Word numbers them.
_shape_ids = itertools.count(100)


# -- documents -------------------------------------------------------------------------------


def add_block(document: Document, xml: str) -> None:
    """Append raw block XML (a w:p, a w:tbl) to the body, before its sectPr."""
    element = parse_xml(f"<w:wrap {NSDECL}>{xml}</w:wrap>")
    body = document.element.body
    for child in list(element):
        body.insert(len(body) - 1, child)


def paragraph(inner: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>"


def run(text: str, rpr: str = "") -> str:
    properties = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{properties}<w:t xml:space="preserve">{text}</w:t></w:r>'


def add_part(document: Document, name: str, content_type: str, data: bytes, rel_type: str) -> str:
    """A part related from the main document; its relationship id."""
    part = Part(PackURI(name), content_type, data, document.part.package)
    return document.part.relate_to(part, rel_type)


def set_numbering(document: Document, xml: str) -> None:
    """Replace the numbering definitions of python-docx's template with ``xml``."""
    document.part.numbering_part._element = parse_xml(f"<w:numbering {NSDECL}>{xml}</w:numbering>")


# -- drawings --------------------------------------------------------------------------------


def txbx_content(*texts: str) -> str:
    return "<w:txbxContent>" + "".join(paragraph(run(t)) for t in texts) + "</w:txbxContent>"


def drawingml_text_box(*texts: str, anchored: bool = True, align: str = "right") -> str:
    """A run holding a DrawingML text box (wps:wsp), anchored with square wrapping or inline."""
    shape = (
        f'<a:graphic><a:graphicData uri="{WPS_URI}"><wps:wsp><wps:cNvSpPr txBox="1"/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1828800" cy="914400"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx>{txbx_content(*texts)}</wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic>"
    )
    extent = '<wp:extent cx="1828800" cy="914400"/>'
    number = next(_shape_ids)
    docpr = f'<wp:docPr id="{number}" name="Text Box {number}"/>'
    if anchored:
        frame = (
            '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" '
            'relativeHeight="2" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="column"><wp:align>{align}</wp:align></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            f'{extent}<wp:effectExtent l="0" t="0" r="0" b="0"/>'
            '<wp:wrapSquare wrapText="bothSides"/>'
            f"{docpr}<wp:cNvGraphicFramePr/>{shape}</wp:anchor>"
        )
    else:
        frame = f"<wp:inline>{extent}{docpr}<wp:cNvGraphicFramePr/>{shape}</wp:inline>"
    return f"<w:r><w:drawing>{frame}</w:drawing></w:r>"


def vml_text_box(*texts: str, floated: bool = True) -> str:
    """A run holding a VML text box (v:shape with v:textbox), as Word 2003 and LibreOffice write."""
    style = (
        "position:absolute;margin-left:300pt;width:150pt;height:60pt;"
        if floated
        else ("width:150pt;height:60pt")
    )
    wrap = '<w10:wrap type="square"/>' if floated else ""
    return (
        f'<w:r><w:pict><v:shape id="_x0000_s{next(_shape_ids)}" type="#_x0000_t202" '
        f'style="{style};mso-position-horizontal:right">'
        f"<v:textbox>{txbx_content(*texts)}</v:textbox>{wrap}</v:shape></w:pict></w:r>"
    )


def alternate_content(choice_run: str, fallback_run: str, requires: str = "wps") -> str:
    """mc:AlternateContent offering a DrawingML choice and a VML fallback inside one run."""
    choice = choice_run.removeprefix("<w:r>").removesuffix("</w:r>")
    fallback = fallback_run.removeprefix("<w:r>").removesuffix("</w:r>")
    return (
        f'<w:r><mc:AlternateContent><mc:Choice Requires="{requires}">{choice}</mc:Choice>'
        f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>"
    )


def grouped_text_boxes(*texts: str) -> str:
    """A run holding a group (wpg:wgp) of text boxes."""
    shapes = "".join(
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx>{txbx_content(t)}</wps:txbx>'
        "<wps:bodyPr/></wps:wsp>"
        for t in texts
    )
    number = next(_shape_ids)
    return (
        '<w:r><w:drawing><wp:inline><wp:extent cx="3657600" cy="914400"/>'
        f'<wp:docPr id="{number}" name="Group {number}"/>'
        f'<a:graphic><a:graphicData uri="{WPG_URI}"><wpg:wgp><wpg:cNvGrpSpPr/>'
        f"<wpg:grpSpPr/>{shapes}</wpg:wgp></a:graphicData></a:graphic>"
        "</wp:inline></w:drawing></w:r>"
    )


def vml_wordart(text: str) -> str:
    return (
        f'<w:r><w:pict><v:shape id="_x0000_s{next(_shape_ids)}" type="#_x0000_t136" '
        'style="width:300pt;height:50pt">'
        f'<v:textpath style="font-family:&quot;Arial Black&quot;" string="{text}"/>'
        "</v:shape></w:pict></w:r>"
    )


def picture_run(rel_id: str, alt: str, name: str = "Picture 1") -> str:
    """A run holding an inline DrawingML picture of the image part ``rel_id``."""
    number = next(_shape_ids)
    return (
        '<w:r><w:drawing><wp:inline><wp:extent cx="1800000" cy="540000"/>'
        f'<wp:docPr id="{number}" name="{name}" descr="{alt}"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="{name}"/><pic:cNvPicPr/>'
        "</pic:nvPicPr>"
        f'<pic:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch>'
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1800000" cy="540000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def add_picture(document: Document, data: bytes, extension: str, content_type: str) -> str:
    number = len(document.part.package.parts) + 1
    return add_part(
        document, f"/word/media/pasted{number}.{extension}", content_type, data, RT.IMAGE
    )


# -- metafiles, written record by record ([MS-EMF], [MS-WMF]) ---------------------------------


def emf_with_text(text: str) -> bytes:
    """An EMF drawing ``text`` in Arial: header, font, select, EXTTEXTOUTW, EOF."""
    face = "Arial".encode("utf-16-le").ljust(64, b"\0")
    logfont = struct.pack("<5i8B", -40, 0, 0, 0, 400, 0, 0, 0, 0, 0, 0, 0, 0) + face
    font = struct.pack("<III", 82, 12 + len(logfont), 1) + logfont
    select = struct.pack("<III", 37, 12, 1)
    chars = text.encode("utf-16-le")
    padded = chars + b"\0" * (-len(chars) % 4)
    count = len(text)
    size = 76 + len(padded) + 4 * count
    record = struct.pack("<II4iIff", 84, size, 0, 0, 1000, 200, 1, 1.0, 1.0)
    record += struct.pack("<iiIII4iI", 20, 60, count, 76, 0, 0, 0, 1000, 200, 76 + len(padded))
    record += padded + struct.pack(f"<{count}I", *([22] * count))
    eof = struct.pack("<IIIII", 14, 20, 0, 16, 20)
    body = font + select + record + eof
    header_size = 88
    header = struct.pack(
        "<II4i4iIIIIHHIIIiiii",
        1, header_size, 0, 0, 1000, 300, 0, 0, 26458, 7937,
        0x464D4520, 0x10000, header_size + len(body), 5, 2, 0, 0, 0, 0, 1000, 300, 265, 79,
    )  # fmt: skip
    return header + body


def wmf_with_text(text: str, *, bitmap: bool = False) -> bytes:
    """A placeable WMF drawing ``text``: window origin and extent, TEXTOUT, EOF;
    with ``bitmap``, a 2×2 bitmap too (STRETCHDIB)."""
    data = text.encode("latin-1")
    padded = data + b"\0" * (len(data) % 2)
    records = struct.pack("<IHhh", 5, 0x020B, 0, 0)  # META_SETWINDOWORG
    records += struct.pack("<IHhh", 5, 0x020C, 300, 1000)  # META_SETWINDOWEXT
    words = (8 + len(padded) + 4) // 2
    records += struct.pack("<IHh", words, 0x0521, len(data)) + padded + struct.pack("<hh", 150, 20)
    if bitmap:
        pixels = (b"\x00\x55\x8c" * 2 + b"\0\0") * 2  # two rows of 2 pixels, padded to 4 bytes
        dib = struct.pack("<IiiHHIIiiII", 40, 2, 2, 1, 24, 0, len(pixels), 0, 0, 0, 0) + pixels
        stretch = struct.pack("<IHhhhhhhhh", 0x00CC0020, 0, 2, 2, 0, 0, 100, 100, 0, 0)
        size = (6 + len(stretch) + len(dib)) // 2
        records += struct.pack("<IH", size, 0x0F43) + stretch + dib  # META_STRETCHDIB
    records += struct.pack("<IH", 3, 0)  # META_EOF
    largest = 42 if bitmap else 20  # words, the largest record's
    header = struct.pack("<HHHIHIH", 1, 9, 0x0300, (18 + len(records)) // 2, 0, largest, 0)
    placeable = struct.pack("<IHhhhhHI", 0x9AC6CDD7, 0, 0, 0, 1000, 300, 1440, 0)
    checksum = 0
    for (word,) in struct.iter_unpack("<H", placeable):
        checksum ^= word
    return placeable + struct.pack("<H", checksum) + header + records


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF saying ``text``, made by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=f"<p style='font-size: 40pt'>{text}</p>").write_pdf()


# -- publishing --------------------------------------------------------------------------------


def publish_docx(tmp_path: Path, data: bytes, name: str = "reviewed") -> tuple[Path, list[str]]:
    """Publish ``data`` as reviewers' DOCX: the PDF and publish's warnings."""
    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    output = tmp_path / f"{name}.pdf"
    outcome = publish(source, output)
    return output, [str(message) for message in outcome.warnings]


def published_text(pdf: Path) -> str:
    return " ".join(pdf_text(pdf).split())


def new_document() -> Document:
    document = docx.Document()
    document.add_heading("Follow-up report", level=1)
    return document
