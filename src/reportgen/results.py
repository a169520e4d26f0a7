"""Values that carry the non-fatal problems met while making them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Message:
    """A warning for the user; reportgen carried on."""

    text: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.text}" if self.where else self.text


@dataclass
class Result(Generic[T]):
    """A value with the warnings produced on the way (mammoth's pattern)."""

    value: T
    messages: list[Message] = field(default_factory=list)

    def map(self, function: Callable[[T], U]) -> Result[U]:
        return Result(function(self.value), list(self.messages))


class Warnings:
    """A collector passed down a pipeline stage; each stage adds what it noticed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def warn(self, text: str, where: str = "") -> None:
        message = Message(text, where)
        if message not in self.messages:
            self.messages.append(message)
