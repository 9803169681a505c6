"""The values of the line reader (lpctl.accel.blockyaml): key lines, plain scalars, quoted scalars and flow
collections on one line, each as libyaml and the builder read it (values, positions, texts), or Refused.

What depends on a text alone is remembered by that text, as specs repeat them: a plain scalar's value and a
key line's reading (values are immutable: no document shares a mutable value with another).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lpctl.spec.positions import Path

_STR = "tag:yaml.org,2002:str"
#: characters that start something other than a plain scalar (or a reserved one)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
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
MAX_DEPTH = 60
#: YAML bounds an implicit key at 1024 characters (libyaml counts a little more than the key)
MAX_KEY = 1000
#: plain scalars whose values are remembered, and key lines (keys, values and whole lines repeat across
#: specs: three lines in four of the benchmark's had been read before)
_REMEMBERED = 50_000
_LINES_REMEMBERED = 20_000

Values = dict[Path, tuple[int, int]]
#: a key line, as _KEY_LINE reads it: (the key's column, the key, the value's text or None (nothing after the
#: ':'), the value's column, its value: Plains.STRING for a plain string, OTHER for a value that inline
#: reads (quoted, flow, or a plain scalar _PLAIN does not take), else the plain scalar's value); columns are
#: 0-based, from the start of the text matched
Line = tuple[int, str, "str | None", int, Any]
#: the value of a Line that inline reads
OTHER = object()


class Refused(Exception):
    """Not in the subset: the composers read the text."""


class Plains:
    """Plain scalars to values, remembered by text: ``get(text, MISS)`` is the value, ``STRING`` for a
    string (a text that resolves to ``str``: the value is the text itself)."""

    STRING = object()
    MISS = object()

    def __init__(self, plain_tag: Callable[[str], str], scalar: Callable[[str, str], Any]) -> None:
        self.plain_tag, self.scalar = plain_tag, scalar
        self.known: dict[str, Any] = {}
        self.get = self.known.get
        #: lines read before: their Line, None for a line that is not a key line
        self.lines: dict[str, Line | None] = {}

    def resolve(self, text: str) -> Any:
        """A text not yet remembered: its value, or STRING."""
        tag = self.plain_tag(text)
        try:
            value = self.STRING if tag == _STR else self.scalar(tag, text)
        except ValueError:
            raise Refused from None  # the builder says why
        if len(text) <= 64:
            if len(self.known) >= _REMEMBERED:
                self.known.clear()  # full of texts seen once: start again, the common ones come back at once
            self.known[text] = value
        return value

    def line(self, line: str) -> Line | None:
        """``line`` as a key and its value (see Line), or None: not a key line. Remembered by text (MISS: not
        read before)."""
        match = _KEY_LINE.match(line)
        if match is None:
            digest: Line | None = None
        else:
            digest = self._digest(match)
        if len(line) <= 120:
            if len(self.lines) >= _LINES_REMEMBERED:
                self.lines.clear()  # full of lines seen once: start again, the common ones come back at once
            self.lines[line] = digest
        return digest

    def _digest(self, match: re.Match[str]) -> Line:
        key, text, other = match.group(2, 3, 4)
        if len(key) > MAX_KEY or " #" in key or key == "<<":
            raise Refused  # a merge, a comment in the key
        if text is not None:
            value = self.get(text, self.MISS)
            return (match.start(2), key, text, match.start(3), self.resolve(text) if value is self.MISS else value)
        if other is not None:
            return (match.start(2), key, other, match.start(4), OTHER)
        return (match.start(2), key, None, 0, None)

    def value(self, text: str, path: Path, texts: dict[Path, str]) -> Any:
        value = self.get(text, self.MISS)
        if value is self.MISS:
            value = self.resolve(text)
        if value is self.STRING:
            return text
        texts[path] = text
        return value


def inline(text: str, number: int, column: int, path: Path, depth: int, values: Values, keys: Values,
            texts: dict[Path, str], plain: Plains) -> Any:
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
            raise Refused
        return value
    if first == "'" or first == '"':
        value, end = _quoted(text, 0)
        if not _only_comment(text[end:]):
            raise Refused
        return value
    if not _plain_start(text):
        raise Refused
    comment = text.find(" #")
    text = text if comment < 0 else text[:comment].rstrip(" ")
    if ": " in text or text.endswith(":"):
        raise Refused
    return plain.value(text, path, texts)


def _simple_sequence(text: str, number: int, column: int, path: Path, values: Values, texts: dict[Path, str],
                     plain: Plains) -> list[Any]:
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
                    texts: dict[Path, str], plain: Plains) -> dict[str, Any]:
    """``{k: v, l: "w"}`` as _SIMPLE_MAPPING matched it."""
    out: dict[str, Any] = {}
    if len(text) == 2:
        return out
    at = column + 2  # 1-based column of the first key
    for pair in text[1:-1].split(", "):
        key, _, value = pair.partition(": ")
        if key in out or len(key) > MAX_KEY or key == "<<":
            raise Refused
        item_path = (*path, key)
        keys[item_path] = (number, at)
        values[item_path] = (number, at + len(key) + 2)
        out[key] = value[1:-1] if value[0] == '"' else plain.value(value, item_path, texts)
        at += len(pair) + 2
    return out


class _Flow:
    """Flow collections on one line: ``[a, 'b', {k: v}]``, plain keys only, no empty entries."""

    def __init__(self, text: str, number: int, column: int, values: Values, keys: Values,
                 texts: dict[Path, str], plain: Plains) -> None:
        self.text, self.number, self.column = text, number, column
        self.values, self.keys, self.texts, self.plain = values, keys, texts, plain

    def node(self, at: int, path: Path, depth: int) -> tuple[Any, int]:
        """The value starting at ``text[at]`` (its position already recorded), and the index after it."""
        text = self.text
        first = text[at:at + 1]
        if first == "[" or first == "{":
            if depth > MAX_DEPTH:
                raise Refused
            return self.collection(at, path, depth, first == "{")
        if first == "'" or first == '"':
            return _quoted(text, at)
        match = _FLOW_PLAIN.match(text, at)
        if match is None or not _plain_start(match.group()):
            raise Refused
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
                    raise Refused  # a quoted or complex key, "k:v", "k :", a key without a value
                key = match.group()
                if not _plain_start(key) or key in out or len(key) > MAX_KEY or key == "<<":
                    raise Refused
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
                raise Refused
            at = _skip(text, at + 1)
            if text[at:at + 1] in ("]", "}", ",", ""):  # a trailing or doubled comma: leave it to libyaml
                raise Refused


def _plain_start(text: str) -> bool:
    """``text`` can start a plain scalar: no indicator first, but a ``-`` that is not an item's."""
    return bool(text) and (text[0] not in _INDICATORS or (text[0] == "-" and text[1:2] not in ("", " ")))


def _quoted(text: str, at: int) -> tuple[str, int]:
    """The quoted scalar starting at ``text[at]``, and the index after its closing quote."""
    quote = text[at]
    if quote == '"':
        end = text.find('"', at + 1)
        if end < 0 or "\\" in text[at + 1:end]:
            raise Refused  # escapes, or a scalar over several lines
        return text[at + 1:end], end + 1
    parts = []
    start = at + 1
    while True:
        end = text.find("'", start)
        if end < 0:
            raise Refused
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
