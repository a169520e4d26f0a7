"""Kill ``reportgen generate`` at random moments while it replaces outputs; nothing may be lost.

Each trial puts a previous run's DOCX and PDF in place, starts ``reportgen
generate`` on a changed input with the same name, and SIGKILLs it: after a
random delay across its whole run, or (one trial in three) while it saves:
up to 50 ms after its lock file appears, or up to 2.5 ms after its first
temporary file does.  Then every output must be
byte-equal to the old file or to the complete new one (which opens: a ZIP
with a valid reportgen fingerprint, a PDF pypdf parses that ends in %%EOF),
and nothing else may be left but the lock file and hidden ``.<name>.*.tmp``
files (a SIGKILL gives a process no chance to remove them; the next run
removes them once they are an hour old).

    python bench/kill_stress.py                  # 60 trials
    python bench/kill_stress.py --trials 200 --seed 7

tests/test_nothing_lost.py runs a few trials of the same code in ``make test``.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_DATE_EPOCH = "1550188800"
STEM = "report"
OUTPUTS = (f"{STEM}.docx", f"{STEM}.pdf")
LEFTOVER = re.compile(rf"\.{STEM}\.(docx|pdf)\.[^/]+\.tmp")
LOCK = f".{STEM}.lock"

INPUT = """\
report:
  title: {title}
  organizer: OSCE Office for Democratic Institutions and Human Rights
  authors: [Jane Doe]
event:
  name: Expert workshop on migrant integration
  start: 2018-11-28
  end: 2018-11-29
  city: Tbilisi
  country: Georgia
participants:
  women: 16
  men: 9
topics:
  - id: strategy
    title: A national strategy
    summary: |
      {summary}
    points: [Plan early, Involve local authorities]
recommendations:
  - text: Adopt a national strategy.
    to: [participating States]
    topic: strategy
"""


def input_text(version: str) -> str:
    """The input of the ``old`` outputs, or the changed one of the ``new``."""
    summary = " ".join(f"{version.capitalize()} sentence {n} about integration." for n in range(60))
    return INPUT.format(title=f"Integrating migrants ({version} version)", summary=summary)


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "reportgen", *args]


def environment() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}


@dataclass
class Scenario:
    """A work folder with an input, and the bytes of the old and of the new outputs."""

    source: Path
    outdir: Path
    old: dict[str, bytes]
    new: dict[str, bytes]
    duration: float  # seconds an uninterrupted run takes


def prepare(folder: Path) -> Scenario:
    """Write both inputs and generate each once, for reference; time the second run."""
    reference: dict[str, dict[str, bytes]] = {}
    duration = 0.0
    for version in ("old", "new"):
        (folder / version).mkdir(parents=True, exist_ok=True)
        source = folder / version / f"{STEM}.yaml"
        source.write_text(input_text(version), encoding="utf-8")
        started = time.perf_counter()
        run = subprocess.run(
            command("generate", str(source), "-o", str(folder / f"{version}-reference")),
            env=environment(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if run.returncode != 0:
            raise RuntimeError(f"generating the {version} reference failed:\n{run.stderr}")
        duration = time.perf_counter() - started
        reference[version] = {
            name: (folder / f"{version}-reference" / name).read_bytes() for name in OUTPUTS
        }
        for name, data in reference[version].items():
            if problem := complete(name, data):
                raise RuntimeError(f"the {version} reference {name} {problem}")
    if reference["old"] == reference["new"]:
        raise RuntimeError(
            "the old and the new outputs are the same; the trials would prove nothing"
        )
    return Scenario(
        folder / "new" / f"{STEM}.yaml",
        folder / "outputs",
        reference["old"],
        reference["new"],
        duration,
    )


def complete(name: str, data: bytes) -> str | None:
    """None if ``data`` is a complete output, else what is wrong with it."""
    if name.endswith(".docx"):
        from reportgen.word.package import content_fingerprint, recorded_fingerprint

        try:
            recorded = recorded_fingerprint(data)
            if recorded is None or recorded != content_fingerprint(data):
                return "has no valid reportgen fingerprint"
        except Exception as error:
            return f"is not a DOCX ({error})"
        return None
    import pypdf

    if not data.rstrip().endswith(b"%%EOF"):
        return "does not end with %%EOF"
    try:
        if len(pypdf.PdfReader(io.BytesIO(data), strict=True).pages) < 1:
            return "has no pages"
    except Exception as error:
        return f"does not parse as a PDF ({error})"
    return None


@dataclass
class Trial:
    """One killed run: when it was killed, what it left, and what was wrong."""

    mode: str  # "random": after a random delay; "writing": once the lock file appeared
    delay: float
    moment: str = ""  # "before", "during" or "after" the write, judged by what was left
    finished: bool = False  # the run ended by itself before the kill
    leftovers: int = 0
    problems: list[str] = field(default_factory=list)


def reset(scenario: Scenario) -> None:
    """The old outputs in place, nothing else (not even the lock file: see run_trial)."""
    scenario.outdir.mkdir(parents=True, exist_ok=True)
    for entry in scenario.outdir.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for name, data in scenario.old.items():
        (scenario.outdir / name).write_bytes(data)


def run_trial(scenario: Scenario, rng: random.Random, mode: str) -> Trial:
    reset(scenario)
    delay = rng.uniform(0.0, scenario.duration * 1.1) if mode == "random" else rng.uniform(0, 0.05)
    trial = Trial(mode, delay)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command("generate", str(scenario.source), "-o", str(scenario.outdir)),
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        if mode == "writing":
            # The run creates the lock file when it starts saving: from then on
            # it checks the old DOCX, writes temporary files and renames them.
            _wait_for(scenario.outdir / LOCK, process)
            if delay < 0.025:  # half the trials: once a temporary file is there
                _wait_for_a_temporary_file(scenario.outdir, process)
                delay = trial.delay = delay / 10
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        code = process.wait(timeout=300)
        trial.finished = code == 0
        if code not in (0, -signal.SIGKILL):
            errors.seek(0)
            trial.problems.append(f"exit status {code}: {errors.read().decode(errors='replace')}")
    judge(scenario, trial)
    return trial


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> None:
    while process.poll() is None and not path.exists():
        time.sleep(0.0001)


def _wait_for_a_temporary_file(folder: Path, process: subprocess.Popen[bytes]) -> None:
    while process.poll() is None and not any(n.endswith(".tmp") for n in os.listdir(folder)):
        pass  # no sleep: the temporary files live for a few milliseconds


def judge(scenario: Scenario, trial: Trial) -> None:
    """Each output old or complete and new; nothing else left but allowed leftovers."""
    states = []
    for name in OUTPUTS:
        path = scenario.outdir / name
        data = path.read_bytes() if path.is_file() else None
        if data == scenario.old[name]:
            states.append("old")
        elif data == scenario.new[name]:
            states.append("new")
            if problem := complete(name, data):
                trial.problems.append(f"{name} {problem}")
        else:
            states.append("damaged")
            size = "missing" if data is None else f"{len(data)} bytes, neither old nor new"
            trial.problems.append(f"{name}: {size}")
    for entry in sorted(os.listdir(scenario.outdir)):
        if entry in OUTPUTS or entry == LOCK:
            continue
        if LEFTOVER.fullmatch(entry):
            trial.leftovers += 1
        else:
            trial.problems.append(f"unexpected file left: {entry}")
    if states == ["old", "old"] and not trial.leftovers:
        trial.moment = "before"
    elif states == ["new", "new"] and not trial.leftovers:
        trial.moment = "after"
    else:
        trial.moment = "during"


def run_trials(scenario: Scenario, trials: int, seed: int) -> list[Trial]:
    rng = random.Random(seed)  # noqa: S311 (kill moments, not secrets)
    return [run_trial(scenario, rng, "writing" if n % 3 == 2 else "random") for n in range(trials)]


def summary(trials: list[Trial]) -> str:
    moments = Counter(t.moment for t in trials)
    failures = [t for t in trials if t.problems]
    lines = [
        f"trials: {len(trials)} ({sum(t.mode == 'random' for t in trials)} at a random moment, "
        f"{sum(t.mode == 'writing' for t in trials)} while writing)",
        f"killed before the write: {moments['before']}",
        f"killed during the write: {moments['during']} "
        f"(temporary files left: {sum(t.leftovers for t in trials)})",
        f"killed after the write: {moments['after']} "
        f"(of which {sum(t.finished for t in trials)} had finished before the kill)",
        f"failures: {len(failures)}",
    ]
    for trial in failures:
        lines.append(f"  {trial.mode} kill after {trial.delay:.3f} s: {'; '.join(trial.problems)}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="reportgen-kill-"))
    try:
        started = time.perf_counter()
        scenario = prepare(folder)
        print(f"an uninterrupted run takes {scenario.duration:.2f} s", flush=True)
        trials = run_trials(scenario, options.trials, options.seed)
        print(summary(trials))
        print(f"({time.perf_counter() - started:.0f} s in all)")
        return 1 if any(t.problems for t in trials) else 0
    finally:
        if options.keep:
            print(f"work folder: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
