"""``lpctl fmt``: one layout for every spec, every comment kept next to what it annotates, meaning never changed.

The layout: keys in the order of the spec format (the README's example, which is the JSON
Schema's property order) at every level that has one, free maps (inputs, labels, envs) in the
order written; two-space indentation, list dashes indented under their key; flow (``[a, b]``)
or block style as written, except a flow collection over several lines with comments inside
(:mod:`lpctl.authoring.unflow`); quotes as written, and added where a YAML reader would otherwise
read a string as something else (``"yes"``); every other scalar as written. A comment above a
key moves with the key (:mod:`lpctl.authoring.keyorder`); a file's header stays on top.

Every rewrite is checked: the file is read back by lpctl's own loader, and it must give the
same documents, value for value, and every comment must be next to the same node
(:mod:`lpctl.authoring.comments`), or the file is left as it is (LP115). A file already in the
layout is recognised without the round trip (:mod:`lpctl.accel.fmtlayout`). Both read and write the
text with ``\n`` line breaks and no byte order mark; the file is written back with its own
(:mod:`lpctl.authoring.endings`: CRLF, a BOM).
"""

from __future__ import annotations

import functools
import io
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lpctl import accel
from lpctl.accel import fmtlayout
from lpctl.authoring import comments, endings
from lpctl.authoring.keyorder import reorder
from lpctl.authoring.unflow import unflow
from lpctl.authoring.values import needs_quotes
from lpctl.diagnostics import Diagnostic, Location, Severity, error
from lpctl.spec.discover import discover, display_path
from lpctl.spec.load import (
    DEFAULT_MAX_BYTES,
    Document,
    check_header,
    load_bytes,
    looks_like_spec,
    read_spec_file,
)

_NULL_TAG = "tag:yaml.org,2002:null"


class FormatBug(Exception):
    """fmt cannot format a file without changing what it means or losing a comment: the file is
    left untouched, and the reason is an error at ``line`` (0 when it is the whole file)."""

    def __init__(self, reason: str, line: int = 0, hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.hint = hint


@dataclass(frozen=True)
class Formatted:
    """One file: its text as read and as formatted (``None`` when it has errors or fmt refused it).

    ``path`` is the path shown; ``source`` the file read, resolved once (links and ``..`` as the
    system resolves them, a name that is not UTF-8 as it is): the file written is that one.
    """

    path: str
    original: str
    text: str | None
    diagnostics: tuple[Diagnostic, ...] = ()
    source: str = ""

    @property
    def changed(self) -> bool:
        return self.text is not None and self.text != self.original


def format_paths(paths: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Formatted]:
    """Every spec file under ``paths``, formatted. Files in directories that are not specs are skipped."""
    out = []
    for spec_file in discover(paths).files:
        source = os.path.realpath(spec_file.path)  # shown and written as read: link/../x.yaml is not ./x.yaml
        raw = read_spec_file(source, max_bytes)
        result = format_bytes(raw, source, max_bytes=max_bytes, explicit=spec_file.explicit)
        if result is not None:
            out.append(result)
    return out


def format_bytes(raw: bytes, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 explicit: bool = True) -> Formatted | None:
    """One file; ``None`` for a file in a directory that holds no spec."""
    shown = display_path(path)
    docs, diags = load_bytes(raw, shown, max_bytes=max_bytes)
    original = raw.decode("utf-8", errors="replace")
    if not explicit and not any(looks_like_spec(d.data) for d in docs):
        return None
    diags = [*diags, *(d for doc in docs for d in check_header(doc))]
    if any(d.severity is Severity.ERROR for d in diags):
        return Formatted(shown, original, None, tuple(diags), path)
    text, kept = endings.split(original)  # formatted with '\n' and no BOM, written back with the file's own
    if accel.on() and fmtlayout.in_layout(text, [d.data for d in docs], _orders):
        return Formatted(shown, original, kept.apply(text), (), path)  # already formatted: no round trip
    try:
        return Formatted(shown, original, kept.apply(format_text(text, shown, docs)), (), path)
    except FormatBug as e:
        where = Location(shown, e.line, 1 if e.line else 0)
        refused = error("LP115", f"left as it is: {e.reason}", where, e.hint)
        return Formatted(shown, original, None, (refused,), path)


def format_text(text: str, path: str = "<string>", docs: Sequence[Document] | None = None) -> str:
    """``text`` (specs that load without errors) in the canonical layout; raises :class:`FormatBug`
    when the result would mean something else or lose a comment (or move it away from what it
    annotates)."""
    from lpctl.spec.load import load_text

    expected = [d.data for d in (docs if docs is not None else load_text(text, path)[0])]
    result = unflow(text)
    for _ in range(3):  # ruamel settles comments and indentation in one or two passes
        again = _format_once(result)
        if again == result:
            break
        result = again
        formatted, diags = load_text(result, path)
        read = [d.data for d in formatted]
        if diags or not _same(expected, read):
            raise FormatBug("lpctl fmt would change what this file means (a bug in lpctl)")
        if accel.on() and fmtlayout.in_layout(result, read, _orders):
            break  # in the layout: the next pass would give the same text (the property tests hold it to that)
    else:
        raise FormatBug("lpctl fmt does not settle on one layout for this file (a bug in lpctl)")
    if result != text:
        _check_comments(text, result)
    return result


def _check_comments(before: str, after: str) -> None:
    """Raise :class:`FormatBug` unless ``after`` holds every comment of ``before`` next to what it annotates."""
    try:
        was = comments.anchored(before)
        now = comments.anchored(after)
    except comments.Unreadable as e:
        raise FormatBug(f"lpctl fmt cannot tell where its comments belong ({e})") from None
    lost = sorted(c for anchor, kept in was.items() if [t for _, t in now.get(anchor, [])] != [t for _, t in kept]
                  for c in kept)
    if lost:
        line, text = lost[0]
        raise FormatBug(f"lpctl fmt would lose the comment '#{text}' or move it away from what it annotates",
                        line, "fmt keeps comments above keys and items and at the end of their lines; one after "
                        "'...', inside a nested [...] or {...}, or below a [...] that is a list item, it cannot")


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types (``1``, ``1.0`` and ``true`` differ); NaN equals NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)  # fmt reorders keys
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _format_once(text: str) -> str:
    """One pass of ruamel's round trip; any failure of it is a :class:`FormatBug` (the file stays as it is)."""
    yaml = _yaml()
    yaml.explicit_start = text.startswith("---\n")  # a '---' on the first line stays
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ruamel warns of a reused anchor, which lpctl's loader allows
            docs = list(yaml.load_all(text))
            for doc in docs:
                kind = doc.get("kind") if isinstance(doc, dict) else None
                _canonical(doc, (), _orders(str(kind)))
            out = io.StringIO()
            if docs:
                yaml.dump_all(docs, out)
    except FormatBug:
        raise
    except Exception as e:  # ruamel on a text lpctl's loader reads: its own limits and bugs, never a crash
        raise FormatBug(f"lpctl fmt's YAML writer cannot rewrite this file: {type(e).__name__}: {e}") from None
    return out.getvalue()


class _Raw(str):
    """A scalar that is not a string, as written. ruamel's own round trip rewrites some (a float's
    digits: 9.30739699016163e+265 came back as ...162e+265; timestamps, which lpctl reads as text;
    ``null`` and ``~`` as nothing; ``+5`` as ``5``), so fmt writes the source text back unchanged."""

    tag = ""


_RAW = {tag: type(f"_Raw{tag.rsplit(':', 1)[-1].title()}", (_Raw,), {"tag": tag})
        for tag in ("tag:yaml.org,2002:float", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool",
                    "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp")}


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.representer import RoundTripRepresenter

    from lpctl.spec.emit import visible_emitter

    # subclasses, so that ruamel's class-level registries stay untouched for every other user
    class Constructor(RoundTripConstructor):
        pass

    class Representer(RoundTripRepresenter):
        pass

    def construct(loader: Any, node: Any) -> Any:
        if node.tag == _NULL_TAG and not node.value:
            return None  # an empty value stays empty
        return _RAW[node.tag](node.value)

    for tag, cls in _RAW.items():
        Constructor.add_constructor(tag, construct)
        Representer.add_representer(cls, lambda dumper, data: dumper.represent_scalar(data.tag, str(data)))
    yaml = YAML(typ="rt")
    yaml.Constructor = Constructor
    yaml.Representer = Representer
    yaml.Emitter = visible_emitter()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never fold a long value onto a second line
    yaml.preserve_quotes = True
    return yaml


def _canonical(node: Any, path: tuple[str, ...], orders: dict[tuple[str, ...], list[str]]) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        order = orders.get(path)
        if order is not None:
            reorder(node, order, root=not path)
        for key in list(node):
            _quote_if_ambiguous(node, key)
            _canonical(node[key], (*path, str(key)) if order is not None else ("*free*",), orders)
    elif isinstance(node, CommentedSeq):
        for i in range(len(node)):
            _quote_if_ambiguous(node, i)
            _canonical(node[i], (*path, "[]"), orders)


def _quote_if_ambiguous(node: Any, key: Any) -> None:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    value = node[key]
    if type(value) is str and needs_quotes(value) and _plain_is_read_differently(value):
        node[key] = DoubleQuotedScalarString(value)


def _plain_is_read_differently(value: str) -> bool:
    """YAML 1.1 readers take these plain scalars as booleans; ruamel (1.2) writes them plain."""
    return value.lower() in {"y", "n", "yes", "no", "on", "off"}


@functools.cache
def _orders(kind: str) -> dict[tuple[str, ...], list[str]]:
    """The key order of every mapping the schema defines for ``kind``, by path (``[]`` for list items)."""
    from lpctl.spec.schema import load_schema

    schema = load_schema()
    defs = schema.get("$defs", {})
    orders: dict[tuple[str, ...], list[str]] = {}

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            walk(defs.get(ref.removeprefix("#/$defs/")), path)
        props = node.get("properties")
        if isinstance(props, dict):
            orders.setdefault(path, list(props))
            for name, sub in props.items():
                walk(sub, (*path, name))
        if "items" in node:
            walk(node["items"], (*path, "[]"))
        for keyword in ("oneOf", "anyOf", "allOf"):
            for sub in node.get(keyword, []):
                walk(sub, path)

    # one schema for both kinds: "if kind is Trigger then $defs/trigger else $defs/launchPlan"
    walk(defs.get("trigger" if kind == "Trigger" else "launchPlan", schema), ())
    return orders
