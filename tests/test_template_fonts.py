"""A template carries its fonts: the PDF is set in them and the DOCX embeds them, on any machine.

What the machine has is varied with fontconfig (``FONTCONFIG_FILE``, in a
subprocess): no font at all; the system's; and impostors, the template's own
Noto Sans files renamed "Noto Serif" (and the other way round) with a newer
version, as an installed font of the same family but another version would
be.  LibreOffice is the second client that must find the embedded fonts.
"""

from __future__ import annotations

import collections
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
import yaml
from fontTools.ttLib import TTFont
from lxml import etree

from conftest import SOURCE_DATE_EPOCH, Generated, libreoffice_convert, pdf_text, small_workshop
from reportgen.compose import compose
from reportgen.errors import TemplateError
from reportgen.pdf.fetcher import FetchRefused, TemplateFetcher
from reportgen.pipeline import publish
from reportgen.results import Warnings
from reportgen.templates import SHIPPED_FAMILY_SUFFIX, find_template, load_template
from reportgen.word.namespaces import NS, qn
from reportgen.word.safety import check_docx
from reportgen.word.writer import write_docx

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_FOLDER = ROOT / "templates" / "meeting-report"
FONTS = TEMPLATE_FOLDER / "fonts"
TBILISI = [
    ROOT / "inputs" / f"tbilisi-2018-migrant-integration{s}.yaml" for s in ("", ".ru", ".fr")
]
ENGLISH, RUSSIAN = "tbilisi-2018-migrant-integration", "tbilisi-2018-migrant-integration.ru"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
GEORGIAN = re.compile("[\u10a0-\u10ff]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
EMBED_STYLES = {
    "embedRegular": "regular",
    "embedBold": "bold",
    "embedItalic": "italic",
    "embedBoldItalic": "bold italic",
}


# -- machines with other fonts ---------------------------------------------------------


def fontconfig_view(folder: Path, fonts: list[Path] = ()) -> dict[str, str]:  # type: ignore[assignment]
    """An environment whose fontconfig sees ``fonts`` only, and none of its rules."""
    font_folder = folder / "fonts"
    font_folder.mkdir(parents=True)
    for font in fonts:
        shutil.copy(font, font_folder)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<fontconfig>\n'
        f"  <dir>{font_folder}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def impostors(folder: Path) -> list[Path]:
    """The template's fonts under each other's family names, newer than the real ones."""
    folder.mkdir()
    made = []
    for source, family in (
        ("NotoSans-Regular", "Noto Serif"),
        ("NotoSans-Bold", "Noto Serif"),
        ("NotoSans-Italic", "Noto Serif"),
        ("NotoSerif-Regular", "Noto Sans"),
        ("NotoSerif-Bold", "Noto Sans"),
        ("NotoSerif-Regular", "Noto Sans Georgian"),
        ("NotoSerif-Regular", "DejaVu Sans"),
    ):
        font = TTFont(FONTS / f"{source}.ttf")
        for record in font["name"].names:
            if record.nameID in (1, 16):
                record.string = family
        font["head"].fontRevision = 99.0
        path = folder / f"{family.replace(' ', '')}-{source}.ttf"
        font.save(path)
        made.append(path)
    return made


def fc_match(env: dict[str, str], pattern: str) -> str:
    return subprocess.run(
        ["fc-match", pattern, "file"], env=env, capture_output=True, text=True, check=True
    ).stdout


def reportgen(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        env={**env, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result


def pdf_font_names(pdf: Path) -> set[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return {line.split()[0].split("+")[-1] for line in listing.stdout.splitlines()[2:]}


def fonts_of_text(pdf: Path) -> dict[str, str]:
    """Each font of the PDF (without subset tag) with the text drawn in it."""
    drawn: dict[str, list[str]] = collections.defaultdict(list)
    for page in pypdf.PdfReader(pdf).pages:

        def visit(text: str, cm: object, tm: object, font: dict | None, size: float) -> None:
            if font is not None and text.strip():
                drawn[str(font.get("/BaseFont")).split("+")[-1]].append(text)

        page.extract_text(visitor_text=visit)
    return {name: "".join(texts) for name, texts in drawn.items()}


# -- the PDF -----------------------------------------------------------------------------


def test_the_pdf_is_the_same_whether_fontconfig_sees_no_font_the_systems_or_impostors(
    tmp_path: Path,
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for source in TBILISI:  # English, Russian with Georgian names, French; all drafts
        shutil.copy(source, inputs)
    system = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    views = {
        "no font": fontconfig_view(tmp_path / "none"),
        "the system's": system,
        "impostors": fontconfig_view(tmp_path / "impostors", impostors(tmp_path / "made")),
    }
    # The impostors are what fontconfig gives for the families the theme names.
    assert "NotoSerif-NotoSans-Regular" in fc_match(views["impostors"], "Noto Serif")
    outputs = {}
    for name, env in views.items():
        outdir = tmp_path / name.replace(" ", "-")
        result = reportgen(env, "generate", str(inputs), "--output-dir", str(outdir))
        # No font missing, no glyph missing, nothing left out: no warning at all.
        assert "warning" not in result.stderr.lower(), (name, result.stderr)
        outputs[name] = {pdf.name: pdf.read_bytes() for pdf in sorted(outdir.glob("*.pdf"))}
    assert len(outputs["no font"]) == 3
    assert outputs["no font"] == outputs["the system's"] == outputs["impostors"]
    # Set in the template's files (marked in the CSS), and in nothing else.
    names = pdf_font_names(tmp_path / "no-font" / f"{RUSSIAN}.pdf")
    assert {
        "Noto-Serif-Template",
        "Noto-Sans-Template-Bold",
        "Noto-Sans-Georgian-Template",
    } <= names
    assert all(SHIPPED_FAMILY_SUFFIX.strip() in name for name in names), names


def test_the_font_stacks_name_the_themes_families_only_each_from_its_files() -> None:
    theme = find_template("meeting-report").theme
    css = theme.css_variables()
    stacks = dict(re.findall(r"(--font-[a-z]+): ([^;]+);", css))
    fallbacks = '"Noto Sans Georgian Template", "DejaVu Sans Template"'
    assert stacks == {
        "--font-body": f'"Noto Serif Template", {fallbacks}',
        "--font-headings": f'"Noto Sans Template", {fallbacks}',
    }
    sources = re.findall(r'src: url\("file://([^"]+)"\)', css)
    assert len(sources) == len(theme.font_files) == 11
    assert all(Path(source).parent == FONTS for source in sources)


def test_a_template_that_extends_another_uses_its_font_files_through_the_fetcher() -> None:
    template = find_template("civic-network")
    assert (
        template.theme.files_of("Noto Serif")["bold italic"] == FONTS / "NotoSerif-BoldItalic.ttf"
    )
    fetcher = TemplateFetcher(template.folders)
    font = FONTS / "NotoSans-Regular.ttf"
    assert fetcher.fetch(font.as_uri()).read() == font.read_bytes()
    with pytest.raises(FetchRefused):
        fetcher.fetch((ROOT / "pyproject.toml").as_uri())


def test_a_theme_that_gives_files_for_a_family_replaces_the_inherited_ones(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ours"
    folder.mkdir()
    shutil.copy(FONTS / "NotoSans-Bold.ttf", folder / "Ours-Bold.ttf")
    theme = {
        "extends": "meeting-report",
        "fonts": {"files": {"Noto Sans": {"bold": "Ours-Bold.ttf"}}},
    }
    (folder / "theme.yaml").write_text(yaml.safe_dump(theme), encoding="utf-8")
    ours = load_template(folder).theme
    assert ours.files_of("Noto Sans") == {"bold": folder / "Ours-Bold.ttf"}
    assert ours.files_of("Noto Serif") == find_template("meeting-report").theme.files_of(
        "Noto Serif"
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"Noto Serif": {"regular": "fonts/Missing.ttf"}}, "'fonts/Missing.ttf' is not a file"),
        ({"Noto Serif": {"regular": "../outside.ttf"}}, "is not a file in the template folder"),
        ({"Noto Serif": {"heavy": "fonts/NotoSerif-Bold.ttf"}}, "'heavy' is not a style"),
        ({"Noto Serif": "fonts/NotoSerif-Bold.ttf"}, "a mapping of styles"),
    ],
)
def test_a_font_file_the_theme_cannot_use_is_refused_by_name(
    tmp_path: Path, files: dict, message: str
) -> None:
    folder = tmp_path / "meeting-report"
    shutil.copytree(TEMPLATE_FOLDER, folder)
    shutil.copy(FONTS / "NotoSerif-Regular.ttf", tmp_path / "outside.ttf")  # a real file, elsewhere
    theme = yaml.safe_load((folder / "theme.yaml").read_text(encoding="utf-8"))
    theme["fonts"]["files"] = files
    (folder / "theme.yaml").write_text(yaml.safe_dump(theme), encoding="utf-8")
    with pytest.raises(TemplateError, match=re.escape(message)) as error:
        load_template(folder)
    assert "fonts: files: Noto Serif" in str(error.value)


# -- the DOCX ---------------------------------------------------------------------------


def deobfuscated(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, §17.8.1: XOR the first 32 bytes with the GUID, read from its end."""
    digits = key.strip("{}").replace("-", "")
    key_bytes = [int(digits[i : i + 2], 16) for i in range(30, -1, -2)]
    return bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def embedded_fonts(path: Path) -> dict[tuple[str, str], TTFont]:
    """(family, style) → the font the DOCX embeds for it, read as Word would."""
    with zipfile.ZipFile(path) as package:
        members = {name: package.read(name) for name in package.namelist()}
    types = etree.fromstring(members["[Content_Types].xml"])
    overrides = {
        o.get("PartName"): o.get("ContentType") for o in types.iter(f"{{{NS['ct']}}}Override")
    }
    rels = {
        rel.get("Id"): rel
        for rel in etree.fromstring(members["word/_rels/fontTable.xml.rels"]).iter(
            f"{{{NS['pr']}}}Relationship"
        )
    }
    found = {}
    for font in etree.fromstring(members["word/fontTable.xml"]).iter(qn("w:font")):
        for embed in font:
            style = EMBED_STYLES.get(etree.QName(embed).localname)
            if style is None:
                continue
            key = embed.get(qn("w:fontKey"))
            assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
            rel = rels[embed.get(qn("r:id"))]
            assert rel.get("Type") == FONT_RELATIONSHIP
            name = "word/" + rel.get("Target")
            assert overrides["/" + name] == OBFUSCATED_FONT
            assert members[name][:4] != b"\x00\x01\x00\x00"  # obfuscated, not a plain font
            found[(font.get(qn("w:name")), style)] = TTFont(
                io.BytesIO(deobfuscated(members[name], key))
            )
    return found


def document_characters(path: Path) -> set[int]:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return {ord(c) for c in "".join(root.itertext(qn("w:t")))}


def test_the_docx_embeds_each_style_of_its_fonts_obfuscated_as_ecma_376_requires(
    generated: dict[str, Generated],
) -> None:
    path = generated[ENGLISH].docx
    fonts = embedded_fonts(path)
    families = {"Noto Serif", "Noto Sans"}
    # The fallbacks (Georgian, DejaVu Sans) have nothing to draw in this report.
    assert set(fonts) == {(f, s) for f in families for s in EMBED_STYLES.values()}
    used = document_characters(path)
    for (family, style), font in fonts.items():
        names = font["name"]
        assert (names.getDebugName(16) or names.getDebugName(1)) == family
        assert names.getDebugName(2).lower() == style
        assert "glyf" in font and font["OS/2"].fsType == 0
        cmap = font.getBestCmap()
        assert used <= set(cmap), family  # every character of the text
        assert ord("Q") in cmap and ord("é") in cmap  # and what a reviewer may type
        assert len(cmap) < 400  # a subset: the full font has 2,840 characters
    settings = docx.Document(str(path)).settings.element
    tags = [etree.QName(child).localname for child in settings]
    assert tags[tags.index("zoom") + 1 : tags.index("zoom") + 3] == [
        "embedTrueTypeFonts",
        "saveSubsetFonts",
    ]


def test_the_example_docx_with_its_fonts_stays_under_400_kb(
    generated: dict[str, Generated],
) -> None:
    for stem in (ENGLISH, RUSSIAN):
        assert generated[stem].docx.stat().st_size < 400_000, stem


def test_georgian_names_are_set_in_the_georgian_font_in_the_docx(
    generated: dict[str, Generated],
) -> None:
    # Word has no font stack: the run must name the font that has the letters.
    document = docx.Document(str(generated[RUSSIAN].docx))
    runs = [r for p in document.paragraphs for r in p.runs if GEORGIAN.search(r.text)]
    assert runs
    for run in runs:
        assert run.font.name == "Noto Sans Georgian"
        assert not CYRILLIC.search(run.text)
    assert {style for family, style in embedded_fonts(generated[RUSSIAN].docx)
            if family == "Noto Sans Georgian"} == {"regular", "bold"}  # fmt: skip
    # Only the Georgian names moved: the text read back is the same.
    assert GEORGIAN.findall(pdf_text(generated[RUSSIAN].pdf))


def test_the_docx_is_the_same_from_a_cold_a_warm_and_an_unusable_font_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated: dict[str, Generated]
) -> None:
    from reportgen.source import load_workshop

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    source = generated[RUSSIAN].source
    template = find_template("meeting-report")
    document = compose(load_workshop(source), template)

    def fresh_process_write(cache: Path) -> bytes:
        # What one process keeps in memory must not hide the disk cache.
        monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(cache))
        from reportgen.word import fontfiles

        for cached in (fontfiles._face_info, fontfiles._cached_subset):
            cached.cache_clear()
        return write_docx(document, template)

    cold = fresh_process_write(tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("font-*.ttf"))) == 10
    warm = fresh_process_write(tmp_path / "cache")
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    uncached = fresh_process_write(tmp_path / "a-file" / "cache")
    for subset in (tmp_path / "cache").glob("font-*.ttf"):
        subset.write_bytes(subset.read_bytes()[:-100] + b"\x00" * 100)
    damaged = fresh_process_write(tmp_path / "cache")
    assert cold == warm == uncached == damaged

    def font_parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = [n for n in package.namelist() if n.startswith("word/fonts/")]
            return {name: package.read(name) for name in [*names, "word/fontTable.xml"]}

    # And the same fonts as generate wrote in another process.
    assert font_parts(cold) == font_parts(generated[RUSSIAN].docx.read_bytes())


def test_a_font_whose_licence_forbids_embedding_is_named_and_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "meeting-report"
    shutil.copytree(TEMPLATE_FOLDER, folder)
    font = TTFont(folder / "fonts" / "NotoSerif-Italic.ttf")
    font["OS/2"].fsType = 0x0002  # restricted licence embedding
    font.save(folder / "fonts" / "NotoSerif-Italic.ttf")
    template = load_template(folder)
    warnings = Warnings()
    out = tmp_path / "out.docx"
    out.write_bytes(write_docx(compose(small_workshop(), template), template, warnings=warnings))
    assert [str(m) for m in warnings.messages] == [
        "DOCX: the font file NotoSerif-Italic.ttf is not embedded: its licence does not "
        "allow embedding it in documents"
    ]
    embedded = embedded_fonts(out)
    assert ("Noto Serif", "italic") not in embedded
    assert ("Noto Serif", "bold italic") in embedded


def test_a_font_file_of_another_family_than_the_theme_says_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "meeting-report"
    shutil.copytree(TEMPLATE_FOLDER, folder)
    theme_file = folder / "theme.yaml"
    theme = yaml.safe_load(theme_file.read_text(encoding="utf-8"))
    theme["fonts"]["files"]["Noto Serif"]["bold"] = "fonts/NotoSans-Bold.ttf"
    theme_file.write_text(yaml.safe_dump(theme), encoding="utf-8")
    template = load_template(folder)
    refusal = "NotoSans-Bold.ttf is a font of the family 'Noto Sans'"
    with pytest.raises(TemplateError, match=re.escape(refusal)):
        write_docx(compose(small_workshop(), template), template)


# -- LibreOffice on a machine without the fonts ---------------------------------------------


@pytest.fixture(scope="module")
def without_noto(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A machine whose only font is DejaVu Sans: LibreOffice does not start without any."""
    env = fontconfig_view(tmp_path_factory.mktemp("no-noto"), [FONTS / "DejaVuSans.ttf"])
    listed = subprocess.run(["fc-list", ":", "family"], env=env, capture_output=True, text=True)
    assert listed.stdout.split() == ["DejaVu", "Sans"]
    return env


def test_libreoffice_draws_the_docx_in_its_embedded_fonts_on_a_machine_without_them(
    generated: dict[str, Generated], without_noto: dict[str, str], tmp_path: Path
) -> None:
    pdf = libreoffice_convert(generated[RUSSIAN].docx, "pdf", tmp_path, env=without_noto)
    drawn = fonts_of_text(pdf)
    assert {
        "NotoSerif-Regular", "NotoSerif-Bold", "NotoSerif-Italic",
        "NotoSans-Regular", "NotoSans-Bold", "NotoSansGeorgian-Regular",
    } <= set(drawn)  # fmt: skip
    assert GEORGIAN.search(drawn["NotoSansGeorgian-Regular"])
    assert CYRILLIC.search(drawn["NotoSerif-Regular"])
    # Nothing in the machine's one font but the bullets, which the list style
    # takes from Word's Symbol font (U+F0B7).
    others = {name: text for name, text in drawn.items() if not name.startswith("Noto")}
    assert {c for c in "".join(others.values()) if not c.isspace()} <= {"\uf0b7"}, others


def test_a_docx_libreoffice_saved_with_its_embedded_fonts_is_published(
    generated: dict[str, Generated], without_noto: dict[str, str], tmp_path: Path
) -> None:
    reviewed = libreoffice_convert(
        generated[RUSSIAN].docx, "docx:MS Word 2007 XML", tmp_path / "reviewed", env=without_noto
    )
    with zipfile.ZipFile(reviewed) as package:
        assert [n for n in package.namelist() if n.endswith(".odttf")]  # it embeds fonts too
    published = publish(reviewed, tmp_path / "published.pdf")
    assert published.written == [tmp_path / "published.pdf"]
    text = pdf_text(tmp_path / "published.pdf")
    assert GEORGIAN.findall(pdf_text(generated[RUSSIAN].pdf)) == GEORGIAN.findall(text)


def test_a_docx_with_fonts_laid_out_as_word_saves_them_is_accepted(
    generated: dict[str, Generated], tmp_path: Path
) -> None:
    # Word declares the obfuscated fonts by extension rather than part by part.
    with zipfile.ZipFile(generated[ENGLISH].docx) as package:
        members = {name: package.read(name) for name in package.namelist()}
    types = members["[Content_Types].xml"].decode()
    types = re.sub(r'<Override PartName="/word/fonts/[^"]+" ContentType="[^"]+"/>', "", types)
    types = types.replace(
        "<Default ", f'<Default Extension="odttf" ContentType="{OBFUSCATED_FONT}"/><Default ', 1
    )
    members["[Content_Types].xml"] = types.encode()
    word_like = tmp_path / "word-like.docx"
    with zipfile.ZipFile(word_like, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    check_docx(word_like.read_bytes(), str(word_like))
    publish(word_like, tmp_path / "word-like.pdf")
    assert "Executive summary" in pdf_text(tmp_path / "word-like.pdf")


def test_a_sign_only_the_last_fallback_has_is_set_and_embedded_in_it_alone(
    tmp_path: Path,
) -> None:
    from reportgen.source.model import Topic

    topic = Topic(id="costs", title="Costs", summary="Costs → benefits, and x ≥ 3.")
    template = find_template("meeting-report")
    out = tmp_path / "signs.docx"
    out.write_bytes(write_docx(compose(small_workshop(topics=[topic]), template), template))
    runs = [r for p in docx.Document(str(out)).paragraphs for r in p.runs if "→" in r.text]
    assert [(r.text, r.font.name) for r in runs] == [("→", "DejaVu Sans")]
    embedded = embedded_fonts(out)
    assert {style for family, style in embedded if family == "DejaVu Sans"} == {"regular"}
    cmap = set(embedded[("DejaVu Sans", "regular")].getBestCmap())
    assert {ord("→"), ord("≥")} <= cmap  # the signs, not the keyboard: the Noto fonts have that
    assert ord("Q") not in cmap
