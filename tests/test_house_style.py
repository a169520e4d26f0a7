"""A house style in one place: the theme feeds both the DOCX styles and the PDF.

templates/civic-network is the meeting report in another organization's look,
made of nothing but a theme file that extends meeting-report and a logo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from docx import Document as open_docx
from lxml import etree

from ooxml import assert_valid_docx
from reportgen.templates import SHIPPED_FAMILY_SUFFIX, find_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
EXAMPLE = ROOT / "inputs" / "tbilisi-2018-migrant-integration.yaml"
HOUSE = "civic-network"
SOURCE_DATE_EPOCH = "1550188800"

# The change made to a copy of the house style.
NEW_ACCENT = "#a01070"
NEW_BODY_FONT = "DejaVu Serif"


@dataclass(frozen=True)
class Report:
    docx: Path
    pdf: Path


def reportgen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            **os.environ,
            "REPORTGEN_TEMPLATES": str(TEMPLATES),
            "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        },
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def example_in(folder: Path, template: str) -> Path:
    """The Tbilisi example in another template; final, so no DRAFT watermark lies over the text."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in (
        ("  language: en\n", f"  language: en\n  template: {template}\n"),
        ("  status: draft\n", "  status: final\n"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    source = folder / "tbilisi.yaml"
    source.write_text(text, encoding="utf-8")
    return source


def generate(source: Path) -> Report:
    outdir = source.parent / "out"
    result = reportgen("generate", str(source), "--output-dir", str(outdir))
    assert result.returncode == 0, result.stderr
    report = Report(outdir / f"{source.stem}.docx", outdir / f"{source.stem}.pdf")
    assert result.stdout.split() == [str(report.docx), str(report.pdf)]
    return report


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The Tbilisi example in the civic-network house style, named as templates/ knows it."""
    return generate(example_in(tmp_path_factory.mktemp("house"), HOUSE))


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The same, in a copy of the house style whose theme has another accent and body font."""
    folder = tmp_path_factory.mktemp("changed")
    copy = folder / "our-style"
    shutil.copytree(TEMPLATES / HOUSE, copy)
    theme_file = copy / "theme.yaml"
    theme = yaml.safe_load(theme_file.read_text(encoding="utf-8"))
    theme["colors"]["accent"] = NEW_ACCENT
    theme["fonts"]["body"] = NEW_BODY_FONT
    theme_file.write_text(yaml.safe_dump(theme, allow_unicode=True), encoding="utf-8")
    return generate(example_in(folder, "./our-style"))


# -- reading the outputs back ------------------------------------------------------------


def docx_heading_color(docx: Path) -> str:
    return "#" + str(open_docx(str(docx)).styles["Heading 1"].font.color.rgb).lower()


def docx_body_font(docx: Path) -> str | None:
    return open_docx(str(docx)).styles["Normal"].font.name


def pdf_fonts(pdf: Path) -> set[str]:
    """The embedded font names pdffonts lists, without subset prefix, spaces or dashes.

    The mark the PDF's CSS gives the families a template carries goes too.
    """
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()[2:]
    mark = SHIPPED_FAMILY_SUFFIX.strip().lower()
    names = (line.split()[0].split("+")[-1].replace("-", "").lower() for line in listing)
    return {name.replace(mark, "") for name in names}


def font_key(family: str) -> str:
    return family.replace(" ", "").lower()


def words(pdf: Path) -> list[tuple[int, str, tuple[float, float, float, float]]]:
    """Every word of the PDF as (page, text, box in points), from pdftotext."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=120
    ).stdout
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xhtml, parser)
    out = []
    for number, page in enumerate(root.iter("{*}page"), start=1):
        for word in page.iter("{*}word"):
            box = tuple(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            out.append((number, word.text or "", box))
    return out


def heading(pdf: Path, text: str) -> tuple[int, tuple[float, float, float, float]]:
    """Where a heading word is: the largest occurrence of it (the contents list is smaller)."""
    found = [(page, box) for page, word, box in words(pdf) if word == text]
    assert found, text
    return max(found, key=lambda item: item[1][3] - item[1][1])


def ink_color(pdf: Path, page: int, box: tuple[float, float, float, float]) -> str:
    """The colour most of the ink in a box is drawn in, as pdftoppm renders it."""
    dpi = 150
    scale = dpi / 72
    x, y = int(box[0] * scale), int(box[1] * scale)
    width, height = int((box[2] - box[0]) * scale) + 1, int((box[3] - box[1]) * scale) + 1
    ppm = subprocess.run(
        [
            "pdftoppm",
            "-f",
            str(page),
            "-l",
            str(page),
            "-r",
            str(dpi),
            "-x",
            str(x),
            "-y",
            str(y),
            "-W",
            str(width),
            "-H",
            str(height),
            str(pdf),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    pixels = _ppm_pixels(ppm)
    colors = Counter(
        bytes(pixels[i : i + 3])
        for i in range(0, len(pixels) - 2, 3)
        if min(pixels[i : i + 3]) < 200  # ink, not paper nor the faint edge of a glyph
    )
    assert colors, "no ink in the box"
    return "#" + colors.most_common(1)[0][0].hex()


def _ppm_pixels(data: bytes) -> bytes:
    """The RGB bytes of a binary PPM (P6): four header fields, one white space, the pixels."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        start = position
        while not data[position : position + 1].isspace():
            position += 1
        fields.append(data[start:position])
    assert fields[0] == b"P6" and fields[3] == b"255", fields
    return data[position + 1 :]


def close(color: str, expected: str, tolerance: int = 4) -> bool:
    a, b = bytes.fromhex(color.lstrip("#")), bytes.fromhex(expected.lstrip("#"))
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


# -- the second template ------------------------------------------------------------------


def test_the_second_template_is_a_theme_and_a_logo_only() -> None:
    folder = TEMPLATES / HOUSE
    # logo.svg is the artwork the PNG was drawn from.
    assert sorted(p.name for p in folder.iterdir()) == ["logo.png", "logo.svg", "theme.yaml"]
    template = find_template(HOUSE)
    base = find_template("meeting-report")
    assert template.composition == base.composition
    assert template.css == base.css
    assert template.languages() == base.languages()
    assert template.theme.logo == folder / "logo.png"
    assert template.theme != base.theme


def test_templates_lists_the_second_template_with_its_languages() -> None:
    result = reportgen("templates")
    assert result.returncode == 0, result.stderr
    assert f"{HOUSE}  [en, fr, ru]" in result.stdout
    assert "Civic Space Network" in result.stdout


def test_the_example_in_the_second_template_takes_its_look_from_the_theme(
    house: Report,
) -> None:
    theme = find_template(HOUSE).theme
    accent = theme.color("accent")
    # The DOCX styles.
    document = open_docx(str(house.docx))
    assert docx_heading_color(house.docx) == accent
    assert docx_body_font(house.docx) == theme.body_font == "Noto Sans"
    assert document.styles["Heading 1"].font.name == theme.heading_font
    assert document.styles["Normal"].font.size.pt == theme.size("body")
    assert document.sections[0].left_margin.mm == pytest.approx(theme.margin("left"), abs=0.1)
    # The house logo, not the default one, is on the cover of both.
    logo = (TEMPLATES / HOUSE / "logo.png").read_bytes()
    assert logo in [part.blob for part in document.part.package.iter_parts()]
    # The PDF.
    assert close(ink_color(house.pdf, *heading(house.pdf, "Introduction")), accent)
    assert {font_key(theme.body_font), font_key(theme.heading_font)} <= pdf_fonts(house.pdf)
    _, box = heading(house.pdf, "Introduction")
    assert box[0] == pytest.approx(theme.margin("left") / 25.4 * 72, abs=1)


def test_the_second_template_and_a_changed_theme_pass_words_schemas(
    house: Report, changed: Report
) -> None:
    assert_valid_docx(house.docx.read_bytes(), f"the example in {HOUSE}")
    assert_valid_docx(changed.docx.read_bytes(), "the example in a changed theme")


def test_a_colour_changed_in_the_theme_changes_in_the_docx_and_the_pdf(
    house: Report, changed: Report
) -> None:
    old = find_template(HOUSE).theme.color("accent")
    assert docx_heading_color(house.docx) == old
    assert docx_heading_color(changed.docx) == NEW_ACCENT
    assert close(ink_color(house.pdf, *heading(house.pdf, "Introduction")), old)
    assert close(ink_color(changed.pdf, *heading(changed.pdf, "Introduction")), NEW_ACCENT)
    assert close(ink_color(changed.pdf, *heading(changed.pdf, "Recommendations")), NEW_ACCENT)


def test_a_font_changed_in_the_theme_changes_in_the_docx_and_the_pdf(
    house: Report, changed: Report
) -> None:
    assert docx_body_font(house.docx) == "Noto Sans"
    assert docx_body_font(changed.docx) == NEW_BODY_FONT
    assert font_key(NEW_BODY_FONT) not in pdf_fonts(house.pdf)
    assert font_key(NEW_BODY_FONT) in pdf_fonts(changed.pdf)
