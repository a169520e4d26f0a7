"""Load one input into a Workshop: read the YAML, check it against the format, build the model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.errors import InputError, Problem
from reportgen.source.model import (
    AgendaItem,
    Contact,
    Event,
    Override,
    Participants,
    Person,
    Quote,
    Recommendation,
    Report,
    Topic,
    Workshop,
)
from reportgen.source.schema import WORKSHOP, Checker
from reportgen.source.yamlload import REJECTED, FieldPath, read_yaml

if TYPE_CHECKING:
    from reportgen.source.roster import Roster


def load_workshop(path: Path | str) -> Workshop:
    """Read and validate one input; raise InputError listing every problem in it."""
    data, _ = _check(path)
    return _build(data, Path(path))


def validate_file(path: Path | str) -> list[Problem]:
    """Every problem in one input, in the order of the file; empty when it is valid."""
    try:
        _check(path)
    except InputError as exc:
        return list(exc.problems)
    return []


def _check(path: Path | str) -> tuple[dict[str, Any], Checker]:
    name = str(path)
    ck = Checker(name, read_yaml(path))
    data = WORKSHOP.check(ck.loaded.data, (), ck)
    if data is not REJECTED:
        _check_event(data, ck)
        _read_list_file(data, ck, Path(path))
        _check_participants(data, ck)
        _check_references(ck)
        _check_agenda(data, ck)
        _check_template(data, ck, Path(path).parent)
    if ck.problems:
        # The input's problems by line, then those of its participant file in its order.
        problems = sorted(ck.problems, key=lambda p: (0, p.line or 0) if p.file == name else (1, 0))
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise InputError(f"{name}: {count} in the input", problems=problems)
    return data, ck


def _check_event(data: dict[str, Any], ck: Checker) -> None:
    # Which of `date`, `start` and `end` are given is the schema's rule (Alternatives).
    event = data.get("event", {})
    if "start" in event and "end" in event and event["end"] < event["start"]:
        ck.error(("event", "end"), f"end {event['end']} is before start {event['start']}")


_OPTIONS = ("list_columns", "list_sheet", "gender_values")


def _read_list_file(data: dict[str, Any], ck: Checker, source: Path) -> None:
    """Read the persons of ``participants.list_file`` into ``participants.list``.

    The file's own problems are located in it; problems with the options
    that name and describe it are located at their line of the input.
    """
    participants = data.get("participants")
    if participants is None:
        return
    if "list_file" not in participants:
        for option in _OPTIONS:
            if option in participants:
                ck.error(("participants", option), "is read only with `list_file`")
        return
    raw = ck.loaded.data["participants"]  # `list` counts as given even when invalid
    if isinstance(raw, dict) and raw.get("list") is not None:
        ck.error(("participants", "list_file"), "give either `list` or `list_file`, not both")
        return
    options = tuple(f"participants.{option}" for option in ("list_file", *_OPTIONS))
    if any(p.field.startswith(options) for p in ck.problems):
        return  # read with options reported as wrong, the file would show false problems
    from reportgen.source.roster import read_roster

    path = source.parent / participants["list_file"]
    annex = ("role", "organization", "country") if participants.get("publish_list") else ()
    roster = read_roster(
        path,
        columns=participants.get("list_columns"),
        sheet=participants.get("list_sheet"),
        gender_values=participants.get("gender_values"),
        needed=("name", *annex),
    )
    for problem in roster.option_problems:
        ck.error(("participants", *problem.path), problem.message)
    ck.problems.extend(roster.problems)
    participants["list"] = roster.people
    participants["list_file"] = path
    if roster.sheet is not None:
        participants["list_sheet"] = roster.sheet


_GENDERED = ("women", "men", "other")
_OF_LIST = {
    "women": ("woman", "women"),
    "men": ("man", "men"),
    "other": (
        "person of another or undisclosed gender",
        "persons of another or undisclosed gender",
    ),
    "total": ("person", "persons"),
}


def _persons(key: str, n: int) -> str:
    one, many = _OF_LIST[key]
    return f"{n} {one if n == 1 else many}"


def _check_participants(data: dict[str, Any], ck: Checker) -> None:
    """Counts agree with each other and with the list; fill the counts the list gives.

    Where some person in the list has a gender, women, men and other (another,
    undisclosed or unstated gender) are counted from the list; where nobody
    has one, the list gives only the total.
    """
    people_problems = any(
        p.field.startswith("participants.list") or p.file != ck.name for p in ck.problems
    )
    participants = data.get("participants")
    if participants is None or people_problems:
        return
    given = {k: participants[k] for k in (*_GENDERED, "total") if k in participants}
    derived = count_people(participants.get("list") or [])
    listed = "the participant list"
    if "list_file" in participants:
        listed = Path(participants["list_file"]).name
    for key, figure in derived.items():
        if key in given and given[key] != figure:
            ck.error(
                ("participants", key),
                f"{key} is {given[key]} but {listed} has {_persons(key, figure)}",
            )
    # spec: with any of women, men, other given, the total is their sum (one
    # not given counts as 0); people of unknown gender are counted as `other`.
    counts = [k for k in _GENDERED if k in given and k not in derived]
    total = derived.get("total", given.get("total"))
    if counts and total is not None and not (derived.keys() & set(_GENDERED)):
        added = sum(given[k] for k in counts)
        if added != total:
            names = " + ".join(counts)
            hint = ""
            if added < total and "other" not in given:
                hint = f"; give `other: {total - added}` for people of another or unknown gender"
            if "total" in derived:
                ck.error(
                    ("participants", counts[0]),
                    f"{names} is {added} but {listed} has {_persons('total', total)}{hint}",
                )
            else:
                ck.error(
                    ("participants", "total"), f"total is {total} but {names} is {added}{hint}"
                )
    participants.update(derived)
    if "total" not in participants and any(k in participants for k in _GENDERED):
        participants["total"] = sum(participants.get(k, 0) for k in _GENDERED)


def count_people(people: list[dict[str, Any]]) -> dict[str, int]:
    """The counts a list of persons gives: the total, and by gender where anyone has one.

    Persons without a gender, or with ``other`` or ``undisclosed``, count as other.
    """
    derived: dict[str, int] = {}
    if people:
        derived["total"] = len(people)
        if any(person.get("gender") for person in people):
            derived["women"] = sum(person.get("gender") == "woman" for person in people)
            derived["men"] = sum(person.get("gender") == "man" for person in people)
            derived["other"] = len(people) - derived["women"] - derived["men"]
    return derived


def _raw_items(ck: Checker, key: str) -> list[tuple[int, dict[str, Any]]]:
    items = ck.loaded.data.get(key) if isinstance(ck.loaded.data, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _raw_text(ck: Checker, path: FieldPath, value: Any) -> str | None:
    text = ck.text(path, value)
    return text.strip() if text else None


def _check_references(ck: Checker) -> None:
    """Topic and recommendation ids are unique; quotes and recommendations name real topics."""
    topics: dict[str, int] = {}
    for index, topic in _raw_items(ck, "topics"):
        where = ("topics", index, "id")
        topic_id = _raw_text(ck, where, topic.get("id"))
        if topic_id is None:
            continue
        if not all(c.isalnum() or c == "-" for c in topic_id):
            continue  # reported as not a valid id
        if topic_id in topics:
            ck.error(where, f"duplicate topic id `{topic_id}` (first at line {topics[topic_id]})")
        else:
            topics[topic_id] = ck.value_line(where) or 0
    if not isinstance(ck.loaded.data.get("topics"), list):
        return  # already reported: the topics are missing or not a list
    known = ", ".join(topics) if topics else "none has an id"
    for section in ("quotes", "recommendations"):
        for index, item in _raw_items(ck, section):
            where = (section, index, "topic")
            name = _raw_text(ck, where, item.get("topic"))
            if name is not None and name not in topics:
                ck.error(where, f"unknown topic `{name}` (known topics: {known})")
    ids: dict[str, int] = {}
    for index, item in _raw_items(ck, "recommendations"):
        where = ("recommendations", index, "id")
        rec_id = _raw_text(ck, where, item.get("id"))
        if rec_id is None:
            continue
        if rec_id in ids:
            ck.error(where, f"duplicate recommendation id `{rec_id}` (first at line {ids[rec_id]})")
        else:
            ids[rec_id] = ck.value_line(where) or 0


def _check_agenda(data: dict[str, Any], ck: Checker) -> None:
    """An agenda item's `day` falls within the event."""
    event = data.get("event", {})
    first, last = event.get("date") or event.get("start"), event.get("date") or event.get("end")
    if first is None or last is None or last < first:
        return
    days = (last - first).days + 1
    for index, item in _raw_items(ck, "agenda"):
        day = item.get("day")
        if isinstance(day, int) and not isinstance(day, bool) and day > days:
            lasts = "one day" if days == 1 else f"{days} days ({first} to {last})"
            ck.error(("agenda", index, "day"), f"day {day}, but the event lasts {lasts}")


def _check_template(data: dict[str, Any], ck: Checker, base: Path) -> None:
    """The template exists, and speaks the report's language."""
    from reportgen.errors import TemplateError
    from reportgen.templates import DEFAULT_TEMPLATE, find_template

    report = data.get("report")
    if not isinstance(report, dict) or any(p.field.startswith("report.") for p in ck.problems):
        return
    try:
        template = find_template(report.get("template", DEFAULT_TEMPLATE), base=base)
    except TemplateError as error:
        hint = f" ({error.hint})" if error.hint else ""
        ck.error(("report", "template"), error.message + hint, ck.line(("report", "template")))
        return
    _check_overrides(data, ck, template.block_names())
    language = report.get("language", "en")
    languages = template.languages()
    if language not in languages:
        ck.error(
            ("report", "language"),
            f"template {template.name!r} has no translation for {language!r} "
            f"(languages: {', '.join(languages)})",
            ck.line(("report", "language")),
        )


def _check_overrides(data: dict[str, Any], ck: Checker, names: list[str]) -> None:
    """Every override names a block the template composes."""
    for index, item in _raw_items(ck, "overrides"):
        block = item.get("block")
        if not isinstance(block, str) or block in names:
            continue
        import difflib

        close = difflib.get_close_matches(block, names, n=1, cutoff=0.6)
        guess = f"did you mean `{close[0]}`? " if close else ""
        ck.error(
            ("overrides", index, "block"),
            f"unknown block `{block}` ({guess}blocks of this template: {', '.join(names)})",
        )


def _build(data: dict[str, Any], source: Path) -> Workshop:
    people = data.get("participants", {})
    participants = Participants(
        **{
            **people,
            "list": [
                Person(**person, path=f"participants.list[{i}]")
                for i, person in enumerate(people.get("list", []))
            ],
        },
        path="participants",
    )
    contact = data.get("contact")
    return Workshop(
        source=source,
        report=Report(**data["report"], path="report"),
        event=Event(**data["event"], path="event"),
        topics=[Topic(**topic, path=f"topics[{i}]") for i, topic in enumerate(data["topics"])],
        participants=participants,
        quotes=[
            Quote(**quote, path=f"quotes[{i}]") for i, quote in enumerate(data.get("quotes", []))
        ],
        recommendations=[
            Recommendation(**rec, path=f"recommendations[{i}]")
            for i, rec in enumerate(data.get("recommendations", []))
        ],
        agenda=[
            AgendaItem(**item, path=f"agenda[{i}]") for i, item in enumerate(data.get("agenda", []))
        ],
        follow_up=data.get("follow_up"),
        contact=None if contact is None else Contact(**contact, path="contact"),
        overrides=[
            Override(
                block=item["block"],
                text=item["text"],
                key=item.get("for"),
                replaces=item.get("replaces"),
                path=f"overrides[{i}]",
            )
            for i, item in enumerate(data.get("overrides", []))
        ],
    )


def participant_file(path: Path | str) -> Roster:
    """How the participant spreadsheet an input names (``participants.list_file``) reads.

    Only the input's ``participants`` options are checked, so the file can be
    looked at while the rest of the input is being written.  Raises
    InputError for a problem with those options; the file's own problems
    are in the result's ``problems``.
    """
    from reportgen.source.roster import read_roster
    from reportgen.source.schema import PARTICIPANTS

    name = str(path)
    ck = Checker(name, read_yaml(path))
    raw = ck.loaded.data.get("participants") if isinstance(ck.loaded.data, dict) else None
    if not isinstance(raw, dict) or not raw.get("list_file"):
        raise InputError.at(
            name,
            ck.line(("participants",)),
            "participants.list_file",
            "the input names no participant spreadsheet",
        )
    options = PARTICIPANTS.check(raw, ("participants",), ck)
    roster = None
    if options is not REJECTED and "list_file" in options:
        annex = ("role", "organization", "country") if options.get("publish_list") else ()
        roster = read_roster(
            Path(path).parent / options["list_file"],
            columns=options.get("list_columns"),
            sheet=options.get("list_sheet"),
            gender_values=options.get("gender_values"),
            needed=("name", *annex),
        )
        for problem in roster.option_problems:
            ck.error(("participants", *problem.path), problem.message)
    if ck.problems:
        problems = sorted(ck.problems, key=lambda p: p.line or 0)
        raise InputError(f"{name}: participants: problems in the options", problems=problems)
    assert roster is not None  # list_file was given and valid, or it was reported
    return roster


def referenced_files(path: Path | str) -> list[Path]:
    """The files an input reads besides itself (its participant spreadsheet), even if invalid."""
    try:
        data = read_yaml(path).data
    except InputError:
        return []
    participants = data.get("participants") if isinstance(data, dict) else None
    given = participants.get("list_file") if isinstance(participants, dict) else None
    if isinstance(given, str) and given.strip():
        return [(Path(path).parent / given.strip()).resolve()]
    return []
