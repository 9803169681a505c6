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

from lpctl.spec.positions import Path

_STR = "tag:yaml.org,2002:str"
#: characters that start something other than a plain scalar (or a reserved one)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
#: what this reader never takes anywhere, comments included: what YAML does not print (C0 and C1 controls,
#: tabs too, surrogates, U+FFFE and U+FFFF: libyaml refuses them), BOMs, the YAML 1.1 line breaks
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
#: a plain scalar in a block, without a comment or the spaces after it: no indicator first, no ': ' or ' #'
#: in it, no ':' at its end
_PLAIN = r"[^-?:,\[\]{}#&*!|>'\"%@` ](?:[^ :]+|:(?=[^ ])| +(?=[^ #]))*"
#: a line that is a key and its value: the indentation, a plain key and the ':' that ends it (a ':' followed
#: by a space or the end of the line; one inside the key is followed by something else, and no flow
#: indicator or quote may appear in it), then a plain scalar (3) or any other value (4, which _inline
#: reads), or nothing (a comment is nothing)
_KEY_LINE = re.compile(rf"( *)([^-?:,\[\]{{}}#&*!|>'\"%@` ][^:\[\]{{}},'\"]*(?::(?=[^ ])[^:\[\]{{}},'\"]*)*)(?<! ):"
                       rf"(?: +(?:({_PLAIN})(?: +#.*)?|#.*|(.*[^ ])))? *$")
#: a plain scalar inside a flow collection, without the spaces around it: no flow indicator, ':', '#' or
#: quote anywhere in it (stricter than YAML, where the composers then read the text)
_FLOW_PLAIN = re.compile(r"[^\[\]{},:#'\" ](?:[^\[\]{},:#'\"]*[^\[\]{},:#'\" ])?")
#: the same, with the first character of a plain scalar: no indicator, but a '-' that is not an item's
_FLOW_FIRST = r"(?:[^-?:,\[\]{}#&*!|>'\"%@` ]|-(?=[^\[\]{},:#'\" ]))"
_FLOW_SCALAR = _FLOW_FIRST + r"(?:[^\[\]{},:#'\"]*[^\[\]{},:#'\" ])?"
#: the flow collections most specs write, read without a scanner: ``[a, b]`` and ``{k: v, l: "w"}`` (items
#: split at ", ", which no plain scalar here and no quoted value of the pattern holds)
_SIMPLE_SEQUENCE = re.compile(rf"\[(?:{_FLOW_SCALAR}(?:, {_FLOW_SCALAR})*)?\]")
_SIMPLE_MAPPING = re.compile(rf"\{{(?:{_FLOW_SCALAR}: (?:{_FLOW_SCALAR}|\"[^\"\\,]*\")"
                             rf"(?:, {_FLOW_SCALAR}: (?:{_FLOW_SCALAR}|\"[^\"\\,]*\"))*)?\}}")
#: deeper than this (or more values), the builder has its own diagnostics: leave the text to it
_MAX_DEPTH = 60
_MAX_VALUES = 100_000
#: YAML bounds an implicit key at 1024 characters (libyaml counts a little more than the key)
_MAX_KEY = 1000
#: plain scalars whose values are remembered, and key lines (keys, values and whole lines repeat across
#: specs: three lines in four of the benchmark's had been read before)
_REMEMBERED = 50_000
_LINES_REMEMBERED = 20_000

Read = tuple[Any, dict[Path, tuple[int, int]], dict[Path, tuple[int, int]], dict[Path, str]]
Values = dict[Path, tuple[int, int]]
#: a key line, as _KEY_LINE reads it: (the key's column, the key, the value's text or None (nothing after the
#: ':'), the value's column, its value: _Plains.STRING for a plain string, _OTHER for a value that _inline
#: reads (quoted, flow, or a plain scalar _PLAIN does not take), else the plain scalar's value); columns are
#: 0-based, from the start of the text matched
Line = tuple[int, str, "str | None", int, Any]
#: the value of a Line that _inline reads
_OTHER = object()


class _Refused(Exception):
    """Not in the subset: the composers read the text."""


def read_block(text: str, plain_tag: Callable[[str], str], scalar: Callable[[str, str], Any]) -> list[Read] | None:
    """The documents of ``text``, each as ``(data, value positions, key positions, texts)``, or None.

    ``plain_tag`` resolves a plain scalar's tag; ``scalar`` turns a tag and a text into a value (raising
    ValueError for a text its tag refuses). Positions are 1-based ``(line, column)``, as the builder's.
    """
    if ("\r" in text or _CONTROL.search(text) or "\n..." in text or "\n%" in text
            or text.startswith(("...", "%"))):
        return None  # line breaks, characters, document ends and directives the reader leaves alone
    plain = _plains(plain_tag, scalar)
    lines = text.split("\n")
    try:
        if "---" not in text:
            return [_document(lines, 0, plain)]
        return [_document(lines[start:end], start, plain) for start, end in _documents(lines)]
    except _Refused:
        return None


def _documents(lines: list[str]) -> list[tuple[int, int]]:
    """The ``[start, end)`` line ranges of the documents between ``---`` lines."""
    bounds = [-1]
    for number, raw in enumerate(lines):
        if raw.startswith("---"):
            if raw.rstrip(" ") != "---" and not raw.startswith("--- #"):
                raise _Refused  # content after the marker
            bounds.append(number)
    bounds.append(len(lines))
    ranges = [(start + 1, end) for start, end in itertools.pairwise(bounds)]
    if len(ranges) > 1 and _blank(lines[ranges[0][0]:ranges[0][1]]):
        del ranges[0]  # only comments before the first '---'
    return ranges


def _blank(lines: list[str]) -> bool:
    return all(not body or body[0] == "#" for body in (raw.lstrip(" ") for raw in lines))


class _Plains:
    """Plain scalars to values, remembered by text: ``get(text, MISS)`` is the value, ``STRING`` for a
    string (a text that resolves to ``str``: the value is the text itself)."""

    STRING = object()
    MISS = object()

    def __init__(self, plain_tag: Callable[[str], str], scalar: Callable[[str, str], Any]) -> None:
        self.plain_tag, self.scalar = plain_tag, scalar
        self.known: dict[str, Any] = {}
        self.get = self.known.get
        self.lines: dict[str, Line] = {}

    def resolve(self, text: str) -> Any:
        """A text not yet remembered: its value, or STRING."""
        tag = self.plain_tag(text)
        try:
            value = self.STRING if tag == _STR else self.scalar(tag, text)
        except ValueError:
            raise _Refused from None  # the builder says why
        if len(text) <= 64:
            if len(self.known) >= _REMEMBERED:
                self.known.clear()  # full of texts seen once: start again, the common ones come back at once
            self.known[text] = value
        return value

    def line(self, line: str) -> Line | None:
        """``line`` as a key and its value (see Line), or None: not a key line. Remembered by text."""
        match = _KEY_LINE.match(line)
        if match is None:
            return None
        key, text, other = match.group(2, 3, 4)
        if text is not None:
            value = self.get(text, self.MISS)
            digest: Line = (match.start(2), key, text, match.start(3),
                            self.resolve(text) if value is self.MISS else value)
        elif other is not None:
            digest = (match.start(2), key, other, match.start(4), _OTHER)
        else:
            digest = (match.start(2), key, None, 0, None)
        if len(line) <= 120:
            if len(self.lines) >= _LINES_REMEMBERED:
                self.lines.clear()
            self.lines[line] = digest
        return digest

    def value(self, text: str, path: Path, texts: dict[Path, str]) -> Any:
        value = self.get(text, self.MISS)
        if value is self.MISS:
            value = self.resolve(text)
        if value is self.STRING:
            return text
        texts[path] = text
        return value


@functools.lru_cache(maxsize=4)
def _plains(plain_tag: Callable[[str], str], scalar: Callable[[str, str], Any]) -> _Plains:
    return _Plains(plain_tag, scalar)


def _document(lines: list[str], first: int, plain: _Plains) -> Read:  # noqa: C901 - one loop, on purpose
    """One document from its lines (``first``: the 0-based number of its first line)."""
    values: Values = {}
    keys: Values = {}
    texts: dict[Path, str] = {}
    known, digest, string, other = plain.lines.get, plain.line, _Plains.STRING, _OTHER
    #: the open collections outside the current one: (indent, container, path, is a sequence, indentless)
    stack: list[tuple[int, Any, Path, bool, bool]] = []
    cur: Any = None  # the current collection, its keys' or dashes' column (0-based), its path ...
    path: Path = ()
    column, seq, indentless = -1, False, False
    pending: tuple[str, Path, int, int] | None = None  # a key with nothing after its ':' yet
    number = first
    for raw in lines:
        number += 1
        line = known(raw) or digest(raw)
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
                raise _Refused  # neither a key nor an item
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
                if len(stack) > _MAX_DEPTH:
                    raise _Refused
                indentless = indent == column  # "key:" then "- item" at the key's column
                cur, column, path, seq = new, indent, key_path, item
            else:  # an empty plain scalar: libyaml places it right after the colon
                values[key_path] = (at, after)
                cur[key] = plain.value("", key_path, texts)
        if indent != column or indentless:
            while indent < column or (indent == column and indentless and not item):
                if not stack:
                    raise _Refused  # lines left after the top mapping
                column, cur, path, seq, indentless = stack.pop()
            if indent != column:
                raise _Refused  # deeper than the collection: a scalar over several lines, or worse
        if seq:
            if not item:
                raise _Refused
            entry = body[2:].lstrip(" ")
            if not entry or entry[0] == "#" or (entry[0] == "-" and (len(entry) == 1 or entry[1] == " ")):
                raise _Refused  # "-" alone (a nested block follows), or "- - x"
            offset = indent + len(body) - len(entry)
            item_path = (*path, len(cur))
            line = known(entry) or digest(entry)
            if line is None:
                cur.append(_inline(entry, number, offset, item_path, len(stack) + 1, values, keys, texts, plain))
                continue
            new = {}
            cur.append(new)
            values[item_path] = (number, offset + 1)
            stack.append((column, cur, path, seq, indentless))
            if len(stack) > _MAX_DEPTH:
                raise _Refused
            cur, column, path, seq, indentless = new, offset, item_path, False, False
        elif line is None:
            raise _Refused  # an item among a mapping's keys
        _, key, text, at, value = line
        if key in cur or len(key) > _MAX_KEY or " #" in key or key == "<<":
            raise _Refused  # a duplicate (the builder reports it), a merge, a comment in the key
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
            cur[key] = _inline(text, number, at, key_path, len(stack) + 1, values, keys, texts, plain)
    if cur is None:
        raise _Refused  # an empty document: the composers place it
    if pending is not None:
        key, key_path, at, after = pending
        values[key_path] = (at, after)
        cur[key] = plain.value("", key_path, texts)
    if len(values) > _MAX_VALUES:  # one entry per value: nothing is expanded here
        raise _Refused
    root = stack[0][1] if stack else cur
    return root, values, keys, texts


def _inline(text: str, number: int, column: int, path: Path, depth: int, values: Values, keys: Values,
            texts: dict[Path, str], plain: _Plains) -> Any:
    """A value that starts on its key's (or dash's) line: a scalar or a flow collection."""
    values[path] = (number, column + 1)
    first = text[0]
    if first == "[" and _SIMPLE_SEQUENCE.fullmatch(text):
        return _simple_sequence(text, number, column, path, values, texts, plain)
    if first == "{" and _SIMPLE_MAPPING.fullmatch(text):
        return _simple_mapping(text, number, column, path, values, keys, texts, plain)
    if first == "[" or first == "{":
        flow = _Flow(text, number, column, values, keys, texts, plain)
        value, end = flow.node(0, path, depth)
        if not _only_comment(text[end:]):
            raise _Refused
        return value
    if first == "'" or first == '"':
        value, end = _quoted(text, 0)
        if not _only_comment(text[end:]):
            raise _Refused
        return value
    if not _plain_start(text):
        raise _Refused
    comment = text.find(" #")
    text = text if comment < 0 else text[:comment].rstrip(" ")
    if ": " in text or text.endswith(":"):
        raise _Refused
    return plain.value(text, path, texts)


def _simple_sequence(text: str, number: int, column: int, path: Path, values: Values, texts: dict[Path, str],
                     plain: _Plains) -> list[Any]:
    """``[a, b]`` as _SIMPLE_SEQUENCE matched it."""
    out: list[Any] = []
    if len(text) == 2:
        return out
    at = column + 2  # 1-based column of the first item
    for item in text[1:-1].split(", "):
        item_path = (*path, len(out))
        values[item_path] = (number, at)
        out.append(plain.value(item, item_path, texts))
        at += len(item) + 2
    return out


def _simple_mapping(text: str, number: int, column: int, path: Path, values: Values, keys: Values,
                    texts: dict[Path, str], plain: _Plains) -> dict[str, Any]:
    """``{k: v, l: "w"}`` as _SIMPLE_MAPPING matched it."""
    out: dict[str, Any] = {}
    if len(text) == 2:
        return out
    at = column + 2  # 1-based column of the first key
    for pair in text[1:-1].split(", "):
        key, _, value = pair.partition(": ")
        if key in out or len(key) > _MAX_KEY or key == "<<":
            raise _Refused
        item_path = (*path, key)
        keys[item_path] = (number, at)
        values[item_path] = (number, at + len(key) + 2)
        out[key] = value[1:-1] if value[0] == '"' else plain.value(value, item_path, texts)
        at += len(pair) + 2
    return out


class _Flow:
    """Flow collections on one line: ``[a, 'b', {k: v}]``, plain keys only, no empty entries."""

    def __init__(self, text: str, number: int, column: int, values: Values, keys: Values,
                 texts: dict[Path, str], plain: _Plains) -> None:
        self.text, self.number, self.column = text, number, column
        self.values, self.keys, self.texts, self.plain = values, keys, texts, plain

    def node(self, at: int, path: Path, depth: int) -> tuple[Any, int]:
        """The value starting at ``text[at]`` (its position already recorded), and the index after it."""
        text = self.text
        first = text[at:at + 1]
        if first == "[" or first == "{":
            if depth > _MAX_DEPTH:
                raise _Refused
            return self.collection(at, path, depth, first == "{")
        if first == "'" or first == '"':
            return _quoted(text, at)
        match = _FLOW_PLAIN.match(text, at)
        if match is None or not _plain_start(match.group()):
            raise _Refused
        return self.plain.value(match.group(), path, self.texts), match.end()

    def collection(self, at: int, path: Path, depth: int, mapping: bool) -> tuple[Any, int]:
        text, number, column = self.text, self.number, self.column
        out: Any = {} if mapping else []
        close = "}" if mapping else "]"
        at = _skip(text, at + 1)
        if text[at:at + 1] == close:
            return out, at + 1
        while True:
            if mapping:
                match = _FLOW_PLAIN.match(text, at)
                if match is None or text[match.end():match.end() + 2] != ": ":
                    raise _Refused  # a quoted or complex key, "k:v", "k :", a key without a value
                key = match.group()
                if not _plain_start(key) or key in out or len(key) > _MAX_KEY or key == "<<":
                    raise _Refused
                item_path: Path = (*path, key)
                self.keys[item_path] = (number, column + at + 1)
                at = _skip(text, match.end() + 2)
            else:
                item_path = (*path, len(out))
            self.values[item_path] = (number, column + at + 1)
            value, at = self.node(at, item_path, depth + 1)
            if mapping:
                out[key] = value
            else:
                out.append(value)
            at = _skip(text, at)
            sign = text[at:at + 1]
            if sign == close:
                return out, at + 1
            if sign != ",":
                raise _Refused
            at = _skip(text, at + 1)
            if text[at:at + 1] in ("]", "}", ",", ""):  # a trailing or doubled comma: leave it to libyaml
                raise _Refused


def _plain_start(text: str) -> bool:
    """``text`` can start a plain scalar: no indicator first, but a ``-`` that is not an item's."""
    return bool(text) and (text[0] not in _INDICATORS or (text[0] == "-" and text[1:2] not in ("", " ")))


def _quoted(text: str, at: int) -> tuple[str, int]:
    """The quoted scalar starting at ``text[at]``, and the index after its closing quote."""
    quote = text[at]
    if quote == '"':
        end = text.find('"', at + 1)
        if end < 0 or "\\" in text[at + 1:end]:
            raise _Refused  # escapes, or a scalar over several lines
        return text[at + 1:end], end + 1
    parts = []
    start = at + 1
    while True:
        end = text.find("'", start)
        if end < 0:
            raise _Refused
        if text[end + 1:end + 2] != "'":
            parts.append(text[start:end])
            return "".join(parts), end + 1
        parts.append(text[start:end + 1])  # '' is one quote
        start = end + 2


def _skip(text: str, at: int) -> int:
    while text[at:at + 1] == " ":
        at += 1
    return at


def _only_comment(rest: str) -> bool:
    """Nothing after a value but spaces and a comment (which needs a space before its '#')."""
    return not rest or (rest[0] == " " and (not rest.strip(" ") or rest.lstrip(" ")[0] == "#"))
