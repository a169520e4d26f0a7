"""``reportgen new``: a commented starter input that validates as it stands."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from .errors import OverwriteError, UsageError

SCHEMA_FILE = "input.schema.json"


def starter_text() -> str:
    return files("reportgen").joinpath("data", "starter.yaml").read_text(encoding="utf-8")


def schema_path() -> Path:
    """The JSON Schema shipped with reportgen (kept equal to `reportgen schema` by a test)."""
    return Path(str(files("reportgen").joinpath("data", SCHEMA_FILE)))


def write_starter(path: Path, *, force: bool = False) -> None:
    """Write the starter to ``path``; an existing file is kept unless ``force``."""
    from .files.atomic import write_atomically

    if path.suffix not in (".yaml", ".yml"):
        raise UsageError(f"{path}: an input file ends in .yaml")
    if path.exists() and not force:
        raise OverwriteError(
            f"{path}: already exists; not replacing it", hint="choose another name, or add --force"
        )
    # Editors with YAML support (yaml-language-server) complete and check
    # fields from this schema while the rapporteur types.
    schema = Path(os.path.relpath(schema_path(), path.resolve().parent)).as_posix()
    text = f"# yaml-language-server: $schema={schema}\n" + starter_text()
    write_atomically(path, text.encode("utf-8"))
