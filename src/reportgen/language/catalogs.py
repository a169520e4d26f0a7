"""A template's translations, read from its .po catalogs at run time (no compile step).

Each template keeps the fixed text it writes (headings, connecting sentences)
in English in its Jinja file and the translations in gettext catalogs::

    templates/<name>/locale/messages.pot                 the messages, extracted
    templates/<name>/locale/<lang>/LC_MESSAGES/messages.po   one per language

Catalogs are read with Babel when a report is composed and cached per
(template folder, language) until the .po file changes.  A fuzzy or empty
translation counts as missing: the English text is used and
``tests/test_catalogs.py`` fails until a translator fills it in.

Re-extracting after the template changes (keeps existing translations, adds
new messages, drops removed ones, marks near matches fuzzy)::

    .venv/bin/python -m reportgen.language.extract templates/meeting-report

Adding a language, e.g. German:

1. ``python -m reportgen.language.extract templates/meeting-report --init de``
   creates ``locale/de/LC_MESSAGES/messages.po`` from the .pot, with the plural
   rule of the language; translate every message (Poedit or any PO editor).
2. Add the code to ``SUPPORTED_LANGUAGES`` and a ``Profile`` to
   ``reportgen.language.profiles`` (number style, quotation marks, "and",
   date prepositions: facts no library holds for a style guide).
3. ``pytest tests/test_catalogs.py tests/test_language.py``: the tests check
   that every supported language has a profile, is known to Babel and
   num2words, and has a complete catalog in every template.

``SUPPORTED_LANGUAGES`` stays a constant tuple so that validating an input
file imports nothing heavy; the tests keep it equal to the source language
plus the catalogs of the default template.
"""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TemplateError
from ..templates import COMPOSITION_FILE, LOCALE_DIR, SOURCE_LANGUAGE, THEME_FILE

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

DOMAIN = "messages"

_cache: dict[tuple[Path, str], tuple[tuple[int, int], gettext.NullTranslations]] = {}


def catalog_path(template_folder: Path, language: str) -> Path:
    """Where the catalog of ``language`` lives in a template folder."""
    return Path(template_folder) / LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(template_folder: Path) -> Path:
    """The .pot file that lists the messages of a template.

    A template made only of a theme that extends another uses that one's
    composition, and so its messages.
    """
    folder = Path(template_folder)
    if not (folder / COMPOSITION_FILE).is_file() and (folder / THEME_FILE).is_file():
        from ..templates import load_template

        folder = load_template(folder).composition.parent
    return folder / LOCALE_DIR / f"{DOMAIN}.pot"


def catalog_languages(template_folder: Path) -> list[str]:
    """The languages a template has catalogs for (not counting the source language)."""
    locale = Path(template_folder) / LOCALE_DIR
    return sorted(p.parents[1].name for p in locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def translations_for(template_folder: Path, language: str) -> gettext.NullTranslations:
    """The template's translations into ``language``, for Jinja's i18n extension.

    Use as ``env.install_gettext_translations(translations_for(folder, code),
    newstyle=True)``.  English, the source language, gets ``NullTranslations``.
    A template without a catalog for ``language`` is a ``TemplateError``.
    """
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    path = catalog_path(template_folder, language).resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        have = ", ".join([SOURCE_LANGUAGE, *catalog_languages(template_folder)])
        raise TemplateError(
            f"{path}: the template has no catalog for the report language {language!r}",
            hint=f"the template is written in: {have}; to add a language run "
            f"`python -m reportgen.language.extract {template_folder} --init {language}`",
        ) from None
    key = (path, language)
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    translations = _compile(read_catalog(path, language))
    _cache[key] = (version, translations)
    return translations


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    """A .po file as a Babel catalog; a malformed file is a ``TemplateError``."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with open(path, "rb") as file:
            return read_po(file, locale=language, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as error:
        raise TemplateError(f"{path}: not a readable gettext catalog: {error}") from None


def is_translated(message: Message) -> bool:
    """True when a translator has finished ``message``: not fuzzy, no empty form."""
    if message.fuzzy:
        return False
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(forms) and all(forms)


def _compile(catalog: Catalog) -> gettext.NullTranslations:
    # Babel writes the finished messages as an in-memory MO file, which the
    # standard library reads with the catalog's own Plural-Forms rule; gettext,
    # ngettext, pgettext and npgettext then fall back to English for the rest.
    from babel.messages.catalog import Catalog as BabelCatalog
    from babel.messages.mofile import write_mo

    finished = BabelCatalog(locale=catalog.locale, charset="utf-8")
    finished.mime_headers = catalog.mime_headers
    for message in catalog:
        if message.id and is_translated(message):
            finished[message.id] = message
    buffer = BytesIO()
    write_mo(buffer, finished)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
