"""``lpctl.lock``: the workflows' interfaces, recorded once so that checks need no imports.

The lock is canonical JSON (sorted keys, two-space indent, one trailing newline): the same
workflows give the same bytes. It holds, keyed by the import path a spec writes, each
workflow's registered name, its inputs in interface order (literal type and the parameter the
workflow declares, Python defaults already converted to literals, in the protobuf JSON mapping),
the shape of each dataclass input (:mod:`lpctl.flyte1.shapes`), and what it was made with: the
lpctl and flytekit versions and a SHA-256 digest per workflow module.

Each target reads its own entries (``lpctl.flyte1.locked``, ``lpctl.flyte2.locked``) and imports
nothing; :func:`differences` says how a lock differs from a fresh one, in interface terms.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.lockfile import LOCK_FORMAT as LOCK_FORMAT
from lpctl.lockfile import LockError as LockError
from lpctl.lockfile import LockInvalid
from lpctl.shared.literals import type_name
from lpctl.spec.emit import visible_json

LOCK_FILE = "lpctl.lock"


@dataclass(frozen=True)
class Lock:
    """A lock's content: ``workflows`` maps an import path to its entry (JSON, as written)."""

    workflows: Mapping[str, Any] = field(default_factory=dict)
    #: module name -> "sha256:<hex>" of its source file
    modules: Mapping[str, str] = field(default_factory=dict)
    #: what the lock was made with: {"lpctl": ..., "flytekit": ...}
    versions: Mapping[str, str] = field(default_factory=dict)
    #: Flyte 2 tasks: ``module:task`` -> its entry (lpctl.flyte2.locked)
    tasks: Mapping[str, Any] = field(default_factory=dict)
    #: the text it was read from (to say at which line an entry is), "" when built
    text: str = field(default="", compare=False, repr=False)


# -- where the lock is ---------------------------------------------------------------------


def common_dir(paths: Sequence[str]) -> str:
    """The directory the specs share: a file's own directory, a directory itself."""
    dirs = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths] or [os.getcwd()]
    return os.path.commonpath(dirs)


def find_lock(paths: Sequence[str]) -> str | None:
    """The nearest ``lpctl.lock`` at or above the specs' common directory, up to the project's root.

    The search stops at the project's root (:func:`project_root`): a ``lpctl.lock`` left in a
    shared parent such as ``/tmp`` neither decides this project's verdicts nor is rewritten by its
    ``lpctl lock``.
    """
    here = common_dir(paths)
    ceiling = project_root(here)
    while True:
        candidate = os.path.join(here, LOCK_FILE)
        if os.path.lexists(candidate) and not os.path.isdir(candidate):  # a FIFO too: refused, not skipped
            return os.path.relpath(candidate)
        parent = os.path.dirname(here)
        if here == ceiling or parent == here:
            return None
        here = parent


def project_root(start: str) -> str:
    """The highest directory a lock for specs in ``start`` may be in: the repository's root (the nearest
    folder holding ``.git``, so that a monorepo's packages share a lock at its root), else the nearest
    folder holding ``pyproject.toml``, else the current directory (``start`` itself when it is outside)."""
    here, nearest_pyproject = start, None
    while True:
        if os.path.lexists(os.path.join(here, ".git")):
            return here
        if nearest_pyproject is None and os.path.isfile(os.path.join(here, "pyproject.toml")):
            nearest_pyproject = here
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    if nearest_pyproject is not None:
        return nearest_pyproject
    cwd = os.getcwd()
    return cwd if os.path.commonpath([cwd, start]) == cwd else start


def lock_path_for(paths: Sequence[str]) -> str:
    """Where ``lpctl lock`` writes: the lock already in use, else next to the specs."""
    return find_lock(paths) or os.path.relpath(os.path.join(common_dir(paths), LOCK_FILE))


# -- reading and writing -------------------------------------------------------------------


def read_lock(path: str) -> Lock:
    """The lock at ``path``: LockError when it cannot be read (exit 2), LockInvalid (lpctl.lockfile)
    when it is not a lock (LP310 under --locked; ``lpctl lock`` writes it anew)."""
    from lpctl import lockfile

    text = lockfile.read_text(path)
    doc = lockfile.parse(text)
    return Lock(doc.get("workflows", {}), doc.get("modules", {}), doc.get("versions", {}), doc.get("tasks", {}),
                text)


def lock_text(lock: Lock) -> str:
    """Canonical JSON: the same lock always gives the same bytes."""
    doc = {"lockVersion": LOCK_FORMAT, "versions": dict(lock.versions), "modules": dict(lock.modules),
           "workflows": dict(lock.workflows)}
    if lock.tasks:  # a lock without Flyte 2 tasks keeps the bytes it always had
        doc["tasks"] = dict(lock.tasks)
    return visible_json(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)) + "\n"


def versions(*, flyte: bool = False) -> dict[str, str]:
    """lpctl's version and flytekit's, and (``flyte``: the lock records Flyte 2 tasks) flyte-sdk's."""
    from importlib import metadata

    from lpctl import __version__

    found = {"lpctl": __version__}
    for key, package in (("flytekit", "flytekit"), ("flyte", "flyte")) if flyte else (("flytekit", "flytekit"),):
        try:
            found[key] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[key] = ""
    return found


def file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return "sha256:" + hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def invalid_lock(path: str, e: LockInvalid) -> Diagnostic:
    """LP310 at the lock file, for a lock that cannot be read as one."""
    return error("LP310", f"not a readable lock: {e}", Location(path, e.line, e.col),
                 "run 'lpctl lock' to write it again")


# -- staleness ---------------------------------------------------------------------------------


def differences(old: Lock, new: Lock) -> list[str]:
    """How ``old`` differs from ``new`` (what ``lpctl lock`` would write now), one line per change, for
    workflows and Flyte 2 tasks alike."""
    lines: list[str] = []
    for before_section, after_section, check in ((old.workflows, new.workflows, True), (old.tasks, new.tasks, False)):
        lines.extend(_section_changes(before_section, after_section, check))
    for module in sorted(old.modules.keys() & new.modules.keys()):
        if old.modules[module] != new.modules[module] and not any(line.startswith(module) for line in lines):
            held = "tasks'" if any(_module(e) == module for e in new.tasks.values()) else "workflows'"
            lines.append(f"module '{module}' changed (its {held} interfaces did not): the digest is stale")
    return lines


def _section_changes(old: Mapping[str, Any], new: Mapping[str, Any], check: bool) -> list[str]:
    """``check``: the section's entries are workflows, which lpctl.lockfile can say are malformed."""
    from lpctl.lockfile import entry_problem

    lines: list[str] = []
    for ref in sorted(old.keys() | new.keys()):
        before, after = old.get(ref), new.get(ref)
        if before is None:
            lines.append(f"{ref}: not in the lock")
        elif after is None:
            lines.append(f"{ref}: in the lock, but no spec references it")
        elif before != after:
            problem = entry_problem(before) if check else None
            try:
                changes = [f"the entry is malformed: {problem}"] if problem else _entry_changes(before, after)
            except (KeyError, TypeError, AttributeError, ValueError, IndexError):  # a task entry edited by hand
                changes = ["the entry is malformed"]
            lines.extend(f"{ref}: {line}" for line in changes)
    return lines


def _module(entry: Any) -> Any:
    return entry.get("module") if isinstance(entry, dict) else None


def _entry_changes(before: Any, after: Any) -> list[str]:
    lines = []
    if before.get("name") != after.get("name"):
        lines.append(f"registered name changed: {before.get('name')} -> {after.get('name')}")
    old_inputs = {i["name"]: i for i in before.get("inputs", [])}
    new_inputs = {i["name"]: i for i in after.get("inputs", [])}
    for name, item in new_inputs.items():
        if name not in old_inputs:
            lines.append(f"input '{name}' added ({_describe_input(item)})")
    for name, item in old_inputs.items():
        if name not in new_inputs:
            lines.append(f"input '{name}' removed (was {_describe_input(item)})")
            continue
        lines.extend(_input_changes(name, item, new_inputs[name]))
    old_triggers, new_triggers = before.get("codeTriggers", []), after.get("codeTriggers", [])
    if old_triggers != new_triggers:  # a Flyte 2 task's triggers in code (LP925)
        lines.append(f"triggers declared in code changed: {', '.join(map(str, old_triggers)) or '(none)'} -> "
                     f"{', '.join(map(str, new_triggers)) or '(none)'}")
    if not lines:
        lines.append("changed (" + ", ".join(k for k in sorted(after) if before.get(k) != after.get(k)) + ")")
    return lines


def _input_changes(name: str, old: Any, new: Any) -> list[str]:
    lines = []
    if old["type"] != new["type"] or old.get("shape") != new.get("shape"):
        lines.append(f"input '{name}' type changed: {_type(old)} -> {_type(new)}")
    if _default(old) != _default(new):
        lines.append(f"input '{name}' default changed: {_default(old)} -> {_default(new)}")
    old_desc = old.get("parameter", {}).get("var", {}).get("description")
    new_desc = new.get("parameter", {}).get("var", {}).get("description")
    if old_desc != new_desc and old["type"] == new["type"]:
        lines.append(f"input '{name}' description changed: {old_desc!r} -> {new_desc!r}")
    return lines


def _type(item: Any) -> str:
    from google.protobuf import json_format

    from lpctl.shared.literals import LiteralType

    try:
        # a Flyte 2 task's type is a flyteidl2 LiteralType: the same JSON for every type a name is given to
        return type_name(json_format.ParseDict(item["type"], LiteralType(), ignore_unknown_fields=True))
    except (json_format.ParseError, TypeError, KeyError):
        return "unknown type"


def _default(item: Any) -> str:
    if "parameter" not in item:  # a Flyte 2 task's input: a default, else required
        return "default " + _literal_text(item["default"]) if "default" in item else "required"
    param = item["parameter"]
    if "default" in param:
        return "default " + _literal_text(param["default"])
    return "required" if param.get("required") else "no default"


def _literal_text(lit: Any) -> str:
    """A literal in the protobuf JSON mapping, shown as a value: ``3``, ``"x"``, ``[1, 2]``, ``None``."""
    from lpctl.shared.decode import json_literal_value

    try:
        return _value_text(json_literal_value(lit))
    except ValueError:
        return json.dumps(lit, sort_keys=True, separators=(",", ":"))


def _value_text(value: Any) -> str:
    import datetime as dt

    from google.protobuf import duration_pb2, timestamp_pb2

    from lpctl.shared.decode import Opaque

    if isinstance(value, dt.datetime):
        stamp = timestamp_pb2.Timestamp()
        stamp.FromDatetime(value)
        return json.dumps(stamp.ToJsonString())
    if isinstance(value, dt.timedelta):
        span = duration_pb2.Duration()
        span.FromTimedelta(value)
        return json.dumps(span.ToJsonString())
    if isinstance(value, list):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_value_text(v)}"
                               for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, Opaque):
        return value.what
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _describe_input(item: Any) -> str:
    return f"{_type(item)}, {_default(item)}"
