"""Errors a user can cause, and the one table that maps them to exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Exit status, as fixed by the command-line contract (spec/cli.md).
EXIT_OK = 0
EXIT_USER_ERROR = 1  # invalid input, refusal to overwrite, review marks, missing template
EXIT_USAGE = 2  # wrong usage of the command line
EXIT_BUG = 3  # an unexpected exception: a bug in reportgen, never the user's fault


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a file, at a place a person can go to.

    Rendered as ``FILE:LINE: field.path: message`` (line and field are left
    out when unknown).  A file without lines names its place instead: a
    spreadsheet cell, ``FILE:Sheet!C17: field: message``.
    """

    file: str
    line: int | None
    field: str
    message: str
    place: str | None = None  # where ``line`` cannot say it, e.g. "Participants!C17"

    def __str__(self) -> str:
        where = self.place if self.place is not None else self.line
        place = self.file if where is None else f"{self.file}:{where}"
        if self.field:
            return f"{place}: {self.field}: {self.message}"
        return f"{place}: {self.message}"

    def as_json(self) -> dict[str, object]:
        """The problem for ``--json`` output; ``place`` only where there is one."""
        out: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }
        if self.place is not None:
            out["place"] = self.place
        return out


class ReportgenError(Exception):
    """A problem with the user's files or usage: shown as a message, never a traceback.

    ``problems`` lists every located problem (all errors of a file at once);
    ``hint`` says what to do about it.
    """

    exit_code = EXIT_USER_ERROR

    def __init__(
        self,
        message: str,
        *,
        problems: list[Problem] | tuple[Problem, ...] = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)
        self.hint = hint

    def lines(self) -> list[str]:
        """The message as a person reads it, one line per problem."""
        out = [str(p) for p in self.problems] if self.problems else [self.message]
        if self.hint:
            out.append(f"hint: {self.hint}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __reduce__(self) -> tuple[object, ...]:
        # Whole, with its problems and hint, when it crosses from the PDF process.
        return (_rebuild, (type(self), self.message, self.problems, self.hint))


def _rebuild(
    kind: type[ReportgenError], message: str, problems: tuple[Problem, ...], hint: str | None
) -> ReportgenError:
    return kind(message, problems=problems, hint=hint)


class InputError(ReportgenError):
    """The YAML input is not valid; ``problems`` holds every error found in it."""

    @classmethod
    def at(cls, file: str | Path, line: int | None, field: str, message: str) -> InputError:
        problem = Problem(str(file), line, field, message)
        return cls(str(problem), problems=[problem])


class TemplateError(ReportgenError):
    """A template is missing, or failed while composing the report."""


class ReviewError(ReportgenError):
    """A reviewed DOCX still holds tracked changes or comments."""


class UnsafeDocumentError(ReportgenError):
    """A DOCX given to reportgen is not one it can safely read."""


class OverwriteError(ReportgenError):
    """Writing would destroy someone's work (an edited DOCX, a locked output)."""


class OutputError(ReportgenError):
    """An output cannot be written: no permission, no space, a file where a folder should be."""


class UsageError(ReportgenError):
    """The command line was used wrongly."""

    exit_code = EXIT_USAGE
