"""What lpctl keeps between runs in ``.lpctl_cache/``: workflow interfaces, so that unchanged
workflows are not imported again.

Importing a workflow module imports flytekit and the project (half a second or more). An entry
is used only when everything the interface was computed from is as it was:

- the same lpctl, flytekit, Python and entry format (the versions);
- the same import roots, in the same order;
- every project module the import loaded (any module under the import roots, and the
  workflow's own module and its packages wherever they are) still resolves, by Python's own
  path search, to the same file, and that file has the same SHA-256: an edit, a module moved
  to another root or shadowed by a new file earlier on the path all miss;
- a dotted reference's shorter module candidates (``a.b.c`` tried as ``a.b`` then ``a``) that
  were not importable are still not found;
- every other loaded module file (flytekit, the standard library) has the same size and
  modification time.

What is read back is checked before use: a file that is not a regular file (a FIFO,
``/dev/zero``) is never read, every entry must have the exact shape lpctl writes, and the
interface must decode to well-formed messages; anything else is a miss, never an error. The
cache directory, its ``.gitignore`` and its file are never followed through symbolic links.
Interfaces that need flytekit to convert values (dataclass inputs) are never cached, and the
JSON Schema verdicts are not cached at all (validating is cheaper than proving a cached verdict
is right).

What the cache cannot check: that an entry with matching digests was written by lpctl. Whoever
can write ``.lpctl_cache/`` can make lpctl believe a workflow has another interface; restore it
only from runs as trusted as the code they imported. ``--no-cache`` turns it off.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import stat
import sys
from collections.abc import Sequence
from importlib.machinery import PathFinder
from typing import Any

from flyteidl.core.interface_pb2 import Parameter

from lpctl.flyte1.interface import Input, WorkflowInterface
from lpctl.shared.literals import LiteralType

CACHE_DIR = ".lpctl_cache"
_FILE = "interfaces.json"
_FORMAT = 3
_VENDORED = ("site-packages", "dist-packages", f"{os.sep}.venv{os.sep}", f"{os.sep}venv{os.sep}", CACHE_DIR)
#: a cache file larger than this is not read (a few hundred workflows take a few MB)
MAX_CACHE_BYTES = 64 * 1024 * 1024
#: a module file larger than this is not digested (and its interface not cached)
MAX_MODULE_BYTES = 16 * 1024 * 1024
log = logging.getLogger("lpctl")


def _versions() -> dict[str, str]:
    from importlib import metadata

    from lpctl import __version__

    try:
        flytekit = metadata.version("flytekit")
    except metadata.PackageNotFoundError:
        flytekit = ""
    return {"format": str(_FORMAT), "lpctl": __version__, "flytekit": flytekit,
            "python": ".".join(map(str, sys.version_info[:3]))}


def read_regular(path: str, limit: int, *, follow: bool = True) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes; None for anything else.

    Opened without blocking (a FIFO cannot hang it) and checked after opening (a device such as
    /dev/zero is never read); with ``follow=False`` a symbolic link is refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        try:
            data = f.read(limit + 1)
        except OSError:
            return None
    return data if len(data) <= limit else None


def _digest(path: str) -> str | None:
    data = read_regular(path, MAX_MODULE_BYTES)
    return None if data is None else hashlib.sha256(data).hexdigest()


def _stamp(path: str) -> list[int] | None:
    """Size and modification time: enough to notice an upgraded dependency, cheap for hundreds."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _shown(path: str) -> str:
    """Relative to the current directory when below it, so a cache restored into another checkout applies."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _roots(roots: Sequence[str]) -> list[str]:
    return [_shown(os.path.abspath(r)) for r in roots]


def module_file(name: str, search: Sequence[str]) -> str | None:
    """The file ``import name`` would load now, searching ``search`` (Python's path-based finder)."""
    path: list[str] | None = list(search)
    spec = None
    for i, part in enumerate(name.split(".")):
        if path is None or not part:
            return None
        try:
            spec = PathFinder.find_spec(".".join(name.split(".")[: i + 1]), path)
        except (ImportError, ValueError, OSError):
            return None
        if spec is None:
            return None
        path = list(spec.submodule_search_locations) if spec.submodule_search_locations is not None else None
    origin = getattr(spec, "origin", None)
    return os.path.abspath(origin) if isinstance(origin, str) and origin != "namespace" else None


class Cache:
    """Reads ``.lpctl_cache/interfaces.json`` once, and writes it back once if anything changed."""

    def __init__(self, directory: str = CACHE_DIR) -> None:
        self.directory = directory
        self._versions = _versions()
        self._entries: dict[str, Any] = {}
        self._digests: dict[str, str | None] = {}
        self._stamps: dict[str, list[int] | None] = {}
        self._dirty = False
        self._load()

    def _digest(self, path: str) -> str | None:
        if path not in self._digests:
            self._digests[path] = _digest(path)
        return self._digests[path]

    def _stamp(self, path: str) -> list[int] | None:
        if path not in self._stamps:  # entries share most files (flytekit): stat each once
            self._stamps[path] = _stamp(path)
        return self._stamps[path]

    def _load(self) -> None:
        if not self._safe_directory():
            return
        raw = read_regular(os.path.join(self.directory, _FILE), MAX_CACHE_BYTES, follow=False)
        try:
            doc = json.loads(raw) if raw is not None else None
        except (ValueError, RecursionError):
            return
        if isinstance(doc, dict) and doc.get("versions") == self._versions and isinstance(doc.get("entries"), dict):
            self._entries = {ref: e for ref, e in doc["entries"].items() if _well_formed(e)}

    def _safe_directory(self) -> bool:
        """The cache directory is a real directory (or absent), not a symbolic link to elsewhere."""
        try:
            return stat.S_ISDIR(os.lstat(self.directory).st_mode)
        except FileNotFoundError:
            return True
        except OSError:
            return False

    def get(self, ref: str, roots: Sequence[str] = ()) -> WorkflowInterface | None:
        entry = self._entries.get(ref)
        if entry is None or entry["roots"] != _roots(roots):
            return None
        search = list(dict.fromkeys([*map(os.path.abspath, roots), *sys.path]))
        for name, (path, digest) in entry["modules"].items():
            if module_file(name, search) != os.path.abspath(path) or self._digest(path) != digest:
                return None
        if any(module_file(name, search) is not None for name in entry["absent"]):
            return None
        if any(self._stamp(path) != stamp for path, stamp in entry["others"].items()):
            return None
        return _decode(entry["interface"])

    def put(self, ref: str, interface: WorkflowInterface, roots: Sequence[str] = ()) -> None:
        if interface.convert is not None and any(_needs_python(i) for i in interface.inputs.values()):
            return
        project, others = loaded_modules(roots, ref)
        modules = {name: [path, self._digest(path)] for name, path in sorted(project.items())}
        stamps = {path: _stamp(path) for path in sorted(set(others))}
        if not modules or any(digest is None for _, digest in modules.values()):
            return
        self._entries[ref] = {"roots": _roots(roots), "modules": modules, "absent": _absent(ref),
                              "others": {p: s for p, s in stamps.items() if s is not None},
                              "interface": _encode(interface)}
        self._dirty = True

    def save(self) -> None:
        """Write the cache atomically; a directory that cannot be written just means no cache."""
        if not self._dirty:
            return
        self._dirty = False
        from lpctl.errors import LpctlError
        from lpctl.output import replace_file

        doc = {"versions": self._versions, "entries": self._entries}
        try:
            if not self._safe_directory():
                raise OSError(f"{self.directory} is not a directory (a symbolic link?)")
            os.makedirs(self.directory, exist_ok=True)
            _write_gitignore(os.path.join(self.directory, ".gitignore"))
            replace_file(os.path.join(self.directory, _FILE), json.dumps(doc, sort_keys=True).encode("utf-8"))
        except (OSError, LpctlError) as e:  # a cache that cannot be written is no cache, never a failure
            log.debug("cannot write the interface cache: %s", e)


def _write_gitignore(path: str) -> None:
    """Create it if missing; never through a symbolic link (a committed link could point anywhere)."""
    if os.path.lexists(path):
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise OSError(f"{path} is not a regular file")
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, 0o644), "w", encoding="utf-8") as f:
        f.write("# written by lpctl: a cache, not for version control\n*\n")


def loaded_modules(roots: Sequence[str], ref: str = "") -> tuple[dict[str, str], list[str]]:
    """The loaded modules: project ones by name (under the import roots, or the reference's own
    module and its packages), and the files of the rest."""
    prefixes = tuple(os.path.join(os.path.abspath(r), "") for r in roots)
    own = _packages(ref.partition(":")[0]) if ":" in ref else set()
    project: dict[str, str] = {}
    others: list[str] = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py") or name == "__main__":
            continue
        path = os.path.abspath(path)
        if name in own or (path.startswith(prefixes) and not any(v in path for v in _VENDORED)):
            project[name] = _shown(path)
        else:
            others.append(path)
    return project, others


def _packages(module_name: str) -> set[str]:
    parts = module_name.split(".")
    return {".".join(parts[: i + 1]) for i in range(len(parts))}


def _absent(ref: str) -> list[str]:
    """The module candidates of a dotted reference that were tried and not found."""
    if ":" in ref:
        return []
    parts = ref.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1) if ".".join(parts[:i]) not in sys.modules]


def _needs_python(inp: Input) -> bool:
    from lpctl.flyte1.inputs import needs_flytekit

    return needs_flytekit(inp.type)


# -- the entry format, checked field by field on the way in ----------------------------------------


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_str_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _well_formed(entry: Any) -> bool:
    if not isinstance(entry, dict) or set(entry) != {"roots", "modules", "absent", "others", "interface"}:
        return False
    modules, others = entry["modules"], entry["others"]
    return (_is_str_list(entry["roots"]) and _is_str_list(entry["absent"])
            and isinstance(modules, dict) and bool(modules)
            and all(_is_str_list(v) and len(v) == 2 for v in modules.values())
            and isinstance(others, dict)
            and all(isinstance(v, list) and len(v) == 2 and all(type(n) is int for n in v) for v in others.values())
            and _well_formed_interface(entry["interface"]))


def _well_formed_interface(data: Any) -> bool:
    if not isinstance(data, dict) or set(data) != {"name", "source", "reference", "inputs", "defaultLabels",
                                                   "defaultAnnotations"}:
        return False
    reference = data["reference"]
    return (isinstance(data["name"], str) and isinstance(data["source"], str)
            and _is_str_map(data["defaultLabels"]) and _is_str_map(data["defaultAnnotations"])
            and (reference is None or (_is_str_list(reference) and len(reference) == 4))
            and isinstance(data["inputs"], list)
            and all(_is_str_list(i) and len(i) == 3 for i in data["inputs"]))


def _b64(message: Any) -> str:
    return base64.b64encode(message.SerializeToString(deterministic=True)).decode("ascii")


def _encode(interface: WorkflowInterface) -> dict[str, Any]:
    return {"name": interface.name, "source": interface.source,
            "reference": list(interface.reference) if interface.reference else None,
            "defaultLabels": dict(interface.default_labels), "defaultAnnotations": dict(interface.default_annotations),
            "inputs": [[i.name, _b64(i.type), _b64(i.parameter)] for i in interface.inputs.values()]}


def _decode(data: dict[str, Any]) -> WorkflowInterface | None:
    """The interface, or None when the messages do not decode (or do not agree with their names)."""
    from google.protobuf.message import DecodeError

    inputs = {}
    try:
        for name, lt, param in data["inputs"]:
            parameter = Parameter.FromString(base64.b64decode(param, validate=True))
            literal_type = LiteralType.FromString(base64.b64decode(lt, validate=True))
            if name in inputs or parameter.var.type != literal_type:
                return None
            inputs[name] = Input(name, literal_type, parameter)
    except (DecodeError, ValueError, TypeError, RecursionError):
        return None
    reference = data["reference"]
    return WorkflowInterface(data["name"], inputs, data["source"],
                             reference=(reference[0], reference[1], reference[2], reference[3]) if reference else None,
                             default_labels=dict(data["defaultLabels"]),
                             default_annotations=dict(data["defaultAnnotations"]))

