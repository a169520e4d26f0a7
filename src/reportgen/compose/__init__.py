"""Composing a report: the workshop model through a template into a Document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .. import documents as d
from ..documents import Document, Metadata
from ..language import Language
from ..provenance import new_record
from ..results import Warnings
from ..source.model import AgendaItem, Workshop
from ..templates import Template
from . import markdown, vocabulary
from .environment import make_environment, render
from .overrides import apply_overrides


def compose(workshop: Workshop, template: Template, warnings: Warnings | None = None) -> Document:
    """The report on ``workshop`` as the template lays it out.

    Blocks the input ``overrides`` take the reviewers' wording; an override
    whose composed text has changed since is reported to ``warnings``.
    """
    language = Language(workshop.report.language)
    env = make_environment(template, language)
    xml = render(env, template, template_context(workshop, template))
    folders = template.folders or (template.folder,)
    where = str(template.composition)
    document = vocabulary.parse(xml, template_folders=folders, where=where)
    typeset(document, language)
    vocabulary.settle(document)

    def markdown_blocks(text: str) -> list[d.Block]:
        xml = markdown.render(text, quotes=tuple(language.smartquotes))
        fragment = vocabulary.parse(
            f"<document>{xml}</document>", template_folders=folders, where=where
        )
        typeset(fragment, language)
        return fragment.children

    apply_overrides(document, workshop.overrides, markdown_blocks, warnings)
    document.record = new_record(document, workshop)
    document.record.template = template.name
    document.record.language = workshop.report.language
    list_file = getattr(workshop.participants, "list_file", None)
    if list_file is not None:
        document.record.list_files["participants.list"] = _relative(list_file, workshop.source)
    report = workshop.report
    document.metadata = Metadata(
        title=report.title,
        subject=workshop.event.name,
        authors=list(report.authors),
        keywords=list(workshop.event.fields_of_work),
        language=report.language,
        draft=report.draft,
        reference=report.reference or "",
        created=report.date,
        template=template.name,
    )
    return document


def _relative(path: Path, source: Path) -> str:
    """``path`` as the rapporteur knows it: from the input's folder when it is below it."""
    try:
        return path.resolve().relative_to(source.resolve().parent).as_posix()
    except ValueError:
        return str(path)


def typeset(document: Document, language: Language) -> None:
    """Give the words of the document the language's typography, in place.

    Plain-text fields (titles, names, quotes, agenda items) arrive as typed;
    Markdown fields are typeset already and pass unchanged.  Link texts (often
    an address) keep every character; straight quotes inside a quotation
    become the inner quotation marks.
    """

    def inlines(nodes: list[d.Inline], inner: bool) -> None:
        for node in nodes:
            if isinstance(node, d.Text):
                node.text = language.typeset(node.text, inner=inner)
            elif isinstance(node, d.Emphasis | d.Strong | vocabulary.SlotMark):
                inlines(node.children, inner)
            elif isinstance(node, d.FootnoteRef):
                blocks(node.body, inner=False)

    def blocks(nodes: list[d.Block], inner: bool) -> None:
        for node in nodes:
            if isinstance(node, d.Paragraph | d.Heading):
                inlines(node.children, inner)
            elif isinstance(node, d.ListBlock):
                for item in node.items:
                    blocks(item.children, inner)
            elif isinstance(node, d.Quote):
                blocks(node.children, inner=True)
                inlines(node.attribution, inner)
            elif isinstance(node, d.Table):
                for row in node.rows:
                    for cell in row.cells:
                        blocks(cell.children, inner)

    blocks(document.children, inner=False)
    furniture = document.furniture
    furniture.header = language.typeset(furniture.header)
    furniture.footer = language.typeset(furniture.footer)


def template_context(workshop: Workshop, template: Template) -> dict[str, object]:
    """The names a template sees: the model's sections, as the input format calls them."""
    logo = template.theme.logo
    return {
        "has_logo": logo is not None,
        "logo": next(
            (logo.relative_to(f).as_posix() for f in template.folders if f in logo.parents), ""
        )
        if logo
        else "",
        "agenda_days": agenda_days(workshop),
        "workshop": workshop,
        "report": workshop.report,
        "event": workshop.event,
        "participants": workshop.participants,
        "topics": workshop.topics,
        "quotes": workshop.quotes,
        "general_quotes": workshop.general_quotes,
        "recommendations": workshop.recommendations,
        "recommendation_groups": workshop.recommendation_groups,
        "agenda": workshop.agenda,
        "follow_up": workshop.follow_up,
        "contact": workshop.contact,
    }


@dataclass
class AgendaDay:
    number: int
    date: date | None
    items: list[AgendaItem]


def agenda_days(workshop: Workshop) -> list[AgendaDay]:
    """The agenda by day, in day order; a day's date follows from the event's first day."""
    days: dict[int, AgendaDay] = {}
    event = workshop.event
    for item in workshop.agenda:
        number = item.day or 1
        if number not in days:
            day = event.first_day + timedelta(days=number - 1)
            days[number] = AgendaDay(number, day if day <= event.last_day else None, [])
        days[number].items.append(item)
    return [days[n] for n in sorted(days)]
