"""Stage 1: YAML files -> plain documents with the source position of every key and value.

Which files to read is :mod:`lpctl.spec.discover`'s job; this module reads one file at a time.

The parser only *composes* the YAML (a node graph with start marks); this module builds the
values itself, so that every value keeps its position, YAML 1.2 rules hold (``yes`` is a
string), timestamps stay text, unknown tags are refused instead of constructed, and aliases
are expanded under a budget (no "billion laughs").
"""

from __future__ import annotations

import functools
import io
import os
import re
import stat
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from lpctl import accel
from lpctl.accel.blockyaml import read_block
from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.errors import PathError
from lpctl.spec.discover import SpecFile, discover, display_path
from lpctl.spec.positions import Path, Positions, format_path
from lpctl.spec.yaml12 import RESOLVERS, plain_tag

API_VERSION = "lpctl/v1"
KIND = "LaunchPlan"
#: the kinds of spec lpctl reads (Trigger: a Flyte 2 trigger)
KINDS = ("LaunchPlan", "Trigger")
#: keys only a spec has: a document with one of them is checked as a spec, never skipped
_SPEC_KEYS = ("workflow", "task")
#: a Flyte 2 trigger (lpctl.flyte2)
TRIGGER_KIND = "Trigger"
DEFAULT_MAX_BYTES = 1024 * 1024
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


@dataclass(frozen=True)
class Document:
    """One YAML document of a spec file, as plain JSON-like data plus positions."""

    path: str
    #: 0-based index of the document in its file
    index: int
    data: Any
    positions: Positions

    def location(self, path: Path = (), *, key: bool = False) -> Location:
        line, col = self.positions.key(path) if key else self.positions.value(path)
        return Location(self.path, line, col, format_path(path))


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: display paths of the files that were read as specs
    files: list[str] = field(default_factory=list)
    #: files inside directories that hold no lpctl spec
    skipped: int = 0


def load_paths(paths: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
               only_specs: bool = False) -> LoadResult:
    """Load every spec file named by ``paths`` (files or directories).

    With ``only_specs``, files named explicitly are treated like files found in a directory:
    YAML that is not an lpctl spec is skipped (pre-commit passes every changed YAML file).
    """
    found = discover(paths)
    # a file skipped with a warning is counted among the files, so the summary names it
    result = LoadResult(diagnostics=list(found.diagnostics), files=[d.location.path for d in found.diagnostics])
    for spec_file in found.files:
        loaded = load_file(spec_file, max_bytes=max_bytes, only_specs=only_specs)
        if loaded is None:
            result.skipped += 1
            continue
        result.files.append(loaded.path)
        result.documents.extend(loaded.documents)
        result.diagnostics.extend(loaded.diagnostics)
    return result


@dataclass(frozen=True)
class LoadedFile:
    """One spec file's documents and findings (:func:`load_file`)."""

    #: the display path
    path: str
    documents: list[Document]
    diagnostics: list[Diagnostic]


def load_file(spec_file: SpecFile, *, max_bytes: int = DEFAULT_MAX_BYTES,
              only_specs: bool = False) -> LoadedFile | None:
    """One file that :func:`lpctl.spec.discover.discover` found, as :func:`load_paths` reads it; None when
    it is skipped (in a directory, or with ``only_specs``, YAML that is not an lpctl spec)."""
    path, explicit = spec_file.path, spec_file.explicit and not only_specs
    shown = display_path(path)
    raw = _read(path, max_bytes)
    if not explicit and not _may_be_spec(raw):
        return None
    docs, diags = load_bytes(raw, shown, max_bytes=max_bytes, size=_size(path) if len(raw) > max_bytes else None)
    # in a directory, a file none of whose documents claims to be a spec is someone else's
    # YAML; one that does not even parse is reported only if it mentions lpctl (above)
    if not explicit and docs and not any(looks_like_spec(d.data) for d in docs):
        return None
    return LoadedFile(shown, docs, diags)


def _size(path: str) -> int | None:
    try:
        size = os.path.getsize(path)
    except OSError:
        return None
    return size or None  # devices say 0


def read_spec_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of one spec file, read as :func:`load_paths` reads them (``lpctl fmt`` uses it)."""
    return _read(path, max_bytes)


def _read(path: str, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes: enough to refuse an oversized file without reading it all.

    Opened without blocking and checked to be a regular file: a file swapped for a FIFO after
    discovery cannot hang the run."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                raise PathError(f"{display_path(path)}: not a regular file")
            return _read_up_to(fd, status.st_size, max_bytes + 1)
        finally:
            os.close(fd)
    except OSError as e:
        raise PathError(f"{display_path(path)}: cannot read: {e.strerror or e}") from None


def _read_up_to(fd: int, size: int, limit: int) -> bytes:
    """At most ``limit`` bytes, to the end of the file. The first read asks for what ``size`` (fstat's) says
    and one byte more: a buffered read of ``limit`` would allocate a MiB per file, ten times the cost of
    reading a spec. The size may be stale (a file still growing, a network file system) or 0 (/proc), so
    reading goes on until the end of the file or the limit."""
    chunks = []
    total = 0
    want = min(size + 1, limit)
    while total < limit:
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = limit - total
    return b"".join(chunks)


#: a top-level line that only a spec (or a spec with a broken header) has
_SPEC_LINE = re.compile(rb"^(?:kind:[ \t]*[\"']?(?:LaunchPlan|Trigger)\b|(?:workflow|task):)", re.MULTILINE)


def _may_be_spec(raw: bytes) -> bool:
    """A fast look at the bytes: files that cannot hold a spec are skipped without parsing."""
    return b"lpctl/" in raw or _SPEC_LINE.search(raw) is not None


def looks_like_spec(data: Any) -> bool:
    """A document lpctl must check rather than skip: it claims to be a spec (``apiVersion: lpctl/...``
    under any spelling of the key, a spec ``kind``) or has a key only specs have (``workflow``, ``task``)."""
    if not isinstance(data, dict):
        return False
    if any(str(key).lower() == "apiversion" and str(value).startswith("lpctl/") for key, value in data.items()):
        return True
    return data.get("kind") in KINDS or any(key in data for key in _SPEC_KEYS)


def load_text(text: str, path: str = "<string>") -> tuple[list[Document], list[Diagnostic]]:
    """Load specs from a string (tests and the API)."""
    return load_bytes(text.encode("utf-8"), path)


def load_bytes(
    raw: bytes, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, size: int | None = None
) -> tuple[list[Document], list[Diagnostic]]:
    """Load the YAML documents of one file; every problem is a diagnostic, never an exception."""
    top = Location(path, 1, 1)
    if len(raw) > max_bytes:
        size = size or (len(raw) if len(raw) > max_bytes + 1 else None)
        shown = f"{size} bytes" if size else f"more than {max_bytes} bytes"
        return [], [error("LP107", f"file is {shown}, over the limit of {max_bytes} bytes for a spec", top,
                          "raise it with --max-bytes if this file really is a spec")]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return [], [error("LP108", "file is UTF-16 text; lpctl reads UTF-8", top, "save it as UTF-8")]
    if b"\0" in raw:
        return [], [error("LP108", "file is binary (it contains NUL bytes), not a YAML spec", top)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return [], [error("LP108", f"file is not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})",
                          Location(path, line, col))]
    if not text.strip():
        return [], [_empty_file(top)]
    accelerated = accel.on() and _libyaml_agrees(text)  # ruamel is the reference reader
    if accelerated:
        read = read_block(text, plain_tag, _scalar)  # the block style most specs are in: no composer
        if read is not None:  # it has a key at least: not only comments
            docs = [Document(path, index, data, Positions(values, keys, texts))
                    for index, (data, values, keys, texts) in enumerate(read)]
            return docs, [d for doc in docs for d in check_header(doc)]
    if _only_comments(text):
        return [], [_empty_file(top)]
    return _compose(text, path, accelerated)


def _empty_file(top: Location) -> Diagnostic:
    return error("LP104", "file is empty: a spec needs at least 'apiVersion', 'kind' and 'workflow'", top)


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") or line.strip() in ("---", "...")
               for line in text.splitlines())


_DIRECTIVE = re.compile(r"^%YAML[ \t]+(\S+)", re.MULTILINE)


def _compose(text: str, path: str, accelerated: bool) -> tuple[list[Document], list[Diagnostic]]:
    """What the line reader (lpctl.accel.blockyaml) left: with libyaml when it is there and safe
    (``accelerated``: the fast paths are on and libyaml reads the text as ruamel does), else (and for
    every error) with ruamel."""
    directive = _DIRECTIVE.search(text) if "%YAML" in text else None
    if directive and directive.group(1) != "1.2":
        line = text.count("\n", 0, directive.start()) + 1
        return [], [error("LP112", f"'%YAML {directive.group(1)}' directive: lpctl reads specs as YAML 1.2 only",
                          Location(path, line, 1), "remove the directive; in YAML 1.2 yes, no, on and off are strings")]
    if not accelerated:
        return _compose_ruamel(text, path)
    nodes = _compose_libyaml(text)
    if nodes is not None:
        return _build_all(nodes, path)
    return _compose_ruamel(text, path)


def _build_all(nodes: Iterable[Any], path: str, *,
               complete: bool = True) -> tuple[list[Document], list[Diagnostic]]:
    docs: list[Document] = []
    diags: list[Diagnostic] = []
    for index, node in enumerate(nodes):
        doc, doc_diags = _build_document(node, path, index)
        diags.extend(doc_diags)
        if doc is not None:
            docs.append(doc)
    if complete and not docs and not diags:
        diags.append(error("LP104", "file holds no YAML document", Location(path, 1, 1)))
    return docs, diags


def _compose_ruamel(text: str, path: str) -> tuple[list[Document], list[Diagnostic]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=True)
    nodes: list[Any] = []
    try:
        with warnings.catch_warnings():  # e.g. ReusedAnchorWarning: legal YAML, not our business
            warnings.simplefilter("ignore")
            nodes.extend(yaml.compose_all(io.StringIO(text)))
    except MarkedYAMLError as e:
        docs, diags = _build_all(nodes, path, complete=False)
        return docs, [*diags, _syntax_error(e, path, text)]
    except YAMLError as e:  # reader errors carry a position, not a mark
        return [], [_reader_error(e, text, path)]
    except RecursionError:  # the composer's stack ran out: the parser's events say where the limit was passed
        from lpctl.spec.depth import too_deep

        docs, diags = _build_all(nodes, path, complete=False)
        line, col = too_deep(text, MAX_DEPTH) or (1, 1)
        return docs, [*diags, error("LP110", f"YAML nesting deeper than {MAX_DEPTH} levels", Location(path, line, col))]
    return _build_all(nodes, path)


def _reader_error(e: Any, text: str, path: str) -> Diagnostic:
    position = getattr(e, "position", None)
    line, col = 1, 1
    if isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
    reason = getattr(e, "reason", None)
    character = getattr(e, "character", None)
    if reason and isinstance(character, str):
        detail = f"unacceptable character #x{ord(character):04x}: {reason}"
    else:
        detail = str(e).splitlines()[0]
    return error("LP101", f"YAML syntax error: {detail}", Location(path, line, col))


#: libyaml's composer recurses in C: beyond this nesting it could overflow the C stack
_FAST_MAX_NESTING = 1000
_BRACKETS = re.compile(r"[][{}]")
#: an empty '---' document, which the two composers place on different lines
_EMPTY_DOC = re.compile(r"^---[ \t]*(?:#[^\n]*)?(?:\n[ \t]*(?:#[^\n]*)?)*(?:\n---|\n?\Z)", re.MULTILINE)
#: constructs libyaml (YAML 1.1) and ruamel (YAML 1.2) read differently, where the fast path
#: steps aside: tabs, YAML 1.1 line breaks and a lone CR, document-end markers, block scalars
#: (comments and indentation), tags and anchors (name grammars and errors differ; aliases need
#: anchors). A spec rarely has any of them.
_DISAGREE = re.compile(
    r"[\t\x85\u2028\u2029]|\r(?!\n)|^\.\.\."
    r"|[|>][-+0-9]*[ \t]*(?:#[^\r\n]*)?(?=[\r\n]|\Z)"
    r"|(?:^|[\s,\[{:-])[!&]",
    re.MULTILINE)
#: a character that every construct of _DISAGREE but '...' starts with: most specs have none, and this
#: scan is 20 times faster than _DISAGREE's
_DISAGREE_START = re.compile(r"[\t\x85\u2028\u2029\r|>!&]")
_INDENT = re.compile(r"^( *)", re.MULTILINE)


def _compose_libyaml(text: str) -> list[Any] | None:
    """libyaml's composer (20-50 times faster than ruamel's pure Python), asked only where
    :func:`_libyaml_agrees`. Scalars are resolved by ruamel's own YAML 1.2 rules, so values are the
    same either way. None means: use ruamel (no libyaml, or any YAML error, which ruamel then reports
    in its own words)."""
    loader = _fast_loader()
    if loader is None:
        return None
    import yaml

    try:
        return list(yaml.compose_all(text, Loader=loader))
    except yaml.YAMLError:
        return None


def _libyaml_agrees(text: str) -> bool:
    """No construct that libyaml and ruamel read differently (or that libyaml cannot take)."""
    if "%YAML" in text or _disagree(text) or not _shallow(text):
        return False
    return "---" not in text or not _EMPTY_DOC.search(text.replace("\r\n", "\n") if "\r" in text else text)


def _disagree(text: str) -> bool:
    if text.isascii():  # a flag of the string; a search for each character is a third of the pattern's time
        maybe = ("|" in text or ">" in text or "!" in text or "&" in text or "\t" in text or "\r" in text
                 or "..." in text)
    else:
        maybe = "..." in text or _DISAGREE_START.search(text) is not None
    return maybe and _DISAGREE.search(text) is not None


def _shallow(text: str) -> bool:
    if len(text) < _FAST_MAX_NESTING:  # brackets and indentation are characters of the text
        return True
    depth = deepest = 0
    for bracket in _BRACKETS.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    indent = max((len(m) for m in _INDENT.findall(text)), default=0)
    return deepest + indent < _FAST_MAX_NESTING


@functools.lru_cache(maxsize=1)
def _fast_loader() -> Any:
    """PyYAML's libyaml composer with ruamel's YAML 1.2 scalar rules (lpctl.spec.yaml12); None without libyaml."""
    try:
        import yaml
        from yaml.cyaml import CParser
    except ImportError:
        return None

    class Resolver12(yaml.resolver.BaseResolver):  # type: ignore[misc]
        yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}  # PyYAML's per-class registry

    for tag, regexp, firsts in RESOLVERS:
        Resolver12.add_implicit_resolver(tag, regexp, list(firsts))

    scalar_node = yaml.ScalarNode

    class Loader(CParser, Resolver12):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Resolver12.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not scalar_node or not implicit[0]:
                return Resolver12.resolve(self, kind, value, implicit)
            return plain_tag(value)

        # no path resolvers are registered: nothing to track while composing
        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None

    return Loader


def _syntax_error(e: Any, path: str, text: str) -> Diagnostic:
    from lpctl.spec.yamlerrors import explain

    mark = e.problem_mark or e.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = (e.problem or "").strip()
    explained = explain(problem, text, line, col, e.context_mark.column if e.context_mark is not None else None)
    if explained is not None:
        return error("LP101", f"YAML syntax error: {explained[0]}", Location(path, line, col), explained[1])
    message = f"YAML syntax error: {problem}" if problem else "YAML syntax error"
    context, start = (e.context or "").strip(), e.context_mark
    if context.startswith("while ") and start is not None and mark is not None and start.line != mark.line:
        message += f" ({context[len('while '):]} that started at line {start.line + 1})"
    hint = None
    if "'\\t'" in problem or "\\t" in problem:
        hint = "YAML does not allow tabs for indentation; use spaces"
    elif _star_not_alias(problem, context):
        hint = ("a plain value that starts with '*' is a YAML alias (and with '&', an anchor): quote it, "
                "as in cron: \"*/5 * * * *\"")
    return error("LP101", message, Location(path, line, col), hint)


def _star_not_alias(problem: str, context: str) -> bool:
    """``cron: */5 * * * *``: a plain value starting with '*' read as an alias that was never meant."""
    named = re.search(r"undefined alias '([^']*)'", problem)
    if named:
        return not named.group(1)[:1].isalpha()
    return context.endswith("alias") and "alphabetic or numeric" in problem


class _Abort(Exception):
    """Stops building one document after a diagnostic that makes the rest meaningless."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


@dataclass
class _Builder:
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
            raise _Abort(error("LP109", f"document expands to more than {MAX_NODES} values (an alias bomb?)",
                               Location(self.path, line, col)))
        if depth > MAX_DEPTH:
            raise _Abort(error("LP110", f"YAML nesting deeper than {MAX_DEPTH} levels", self.loc(node)))
        self.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        tag = str(node.tag)
        if tag not in _KNOWN_TAGS:
            raise _Abort(error("LP103", f"YAML tag '{_short_tag(tag)}' is not allowed in a spec", self.loc(node),
                               "specs hold plain strings, numbers, booleans, lists and maps; "
                               "quote the value to make it a string"))
        if id(node) in self.active:
            raise _Abort(error("LP109", "recursive YAML alias", self.loc(node)))
        kind = type(node).__name__
        if kind == "ScalarNode":
            if tag != _STR:
                self.texts[path] = str(node.value)
            try:
                return _scalar(tag, _text(node.value))
            except ValueError as e:
                raise _Abort(error("LP111", str(e), self.loc(node))) from None
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
                raise _Abort(error("LP103", "a mapping key must be a plain scalar", self.loc(knode)))
            try:  # as written: '~' stays '~', 'true' stays 'true', '1' is '1'
                key = _text(str(knode.value))
            except ValueError as e:
                raise _Abort(error("LP111", str(e), self.loc(knode))) from None
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
                raise _Abort(error("LP103", "a merge key '<<' must name a mapping", where))
            if id(source) in self.active:
                raise _Abort(error("LP109", "recursive YAML alias", self.loc(vnode)))
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


def _scalar(tag: str, value: str) -> Any:
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


def _build_document(node: Any, path: str, index: int) -> tuple[Document | None, list[Diagnostic]]:
    if node is None:
        return None, [error("LP104", f"document {index + 1} is empty", Location(path, 1, 1))]
    builder = _Builder(path)
    try:
        data = builder.build(node, (), 0)
    except _Abort as abort:
        return None, [*builder.diags, abort.diagnostic]
    doc = Document(path, index, data, Positions(builder.values, builder.keys, builder.texts))
    return doc, [*builder.diags, *check_header(doc)]


def check_header(doc: Document) -> list[Diagnostic]:
    """A spec is a mapping with ``apiVersion: lpctl/v1`` and ``kind: LaunchPlan`` (or ``Trigger``)."""
    data = doc.data
    if not isinstance(data, dict):
        found = _kind_of(data)
        return [error("LP105", f"document is {found}, not a launch plan spec (a mapping)", doc.location(),
                      "a spec starts with 'apiVersion: lpctl/v1' and 'kind: LaunchPlan'")]
    diags = []
    claims = looks_like_spec(data)
    for key, expected in (("apiVersion", API_VERSION), ("kind", KIND)):
        if key in data:
            if data[key] != expected and not (key == "kind" and data[key] in KINDS):
                must = f"'{expected}'" if key == "apiVersion" else " or ".join(f"'{k}'" for k in KINDS)
                diags.append(error("LP106", f"'{key}' must be {must}, found {_show(data[key])}",
                                   doc.location((key,))))
            continue
        near = next((k for k in data if str(k).lower() == key.lower()), None)
        if near is not None:  # apiversion:, Kind: ...
            diags.append(error("LP106", f"'{near}' must be spelt '{key}'", doc.location((near,), key=True),
                               f"write '{key}: {expected}'; keys are case-sensitive"))
        elif claims:
            diags.append(error("LP106", f"this document looks like an lpctl spec but has no '{key}' line",
                               doc.location(), f"add '{key}: {expected}' at the top"))
        else:
            diags.append(error("LP106", f"missing '{key}: {expected}': this document is not an lpctl spec",
                               doc.location()))
    return diags


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return f"a scalar ({_show(value)})"


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)

