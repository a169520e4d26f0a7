"""The input format, declared once: both the validator and the JSON Schema are made from it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportgen.errors import Problem
from reportgen.source.yamlload import REJECTED, FieldPath, Loaded, Rejected, field_path

# Used only when reportgen.language does not say which languages it supports.
SUPPORTED_LANGUAGES = ("en", "ru", "fr")


def supported_languages() -> tuple[str, ...]:
    """The languages a report may be written in (``reportgen.language`` decides)."""
    try:
        from reportgen.language import SUPPORTED_LANGUAGES as supported
    except ImportError:
        return SUPPORTED_LANGUAGES
    return tuple(supported)


# Characters XML 1.0 (and so a Word document) cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+\Z")


class Checker:
    """Validation of one file: finds lines for field paths and collects problems."""

    def __init__(self, name: str, loaded: Loaded) -> None:
        self.name = name
        self.loaded = loaded
        self.problems: list[Problem] = list(loaded.problems)

    def line(self, path: FieldPath) -> int | None:
        """The line of a field's key (or list item), else of the nearest enclosing one."""
        while path not in self.loaded.lines and path:
            path = path[:-1]
        return self.loaded.lines.get(path)

    def value_line(self, path: FieldPath) -> int | None:
        return self.loaded.value_lines.get(path) or self.line(path)

    def error(self, path: FieldPath, message: str, line: int | None = None) -> None:
        line = line if line is not None else self.value_line(path)
        self.problems.append(Problem(self.name, line, field_path(path), message))

    def wrong_type(self, path: FieldPath, kind: Kind, value: Any) -> Rejected:
        found = self.found(path, value)
        self.error(path, f"expected {kind.expected}, found {found}{kind.hint(value)}")
        return REJECTED

    def found(self, path: FieldPath, value: Any) -> str:
        if isinstance(value, str):
            return f'text "{_shorten(value)}"'
        if isinstance(value, bool):
            return f"`{self.loaded.raw.get(path, str(value).lower())}`"
        if isinstance(value, int | float):
            return f"a number ({self.loaded.raw.get(path, value)})"
        if isinstance(value, list):
            return "a list"
        if isinstance(value, dict):
            return "a mapping"
        return "nothing"

    def text(self, path: FieldPath, value: Any) -> str | None:
        """A scalar as text exactly as typed (``2019`` is "2019"), or None for a list or mapping."""
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float) or value is None:
            return self.loaded.raw.get(path)
        return None

    def clean(self, path: FieldPath, text: str) -> str | Rejected:
        """Strip the text; reject characters that cannot go into a Word document."""
        bad = not_for_word(text)
        if bad:
            self.error(path, bad)
            return REJECTED
        return text.strip()


def not_for_word(text: str) -> str | None:
    """Why ``text`` cannot go into a Word document, or None when it can."""
    bad = _NOT_XML.search(text)
    if bad:
        return f"character U+{ord(bad.group()):04X} cannot be used in a Word document; remove it"
    return None


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Kind:
    """A type of value: how to check it, and how to describe it in a JSON Schema."""

    expected = "a value"

    def json(self) -> dict[str, Any]:
        raise NotImplementedError

    def check(self, value: Any, path: FieldPath, ck: Checker) -> Any:
        raise NotImplementedError

    def hint(self, value: Any) -> str:
        return ""


class String(Kind):
    """Text on one line or many; ``markdown`` texts are formatted when composed."""

    expected = "text"

    def __init__(self, *, markdown: bool = False) -> None:
        self.markdown = markdown

    def json(self) -> dict[str, Any]:
        if self.markdown:
            return {"type": "string", "contentMediaType": "text/markdown"}
        return {"type": "string"}

    def check(self, value: Any, path: FieldPath, ck: Checker) -> Any:
        text = ck.text(path, value)
        if text is None:
            return ck.wrong_type(path, self, value)
        return self.parse(ck.clean(path, text), path, ck)

    def parse(self, text: str | Rejected, path: FieldPath, ck: Checker) -> Any:
        return text


class Date(String):
    expected = "a date (YYYY-MM-DD)"

    def json(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

    def parse(self, text: str | Rejected, path: FieldPath, ck: Checker) -> Any:
        if isinstance(text, Rejected) or not text:
            return text
        if _DATE.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        ck.error(path, f"{_shorten(text)} is not a date (expected YYYY-MM-DD)")
        return REJECTED


class Choice(String):
    """One of a few words; ``choices`` may be a function (languages are looked up late)."""

    def __init__(
        self,
        noun: str,
        choices: tuple[str, ...] | Any,
        *,
        verb: str = "unknown",
        allowed: str = "allowed",
    ) -> None:
        super().__init__()
        self.noun, self._choices, self.verb, self.allowed = noun, choices, verb, allowed

    @property
    def choices(self) -> tuple[str, ...]:
        return self._choices() if callable(self._choices) else self._choices

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.choices)

    def json(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}

    def parse(self, text: str | Rejected, path: FieldPath, ck: Checker) -> Any:
        if isinstance(text, Rejected) or not text or text in self.choices:
            return text
        ck.error(
            path,
            f"{self.verb} {self.noun} `{_shorten(text)}` ({self.allowed}: "
            f"{', '.join(self.choices)})",
        )
        return REJECTED


class Identifier(String):
    """Letters (of any script), digits and ``-``."""

    def json(self) -> dict[str, Any]:
        # Not whitespace nor ASCII punctuation other than "-" (Python's re has no \p{L}).
        return {"type": "string", "pattern": r"^[^\s!-,./:-@\[-`{-~]+$"}

    def parse(self, text: str | Rejected, path: FieldPath, ck: Checker) -> Any:
        if isinstance(text, Rejected) or all(c.isalnum() or c == "-" for c in text):
            return text
        ck.error(path, f"`{_shorten(text)}` is not a valid id: use only letters, digits and `-`")
        return REJECTED


class Email(String):
    def json(self) -> dict[str, Any]:
        return {"type": "string", "format": "email"}

    def parse(self, text: str | Rejected, path: FieldPath, ck: Checker) -> Any:
        if isinstance(text, Rejected) or not text or _EMAIL.match(text):
            return text
        ck.error(path, f'"{_shorten(text)}" is not an email address (expected name@example.org)')
        return REJECTED


class Integer(Kind):
    expected = "a whole number"

    def __init__(self, minimum: int | None = None) -> None:
        self.minimum = minimum

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        return out

    def check(self, value: Any, path: FieldPath, ck: Checker) -> Any:
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)  # 16.0 is a whole number, as in JSON Schema
        if isinstance(value, bool) or not isinstance(value, int):
            return ck.wrong_type(path, self, value)
        if self.minimum is not None and value < self.minimum:
            ck.error(path, f"must be {self.minimum} or more (found {value})")
            return REJECTED
        return value


class Boolean(Kind):
    expected = "true or false"

    def json(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def check(self, value: Any, path: FieldPath, ck: Checker) -> Any:
        return value if isinstance(value, bool) else ck.wrong_type(path, self, value)


class ListOf(Kind):
    def __init__(
        self, item: Kind, of: str, *, min_items: int = 0, noun: str = "", item_description: str = ""
    ) -> None:
        self.item, self.of, self.min_items, self.noun = item, of, min_items, noun
        self.item_description = item_description

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.of}"

    def hint(self, value: Any) -> str:
        if isinstance(value, str | int | float):
            return "; write one `- ` line per entry, or `[first, second]`"
        return ""

    def json(self) -> dict[str, Any]:
        items = self.item.json()
        if self.item_description:
            items = {"description": self.item_description, **items}
        out: dict[str, Any] = {"type": "array", "items": items}
        if self.min_items:
            out["minItems"] = self.min_items
        return out

    def check(self, value: Any, path: FieldPath, ck: Checker) -> Any:
        if not isinstance(value, list):
            return ck.wrong_type(path, self, value)
        if len(value) < self.min_items:
            ck.error(path, _at_least(self.min_items, self.noun))
            return REJECTED
        out = []
        for index, item in enumerate(value):
            where = (*path, index)
            if item is REJECTED:
                continue
            cleaned = None if item is None else self.item.check(item, where, ck)
            if cleaned is None or cleaned == "":
                ck.error(where, "empty entry", ck.line(where))
            elif cleaned is not REJECTED:
                out.append(cleaned)
        return out


def _at_least(n: int, noun: str) -> str:
    if n == 1:
        return f"at least one {noun} is required"
    return f"at least {n} {noun}s are required"


class Either(Kind):
    """A whole number, or a list of strings (``participants.states``)."""

    def __init__(self, number: Integer, names: ListOf) -> None:
        self.number, self.names = number, names

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"{self.number.expected} or {self.names.expected}"

    def json(self) -> dict[str, Any]:
        return {"oneOf": [self.number.json(), self.names.json()]}

    def check(self, value: Any, path: FieldPath, ck: Checker) -> Any:
        if isinstance(value, list):
            return self.names.check(value, path, ck)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.number.check(value, path, ck)
        return ck.wrong_type(path, self, value)


class MappingOf(Kind):
    """A mapping whose keys are free text (a spreadsheet's own headers or words)."""

    def __init__(self, value: Kind, of: str) -> None:
        self.value, self.of = value, of

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a mapping of {self.of}"

    def json(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.value.json(), "minProperties": 1}

    def check(self, value: Any, path: FieldPath, ck: Checker) -> Any:
        if not isinstance(value, dict):
            return ck.wrong_type(path, self, value)
        out: dict[str, Any] = {}
        for key, item in value.items():
            where = (*path, key)
            if item is REJECTED:
                continue
            cleaned = None if item is None else self.value.check(item, where, ck)
            if cleaned is None or cleaned == "":
                ck.error(where, "empty entry", ck.line(where))
            elif cleaned is not REJECTED:
                out[key.strip()] = cleaned
        return out


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    description: str
    required: bool = False
    default: Any = None


class Alternatives:
    """Exactly one of some groups of keys is given, each group whole.

    ``Alternatives(("date",), ("start", "end"))``: an event has a `date`, or a
    `start` and an `end`.  The same declaration checks inputs and writes the
    JSON Schema's ``oneOf``.
    """

    def __init__(self, *groups: tuple[str, ...], hint: str) -> None:
        self.groups = groups
        self.hint = hint  # how to say the other groups: "or give `start` and `end` …"

    def json(self) -> dict[str, Any]:
        options = []
        for group in self.groups:
            others = [k for g in self.groups if g is not group for k in g]
            options.append(
                {"required": list(group), "not": {"anyOf": [{"required": [k]} for k in others]}}
            )
        return {"oneOf": options}

    def check(self, value: dict[str, Any], path: FieldPath, ck: Checker) -> None:
        given = [g for g in self.groups if any(value.get(k) is not None for k in g)]
        first = self.groups[0][0]
        if len(given) > 1:
            keys = [" and ".join(f"`{k}`" for k in g) for g in self.groups]
            ck.error((*path, first), f"give either {' or '.join(keys)}, not both")
        elif not given:
            ck.error((*path, first), f"required field missing ({self.hint})", ck.line(path))
        else:
            group = given[0]
            missing = [k for k in group if value.get(k) is None]
            present = [k for k in group if value.get(k) is not None]
            if missing:
                ck.error(
                    (*path, missing[0]),
                    f"required field missing (`{present[0]}` is given)",
                    ck.line(path),
                )


class Object(Kind):
    """A mapping with known keys; any other key is an error."""

    expected = "a mapping (`key: value` lines)"

    def __init__(self, *fields: Field, alternatives: Alternatives | None = None) -> None:
        self.fields = {f.name: f for f in fields}
        self.alternatives = alternatives

    def json(self) -> dict[str, Any]:
        properties = {}
        for f in self.fields.values():
            prop = {"description": f.description, **f.kind.json()}
            if f.default is not None:
                prop["default"] = f.default
            if f.required and prop.get("type") == "string":
                prop["minLength"] = 1
            properties[f.name] = prop
        out: dict[str, Any] = {"type": "object", "properties": properties}
        required = [f.name for f in self.fields.values() if f.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        if self.alternatives is not None:
            out.update(self.alternatives.json())
        return out

    def check(self, value: Any, path: FieldPath, ck: Checker) -> Any:
        if not isinstance(value, dict):
            return ck.wrong_type(path, self, value)
        for key in value:
            if key not in self.fields:
                ck.error((*path, key), self.unknown(key), ck.line((*path, key)))
        out: dict[str, Any] = {}
        for name, f in self.fields.items():
            where = (*path, name)
            present = name in value
            item = value.get(name)
            if item is REJECTED:
                continue
            cleaned = None if item is None else f.kind.check(item, where, ck)
            if cleaned is REJECTED:
                continue
            if cleaned is None or cleaned == "":
                if f.required:
                    message = "required field is empty" if present else "required field missing"
                    ck.error(where, message, ck.line(where if present else path))
                continue
            out[name] = cleaned
        if self.alternatives is not None:
            self.alternatives.check(value, path, ck)
        return out

    def unknown(self, key: str) -> str:
        known = list(self.fields)
        if not key:
            return "a key is missing before the `:`"
        if key == "<<":
            return "merge keys (`<<`) are not supported: write the fields out"
        import difflib  # only when a key is wrong: not on the way of a valid file

        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        if not close:
            close = [k for k in known if k.lower() == key.lower()]
        if close:
            return f"unknown key `{key}` (did you mean `{close[0]}`?)"
        homes = _homes().get(key, [])
        if len(homes) == 1:
            return f"unknown key `{key}` here (it belongs under `{homes[0]}`; check the indenting)"
        return f"unknown key `{key}` (known keys: {', '.join(known)})"


def _homes() -> dict[str, list[str]]:
    """Every key of the format, with the paths of the mappings it belongs to."""
    homes: dict[str, list[str]] = {}

    def walk(kind: Kind, where: str) -> None:
        if isinstance(kind, ListOf):
            walk(kind.item, where + "[]")
        elif isinstance(kind, Object):
            for name, f in kind.fields.items():
                if where:
                    homes.setdefault(name, []).append(where)
                walk(f.kind, f"{where}.{name}" if where else name)

    walk(WORKSHOP, "")
    return homes


# The format, following spec/input-format.md field by field.

TEXT = String(markdown=True)
STRINGS = ListOf(String(), "strings")
TEXTS = ListOf(TEXT, "texts")

REPORT = Object(
    Field("title", String(), "Title of the report, on the cover and in metadata.", required=True),
    Field(
        "subtitle",
        String(),
        'Line under the title; default from the template ("Meeting report" in English).',
    ),
    Field(
        "organizer",
        String(),
        'Full name of the organizing institution, e.g. "OSCE Office for Democratic '
        'Institutions and Human Rights".',
        required=True,
    ),
    Field(
        "organizer_short",
        String(),
        'Short form used after the first mention in running text, e.g. "ODIHR".',
    ),
    Field(
        "language",
        Choice("language", supported_languages, verb="unsupported", allowed="supported"),
        "Language of the fixed text, dates and numbers.",
        default="en",
    ),
    Field(
        "template",
        String(),
        "Name of a folder under templates/, or a path to one.",
        default="meeting-report",
    ),
    Field(
        "status",
        Choice("status", ("draft", "final")),
        "draft outputs are visibly marked DRAFT on every page.",
        default="draft",
    ),
    Field(
        "reference",
        String(),
        'Document symbol, e.g. "ODIHR.GAL/12/19", on the cover and in the footer.',
    ),
    Field("date", Date(), "Publication date shown on the cover (YYYY-MM-DD)."),
    Field("authors", STRINGS, "Rapporteurs; written to the DOCX and PDF author metadata."),
    Field("summary", TEXT, "Executive summary (Markdown), placed before the introduction."),
)

EVENT = Object(
    Field("name", String(), "Name of the event.", required=True),
    Field("kind", String(), 'What it was, for running text: "expert workshop", "roundtable", …'),
    Field("date", Date(), "Date of a single-day event (YYYY-MM-DD); or give start and end."),
    Field("start", Date(), "First day of a multi-day event (YYYY-MM-DD)."),
    Field("end", Date(), "Last day of a multi-day event (YYYY-MM-DD), on or after start."),
    Field("city", String(), "City where the event was held.", required=True),
    Field("country", String(), "Country where the event was held.", required=True),
    Field("venue", String(), "Building or hotel."),
    Field(
        "format",
        Choice("format", ("in-person", "online", "hybrid")),
        "How people took part.",
        default="in-person",
    ),
    Field("fields_of_work", STRINGS, "Thematic areas."),
    Field("partners", STRINGS, "Co-organizers."),
    Field("background", TEXT, "Why the event was held (Markdown)."),
    alternatives=Alternatives(
        ("date",), ("start", "end"), hint="or give `start` and `end` for a multi-day event"
    ),
)

GENDERS = ("woman", "man", "other", "undisclosed")

PERSON = Object(
    Field("name", String(), "Full name.", required=True),
    Field("organization", String(), "Organization the person represents."),
    Field("country", String(), "Country the person comes from or works in."),
    Field("sector", String(), 'Group the person represents, e.g. "civil society".'),
    Field("role", String(), 'Function, e.g. "Deputy High Commissioner for Migration".'),
    Field("gender", Choice("gender", GENDERS), "Counted in the figures by gender; never printed."),
)

COUNT = Integer(minimum=0)
# What a column of a participant spreadsheet may hold (source/roster.py): a
# person's fields, or the two halves of a name ("First Last").
PERSON_FIELDS = ("name", "organization", "country", "sector", "role", "gender")
NAME_PARTS = ("first_name", "last_name")
COLUMN_FIELDS = (*PERSON_FIELDS, *NAME_PARTS)

PARTICIPANTS = Object(
    Field("women", COUNT, "Number of women; must agree with the list where one is given."),
    Field("men", COUNT, "Number of men; must agree with the list where one is given."),
    Field(
        "other",
        COUNT,
        "Number of persons of another or undisclosed gender; must agree with the list.",
    ),
    Field(
        "total",
        COUNT,
        "Number of participants; equals women + men + other where any is given (missing: 0).",
    ),
    Field("states", Either(COUNT, STRINGS), "Number of states represented, or their names."),
    Field(
        "state_label",
        String(),
        'How states are called in running text; default "participating States".',
    ),
    Field("sectors", STRINGS, 'Groups represented, e.g. "national and local authorities".'),
    Field(
        "list",
        ListOf(PERSON, "persons", item_description="One participant."),
        "Participants; where given, the counts by gender and the total are derived from it.",
    ),
    Field(
        "list_file",
        String(),
        "Instead of list: a CSV or XLSX file with one row a person (relative to this file); "
        "the counts are derived from it.",
    ),
    Field(
        "list_columns",
        MappingOf(Choice("field", COLUMN_FIELDS), "column headers to fields"),
        "Headers of list_file that reportgen does not know, each with the field it holds, "
        "e.g. {Full name: name, Affiliation: organization}.",
    ),
    Field("list_sheet", String(), "The sheet of an XLSX list_file to read; default the first."),
    Field(
        "gender_values",
        MappingOf(Choice("gender", GENDERS), "words to genders"),
        "The words list_file uses for gender, each with woman, man, other or undisclosed, "
        "e.g. {F: woman, M: man}.",
    ),
    Field(
        "publish_list",
        Boolean(),
        "Only when true does the report carry an annex listing participants.",
        default=False,
    ),
)

TOPIC = Object(
    Field(
        "id",
        Identifier(),
        "Unique id (letters, digits, -) that quotes and recommendations refer to.",
        required=True,
    ),
    Field("title", String(), "Section heading.", required=True),
    Field("summary", TEXT, "What was discussed (Markdown).", required=True),
    Field("points", TEXTS, "Key points (Markdown each), shown as a list."),
    Field("good_practices", TEXTS, "Good practices named (Markdown each)."),
    Field("challenges", TEXTS, "Challenges named (Markdown each)."),
)

QUOTE = Object(
    Field("speaker", String(), "Who said it.", required=True),
    Field("role", String(), "Their function and institution."),
    Field("text", String(), "The words, without surrounding quote marks.", required=True),
    Field(
        "topic",
        Identifier(),
        "Id of the topic whose section shows the quote; otherwise it is in the introduction.",
    ),
)

RECOMMENDATION = Object(
    Field("text", TEXT, "The recommendation (Markdown).", required=True),
    Field("to", STRINGS, "Addressees, e.g. [participating States, ODIHR, civil society]."),
    Field("topic", Identifier(), "Id of the topic it follows from."),
    Field("id", String(), "Stable identifier for follow-up tracking; unique in the file."),
)

AGENDA_ITEM = Object(
    Field("time", String(), 'Free form, e.g. "09:30–10:00" or 10:30.'),
    Field("title", String(), "What the session was.", required=True),
    Field("speakers", STRINGS, "Who spoke."),
    Field("day", Integer(minimum=1), "Day of a multi-day event: 1, 2, …"),
)

CONTACT = Object(
    Field("name", String(), "Whom to contact about the report."),
    Field("email", Email(), "Their email address."),
)

OVERRIDE = Object(
    Field(
        "block",
        String(),
        "Stable name of a block the template composes, e.g. introduction.participation.",
        required=True,
    ),
    Field(
        "for",
        String(),
        "Which instance of a repeated block it replaces (a topic's id, an agenda day); "
        "without it, every instance.",
    ),
    Field("text", TEXT, "What the report says there instead (Markdown).", required=True),
    Field(
        "replaces",
        String(),
        "The text the template composed there when it was replaced; generate warns when the "
        "template now composes something else.",
    ),
)

WORKSHOP = Object(
    Field("report", REPORT, "The document.", required=True),
    Field("event", EVENT, "What happened.", required=True),
    Field("participants", PARTICIPANTS, "Who took part."),
    Field(
        "topics",
        ListOf(TOPIC, "topics", min_items=1, noun="topic", item_description="One topic."),
        "What was discussed; at least one.",
        required=True,
    ),
    Field("quotes", ListOf(QUOTE, "quotes", item_description="One quote."), "What was said."),
    Field(
        "recommendations",
        ListOf(RECOMMENDATION, "recommendations", item_description="One recommendation."),
        "What should be done; numbered in one sequence and grouped by addressee.",
    ),
    Field(
        "agenda",
        ListOf(AGENDA_ITEM, "agenda items", item_description="One session."),
        "The programme (optional annex).",
    ),
    Field("follow_up", TEXT, "Next steps (Markdown)."),
    Field("contact", CONTACT, "Whom to contact about the report."),
    Field(
        "overrides",
        ListOf(OVERRIDE, "overrides", item_description="One composed block, reworded."),
        "Reviewers' wording of text the template composes; written by `reportgen absorb`.",
    ),
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the input format, for editors' YAML support."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "reportgen input",
        "description": "One YAML file: an event and the meeting report to draft about it.",
        **WORKSHOP.json(),
    }
