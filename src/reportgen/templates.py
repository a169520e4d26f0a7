"""Finding report templates and reading their theme (the house style)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TemplateError

DEFAULT_TEMPLATE = "meeting-report"
COMPOSITION_FILE = "report.xml.j2"
THEME_FILE = "theme.yaml"
CSS_FILE = "print.css"
LOCALE_DIR = "locale"
SOURCE_LANGUAGE = "en"  # the language the template's fixed text is written in
# A block's stable name in the composition: <p block="introduction.participation">.
_BLOCK_NAME = re.compile(r'\bblock="([A-Za-z0-9_.-]+)"')
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)


def templates_root() -> Path:
    """The ``templates/`` folder: ``$REPORTGEN_TEMPLATES``, the working tree's, or the project's."""
    env = os.environ.get("REPORTGEN_TEMPLATES")
    if env:
        return Path(env)
    cwd = Path.cwd() / "templates"
    if (cwd / DEFAULT_TEMPLATE / COMPOSITION_FILE).is_file():
        return cwd
    # An installed or editable package: templates/ sits beside src/.
    return Path(__file__).resolve().parents[2] / "templates"


# The styles a template may carry a font file for, as CSS describes each.
FONT_STYLES: dict[str, tuple[str, str]] = {
    "regular": ("normal", "normal"),  # (font-weight, font-style)
    "bold": ("bold", "normal"),
    "italic": ("normal", "italic"),
    "bold italic": ("bold", "italic"),
}
# Added to the family name of a font the template carries, in the PDF's CSS
# only: fontconfig would otherwise weigh an installed font of the same family
# (another version, say) against the template's file and might pick it.
SHIPPED_FAMILY_SUFFIX = " Template"


@dataclass(frozen=True)
class FontFile:
    """A font file a template carries: one family in one style."""

    family: str
    style: str  # a key of FONT_STYLES
    path: Path


@dataclass(frozen=True)
class Theme:
    """Fonts, colours, sizes and margins shared by the DOCX styles and the print CSS."""

    body_font: str = "Noto Serif"
    heading_font: str = "Noto Sans"
    fallback_fonts: tuple[str, ...] = ("Noto Sans Georgian", "DejaVu Sans")
    # The font files the template carries; a family without files is looked
    # up among the fonts the machine has installed.
    font_files: tuple[FontFile, ...] = ()
    sizes: dict[str, float] = field(default_factory=dict)  # points
    colors: dict[str, str] = field(default_factory=dict)  # "#rrggbb"
    margins: dict[str, float] = field(default_factory=dict)  # millimetres
    line_spacing: float = 1.25
    logo: Path | None = None

    def size(self, name: str) -> float:
        return float(self.sizes.get(name, _DEFAULT_SIZES[name]))

    def color(self, name: str) -> str:
        return str(self.colors.get(name, _DEFAULT_COLORS[name]))

    def margin(self, name: str) -> float:
        return float(self.margins.get(name, _DEFAULT_MARGINS[name]))

    @property
    def families(self) -> tuple[str, ...]:
        """Every family the theme names: body, headings, then the fallbacks, once each."""
        return tuple(dict.fromkeys((self.body_font, self.heading_font, *self.fallback_fonts)))

    def files_of(self, family: str) -> dict[str, Path]:
        """The files the template carries for ``family``, by style (empty: none)."""
        return {f.style: f.path for f in self.font_files if f.family == family}

    def css_family(self, family: str) -> str:
        """The name ``family`` has in the PDF's CSS (see SHIPPED_FAMILY_SUFFIX)."""
        return family + SHIPPED_FAMILY_SUFFIX if self.files_of(family) else family

    def font_faces(self) -> str:
        """``@font-face`` rules for the font files of the families the theme names."""
        rules = []
        for family in self.families:
            for style, path in sorted(self.files_of(family).items()):
                weight, slant = FONT_STYLES[style]
                rules.append(
                    "@font-face {\n"
                    f"  font-family: {_quoted([self.css_family(family)])[0]};\n"
                    f'  src: url("{path.as_uri()}");\n'
                    f"  font-weight: {weight};\n"
                    f"  font-style: {slant};\n"
                    "}\n"
                )
        return "".join(rules)

    def css_variables(self) -> str:
        """The theme as CSS: its fonts' ``@font-face`` rules and custom properties.

        Each font stack names the theme's families only, so that a character
        the template's fonts have is never drawn with an installed font.
        """
        fallbacks = [self.css_family(f) for f in self.fallback_fonts]
        fonts_body = ", ".join(_quoted([self.css_family(self.body_font), *fallbacks]))
        fonts_head = ", ".join(_quoted([self.css_family(self.heading_font), *fallbacks]))
        lines = [
            f"  --font-body: {fonts_body};",
            f"  --font-headings: {fonts_head};",
            f"  --line-spacing: {self.line_spacing};",
        ]
        lines += [f"  --size-{k}: {self.size(k)}pt;" for k in _DEFAULT_SIZES]
        lines += [f"  --color-{k.replace('_', '-')}: {self.color(k)};" for k in _DEFAULT_COLORS]
        lines += [f"  --margin-{k}: {self.margin(k)}mm;" for k in _DEFAULT_MARGINS]
        return self.font_faces() + ":root {\n" + "\n".join(lines) + "\n}\n"


_DEFAULT_SIZES = {
    "body": 10.5,
    "small": 8.5,
    "title": 26.0,
    "subtitle": 15.0,
    "heading1": 16.0,
    "heading2": 13.0,
    "heading3": 11.0,
}
_DEFAULT_COLORS = {
    "text": "#1d1d1b",
    "accent": "#00558c",
    "muted": "#5c6670",
    "draft": "#b3261e",
    "table_header": "#e6eef5",
}
_DEFAULT_MARGINS = {"top": 25.0, "bottom": 25.0, "left": 25.0, "right": 22.0}


def _quoted(names: list[str]) -> list[str]:
    return ['"' + n.replace('"', "") + '"' for n in names]


@dataclass(frozen=True)
class Template:
    """A template folder: composition, theme, print CSS and translations.

    A template may extend another (``extends:`` in its theme file): it then
    needs only its own theme and logo, and takes the composition, print CSS
    and catalogs it lacks from the one it extends.
    """

    name: str
    folder: Path
    description: str
    theme: Theme
    # This folder first, then the folders of the templates it extends.
    folders: tuple[Path, ...] = ()

    def _first(self, relative: str) -> Path:
        for folder in self.folders or (self.folder,):
            if (folder / relative).exists():
                return folder / relative
        return self.folder / relative

    @property
    def composition(self) -> Path:
        return self._first(COMPOSITION_FILE)

    @property
    def css(self) -> Path:
        return self._first(CSS_FILE)

    @property
    def css_files(self) -> list[Path]:
        """Print CSS from the most basic template to this one, so later rules win."""
        return [
            f / CSS_FILE
            for f in reversed(self.folders or (self.folder,))
            if (f / CSS_FILE).is_file()
        ]

    @property
    def locale_folder(self) -> Path:
        """The folder whose ``locale/`` holds this template's catalogs."""
        return self._first(LOCALE_DIR).parent

    def block_names(self) -> list[str]:
        """The stable names of the blocks the composition composes (``block="…"``)."""
        try:
            text = self.composition.read_text(encoding="utf-8")
        except OSError:
            return []
        return sorted(set(_BLOCK_NAME.findall(_JINJA_COMMENT.sub("", text))))

    def languages(self) -> list[str]:
        """The source language plus every language with a catalog."""
        found = {SOURCE_LANGUAGE}
        locale = self.locale_folder / LOCALE_DIR
        if locale.is_dir():
            found |= {p.parent.parent.name for p in locale.glob("*/LC_MESSAGES/messages.po")}
        return sorted(found)


def available_templates(root: Path | None = None) -> list[str]:
    root = root or templates_root()
    if not root.is_dir():
        return []
    return sorted(
        p.name
        for p in root.iterdir()
        if (p / COMPOSITION_FILE).is_file() or (p / THEME_FILE).is_file()
    )


def find_template(name_or_path: str = DEFAULT_TEMPLATE, *, base: Path | None = None) -> Template:
    """The template named ``name_or_path`` under ``templates/``, or at that path.

    A relative path is taken from ``base`` (the input file's folder) first.
    """
    candidates: list[Path] = []
    if "/" in name_or_path or os.sep in name_or_path or name_or_path.startswith("."):
        path = Path(name_or_path).expanduser()
        if not path.is_absolute() and base is not None:
            candidates.append(base / path)
        candidates.append(path)
    else:
        candidates.append(templates_root() / name_or_path)
    for folder in candidates:
        if (folder / COMPOSITION_FILE).is_file() or (folder / THEME_FILE).is_file():
            return load_template(folder)
    known = ", ".join(available_templates()) or "none"
    raise TemplateError(
        f"template {name_or_path!r} not found (a template is a folder holding "
        f"{COMPOSITION_FILE}, or a {THEME_FILE} that extends another template)",
        hint=f"templates available: {known}",
    )


MAX_EXTENDS_DEPTH = 8


def load_template(folder: Path, _depth: int = 0) -> Template:
    folder = folder.resolve()
    raw = _read_theme(folder / THEME_FILE)
    parent: Template | None = None
    if raw.get("extends"):
        if _depth >= MAX_EXTENDS_DEPTH:
            raise TemplateError(
                f"{folder / THEME_FILE}: extends: templates extend each other "
                "in a loop, or too deeply"
            )
        base = find_template(str(raw["extends"]))
        parent = load_template(base.folder, _depth + 1)
    inherited = parent.theme if parent else Theme()
    fonts = raw.get("fonts") or {}
    page = raw.get("page") or {}
    logo_name = raw.get("logo")
    if logo_name is None:
        logo = inherited.logo
    elif logo_name:
        logo = (folder / logo_name).resolve()
        if not logo.is_file() or folder not in logo.parents:
            raise TemplateError(
                f"{folder / THEME_FILE}: logo: {logo_name!r} is not a file in the template folder"
            )
    else:
        logo = None
    own_files = _font_files(folder, fonts.get("files"))
    own_families = {f.family for f in own_files}
    theme = Theme(
        body_font=str(fonts.get("body", inherited.body_font)),
        heading_font=str(fonts.get("headings", inherited.heading_font)),
        fallback_fonts=tuple(str(f) for f in fonts.get("fallback", inherited.fallback_fonts)),
        # A family this theme gives files for replaces the inherited files of that family.
        font_files=(
            *(f for f in inherited.font_files if f.family not in own_families),
            *own_files,
        ),
        sizes={
            **inherited.sizes,
            **{str(k): float(v) for k, v in (raw.get("sizes") or {}).items()},
        },
        colors={
            **inherited.colors,
            **{str(k): str(v) for k, v in (raw.get("colors") or {}).items()},
        },
        margins={
            **inherited.margins,
            **{str(k).removeprefix("margin_"): float(v) for k, v in page.items()},
        },
        line_spacing=float(raw.get("line_spacing", inherited.line_spacing)),
        logo=logo,
    )
    description = str(raw.get("description", "") or (parent.description if parent else ""))
    return Template(
        name=folder.name,
        folder=folder,
        description=description.strip(),
        theme=theme,
        folders=(folder, *(parent.folders if parent else ())),
    )


def _font_files(folder: Path, given: object) -> tuple[FontFile, ...]:
    """``fonts.files`` of a theme: family → style → a file in the template folder."""
    if not given:
        return ()
    where = f"{folder / THEME_FILE}: fonts: files"
    if not isinstance(given, dict):
        raise TemplateError(f"{where}: a mapping of family names to their files by style")
    found: list[FontFile] = []
    for family, styles in given.items():
        if not isinstance(styles, dict) or not styles:
            raise TemplateError(
                f"{where}: {family}: a mapping of styles ({', '.join(FONT_STYLES)}) to files"
            )
        for style, name in styles.items():
            style = str(style).replace("_", " ").strip().lower()
            if style not in FONT_STYLES:
                raise TemplateError(
                    f"{where}: {family}: {style!r} is not a style; "
                    f"the styles are {', '.join(FONT_STYLES)}"
                )
            path = (folder / str(name)).resolve()
            if not path.is_file() or folder not in path.parents:
                raise TemplateError(
                    f"{where}: {family}: {style}: {name!r} is not a file in the template folder"
                )
            found.append(FontFile(str(family), style, path))
    return tuple(found)


def _read_theme(path: Path) -> dict:
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise TemplateError(f"{path}: not a readable theme file: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: a theme file is a mapping of settings")
    return data
