"""Pictures in the formats a DOCX may hold → formats WeasyPrint shows (PNG, JPEG, GIF, SVG)."""

# Windows metafiles (EMF, WMF: what Office puts on the clipboard for charts)
# are converted by libemf2svg's emf2svg-conv and libwmf's wmf2svg, PDFs by
# poppler's pdftoppm (their first page).  The files are untrusted: each tool
# runs as a separate process on a copy in a private folder, with no shell, a
# time limit, and limits on memory, CPU time and output size.

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from lxml import etree

from .. import xmlparsing

SHOWN = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
TIMEOUT_SECONDS = 20
MEMORY_BYTES = 1024 * 1024 * 1024
MAX_OUTPUT_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # a gzipped metafile (.emz, .wmz), unpacked
PDF_DPI = 110
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

_EMF_SIGNATURE = b" EMF"  # at offset 40 of the EMR_HEADER record
_WMF_PLACEABLE = b"\xd7\xcd\xc6\x9a"


@dataclass(frozen=True)
class Converted:
    data: bytes
    content_type: str  # one of SHOWN, or "" when the picture cannot be shown
    kind: str  # what the picture was: "PNG", "EMF", "PDF", …
    problem: str = ""  # why it cannot be shown, for the warning


def kind_of(data: bytes, declared: str = "", name: str = "") -> str:
    """The picture's format from its first bytes (the declared type can be wrong)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data[40:44] == _EMF_SIGNATURE and data[:4] == b"\x01\x00\x00\x00":
        return "EMF"
    if data.startswith(_WMF_PLACEABLE) or data[:6] in (
        b"\x01\x00\x09\x00\x00\x03",
        b"\x02\x00\x09\x00\x00\x03",
    ):
        return "WMF"
    if data.startswith(b"%PDF-"):
        return "PDF"
    if data.startswith((b"BM", b"II*\x00", b"MM\x00*")):
        return "BMP" if data.startswith(b"BM") else "TIFF"
    if data.startswith(b"\x1f\x8b"):
        return "GZIP"
    head = data[:512].lstrip()
    if declared == "image/svg+xml" or head.startswith(b"<svg") or b"<svg" in head:
        return "SVG"
    extension = name.rsplit(".", 1)[-1].upper() if "." in name else ""
    return extension or "unknown"


def convert(data: bytes, declared: str = "", name: str = "") -> Converted:
    """The picture in a format the PDF shows, converting it when it must."""
    kind = kind_of(data, declared, name)
    if kind == "GZIP":  # .emz / .wmz: a gzipped metafile
        try:
            with gzip.GzipFile(fileobj=BytesIO(data)) as stream:
                data = stream.read(MAX_UNPACKED_BYTES + 1)
        except (OSError, EOFError):
            return Converted(b"", "", "EMZ", "it is damaged")
        if len(data) > MAX_UNPACKED_BYTES:
            return Converted(b"", "", "EMZ", "it unpacks to too much data")
        kind = kind_of(data, declared, name)
    if kind in ("PNG", "JPEG", "GIF"):
        return Converted(data, f"image/{kind.lower()}", kind)
    if kind == "SVG":
        return Converted(data, "image/svg+xml", kind)
    if kind in ("BMP", "TIFF"):
        return _with_pillow(data, kind)
    if kind == "EMF":
        return _with_tool(
            data, kind, "emf2svg", ["emf2svg-conv", "-p", "-i", "{in}", "-o", "{out}"]
        )
    if kind == "WMF":
        # --inline: the bitmaps a metafile holds go into the SVG as data: URLs.
        command = ["wmf2svg", "--inline", "-o", "{out}", "{in}"]
        return _with_tool(data, kind, "libwmf-bin", command)
    if kind == "PDF":
        return _pdf_first_page(data)
    return Converted(b"", "", kind, "reportgen cannot show pictures in this format")


def _with_pillow(data: bytes, kind: str) -> Converted:
    """BMP and TIFF pictures as PNG (Pillow comes with WeasyPrint)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as picture:
            output = BytesIO()
            picture.save(output, format="PNG")
            return Converted(output.getvalue(), "image/png", kind)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return Converted(b"", "", kind, "it is damaged or too large")


def _with_tool(data: bytes, kind: str, package: str, command: list[str]) -> Converted:
    if shutil.which(command[0]) is None:
        return Converted(b"", "", kind, f"{command[0]} is not installed (Debian package {package})")
    output = run_tool(data, command, suffix=kind.lower(), out_name="picture.svg")
    svg = clean_svg(output) if output is not None else None
    if svg is None:
        return Converted(b"", "", kind, f"{command[0]} could not convert it")
    return Converted(svg, "image/svg+xml", kind)


def clean_svg(data: bytes) -> bytes | None:
    """A converter's SVG as WeasyPrint reads it: in the SVG namespace, no DOCTYPE,
    nothing that runs or fetches (scripts, foreign objects, links other than
    ``data:`` and ``#``)."""
    try:
        tree = xmlparsing.parse_document(data, "picture.svg", undeclared_prefixes=True)
    except xmlparsing.MalformedXML:
        return None
    root = tree.getroot()
    # wmf2svg names SVG 1.0's DTD; a DOCTYPE that declares anything itself is refused.
    dtd = tree.docinfo.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or list(dtd.iterelements())):
        return None
    if etree.QName(root).localname != "svg":
        return None
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element)
        if name.localname in ("script", "foreignObject"):
            element.getparent().remove(element)
            continue
        if name.namespace is None:
            element.tag = f"{{{SVG_NS}}}{name.localname}"
        for key, value in list(element.attrib.items()):
            if key == "xlink:href":  # wmf2svg's, with the prefix undeclared
                del element.attrib[key]
                key = XLINK_HREF
                element.set(key, value)
            elif ":" in key and not key.startswith("{"):
                del element.attrib[key]  # another undeclared prefix: nothing SVG reads
                continue
            if etree.QName(key).localname == "href" and not value.startswith(("data:", "#")):
                del element.attrib[key]
    svg = etree.Element(root.tag, dict(root.attrib), nsmap={None: SVG_NS})
    svg.text = root.text
    svg.extend(list(root))
    etree.cleanup_namespaces(svg)
    return etree.tostring(svg, encoding="utf-8", xml_declaration=True)


def _pdf_first_page(data: bytes) -> Converted:
    if shutil.which("pdftoppm") is None:
        return Converted(b"", "", "PDF", "pdftoppm is not installed (Debian package poppler-utils)")
    command = ["pdftoppm", "-png", "-r", str(PDF_DPI), "-f", "1", "-l", "1", "-singlefile"]
    output = run_tool(data, [*command, "{in}", "{stem}"], suffix="pdf", out_name="picture.png")
    if output is None or not output.startswith(b"\x89PNG"):
        return Converted(b"", "", "PDF", "pdftoppm could not draw its first page")
    return Converted(output, "image/png", "PDF")


def _limits() -> None:  # pragma: no cover - runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT_SECONDS, TIMEOUT_SECONDS))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_tool(data: bytes, command: list[str], *, suffix: str, out_name: str) -> bytes | None:
    """Run a converter on ``data`` in a private folder; its output file, or None on failure.

    ``{in}``, ``{out}`` and ``{stem}`` in ``command`` name the input, the output
    file and the output without its extension.
    """
    with tempfile.TemporaryDirectory(prefix="reportgen-picture-") as folder:
        source = Path(folder) / f"picture.{suffix}"
        target = Path(folder) / out_name
        source.write_bytes(data)
        names = {"{in}": str(source), "{out}": str(target), "{stem}": str(target.with_suffix(""))}
        argv = [names.get(part, part) for part in command]
        try:
            subprocess.run(
                argv,
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=TIMEOUT_SECONDS,
                check=True,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
                preexec_fn=_limits if sys.platform.startswith("linux") else None,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        if not target.is_file() or target.stat().st_size > MAX_OUTPUT_BYTES:
            return None
        return target.read_bytes()
