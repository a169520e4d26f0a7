"""How long editing an input in place takes (source/yamledit.py), on the example and 2 500 people.

    python bench/yaml_editing.py            # medians of 7 runs
    python bench/yaml_editing.py --runs 3

Each run reads the input into a YamlEditor, makes the edits `absorb` makes
after a review (a reworded summary and point, a point added, a recommendation
moved, a participant's role changed and one removed, an `overrides` section
added) and asks for the text, which parses the whole result once more to
check it.  Also times writing every text field of the example as Markdown
(compose/markdown_writer.py) from the nodes compose makes of it.  Times are
CPU time of this process, so that other work on a shared machine does not
count.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import inputs  # noqa: E402 (bench modules live beside this script)

from reportgen.compose import markdown, vocabulary  # noqa: E402
from reportgen.compose.markdown_writer import to_markdown  # noqa: E402
from reportgen.source.yamledit import YamlEditor  # noqa: E402


def edit(text: str, name: str) -> dict[str, float]:
    """One run: seconds to read, to make the edits, and to get the checked text."""
    started = time.process_time()
    editor = YamlEditor(text, name)
    read = time.process_time()
    data = editor.data
    editor.set(("report", "summary"), "A *reviewed* summary.\n\nIn two paragraphs.\n")
    editor.set(("topics", 1, "points", 0), "A reworded point, with **strong** words.")
    editor.insert(("topics", 2, "points"), 1, "A point added by a reviewer.")
    editor.move(("topics",), 0, 3)
    people = data["participants"].get("list")
    if people:
        editor.set(("participants", "list", 1200 % len(people), "role"), "Moderator")
        editor.delete(("participants", "list", 7))
    editor.add_section(
        "overrides",
        [{"block": "introduction.participation", "text": "Experts met.", "replaces": "Old."}],
    )
    edited = time.process_time()
    editor.text()
    done = time.process_time()
    return {
        "read": read - started,
        "edits": edited - read,
        "text": done - edited,
        "total": done - started,
    }


def markdown_fields(text: str) -> float:
    """Seconds to write the example's text fields back as Markdown."""
    from reportgen.source.yamlload import parse_yaml

    data = parse_yaml(text, "example").data
    fields = [data["report"]["summary"], data["event"]["background"]]
    for topic in data["topics"]:
        fields += [topic["summary"], *topic.get("points", []), *topic.get("challenges", [])]
    quotes = ("“", "”", "‘", "’")
    nodes = [
        vocabulary.parse(
            "<document>" + markdown.render(f, quotes=quotes) + "</document>",
            template_folders=(),
            where="bench",
        ).children
        for f in fields
    ]
    started = time.process_time()
    for blocks in nodes:
        to_markdown(blocks)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        made = inputs.generate(Path(folder), batch_size=1)
        for label, path in (("example", made.small), ("2 500 participants", made.large)):
            text = path.read_text(encoding="utf-8")
            runs = [edit(text, str(path)) for _ in range(arguments.runs)]
            medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(
                f"{label:>20}: {len(text) / 1000:6.0f} kB  "
                + "  ".join(f"{k} {v * 1000:6.1f} ms" for k, v in medians.items())
            )
        example = made.small.read_text(encoding="utf-8")
        seconds = statistics.median(markdown_fields(example) for _ in range(arguments.runs))
        print(
            f"{'Markdown fields':>20}: {seconds * 1000:6.1f} ms for every text field of the example"
        )


if __name__ == "__main__":
    main()
