"""Every comment of a YAML text and what it annotates: how ``lpctl fmt`` proves it lost none.

libyaml's parser says where every node is; what lies between two nodes is whitespace, indicators
(``- ? : , [ ] { }``) and comments, so each ``#`` there starts a comment. A comment annotates:

* the node before it on its own line, when it ends a line (``name: a  # the team's``);
* otherwise the node after it, wherever that is written (``# tech`` above ``- AAPL``), or the
  ``---`` / ``...`` marker after it, or the end of the file.

A node is named by its place in the data (document, keys and indexes) and whether it is a key or
a value, so a comment keeps its anchor when ``fmt`` moves the key it is above or turns a flow list
into another layout. :func:`anchored` gives each anchor's comments, in order; ``fmt`` refuses to
write a file whose anchored comments differ after formatting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

#: one anchor: (document, where, path, role); where is "eol" or "above"
Anchor = tuple[int, str, tuple[Any, ...], str]
#: between nodes: only these and comments
_BETWEEN = re.compile(r"[\s\-?:,\[\]{}\ufeff]*")
#: YAML line breaks that str.split("\n") does not see, so libyaml's lines would not be ours
_OTHER_BREAKS = re.compile(r"\r(?!\n)|[\x85\u2028\u2029]")


class Unreadable(Exception):
    """libyaml cannot read the text, or something between its nodes is not a comment."""


def anchored(text: str) -> dict[Anchor, list[tuple[int, str]]]:
    """Each anchor's comments, in the order written: (1-based line, text without ``#``, right-stripped)."""
    text, starts = _lines(text)
    out: dict[Anchor, list[tuple[int, str]]] = {}
    pending: list[tuple[int, str]] = []  # comments waiting for the next node
    previous: tuple[int, Anchor] | None = None  # the last node: (its last line, its anchor)
    at, document = 0, -1

    def place(begin: int, end: int) -> None:
        for line, comment in comments_between(text, begin, end, starts):
            if previous is not None and previous[0] == line and not pending:
                out.setdefault(previous[1], []).append((line + 1, comment))
            else:
                pending.append((line + 1, comment))

    rows = text.split("\n")
    for start, end, anchor in _nodes(text, starts):
        place(at, start)
        if anchor is not None and anchor[0] != document:  # the first node of a document
            document = anchor[0]
            pending = _header(pending, rows, _line_of(start, starts) + 1, out, document)
        if anchor is not None:
            if pending:
                out.setdefault((anchor[0], "above", anchor[2], anchor[3]), []).extend(pending)
                pending = []
            if not (anchor[3] == "start" and previous is not None and previous[0] == _line_of(start, starts)):
                previous = (_line_of(end, starts), anchor)  # a bracket after its key: the key ends the line
        at = max(at, end)
    place(at, len(text))
    if pending:
        out.setdefault((-1, "above", ("end",), ""), []).extend(pending)
    return out


def _lines(text: str) -> tuple[str, list[int]]:
    """``text`` ending with a line break, as libyaml reads it, and the offset of each line."""
    if _OTHER_BREAKS.search(text):
        raise Unreadable("line breaks other than \\n and \\r\\n")
    if not text.endswith("\n"):
        text += "\n"  # libyaml ends the last line with a break of its own
    starts = [0]
    for row in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(row) + 1)
    return text, starts


def _header(pending: list[tuple[int, str]], rows: list[str], line: int, out: dict[Anchor, list[tuple[int, str]]],
            document: int) -> list[tuple[int, str]]:
    """The comments above a document's first node up to its last blank line are the document's header
    (they stay on top when fmt moves that node); the rest, which is returned, is above the node."""
    for i in range(len(pending) - 1, -1, -1):
        below = pending[i + 1][0] if i + 1 < len(pending) else line
        if any(not rows[n - 1].strip() for n in range(pending[i][0] + 1, below)):
            out.setdefault((document, "above", ("header",), ""), []).extend(pending[:i + 1])
            return pending[i + 1:]
    return pending


def count(text: str) -> int:
    """How many comments ``text`` holds."""
    return sum(len(v) for v in anchored(text).values())


def _line_of(offset: int, starts: list[int]) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def comments_between(text: str, begin: int, end: int, starts: list[int]) -> Iterator[tuple[int, str]]:
    """The comments between two nodes: (0-based line, text); raises :class:`Unreadable` for anything else.
    ``starts``: the offset of each line."""
    gap = text[begin:end]
    i = 0
    while i < len(gap):
        matched = _BETWEEN.match(gap, i)
        i = matched.end() if matched else i
        if i >= len(gap):
            break
        if gap[i] != "#":
            raise Unreadable(f"unexpected {gap[i]!r} between nodes")
        stop = gap.find("\n", i)
        stop = len(gap) if stop < 0 else stop
        yield _line_of(begin + i, starts), gap[i + 1:stop].rstrip()
        i = stop


def _nodes(text: str, starts: list[int]) -> Iterator[tuple[int, int, Anchor | None]]:
    """Every event's span as offsets, with the anchor of a scalar, an alias or a document marker."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    stack: list[list[Any]] = []  # per open collection: [kind, path, nodes seen, a key next, the last key]
    document = -1
    try:
        for event in yaml.parse(text, Loader=loader):
            begin = starts[event.start_mark.line] + event.start_mark.column
            end = starts[event.end_mark.line] + event.end_mark.column
            name = type(event).__name__
            if name == "DocumentStartEvent":
                document += 1
                yield begin, end, (document, "eol", ("---",), "") if event.explicit else None
            elif name == "DocumentEndEvent":
                yield begin, end, (document, "eol", ("...",), "") if event.explicit else None
            elif name in ("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent"):
                path, role = _place(stack, getattr(event, "value", None) if name == "ScalarEvent" else None)
                if name in ("MappingStartEvent", "SequenceStartEvent"):
                    stack.append(["map" if name == "MappingStartEvent" else "seq", path, 0, True, None])
                    # a flow collection's bracket is a node of its own; a block one starts at its first node
                    yield begin, end, (document, "eol", path, "start") if event.flow_style else None
                else:
                    yield begin, end, (document, "eol", path, role)
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                stack.pop()
                yield begin, end, None
    except yaml.YAMLError as e:
        raise Unreadable(str(e)) from None


def _place(stack: list[list[Any]], scalar: str | None) -> tuple[tuple[Any, ...], str]:
    """The path and role of the node that starts now (a key is named by its text, or its index when
    it is a collection), and the parent's state moved past it."""
    if not stack:
        return (), "value"
    top = stack[-1]
    kind, path, index, key_next, key = top
    top[2] += 1
    if kind == "seq":
        return (*path, index), "value"
    top[3] = not key_next
    if key_next:
        top[4] = scalar if scalar is not None else f"#{index}"
        return (*path, top[4]), "key"
    return (*path, key), "value"
