"""The places reportgen reaches into WeasyPrint and its libraries for speed: scoped and checked."""

# Each changes a library's behaviour only for as long as reportgen needs it,
# only on versions whose code was read and tested against (see
# tests/test_speedups.py, which fails when a library changes underneath and
# compares every patched result with the unpatched one), and falls back to
# the unpatched path on any other version.
#
# 1. Importing WeasyPrint without running a compiler.
#    WeasyPrint opens each C library (Pango, HarfBuzz, fontconfig, …) by
#    trying a list of names meant for every platform: 'libgobject-2.0-0',
#    'gobject-2.0-0', 'gobject-2.0', 'libgobject-2.0.so.0', ….  cffi passes
#    each name it cannot open directly to ctypes.util.find_library, which on
#    Linux runs `ldconfig -p`, then `gcc -Wl,-t …`, then `ld -t …` as
#    subprocesses: about 10–17 ms for every name that matches nothing, 16
#    such names on Debian 12, a quarter of a second of every process that
#    renders a PDF.  While WeasyPrint is imported, find_library is only its
#    first step, the ldconfig cache.  That finds nothing the full search
#    would have needed: every name list in weasyprint/text/ffi.py ends with
#    the exact Linux soname ('libgobject-2.0.so.0', …), which cffi dlopens
#    directly; and the gcc and ld fallbacks only ever return the soname of a
#    library they find, which dlopen then resolves through the same search
#    path.
#
# 2. pydyf's list of page references, built once.
#    WeasyPrint's PDF tags and anchors ask ``pdf.page_references[n]`` once
#    per tagged element, and pydyf's property builds the tuple of every
#    page's reference on each call: quadratic in the pages, 1.6 s of writing
#    the 82-page report with 2,500 participants under the profiler.  During
#    ``write_pdf`` the property returns the same tuple, built again only
#    when pages were added (pydyf only ever appends to ``Kids``).  It belongs
#    upstream, in pydyf.
#
# 3. Pseudo-element styles made when first asked for.
#    WeasyPrint's user-agent stylesheet gives every element six
#    pseudo-elements (``::marker``, ``::footnote-call``, ``::footnote-marker``,
#    ``::note-call``, ``::note-marker``, ``::note-callback``: selectors with
#    no element name), and ``StyleFor.__init__`` makes a computed style for
#    each of them up front: 77,000 for the 12,800 elements of the report with
#    2,500 participants, of which the box tree asks for a few hundred (list
#    markers, footnote calls and markers).  A ``ComputedStyle`` computes its
#    values only when they are read (``__missing__``), from its cascaded
#    declarations and its parent's style, so making it when the box tree
#    first asks gives the same values, provided its cascaded declarations are
#    kept (``__init__`` clears them all once done).  A pseudo-element that
#    declares an anchor is still made at once: its anchor must be known
#    before layout, for ``target-counter()``.  Scoped to ``HTML.render``:
#    only the style objects made meanwhile are of the deferring kind.
#
# 4. pydyf's objects serialised once per PDF.
#    A pydyf object computes its bytes (``data``) each time it is asked, and
#    ``PDF.write`` asks twice for every object when the PDF's identifier is
#    computed from its content, as reportgen's PDF_OPTIONS ask (a
#    reproducible /ID): once to write the object, once more to hash all of
#    them.  Each stream is compressed twice at zlib level 9, the object
#    stream (every dictionary of the PDF, 50,000 for 2,500 participants)
#    included: 45 % of the writing.  While ``PDF.write`` runs, the bytes of
#    each numbered object (one of ``pdf.objects``, which the PDF keeps alive)
#    are kept for the second request; ``write`` changes no object between
#    the two, so the bytes are the same.

from __future__ import annotations

import ctypes.util
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import metadata

# Major versions whose code the patches were checked against.
WEASYPRINT_CHECKED = range(62, 80)  # the range pyproject.toml allows
STYLE_FOR_CHECKED = range(70, 71)  # StyleFor's two passes, as read in 70.0
PYDYF_CHECKED = ("0.11.", "0.12.", "0.13.")

# Two threads importing at once must not take each other's replacement for
# the original function; two threads writing PDFs share one patched class.
_IMPORT_LOCK = threading.Lock()
_PDF_LOCK = threading.Lock()
_writers = 0
_original_page_references: object = None
_SERIALISED_LOCK = threading.Lock()
_serialising = 0
_original_data: dict[type, property] = {}
_original_write: object = None
_written = threading.local()  # .objects: id → (object, bytes), during one PDF.write
_STYLE_LOCK = threading.Lock()
_renders = 0
_original_style_for: type | None = None


@cache
def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def weasyprint_checked() -> bool:
    """Whether the installed WeasyPrint is one whose library loading was checked."""
    major = _version("weasyprint").split(".")[0]
    return major.isdigit() and int(major) in WEASYPRINT_CHECKED


def style_for_checked() -> bool:
    """Whether the installed WeasyPrint makes styles the way deferred_pseudo_styles expects."""
    major = _version("weasyprint").split(".")[0]
    return major.isdigit() and int(major) in STYLE_FOR_CHECKED


def pydyf_checked() -> bool:
    """Whether the installed pydyf is one whose ``page_references`` was checked."""
    return _version("pydyf").startswith(PYDYF_CHECKED)


def import_weasyprint() -> None:
    """Import WeasyPrint (with its C libraries); nothing to do if it is imported already."""
    if "weasyprint.text.ffi" in sys.modules:
        return
    with _IMPORT_LOCK:
        if "weasyprint.text.ffi" in sys.modules:
            return  # another thread imported it meanwhile
        original = ctypes.util.find_library
        ldconfig_only: Callable[[str], str | None] | None = getattr(
            ctypes.util, "_findSoname_ldconfig", None
        )
        patch = (
            sys.platform.startswith("linux") and ldconfig_only is not None and weasyprint_checked()
        )
        try:
            if patch:
                # Module-wide for the length of the import: a thread looking up
                # a library meanwhile gets the ldconfig cache's answer too.
                ctypes.util.find_library = ldconfig_only  # type: ignore[assignment]
            with warnings.catch_warnings():
                # WeasyPrint warns on import when the system lacks HarfBuzz-Subset;
                # it then subsets fonts with fontTools, which works.
                warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
                # And when fontconfig finds no installed font at all: a template
                # brings its own font files (@font-face), and glyphs.py names
                # any family the template names but neither carries nor finds.
                warnings.filterwarnings("ignore", r".*FontConfig.*Expect ugly output", UserWarning)
                import weasyprint.text.ffi  # noqa: F401  (imports weasyprint first)
        finally:
            if patch:
                ctypes.util.find_library = original


def _cached_page_references(pdf: object) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]  # type: ignore[attr-defined]
    cached = pdf.__dict__.get("_reportgen_page_references")
    if cached is None or cached[0] is not kids or cached[1] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = (kids, len(kids), references)
        pdf.__dict__["_reportgen_page_references"] = cached
    return cached[2]


CACHED_PAGE_REFERENCES = property(_cached_page_references)


@contextmanager
def cached_page_references() -> Iterator[None]:
    """pydyf's ``page_references`` built once per page count, while the block runs.

    The class is restored when the last thread inside leaves; on a pydyf that
    was not checked, nothing is changed.
    """
    global _writers, _original_page_references
    import pydyf

    if not (pydyf_checked() and isinstance(pydyf.PDF.__dict__.get("page_references"), property)):
        yield
        return
    with _PDF_LOCK:
        if _writers == 0:
            _original_page_references = pydyf.PDF.__dict__["page_references"]
            pydyf.PDF.page_references = CACHED_PAGE_REFERENCES  # type: ignore[assignment]
        _writers += 1
    try:
        yield
    finally:
        with _PDF_LOCK:
            _writers -= 1
            if _writers == 0:
                pydyf.PDF.page_references = _original_page_references  # type: ignore[assignment]
                _original_page_references = None


@cache
def deferring_style_for(base: type) -> type:
    """A subclass of WeasyPrint's ``StyleFor`` that makes pseudo-element styles on demand."""

    class DeferringStyleFor(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            # (element, pseudo-element) → what set_computed_styles would have used.
            self._deferred: dict[tuple[object, str], tuple[dict, object, object, str]] = {}
            self._deferring = True
            try:
                super().__init__(*args, **kwargs)
            finally:
                self._deferring = False

        def set_computed_styles(
            self,
            element: object,
            parent: object,
            root: object = None,
            pseudo_type: str | None = None,
            base_url: str | None = None,
            target_collector: object = None,
        ) -> None:
            if self._deferring and pseudo_type is not None:
                cascaded = self._cascaded_styles.get((element, pseudo_type), {})
                if "anchor" not in cascaded:
                    self._deferred[element, pseudo_type] = (cascaded, parent, root, base_url)
                    return
            super().set_computed_styles(
                element, parent, root, pseudo_type, base_url, target_collector
            )

        def __call__(self, element: object, pseudo_type: str | None = None) -> object:
            if pseudo_type is not None:
                deferred = self._deferred.pop((element, pseudo_type), None)
                if deferred is not None:
                    cascaded, parent, root, base_url = deferred
                    key = (element, pseudo_type)
                    self._cascaded_styles[key] = cascaded
                    try:
                        super().set_computed_styles(element, parent, root, pseudo_type, base_url)
                    finally:
                        del self._cascaded_styles[key]
            return super().__call__(element, pseudo_type)

    DeferringStyleFor.__name__ = DeferringStyleFor.__qualname__ = "DeferringStyleFor"
    return DeferringStyleFor


@contextmanager
def deferred_pseudo_styles() -> Iterator[None]:
    """Styles made while the block runs (``HTML.render``) make pseudo-element styles on demand.

    WeasyPrint's ``StyleFor`` is restored when the last thread inside leaves;
    on a WeasyPrint that was not checked, nothing is changed.
    """
    global _renders, _original_style_for
    import weasyprint.css

    if not (style_for_checked() and isinstance(weasyprint.css.__dict__.get("StyleFor"), type)):
        yield
        return
    with _STYLE_LOCK:
        if _renders == 0:
            _original_style_for = weasyprint.css.StyleFor
            weasyprint.css.StyleFor = deferring_style_for(_original_style_for)
        _renders += 1
    try:
        yield
    finally:
        with _STYLE_LOCK:
            _renders -= 1
            if _renders == 0:
                weasyprint.css.StyleFor = _original_style_for
                _original_style_for = None


def _serialised_once(own: property) -> property:
    def data(self: object) -> bytes:
        kept = getattr(_written, "objects", None)
        if kept is None or self.number is None:  # type: ignore[attr-defined]
            return own.fget(self)  # type: ignore[misc]
        entry = kept.get(id(self))
        if entry is None:
            entry = kept[id(self)] = (self, own.fget(self))  # type: ignore[misc]
        return entry[1]

    return property(data)


def _writing_once(own: Callable[..., object]) -> Callable[..., object]:
    def write(self: object, *args: object, **kwargs: object) -> object:
        outer = getattr(_written, "objects", None)
        _written.objects = {}
        try:
            return own(self, *args, **kwargs)
        finally:
            _written.objects = outer

    return write


@contextmanager
def serialised_once() -> Iterator[None]:
    """While the block runs, ``pydyf.PDF.write`` computes each numbered object's bytes once.

    pydyf is restored when the last thread inside leaves; on a pydyf that was
    not checked, nothing is changed.
    """
    global _serialising, _original_write
    import pydyf

    classes = (pydyf.Dictionary, pydyf.Array, pydyf.String, pydyf.Stream)
    if not (pydyf_checked() and all(isinstance(c.__dict__.get("data"), property) for c in classes)):
        yield
        return
    with _SERIALISED_LOCK:
        if _serialising == 0:
            _original_write = pydyf.PDF.write
            pydyf.PDF.write = _writing_once(_original_write)  # type: ignore[method-assign]
            for cls in classes:
                _original_data[cls] = cls.__dict__["data"]
                cls.data = _serialised_once(_original_data[cls])  # type: ignore[method-assign]
        _serialising += 1
    try:
        yield
    finally:
        with _SERIALISED_LOCK:
            _serialising -= 1
            if _serialising == 0:
                for cls, own in _original_data.items():
                    cls.data = own  # type: ignore[method-assign]
                _original_data.clear()
                pydyf.PDF.write = _original_write  # type: ignore[method-assign]
                _original_write = None
