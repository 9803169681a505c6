"""Reading ``lpctl.lock`` as untrusted input: a regular file of bounded size, strict JSON, strict entries.

The lock decides verdicts and bundle bytes under ``--locked``, and it is edited by merges and by
hand, so it is read as carefully as a spec:

- only a regular file is opened for reading (without blocking: a FIFO named ``lpctl.lock`` is
  refused, not waited on), of at most :data:`MAX_LOCK_BYTES`; anything else is a
  :class:`~lpctl.lock.LockError` (exit 2, the path cannot be read);
- its text must be UTF-8 JSON that :mod:`lpctl.jsontext` accepts (no nesting deeper than a lock
  needs, no lone surrogate, no NaN), a format-1 lock object: else :class:`LockInvalid`, which
  ``--locked`` runs report as LP310 at the lock file (exit 1);
- an entry is used only if it is exactly what ``lpctl lock`` writes: every key known and typed,
  every type and parameter a valid protobuf message, every dataclass shape well formed and
  consistent with its type, and writing the parsed entry again gives the same JSON. Anything else
  is LP309 at the entry's line in the lock (exit 1), and no bundle is built from it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import stat
from typing import Any

from lpctl import jsontext
from lpctl.errors import LpctlError

#: a lock holds about 1.5 KB a workflow: room for tens of thousands of workflows
MAX_LOCK_BYTES = 64 * 1024 * 1024
ORIGINS = ("import", "admin")
_ENTRY_KEYS = {"name", "source", "module", "origin", "inputs", "reference", "defaultOptions", "registered"}
#: keys an entry may leave out: default options, and what --from-admin asked for
_OPTIONAL_KEYS = {"defaultOptions", "registered"}
_INPUT_KEYS = {"name", "type", "parameter", "shape"}
_SCALAR_KINDS = ("int", "float", "str", "bool", "dict", "file", "directory")


#: the format ``lpctl lock`` writes (``"lockVersion"``)
LOCK_FORMAT = 1


class LockError(LpctlError):
    """The lock file cannot be read, or is not a lock lpctl understands."""


class LockInvalid(LpctlError):
    """The file is there and readable, but it is not a lock: ``line``/``col`` say where (0: unknown)."""

    def __init__(self, message: str, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


def read_text(path: str) -> str:
    """The lock's text; raises LockError when ``path`` is not a readable regular file, LockInvalid when
    it is too large or not UTF-8."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        raise LockError(f"{path}: cannot read the lock: {e.strerror or e}") from None
    with open(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise LockError(f"{path}: cannot read the lock: not a regular file ({file_kind(mode)})")
        data = f.read(MAX_LOCK_BYTES + 1)
    if len(data) > MAX_LOCK_BYTES:
        raise LockInvalid(f"the lock is larger than {MAX_LOCK_BYTES // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LockInvalid(f"the lock is not UTF-8 text (byte {e.start})") from None


def file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a file")


def parse(text: str) -> dict[str, Any]:
    """The lock document of ``text``; raises LockInvalid (with where, when known)."""
    try:
        doc = jsontext.parse(text)
    except jsontext.JsonTextError as e:
        message = str(e)
        head, _, rest = message.partition(": ")
        line, _, col = head.partition(":")
        if line.isdigit() and col.isdigit():
            raise LockInvalid(rest, int(line), int(col)) from None
        raise LockInvalid(message.partition(" (at $")[0]) from None
    if not isinstance(doc, dict) or doc.get("lockVersion") != LOCK_FORMAT or "workflows" not in doc:
        raise LockInvalid(f"not a lock of format {LOCK_FORMAT} (an object with \"lockVersion\": {LOCK_FORMAT} "
                          "and \"workflows\")")
    for key in ("workflows", "modules", "versions", "tasks"):
        if not isinstance(doc.get(key, {}), dict):
            raise LockInvalid(f"\"{key}\" is {_kind_of(doc[key])}, expected an object", *where(text, key))
    for key in ("modules", "versions"):
        for name, value in doc.get(key, {}).items():
            if not isinstance(value, str):
                raise LockInvalid(f"\"{key}\".\"{name}\" is {_kind_of(value)}, expected a string",
                                  *where(text, name, after=key))
    return doc


def where(text: str, key: str, *, after: str = "workflows") -> tuple[int, int]:
    """Line and column of ``"key":`` in the lock text (after ``"after":``), else (0, 0)."""
    start = text.find(json.dumps(after) + ":")
    found = text.find(json.dumps(key, ensure_ascii=False) + ":", max(start, 0))
    if found < 0:
        return 0, 0
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1


def _kind_of(value: Any) -> str:
    names = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


# -- entries -----------------------------------------------------------------------------------


def entry_problem(entry: Any) -> str | None:
    """Why a workflow entry is not one ``lpctl lock`` writes (field by field), or None."""
    if not isinstance(entry, dict):
        return f"the entry is {_kind_of(entry)}, expected an object"
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        return f"unknown key \"{unknown[0]}\""
    checks = (("name", _text), ("source", _text), ("module", _optional_text), ("origin", _origin),
              ("inputs", _inputs), ("reference", _reference), ("defaultOptions", _options), ("registered", _text))
    for key, check in checks:
        if key not in entry:
            if key in _OPTIONAL_KEYS:
                continue
            return f"\"{key}\" is missing"
        problem = check(entry[key])
        if problem:
            return f"\"{key}\"{problem}"
    return None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value else f" is {_shown(value)}, expected a non-empty string"


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _origin(value: Any) -> str | None:
    return None if value in ORIGINS else f" is {_shown(value)}, expected one of \"import\", \"admin\""


def _reference(value: Any) -> str | None:
    if value is None or (isinstance(value, list) and len(value) == 4 and all(isinstance(v, str) for v in value)):
        return None
    return f" is {_shown(value)}, expected null or [project, domain, name, version] (four strings)"


def _options(value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) != {"labels", "annotations"}:
        return " must be an object with \"labels\" and \"annotations\""
    for key in ("labels", "annotations"):
        items = value[key]
        if not isinstance(items, dict) or not all(isinstance(v, str) for v in items.values()):
            return f".\"{key}\" must map strings to strings"
    return None


def _inputs(value: Any) -> str | None:
    if not isinstance(value, list):
        return f" is {_kind_of(value)}, expected a list"
    names: set[Any] = set()
    for i, item in enumerate(value):
        problem = _input(item, names)
        if problem:
            return f"[{i}]{problem}"
    return None


def _input(item: Any, names: set[Any]) -> str | None:
    if not isinstance(item, dict):
        return f" is {_kind_of(item)}, expected an object"
    unknown = sorted(set(item) - _INPUT_KEYS)
    if unknown:
        return f": unknown key \"{unknown[0]}\""
    for key in ("name", "type", "parameter"):
        if key not in item:
            return f".\"{key}\" is missing"
    if not isinstance(item["name"], str) or not item["name"] or item["name"] in names:
        return f".\"name\" is {_shown(item['name'])}, expected a new input name"
    names.add(item["name"])
    for key in ("type", "parameter"):
        if not isinstance(item[key], dict):
            return f".\"{key}\" is {_kind_of(item[key])}, expected an object"
    if "shape" in item:
        problem = shape_problem(item["shape"])
        if problem:
            return f".\"shape\"{problem}"
    return None


def shape_problem(shape: Any, depth: int = 0) -> str | None:
    """Why ``shape`` is not a shape :mod:`lpctl.flyte1.shapes` writes, or None."""
    if depth > jsontext.MAX_DEPTH:
        return " is nested too deep"
    if not isinstance(shape, dict) or not isinstance(shape.get("kind"), str):
        return " must be an object with a \"kind\""
    kind = shape["kind"]
    expected = {"list": {"item"}, "optional": {"item"}, "map": {"value"}, "enum": {"name", "values"},
                "dataclass": {"name", "fields"}, "unsupported": {"name"}}
    keys = expected.get(kind, set() if kind in _SCALAR_KINDS else None)
    if keys is None:
        return f" has an unknown kind {_shown(kind)}"
    if set(shape) != keys | {"kind"}:
        return f" of kind \"{kind}\" must have exactly the keys {sorted(keys | {'kind'})}"
    if "name" in keys and _text(shape["name"]):
        return ".\"name\" must be a non-empty string"
    if kind in ("list", "optional", "map"):
        inner = shape["item" if kind != "map" else "value"]
        problem = shape_problem(inner, depth + 1)
        return None if problem is None else f".\"{'value' if kind == 'map' else 'item'}\"{problem}"
    if kind == "enum" and not (isinstance(shape["values"], list) and all(isinstance(v, str) for v in shape["values"])):
        return ".\"values\" must be a list of strings"
    if kind == "dataclass":
        return _fields_problem(shape["fields"], depth)
    return None


def _fields_problem(fields: Any, depth: int) -> str | None:
    if not isinstance(fields, list):
        return ".\"fields\" must be a list"
    for i, f in enumerate(fields):
        if not isinstance(f, dict) or not {"name", "type"} <= set(f) <= {"name", "type", "default"}:
            return f".\"fields\"[{i}] must be an object with \"name\", \"type\" and maybe \"default\""
        if _text(f["name"]):
            return f".\"fields\"[{i}].\"name\" must be a non-empty string"
        if "default" in f and not _packed_ok(f["default"]):
            return f".\"fields\"[{i}].\"default\" is not a base64 msgpack value"
        problem = shape_problem(f["type"], depth + 1)
        if problem:
            return f".\"fields\"[{i}].\"type\"{problem}"
    return None


def _packed_ok(value: Any) -> bool:
    import msgpack

    if not isinstance(value, str):
        return False
    try:
        msgpack.loads(base64.b64decode(value, validate=True), strict_map_key=False)
        return True
    except (binascii.Error, ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError,
            TypeError):
        return False


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def shape_fits(lt: Any, shape: Any) -> bool:
    """Whether a dataclass-bearing type and its recorded shape agree (as ``shapes.to_literal`` walks them)."""
    from lpctl.shared.literals import SimpleType

    which = lt.WhichOneof("type")
    kind = shape["kind"]
    if kind == "list":
        return which == "collection_type" and shape_fits(lt.collection_type, shape["item"])
    if kind == "map":
        return which == "map_value_type" and shape_fits(lt.map_value_type, shape["value"])
    if kind == "optional":
        variants = [v for v in lt.union_type.variants if not (v.WhichOneof("type") == "simple"
                                                              and v.simple == SimpleType.NONE)]
        return which == "union_type" and len(variants) == 1 and len(lt.union_type.variants) == 2 \
            and shape_fits(variants[0], shape["item"])
    if kind == "dataclass":
        return bool(which == "simple" and lt.simple == SimpleType.STRUCT)
    return True  # scalars, enums and unsupported parts: to_literal refuses them with a message
