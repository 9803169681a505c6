"""The block-style YAML specs are written in, read line by line.

libyaml's composer builds a Python node object per value (two marks each), and the builder then walks
those nodes: about two thirds of loading a spec. This reader takes the plain subset that specs are
written in, straight from the lines to the same values, positions and texts:

* block mappings with plain keys, block sequences (indented or not), ``- key: value`` items;
* plain scalars on one line, resolved by the same YAML 1.2 rules (lpctl.spec.yaml12's ``plain_tag``);
* single-quoted scalars, double-quoted scalars without escapes;
* flow sequences and flow mappings on one line (``[a, 'b']``, ``{k: v, l: [x]}``), with plain keys;
* comments and blank lines, and documents separated by ``---`` lines.

Anything else gives None, and the composers read the text as before: anchors, aliases, tags, block
scalars, flow collections over several lines, scalars over several lines, escapes, duplicate keys, a
merge key, empty documents, tabs, control characters, odd indentation. It takes no decision of its own on
what YAML means: tests/unit/test_blockyaml.py holds it to what libyaml and the builder make of every text
it accepts, values, positions and texts alike.

The document is read in one pass over its lines with an explicit stack of open collections (no call per
line or per value but for flow collections and quoted scalars), and a plain scalar's value is remembered
by its text: keys and values repeat from spec to spec.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from typing import Any

from lpctl.accel.blockvalues import MAX_DEPTH, OTHER, Plains, Refused, Values, inline
from lpctl.spec.positions import Path

#: what this reader never takes anywhere, comments included: what YAML does not print (C0 and C1 controls,
#: tabs too, surrogates, U+FFFE and U+FFFF: libyaml refuses them), BOMs, the YAML 1.1 line breaks
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
#: the same in ASCII text, as bytes to delete: a third of the pattern's time on a spec
_ASCII_CONTROL = bytes([*range(0x0a), *range(0x0b, 0x20), 0x7f])
#: more values than this, the builder has its own diagnostic (an alias bomb): leave the text to it
_MAX_VALUES = 100_000

Read = tuple[Any, dict[Path, tuple[int, int]], dict[Path, tuple[int, int]], dict[Path, str]]


def read_block(text: str, plain_tag: Callable[[str], str], scalar: Callable[[str, str], Any]) -> list[Read] | None:
    """The documents of ``text``, each as ``(data, value positions, key positions, texts)``, or None.

    ``plain_tag`` resolves a plain scalar's tag; ``scalar`` turns a tag and a text into a value (raising
    ValueError for a text its tag refuses). Positions are 1-based ``(line, column)``, as the builder's.
    """
    if ("\n..." in text or "\n%" in text or text.startswith(("...", "%")) or "\r" in text or _control(text)):
        return None  # line breaks, characters, document ends and directives the reader leaves alone
    plain = _plains(plain_tag, scalar)
    lines = text.split("\n")
    try:
        if "---" not in text:
            return [_document(lines, 0, plain)]
        return [_document(lines[start:end], start, plain) for start, end in _documents(lines)]
    except Refused:
        return None


def _control(text: str) -> bool:
    """``text`` holds a character of _CONTROL."""
    if text.isascii():  # a flag of the string: no scan
        return len(text.encode("ascii").translate(None, _ASCII_CONTROL)) != len(text)
    return _CONTROL.search(text) is not None


def _documents(lines: list[str]) -> list[tuple[int, int]]:
    """The ``[start, end)`` line ranges of the documents between ``---`` lines."""
    bounds = [-1]
    for number, raw in enumerate(lines):
        if raw.startswith("---"):
            if raw.rstrip(" ") != "---" and not raw.startswith("--- #"):
                raise Refused  # content after the marker
            bounds.append(number)
    bounds.append(len(lines))
    ranges = [(start + 1, end) for start, end in itertools.pairwise(bounds)]
    if len(ranges) > 1 and _blank(lines[ranges[0][0]:ranges[0][1]]):
        del ranges[0]  # only comments before the first '---'
    return ranges


def _blank(lines: list[str]) -> bool:
    return all(not body or body[0] == "#" for body in (raw.lstrip(" ") for raw in lines))


@functools.lru_cache(maxsize=4)
def _plains(plain_tag: Callable[[str], str], scalar: Callable[[str, str], Any]) -> Plains:
    return Plains(plain_tag, scalar)


def _document(lines: list[str], first: int, plain: Plains) -> Read:  # noqa: C901 - one loop, on purpose
    """One document from its lines (``first``: the 0-based number of its first line)."""
    values: Values = {}
    keys: Values = {}
    texts: dict[Path, str] = {}
    known: Callable[[str, object], Any] = plain.lines.get  # a Line, None (not a key line), or miss
    digest, miss, string, other = plain.line, Plains.MISS, Plains.STRING, OTHER
    #: the open collections outside the current one: (indent, container, path, is a sequence, indentless)
    stack: list[tuple[int, Any, Path, bool, bool]] = []
    cur: Any = None  # the current collection, its keys' or dashes' column (0-based), its path ...
    path: Path = ()
    column, seq, indentless = -1, False, False
    pending: tuple[str, Path, int, int] | None = None  # a key with nothing after its ':' yet
    number = first
    for raw in lines:
        number += 1
        line = known(raw, miss)
        if line is miss:
            line = digest(raw)
        if line is not None:  # "key: value", most lines
            indent, offset, item = line[0], 0, False
        else:
            body = raw.lstrip(" ")
            if not body or body[0] == "#":
                continue
            indent = len(raw) - len(body)
            body = body.rstrip(" ")
            item = body[0] == "-" and (len(body) == 1 or body[1] == " ")
            if not item:
                raise Refused  # neither a key nor an item
        if cur is None:  # the document's first line: a mapping
            cur, column = {}, indent
            values[()] = (number, indent + 1)
        elif pending is not None:
            key, key_path, at, after = pending
            pending = None
            if indent > column or (indent == column and item and not seq):
                new: Any = [] if item else {}
                cur[key] = new
                values[key_path] = (number, indent + 1)
                stack.append((column, cur, path, seq, indentless))
                if len(stack) > MAX_DEPTH:
                    raise Refused
                indentless = indent == column  # "key:" then "- item" at the key's column
                cur, column, path, seq = new, indent, key_path, item
            else:  # an empty plain scalar: libyaml places it right after the colon
                values[key_path] = (at, after)
                cur[key] = plain.value("", key_path, texts)
        if indent != column or indentless:
            while indent < column or (indent == column and indentless and not item):
                if not stack:
                    raise Refused  # lines left after the top mapping
                column, cur, path, seq, indentless = stack.pop()
            if indent != column:
                raise Refused  # deeper than the collection: a scalar over several lines, or worse
        if seq:
            if not item:
                raise Refused
            entry = body[2:].lstrip(" ")
            if not entry or entry[0] == "#" or (entry[0] == "-" and (len(entry) == 1 or entry[1] == " ")):
                raise Refused  # "-" alone (a nested block follows), or "- - x"
            offset = indent + len(body) - len(entry)
            item_path = (*path, len(cur))
            line = known(entry, miss)
            if line is miss:
                line = digest(entry)
            if line is None:
                cur.append(inline(entry, number, offset, item_path, len(stack) + 1, values, keys, texts, plain))
                continue
            new = {}
            cur.append(new)
            values[item_path] = (number, offset + 1)
            stack.append((column, cur, path, seq, indentless))
            if len(stack) > MAX_DEPTH:
                raise Refused
            cur, column, path, seq, indentless = new, offset, item_path, False, False
        elif line is None:
            raise Refused  # an item among a mapping's keys
        _, key, text, at, value = line
        if key in cur:
            raise Refused  # a duplicate (the builder reports it); Plains.line refused the rest
        key_path = (*path, key)
        keys[key_path] = (number, column + 1)
        if text is None:
            cur[key] = None  # its place among the keys; the value comes with the next line
            pending = (key, key_path, number, column + len(key) + 2)
            continue
        at += offset
        if value is string:
            values[key_path] = (number, at + 1)
            cur[key] = text
        elif value is not other:
            values[key_path] = (number, at + 1)
            texts[key_path] = text
            cur[key] = value
        elif text[0] == '"' and text.find('"', 1) == len(text) - 1 and "\\" not in text:
            values[key_path] = (number, at + 1)  # a double-quoted value alone, without escapes
            cur[key] = text[1:-1]
        else:
            cur[key] = inline(text, number, at, key_path, len(stack) + 1, values, keys, texts, plain)
    if cur is None:
        raise Refused  # an empty document: the composers place it
    if pending is not None:
        key, key_path, at, after = pending
        values[key_path] = (at, after)
        cur[key] = plain.value("", key_path, texts)
    if len(values) > _MAX_VALUES:  # one entry per value: nothing is expanded here
        raise Refused
    root = stack[0][1] if stack else cur
    return root, values, keys, texts


