"""veraPDF's verdict on the published PDFs: PDF/A-3a and PDF/UA-1, every example, every language."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import ROOT

# make verapdf runs these alone (make test runs them with the rest).
pytestmark = pytest.mark.verapdf

CORPUS = Path(__file__).parent / "verapdf" / "corpus"

# The claims reportgen makes for every PDF it writes (docs/review-and-publish.md).
PROFILES = ("3a", "ua1")


# -- calibration: the driver agrees with veraPDF's own test corpus ----------------------

CALIBRATION = [
    # (file, profile, the rule the file tests)
    ("5-t01-pass-a.pdf", "ua1", "5-1"),
    ("5-t01-fail-a.pdf", "ua1", "5-1"),
    ("7.1-t03-pass-b.pdf", "ua1", "7.1-3"),
    ("7.1-t03-fail-b.pdf", "ua1", "7.1-3"),
    ("6-8-t02-pass-a.pdf", "3b", "6.8-4"),
    ("6-8-t02-fail-a.pdf", "3b", "6.8-4"),
    ("6-7-3-4-t01-pass-a.pdf", "2a", "6.7.3.4-1"),
    ("6-7-3-4-t01-fail-a.pdf", "2a", "6.7.3.4-1"),
]


@pytest.mark.parametrize(("name", "profile", "rule"), CALIBRATION)
def test_the_driver_gives_the_corpus_verdict(verapdf, name: str, profile: str, rule: str) -> None:
    report = verapdf.validate(CORPUS / name, profile)
    if "-pass-" in name:
        # A corpus "pass" file conforms to the profile of its folder, whole.
        assert report.compliant, str(report)
        assert not report.failures
    else:
        # A "fail" file breaks exactly the rule it was made for.
        assert not report.compliant
        assert report.rules == {rule}, str(report)
        assert all(failure.count >= 1 and failure.description for failure in report.failures)


def test_the_driver_names_a_missing_file_as_an_error(verapdf, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="could not validate"):
        verapdf.validate(tmp_path / "missing.pdf", "ua1")


# -- reportgen's PDFs --------------------------------------------------------------------


EXAMPLES = sorted(path.stem for path in (ROOT / "inputs").glob("*.yaml"))


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("stem", EXAMPLES)
def test_the_published_pdf_passes_verapdf(verapdf, published_pdfs, stem: str, profile: str) -> None:
    report = verapdf.validate(published_pdfs[stem], profile)
    assert report.compliant, str(report)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("stem", EXAMPLES)
def test_the_draft_pdf_passes_verapdf(verapdf, generated, stem: str, profile: str) -> None:
    report = verapdf.validate(generated[stem].pdf, profile)
    assert report.compliant, str(report)


@pytest.mark.slow
def test_a_report_with_2500_participants_passes_verapdf(verapdf, tmp_path: Path) -> None:
    from reportgen.pipeline import generate, publish

    spec = importlib.util.spec_from_file_location("bench_inputs", ROOT / "bench" / "inputs.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    source = tmp_path / "large.yaml"
    source.write_text(bench.with_participants(bench.EXAMPLE.read_text("utf-8"), 2500), "utf-8")
    generate(source, tmp_path, formats=("docx",))
    pdf = publish(tmp_path / "large.docx").written[0]
    for profile in PROFILES:
        report = verapdf.validate(pdf, profile)
        assert report.compliant, str(report)
