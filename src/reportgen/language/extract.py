"""Extract a template's messages into its .pot and bring its .po catalogs up to date.

Run ``python -m reportgen.language.extract [TEMPLATE_FOLDER] [--init LANG]``
(default folder: templates/meeting-report).  Messages come from ``{% trans %}``
blocks and ``_()``/``gettext``/``ngettext``/``pgettext``/``npgettext`` calls,
read by Jinja's own Babel extractor (``jinja2.ext.babel_extract``) with the
settings of the environment reports are composed in
(``reportgen.compose.environment.make_environment``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TemplateError
from ..templates import COMPOSITION_FILE, DEFAULT_TEMPLATE, SOURCE_LANGUAGE, templates_root
from .catalogs import catalog_languages, catalog_path, is_translated, read_catalog, template_path

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message
    from jinja2 import Environment

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
GETTEXT_FUNCTIONS = set(KEYWORDS)
# Template comments starting with one of these go into the catalogs for translators.
COMMENT_TAGS = ("Translators:", "TRANSLATORS:", "i18n:")
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?(?P<spec>[#0\- +]*\d*(?:\.\d+)?[a-zA-Z%]?)")
# "{page}" fields the document writer fills in later (python-brace-format messages).
BRACE_FIELD = re.compile(r"\{(\w*)\}")

MessageKey = tuple[str | None, str]  # (context, singular msgid)


@dataclass(frozen=True)
class Offer:
    """The variables one gettext call or trans block passes to its translation."""

    line: int
    variables: frozenset[str]


def composition_of(template_folder: Path) -> Path:
    """The composition a template uses: its own, or that of the template it extends."""
    own = Path(template_folder) / COMPOSITION_FILE
    if own.is_file():
        return own
    from ..templates import load_template

    return load_template(Path(template_folder)).composition


def extract_messages(template_folder: Path) -> Catalog:
    """The messages the template's composition uses, as a Babel catalog (a .pot)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract
    from jinja2.ext import babel_extract

    source = composition_of(template_folder)
    name = source.parent.resolve().name
    catalog = Catalog(
        project="reportgen",
        version=name,
        header_comment=(
            f"# Fixed text of the reportgen template {name!r}.\n"
            "# Written by `python -m reportgen.language.extract`."
        ),
        msgid_bugs_address="",
        charset="utf-8",
        fuzzy=False,
    )
    with open(source, "rb") as file:
        found = extract(
            babel_extract,
            file,
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            options=jinja_options(),
            strip_comment_tags=True,
        )
        for line, message, comments, context in found:
            catalog.add(
                message, None, [(COMPOSITION_FILE, line)], auto_comments=comments, context=context
            )
    return catalog


def offered_variables(template_folder: Path) -> dict[MessageKey, list[Offer]]:
    """For each message, the variables each of its uses passes (trans-block names, kwargs).

    Plural messages are also offered ``num``, which newstyle gettext adds.
    """
    from jinja2 import nodes

    source = composition_of(template_folder).read_text(encoding="utf-8")
    tree = composer_environment().parse(source)
    offers: dict[MessageKey, list[Offer]] = {}
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name in GETTEXT_FUNCTIONS):
            continue
        name = call.node.name
        strings = [a.value if isinstance(a, nodes.Const) else None for a in call.args]
        context = strings.pop(0) if name in ("pgettext", "npgettext") and strings else None
        if not strings or not isinstance(strings[0], str):
            continue  # not a literal: nothing to translate
        variables = {k.key for k in call.kwargs}
        if name in ("ngettext", "npgettext"):
            variables.add("num")
        offers.setdefault((context, strings[0]), []).append(
            Offer(call.lineno, frozenset(variables))
        )
    return offers


def placeholders(text: str) -> set[str]:
    """The ``%(name)s`` names in a message; a positional ``%s`` shows as ""."""
    return {m.group("name") or "" for m in PLACEHOLDER.finditer(text) if m.group("spec") != "%"}


def catalog_problems(
    template_folder: Path, language: str, *, locale_folder: Path | None = None
) -> list[str]:
    """What keeps a language's catalog from translating the template completely.

    Missing, empty or fuzzy messages (a plural form left out is empty);
    placeholders the template does not pass; translations that are not the
    same markup as the English.  Empty when the catalog is complete.
    ``locale_folder``: where the catalogs are, if not in the template folder
    (a template that takes them from the one it extends).
    """
    folder = Path(template_folder)
    path = catalog_path(locale_folder or folder, language)
    if not path.is_file():
        return [f"{path}: no catalog for {language!r}"]
    catalog = read_catalog(path, language)
    offers = offered_variables(folder)
    problems = []
    for wanted in extract_messages(folder):
        if not wanted.id:
            continue
        key = (wanted.context, _singular(wanted))
        where = f"{path}: {_describe(wanted)}"
        have = catalog.get(wanted.id, wanted.context)
        if have is None:
            problems.append(f"{where}: missing")
            continue
        if not is_translated(have):
            problems.append(f"{where}: {'fuzzy' if have.fuzzy else 'empty'}")
            continue
        problems += [
            f"{where}: {p}" for p in _translation_problems(wanted, have, offers.get(key, []))
        ]
    return problems


def _translation_problems(wanted: Message, have: Message, offers: list[Offer]) -> list[str]:
    problems = []
    forms = list(have.string) if have.pluralizable else [have.string]
    # (Babel refuses a plural form too many, and reads one too few as empty.)
    if wanted.pluralizable != have.pluralizable:
        problems.append("singular/plural differs from the template")
    # Every use of the message must pass every name the translation uses.
    offered = frozenset.intersection(*(o.variables for o in offers)) if offers else frozenset()
    for form in forms:
        unknown = placeholders(form) - offered
        if unknown:
            problems.append(
                f"placeholder {', '.join(sorted(f'%({n})s' for n in unknown))} in "
                f"{form!r} is not among those the template offers "
                f"({', '.join(sorted(offered)) or 'none'})"
            )
        if "python-brace-format" in wanted.flags:
            fields = set(BRACE_FIELD.findall(_singular(wanted)))
            if set(BRACE_FIELD.findall(form)) != fields:
                problems.append(
                    f"{form!r} must keep the fields "
                    f"{', '.join('{' + f + '}' for f in sorted(fields))}"
                )
        markup = _markup_problem(_singular(wanted), form)
        if markup:
            problems.append(markup)
    return problems


def _markup_problem(msgid: str, msgstr: str) -> str | None:
    """Translations are inserted as markup: they must be well-formed, with the msgid's tags."""
    english = _tags(msgid)
    if english is None:
        return None  # the English is not a fragment of its own: nothing to compare
    translated = _tags(msgstr)
    if translated is None:
        return f"{msgstr!r} is not well-formed XML (escape & and < as &amp; and &lt;)"
    if sorted(translated) != sorted(english):
        return f"{msgstr!r} has markup {sorted(translated)}, the English {sorted(english)}"
    return None


def _tags(text: str) -> list[str] | None:
    from ..xmlparsing import DoctypeFound, MalformedXML, parse

    body = PLACEHOLDER.sub(lambda m: "%" if m.group("spec") == "%" else "x", text)
    try:
        root = parse(f"<m>{body}</m>".encode(), "message")
    except (MalformedXML, DoctypeFound):
        return None
    return [str(e.tag) for e in root.iter() if e is not root]


def _singular(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def _describe(message: Message) -> str:
    lines = ", ".join(str(line) for _, line in message.locations)
    context = f" (context {message.context!r})" if message.context else ""
    return f"msgid {_singular(message)!r}{context} (template line {lines})"


def composer_environment() -> Environment:
    """The Jinja environment reports are composed in: it decides what a msgid is.

    White-space settings and the i18n policies change the text of a trans
    block, so messages are read with the composer's own settings.
    """
    from ..compose.environment import make_environment
    from ..templates import Template, Theme
    from . import Language

    template = Template(name="extract", folder=Path(), description="", theme=Theme())
    return make_environment(template, Language(SOURCE_LANGUAGE))


def jinja_options() -> dict[str, str]:
    """The composer's parsing settings as options for ``jinja2.ext.babel_extract``."""
    env = composer_environment()
    flag = {True: "true", False: "false"}
    return {
        "extensions": ",".join(
            f"{type(e).__module__}.{type(e).__name__}" for e in env.extensions.values()
        ),
        "block_start_string": env.block_start_string,
        "block_end_string": env.block_end_string,
        "variable_start_string": env.variable_start_string,
        "variable_end_string": env.variable_end_string,
        "comment_start_string": env.comment_start_string,
        "comment_end_string": env.comment_end_string,
        "line_statement_prefix": env.line_statement_prefix or "",
        "line_comment_prefix": env.line_comment_prefix or "",
        "trim_blocks": flag[env.trim_blocks],
        "lstrip_blocks": flag[env.lstrip_blocks],
        "keep_trailing_newline": flag[env.keep_trailing_newline],
        "newstyle_gettext": flag[bool(getattr(env, "newstyle_gettext", False))],
        "trimmed": flag[bool(env.policies.get("ext.i18n.trimmed", False))],
        "silent": "false",  # a syntax error is reported, not skipped
    }


def update(template_folder: Path, *, init: list[str] | None = None) -> dict[str, list[str]]:
    """Write the template's .pot and merge it into every catalog (and into new ones).

    Returns the problems left per language (untranslated messages and the like).
    """
    from babel.messages.catalog import Catalog

    folder = Path(template_folder)
    pot = extract_messages(folder)
    pot_file = template_path(folder)
    pot.creation_date = _creation_date(pot, pot_file)
    _write(pot_file, pot)
    for language in init or []:
        path = catalog_path(folder, language)
        if path.exists():
            raise FileExistsError(f"{path} exists already; it is updated without --init")
        new = Catalog(
            locale=language,
            header_comment=(
                f"# {language} translation of the fixed text of the reportgen template "
                f"{pot.version!r}."
            ),
            project=pot.project,
            version=pot.version,
            msgid_bugs_address="",
            last_translator="reportgen contributors",
            language_team=language,
            charset="utf-8",
            fuzzy=False,
            creation_date=pot.creation_date,
            revision_date=pot.creation_date,
        )
        _write(path, new)
    problems = {}
    for language in catalog_languages(folder):
        path = catalog_path(folder, language)
        catalog = read_catalog(path, language)
        catalog.update(pot)
        _write(path, catalog)
        problems[language] = catalog_problems(folder, language)
    return problems


def _creation_date(pot: Catalog, pot_file: Path) -> datetime:
    # Keep the old date while the messages stay the same, so that re-running
    # the extraction changes no file; SOURCE_DATE_EPOCH pins it otherwise.
    if pot_file.is_file():
        old = read_catalog(pot_file)
        if _signature(old) == _signature(pot):
            return old.creation_date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def _signature(catalog: Catalog) -> list[tuple[object, ...]]:
    return [(m.id, m.context, tuple(m.locations), tuple(m.auto_comments)) for m in catalog if m.id]


def _write(path: Path, catalog: Catalog) -> None:
    from babel.messages.pofile import write_po

    buffer = BytesIO()
    write_po(buffer, catalog, width=76, ignore_obsolete=True, include_previous=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != buffer.getvalue():
        path.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reportgen.language.extract",
        description="Extract a template's messages into locale/messages.pot and update "
        "its locale/<lang>/LC_MESSAGES/messages.po catalogs.",
    )
    parser.add_argument(
        "template",
        nargs="?",
        type=Path,
        default=templates_root() / DEFAULT_TEMPLATE,
        help="template folder (default: %(default)s)",
    )
    parser.add_argument(
        "--init",
        action="append",
        metavar="LANG",
        default=[],
        help="start a catalog for a new language (repeatable)",
    )
    args = parser.parse_args(argv)
    if not (args.template / COMPOSITION_FILE).is_file():
        parser.error(f"{args.template} holds no {COMPOSITION_FILE}")
    from jinja2 import TemplateSyntaxError

    try:
        problems = update(args.template, init=args.init)
    except TemplateSyntaxError as error:
        parser.exit(1, f"{args.template / COMPOSITION_FILE}:{error.lineno}: {error.message}\n")
    except (FileExistsError, TemplateError) as error:
        parser.exit(1, f"{error}\n")
    messages = [m for m in read_catalog(template_path(args.template)) if m.id]
    print(f"{template_path(args.template)}: {len(messages)} messages")
    for language, found in problems.items():
        state = "complete" if not found else f"{len(found)} to do"
        print(f"{catalog_path(args.template, language)}: {state}")
        for problem in found:
            print(f"  {problem}")
    return 0 if not any(problems.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
