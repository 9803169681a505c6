"""Why a value does not fit its type, and how a value reads in that message: shared by every converter
(literals, Flyte 1 blobs and dataclass shapes, Flyte 2 trigger values)."""

from __future__ import annotations

from typing import Any

from lpctl.spec.positions import Path


class ConversionError(Exception):
    """A value does not fit its type; ``path`` is relative to the converted value."""

    def __init__(self, message: str, path: Path = (), hint: str | None = None, code: str = "LP405",
                 *, quote: bool = False, key: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.hint = hint
        #: LP405 wrong type, LP406 not among an enum's values
        self.code = code
        #: the fix is to quote the value: the hint should show it as written in the file
        self.quote = quote
        #: the problem is the key at ``path`` (an unknown field), not its value
        self.key = key


def describe(value: Any) -> str:
    """How a value reads in a message: ``the integer 123``, ``the string "abc"``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return 'the string "' + shown.replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
