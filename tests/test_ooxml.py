"""Every DOCX reportgen writes passes Word's schemas and rules (openxml-audit, tests/ooxml.py)."""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import INPUTS, ROOT, SOURCE_DATE_EPOCH, Generated
from ooxml import assert_valid_docx, ooxml_problems, save, save_unchecked
from reportgen.pipeline import generate
from reportgen.word.namespaces import qn

sys.path.insert(0, str(ROOT / "bench"))
import inputs as bench_inputs  # the benchmark's large inputs

# The check's time grows with the square of the number of elements side by side
# (openxml-audit 0.8 counts each element's earlier siblings to name its path), and the
# provenance record (customXml/item1.xml) holds an entry per participant's field: 300
# participants take about 1.5 s to check, the benchmark's 2,500 about 17 s, too long for
# `make test`.
PARTICIPANTS = 300


def repacked(data: bytes, name: str, change: Callable[[etree._Element], None]) -> bytes:
    """The DOCX ``data`` with the XML part ``name`` changed in place by ``change(root)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                root = etree.fromstring(content)
                change(root)
                content = etree.tostring(root, xml_declaration=True, standalone=True)
            target.writestr(info, content)
    return out.getvalue()


# -- the check finds what Word refuses ----------------------------------------------------


def test_the_check_finds_paragraph_properties_after_the_text(generated) -> None:
    data = generated["tbilisi-2018-migrant-integration"].docx.read_bytes()

    def move_first_ppr_last(root: etree._Element) -> None:
        ppr = next(root.iter(qn("w:pPr")))
        ppr.getparent().append(ppr)

    problems = ooxml_problems(repacked(data, "word/document.xml", move_first_ppr_last))
    assert any("Unexpected element 'pPr'" in problem for problem in problems), problems


def test_the_check_finds_a_style_used_but_never_defined() -> None:
    document = docx.Document()
    document.add_paragraph("Noted.")._p.get_or_add_pPr().get_or_add_pStyle().set(
        qn("w:val"), "NoSuchStyle"
    )
    problems = ooxml_problems(save_unchecked(document))
    assert any("Style 'NoSuchStyle' referenced but not defined" in p for p in problems), problems


def test_python_docx_templates_stale_styles_with_effects_is_found_and_left_out() -> None:
    problems = ooxml_problems(save_unchecked(docx.Document()))
    assert problems and all("stylesWithEffects" in problem for problem in problems), problems
    assert ooxml_problems(save(docx.Document())) == []


# -- what reportgen writes --------------------------------------------------------------------


@pytest.mark.parametrize("stem", [source.stem for source in INPUTS])
def test_every_example_report_passes_words_schemas(
    generated: dict[str, Generated], stem: str
) -> None:
    assert_valid_docx(generated[stem].docx.read_bytes(), f"{stem}.docx")


def test_a_report_with_a_long_list_of_participants_passes_words_schemas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    example = bench_inputs.EXAMPLE.read_text(encoding="utf-8")
    source = tmp_path / "large.yaml"
    source.write_text(bench_inputs.with_participants(example, PARTICIPANTS), encoding="utf-8")
    generate(source, tmp_path, formats=("docx",))
    data = (tmp_path / "large.docx").read_bytes()
    tables = docx.Document(io.BytesIO(data)).tables
    assert max(len(table.rows) for table in tables) > PARTICIPANTS  # the list is in it
    assert_valid_docx(data, f"a report with {PARTICIPANTS} participants")
