"""The source stage: read and validate one YAML input into a Workshop."""

from reportgen.source.loader import load_workshop, validate_file
from reportgen.source.schema import json_schema

__all__ = ["json_schema", "load_workshop", "validate_file"]
