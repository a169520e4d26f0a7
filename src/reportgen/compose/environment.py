"""The sandboxed Jinja environment a template runs in, and its helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from types import TracebackType

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateSyntaxError,
)
from jinja2 import (
    TemplateError as JinjaTemplateError,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from ..errors import TemplateError
from ..language import Language
from ..templates import Template
from . import markdown
from .cache import template_cache

CONTEXT_LINES = 2  # template lines shown either side of an error


def make_environment(template: Template, language: Language) -> ImmutableSandboxedEnvironment:
    """A sandbox (no attribute tricks, no mutation) with autoescape and strict undefined names.

    Autoescape is for XML: every value from the input is escaped before it
    reaches the vocabulary parser, so input text can never become markup.
    """
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader([str(f) for f in template.folders or (template.folder,)]),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        # White space collapses as in HTML (vocabulary.py), so block tags may
        # keep their newlines: sentences in separate {% trans %} blocks stay apart.
        trim_blocks=False,
        lstrip_blocks=False,
        # Compiled templates from earlier runs (cache.py): compiling costs ~0.1 s.
        bytecode_cache=template_cache(),
    )
    from ..language import translations_for

    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations_for(template.locale_folder, language.code), newstyle=True
    )
    quotes = tuple(language.smartquotes)

    def md_blocks(text: str | None) -> Markup:
        return Markup(markdown.render(text or "", quotes=quotes))  # noqa: S704 - escaped by the renderer

    def md_inline(text: str | None) -> Markup:
        return Markup(markdown.render(text or "", quotes=quotes, inline=True))  # noqa: S704

    def join(items: Iterable[object]) -> Markup:
        # Items are escaped one by one; the language adds only separators.
        return Markup(language.join([str(escape(i)) for i in items if i not in (None, "")]))  # noqa: S704

    def quoted(text: object) -> Markup:
        return Markup(language.quoted(str(escape(text))))  # noqa: S704

    # Provenance (vocabulary.py): the blocks of a text field, and field text in a block.
    def field_path(owner: object, name: str, index: int | None) -> str:
        base = getattr(owner, "path", "")
        path = f"{base}.{name}" if base else name
        return path if index is None else f"{path}[{int(index)}]"

    def field_value(owner: object, name: str, index: int | None) -> object:
        value = owner.get(name) if isinstance(owner, dict) else getattr(owner, name)
        return value if index is None else value[int(index)]

    def text(owner: object, name: str, index: int | None = None) -> Markup:
        path = field_path(owner, name, index)
        value = field_value(owner, name, index)
        inner = markdown.render(str(value or ""), quotes=quotes)
        return Markup(f'<field path="{escape(path)}" kind="markdown">{inner}</field>')  # noqa: S704

    def slot(owner: object, name: str, index: int | None = None, *, value: object = None) -> Markup:
        path = field_path(owner, name, index)
        shown = field_value(owner, name, index) if value is None else value
        if isinstance(shown, list | tuple):
            return _slot((path,), "list", join(shown))
        return _slot((path,), "plain", escape(shown if shown is not None else ""))

    def addressees(group: object) -> Markup:
        """The addressees a group of recommendations shares: the `to` of each of them."""
        paths = tuple(f"{rec.path}.to" for rec in group.recommendations)  # type: ignore[attr-defined]
        return _slot(paths, "list", join(group.addressees))  # type: ignore[attr-defined]

    def words(
        n: int,
        case: str = "nominative",
        gender: str = "masculine",
        animate: bool = False,
        spell_out: bool | None = None,
    ) -> str:
        return language.words(
            int(n), case=case, gender=gender, animate=animate, spell_out=spell_out
        )

    def format_date(day: date | None) -> str:
        return language.date(day) if day else ""

    def date_range(start: date, end: date) -> str:
        return language.date_range(start, end)

    def date_phrase(start: date, end: date | None = None) -> str:
        return language.date_phrase(start, end)

    env.filters.update(
        markdown=md_blocks,
        markdown_inline=md_inline,
        join_words=join,
        quoted=quoted,
        words=words,
        date=format_date,
    )
    env.globals.update(
        text=text,
        slot=slot,
        addressees=addressees,
        words=words,
        join_words=join,
        quoted=quoted,
        date=format_date,
        date_range=date_range,
        date_phrase=date_phrase,
        language=language.code,
    )
    return env


def _slot(paths: tuple[str, ...], kind: str, shown: object) -> Markup:
    # ``shown`` is escaped already (escape() or join_words); paths are the loader's.
    return Markup(  # noqa: S704
        f'<slot path="{escape(" ".join(paths))}" kind="{kind}">{shown}</slot>'
    )


def render(env: ImmutableSandboxedEnvironment, template: Template, context: dict) -> str:
    """Render the template's composition, turning Jinja's errors into TEMPLATE:LINE messages."""
    path = template.composition
    try:
        return env.get_template(path.name).render(context)
    except TemplateSyntaxError as error:
        raise _located(path, error.lineno, error.message or str(error)) from None
    except JinjaTemplateError as error:
        raise _located(path, _template_line(path, sys.exc_info()[2]), str(error)) from None
    except TemplateError:
        raise
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as error:
        # A template that computes with the model can fail like any program;
        # that is the template author's to fix, not a crash of reportgen.
        raise _located(
            path, _template_line(path, sys.exc_info()[2]), f"{type(error).__name__}: {error}"
        ) from None


def _template_line(path: Path, tb: TracebackType | None) -> int | None:
    """The last line of the template file the traceback went through."""
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _located(path: Path, line: int | None, message: str) -> TemplateError:
    place = f"{path}:{line}" if line else str(path)
    excerpt = ""
    if line:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        first = max(1, line - CONTEXT_LINES)
        shown = [
            f"{'>' if n == line else ' '} {n:4} | {lines[n - 1]}"
            for n in range(first, min(len(lines), line + CONTEXT_LINES) + 1)
        ]
        excerpt = "\n".join(shown)
    error = TemplateError(f"{place}: {message}" + (f"\n{excerpt}" if excerpt else ""))
    return error
