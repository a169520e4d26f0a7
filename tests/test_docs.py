"""The documentation covers every command and every field of the input format."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.cli import cli
from reportgen.source import json_schema

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
INPUT_FORMAT = ROOT / "docs" / "input-format.md"
TEMPLATES = ROOT / "docs" / "templates.md"
HEADING = re.compile(r"^#{2,4} (?P<title>.+)$", re.MULTILINE)
FIRST_CODE = re.compile(r"`([^`]+)`")


def fields(schema: dict[str, Any], parent: str = "") -> Iterator[tuple[str, str]]:
    """Every field of the schema as (parent path, name); list items share their list's path."""
    for name, prop in schema.get("properties", {}).items():
        yield parent, name
        yield from fields(prop, f"{parent}.{name}" if parent else name)
    if "items" in schema:
        yield from fields(schema["items"], parent)
    for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
        yield from fields(alternative, parent)


def sections(markdown: str) -> dict[str, str]:
    """Each section's text, keyed by the first `code` in its heading (e.g. `participants.list`)."""
    out: dict[str, str] = {}
    headings = list(HEADING.finditer(markdown))
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        code = FIRST_CODE.search(heading["title"])
        if code:
            end = following.start() if following else len(markdown)
            out[code.group(1)] = markdown[heading.end() : end]
    return out


ALL_FIELDS = sorted(set(fields(json_schema())))


def test_the_schema_walk_finds_the_nested_fields() -> None:
    assert ("", "report") in ALL_FIELDS
    assert ("participants.list", "gender") in ALL_FIELDS
    assert ("agenda", "day") in ALL_FIELDS
    assert len(ALL_FIELDS) > 60


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    readme = README.read_text(encoding="utf-8")
    assert f"`reportgen {command}" in readme


@pytest.mark.parametrize(
    ("parent", "name"), ALL_FIELDS, ids=[f"{p}.{n}" if p else n for p, n in ALL_FIELDS]
)
def test_every_input_field_is_documented_in_its_section(parent: str, name: str) -> None:
    documented = sections(INPUT_FORMAT.read_text(encoding="utf-8"))
    if not parent:
        assert name in documented, f"docs/input-format.md needs a section headed `{name}`"
        return
    assert parent in documented, f"docs/input-format.md needs a section headed `{parent}`"
    assert f"`{name}`" in documented[parent], (
        f"docs/input-format.md: the `{parent}` section does not describe `{name}`"
    )


def test_the_docs_link_only_to_files_that_exist() -> None:
    for page in (README, INPUT_FORMAT, TEMPLATES, ROOT / "docs" / "how-it-works.md"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address or mailto:
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_the_template_guide_covers_every_theme_key_and_css_variable() -> None:
    from reportgen.templates import Theme

    guide = TEMPLATES.read_text(encoding="utf-8")
    for line in Theme().css_variables().splitlines():
        variable = re.match(r"\s*(--[a-z0-9-]+):", line)
        if variable:
            assert f"`{variable.group(1)}`" in guide, variable.group(1)
    for key in (
        "extends",
        "description",
        "logo",
        "fonts.body",
        "fonts.headings",
        "fonts.fallback",
        "colors.table_header",
        "line_spacing",
        "page.margin_top",
    ):
        assert f"`{key}`" in guide, key


def test_the_template_guide_names_everything_a_template_can_use() -> None:
    from jinja2 import Environment

    from reportgen.compose import template_context
    from reportgen.compose.environment import make_environment
    from reportgen.documents import KNOWN_PARAGRAPH_STYLES
    from reportgen.language import Language
    from reportgen.source import load_workshop
    from reportgen.templates import find_template

    guide = TEMPLATES.read_text(encoding="utf-8")
    template = find_template("meeting-report")
    workshop = load_workshop(ROOT / "inputs" / "tbilisi-2018-migrant-integration.yaml")
    env = make_environment(template, Language("en"))
    plain = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    names = {
        *template_context(workshop, template),
        *(set(env.filters) - set(plain.filters)),
        *(set(env.globals) - set(plain.globals)),
    }
    missing = sorted(name for name in names if f"`{name}`" not in guide)
    assert not missing, f"docs/templates.md does not describe {missing}"
    for style in KNOWN_PARAGRAPH_STYLES:
        assert f"`{style}`" in guide, style
