"""The command line as a user meets it: help, exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.cli import cli
from reportgen.source import json_schema
from reportgen.starter import schema_path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(cli.commands)


def run(*args: str, cwd: Path = ROOT, check: bool = False) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "REPORTGEN_TEMPLATES": str(ROOT / "templates")},
    )
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_the_contract_commands_all_exist() -> None:
    assert {"generate", "validate", "publish", "new", "schema", "templates", "watch"} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help", check=True)
    assert "Example:" in result.stdout
    assert f"reportgen {command}" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`reportgen {command}" in readme


def test_wrong_usage_exits_with_status_2() -> None:
    assert run("generate").returncode == 2
    assert run("no-such-command").returncode == 2


def test_validate_prints_nothing_and_exits_0_on_every_example_input() -> None:
    for path in sorted((ROOT / "inputs").glob("*.yaml")):
        result = run("validate", str(path))
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), path


def test_validate_prints_each_error_with_its_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("report:\n  title: T\n  organizer: O\n  langauge: en\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:4: report.langauge: unknown key `langauge` (did you mean `language`?)" in (
        result.stderr
    )


def test_a_missing_input_is_a_user_error_not_a_crash(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere.yaml"))
    assert result.returncode == 1
    assert "nowhere.yaml" in result.stderr


def test_the_shipped_schema_is_the_one_the_validator_uses() -> None:
    shipped = json.loads(schema_path().read_text(encoding="utf-8"))
    assert shipped == json_schema(), "run: reportgen schema -o src/reportgen/data/input.schema.json"


def test_schema_prints_the_json_schema() -> None:
    result = run("schema", check=True)
    assert json.loads(result.stdout) == json_schema()


def test_new_writes_a_starter_that_validates_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "my-workshop.yaml"
    run("new", str(target), check=True)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    schema_ref = text.splitlines()[0].split("$schema=", 1)[1]
    assert (tmp_path / schema_ref).resolve() == schema_path().resolve()
    assert run("validate", str(target)).returncode == 0
    before = target.read_bytes()
    again = run("new", str(target))
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert target.read_bytes() == before


def test_templates_lists_each_template_with_its_languages() -> None:
    result = run("templates", check=True)
    assert "meeting-report  [en, fr, ru]" in result.stdout


def test_help_and_validate_do_not_import_heavy_libraries() -> None:
    example = str(ROOT / "inputs/tbilisi-2018-migrant-integration.yaml")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from reportgen.cli import cli\n"
        "CliRunner().invoke(cli, ['--help'])\n"
        f"CliRunner().invoke(cli, ['validate', {example!r}])\n"
        "heavy = [m for m in ('weasyprint', 'docx', 'lxml', 'babel', 'jinja2', 'markdown_it',"
        " 'openpyxl') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""


def test_output_piped_into_a_program_that_stops_reading_is_not_a_crash() -> None:
    import subprocess
    import sys

    # The reading end is closed before reportgen starts writing (as `| head` does early).
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "templates"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err, err.decode()
    assert process.returncode == 0
