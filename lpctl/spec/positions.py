"""Source positions of the keys and values of one YAML document."""

from __future__ import annotations

import re
from collections.abc import Mapping

#: a path into a document: mapping keys and list indexes, from the root
Path = tuple[str | int, ...]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_path(path: Path) -> str:
    """``("labels", "a.b", 0)`` -> ``$.labels['a.b'][0]`` (the jsonschema ``json_path`` style)."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.fullmatch(part):
            out += f".{part}"
        else:
            out += "['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


class Positions:
    """1-based ``(line, col)`` of every value and mapping key, by path.

    A path that has no entry of its own (for example a key the user did not write) falls back
    to its nearest ancestor, so a diagnostic always points somewhere inside the document.
    """

    __slots__ = ("_keys", "_texts", "_values")

    def __init__(self, values: Mapping[Path, tuple[int, int]], keys: Mapping[Path, tuple[int, int]],
                 texts: Mapping[Path, str] | None = None) -> None:
        self._values = values
        self._keys = keys
        self._texts = texts or {}

    def value(self, path: Path) -> tuple[int, int]:
        for i in range(len(path), -1, -1):
            found = self._values.get(path[:i])
            if found is not None:
                return found
        return (1, 1)

    def key(self, path: Path) -> tuple[int, int]:
        found = self._keys.get(path)
        return found if found is not None else self.value(path)

    def text(self, path: Path) -> str | None:
        """A plain scalar that YAML read as a number, boolean or null, as written (``1.10``, ``~``)."""
        return self._texts.get(path)

    def has(self, path: Path) -> bool:
        return path in self._values
