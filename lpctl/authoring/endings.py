"""A spec file's line breaks and byte order mark: ``lpctl fmt`` writes a file back with the ones it found.

fmt lays a file out as text with ``\\n`` line breaks and no byte order mark (what its YAML writer and its
layout reader know), then puts back the file's own: ``\\r\\n`` when the file's line breaks are ``\\r\\n``,
the UTF-8 byte order mark when the file began with one. A file with both kinds of line break gets the
kind most of its lines end with (``\\n`` on a tie), so ``fmt --check`` lists it and ``fmt`` makes it one
kind. YAML reads ``\\r\\n`` inside a scalar as ``\\n``, so the values are the same either way. A file
with a lone ``\\r`` (an old Mac's line break) is not touched here: fmt's round trip decides (LP115).
"""

from __future__ import annotations

from dataclasses import dataclass

BOM = "\ufeff"


@dataclass(frozen=True)
class Endings:
    """How a file writes its line breaks (``newline``) and whether it starts with a byte order mark."""

    newline: str = "\n"
    bom: bool = False

    def apply(self, text: str) -> str:
        """``text`` (``\\n`` line breaks, no byte order mark) written this way."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return BOM + text if self.bom else text


def split(text: str) -> tuple[str, Endings]:
    """``text`` with ``\\n`` line breaks and no byte order mark, and how the file wrote them."""
    bom = text.startswith(BOM)
    body = text.removeprefix(BOM)
    crlf = body.count("\r\n")
    if not crlf:
        return body, Endings("\n", bom)
    lf = body.count("\n") - crlf
    unix = body.replace("\r\n", "\n")
    if "\r" in unix:  # '\r' alone, or '\r\r\n': joining those would change what the lines are
        return body, Endings("\n", bom)
    return unix, Endings("\r\n" if crlf > lf else "\n", bom)
