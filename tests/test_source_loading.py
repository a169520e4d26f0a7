"""Valid inputs load into a typed Workshop; the JSON Schema describes the same format."""

from __future__ import annotations

import sys
import types
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reportgen.errors import InputError
from reportgen.source import json_schema, load_workshop, model, validate_file
from reportgen.source.schema import WORKSHOP, Object
from reportgen.source.yamlload import read_yaml

MINIMAL = """\
report:
  title: Integrating migrants
  organizer: OSCE Office for Democratic Institutions and Human Rights
event:
  name: Expert workshop on migrant integration
  date: 2018-11-29
  city: Tbilisi
  country: Georgia
topics:
  - id: strategy
    title: A national strategy
    summary: How to plan integration.
"""

FULL = """\
# Every field of the format, once.
report:
  title: "Integrating migrants: challenges and good practices"
  subtitle: Meeting report
  organizer: OSCE Office for Democratic Institutions and Human Rights
  organizer_short: ODIHR
  language: en
  template: meeting-report
  status: final
  reference: ODIHR.GAL/12/19
  date: 2019-02-15
  authors: [Jane Doe, John Roe]
  summary: |
    The workshop highlighted the importance of *co-ordinated* efforts.

    A second paragraph.
event:
  name: Expert workshop on migrant integration
  kind: expert workshop
  start: 2018-11-28
  end: 2018-11-29
  city: Tbilisi
  country: Georgia
  venue: Radisson Blu Iveria
  format: hybrid
  fields_of_work: [Democratization, Migration]
  partners: [IOM]
  background: >
    Integration is a two-way process.
participants:
  states: [Georgia, Portugal, Germany]
  state_label: OSCE participating States
  sectors: [national and local authorities, academia]
  publish_list: true
  list:
    - name: Vasco Malta
      organization: High Commission for Migration
      country: Portugal
      sector: national authorities
      role: Deputy High Commissioner for Migration
      gender: man
    - name: Jane Doe
      gender: woman
    - name: Alex Poe
      gender: undisclosed
    - name: Kim Lee
topics:
  - id: strategy
    title: A national strategic plan
    summary: How to plan integration.
    points: [Plan early, Involve cities]
    good_practices: [One-stop shops]
    challenges: [Funding]
  - id: measuring
    title: Measuring progress
    summary: Indicators.
quotes:
  - speaker: Pablo Rojas Coppari
    role: ODIHR's Migration and Freedom of Movement Adviser
    text: The workshop highlighted the importance of co-ordinated efforts.
  - speaker: Vasco Malta
    text: A great opportunity to exchange good practices.
    topic: strategy
recommendations:
  - text: Adopt a national strategy.
    to: &both [participating States, ODIHR]
    topic: strategy
    id: R1
  - text: Publish indicators.
    topic: measuring
  - text: Involve local authorities.
    to: [participating States]
  - text: Train staff.
    to: *both
agenda:
  - time: 09:30
    title: Opening
    speakers: [Pablo Rojas Coppari]
    day: 1
  - time: 10:30
    title: Strategies
    day: 2
follow_up: A second workshop in 2019.
contact:
  name: Jane Doe
  email: jane.doe@example.org
"""


def write(tmp_path: Path, text: str, name: str = "input.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> model.Workshop:
    return load_workshop(write(tmp_path, text))


def test_a_minimal_input_loads_with_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    workshop = load_workshop(path)
    assert workshop.source == path
    assert workshop.report.title == "Integrating migrants"
    assert workshop.report.language == "en"
    assert workshop.report.template == "meeting-report"
    assert workshop.report.draft
    assert workshop.event.date == date(2018, 11, 29)
    assert workshop.event.format == "in-person"
    assert workshop.event.days == 1
    assert workshop.participants == model.Participants()
    assert [t.id for t in workshop.topics] == ["strategy"]
    assert workshop.contact is None
    assert validate_file(path) == []


def test_a_path_given_as_text_loads_too(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    assert load_workshop(str(path)).source == path


def test_every_field_is_read_with_its_type(tmp_path: Path) -> None:
    w = load(tmp_path, FULL)
    assert w.report.title == "Integrating migrants: challenges and good practices"
    assert w.report.status == "final" and not w.report.draft
    assert w.report.date == date(2019, 2, 15)
    assert w.report.authors == ["Jane Doe", "John Roe"]
    assert w.report.summary == (
        "The workshop highlighted the importance of *co-ordinated* efforts.\n\nA second paragraph."
    )
    assert (w.event.start, w.event.end, w.event.days) == (date(2018, 11, 28), date(2018, 11, 29), 2)
    assert w.event.format == "hybrid"
    assert w.event.background == "Integration is a two-way process."
    assert w.participants.states == ["Georgia", "Portugal", "Germany"]
    assert w.participants.state_count == 3
    assert w.participants.publish_list is True
    assert w.participants.list[0] == model.Person(
        name="Vasco Malta",
        organization="High Commission for Migration",
        country="Portugal",
        sector="national authorities",
        role="Deputy High Commissioner for Migration",
        gender="man",
    )
    assert w.topics[0].good_practices == ["One-stop shops"]
    assert w.agenda[0] == model.AgendaItem(
        title="Opening", time="09:30", speakers=["Pablo Rojas Coppari"], day=1
    )
    assert w.follow_up == "A second workshop in 2019."
    assert w.contact == model.Contact(name="Jane Doe", email="jane.doe@example.org")


def test_counts_are_derived_from_the_participant_list(tmp_path: Path) -> None:
    participants = load(tmp_path, FULL).participants
    # One man, one woman, one undisclosed and one without a stated gender.
    assert (participants.women, participants.men, participants.other) == (1, 1, 2)
    assert participants.total == 4


def test_counts_that_agree_with_the_list_are_accepted(tmp_path: Path) -> None:
    text = FULL.replace("  states: [", "  women: 1\n  men: 1\n  other: 2\n  total: 4\n  states: [")
    assert load(tmp_path, text).participants.total == 4


def test_a_list_without_genders_gives_only_the_total(tmp_path: Path) -> None:
    text = (
        MINIMAL + "participants:\n  women: 1\n  other: 1\n  list:\n    - name: A\n    - name: B\n"
    )
    participants = load(tmp_path, text).participants
    assert (participants.women, participants.men, participants.total) == (1, None, 2)


def test_counts_given_beside_a_list_without_genders_must_add_up_to_it(tmp_path: Path) -> None:
    text = MINIMAL + "participants:\n  women: 1\n  list:\n    - name: A\n    - name: B\n"
    with pytest.raises(InputError) as error:
        load(tmp_path, text)
    assert error.value.problems[0].message == (
        "women is 1 but the participant list has 2 persons; give `other: 1` for people of "
        "another or unknown gender"
    )


def test_the_total_is_filled_when_all_counts_are_given(tmp_path: Path) -> None:
    text = MINIMAL + "participants:\n  women: 16\n  men: 9\n  other: 0\n  states: 10\n"
    participants = load(tmp_path, text).participants
    assert participants.total == 25
    assert participants.state_count == 10


def test_counts_without_a_total_give_their_sum_as_the_total(tmp_path: Path) -> None:
    participants = load(tmp_path, MINIMAL + "participants:\n  women: 16\n  men: 9\n").participants
    assert (participants.women, participants.men, participants.total) == (16, 9, 25)


def test_a_total_that_is_not_the_sum_of_the_counts_is_an_error_naming_both(
    tmp_path: Path,
) -> None:
    # Before, "total: 30" beside 16 women and 9 men was accepted and silently dropped.
    text = MINIMAL + "participants:\n  women: 16\n  men: 9\n  total: 30\n"
    with pytest.raises(InputError) as error:
        load(tmp_path, text)
    (problem,) = error.value.problems
    assert (problem.field, problem.message) == (
        "participants.total",
        "total is 30 but women + men is 25; give `other: 5` for people of another or "
        "unknown gender",
    )


def test_recommendations_are_numbered_and_grouped_by_addressee(tmp_path: Path) -> None:
    w = load(tmp_path, FULL)
    groups = [(g.addressees, [r.text for r in g.recommendations]) for g in w.recommendation_groups]
    assert groups == [
        (["participating States", "ODIHR"], ["Adopt a national strategy.", "Train staff."]),
        (["participating States"], ["Involve local authorities."]),
        ([], ["Publish indicators."]),
    ]
    numbers = [r.number for g in w.recommendation_groups for r in g.recommendations]
    assert numbers == [1, 2, 3, 4]
    assert w.recommendations[0].id == "R1"


def test_quotes_and_recommendations_are_attached_to_their_topics(tmp_path: Path) -> None:
    w = load(tmp_path, FULL)
    strategy, measuring = w.topics
    assert [q.speaker for q in strategy.quotes] == ["Vasco Malta"]
    assert [r.text for r in strategy.recommendations] == ["Adopt a national strategy."]
    assert [r.text for r in measuring.recommendations] == ["Publish indicators."]
    assert [q.speaker for q in w.general_quotes] == ["Pablo Rojas Coppari"]


def test_scalars_are_read_as_yaml_1_2_core_not_yaml_1_1(tmp_path: Path) -> None:
    text = MINIMAL.replace("country: Georgia", "country: NO")
    text = text.replace("  city: Tbilisi", "  city: yes\n  venue: off\n  kind: On")
    text += "agenda:\n  - time: 10:30\n    title: n\n  - time: 1:30:00\n    title: Y\n"
    w = load(tmp_path, text)
    event = w.event
    assert (event.country, event.city, event.venue, event.kind) == ("NO", "yes", "off", "On")
    assert [(a.time, a.title) for a in w.agenda] == [("10:30", "n"), ("1:30:00", "Y")]


def test_numbers_in_text_fields_are_kept_as_typed(tmp_path: Path) -> None:
    text = MINIMAL.replace("  organizer:", "  reference: 2019\n  subtitle: 1.10\n  organizer:")
    text += "agenda:\n  - time: 0930\n    title: true\n    day: 0x1\n"
    w = load(tmp_path, text)
    assert (w.report.reference, w.report.subtitle) == ("2019", "1.10")
    assert w.agenda == [model.AgendaItem(title="true", time="0930", day=1)]


def test_yaml_values_are_typed_by_the_core_schema(tmp_path: Path) -> None:
    text = "a: ~\nb: null\nc:\nd: TRUE\ne: false\nf: 0o17\ng: 0x1F\nh: -12\ni: 1e3\nj: .inf\n"
    text += "k: -.Inf\nl: 2018-11-29\nm: yes\nn: 1_000\no: '12'\np: !!str 12\nq: !!float 1\n"
    data = read_yaml(write(tmp_path, text)).data
    nan = read_yaml(write(tmp_path, "x: .NaN\n")).data["x"]
    assert nan != nan
    assert data == {
        "a": None, "b": None, "c": None, "d": True, "e": False, "f": 15, "g": 31, "h": -12,
        "i": 1000.0, "j": float("inf"), "k": float("-inf"), "l": "2018-11-29", "m": "yes",
        "n": "1_000", "o": "12", "p": "12", "q": 1.0,
    }  # fmt: skip


def test_the_reader_keeps_the_line_of_every_key_and_value(tmp_path: Path) -> None:
    loaded = read_yaml(write(tmp_path, MINIMAL))
    assert loaded.lines[("report",)] == 1
    assert loaded.value_lines[("report",)] == 2
    assert loaded.lines[("event", "date")] == 6
    assert loaded.lines[("topics", 0)] == 10
    assert loaded.lines[("topics", 0, "summary")] == 12


def test_strings_are_stripped_and_empty_optional_fields_are_absent(tmp_path: Path) -> None:
    text = MINIMAL.replace("title: Integrating migrants", 'title: "  Integrating migrants \\t"')
    text = text.replace("  organizer:", "  subtitle: ''\n  reference:\n  organizer:")
    w = load(tmp_path, text)
    assert w.report.title == "Integrating migrants"
    assert (w.report.subtitle, w.report.reference) == (None, None)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_workshop(path).report.title == "Integrating migrants"


def test_a_yaml_1_2_directive_is_accepted(tmp_path: Path) -> None:
    assert load(tmp_path, "%YAML 1.2\n---\n" + MINIMAL).event.country == "Georgia"


def test_text_in_any_script_is_kept(tmp_path: Path) -> None:
    text = MINIMAL.replace("Integrating migrants", "Интеграция мигрантов — ინტეგრაცია 😀")
    text = text.replace("id: strategy", "id: стратегия-2")
    w = load(tmp_path, text)
    assert w.report.title == "Интеграция мигрантов — ინტეგრაცია 😀"
    assert w.topics[0].id == "стратегия-2"


def test_the_problems_of_a_file_are_raised_together(tmp_path: Path) -> None:
    text = MINIMAL.replace("date: 2018-11-29", "date: 2018-11-31").replace("city", "cty")
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_workshop(path)
    assert info.value.lines() == [
        f"{path}:4: event.city: required field missing",
        f"{path}:6: event.date: 2018-11-31 is not a date (expected YYYY-MM-DD)",
        f"{path}:7: event.cty: unknown key `cty` (did you mean `city`?)",
    ]


def test_languages_come_from_reportgen_language_when_it_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    language = types.ModuleType("reportgen.language")
    language.SUPPORTED_LANGUAGES = ("en", "ka")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reportgen.language", language)
    text = MINIMAL.replace("  organizer:", "  language: ka\n  organizer:")
    path = tmp_path / "input.yaml"
    path.write_text(text, encoding="utf-8")
    # The schema takes "ka"; only the template, which has no Georgian catalog, does not.
    (problem,) = validate_file(path)
    assert problem.field == "report.language"
    assert "template 'meeting-report' has no translation for 'ka'" in problem.message
    assert json_schema()["properties"]["report"]["properties"]["language"]["enum"] == ["en", "ka"]


def _objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every object schema inside ``schema``."""
    found = [schema] if schema.get("type") == "object" else []
    for value in schema.values():
        for sub in value if isinstance(value, list) else [value]:
            if isinstance(sub, dict):
                found += _objects(sub)
    return found


def test_the_json_schema_describes_every_field_and_allows_no_other() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    objects = _objects(schema)
    assert len(objects) >= 10
    for obj in objects:
        if "properties" not in obj:
            # A mapping of the user's own keys (participants.list_columns): every
            # value must still be one of a few words.
            assert obj["additionalProperties"]["enum"], obj
            continue
        assert obj["additionalProperties"] is False
        for name, prop in obj["properties"].items():
            assert prop.get("description"), name
    assert schema["required"] == ["report", "event", "topics"]


def test_the_json_schema_agrees_with_the_validator_on_examples(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(
        json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.check_schema(json_schema())
    for good in (MINIMAL, FULL):
        assert list(validator.iter_errors(read_yaml(write(tmp_path, good)).data)) == []
    bad_inputs = [
        MINIMAL.replace("  organizer:", "  organiser:"),
        MINIMAL.replace("  title: Integrating migrants\n", ""),
        MINIMAL.replace("date: 2018-11-29", "date: 2018-11-29\n  start: 2018-11-28"),
        MINIMAL.replace("date: 2018-11-29", "start: 2018-11-28"),
        MINIMAL.replace("id: strategy", "id: a strategy"),
        MINIMAL + "participants:\n  women: -1\n",
        MINIMAL + "contact:\n  email: nobody\n",
        MINIMAL.replace("  organizer:", "  status: published\n  organizer:"),
    ]
    for bad in bad_inputs:
        path = write(tmp_path, bad)
        assert validate_file(path) != []
        assert list(validator.iter_errors(read_yaml(path).data)) != [], bad


def test_every_field_of_the_format_is_a_field_of_the_model() -> None:
    classes = {
        "report": model.Report, "event": model.Event, "participants": model.Participants,
        "participants.list": model.Person, "topics": model.Topic, "quotes": model.Quote,
        "recommendations": model.Recommendation, "agenda": model.AgendaItem,
        "contact": model.Contact,
    }  # fmt: skip
    top = WORKSHOP.fields
    for where, cls in classes.items():
        kind = top[where.split(".")[0]].kind
        if "." in where:
            kind = kind.fields[where.split(".")[1]].kind  # type: ignore[attr-defined]
        obj = getattr(kind, "item", kind)
        assert isinstance(obj, Object)
        assert set(obj.fields) <= set(cls.__dataclass_fields__), where
    assert set(top) <= set(model.Workshop.__dataclass_fields__)
