"""reportgen: draft the follow-up report of an expert meeting, as DOCX and PDF.

The public API (the command line is a thin layer over it)::

    from reportgen import generate, publish, load_workshop, validate_file
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["generate", "json_schema", "load_workshop", "publish", "validate_file"]

if TYPE_CHECKING:
    from .pipeline import generate, publish
    from .source import json_schema, load_workshop, validate_file


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `reportgen --help` stays fast.
    if name in ("generate", "publish"):
        from . import pipeline

        return getattr(pipeline, name)
    if name in ("load_workshop", "validate_file", "json_schema"):
        from . import source

        return getattr(source, name)
    raise AttributeError(name)
