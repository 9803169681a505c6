"""Stage 1: YAML files -> plain documents with the source position of every key and value.

Which files to read is :mod:`lpctl.spec.discover`'s job; this module reads one file at a time.

The parser only *composes* the YAML (a node graph with start marks: ruamel's, or libyaml's where
:mod:`lpctl.spec.fastcompose` says both read the text alike, or none where lpctl's line reader
:mod:`lpctl.accel.blockyaml` reads it); :mod:`lpctl.spec.build` builds the values, so that every value
keeps its position, YAML 1.2 rules hold (``yes`` is a string), timestamps stay text, unknown tags are
refused instead of constructed, and aliases are expanded under a budget (no "billion laughs").
"""

from __future__ import annotations

import io
import os
import re
import stat
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lpctl import accel
from lpctl.accel.blockyaml import read_block
from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.errors import PathError
from lpctl.spec import fastcompose
from lpctl.spec.build import MAX_DEPTH, Abort, Builder, scalar
from lpctl.spec.discover import SpecFile, discover, display_path
from lpctl.spec.positions import Path, Positions, format_path
from lpctl.spec.yaml12 import plain_tag

API_VERSION = "lpctl/v1"
KIND = "LaunchPlan"
#: the kinds of spec lpctl reads (Trigger: a Flyte 2 trigger)
KINDS = ("LaunchPlan", "Trigger")
#: keys only a spec has: a document with one of them is checked as a spec, never skipped
_SPEC_KEYS = ("workflow", "task")
#: a Flyte 2 trigger (lpctl.flyte2)
TRIGGER_KIND = "Trigger"
DEFAULT_MAX_BYTES = 1024 * 1024



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
    accelerated = accel.on() and fastcompose.agrees(text)  # ruamel is the reference reader
    if accelerated:
        read = read_block(text, plain_tag, scalar)  # the block style most specs are in: no composer
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
    nodes = fastcompose.compose(text)
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


def _build_document(node: Any, path: str, index: int) -> tuple[Document | None, list[Diagnostic]]:
    if node is None:
        return None, [error("LP104", f"document {index + 1} is empty", Location(path, 1, 1))]
    builder = Builder(path)
    try:
        data = builder.build(node, (), 0)
    except Abort as abort:
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

