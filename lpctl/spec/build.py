"""A composed YAML node (ruamel's or libyaml's) -> a spec's plain values and their positions.

Both composers' nodes are built here, so a value is the same whichever read the text: YAML 1.2 scalars
(lpctl.spec.yaml12), no tags but the core schema's, bounded node count and nesting, integers and floats
within what Python prints back, and the position of every key and value for diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.spec.positions import Path

#: values built from one document, aliases expanded; a spec has a few hundred at most
MAX_NODES = 100_000
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
# a plain '=' or '!' resolves to these; they are just text in a spec
_VALUE = "tag:yaml.org,2002:value"
_YAML = "tag:yaml.org,2002:yaml"
_KNOWN_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _MAP, _SEQ, _MERGE, _VALUE, _YAML}


class Abort(Exception):
    """Stops building one document after a diagnostic that makes the rest meaningless."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


@dataclass
class Builder:
    path: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: plain scalars that are not strings, as written
    texts: dict[Path, str] = field(default_factory=dict)
    diags: list[Diagnostic] = field(default_factory=list)
    count: int = 0
    active: set[int] = field(default_factory=set)

    def loc(self, node: Any) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Any, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            # the node itself sits inside some anchor; the top-level key being expanded is what to fix
            line, col = self.keys.get(path[:1], (node.start_mark.line + 1, node.start_mark.column + 1))
            raise Abort(error("LP109", f"document expands to more than {MAX_NODES} values (an alias bomb?)",
                               Location(self.path, line, col)))
        if depth > MAX_DEPTH:
            raise Abort(error("LP110", f"YAML nesting deeper than {MAX_DEPTH} levels", self.loc(node)))
        self.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        tag = str(node.tag)
        if tag not in _KNOWN_TAGS:
            raise Abort(error("LP103", f"YAML tag '{_short_tag(tag)}' is not allowed in a spec", self.loc(node),
                               "specs hold plain strings, numbers, booleans, lists and maps; "
                               "quote the value to make it a string"))
        if id(node) in self.active:
            raise Abort(error("LP109", "recursive YAML alias", self.loc(node)))
        kind = type(node).__name__
        if kind == "ScalarNode":
            if tag != _STR:
                self.texts[path] = str(node.value)
            try:
                return scalar(tag, _text(node.value))
            except ValueError as e:
                raise Abort(error("LP111", str(e), self.loc(node))) from None
        self.active.add(id(node))
        try:
            if kind == "SequenceNode":
                return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
            return self._mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: Any, path: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for knode, vnode in node.value:
            if str(knode.tag) == _MERGE:
                merged.update(self._merge(knode, vnode, path, depth))
                continue
            if type(knode).__name__ != "ScalarNode":
                raise Abort(error("LP103", "a mapping key must be a plain scalar", self.loc(knode)))
            try:  # as written: '~' stays '~', 'true' stays 'true', '1' is '1'
                key = _text(str(knode.value))
            except ValueError as e:
                raise Abort(error("LP111", str(e), self.loc(knode))) from None
            if key in out:
                first = self.keys[(*path, key)]
                self.diags.append(error("LP102", f"duplicate key '{key}' (first defined at line {first[0]})",
                                        self.loc(knode)))
                continue
            self.keys[(*path, key)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            if _empty(vnode):  # composers disagree on where nothing is; say: right after the key
                self.values[(*path, key)] = _after(knode)
            out[key] = self.build(vnode, (*path, key), depth + 1)
        for key, value in merged.items():
            out.setdefault(key, value)
        return out

    def _merge(self, knode: Any, vnode: Any, path: Path, depth: int) -> dict[str, Any]:
        sources = vnode.value if type(vnode).__name__ == "SequenceNode" else [vnode]
        merged: dict[str, Any] = {}
        for source in sources:
            if type(source).__name__ != "MappingNode":
                where = Location(self.path, *_after(knode)) if _empty(source) else self.loc(source)
                raise Abort(error("LP103", "a merge key '<<' must name a mapping", where))
            if id(source) in self.active:
                raise Abort(error("LP109", "recursive YAML alias", self.loc(vnode)))
            self.active.add(id(source))
            try:
                for key, value in self._mapping(source, path, depth).items():
                    merged.setdefault(key, value)
            finally:
                self.active.discard(id(source))
        return merged


def _after(knode: Any) -> tuple[int, int]:
    """Just after a key and its ':' (where an empty value is, whichever composer read it)."""
    return (knode.end_mark.line + 1, knode.end_mark.column + 2)


def _empty(node: Any) -> bool:
    return type(node).__name__ == "ScalarNode" and node.value == "" and not node.style


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _text(value: str) -> str:
    """Scalar text as written; a lone surrogate (from a ``"\\ud800"`` escape) is not a character."""
    if value.isascii():
        return value
    found = _SURROGATE.search(value)
    if found:
        raise ValueError(f"the string holds a lone surrogate escape '\\u{ord(found.group()):04x}', which is not "
                         "a Unicode character: no output format (UTF-8, JSON, protobuf) can carry it")
    return value


_INT_RE = re.compile(r"[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)")


_TRUE, _FALSE, _NULLS = ("true", "True", "TRUE"), ("false", "False", "FALSE"), ("", "~", "null", "Null", "NULL")
#: CPython refuses longer decimal strings (sys.get_int_max_str_digits), and nothing in a spec needs one
_MAX_DIGITS = 4300
_MAX_BITS = 14_000  # below 10 ** 4300: such a number can still be printed in decimal


def scalar(tag: str, value: str) -> Any:
    """YAML 1.2 core schema values; timestamps stay text; an explicit tag must fit its text."""
    if tag == _INT:
        return _to_int(value)
    if tag == _FLOAT:
        return _to_float(value)
    if tag == _BOOL:
        if value not in _TRUE + _FALSE:
            raise ValueError(f"'{value}' is not a YAML 1.2 boolean (true or false)")
        return value in _TRUE
    if tag == _NULL:
        if value not in _NULLS:
            raise ValueError(f"'{value}' is not a YAML null (~, null or nothing)")
        return None
    return value


def _to_int(value: str) -> int:
    text = value.replace("_", "")
    if not _INT_RE.fullmatch(value):
        raise ValueError(f"'{value}' is not an integer")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    base = {"0x": 16, "0o": 8, "0b": 2}.get(text[:2].lower(), 10)
    digits = text[2:] if base != 10 else text
    if base == 10 and len(digits) > _MAX_DIGITS:
        raise ValueError(f"an integer of {len(digits)} digits is too large for a spec")
    number = sign * int(digits, base)
    if number.bit_length() > _MAX_BITS:  # 0x, 0o, 0b: as large as the decimal limit allows, no larger
        raise ValueError(f"an integer of {len(digits)} digits is too large for a spec")
    return number


def _to_float(value: str) -> float:
    text = value.replace("_", "").lower()
    if text.lstrip("+-") in (".inf", "inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text in (".nan", "nan"):
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None
