"""Pictures a DOCX may hold, converted for the PDF by separate, limited processes."""

from __future__ import annotations

import gzip

from ooxml_fixtures import emf_with_text, pdf_with_text, wmf_with_text
from reportgen import xmlparsing
from reportgen.word import pictures


def test_formats_are_told_by_their_first_bytes_not_their_names() -> None:
    assert pictures.kind_of(emf_with_text("x"), "image/png", "a.png") == "EMF"
    assert pictures.kind_of(wmf_with_text("x")) == "WMF"
    assert pictures.kind_of(b"%PDF-1.7\n") == "PDF"
    assert pictures.kind_of(b"\x89PNG\r\n\x1a\n....") == "PNG"
    assert pictures.kind_of(b"????", "", "media/image3.xyz") == "XYZ"


def test_an_emf_becomes_svg_keeping_its_words() -> None:
    converted = pictures.convert(emf_with_text("Growth in 2018"))
    assert converted.content_type == "image/svg+xml"
    assert b"Growth in 2018" in converted.data
    assert converted.data.lstrip().startswith(b"<?xml") and b"<!DOCTYPE" not in converted.data


def test_a_wmf_becomes_svg_in_the_svg_namespace_without_its_doctype() -> None:
    converted = pictures.convert(wmf_with_text("Budget lines"))
    assert converted.content_type == "image/svg+xml"
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in converted.data
    assert b"Budget lines" in converted.data
    assert b"DOCTYPE" not in converted.data


def test_the_bitmaps_a_wmf_holds_stay_in_its_svg() -> None:
    converted = pictures.convert(wmf_with_text("Budget lines", bitmap=True))
    assert converted.content_type == "image/svg+xml", converted.problem
    root = xmlparsing.parse(converted.data, "picture.svg")
    hrefs = [e.get("{http://www.w3.org/1999/xlink}href", "") for e in root.iter()]
    assert any(href.startswith("data:image/png;base64,") for href in hrefs)


def test_a_gzipped_metafile_is_unpacked_first() -> None:
    converted = pictures.convert(gzip.compress(emf_with_text("Packed")))
    assert (converted.kind, converted.content_type) == ("EMF", "image/svg+xml")


def test_a_pdf_shows_its_first_page_as_a_png() -> None:
    converted = pictures.convert(pdf_with_text("Organigram"))
    assert converted.content_type == "image/png"
    assert converted.data.startswith(b"\x89PNG")


def test_a_damaged_metafile_is_refused_with_a_reason() -> None:
    damaged = emf_with_text("x")[:60]
    converted = pictures.convert(damaged)
    assert converted.content_type == ""
    assert converted.problem


def test_svg_from_a_converter_loses_scripts_and_outside_links() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<script>alert(1)</script><image xlink:href="http://tracker.example.invalid/p.png"/>'
        b'<image xlink:href="data:image/png;base64,AAAA"/><text>kept</text></svg>'
    )
    cleaned = pictures.clean_svg(svg)
    assert cleaned is not None
    assert b"script" not in cleaned and b"tracker" not in cleaned
    assert b"data:image/png" in cleaned and b"kept" in cleaned


def test_svg_declaring_entities_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'
    assert pictures.clean_svg(bomb) is None


def test_svg_with_an_undeclared_xlink_prefix_keeps_its_inline_bitmaps_only() -> None:
    # wmf2svg --inline writes the bitmaps of a metafile as xlink:href="data:…"
    # without declaring the xlink prefix.
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><image xlink:href="data:image/png;base64,AAAA"/>'
        b'<image xlink:href="http://tracker.example.invalid/p.png"/><g foo:bar="1"/></svg>'
    )
    cleaned = pictures.clean_svg(svg)
    assert cleaned is not None
    assert b'href="data:image/png;base64,AAAA"' in cleaned
    assert b"tracker" not in cleaned and b"foo" not in cleaned
    root = xmlparsing.parse(cleaned, "cleaned.svg")
    assert root[0].get("{http://www.w3.org/1999/xlink}href") == "data:image/png;base64,AAAA"
