"""What lpctl keeps between runs in ``.lpctl_cache/``: workflow interfaces and schema results.

Workflow interfaces, so that unchanged workflows are not imported again.

Importing a workflow module imports flytekit and the project (half a second or more); the
interface it yields depends only on the source files that import loaded. An entry records the
SHA-256 of every project file (under the import roots) and the size and modification time of
every other module file that was loaded, and is used only while all of them are unchanged and
lpctl, flytekit and Python are the same versions. Interfaces that need flytekit to convert
values (dataclass inputs) are never cached.

Schema results: the digests of documents that passed the JSON Schema (a pure function of the
document and the schema, whose digest is part of the key), so that an unchanged spec is not
validated again. The cache lives in ``.lpctl_cache/`` in the current directory; ``--no-cache``
turns it off.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from flyteidl.core.interface_pb2 import Parameter

from lpctl.flyte1.interface import Input, WorkflowInterface
from lpctl.flyte1.literals import LiteralType

CACHE_DIR = ".lpctl_cache"
_FILE = "interfaces.json"
_FORMAT = 2
_VENDORED = ("site-packages", "dist-packages", f"{os.sep}.venv{os.sep}", f"{os.sep}venv{os.sep}", CACHE_DIR)
log = logging.getLogger("lpctl")


#: schema digests kept at most; beyond that only this run's are kept
_MAX_VALID = 100_000


def _versions() -> dict[str, str]:
    from importlib import metadata

    from lpctl import __version__
    from lpctl.spec.schema import schema_text

    try:
        flytekit = metadata.version("flytekit")
    except metadata.PackageNotFoundError:
        flytekit = ""
    return {"format": str(_FORMAT), "lpctl": __version__, "flytekit": flytekit,
            "python": ".".join(map(str, sys.version_info[:3])),
            "schema": hashlib.sha256(schema_text().encode("utf-8")).hexdigest()}


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def document_digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=repr)
                          .encode("utf-8")).hexdigest()


class Cache:
    """Reads ``.lpctl_cache/interfaces.json`` once, and writes it back once if anything changed."""

    def __init__(self, directory: str = CACHE_DIR) -> None:
        self.directory = directory
        self._versions = _versions()
        self._entries: dict[str, Any] = {}
        self._digests: dict[str, str | None] = {}
        self._valid: set[str] = set()
        self._valid_now: set[str] = set()
        self._dirty = False
        self._load()

    def _digest(self, path: str) -> str | None:
        if path not in self._digests:
            self._digests[path] = _digest(path)
        return self._digests[path]

    def _load(self) -> None:
        try:
            with open(os.path.join(self.directory, _FILE), encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            return
        if isinstance(doc, dict) and doc.get("versions") == self._versions and isinstance(doc.get("entries"), dict):
            self._entries = doc["entries"]
            self._valid = {d for d in doc.get("valid", []) if isinstance(d, str)}

    def known_valid(self, digest: str) -> bool:
        """Whether a document with this digest passed the schema before (it is then remembered)."""
        if digest in self._valid:
            self._valid_now.add(digest)
            return True
        return False

    def mark_valid(self, digest: str) -> None:
        self._valid_now.add(digest)
        if digest not in self._valid:
            self._valid.add(digest)
            self._dirty = True

    def get(self, ref: str) -> WorkflowInterface | None:
        entry = self._entries.get(ref)
        if not isinstance(entry, dict):
            return None
        files, others = entry.get("files", {}), entry.get("others", {})
        if not files or any(self._digest(path) != digest for path, digest in files.items()):
            return None
        if any(_stamp(path) != stamp for path, stamp in others.items()):
            return None
        try:
            return _decode(entry["interface"])
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, ref: str, interface: WorkflowInterface, files: Iterable[str], others: Iterable[str]) -> None:
        if interface.convert is not None and any(_needs_python(i) for i in interface.inputs.values()):
            return
        digests = {path: self._digest(path) for path in sorted(set(files))}
        stamps = {path: _stamp(path) for path in sorted(set(others))}
        if not digests or None in digests.values():
            return
        self._entries[ref] = {"files": digests, "others": {p: s for p, s in stamps.items() if s is not None},
                              "interface": _encode(interface)}
        self._dirty = True

    def save(self) -> None:
        """Write the cache atomically; a directory that cannot be written just means no cache."""
        if not self._dirty:
            return
        valid = self._valid if len(self._valid) <= _MAX_VALID else self._valid_now
        doc = {"versions": self._versions, "entries": self._entries, "valid": sorted(valid)}
        try:
            os.makedirs(self.directory, exist_ok=True)
            ignore = os.path.join(self.directory, ".gitignore")
            if not os.path.exists(ignore):
                with open(ignore, "w", encoding="utf-8") as f:
                    f.write("# written by lpctl: a cache, not for version control\n*\n")
            fd, tmp = tempfile.mkstemp(prefix=".interfaces-", dir=self.directory)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(doc, f, sort_keys=True)
            os.replace(tmp, os.path.join(self.directory, _FILE))
        except OSError as e:
            log.debug("cannot write the interface cache: %s", e)
        self._dirty = False


def loaded_files(roots: Sequence[str]) -> tuple[list[str], list[str]]:
    """The loaded modules' source files: the project's own (under the import roots), and the rest.

    Project files are kept relative to the current directory when they lie below it, so that a
    cache restored into another checkout of the same repository still applies.
    """
    prefixes = tuple(os.path.join(os.path.abspath(r), "") for r in roots)
    project, others = [], []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path or not path.endswith(".py"):
            continue
        path = os.path.abspath(path)
        if path.startswith(prefixes) and not any(v in path for v in _VENDORED):
            rel = os.path.relpath(path)
            project.append(path if rel.startswith("..") else rel)
        else:
            others.append(path)
    return project, others


def _stamp(path: str) -> list[int] | None:
    """Size and modification time: enough to notice an upgraded dependency, cheap for hundreds."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _needs_python(inp: Input) -> bool:
    from lpctl.flyte1.inputs import needs_flytekit

    return needs_flytekit(inp.type)


def _b64(message: Any) -> str:
    return base64.b64encode(message.SerializeToString(deterministic=True)).decode("ascii")


def _encode(interface: WorkflowInterface) -> dict[str, Any]:
    return {"name": interface.name, "source": interface.source, "reference": interface.reference,
            "defaultLabels": dict(interface.default_labels), "defaultAnnotations": dict(interface.default_annotations),
            "inputs": [[i.name, _b64(i.type), _b64(i.parameter)] for i in interface.inputs.values()]}


def _decode(data: dict[str, Any]) -> WorkflowInterface:
    inputs = {}
    for name, lt, param in data["inputs"]:
        inputs[name] = Input(name, LiteralType.FromString(base64.b64decode(lt)),
                             Parameter.FromString(base64.b64decode(param)))
    reference = tuple(data["reference"]) if data.get("reference") else None
    return WorkflowInterface(data["name"], inputs, data["source"], reference=reference,
                             default_labels=dict(data.get("defaultLabels") or {}),
                             default_annotations=dict(data.get("defaultAnnotations") or {}))
