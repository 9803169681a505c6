"""The bundle format, in one place: writing, reading, checking, and what counts as a bundle.

A bundle is the canonical JSON document ``lpctl render`` writes: sorted keys,
two-space indent, UTF-8, one trailing newline, entries in (project, domain, name, version) order.
Every command that takes "specs or bundles" decides with :func:`is_bundle_path` and reads with
:func:`read_bundle`, so that they all agree.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from contextlib import closing
from typing import TYPE_CHECKING, Any

from lpctl import accel, jsontext
from lpctl.accel.workers import Spill, ordered_map
from lpctl.errors import PathError, UsageError
from lpctl.spec.emit import visible_json

if TYPE_CHECKING:
    from flyteidl.admin.launch_plan_pb2 import LaunchPlan

    from lpctl.flyte1.compile import CompiledPlan
    from lpctl.spec.config import Identity

API_VERSION = "lpctl/v1"
KIND = "LaunchPlanBundle"
SUFFIX = ".json"

Tree = dict[str, Any]
#: how entries are matched across bundles: a launch plan's (project, domain, name); a trigger's, see :func:`trigger_key`
Key = tuple[str, ...]


def message_to_dict(message: Any) -> dict[str, Any]:
    """The protobuf JSON mapping (camelCase, enum names, int64 as strings): ``json_format.MessageToDict``
    (imported here, as protobuf is: not on ``lpctl --help``)."""
    from google.protobuf import json_format

    out: dict[str, Any] = json_format.MessageToDict(message)
    return out


def ordered(plans: Iterable[CompiledPlan]) -> list[CompiledPlan]:
    """Bundle order: project, domain, name, version (then source, for duplicates being reported)."""
    return sorted(plans, key=lambda p: (*p.identity(), p.source.path, p.source.document))


def _entry(plan: CompiledPlan) -> Tree:
    # one conversion per plan: a compiled LaunchPlan holds only id and spec
    entry: Tree = {"source": {"path": plan.source.path, "document": plan.source.document}}
    if plan.auto_activate is not None:  # absent: not declared, activation not managed
        entry["autoActivate"] = plan.auto_activate
    entry["launchPlan"] = message_to_dict(plan.launch_plan)
    return entry


def entry_text(plan: CompiledPlan) -> str:
    """A launch plan's entry as the bundle writes it, nested in ``launchPlans``: the text of
    ``encode(_entry(plan), 2)``, written in one pass from the message (:mod:`lpctl.accel.protojson`)."""
    if not accel.on():
        return encode(_entry(plan), 2)
    from lpctl.accel import protojson

    items = [("launchPlan", protojson.message_text(plan.launch_plan, "\n      ")),
             ("source", _source_text(plan.source.path, plan.source.document))]
    if plan.auto_activate is not None:
        items.append(("autoActivate", "true" if plan.auto_activate else "false"))
    return protojson.object_text(items, "\n    ")


def trigger_entry_text(item: Any) -> str:
    """A Flyte 2 trigger's entry as the bundle writes it, nested in ``triggers``."""
    if not accel.on():
        return encode(_trigger_entry(item), 2)
    from lpctl.accel import protojson

    items = [("source", _source_text(item.document.path, item.document.index)),
             ("taskName", json.dumps(item.task_name, ensure_ascii=False)),
             ("trigger", protojson.message_text(item.trigger, "\n      "))]
    if item.placed:
        items += [("project", json.dumps(item.project, ensure_ascii=False)),
                  ("domain", json.dumps(item.domain, ensure_ascii=False))]
    return protojson.object_text(items, "\n    ")


def _source_text(path: str, document: int) -> str:
    """An entry's ``source``, nested in it."""
    return '{\n        "document": ' + str(int(document)) + ',\n        "path": ' \
        + json.dumps(path, ensure_ascii=False) + "\n      }"


def bundle(plans: Iterable[CompiledPlan], triggers: Iterable[Any] = ()) -> Tree:
    """The bundle document, in :func:`ordered` order; Flyte 2 triggers (if any) under ``triggers``."""
    entries = [_entry(plan) for plan in ordered(plans)]
    document = {"apiVersion": API_VERSION, "kind": KIND, "launchPlans": entries}
    trigger_entries = _trigger_entries(triggers)
    if trigger_entries:
        document["triggers"] = trigger_entries
    return document


def _trigger_entries(triggers: Iterable[Any]) -> list[dict[str, Any]]:
    """``{"source", "taskName", "trigger"}`` per lpctl.flyte2 CompiledTrigger, by project, domain, task, name,
    source; with ``project`` and ``domain`` where the spec names its own (elsewhere they are the deploy's)."""
    return [_trigger_entry(item) for item in _ordered_triggers(triggers)]


def _ordered_triggers(triggers: Iterable[Any]) -> list[Any]:
    return sorted(triggers, key=lambda item: item.sort_key())


def _trigger_entry(item: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"source": {"path": item.document.path, "document": item.document.index}}
    if item.placed:
        entry["project"], entry["domain"] = item.project, item.domain
    entry["taskName"] = item.task_name
    entry["trigger"] = message_to_dict(item.trigger)
    return entry


def to_json(document: Tree) -> str:
    """Canonical text: sorted keys, two-space indent, UTF-8, one trailing newline."""
    return visible_json(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)) + "\n"


def render_bundle(plans: Iterable[CompiledPlan], triggers: Iterable[Any] = ()) -> str:
    chunks: list[str] = []
    write_bundle(plans, chunks.append, triggers)
    return "".join(chunks)


def _head() -> str:
    head = {"apiVersion": API_VERSION, "kind": KIND}
    return "{\n" + "".join(f"  {encode(k)}: {encode(v)},\n" for k, v in sorted(head.items()))


def _tail(triggers: Iterable[Any]) -> str:
    trigger_texts = [trigger_entry_text(item) for item in _ordered_triggers(triggers)]
    # "triggers" sorts after "launchPlans"
    return (',\n  "triggers": [\n    ' + ",\n    ".join(trigger_texts) + "\n  ]" if trigger_texts else "") + "\n}\n"


def write_bundle(plans: Iterable[CompiledPlan], write: Callable[[str], Any], triggers: Iterable[Any] = (),
                 jobs: int = 1) -> None:
    """The text of :func:`to_json` (``bundle(plans, triggers)``), written entry by entry as it is made.

    Only one launch plan entry is held at a time (a few per worker with ``jobs``), each written by
    :func:`entry_text` (in one pass from the message, with the accelerators on); the bytes are the same.
    With ``jobs`` other than 1 (a --locked run: nothing was imported), the entries are made in forked
    worker processes, in bundle order, and written as they come back.
    """
    given, write = write, lambda text: given(visible_json(text))  # a right-to-left override hides in a diff
    write(_head())
    entries = ordered(plans)
    if not entries:
        write('  "launchPlans": []')
    else:
        write('  "launchPlans": [')
        texts = ordered_map(entry_text, entries, jobs) if jobs != 1 else (entry_text(p) for p in entries)
        with closing(texts):
            for i, text in enumerate(texts):
                write(("\n    " if i == 0 else ",\n    ") + text)
        write("\n  ]")
    write(_tail(triggers))


class Entries:
    """Launch plan entries made by the process that compiled each plan (``render -j``, in one pass), kept
    out of memory in a :class:`~lpctl.accel.workers.Spill`; :attr:`refs` are where, in the run's order of
    its plans. Each text is stored after its separator from the entry before, so that entries stored one
    after the other in bundle order are copied as one block."""

    def __init__(self) -> None:
        self.spill = Spill()
        self.refs: list[tuple[int, int, int]] = []

    def make(self, plans: Iterable[CompiledPlan]) -> list[tuple[int, int, int]]:
        return [self.spill.put(visible_json(_NEXT + entry_text(plan)).encode("utf-8")) for plan in plans]

    def close(self) -> None:
        self.spill.close()


_NEXT = ",\n    "
#: entries read and written at once, at most
_BLOCK = 1 << 20


def write_entries(plans: list[CompiledPlan], entries: Entries, write: Callable[[bytes], Any],
                  triggers: Iterable[Any] = ()) -> None:
    """:func:`write_bundle`'s bytes, from the entries made as ``plans`` were compiled."""
    if len(entries.refs) != len(plans):
        raise ValueError(f"{len(entries.refs)} bundle entries for {len(plans)} launch plans")
    write(visible_json(_head()).encode("utf-8"))
    order = sorted(range(len(plans)), key=lambda i: (*plans[i].identity(), plans[i].source.path,
                                                      plans[i].source.document))  # as ordered()
    if not order:
        write(b'  "launchPlans": []')
    else:
        write(b'  "launchPlans": [')
        skip = 1  # the first entry has no comma before it
        for slot, offset, length in _blocks(entries.refs[i] for i in order):
            data = entries.spill.read(slot, offset, length)
            write(data[skip:] if skip else data)
            skip = 0
        write(b"\n  ]")
    write(visible_json(_tail(triggers)).encode("utf-8"))


def _blocks(refs: Iterable[tuple[int, int, int]]) -> Iterable[tuple[int, int, int]]:
    """Runs of entries stored one after the other, as one (file, offset, length) each."""
    run: tuple[int, int, int] | None = None
    for slot, offset, length in refs:
        if run is not None and run[0] == slot and run[1] + run[2] == offset and run[2] < _BLOCK:
            run = (slot, run[1], run[2] + length)
            continue
        if run is not None:
            yield run
        run = (slot, offset, length)
    if run is not None:
        yield run


def encode(value: Any, level: int = 0) -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)`` for JSON data,
    nested ``level`` deep."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return text.replace("\n", "\n" + "  " * level) if level else text


# -- reading ------------------------------------------------------------------------------------


def is_bundle_path(path: str) -> bool:
    """The one rule every command uses: a ``*.json`` path that is not a directory is a bundle."""
    return path.lower().endswith(SUFFIX) and not os.path.isdir(path)


def read_bundle(path: str) -> Tree:
    """Read and check a bundle file; raises :class:`PathError` with a readable message."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise PathError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise PathError(f"{path}: not UTF-8 text (byte {e.start})") from None
    return parse_bundle(text, path)


def parse_bundle(text: str, path: str = "<bundle>") -> Tree:
    """A bundle document from its text; raises :class:`PathError` naming ``path``."""
    try:  # nesting too deep, lone surrogates, 5,000-digit numbers, NaN: refused, with where
        document = jsontext.parse(text)
    except jsontext.JsonTextError as e:
        raise PathError(f"{path}:{e}" if str(e)[:1].isdigit() else f"{path}: not a readable bundle: {e}") from None
    problem = bundle_problem(document)
    if problem is not None:
        raise PathError(f"{path}: not an lpctl bundle: {problem}")
    out: Tree = document
    return out


def bundle_problem(document: Any) -> str | None:
    """Why ``document`` is not a bundle lpctl can read, or None."""
    if not isinstance(document, dict):
        return f"expected a JSON object, found {_json_kind(document)}"
    for key, expected in (("apiVersion", API_VERSION), ("kind", KIND)):
        if document.get(key) != expected:
            found = document.get(key)
            shown = "(none)" if found is None else json.dumps(found, ensure_ascii=False)
            return f'{key} is {shown}, expected "{expected}"'
    entries = document.get("launchPlans")
    if not isinstance(entries, list):
        return f"launchPlans is {_json_kind(entries)}, expected a list"
    seen: set[Key] = set()
    for i, entry in enumerate(entries):
        ident = entry_key(entry)
        if ident is None:
            return f"launchPlans[{i}] has no launchPlan with an id (project, domain, name) and a spec"
        if ident in seen:
            return f"launch plan {'/'.join(ident)} appears more than once"
        if not isinstance(entry.get("autoActivate", False), bool):
            return f"launchPlans[{i}].autoActivate must be true or false"
        seen.add(ident)
    return _triggers_problem(document)


def _triggers_problem(document: Tree) -> str | None:
    """Flyte 2 trigger entries (optional): each with a taskName and a trigger name, each once."""
    entries = document.get("triggers", [])
    if not isinstance(entries, list):
        return f"triggers is {_json_kind(entries)}, expected a list"
    seen: set[Key] = set()
    for i, entry in enumerate(entries):
        key = trigger_key(entry)
        if key is None:
            return f"triggers[{i}] has no taskName and trigger with a name (and with a project, no domain)"
        if key in seen:
            return f"trigger {'/'.join(key[1:])} appears more than once"
        seen.add(key)
    return None


#: the first part of a trigger entry's key, so that triggers print as ``trigger/<task>/<name>`` (or
#: ``trigger/<project>/<domain>/<task>/<name>`` when the entry names where it goes)
TRIGGER = "trigger"


def trigger_key(entry: Any) -> Key | None:
    """A trigger entry's ("trigger", task name, trigger name), with its project and domain before the task
    name when it has them; None when it has no task and trigger name (or a project without a domain)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("trigger"), dict):
        return None
    task, name = entry.get("taskName"), entry["trigger"].get("name")
    if not (isinstance(task, str) and isinstance(name, str)):
        return None
    if "project" not in entry and "domain" not in entry:
        return (TRIGGER, task, name)
    project, domain = entry.get("project"), entry.get("domain")
    return (TRIGGER, project, domain, task, name) if isinstance(project, str) and isinstance(domain, str) else None


def entry_key(entry: Any) -> Key | None:
    """An entry's (project, domain, name), or None when it has no launch plan id and spec."""
    lp = entry.get("launchPlan") if isinstance(entry, dict) else None
    if not isinstance(lp, dict) or not isinstance(lp.get("spec"), dict) or not isinstance(lp.get("id"), dict):
        return None
    parts = [lp["id"].get(k) for k in ("project", "domain", "name")]
    if not all(isinstance(p, str) for p in parts):
        return None
    return (parts[0], parts[1], parts[2])


def launch_plans(document: Tree, path: str = "<bundle>") -> list[tuple[LaunchPlan, bool | None]]:
    """(LaunchPlan, auto_activate) for every entry of a checked bundle, in bundle order; auto_activate is
    None for an entry without ``autoActivate`` (not declared: activation not managed)."""
    from flyteidl.admin.launch_plan_pb2 import LaunchPlan
    from google.protobuf import json_format

    out: list[tuple[LaunchPlan, bool | None]] = []
    for i, entry in enumerate(document["launchPlans"]):
        message = LaunchPlan()
        try:
            json_format.ParseDict(entry["launchPlan"], message)
        except (json_format.ParseError, RecursionError, OverflowError, ValueError, TypeError) as e:
            raise PathError(f"{path}: launchPlans[{i}] is not a flyteidl.admin.LaunchPlan: {e}") from None
        problem = identity_problem(message)
        if problem:
            raise PathError(f"{path}: launchPlans[{i}]: {problem}")
        out.append((message, entry.get("autoActivate")))
    return out


def identity_problem(message: LaunchPlan) -> str | None:
    """What a spec's identity would be refused for (LP805, an empty name), in a launch plan read
    from a bundle: package and register get no name a spec could not have had."""
    from lpctl.spec.config import identity_problem as part_problem

    for where, identifier in (("id", message.id), ("workflowId", message.spec.workflow_id)):
        if not identifier.name:
            return f"{where}.name is empty"
        for what in ("name", "project", "domain", "version"):
            problem = part_problem(f"{where}.{what}", getattr(identifier, what))
            if problem:
                return problem[0]
    return None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {bool: "a boolean", str: "a string", list: "a list", dict: "an object"}
    return names.get(type(value), "a number")


def fill_versions(plans: list[tuple[LaunchPlan, bool | None]], identity: Identity
                  ) -> list[tuple[LaunchPlan, bool | None]]:
    """Registration: fill empty (placeholder) versions with the run's ``identity`` (--version, else [tool.lpctl]
    version), as ``flytectl register files --version`` does; a launch plan still without a version is a usage
    error that says what to pass."""
    version, workflow_version = identity.version, identity.workflow_version
    out = []
    for lp, auto in plans:
        if not lp.id.version or not lp.spec.workflow_id.version:
            if not version:
                raise UsageError(f"launch plan {lp.id.project}/{lp.id.domain}/{lp.id.name} has no version: "
                                 "pass --version V (or set version in the spec or in [tool.lpctl])")
            lp = type(lp).FromString(lp.SerializeToString())
            lp.id.version = lp.id.version or version
            lp.spec.workflow_id.version = lp.spec.workflow_id.version or workflow_version or version
        out.append((lp, auto))
    return out
