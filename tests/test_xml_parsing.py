"""One hardened XML parser for the whole of reportgen (reportgen.xmlparsing)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from reportgen import xmlparsing
from reportgen.errors import UnsafeDocumentError

SOURCE = Path(__file__).parent.parent / "src" / "reportgen"
# Calls that build a parser or parse with lxml's defaults.
PARSING_CALLS = {
    "XMLParser",
    "XMLPullParser",
    "HTMLParser",
    "fromstring",
    "parse",
    "XML",
    "iterparse",
}


def _parsing_calls(path: Path, root: Path = SOURCE) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if (
                isinstance(owner, ast.Name)
                and owner.id in ("etree", "lxml")
                and node.func.attr in PARSING_CALLS
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}: etree.{node.func.attr}")
    return found


def test_no_module_parses_xml_outside_the_hardened_factory():
    offenders = [
        call
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name != "xmlparsing.py"
        for call in _parsing_calls(path)
    ]
    assert offenders == [], "use reportgen.xmlparsing instead of building a parser"


def test_the_check_finds_a_module_that_builds_its_own_parser(tmp_path):
    path = tmp_path / "rogue.py"
    path.write_text(
        "from lxml import etree\n"
        "parser = etree.XMLParser(resolve_entities=False)\n"
        "root = etree.fromstring(b'<a/>', parser)\n"
    )
    assert _parsing_calls(path, tmp_path) == [
        "rogue.py:2: etree.XMLParser",
        "rogue.py:3: etree.fromstring",
    ]


def test_entities_are_never_expanded():
    data = b'<?xml version="1.0"?><a>&amp;&lt;</a>'
    assert xmlparsing.parse(data, "x.xml").text == "&<"


def test_a_doctype_is_refused_with_the_file_it_points_to():
    data = b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'
    with pytest.raises(xmlparsing.DoctypeFound) as found:
        xmlparsing.parse(data, "word/document.xml")
    assert found.value.system == "file:///etc/passwd"
    assert "word/document.xml" in str(found.value)


def test_an_entity_bomb_is_refused_before_anything_is_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><a>&lol2;</a>'
    )
    with pytest.raises(UnsafeDocumentError, match="DOCTYPE"):
        xmlparsing.parse_part(bomb, "word/document.xml")


def test_malformed_xml_names_the_part_and_the_line():
    with pytest.raises(xmlparsing.MalformedXML) as error:
        xmlparsing.parse(b"<a>\n<b></a>", "word/styles.xml")
    assert error.value.line == 2
    assert str(error.value).startswith("word/styles.xml: not well-formed XML")


def test_comments_are_dropped_unless_the_xml_is_written_back():
    data = b"<a><!-- note --><?pi x?><b/></a>"
    assert len(xmlparsing.parse(data, "x")) == 1
    assert len(xmlparsing.parse(data, "x", keep_comments=True)) == 3


def test_the_streaming_guard_stops_at_a_doctype():
    parser = xmlparsing.parser(target=xmlparsing.DoctypeGuard("part.xml"))
    with pytest.raises(xmlparsing.DoctypeFound):
        parser.feed(b'<!DOCTYPE a SYSTEM "http://example.org/x.dtd"><a/>')
        parser.close()


def test_an_undeclared_prefix_is_forgiven_only_when_asked_and_kept_as_written():
    data = b'<svg><image xlink:href="data:image/png;base64,AAAA"/></svg>'
    with pytest.raises(xmlparsing.MalformedXML):
        xmlparsing.parse_document(data, "picture.svg")
    tree = xmlparsing.parse_document(data, "picture.svg", undeclared_prefixes=True)
    assert tree.getroot()[0].get("xlink:href") == "data:image/png;base64,AAAA"


def test_forgiving_undeclared_prefixes_forgives_no_other_mistake():
    for broken in (b'<svg><image xlink:href="x"></svg>', b"<svg>&undefined;</svg>", b""):
        with pytest.raises(xmlparsing.MalformedXML):
            xmlparsing.parse_document(broken, "picture.svg", undeclared_prefixes=True)
