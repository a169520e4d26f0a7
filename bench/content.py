"""The report's content as the peer tools get it: a plain dict built from the YAML input.

A user assembling "DOCX and PDF from data" with docxtpl, Jinja + WeasyPrint,
python-docx or pandoc would write about this much glue: load the YAML, number
and group the recommendations, word the introduction, and hand the result to
a template.  It uses PyYAML and markdown-it only (no reportgen code), so the
peers pay for what they would really import.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def words(n: int) -> str:
    return WORDS[n] if 0 <= n <= 10 else str(n)


def join(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def date_text(day: dt.date | None) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def time_text(value: Any) -> str:
    """PyYAML reads ``10:30`` as the base-60 integer 630; a user's glue turns it back."""
    if isinstance(value, int):
        return f"{value // 60:02d}:{value % 60:02d}"
    return str(value or "")


def load(path: Path) -> dict[str, Any]:
    """The template context for one input file."""
    # libyaml's safe loader where available: the fastest a careful user would pick.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe loader)
    report, event = data["report"], data["event"]
    people = data.get("participants") or {}
    listed = people.get("list") or []
    women = people.get("women", sum(1 for p in listed if p.get("gender") == "woman"))
    men = people.get("men", sum(1 for p in listed if p.get("gender") == "man"))
    org = report["organizer"] + (
        f" ({report['organizer_short']})" if report.get("organizer_short") else ""
    )
    when = date_text(event.get("date") or event.get("start"))
    intro = (
        f"On {when}, the {org} held the {event.get('kind', 'event')} "
        f"“{event['name']}” in {event['city']}, {event['country']}."
    )
    states = people.get("states")
    n_states = len(states) if isinstance(states, list) else states
    participation = []
    if n_states:
        label = people.get("state_label", "participating States")
        participation.append(f"Experts from {words(n_states)} {label} took part in the discussion.")
    breakdown = join([f"{words(women)} women" if women else "", f"{words(men)} men" if men else ""])
    if breakdown:
        participation.append(
            f"The participants – {breakdown} – included representatives "
            f"of {join(people.get('sectors') or [])}."
        )

    topics = data["topics"]
    quotes = data.get("quotes") or []
    recs = data.get("recommendations") or []
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for rec in recs:
        groups.setdefault(tuple(rec.get("to") or []), []).append(rec)
    ordered = [(k, v) for k, v in groups.items() if k] + [
        (k, v) for k, v in groups.items() if not k
    ]
    number = 0
    rec_groups = []
    for key, members in ordered:
        items = []
        for rec in members:
            number += 1
            rec["number"] = number
            items.append({"number": number, "text": rec["text"]})
        rec_groups.append(
            {
                "heading": f"To {join(list(key))}" if key else "General recommendations",
                "recs": items,
            }
        )

    def quote(q: dict[str, Any]) -> dict[str, str]:
        return {
            "text": f"“{q['text']}”",
            "attribution": q["speaker"] + (f", {q['role']}" if q.get("role") else ""),
        }

    topic_list = []
    for topic in topics:
        numbers = [str(r["number"]) for r in recs if r.get("topic") == topic["id"]]
        topic_list.append(
            {
                "title": topic["title"],
                "summary": topic["summary"],
                "points": topic.get("points") or [],
                "good_practices": topic.get("good_practices") or [],
                "challenges": topic.get("challenges") or [],
                "quotes": [quote(q) for q in quotes if q.get("topic") == topic["id"]],
                "see": (
                    f"See recommendation{'s' if len(numbers) > 1 else ''} {join(numbers)}."
                    if numbers
                    else ""
                ),
            }
        )
    agenda = [
        {
            "time": time_text(item.get("time")),
            "title": item["title"],
            "speakers": join(item.get("speakers") or []),
        }
        for item in data.get("agenda") or []
    ]
    listed_rows = (
        [
            {
                "name": p["name"],
                "role": p.get("role", ""),
                "organization": p.get("organization", ""),
                "country": p.get("country", ""),
            }
            for p in listed
        ]
        if people.get("publish_list")
        else []
    )
    contact = data.get("contact") or {}
    return {
        "title": report["title"],
        "subtitle": report.get("subtitle", "Meeting report"),
        "organizer": report["organizer"],
        "reference": report.get("reference", ""),
        "date": date_text(report.get("date")),
        "draft": report.get("status", "draft") == "draft",
        "event_line": f"{event['name']}, {when}, {event['city']}, {event['country']}",
        "summary": report.get("summary", ""),
        "intro": intro,
        "background": event.get("background", ""),
        "participation": " ".join(participation),
        "topics_sentence": "The topics discussed included: "
        + join([t["title"] for t in topics])
        + ".",
        "general_quotes": [quote(q) for q in quotes if not q.get("topic")],
        "topics": topic_list,
        "rec_intro": f"The participants put forward the following {words(len(recs))} "
        "recommendations.",
        "rec_groups": rec_groups,
        "follow_up": data.get("follow_up", ""),
        "contact": (
            f"For further information about this report, please contact "
            f"{contact.get('name', '')} ({contact.get('email', '')})."
            if contact
            else ""
        ),
        "agenda": agenda,
        "participants": listed_rows,
        "participants_annex": "Annex 2: List of participants"
        if agenda
        else "Annex 1: List of participants",
    }


def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": True}).use(footnote_plugin)


def blocks(source: str, md: MarkdownIt | None = None) -> list[dict[str, Any]]:
    """Markdown as paragraphs of runs, for the DOCX peers: [{"list": bool, "runs": [...]}].

    A run is (text, bold, italic, href); a footnote reference becomes "[n]" and
    its note a paragraph after the text, which is what such glue usually does.
    """
    md = md or markdown()
    tokens = md.parse(source or "")
    out: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    in_item = 0
    in_note = False
    for token in tokens:
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        elif token.type == "footnote_open":
            in_note = True
        elif token.type == "footnote_close":
            in_note = False
        elif token.type == "inline":
            runs = _runs(token.children or [])
            if in_note:
                runs.insert(0, (f"[{len(notes) + 1}] ", False, False, None))
                notes.append({"list": False, "runs": runs, "note": True})
            else:
                out.append({"list": bool(in_item), "runs": runs, "note": False})
    return out + notes


def _runs(children: list[Any]) -> list[tuple[str, bool, bool, str | None]]:
    runs: list[tuple[str, bool, bool, str | None]] = []
    bold = italic = False
    href: str | None = None
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            href = None
        elif kind in ("text", "code_inline"):
            runs.append((child.content, bold, italic, href))
        elif kind in ("softbreak", "hardbreak"):
            runs.append((" ", bold, italic, href))
        elif kind == "footnote_ref":
            runs.append((f"[{child.meta['id'] + 1}]", bold, italic, None))
    merged: list[tuple[str, bool, bool, str | None]] = []
    for run in runs:  # one run per formatting change, as a person would write them
        if merged and merged[-1][1:] == run[1:]:
            merged[-1] = (merged[-1][0] + run[0], *run[1:])
        else:
            merged.append(run)
    return merged
