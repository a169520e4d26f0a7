"""The source stage: read and validate one YAML input into a Workshop."""

from reportgen.source.loader import (
    count_people,
    load_workshop,
    participant_file,
    referenced_files,
    validate_file,
)
from reportgen.source.schema import json_schema

__all__ = [
    "count_people",
    "json_schema",
    "load_workshop",
    "participant_file",
    "referenced_files",
    "validate_file",
]
