"""Template catalogs: complete for every language, read at run time, plurals that work."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reportgen.errors import TemplateError
from reportgen.language import SUPPORTED_LANGUAGES, translations_for
from reportgen.language.catalogs import catalog_languages, catalog_path, template_path
from reportgen.language.extract import (
    catalog_problems,
    extract_messages,
    main,
    offered_variables,
)
from reportgen.templates import SOURCE_LANGUAGE, available_templates

ROOT = Path(__file__).resolve().parents[1] / "templates"
TEMPLATES = [ROOT / name for name in available_templates(ROOT)]
MEETING_REPORT = ROOT / "meeting-report"


def translated_pairs() -> list[tuple[Path, str]]:
    return [(t, lang) for t in TEMPLATES for lang in SUPPORTED_LANGUAGES if lang != SOURCE_LANGUAGE]


@pytest.mark.parametrize(
    ("template", "language"), translated_pairs(), ids=lambda v: v.name if isinstance(v, Path) else v
)
def test_every_catalog_translates_every_message_the_template_uses(template, language):
    # Extracted from the template now, compared with the .po: a message that is
    # missing, empty or fuzzy, or a placeholder the template does not offer, fails.
    from reportgen.templates import load_template

    locale = load_template(template).locale_folder
    assert catalog_problems(template, language, locale_folder=locale) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_the_message_template_is_up_to_date(template):
    from reportgen.language.catalogs import read_catalog

    pot = read_catalog(template_path(template))
    extracted = extract_messages(template)
    assert [(m.id, m.context) for m in pot if m.id] == [
        (m.id, m.context) for m in extracted if m.id
    ]


def test_supported_languages_are_the_source_language_plus_the_catalogs():
    assert set(SUPPORTED_LANGUAGES) == {SOURCE_LANGUAGE, *catalog_languages(MEETING_REPORT)}


def test_the_extractor_reads_msgids_as_the_composer_writes_them():
    # Trans blocks that span lines: their msgid depends on the white-space settings.
    from reportgen.compose.environment import make_environment
    from reportgen.language import Language
    from reportgen.templates import load_template

    source = (
        "<p>\n  {% trans n=1 %}\n  One {{ n }}\n  {% endtrans %}\n  {{ _('Two %(x)s', x=2) }}</p>\n"
    )
    seen: list[str] = []

    class Recording:
        def gettext(self, message: str) -> str:
            seen.append(message)
            return message

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            seen.append(singular)
            return singular

    composer = make_environment(load_template(MEETING_REPORT), Language("en"))
    composer.install_gettext_translations(Recording(), newstyle=True)
    composer.from_string(source).render()
    extracted = extract_messages_from_source(source)
    assert extracted == seen


def extract_messages_from_source(source: str) -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "report.xml.j2").write_text(source, encoding="utf-8")
        return [m.id for m in extract_messages(Path(folder)) if m.id]


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("ru", 1, "%(nf)s женщина"),
        ("ru", 2, "%(nf)s женщины"),
        ("ru", 5, "%(nf)s женщин"),
        ("ru", 21, "%(nf)s женщина"),
        ("ru", 12, "%(nf)s женщин"),
        ("fr", 1, "%(nf)s femme"),
        ("fr", 2, "%(nf)s femmes"),
        ("en", 1, "%(n)s woman"),
        ("en", 5, "%(n)s women"),
    ],
)
def test_plural_forms_follow_the_count(language, count, expected):
    translations = translations_for(MEETING_REPORT, language)
    assert translations.ngettext("%(n)s woman", "%(n)s women", count) == expected


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "See recommendation 4."),
        ("en", 2, "See recommendations 4 and 5."),
        ("ru", 1, "См. рекомендацию 4."),
        ("ru", 5, "См. рекомендации 4, 5, 6, 7 и 8."),
        ("fr", 2, "Voir les recommandations 4 et 5."),
    ],
)
def test_a_template_renders_in_the_report_language(language, count, expected):
    from jinja2 import Environment

    from reportgen.language import Language

    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations_for(MEETING_REPORT, language), newstyle=True
    )
    numbers = list(range(4, 4 + count))
    template = env.from_string(
        "{% trans count=n, numbers=join(numbers) %}See recommendation {{ numbers }}."
        "{% pluralize %}See recommendations {{ numbers }}.{% endtrans %}"
    )
    assert template.render(n=count, numbers=numbers, join=Language(language).join) == expected


# A small template of its own, to show how the checks fail.
SMALL_TEMPLATE = """\
<h1>{{ _("Contents") }}</h1>
{% trans count=n, n=words(n), n_gen=words_gen(n) %}{{ n }} day{% pluralize %}\
{{ n }} days{% endtrans %}
<p>{% trans name=who %}Written by <em>{{ name }}</em>.{% endtrans %}</p>
"""
SMALL_CATALOG = """\
msgid ""
msgstr ""
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Contents"
msgstr "Содержание"

msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s день"
msgstr[1] "%(n)s дня"
msgstr[2] "%(n)s дней"

msgid "Written by <em>%(name)s</em>."
msgstr "Автор: <em>%(name)s</em>."
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    (tmp_path / "report.xml.j2").write_text(SMALL_TEMPLATE, encoding="utf-8")
    path = catalog_path(tmp_path, "ru")
    path.parent.mkdir(parents=True)
    path.write_text(SMALL_CATALOG, encoding="utf-8")
    return tmp_path


def edit_catalog(folder: Path, old: str, new: str) -> None:
    path = catalog_path(folder, "ru")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_complete_catalog_has_no_problems(small):
    assert catalog_problems(small, "ru") == []


def test_a_missing_message_is_reported(small):
    edit_catalog(small, 'msgid "Contents"\nmsgstr "Содержание"\n', "")
    assert [p.split(": ", 1)[1] for p in catalog_problems(small, "ru")] == [
        "msgid 'Contents' (template line 1): missing"
    ]


def test_an_empty_translation_counts_as_missing(small):
    edit_catalog(small, 'msgstr[1] "%(n)s дня"', 'msgstr[1] ""')
    assert catalog_problems(small, "ru")[0].endswith("(template line 2): empty")
    translations = translations_for(small, "ru")
    assert translations.ngettext("%(n)s day", "%(n)s days", 5) == "%(n)s days"


def test_a_fuzzy_translation_counts_as_missing(small):
    edit_catalog(small, 'msgid "Contents"', '#, fuzzy\nmsgid "Contents"')
    assert catalog_problems(small, "ru")[0].endswith(": fuzzy")
    assert translations_for(small, "ru").gettext("Contents") == "Contents"


def test_a_placeholder_the_template_does_not_offer_is_reported(small):
    edit_catalog(small, 'msgstr[2] "%(n)s дней"', 'msgstr[2] "%(nf)s дней"')
    (problem,) = catalog_problems(small, "ru")
    assert "%(nf)s" in problem and "(count, n, n_gen, num)" in problem


def test_a_placeholder_the_template_offers_may_be_used(small):
    edit_catalog(small, 'msgstr[0] "%(n)s день"', 'msgstr[0] "%(n_gen)s дня"')
    assert catalog_problems(small, "ru") == []


def test_a_translation_must_keep_the_markup_of_the_english(small):
    edit_catalog(small, "Автор: <em>%(name)s</em>.", "Автор: %(name)s & Co.")
    (problem,) = catalog_problems(small, "ru")
    assert "not well-formed XML" in problem


def test_a_plural_form_left_out_counts_as_empty(small):
    edit_catalog(small, 'msgstr[2] "%(n)s дней"\n', "")
    assert catalog_problems(small, "ru")[0].endswith("(template line 2): empty")


def test_a_plural_form_too_many_is_a_template_error(small):
    edit_catalog(small, 'msgstr[2] "%(n)s дней"\n', 'msgstr[2] "%(n)s дней"\nmsgstr[3] "x"\n')
    with pytest.raises(TemplateError, match="more translations than num_plurals"):
        catalog_problems(small, "ru")


def test_a_translation_that_is_not_plural_where_the_template_is_is_reported(small):
    edit_catalog(
        small,
        'msgid_plural "%(n)s days"\nmsgstr[0] "%(n)s день"\n'
        'msgstr[1] "%(n)s дня"\nmsgstr[2] "%(n)s дней"',
        'msgstr "%(n)s дней"',
    )
    assert "singular/plural differs" in catalog_problems(small, "ru")[0]


def test_english_needs_no_catalog(small):
    assert translations_for(small, "en").gettext("Contents") == "Contents"


def test_a_language_without_a_catalog_is_a_template_error(small):
    with pytest.raises(TemplateError, match="no catalog for the report language 'fr'") as error:
        translations_for(small, "fr")
    assert "--init fr" in str(error.value)


def test_a_malformed_catalog_is_a_template_error(small):
    edit_catalog(small, 'msgid "Contents"', 'msgid "Contents"\nmsgctx "menu"')
    with pytest.raises(TemplateError, match="not a readable gettext catalog"):
        translations_for(small, "ru")


def test_an_edited_catalog_is_read_again(small):
    assert translations_for(small, "ru").gettext("Contents") == "Содержание"
    edit_catalog(small, "Содержание", "Оглавление")
    path = catalog_path(small, "ru")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert translations_for(small, "ru").gettext("Contents") == "Оглавление"


def test_the_same_catalog_is_read_once(small):
    assert translations_for(small, "ru") is translations_for(small, "ru")


def test_offered_variables_include_num_for_plural_messages(small):
    offers = offered_variables(small)
    assert offers[(None, "%(n)s day")][0].variables == {"count", "n", "n_gen", "num"}
    assert offers[(None, "Contents")][0].variables == set()


def test_extraction_keeps_translations_and_adds_new_messages(small, capsys):
    text = SMALL_TEMPLATE + '<p>{{ _("Annex") }}</p>\n'
    (small / "report.xml.j2").write_text(text, encoding="utf-8")
    assert main([str(small)]) == 1  # one message left to translate
    assert "msgid 'Annex' (template line 4): empty" in capsys.readouterr().out
    catalog = catalog_path(small, "ru").read_text(encoding="utf-8")
    assert 'msgstr "Содержание"' in catalog and 'msgid "Annex"' in catalog
    assert 'msgid "Annex"' in template_path(small).read_text(encoding="utf-8")


def test_extracting_again_changes_no_file(tmp_path):
    folder = tmp_path / "meeting-report"
    shutil.copytree(MEETING_REPORT, folder)
    before = {p: p.read_bytes() for p in folder.rglob("*.po*")}
    assert main([str(folder)]) == 0
    assert {p: p.read_bytes() for p in folder.rglob("*.po*")} == before


def test_a_new_language_starts_from_the_message_template(tmp_path):
    folder = tmp_path / "meeting-report"
    shutil.copytree(MEETING_REPORT, folder)
    main([str(folder), "--init", "de"])
    assert "de" in catalog_languages(folder)
    assert catalog_problems(folder, "de")  # every message still to translate


def test_a_template_syntax_error_is_reported_with_its_line(small, capsys):
    (small / "report.xml.j2").write_text("<p>\n{% trans %}Open", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main([str(small)])
    assert exit_.value.code == 1
    assert "report.xml.j2:2: " in capsys.readouterr().err


def test_starting_a_catalog_that_exists_is_refused(small, capsys):
    with pytest.raises(SystemExit):
        main([str(small), "--init", "ru"])
    assert "exists already" in capsys.readouterr().err


def test_french_translations_follow_french_typography():
    from reportgen.language.catalogs import read_catalog

    catalog = read_catalog(catalog_path(MEETING_REPORT, "fr"), "fr")
    for message in catalog:
        if not message.id:
            continue
        for text in message.string if message.pluralizable else [message.string]:
            assert " :" not in text and "'" not in text, text  # "\u00a0:" and "’"
            assert "«" not in text or "«\u202f" in text, text
