"""reportgen absorb: reviewers' edits back into the input, and generate gives the reviewed text."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from absorbing import Report, add_footnote, first_word, paragraphs
from conftest import INPUTS, ROOT, SOURCE_DATE_EPOCH, Generated
from ooxml import assert_valid_docx, define_built_in_styles, save
from reportgen.absorb import absorb
from reportgen.errors import ReviewError, UnsafeDocumentError
from reportgen.pipeline import generate
from reportgen.source import load_workshop, validate_file

# Composed sentences that state derived facts: after a recommendation is added
# or moved, generate states the new count and numbers, as it should.
DERIVED = frozenset({"recommendations.intro", "topic.see-recommendations"})


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of an example input, and a folder for its outputs."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.chdir(tmp_path)

    def make(example: Generated | Path) -> tuple[Path, Path]:
        source = example.source if isinstance(example, Generated) else example
        copy = tmp_path / source.name
        shutil.copy(source, copy)
        for sibling in source.parent.glob("*.xlsx"):  # a participant list_file
            shutil.copy(sibling, tmp_path / sibling.name)
        outdir = tmp_path / "outputs"
        generate(copy, outdir, formats=("docx",))
        return copy, outdir / f"{copy.stem}.docx"

    return make


def regenerate(source: Path) -> bytes:
    outdir = source.parent / "regenerated"
    generate(source, outdir, formats=("docx",), force=True)
    return (outdir / f"{source.stem}.docx").read_bytes()


# -- nothing edited, nothing changed --------------------------------------------------------


@pytest.mark.parametrize("example", [p.stem for p in INPUTS])
def test_an_unedited_docx_absorbs_to_no_change(generated, example: str) -> None:
    result = absorb(generated[example].docx, generated[example].source)
    assert result.diff == ""
    assert not result.changed
    assert result.conflicts == [] and result.notes == [] and result.overrides == []
    assert result.by_text == []


# -- the round trip ---------------------------------------------------------------------------


def review(report: Report) -> dict[str, object]:
    """The issue's list of edits, as a reviewer would make them in Word; what was done."""
    done: dict[str, object] = {}
    summary = report.of(field="topics[0].summary")
    word = first_word(summary.text)
    report.replace(summary, word, "Reviewers")  # a reworded sentence
    report.append(summary, " Checked by the reviewers.", bold=True)  # bold added
    report.link(summary, "Reviewers", "https://www.osce.org/odihr")  # a link added
    report.insert_after(summary, "A paragraph the reviewers added.")  # a new paragraph
    points = report.marks(field="topics[0].points[1]")
    if points:  # a point deleted
        report.delete(report.paragraph(points[0]))
        done["deleted point"] = report.field_value("topics[0].points[1]")
    first = report.of(field="recommendations[0].text")
    report.insert_after(first, "An added recommendation.")  # a recommendation added
    second = report.marks(field="recommendations[1].text")
    if second and report.field_value("recommendations[1].to") == report.field_value(
        "recommendations[0].to"
    ):  # a recommendation moved, within its group
        report.move_before(report.paragraph(second[0]), first)
        done["moved"] = True
    to = report.field_value("recommendations[0].to")
    heading = report.of(field="recommendations[0].to")  # an addressee renamed
    word = to[0].split()[0]
    report.replace(heading, word, "Renamed " + word)
    done["addressee"] = "Renamed " + word
    quotes = report.marks(field="quotes[0].text")
    if quotes:  # a quote corrected
        quote = report.paragraph(quotes[0])
        word = quote.text.strip("“”«» \u202f")[:40].split()[1]
        report.replace(quote, word, word.upper())
        done["quote"] = True
    sentence = report.marks(block="introduction.participation")
    if sentence:  # a composed sentence rewritten
        report.set_text(report.paragraph(sentence[0]), "Reviewers rewrote this sentence.")
        done["override"] = True
    return done


@pytest.mark.parametrize("example", [p.stem for p in INPUTS])
def test_edits_made_with_python_docx_come_back_and_generate_gives_the_reviewed_text(
    workspace, generated, example: str
) -> None:
    source, docx_path = workspace(generated[example])
    report = Report.open(docx_path.read_bytes())
    done = review(report)
    reviewed = report.save()
    background = report.marks(field="event.background") or report.marks(field="report.summary")
    reviewed = add_footnote(
        reviewed,
        background[0],
        first_word(report.paragraph(background[0]).text),
        "A footnote the reviewers added.",
    )  # a footnote added
    docx_path.write_bytes(reviewed)

    result = absorb(docx_path, source, write=True)

    assert result.conflicts == [], result.conflicts
    assert result.notes == [], result.notes
    assert result.written == source and result.backup is not None
    assert validate_file(source) == []
    workshop = load_workshop(source)
    text = " ".join(source.read_text(encoding="utf-8").split())  # fields are wrapped
    assert "Checked by the reviewers." in text and "A paragraph the reviewers added." in text
    assert "[^1]: A footnote the reviewers added." in text
    assert "An added recommendation." in [r.text for r in workshop.recommendations]
    assert workshop.recommendations[0].to[0].startswith(str(done["addressee"]))
    if "deleted point" in done:
        assert done["deleted point"] not in workshop.topics[0].points
    if "override" in done:
        assert [o.block for o in workshop.overrides] == ["introduction.participation"]
    regenerated = regenerate(source)
    assert_valid_docx(regenerated, f"{example}.docx generated after absorb --write")
    assert paragraphs(regenerated, skip_blocks=DERIVED) == paragraphs(reviewed, skip_blocks=DERIVED)


def test_untouched_fields_keep_every_byte_of_the_input(workspace, generated) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    before = source.read_text(encoding="utf-8")
    report = Report.open(docx_path.read_bytes())
    title = report.of(field="topics[1].title")
    report.replace(title, first_word(title.text), "Reviewed")
    docx_path.write_bytes(report.save())
    result = absorb(docx_path, source)
    changed = [line for line in result.diff.splitlines() if line.startswith(("-", "+"))]
    assert changed[2:] == [
        "-    title: Measuring progress in integration policy and practice",
        "+    title: Reviewed progress in integration policy and practice",
    ]
    assert before.count("\n") == result.after.count("\n")


# -- dry run, and --write ---------------------------------------------------------------------


def test_without_write_nothing_is_written(workspace, generated) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    report.append(report.of(field="report.summary"), " A sentence more.")
    docx_path.write_bytes(report.save())
    before = source.read_bytes()
    listing = sorted(source.parent.iterdir())
    result = absorb(docx_path, source)
    assert result.changed and "A sentence more." in result.diff
    assert result.written is None
    assert source.read_bytes() == before
    assert sorted(source.parent.iterdir()) == listing


def test_the_command_prints_the_diff_and_writes_only_with_write(workspace, generated) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    report.append(report.of(field="report.summary"), " A sentence more.")
    docx_path.write_bytes(report.save())
    command = [sys.executable, "-m", "reportgen", "absorb", str(docx_path)]
    dry = subprocess.run(command, capture_output=True, text=True, cwd=source.parent)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith(f"--- {source}\n")
    assert "+  A sentence more." in dry.stdout or "A sentence more." in dry.stdout
    assert "use --write" in dry.stderr
    wet = subprocess.run([*command, "--write"], capture_output=True, text=True, cwd=source.parent)
    assert wet.returncode == 0, wet.stderr
    assert "A sentence more." in source.read_text(encoding="utf-8")
    backups = list(source.parent.glob(f"{source.stem}.before-absorb-*.yaml"))
    assert len(backups) == 1
    assert "A sentence more." not in backups[0].read_text(encoding="utf-8")


def test_generate_replaces_a_docx_whose_edits_were_absorbed_and_keeps_it(
    workspace, generated
) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    report.append(report.of(field="report.summary"), " A sentence more.")
    docx_path.write_bytes(report.save())
    with pytest.raises(Exception, match="edited since reportgen wrote it"):
        generate(source, docx_path.parent, formats=("docx",))
    absorb(docx_path, write=True)
    outcome = generate(source, docx_path.parent, formats=("docx",))
    assert len(outcome.backups) == 1 and outcome.backups[0].name.startswith(
        source.stem + ".edited-"
    )
    assert "A sentence more." in " ".join(paragraphs(docx_path.read_bytes()))


# -- three ways -----------------------------------------------------------------------------


def test_a_field_changed_in_the_input_and_in_the_docx_is_a_conflict(workspace, generated) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    title = report.of(field="topics[0].title")
    report.replace(title, first_word(title.text), "Reviewed")
    docx_path.write_bytes(report.save())
    text = source.read_text(encoding="utf-8")
    edited = text.replace(
        "title: Developing a national strategic plan for integration",
        "title: Designing a national strategic plan for integration",
    )
    assert edited != text
    source.write_text(edited, encoding="utf-8")

    result = absorb(docx_path, source, write=True)
    assert result.written is None and source.read_text(encoding="utf-8") == edited
    (conflict,) = result.conflicts
    assert conflict.path == "topics[0].title"
    assert conflict.generated == "Developing a national strategic plan for integration"
    assert conflict.current == "Designing a national strategic plan for integration"
    assert conflict.reviewed == "Reviewed a national strategic plan for integration"

    command = [sys.executable, "-m", "reportgen", "absorb", str(docx_path), str(source)]
    refused = subprocess.run([*command, "--write"], capture_output=True, text=True)
    assert refused.returncode == 1
    assert "as generated: Developing" in refused.stdout
    assert "in the input: Designing" in refused.stdout
    assert "as reviewed:  Reviewed" in refused.stdout

    kept = absorb(docx_path, source, write=True, prefer="input")
    assert kept.conflicts == [] and not kept.changed
    taken = absorb(docx_path, source, write=True, prefer="review")
    assert taken.written == source
    assert load_workshop(source).topics[0].title.startswith("Reviewed a national")


def test_fields_changed_on_one_side_each_merge_without_conflict(workspace, generated) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    title = report.of(field="topics[0].title")
    report.replace(title, first_word(title.text), "Reviewed")
    docx_path.write_bytes(report.save())
    text = source.read_text(encoding="utf-8")
    # The input gains a topic at the front since: the reviewed topic moves to index 1.
    added = (
        "topics:\n  - id: early\n    title: An early topic\n    summary: Added after the review "
        "round began.\n"
    )
    source.write_text(text.replace("topics:\n", added, 1), encoding="utf-8")
    result = absorb(docx_path, source, write=True)
    assert result.conflicts == []
    topics = load_workshop(source).topics
    assert [t.title.split()[0] for t in topics[:2]] == ["An", "Reviewed"]


# -- overrides ----------------------------------------------------------------------------------


def test_an_override_goes_stale_when_the_facts_change_and_generate_says_so(
    workspace, generated
) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    report.set_text(
        report.of(block="introduction.participation"), "Experts from ten States took part."
    )
    docx_path.write_bytes(report.save())
    absorb(docx_path, source, write=True)
    overrides = load_workshop(source).overrides
    assert [(o.block, o.text) for o in overrides] == [
        ("introduction.participation", "Experts from ten States took part.")
    ]
    assert overrides[0].replaces.startswith("Experts from ten OSCE participating States took part")

    fresh = generate(source, source.parent / "again", formats=("docx",))
    assert fresh.warnings == []
    text = source.read_text(encoding="utf-8").replace("  women: 16", "  women: 17")
    source.write_text(text.replace("  total: 25", "  total: 26"), encoding="utf-8")
    stale = generate(source, source.parent / "again", formats=("docx",), force=True)
    (warning,) = [w.text for w in stale.warnings if "override" in w.text]
    assert "introduction.participation" in warning
    assert "17 women" in warning  # what the template composes now
    assert "16 women" in warning  # what the override replaced
    assert "Experts from ten States took part." in " ".join(
        paragraphs((source.parent / "again" / f"{source.stem}.docx").read_bytes())
    )


def test_an_override_for_an_unknown_block_is_an_error_listing_the_blocks(tmp_path) -> None:
    source = tmp_path / "x.yaml"
    text = (ROOT / "inputs" / "tbilisi-2018-migrant-integration.yaml").read_text(encoding="utf-8")
    source.write_text(text + "\noverrides:\n  - block: introduction.participants\n    text: x\n")
    (problem,) = validate_file(source)
    assert problem.field == "overrides[0].block"
    assert "did you mean `introduction.participation`?" in problem.message
    assert "topic.key-points" in problem.message


# -- comments, tracked changes, foreign files ---------------------------------------------------


def test_comments_are_listed_with_the_field_and_the_words_they_mark(workspace, generated) -> None:
    from reviewed import with_comment_companions

    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    paragraph = report.of(field="topics[1].summary")
    words = " ".join(paragraph.text.split()[:3])
    define_built_in_styles(report.document, "CommentText", "CommentReference")
    report.document.add_comment(
        paragraph.runs[0], text="Is this the 2019 plan?", author="Anna Reviewer"
    )
    docx_path.write_bytes(with_comment_companions(report.save()))
    result = absorb(docx_path, source)
    (comment,) = result.comments
    assert comment.author == "Anna Reviewer"
    assert comment.text == "Is this the 2019 plan?"
    assert comment.fields == ["topics[1].summary"]
    assert comment.marked.startswith(words.split()[0])
    assert not result.changed


def test_tracked_changes_are_refused_unless_accepted(workspace, generated) -> None:
    from reviewed import ANNA, Reviewer

    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    Reviewer(ANNA).insert(report.of(field="report.summary"), " An insertion.")
    docx_path.write_bytes(report.save())
    with pytest.raises(ReviewError, match="1 unresolved review mark"):
        absorb(docx_path, source)
    result = absorb(docx_path, source, accept_changes=True)
    assert "An insertion." in result.diff


def test_a_docx_reportgen_did_not_make_is_refused_clearly(tmp_path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Someone's own report.")
    path = tmp_path / "foreign.docx"
    path.write_bytes(save(document))
    with pytest.raises(UnsafeDocumentError, match="was not made by reportgen"):
        absorb(path)
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "absorb", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}: this DOCX was not made by reportgen")


def test_an_input_that_is_no_longer_there_is_named(workspace, generated, tmp_path) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    source.unlink()
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "absorb", str(docx_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "give it as the second argument" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_input_that_does_not_parse_is_named_with_its_line(workspace, generated) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    source.write_text(source.read_text(encoding="utf-8") + "oops: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "absorb", str(docx_path), str(source)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"{source}:")
    assert "Traceback" not in result.stderr


# -- marks lost, values from elsewhere --------------------------------------------------------


def test_without_its_marks_a_paragraph_is_matched_by_its_words_and_absorb_says_so(
    workspace, generated
) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    report = Report.open(docx_path.read_bytes())
    summary = report.of(field="topics[2].summary")
    report.replace(summary, first_word(summary.text), "Reviewers")
    body = report.document.element.body
    from docx.oxml.ns import qn

    for tag in ("w:bookmarkStart", "w:bookmarkEnd"):
        for element in list(body.iter(qn(tag))):
            if tag == "w:bookmarkEnd" or element.get(qn("w:name"), "").startswith("_rg"):
                element.getparent().remove(element)
    docx_path.write_bytes(report.save())
    result = absorb(docx_path, source)
    assert "topics[2].summary" in result.by_text
    assert "+      Reviewers " in result.diff or "Reviewers" in result.after
    assert result.notes == []


def test_participant_rows_from_a_spreadsheet_are_reported_never_rewritten(
    workspace, generated
) -> None:
    example = next(g for g in generated.values() if g.source.stem.startswith("warsaw"))
    source, docx_path = workspace(example)
    report = Report.open(docx_path.read_bytes())
    name = report.field_value("participants.list[0].name")
    cell = report.of(field="participants.list[0].name")
    report.replace(cell, str(name).split()[0], "Renamed")
    docx_path.write_bytes(report.save())
    result = absorb(docx_path, source)
    assert not result.changed
    (note,) = result.notes
    assert note.where == "participants.list"
    assert "edit them in warsaw-2019-registrations.xlsx" in note.text


def test_absorb_does_not_import_weasyprint(workspace, generated) -> None:
    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    code = (
        "import sys\nfrom reportgen.absorb import absorb\n"
        f"absorb({str(docx_path)!r}, {str(source)!r})\n"
        "print('weasyprint' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}
    )
    assert result.stdout.strip() == "False", result.stderr


def test_text_pasted_into_a_new_document_is_compared_with_the_input_named(
    workspace, generated
) -> None:
    import docx

    from reportgen.absorb.reviewed import walk
    from reportgen.word.reader import read_docx

    source, docx_path = workspace(generated["tbilisi-2018-migrant-integration"])
    fresh = docx.Document()
    styles = {"Heading": "Heading {level}", "List": "List Bullet"}
    for leaf in walk(read_docx(docx_path.read_bytes()).children):
        block = leaf.block
        text = (
            block.title
            if hasattr(block, "title")
            else "".join(getattr(n, "text", "") for n in block.children)
        )
        if leaf.place[0] == "cell":
            continue  # the tables were left out of the copy
        if text.startswith("Participants considered how"):
            text = "Reviewers considered how" + text[len("Participants considered how") :]
        if hasattr(block, "level"):
            fresh.add_heading(text, level=block.level)
        elif leaf.place[0] == "item":
            fresh.add_paragraph(text, style=styles["List"])
        else:
            fresh.add_paragraph(text)
    pasted = source.parent / "pasted.docx"
    pasted.write_bytes(save(fresh))

    with pytest.raises(UnsafeDocumentError, match="name the input"):
        absorb(pasted)
    result = absorb(pasted, source)
    assert result.compared_with_input
    assert "topics[1].summary" in result.by_text
    assert (
        "+      Reviewers considered how" in result.diff or "Reviewers considered" in result.after
    )
    assert any(n.where == "agenda" for n in result.notes)  # left out, not deleted


def test_a_foreign_docx_with_an_input_named_is_still_refused(workspace, generated) -> None:
    import docx

    source, _ = workspace(generated["tbilisi-2018-migrant-integration"])
    document = docx.Document()
    for n in range(12):
        document.add_paragraph(f"Minutes of the board meeting, item {n}.")
    path = source.parent / "minutes.docx"
    path.write_bytes(save(document))
    with pytest.raises(UnsafeDocumentError, match="read like the report on"):
        absorb(path, source)


# -- the round trip, edited in LibreOffice -------------------------------------------------------


def libreoffice_edits(report: Report) -> list:
    """The issue's edits, as a reviewer makes them in LibreOffice with Track Changes on."""
    import libreoffice_review as lo

    summary = report.marks(field="topics[0].summary")[0]
    word = first_word(report.paragraph(summary).text)
    edits = [
        lo.replace(summary, word, "Reviewers"),
        lo.append(summary, " Checked by the reviewers.", bold=True),
        lo.link(summary, "Reviewers", "https://www.osce.org/odihr"),
        lo.insert_after(summary, "A paragraph the reviewers added."),
    ]
    if report.marks(field="topics[0].points[1]"):
        edits.append(lo.delete(report.marks(field="topics[0].points[1]")[0]))
    first = report.marks(field="recommendations[0].text")[0]
    edits.append(lo.insert_after(first, "An added recommendation."))
    second = report.marks(field="recommendations[1].text")
    if second and report.field_value("recommendations[1].to") == report.field_value(
        "recommendations[0].to"
    ):
        edits.append(lo.move_before(second[0], first))
    heading = report.marks(field="recommendations[0].to")[0]
    word = report.field_value("recommendations[0].to")[0].split()[0]
    edits.append(lo.replace(heading, word, "Renamed " + word))
    quotes = report.marks(field="quotes[0].text")
    if quotes:
        text = report.paragraph(quotes[0]).text.strip("“”«» \u202f")
        word = text.split()[1]
        edits.append(lo.replace(quotes[0], word, word.upper()))
    sentence = report.marks(block="introduction.participation")
    if sentence:
        edits.append(lo.set_text(sentence[0], "Reviewers rewrote this sentence."))
    background = report.marks(field="event.background") or report.marks(field="report.summary")
    words = first_word(report.paragraph(background[0]).text)
    edits.append(lo.footnote(background[0], words, "A footnote the reviewers added."))
    return edits


@pytest.mark.parametrize("example", [p.stem for p in INPUTS])
def test_edits_made_in_libreoffice_come_back_and_generate_gives_the_reviewed_text(
    workspace, generated, example: str
) -> None:
    import libreoffice_review as lo

    missing = lo.available()
    if missing is not None:
        pytest.fail(f"this test needs LibreOffice's UNO (make test installs it): {missing}")
    source, docx_path = workspace(generated[example])
    report = Report.open(docx_path.read_bytes())
    edited = lo.review(docx_path, libreoffice_edits(report), source.parent / "reviewed.docx")
    reviewed = edited.docx.read_bytes()

    result = absorb(edited.docx, source, write=True)

    assert result.conflicts == [] and result.notes == [], (result.conflicts, result.notes)
    assert validate_file(source) == []
    workshop = load_workshop(source)
    text = " ".join(source.read_text(encoding="utf-8").split())  # fields are wrapped
    assert "A paragraph the reviewers added." in text
    assert "A footnote the reviewers added." in text
    assert "An added recommendation." in [r.text for r in workshop.recommendations]
    assert workshop.recommendations[0].to[0].startswith("Renamed ")
    assert paragraphs(regenerate(source), skip_blocks=DERIVED) == paragraphs(
        reviewed, skip_blocks=DERIVED
    )
