"""What absorb found, as people read it and as JSON."""

from __future__ import annotations

import json

from . import Absorbed

SHOWN_CHARS = 300  # the three versions of a conflict are shown at this length at most


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def describe(result: Absorbed) -> list[str]:
    """The findings besides the diff: conflicts, overrides, comments, what was not absorbed."""
    lines: list[str] = []
    if result.conflicts:
        lines.append(
            f"{len(result.conflicts)} conflict(s): changed in {result.source} since the DOCX "
            "was generated, and changed by the reviewers; nothing written"
        )
        for conflict in result.conflicts:
            lines += [
                f"  {conflict.path}:",
                f"    as generated: {_shown(conflict.generated)}",
                f"    in the input: {_shown(conflict.current)}",
                f"    as reviewed:  {_shown(conflict.reviewed)}",
            ]
    for override in result.overrides:
        instance = f" for {override['for']}" if override.get("for") else ""
        lines.append(
            f"override of the composed block {override['block']}{instance}: "
            f"“{_shown(override['text'])}” replaces “{_shown(override['replaces'])}”"
        )
    for comment in result.comments:
        fields = ", ".join(comment.fields) or "the document"
        words = f" on “{_shown(comment.marked)}”" if comment.marked else ""
        who = comment.author or "someone"
        when = f" ({comment.date[:10]})" if comment.date else ""
        lines.append(f"comment by {who}{when} on {fields}{words}: {_shown(comment.text)}")
    for note in result.notes:
        lines.append(f"not absorbed: {note.where}: {note.text}")
    if result.by_text:
        lines.append("matched by their words (their marks were gone): " + ", ".join(result.by_text))
    return lines


def as_json(result: Absorbed) -> dict[str, object]:
    return {
        "input": str(result.source),
        "changed": result.changed,
        "diff": result.diff,
        "written": str(result.written) if result.written else None,
        "backup": str(result.backup) if result.backup else None,
        "conflicts": [
            {
                "path": c.path,
                "generated": c.generated,
                "input": c.current,
                "reviewed": c.reviewed,
            }
            for c in result.conflicts
        ],
        "overrides": result.overrides,
        "comments": [
            {
                "author": c.author,
                "date": c.date,
                "text": c.text,
                "marked": c.marked,
                "fields": c.fields,
            }
            for c in result.comments
        ],
        "not_absorbed": [{"where": n.where, "text": n.text} for n in result.notes],
        "matched_by_text": result.by_text,
    }
