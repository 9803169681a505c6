"""The one diagnostic type that every stage returns."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that ``max()`` gives the worst."""

    INFO = 10
    WARNING = 20
    ERROR = 30

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """Where a finding is: a display path and a 1-based line and column (0 = unknown)."""

    path: str
    line: int = 0
    col: int = 0
    #: the spec path of the key or value, in JSONPath form (``$.schedule.cron``)
    json_path: str = field(default="$", compare=False)

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}"
        return self.path


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in the input, with a stable code (``LP401``) and an exact location."""

    #: stable identifier, one of :data:`lpctl.codes.CODES`
    code: str
    severity: Severity
    message: str
    location: Location
    #: a short suggestion of how to fix it, shown after the message
    hint: str | None = None

    def __post_init__(self) -> None:
        # messages quote user text (keys, values): keep every format's line a line
        object.__setattr__(self, "message", one_line(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", one_line(self.hint))

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.code, self.message)

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity.label} {self.code} {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return one_line(text)


#: and lone surrogates, which no output encoding can carry, and the invisible format characters (a
#: right-to-left override turns the rest of a line around on a terminal, a zero width space hides)
_BREAKING = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff\xad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                       r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def one_line(text: str) -> str:
    """Control characters, line breaks and invisible characters from user text, escaped: one diagnostic, one
    line, read as written."""
    return _BREAKING.sub(lambda m: repr(m.group())[1:-1] if m.group() != "\t" else "\\t", text)


def error(code: str, message: str, location: Location, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, location, hint)


def warning(code: str, message: str, location: Location, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, location, hint)


def sort_diagnostics(diags: list[Diagnostic]) -> list[Diagnostic]:
    """File, line and column order; stable, so equal positions keep their stage order."""
    return sorted(diags, key=lambda d: (d.location.path, d.location.line, d.location.col))
