"""Whether a spec is already in ``lpctl fmt``'s layout, decided from its lines, without a YAML round trip.

ruamel's round trip (a pure-Python load and dump) is nearly all of ``fmt``'s time, and most files in a
repository are already formatted: ``fmt --check`` in CI. This reader takes a strict subset of the
layout fmt writes and says yes only when every line is as fmt would write it:

* mappings with plain keys at two spaces a level, list dashes two spaces under their key, the keys of a
  list item's mapping after its dash;
* one-line values: plain scalars (not ``yes``/``no``/``on``/``off``/``y``/``n``, which fmt quotes),
  quoted scalars without escapes, flow lists and mappings written ``[a, b]`` and ``{a: 1}``;
* comment lines and blank lines between the first and last line, a comment after a value;
* ``---`` between documents and on the first line; keys in the order of the spec format (as
  :func:`lpctl.authoring.fmt`'s ``_canonical`` orders them).

Anything else (tabs, block scalars, anchors, escapes, a comment above a first ``---``, trailing spaces) is a
"don't know", and fmt does the round trip. tests/property/test_fmt_properties.py holds it to fmt: a
text this module accepts is one that fmt's round trip returns unchanged (never one it refuses).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

#: characters fmt's writer may render differently (controls, BOMs, YAML 1.1 line breaks, surrogates)
_ODD = re.compile(r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-/]*):(?=$| )")
_COMMENT = re.compile(r"(?: +#.*)?$")
#: a plain scalar in block context: no indicator first (a '-' only before a digit or '.'), no ': ' or ' #'
_PLAIN = re.compile(r"(?:[^-?:,\[\]{}#&*!|>'\"%@`= ]|-(?=[0-9.]))(?:[^ :#]|:(?! |$)| (?![ #])|(?<! )#)*(?<![ :])")
#: in a flow collection: also no ',', '[', ']', '{', '}', ':' or '#'
_FLOW_PLAIN = re.compile(r"(?:[^-?:,\[\]{}#&*!|>'\"%@`= ]|-(?=[0-9.]))(?:[^ :#,\[\]{}]| (?![ ,\]}]))*")
_SINGLE = re.compile(r"'(?:[^'\n]|'')*'")
_DOUBLE = re.compile(r'"[^"\\\n]*"')
_QUOTED_BY_FMT = frozenset({"y", "n", "yes", "no", "on", "off"})

Line = tuple[int, str]  # (indentation, text after it)
_FLOW_ITEM = ("- [", "- {")


class _No(Exception):
    """Not in the subset: fmt decides with its round trip."""


def in_layout(text: str, documents: Sequence[Any], orders: Callable[[str], dict[tuple[str, ...], list[str]]]) -> bool:
    """True when ``text`` (whose documents' data are ``documents``) is exactly what fmt would write."""
    if not text.endswith("\n") or text.startswith(("\n", "...", "%")) or text.endswith("\n\n"):
        return False
    if _ODD.search(text):
        return False
    lines = text.split("\n")[:-1]
    if lines[0] == "---":
        del lines[0]  # fmt keeps a '---' on the first line
    try:
        count = _read(lines)
    except _No:
        return False
    return count == len(documents) and all(_ordered(doc, (), orders(str(doc.get("kind")))) for doc in documents)


def _read(raw: list[str]) -> int:
    """The number of documents of lines in the layout; raises :class:`_No`."""
    documents: list[list[Line]] = [[]]
    commented, before = False, ""
    for line in raw:
        if line.endswith(" "):
            raise _No
        body = line.lstrip(" ")
        if not body or body[0] == "#":
            commented = commented or bool(body)
            continue
        if commented and body.startswith(_FLOW_ITEM) and before.startswith(_FLOW_ITEM):
            raise _No  # ruamel drops a comment line between two flow collections in a list: fmt refuses those
        commented, before = False, body
        if line == "---":
            documents.append([])
            continue
        if body.startswith(("---", "...", "%")) and len(body) == len(line):
            raise _No
        documents[-1].append((len(line) - len(body), body))
    for lines in documents:
        if not lines:
            raise _No
        reader = _Reader(lines)
        reader.mapping(0)
        if reader.at != len(lines):
            raise _No
    return len(documents)


class _Reader:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.at = 0

    def mapping(self, col: int, first: str | None = None) -> None:
        """Keys at ``col``; ``first``: the text after a list item's dash, its first key."""
        if first is not None:
            self.entry(col, first)
        while self.at < len(self.lines) and self.lines[self.at][0] == col:
            self.at += 1
            self.entry(col, self.lines[self.at - 1][1])
        if self.at < len(self.lines) and self.lines[self.at][0] > col:
            raise _No

    def entry(self, col: int, text: str) -> None:
        key = _KEY.match(text)
        if key is None or text.startswith("- "):
            raise _No
        rest = text[key.end():]
        if _COMMENT.fullmatch(rest):  # a block value, or nothing (null)
            self.block(col)
        else:
            _value(rest[1:], block=True)

    def block(self, col: int) -> None:
        if self.at >= len(self.lines) or self.lines[self.at][0] <= col:
            return  # an empty value
        indent, text = self.lines[self.at]
        if indent != col + 2:
            raise _No
        if text.startswith("- "):
            self.sequence(col + 2)
        else:
            self.mapping(col + 2)

    def sequence(self, col: int) -> None:
        while self.at < len(self.lines) and self.lines[self.at][0] == col:
            text = self.lines[self.at][1]
            if not text.startswith("- "):
                raise _No
            self.at += 1
            item = text[2:]
            if item.startswith(("-", " ")):
                raise _No
            if _KEY.match(item):
                self.mapping(col + 2, first=item)
            else:
                _value(item, block=True)
        if self.at < len(self.lines) and self.lines[self.at][0] > col:
            raise _No


def _value(text: str, *, block: bool) -> int:
    """Where the value at the start of ``text`` ends; in block context the rest must be a comment."""
    end = _scalar_or_flow(text, 0, block=block)
    if block and not _COMMENT.fullmatch(text, end):
        raise _No
    return end


def _scalar_or_flow(text: str, at: int, *, block: bool) -> int:
    if text.startswith("[", at):
        return _flow(text, at + 1, "]", pairs=False)
    if text.startswith("{", at):
        return _flow(text, at + 1, "}", pairs=True)
    quoted = (_SINGLE if text.startswith("'", at) else _DOUBLE).match(text, at) if text[at:at + 1] in "'\"" else None
    if quoted:
        return quoted.end()
    plain = (_PLAIN if block else _FLOW_PLAIN).match(text, at)
    if plain is None or plain.end() == at or plain.group().lower() in _QUOTED_BY_FMT:
        raise _No
    return plain.end()


def _flow(text: str, at: int, close: str, *, pairs: bool) -> int:
    """``[a, b]`` or ``{a: 1, b: 2}`` from after its bracket: one space after each comma, none inside."""
    if text.startswith(close, at):
        return at + 1
    while True:
        if pairs:
            key = _KEY.match(text, at)
            if key is None or not text.startswith(": ", key.end() - 1):
                raise _No
            at = key.end() + 1
        at = _scalar_or_flow(text, at, block=False)
        if text.startswith(close, at):
            return at + 1
        if not text.startswith(", ", at):
            raise _No
        at += 2


def _ordered(node: Any, path: tuple[str, ...], orders: dict[tuple[str, ...], list[str]]) -> bool:
    """The keys of every mapping in the order fmt puts them (its ``_canonical``'s paths)."""
    if isinstance(node, dict):
        order = orders.get(path)
        if order is not None:
            rank = {k: i for i, k in enumerate(order)}
            ranks = [rank.get(str(k), len(order)) for k in node]
            if ranks != sorted(ranks):
                return False
        return all(_ordered(v, (*path, str(k)) if order is not None else ("*free*",), orders) for k, v in node.items())
    if isinstance(node, list):
        return all(_ordered(v, (*path, "[]"), orders) for v in node)
    return True
