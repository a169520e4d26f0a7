"""Timing whole processes: wall time and peak memory of each command (``/usr/bin/time -v``)."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TIME = "/usr/bin/time"
PHASE = re.compile(r"\b(load|compose|docx|read|layout|write|tags|save)=([0-9.]+)s")
PHASES = ("load", "compose", "docx", "read", "layout", "write", "tags", "save")


class CommandFailed(RuntimeError):
    """A measured command exited with an error: the benchmark stops rather than time a failure."""


@dataclass
class Sample:
    """One run of one command."""

    wall: float  # seconds, perf_counter around the process (time -v's clock has 10 ms steps)
    rss_mib: float  # peak resident set size of the largest process it waited for
    elapsed_time_v: float  # time -v's own "Elapsed (wall clock)", to cross-check
    stderr: str = ""
    others: float = 0.0  # cores' worth of CPU used by other processes meanwhile (noise)
    cpu: float = 0.0  # user + system seconds of the process and its children

    def phases(self) -> dict[str, float]:
        """``--timings`` lines on stderr, summed over inputs: {"load": s, "compose": s, …}."""
        found: dict[str, float] = {}
        for name, value in PHASE.findall(self.stderr):
            found[name] = found.get(name, 0.0) + float(value)
        return found


@dataclass
class Step:
    """One command of a route; ``before`` runs untimed first (e.g. clearing the output folder)."""

    label: str
    argv: Sequence[str]
    before: Callable[[], None] | None = None
    env: dict[str, str] | None = None


@dataclass
class Route:
    """A way to get the result: one or more commands run one after the other."""

    name: str
    steps: list[Step]
    output_pdf: Path | None = None  # the PDF it writes, for its page count
    runs: list[list[Sample]] = field(default_factory=list)  # per round, per step

    @property
    def totals(self) -> list[float]:
        """Seconds per round, all steps."""
        return [sum(s.wall for s in run) for run in self.runs]

    @property
    def others(self) -> list[float]:
        """Per round: the CPU other processes used meanwhile, in cores (time-weighted)."""
        return [
            sum(s.others * s.wall for s in run) / max(sum(s.wall for s in run), 1e-9)
            for run in self.runs
        ]

    @property
    def cpu(self) -> list[float]:
        """CPU seconds per round (user + system, all steps)."""
        return [sum(s.cpu for s in run) for run in self.runs]

    @property
    def peak_mib(self) -> float:
        return max((s.rss_mib for run in self.runs for s in run), default=0.0)

    def step_totals(self, label: str) -> list[float]:
        """Seconds per round spent in the steps called ``label``."""
        return [
            sum(
                sample.wall
                for step, sample in zip(self.steps, run, strict=True)
                if step.label == label
            )
            for run in self.runs
        ]

    def phases(self) -> dict[str, float]:
        """Median of each ``--timings`` phase over the rounds (summed over a round's steps)."""
        per_round = []
        for run in self.runs:
            total: dict[str, float] = {}
            for sample in run:
                for name, value in sample.phases().items():
                    total[name] = total.get(name, 0.0) + value
            per_round.append(total)
        names = [n for n in PHASES if any(n in p for p in per_round)]
        return {n: statistics.median(p.get(n, 0.0) for p in per_round) for n in names}


def run_step(step: Step, cwd: Path) -> Sample:
    """Run one command under ``/usr/bin/time -v``; raise CommandFailed if it fails."""
    if step.before:
        step.before()
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as report:
        report_path = Path(report.name)
    env = dict(os.environ, **(step.env or {}))
    busy_before = busy_cpu_seconds()
    start = time.perf_counter()
    done = subprocess.run(
        [TIME, "-v", "-o", str(report_path), *step.argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    busy = busy_cpu_seconds() - busy_before
    text = report_path.read_text(encoding="utf-8", errors="replace")
    report_path.unlink()
    if done.returncode != 0:
        raise CommandFailed(
            f"{step.label}: {' '.join(step.argv)} exited {done.returncode}\n{done.stderr[-3000:]}"
        )
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)", text)
    own = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([0-9.]+)", text))
    return Sample(
        wall=wall,
        rss_mib=int(rss.group(1)) / 1024 if rss else 0.0,
        elapsed_time_v=_clock(elapsed.group(1)) if elapsed else wall,
        stderr=done.stderr,
        others=max(0.0, busy - own) / wall if wall else 0.0,
        cpu=own,
    )


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine spent outside idle since boot (/proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(max_wait: float, threshold: float = 0.25) -> float:
    """Wait (up to ``max_wait`` s) until other processes use under ``threshold`` cores.

    Returns the load last seen, in cores: other work on the machine competes
    with the measured processes for its cores and makes them look slower.
    """
    deadline = time.monotonic() + max_wait
    while True:
        before = busy_cpu_seconds()
        time.sleep(1.0)
        load = busy_cpu_seconds() - before
        if load < threshold or time.monotonic() >= deadline:
            return load
        time.sleep(4.0)


def run_route(route: Route, cwd: Path) -> list[Sample]:
    """Run every step of ``route`` once and record the samples as one round."""
    samples = [run_step(step, cwd) for step in route.steps]
    route.runs.append(samples)
    return samples


def _clock(text: str) -> float:
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def paired_ratios(a: Route, b: Route, *, cpu: bool = False) -> list[float]:
    """a / b round by round (both ran in the same rounds, one after the other).

    With ``cpu``, the ratio of CPU seconds instead of wall seconds: less
    disturbed by other work on the machine, but blind to parallelism.
    """
    xs, ys = (a.cpu, b.cpu) if cpu else (a.totals, b.totals)
    return [x / y for x, y in zip(xs, ys, strict=True) if y > 0]
