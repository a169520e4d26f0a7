"""Importing WeasyPrint: its C libraries found without running a compiler."""

# WeasyPrint opens each C library (Pango, HarfBuzz, fontconfig, …) by trying
# a list of names meant for every platform: 'libgobject-2.0-0',
# 'gobject-2.0-0', 'gobject-2.0', 'libgobject-2.0.so.0', ….  cffi passes each
# name it cannot open directly to ctypes.util.find_library, which on Linux
# runs `ldconfig -p`, then `gcc -Wl,-t …`, then `ld -t …` as subprocesses:
# about 10–17 ms for every name that matches nothing, 16 such names on
# Debian 12, a quarter of a second of every process that renders a PDF.
#
# While WeasyPrint is imported, find_library is only its first step, the
# ldconfig cache.  That finds nothing the full search would have needed:
# every name list in WeasyPrint ends with the exact Linux soname
# ('libgobject-2.0.so.0', 'libpango-1.0.so.0', 'libharfbuzz.so.0', …),
# which cffi dlopens directly without find_library; and the gcc and ld
# fallbacks only ever return the soname of a library they find (for these
# names, that same soname), which dlopen then resolves through the same
# search path.  A library the ldconfig cache lacks (say, one only on
# LD_LIBRARY_PATH) is thus still found, by its soname, later in the list.

from __future__ import annotations

import ctypes.util
import sys
import threading
import warnings
from collections.abc import Callable

# Two threads importing at once must not take each other's replacement for
# the original function.
_LOCK = threading.Lock()


def import_weasyprint() -> None:
    """Import WeasyPrint (with its C libraries); nothing to do if it is imported already."""
    if "weasyprint.text.ffi" in sys.modules:
        return
    with _LOCK:
        if "weasyprint.text.ffi" in sys.modules:
            return  # another thread imported it meanwhile
        original = ctypes.util.find_library
        ldconfig_only: Callable[[str], str | None] | None = getattr(
            ctypes.util, "_findSoname_ldconfig", None
        )
        patch = sys.platform.startswith("linux") and ldconfig_only is not None
        try:
            if patch:
                # Module-wide for the length of the import: a thread looking up
                # a library meanwhile gets the ldconfig cache's answer too.
                ctypes.util.find_library = ldconfig_only  # type: ignore[assignment]
            with warnings.catch_warnings():
                # WeasyPrint warns on import when the system lacks HarfBuzz-Subset;
                # it then subsets fonts with fontTools, which works.
                warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
                import weasyprint.text.ffi  # noqa: F401  (imports weasyprint first)
        finally:
            if patch:
                ctypes.util.find_library = original
