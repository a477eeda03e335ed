"""One exception hierarchy. The library raises; only the CLI turns an error into a message."""

from __future__ import annotations

from typing import NamedTuple


class Position(NamedTuple):
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class TradeoffError(Exception):
    """Base of every error tradeoff raises on purpose."""

    hint: str = ""

    def render(self) -> str:
        text = str(self)
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class UsageError(TradeoffError):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class DesignError(TradeoffError):
    """Something wrong in a design file, at a position."""

    kind = "error"

    def __init__(self, message: str, position: Position | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.position}: {self.message}" if self.position else self.message


class SyntaxError_(DesignError):
    kind = "syntax"


class SchemaError(DesignError):
    """Unknown key, wrong type, missing key."""

    kind = "schema"


class UnitError(DesignError):
    kind = "unit"


class ReferenceError_(DesignError):
    """A reference that does not resolve, or an id used twice."""

    kind = "reference"


class DesignErrors(TradeoffError):
    """All the errors found in one design file, in file order."""

    def __init__(self, errors: list[DesignError]) -> None:
        errors = sorted(errors, key=lambda e: (e.position or Position("", 0, 0))[1:])
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)
