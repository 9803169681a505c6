"""The block-style YAML specs are written in, read line by line.

libyaml's composer builds a Python node object per value (two marks each), and the builder then walks
those nodes: about two thirds of loading a spec. This reader takes the plain subset that specs are
written in, straight from the lines to the same values, positions and texts:

* block mappings with plain keys, block sequences (indented or not), ``- key: value`` items;
* plain scalars on one line, resolved by the same YAML 1.2 rules (lpctl.spec.yaml12's ``plain_tag``);
* single-quoted scalars, double-quoted scalars without escapes, one-line flow sequences of scalars;
* comments and blank lines, and documents separated by ``---`` lines.

Anything else gives None, and the composers read the text as before: anchors, aliases, tags, block
scalars, flow mappings, scalars over several lines, escapes, duplicate keys, a merge key, empty documents,
tabs, control characters, odd indentation. It takes no decision of its own on what YAML
means: tests/unit/test_blockyaml.py holds it to what libyaml and the builder make of every text it
accepts, values, positions and texts alike.
"""

from __future__ import annotations

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
#: a plain key and the ':' that ends it (a ':' followed by a space or the end of the line), then the value
#: if any (a comment is none); ':' inside a key must be followed by something else, and no flow indicator
#: or quote may appear in it
_KEY = re.compile(r"([^-?:,\[\]{}#&*!|>'\"%@` ](?:[^:\[\]{},'\"]|:(?=[^ ]))*?)(?<! ):(?: +(?=[^ ])(?:#.*|(.+)))?$")
#: characters a plain item of a flow sequence may not hold here (flow indicators, comments, quotes)
_FLOW_ITEM_REFUSED = re.compile(r"[\[\]{}#:'\"]")
#: deeper than this (or more values), the builder has its own diagnostics: leave the text to it
_MAX_DEPTH = 60
_MAX_VALUES = 100_000
#: YAML bounds an implicit key at 1024 characters (libyaml counts a little more than the key)
_MAX_KEY = 1000

Read = tuple[Any, dict[Path, tuple[int, int]], dict[Path, tuple[int, int]], dict[Path, str]]


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
    documents: list[list[tuple[int, int, str]]] = [[]]
    for number, raw in enumerate(text.split("\n"), 1):
        body = raw.lstrip(" ")
        if not body or body[0] == "#":
            continue
        if raw.startswith("---"):
            if raw.rstrip(" ") != "---" and not raw.startswith("--- #"):
                return None  # content after the marker
            documents.append([])
            continue
        documents[-1].append((number, len(raw) - len(body), body.rstrip(" ")))
    if len(documents) > 1 and not documents[0]:
        del documents[0]  # only comments before the first '---'
    if not all(documents):
        return None  # an empty document: the composers place it
    try:
        return [_Reader(lines, plain_tag, scalar).document() for lines in documents]
    except _Refused:
        return None


def _is_item(body: str) -> bool:
    return body == "-" or body.startswith("- ")


class _Reader:
    """One document's lines, as parallel lists ending in a sentinel line at indentation -1."""

    def __init__(self, lines: list[tuple[int, int, str]], plain_tag: Callable[[str], str],
                 scalar: Callable[[str, str], Any]) -> None:
        self.numbers = [number for number, _, _ in lines] + [0]
        self.indents = [indent for _, indent, _ in lines] + [-1]
        self.bodies = [body for _, _, body in lines] + [""]
        self.at = 0
        self.plain_tag = plain_tag
        self.scalar = scalar
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.texts: dict[Path, str] = {}

    def document(self) -> Read:
        self.at = 1
        data = self.mapping(self.indents[0], (), 0, self.bodies[0], self.numbers[0])
        if self.at != len(self.bodies) - 1:
            raise _Refused  # lines left after the top mapping
        if len(self.values) > _MAX_VALUES:  # one entry per value: nothing is expanded here
            raise _Refused
        return data, self.values, self.keys, self.texts

    def mapping(self, indent: int, path: Path, depth: int, body: str, number: int) -> dict[str, Any]:
        """The block mapping whose keys sit at column ``indent``, from its first line (already consumed)."""
        out: dict[str, Any] = {}
        values, keys, indents = self.values, self.keys, self.indents
        if depth > _MAX_DEPTH:
            raise _Refused
        values[path] = (number, indent + 1)
        while True:
            match = _KEY.match(body)
            if match is None:
                raise _Refused
            key = match.group(1)
            if key in out or len(key) > _MAX_KEY or " #" in key or key == "<<":
                raise _Refused  # a duplicate (the builder reports it), a merge, a comment in the key
            key_path = (*path, key)
            keys[key_path] = (number, indent + 1)
            inline = match.group(2)
            if inline:
                out[key] = self._inline(inline, number, indent + match.start(2), key_path, depth + 1)
                if indents[self.at] > indent:
                    raise _Refused  # a scalar over several lines, or worse
            else:
                out[key] = self._block(number, indent, len(key), key_path, depth + 1)
            at = self.at
            if indents[at] < indent:
                return out
            body = self.bodies[at]
            if indents[at] > indent or _is_item(body):
                raise _Refused
            number = self.numbers[at]
            self.at = at + 1

    def _block(self, number: int, indent: int, key_length: int, path: Path, depth: int) -> Any:
        """The value of a key with nothing after its colon: a nested block, or an empty (null) scalar."""
        at = self.at
        below = self.indents[at]
        if below > indent:
            body = self.bodies[at]
            if _is_item(body):
                value: Any = self.sequence(below, path, depth)
            else:
                self.at = at + 1
                value = self.mapping(below, path, depth, body, self.numbers[at])
            if self.indents[self.at] > indent:
                raise _Refused
            return value
        if below == indent and _is_item(self.bodies[at]):
            return self.sequence(indent, path, depth)  # "key:" then "- item" at the key's column
        # an empty plain scalar: libyaml places it right after the colon
        self.values[path] = (number, indent + key_length + 2)
        return self._plain("", path)

    def sequence(self, indent: int, path: Path, depth: int) -> list[Any]:
        """The block sequence whose ``-`` sit at column ``indent``, from its first item."""
        items: list[Any] = []
        indents, bodies = self.indents, self.bodies
        if depth > _MAX_DEPTH:
            raise _Refused
        self.values[path] = (self.numbers[self.at], indent + 1)
        while True:
            at = self.at
            body = bodies[at]
            if indents[at] != indent or not _is_item(body):
                if indents[at] > indent:
                    raise _Refused
                return items
            self.at = at + 1
            value = body[2:].lstrip(" ")
            column = indent + len(body) - len(value)
            if not value or value[0] == "#" or _is_item(value):
                raise _Refused  # "-" alone (a nested block follows), or "- - x"
            item_path = (*path, len(items))
            if value[0] not in "'\"[{" and _KEY.match(value) is not None:
                items.append(self.mapping(column, item_path, depth + 1, value, self.numbers[at]))
            else:
                items.append(self._inline(value, self.numbers[at], column, item_path, depth + 1))
                if indents[self.at] > indent:
                    raise _Refused

    def _inline(self, text: str, number: int, column: int, path: Path, depth: int) -> Any:
        """A value that starts on its key's (or dash's) line: a scalar or a flow sequence."""
        self.values[path] = (number, column + 1)
        first = text[0]
        if first == "[":
            return self._flow(text, number, column, path, depth)
        if first == "'" or first == '"':
            value, end = _quoted(text, 0)
            if not _only_comment(text[end:]):
                raise _Refused
            return value
        if not _plain_start(text):
            raise _Refused
        comment = text.find(" #")
        plain = text if comment < 0 else text[:comment].rstrip(" ")
        if ": " in plain or plain.endswith(":"):
            raise _Refused
        return self._plain(plain, path)

    def _flow(self, text: str, number: int, column: int, path: Path, depth: int) -> list[Any]:
        """``[a, 'b', "c"]`` on one line: scalars only."""
        items: list[Any] = []
        at = _skip(text, 1)
        if text[at:at + 1] == "]":
            if not _only_comment(text[at + 1:]):
                raise _Refused
            return items
        while True:
            item_path = (*path, len(items))
            self.values[item_path] = (number, column + at + 1)
            if text[at:at + 1] in ("'", '"'):
                value, at = _quoted(text, at)
            else:
                end = at
                while end < len(text) and text[end] not in ",]":
                    end += 1
                plain = text[at:end].rstrip(" ")
                if not _plain_start(plain) or _FLOW_ITEM_REFUSED.search(plain):
                    raise _Refused
                value, at = self._plain(plain, item_path), end
            items.append(value)
            at = _skip(text, at)
            sign = text[at:at + 1]
            if sign == "]":
                if not _only_comment(text[at + 1:]):
                    raise _Refused
                return items
            if sign != ",":
                raise _Refused
            at = _skip(text, at + 1)
            if text[at:at + 1] in ("]", ",", ""):  # a trailing or doubled comma: leave it to libyaml
                raise _Refused

    def _plain(self, text: str, path: Path) -> Any:
        tag = self.plain_tag(text)
        if tag == _STR:
            return text
        self.texts[path] = text
        try:
            return self.scalar(tag, text)
        except ValueError:
            raise _Refused from None


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
