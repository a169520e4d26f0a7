"""What a run produces besides its files: warnings met on the way, and where the time went."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """A warning for the user; reportgen carried on."""

    text: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.text}" if self.where else self.text


class Warnings:
    """A collector passed down a pipeline stage; each stage adds what it noticed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def warn(self, text: str, where: str = "") -> None:
        message = Message(text, where)
        if message not in self.messages:
            self.messages.append(message)


@dataclass
class Timings:
    """Seconds spent in each phase: load, compose, docx, read, layout, write, tags, save."""

    phases: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - start

    def __str__(self) -> str:
        return " ".join(f"{k}={v:.3f}s" for k, v in self.phases.items())
