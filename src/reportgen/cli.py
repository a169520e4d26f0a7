"""The ``reportgen`` command line: a thin layer over the pipeline.

Library errors become messages here and only here; heavy libraries
(WeasyPrint, python-docx) are imported by the commands that need them, so
``--help``, ``validate``, ``schema`` and ``new`` start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from .errors import EXIT_BUG, ReportgenError, UsageError


def _edge(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn reportgen's errors into messages and exit codes (errors.py holds the table)."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ReportgenError as error:
            for line in error.lines():
                click.echo(line, err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; outputs already in place were left untouched", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The program reading the output stopped (`reportgen templates | head`).
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception:
            import traceback

            traceback.print_exc()
            click.echo(
                "This is a bug in reportgen, not a problem with your files. Please report it "
                "with the lines above and, if you can, the input that caused it.",
                err=True,
            )
            sys.exit(EXIT_BUG)

    return wrapper


def as_json_text(data: object) -> str:
    """``data`` as indented JSON (json is imported only by the commands that print it)."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False)


def expand_inputs(inputs: tuple[str, ...]) -> list[Path]:
    """Files as given, and every ``*.yaml`` in a folder (sorted)."""
    paths: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
            )
            if not found:
                raise UsageError(f"{path}: no *.yaml input in this folder")
            paths.extend(found)
        else:
            paths.append(path)
    stems: dict[str, Path] = {}
    for path in paths:
        if path.stem in stems and stems[path.stem] != path:
            raise UsageError(
                f"{path}: writes the same outputs as {stems[path.stem]} ({path.stem}.docx); "
                "rename one of them or generate them into different --output-dir folders"
            )
        stems[path.stem] = path
    return paths


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportgen")
def cli() -> None:
    """Draft the follow-up report of an expert meeting.

    Write the facts of the meeting in one YAML file, then:

    \b
      reportgen new inputs/my-workshop.yaml      start from a commented example
      reportgen validate inputs/my-workshop.yaml check it
      reportgen generate inputs/my-workshop.yaml write outputs/my-workshop.docx and .pdf
      reportgen publish reviewed.docx            the PDF to publish, after review
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "--output-dir",
    "-o",
    default="outputs",
    show_default=True,
    type=click.Path(),
    help="Folder the DOCX and PDF are written to.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["docx", "pdf"]),
    help="Write only this format (repeat for both; default both).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a DOCX edited since it was generated, keeping the edited file "
    "as <name>.edited-<date>-<time>.docx.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to use (default: one per core; a single report then renders "
    "its PDF on a second core while the DOCX is built). 1 keeps to one process.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
@click.option("--timings", is_flag=True, help="Print the time of each phase on stderr.")
@_edge
def generate(
    inputs: tuple[str, ...],
    output_dir: str,
    formats: tuple[str, ...],
    force: bool,
    jobs: int | None,
    as_json: bool,
    timings: bool,
) -> None:
    """Validate each INPUT and write OUTDIR/<stem>.docx and OUTDIR/<stem>.pdf.

    INPUT is a YAML file, or a folder: every *.yaml in it.  Several inputs
    are rendered in parallel; one bad input does not stop the others.

    \b
    Example:
      reportgen generate inputs/tbilisi-2018-migrant-integration.yaml
      reportgen generate inputs/ --output-dir season-2019 --format pdf
    """
    from .batch import run_batch

    paths = expand_inputs(inputs)
    results = run_batch(
        paths,
        Path(output_dir),
        formats=tuple(formats) or ("docx", "pdf"),
        force=force,
        jobs=jobs,
        progress=not as_json and sys.stderr.isatty(),
    )
    failed = 0
    for result in results:
        if result.error_lines:
            failed += 1
            for line in result.error_lines:
                click.echo(line, err=True)
        else:
            for warning in result.warnings:
                click.echo(f"{result.source}: warning: {warning}", err=True)
            for backup in result.backups:
                click.echo(f"{result.source}: kept the edited DOCX as {backup}", err=True)
            if not as_json:
                for path in result.written:
                    click.echo(str(path))
        if timings and result.timings:
            click.echo(
                f"{result.source}: " + " ".join(f"{k}={v:.3f}s" for k, v in result.timings.items()),
                err=True,
            )
    if len(results) > 1:
        click.echo(
            f"{len(results) - failed} of {len(results)} reports written"
            + (f", {failed} failed" if failed else ""),
            err=True,
        )
    if as_json:
        click.echo(as_json_text({"results": [r.as_json() for r in results]}))
    if failed:
        sys.exit(max(r.exit_code for r in results))


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the errors as JSON on stdout.")
@_edge
def validate(inputs: tuple[str, ...], as_json: bool) -> None:
    """Check each INPUT without writing anything.

    Prints every error as FILE:LINE: field.path: message; exits 1 if any.

    \b
    Example:
      reportgen validate inputs/tbilisi-2018-migrant-integration.yaml
    """
    from .source import validate_file

    problems = []
    for path in expand_inputs(inputs):
        problems.extend(validate_file(path))
    if as_json:
        click.echo(as_json_text({"errors": [p.as_json() for p in problems]}))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)


@cli.command()
@click.argument("reviewed", type=click.Path())
@click.option(
    "--output",
    "-o",
    type=click.Path(),
    default=None,
    help="The PDF to write, or a folder to write <name>.pdf into "
    "(default: beside the DOCX, same name).",
)
@click.option(
    "--accept-changes",
    is_flag=True,
    help="Publish with tracked changes accepted (insertions kept, deletions "
    "dropped) and comments left out.",
)
@click.option("--draft", is_flag=True, help="Keep the DRAFT mark (a PDF for a review round).")
@click.option("--timings", is_flag=True, help="Print the time of each phase on stderr.")
@_edge
def publish(
    reviewed: str, output: str | None, accept_changes: bool, draft: bool, timings: bool
) -> None:
    """Render the PDF to publish from a DOCX that reviewers edited.

    Refuses a DOCX that still holds tracked changes or comments, listing
    each, unless --accept-changes.

    \b
    Example:
      reportgen publish outputs/tbilisi-2018-migrant-integration.docx
      reportgen publish reviewed.docx --accept-changes --output site/report.pdf
    """
    from .pipeline import publish as publish_docx

    # On two cores the PDF is rendered in a second process (pipeline.publish).
    outcome = publish_docx(
        reviewed, output, accept_changes=accept_changes, draft=draft, overlap=True
    )
    for warning in outcome.warnings:
        click.echo(f"{reviewed}: warning: {warning}", err=True)
    if timings:
        click.echo(f"{reviewed}: {outcome.timings}", err=True)
    for path in outcome.written:
        click.echo(str(path))


@cli.command()
@click.argument("reviewed", type=click.Path())
@click.argument("input_file", metavar="[INPUT]", required=False, type=click.Path())
@click.option("--write", is_flag=True, help="Write the input (the previous one is kept beside it).")
@click.option(
    "--accept-changes",
    is_flag=True,
    help="Take tracked changes as accepted (as publish --accept-changes does).",
)
@click.option(
    "--prefer",
    type=click.Choice(["review", "input"]),
    default=None,
    help="Settle conflicts: the reviewers' text, or the input's.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON on stdout.")
@_edge
def absorb(
    reviewed: str,
    input_file: str | None,
    write: bool,
    accept_changes: bool,
    prefer: str | None,
    as_json: bool,
) -> None:
    """Take the reviewers' edits in a reportgen DOCX back into its YAML input.

    Without --write, prints the diff of the input it would write, and the
    conflicts, overrides, comments and edits it cannot absorb; writes nothing.
    INPUT defaults to the input the DOCX records.  Exits 1 on conflicts
    (changed in the input and by the reviewers) until --prefer settles them.

    \b
    Example:
      reportgen absorb reviewed.docx
      reportgen absorb reviewed.docx inputs/tbilisi-2018-migrant-integration.yaml --write
    """
    from .absorb import absorb as absorb_docx
    from .absorb.summary import as_json as findings_json
    from .absorb.summary import describe

    result = absorb_docx(
        reviewed, input_file, write=write, accept_changes=accept_changes, prefer=prefer
    )
    if as_json:
        click.echo(as_json_text(findings_json(result)))
    else:
        click.echo(result.diff, nl=False)
        for line in describe(result):
            click.echo(line)
    if result.written is not None:
        click.echo(f"{result.written}: written; the previous input is {result.backup}", err=True)
    elif not result.changed and not result.conflicts:
        click.echo(f"{result.source}: nothing to absorb: the input already says it", err=True)
    elif not write and not result.conflicts:
        click.echo(f"{result.source}: nothing written (use --write to write it)", err=True)
    if result.conflicts:
        sys.exit(1)


@cli.command()
@click.argument("source", type=click.Path())
@click.option(
    "--sheet", default=None, help="The sheet of an XLSX file to read (default: the first)."
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="HEADER=FIELD",
    help="A header and the field its column holds, as list_columns (repeatable).",
)
@click.option(
    "--gender",
    "genders",
    multiple=True,
    metavar="WORD=GENDER",
    help="A word of the file and the gender it means, as gender_values (repeatable).",
)
@click.option(
    "--rows", default=5, show_default=True, type=click.IntRange(min=0), help="Rows to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print what was read as JSON on stdout.")
@_edge
def participants(
    source: str,
    sheet: str | None,
    columns: tuple[str, ...],
    genders: tuple[str, ...],
    rows: int,
    as_json: bool,
) -> None:
    """Show how a participant spreadsheet is read: columns, counts, first rows.

    SOURCE is a .csv or .xlsx file (options given here), or an input whose
    participants.list_file names one (its own list_columns, list_sheet and
    gender_values apply).  Problems are listed as validate lists them;
    exits 1 if any.

    \b
    Example:
      reportgen participants inputs/warsaw-2019-registrations.xlsx
      reportgen participants regs.csv --column "Affiliation=organization" --gender F=woman
      reportgen participants inputs/warsaw-2019-journalists-safety-online.yaml
    """
    from .participants import describe, read_source

    roster = read_source(
        Path(source),
        sheet=sheet,
        columns=_pairs(columns, "--column"),
        gender_values=_pairs(genders, "--gender"),
    )
    if as_json:
        click.echo(as_json_text(describe(roster, rows=rows, as_data=True)))
    else:
        for line in describe(roster, rows=rows):
            click.echo(line)
    for problem in roster.problems:
        click.echo(str(problem), err=True)
    if roster.problems:
        sys.exit(1)


def _pairs(items: tuple[str, ...], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, equals, value = item.rpartition("=")
        if not equals or not key.strip() or not value.strip():
            raise UsageError(f"{option} {item!r}: write it as NAME=VALUE, e.g. {option} F=woman")
        out[key.strip()] = value.strip()
    return out


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@_edge
def new(path: str, force: bool) -> None:
    """Write a commented starter input to PATH; it validates as it stands.

    \b
    Example:
      reportgen new inputs/my-workshop.yaml
    """
    from .starter import write_starter

    write_starter(Path(path), force=force)
    click.echo(path)


@cli.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(),
    default=None,
    help="Write the schema to this file instead of stdout.",
)
@_edge
def schema(output: str | None) -> None:
    """Print the JSON Schema of the input format (for editors' YAML support).

    \b
    Example:
      reportgen schema > reportgen.schema.json
    """
    from .source import json_schema

    text = as_json_text(json_schema()) + "\n"
    if output:
        from .files.atomic import write_atomically

        write_atomically(Path(output), text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@_edge
def templates(as_json: bool) -> None:
    """List the templates found, with their languages and the names of their blocks.

    \b
    Example:
      reportgen templates
    """
    from .templates import available_templates, find_template, templates_root

    found = [find_template(name) for name in available_templates()]
    if as_json:
        click.echo(
            as_json_text(
                [
                    {
                        "name": t.name,
                        "folder": str(t.folder),
                        "languages": t.languages(),
                        "description": t.description,
                        "blocks": t.block_names(),
                    }
                    for t in found
                ]
            )
        )
        return
    if not found:
        click.echo(f"no templates in {templates_root()}", err=True)
    for template in found:
        click.echo(f"{template.name}  [{', '.join(template.languages())}]")
        if template.description:
            click.echo(f"    {template.description}")
        blocks = template.block_names()
        if blocks:
            click.echo(f"    blocks (for overrides): {', '.join(blocks)}")


@cli.command()
@click.argument("input_file", metavar="INPUT", type=click.Path())
@click.option("--output-dir", "-o", default="outputs", show_default=True, type=click.Path())
@click.option("--format", "formats", multiple=True, type=click.Choice(["docx", "pdf"]))
@click.option("--force", is_flag=True, help="As for generate.")
@_edge
def watch(input_file: str, output_dir: str, formats: tuple[str, ...], force: bool) -> None:
    """Regenerate whenever INPUT, its participant spreadsheet or its template changes.

    Ctrl-C stops watching.

    \b
    Example:
      reportgen watch inputs/tbilisi-2018-migrant-integration.yaml
    """
    from .watching import watch_and_generate

    watch_and_generate(
        Path(input_file),
        Path(output_dir),
        formats=tuple(formats) or ("docx", "pdf"),
        force=force,
        echo=lambda line: click.echo(line, err=True),
    )


def main() -> None:
    cli(prog_name="reportgen")
