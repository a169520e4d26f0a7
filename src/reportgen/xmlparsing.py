"""Parsing XML: one hardened configuration for every reader, trusted or not."""

# Every XML reportgen parses goes through ``parser()`` (tests/test_xml_parsing.py
# fails if a module builds an lxml parser of its own), so that all of them
# refuse the same things: entities are never expanded (no "billion laughs",
# no external entity reading a local file), nothing is fetched from the
# network, no DTD is loaded, and lxml's limits on depth and text size stay on
# (``huge_tree=False``).  A DOCTYPE is refused by ``parse``: Word and
# LibreOffice never write one, so one in a DOCX part is there to attack.

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lxml import etree

from .errors import UnsafeDocumentError


@dataclass
class MalformedXML(Exception):
    """The data is not well-formed XML; ``detail`` is lxml's message."""

    name: str
    detail: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.name}: not well-formed XML ({self.detail})"


@dataclass
class DoctypeFound(Exception):
    """The XML declares a DOCTYPE; ``system`` is the file or address it points to, if any."""

    name: str
    system: str | None = None

    def __str__(self) -> str:
        return f"{self.name}: a DOCTYPE declaration is not allowed here"


def parser(*, keep_comments: bool = False, target: object | None = None) -> etree.XMLParser:
    """An lxml parser with every hardening on.

    ``keep_comments`` keeps comments and processing instructions, for code
    that writes the XML back out (accepting tracked changes).  ``target`` is
    an lxml parser target, for streaming scans that build no tree.
    """
    if target is None:
        return _shared(keep_comments)
    return _new(keep_comments, target)


@cache
def _shared(keep_comments: bool) -> etree.XMLParser:
    # lxml gives each thread its own copy of a parser's state, so one may be shared.
    return _new(keep_comments, None)


@cache
def _lenient() -> etree.XMLParser:
    # recover=True so that an undeclared prefix is kept; parse_document checks
    # that it was the only error.
    return _new(False, None, recover=True)


def _new(keep_comments: bool, target: object | None, *, recover: bool = False) -> etree.XMLParser:
    return etree.XMLParser(
        target=target,
        recover=recover,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=not keep_comments,
        remove_pis=not keep_comments,
    )


def parse(data: bytes, name: str, *, keep_comments: bool = False) -> etree._Element:
    """The root element of ``data``; MalformedXML or DoctypeFound (naming ``name``) if refused."""
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser(keep_comments=keep_comments)))
    except etree.XMLSyntaxError as error:
        raise MalformedXML(name, str(error.msg or error), error.lineno) from None
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None:
        raise DoctypeFound(name, info.system_url)
    return tree.getroot()


def parse_document(
    data: bytes, name: str, *, undeclared_prefixes: bool = False
) -> etree._ElementTree:
    """The document with its DOCTYPE, for a caller that judges the DOCTYPE itself.

    The same hardened parser: nothing is loaded or expanded whatever the
    DOCTYPE says (a converter's SVG names the SVG 1.0 DTD, and means no harm).
    ``undeclared_prefixes`` forgives one mistake and no other: a namespace
    prefix used without a declaration (wmf2svg writes ``xlink:href`` so); such
    a name stays as written, ``xlink:href``, for the caller to judge.
    """
    if not undeclared_prefixes:
        try:
            return etree.ElementTree(etree.fromstring(data, parser()))
        except etree.XMLSyntaxError as error:
            raise MalformedXML(name, str(error.msg or error), error.lineno) from None
    lenient = _lenient()
    try:
        root = etree.fromstring(data, lenient)
    except etree.XMLSyntaxError as error:
        raise MalformedXML(name, str(error.msg or error), error.lineno) from None
    errors = [e for e in lenient.error_log if e.type_name != "NS_ERR_UNDEFINED_NAMESPACE"]
    if root is None or errors:
        first = errors[0] if errors else None
        raise MalformedXML(name, first.message if first else "no element", first and first.line)
    return etree.ElementTree(root)


def parse_part(data: bytes, name: str, *, keep_comments: bool = False) -> etree._Element:
    """``parse`` for a part of a DOCX someone else made: refusals as UnsafeDocumentError."""
    try:
        return parse(data, name, keep_comments=keep_comments)
    except (MalformedXML, DoctypeFound) as refused:
        raise UnsafeDocumentError(str(refused)) from None


class DoctypeGuard:
    """A parser target that builds nothing and raises DoctypeFound at a DOCTYPE."""

    def __init__(self, name: str) -> None:
        self.name = name

    def doctype(self, name: str, public: str | None, system: str | None) -> None:
        raise DoctypeFound(self.name, system)

    def close(self) -> None:
        return None
