"""The workshop model: the facts of one input file, validated and typed.

Field names and meanings follow the input-format contract
(``spec/input-format.md``).  Text fields hold the Markdown source as typed;
``compose`` parses it.  Derived facts (counts from the participant list,
recommendation numbers and groups) are computed here, once; their wording in
a language is the job of ``reportgen.language``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass
class Report:
    title: str
    organizer: str
    subtitle: str | None = None
    organizer_short: str | None = None
    language: str = "en"
    template: str = "meeting-report"
    status: str = "draft"  # "draft" or "final"
    reference: str | None = None
    date: date | None = None
    authors: list[str] = field(default_factory=list)
    summary: str | None = None  # Markdown
    # Where it is in the input ("topics[2]"), for provenance; set by the loader.
    path: str = field(default="", compare=False, repr=False)

    @property
    def draft(self) -> bool:
        return self.status == "draft"


@dataclass
class Event:
    name: str
    city: str
    country: str
    kind: str | None = None
    date: date | None = None
    start: date | None = None
    end: date | None = None
    venue: str | None = None
    format: str = "in-person"  # "in-person", "online", "hybrid"
    fields_of_work: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    background: str | None = None  # Markdown
    # Where it is in the input ("topics[2]"), for provenance; set by the loader.
    path: str = field(default="", compare=False, repr=False)

    @property
    def first_day(self) -> date:
        day = self.date or self.start
        assert day is not None  # the schema requires date, or start and end
        return day

    @property
    def last_day(self) -> date:
        day = self.date or self.end
        assert day is not None
        return day

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass
class Person:
    name: str
    organization: str | None = None
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    gender: str | None = None  # "woman", "man", "other", "undisclosed"; never printed
    # The row of Participants.list_file the person was read from (None: from the YAML).
    source_row: int | None = field(default=None, compare=False)
    # Where it is in the input ("topics[2]"), for provenance; set by the loader.
    path: str = field(default="", compare=False, repr=False)


@dataclass
class Participants:
    women: int | None = None
    men: int | None = None
    other: int | None = None
    total: int | None = None
    states: int | list[str] | None = None
    state_label: str | None = None  # default from the template's language
    sectors: list[str] = field(default_factory=list)
    list: list[Person] = field(default_factory=list)
    publish_list: bool = False
    # Where `list` was read from when the input names a spreadsheet (spec:
    # "Participants from a spreadsheet"): its path as given, resolved from the
    # input's folder, and the sheet read (None for CSV).  Edits to persons
    # belong in that file, not in the YAML.
    list_file: Path | None = None
    list_sheet: str | None = None
    list_columns: dict[str, str] = field(default_factory=dict)
    gender_values: dict[str, str] = field(default_factory=dict)
    # Where it is in the input ("topics[2]"), for provenance; set by the loader.
    path: str = field(default="", compare=False, repr=False)

    @property
    def state_count(self) -> int | None:
        if isinstance(self.states, list):
            return len(self.states)
        return self.states

    @property
    def state_names(self) -> list[str]:
        return self.states if isinstance(self.states, list) else []


@dataclass
class Topic:
    id: str
    title: str
    summary: str  # Markdown
    points: list[str] = field(default_factory=list)  # Markdown each
    good_practices: list[str] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)
    # Filled by the loader: the quotes and recommendations that name this topic.
    quotes: list[Quote] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    path: str = field(default="", compare=False, repr=False)


@dataclass
class Quote:
    speaker: str
    text: str
    role: str | None = None
    topic: str | None = None
    # Where it is in the input ("topics[2]"), for provenance; set by the loader.
    path: str = field(default="", compare=False, repr=False)


@dataclass
class Recommendation:
    text: str  # Markdown
    to: list[str] = field(default_factory=list)
    topic: str | None = None
    id: str | None = None
    number: int = 0  # 1…N through the report, in the order of the groups
    path: str = field(default="", compare=False, repr=False)


@dataclass
class RecommendationGroup:
    """Recommendations to the same addressees (none: those without ``to``)."""

    addressees: list[str] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)


@dataclass
class AgendaItem:
    title: str
    time: str | None = None
    speakers: list[str] = field(default_factory=list)
    day: int | None = None
    path: str = field(default="", compare=False, repr=False)


@dataclass
class Contact:
    name: str | None = None
    email: str | None = None
    # Where it is in the input ("topics[2]"), for provenance; set by the loader.
    path: str = field(default="", compare=False, repr=False)


@dataclass
class Override:
    """A reviewer's wording of a block the template composes (written by ``absorb``)."""

    block: str
    text: str  # Markdown
    key: str | None = None  # `for` in the input: one instance of a repeated block
    replaces: str | None = None  # what the template composed there at the time
    path: str = field(default="", compare=False, repr=False)


@dataclass
class Workshop:
    """One input file: the event and the report to draft about it."""

    source: Path
    report: Report
    event: Event
    topics: list[Topic]
    participants: Participants = field(default_factory=Participants)
    quotes: list[Quote] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    follow_up: str | None = None  # Markdown
    contact: Contact | None = None
    overrides: list[Override] = field(default_factory=list)

    @property
    def general_quotes(self) -> list[Quote]:
        """Quotes without a topic: shown in the introduction."""
        return [q for q in self.quotes if q.topic is None]

    recommendation_groups: list[RecommendationGroup] = field(init=False)

    def __post_init__(self) -> None:
        self.recommendation_groups = group_recommendations(self.recommendations)
        for topic in self.topics:
            topic.quotes = [q for q in self.quotes if q.topic == topic.id]
            topic.recommendations = [r for r in self.recommendations if r.topic == topic.id]


def group_recommendations(recommendations: list[Recommendation]) -> list[RecommendationGroup]:
    """Group by addressee, in the order addressees first appear, and number 1…N.

    A recommendation to several addressees forms a group with all of them
    ("participating States and ODIHR"), so that each recommendation appears
    once and the numbers run in one sequence through the report.  Those
    without ``to`` form the last group.
    """
    groups: dict[tuple[str, ...], RecommendationGroup] = {}
    for rec in recommendations:
        key = tuple(rec.to)
        groups.setdefault(key, RecommendationGroup(list(key))).recommendations.append(rec)
    ordered = [g for key, g in groups.items() if key] + [g for key, g in groups.items() if not key]
    number = 0
    for group in ordered:
        for rec in group.recommendations:
            number += 1
            rec.number = number
    return ordered
