"""A character no font of the template can draw is named in a warning, not drawn as a box."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import PRIVATE_USE, input_with_a_private_use_character
from reportgen import documents as d
from reportgen.pdf.glyphs import drawn
from reportgen.pdf.html import write_html
from reportgen.pdf.render import render_pdf
from reportgen.pipeline import generate
from reportgen.results import Warnings
from reportgen.templates import Template, load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_FOLDER = ROOT / "templates" / "meeting-report"
BODY_STACK = "Noto Serif, Noto Sans Georgian, DejaVu Sans"
HEADING_STACK = "Noto Sans, Noto Sans Georgian, DejaVu Sans"


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template(TEMPLATE_FOLDER)


def fonts_with(char: str) -> list[str]:
    """The installed font families fontconfig says can draw ``char``."""
    listed = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    return sorted({line.strip() for line in listed.stdout.splitlines() if line.strip()})


def warnings_for(template: Template, *paragraphs: str, heading: str = "Summary") -> list[str]:
    document = d.Document(
        children=[d.Heading(1, [d.Text(heading)]),
                  *(d.Paragraph([d.Text(text)]) for text in paragraphs)],
        metadata=d.Metadata(title="Glyphs", language="en"),
    )  # fmt: skip
    warnings = Warnings()
    render_pdf(write_html(document, template, draft=False), template, warnings=warnings)
    return [str(m) for m in warnings.messages]


def test_a_character_no_installed_font_has_is_named_with_the_fonts_and_its_context(
    template: Template,
) -> None:
    assert fonts_with(PRIVATE_USE) == []
    found = warnings_for(template, f"The logo {PRIVATE_USE} of the organizer.")
    assert found == [
        f"PDF: no font in the theme's stack ({BODY_STACK}) has a glyph for U+E000 "
        f"'{PRIVATE_USE}' (in “The logo {PRIVATE_USE} of the organizer.”)"
    ]


def test_georgian_russian_and_french_text_is_drawn_by_the_themes_fonts(
    template: Template,
) -> None:
    assert (
        warnings_for(
            template,
            "Тбилиси, თბილისი — საქართველო. « Les participants » ont adopté « l’intégration ».",
            "Quotes ‘’ “” „ – — … € № § ° ½ ©.",
            heading="Тбилиси 2018 — თბილისი",
        )
        == []
    )


def test_a_script_only_a_font_outside_the_theme_has_is_named_too(template: Template) -> None:
    # Adlam: the machine may have a font for it, but the theme does not name one,
    # so another machine would draw boxes.
    found = warnings_for(template, "Name in Adlam: \U0001e900\U0001e901.")
    assert found[0].startswith(
        f"PDF: no font in the theme's stack ({BODY_STACK}) has a glyph for U+1E900 '\U0001e900'"
    )


def test_headings_are_checked_against_the_heading_fonts(template: Template) -> None:
    found = warnings_for(template, "Body text.", heading=f"Heading {PRIVATE_USE}")
    assert found == [
        f"PDF: no font in the theme's stack ({HEADING_STACK}) has a glyph for U+E000 "
        f"'{PRIVATE_USE}' (in “Heading {PRIVATE_USE}”)"
    ]


def test_many_missing_characters_are_named_five_then_counted(template: Template) -> None:
    missing = "".join(chr(0xE000 + n) for n in range(12))
    found = warnings_for(template, f"Private characters: {missing}.")
    assert len(found) == 6
    assert all("has a glyph for U+E00" in line for line in found[:5])
    assert found[5] == (
        "PDF: 7 more characters have no glyph in the theme's fonts: U+E005 '\ue005', "
        "U+E006 '\ue006', U+E007 '\ue007', U+E008 '\ue008', U+E009 '\ue009', "
        "U+E00A '\ue00a', U+E00B '\ue00b'"
    )


def test_beyond_ten_the_missing_characters_are_quoted_together_so_none_goes_unnamed(
    template: Template,
) -> None:
    missing = "".join(chr(0xE000 + n) for n in range(40))
    found = warnings_for(template, f"Private characters: {missing}.")
    assert found[5].startswith("PDF: 35 more characters have no glyph in the theme's fonts: ")
    assert found[5].endswith(f", U+E00E '\ue00e' and 25 more: “{missing[15:]}”")


def test_spaces_joiners_and_other_invisible_characters_need_no_glyph(template: Template) -> None:
    invisible = "\u200b\u200c\u200d\u2060\u00ad\ufe0f\u200e\u2009\u202f\u3000"
    assert not any(drawn(c) for c in invisible)
    assert drawn("a") and drawn(PRIVATE_USE) and drawn("\u0301")
    assert warnings_for(template, f"Words{invisible} and more.") == []


def test_a_font_the_theme_names_but_neither_carries_nor_finds_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "meeting-report"
    shutil.copytree(TEMPLATE_FOLDER, folder)
    theme = yaml.safe_load((folder / "theme.yaml").read_text(encoding="utf-8"))
    theme["fonts"]["body"] = "Nonexistent Serif Pro"
    (folder / "theme.yaml").write_text(yaml.safe_dump(theme), encoding="utf-8")
    found = warnings_for(load_template(folder), "Body text.")
    assert len(found) == 1
    assert found[0].startswith(
        "PDF: the font “Nonexistent Serif Pro” the template asks for is neither among its "
        "font files nor installed; text set in it uses “"
    )


def test_generate_passes_the_warning_on_from_an_input(tmp_path: Path) -> None:
    source = input_with_a_private_use_character(tmp_path)
    outcome = generate(source, tmp_path / "out")
    messages = [str(m) for m in outcome.warnings]
    assert [m for m in messages if "U+E000" in m] == [
        f"PDF: no font in the theme's stack ({BODY_STACK}) has a glyph for U+E000 "
        f"'{PRIVATE_USE}' (in “Our sign {PRIVATE_USE} is private.”)"
    ]
