"""Reviewers' edits in a generated DOCX taken back into its YAML input (spec/cli.md, absorb)."""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import documents as d
from ..errors import InputError, ReportgenError, UnsafeDocumentError, UsageError
from ..provenance import Record
from .changes import Note
from .merge import Conflict, Edit, Plan
from .reviewed import Comment

if TYPE_CHECKING:
    from ..source.yamledit import YamlEditor
    from .alignment import Alignment
    from .reviewed import Leaf

PREFERENCES = ("review", "input")


@dataclass
class Absorbed:
    """What absorb found, and what it wrote (``written`` is None on a dry run)."""

    source: Path
    before: str
    after: str
    comments: list[Comment] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    overrides: list[dict[str, object]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    by_text: list[str] = field(default_factory=list)  # fields matched by their words
    written: Path | None = None
    backup: Path | None = None
    compared_with_input: bool = False  # no record in the DOCX: compared with the input now

    @property
    def diff(self) -> str:
        name = str(self.source)
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=name,
                tofile=f"{name} (absorbed)",
            )
        )

    @property
    def changed(self) -> bool:
        return self.before != self.after


def absorb(
    reviewed: Path | str,
    source: Path | str | None = None,
    *,
    write: bool = False,
    accept_changes: bool = False,
    prefer: str | None = None,
) -> Absorbed:
    """Take the edits in ``reviewed`` back into ``source`` (default: the input it records).

    Without ``write`` nothing is written: the result holds the input before
    and after, the comments, conflicts, overrides and what could not be
    absorbed.  With ``write`` the input is replaced atomically, the previous
    one kept as ``<stem>.before-absorb-<YYYYmmdd-HHMMSS>.yaml``; nothing is
    written while conflicts are unsettled (``prefer``: "review" or "input").
    """
    from ..language import Language
    from ..source.yamlload import read_yaml
    from ..word import safety
    from .alignment import align
    from .changes import find_changes
    from .merge import plan
    from .reviewed import read_reviewed

    if prefer is not None and prefer not in PREFERENCES:
        raise UsageError(f"--prefer {prefer}: choose review or input")
    reviewed = Path(reviewed)
    where = str(reviewed)
    data = safety.read_docx_file(reviewed)
    found = read_reviewed(data, accept_changes=accept_changes, where=where)
    record = found.record
    compared_with_input = False
    if record is None and source is None:
        raise UnsafeDocumentError(
            f"{where}: this DOCX was not made by reportgen: it holds no record of the input "
            "it was made from, so its edits cannot be taken back",
            hint="absorb works on a DOCX that `reportgen generate` wrote (and reviewers "
            "edited); if its text was pasted into a new document, name the input: "
            f"reportgen absorb {reviewed} INPUT.yaml",
        )
    if record is None:
        # The text was pasted into a new document: compare it with the input as it is now.
        record = _record_of(Path(source))  # type: ignore[arg-type]
        compared_with_input = True
    input_path = _input_path(record, source, reviewed)
    raw = _read_input(input_path)
    before = raw.decode("utf-8-sig")
    current = read_yaml(input_path).data
    unchanged = compared_with_input or _digest(raw) == record.digest
    for comment in found.comments:
        comment.fields = _places(record, comment.marks)
    alignment = align(found.leaves, record)
    if compared_with_input:
        _check_resemblance(found.leaves, alignment, where, input_path)
    changes = find_changes(
        found.document, found.leaves, alignment, record, Language(record.language or "en")
    )
    result = plan(changes, record, current, unchanged=unchanged, prefer=prefer)
    after = _applied(before, str(input_path), result) if not result.conflicts else before
    absorbed = Absorbed(
        input_path,
        before,
        after,
        comments=found.comments,
        conflicts=result.conflicts,
        overrides=[e.value for e in result.edits if e.kind == "append"],  # type: ignore[misc]
        notes=changes.notes,
        by_text=sorted(changes.by_text),
        compared_with_input=compared_with_input,
    )
    if write and not result.conflicts and absorbed.changed:
        _check_valid(input_path, after)
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        absorbed.written, absorbed.backup = _write(input_path, raw, bom + after.encode("utf-8"))
    return absorbed


# A DOCX without a record must match the input in at least this share of its paragraphs.
RESEMBLANCE = 0.5


def _record_of(source: Path) -> Record:
    """The record generate would write today for ``source``: for a DOCX that lost its own."""
    from ..compose import compose
    from ..source import load_workshop
    from ..templates import find_template
    from ..word.writer import write_docx
    from .reviewed import read_reviewed

    workshop = load_workshop(source)
    template = find_template(workshop.report.template, base=source.parent)
    document = compose(workshop, template)
    assert document.record is not None
    document.record.input_name = source.name
    document.record.input_path = str(source)
    record = read_reviewed(write_docx(document, template), accept_changes=True, where="").record
    assert record is not None
    return record


def _check_resemblance(leaves: list[Leaf], alignment: Alignment, where: str, source: Path) -> None:
    """Refuse a foreign DOCX: most of its paragraphs must be the input's report."""
    from .alignment import leaf_text

    texts = [i for i, leaf in enumerate(leaves) if leaf_text(leaf).strip()]
    matched = [i for i in texts if alignment.entries[i] is not None]
    if not texts or len(matched) < RESEMBLANCE * len(texts):
        raise UnsafeDocumentError(
            f"{where}: this DOCX holds no record of the input it was made from, and only "
            f"{len(matched)} of its {len(texts)} paragraphs read like the report on {source}; "
            "it is not taken for that report",
            hint="absorb takes back the edits in a DOCX that `reportgen generate` made from "
            "this input",
        )


def paragraph_texts(data: bytes, skip_blocks: frozenset[str] = frozenset()) -> list[str]:
    """What a DOCX says, paragraph by paragraph, formatting included, as absorb reads it.

    Tracked changes count as accepted; a table's header row is bold by its
    style, whether or not an editor wrote that out.  ``skip_blocks`` leaves
    out composed blocks of those names.
    """
    from ..compose.markdown_writer import to_markdown
    from .changes import in_header_row, without_strong
    from .reviewed import read_reviewed

    found = read_reviewed(data, accept_changes=True, where="")
    out = []
    for leaf in found.leaves:
        entry = found.record.entries.get(leaf.mark) if found.record and leaf.mark else None
        if entry is not None and entry.origin.block in skip_blocks:
            continue
        block = leaf.block
        if isinstance(block, d.TableOfContents):
            out.append(block.title)
            continue
        children = without_strong(block.children) if in_header_row(leaf) else block.children
        out.append(" ".join(to_markdown([d.Paragraph(children)]).split()))
    return out


def same_text(edited: bytes, generated: bytes) -> bool:
    """Whether two DOCX files say the same, paragraph by paragraph, formatting included.

    ``generate`` replaces an edited DOCX without --force when the new one
    says what it says: the reviewers' edits were all absorbed.
    """
    return paragraph_texts(edited) == paragraph_texts(generated)


def _places(record: Record, keys: list[str]) -> list[str]:
    """The fields (or composed blocks) that marked paragraphs show, each once."""
    places: list[str] = []
    for key in keys:
        entry = record.entries.get(key)
        if entry is None:
            continue
        found = [p for slot in entry.origin.slots for p in slot.paths] or [entry.origin.block]
        places += [p for p in found if p and p not in places]
    return places


def _input_path(record: Record, given: Path | str | None, reviewed: Path) -> Path:
    """The input to absorb into: as given, else the one the DOCX records."""
    if given is not None:
        path = Path(given)
        if not path.is_file():
            raise InputError.at(str(path), None, "", "file not found")
        return path
    recorded = [Path(line) for line in record.input_path.splitlines() if line]
    candidates = [*recorded]
    if record.input_name:
        candidates += [reviewed.parent / record.input_name, Path("inputs") / record.input_name]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    shown = recorded[0] if recorded else record.input_name or "?"
    raise InputError.at(
        str(shown),
        None,
        "",
        f"the input {reviewed} was made from is not here; give it as the second argument: "
        f"reportgen absorb {reviewed} INPUT.yaml",
    )


def _read_input(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError.at(str(path), None, "", f"cannot read the input: {error}") from None
    return data


def _digest(data: bytes) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(data).hexdigest()


def _applied(text: str, name: str, result: Plan) -> str:
    """The input's text with the planned edits made, every other byte as it was."""
    from ..source.yamledit import YamlEditor

    editor = YamlEditor(text, name)
    appended: list[object] = []
    for edit in result.edits:
        _apply(editor, edit, appended)
    if appended:
        data = editor.data
        existing = data.get("overrides") if isinstance(data, dict) else None
        if isinstance(existing, list):
            for value in appended:
                editor.insert(("overrides",), len(existing), value)
                existing = editor.data.get("overrides")
        else:
            editor.add_section("overrides", appended)
    return editor.text()


def _apply(editor: YamlEditor, edit: Edit, appended: list[object]) -> None:
    if edit.kind == "set" and edit.blocks is not None:
        from ..compose.markdown_writer import to_markdown

        text = to_markdown(edit.blocks, width=editor.line_width(edit.path))
        editor.set(edit.path, text + ("\n" if str(edit.value).endswith("\n") else ""))
    elif edit.kind == "set":
        editor.set(edit.path, edit.value)
    elif edit.kind == "delete":
        editor.delete(edit.path)
    elif edit.kind == "insert":
        editor.insert(edit.path, edit.index, edit.value)
    elif edit.kind == "move":
        editor.move(edit.path, edit.index, edit.target)
    elif edit.kind == "append":
        appended.append(edit.value)


def _check_valid(path: Path, text: str) -> None:
    """The absorbed input must validate before it replaces the old one."""
    import tempfile

    from ..source import validate_file

    with tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        suffix=".yaml",
        prefix=f".{path.stem}.",
        dir=path.parent,
        delete=False,
    ) as stream:
        stream.write(text)
        temporary = Path(stream.name)
    try:
        problems = validate_file(temporary)
    finally:
        temporary.unlink(missing_ok=True)
    if problems:
        lines = [str(p).replace(str(temporary), str(path)) for p in problems]
        raise ReportgenError(
            f"{path}: the reviewers' edits would make the input invalid; nothing written\n"
            + "\n".join(lines),
            hint="edit the input by hand, or the DOCX, and run absorb again",
        )


def _write(path: Path, before: bytes, after: bytes) -> tuple[Path, Path]:
    from ..files.atomic import write_all_atomically

    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}.before-absorb-{stamp}{path.suffix}")
    counter = 2
    while backup.exists():
        backup = path.with_name(f"{path.stem}.before-absorb-{stamp}-{counter}{path.suffix}")
        counter += 1
    write_all_atomically({backup: before, path: after})
    return path, backup
