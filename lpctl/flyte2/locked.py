"""Flyte 2 tasks in ``lpctl.lock``: a task's interface <-> its entry, and the resolver that imports nothing.

An entry holds what a trigger needs of its task, as flyte-sdk computed it when ``lpctl lock`` imported
the task: the registered name, the inputs' literal types in the VariableMap's order, the Python
defaults as flyte-sdk converts them (``convert_upload_default_inputs``), in signature order, in the
protobuf JSON mapping, and the names of the triggers the task declares in code (``codeTriggers``, only
when it declares some: the warning LP925 needs them; an entry without is as before). Reading it back
needs flyteidl2's messages only: neither flyte-sdk nor the user's module is imported.
"""

from __future__ import annotations

from typing import Any

from lpctl.flyte2.bridge import TaskInterface
from lpctl.lock import Lock
from lpctl.shared.imports import Memo, ResolveError
from lpctl.shared.locked import malformed, not_in_lock


def entry_of(task: TaskInterface, module: str | None) -> dict[str, Any]:
    from lpctl.bundle import message_to_dict

    defaults = dict(task.defaults)
    inputs = []
    for name, literal_type in task.inputs.items():
        item: dict[str, Any] = {"name": name, "type": message_to_dict(literal_type)}
        if name in defaults:
            item["default"] = message_to_dict(defaults[name])
        inputs.append(item)
    entry = {"name": task.name, "module": module, "inputs": inputs,
             "defaultOrder": [name for name, _ in task.defaults]}
    if task.code_triggers:
        entry["codeTriggers"] = list(task.code_triggers)
    return entry


def task_of(entry: Any) -> TaskInterface:
    """The interface a lock entry records; raises ValueError (or KeyError, TypeError) unless the entry is
    exactly what :func:`entry_of` writes for that interface."""
    from flyteidl2.core.literals_pb2 import Literal
    from flyteidl2.core.types_pb2 import LiteralType
    from google.protobuf import json_format

    items = {item["name"]: item for item in entry["inputs"]}
    try:
        inputs = {name: json_format.ParseDict(item["type"], LiteralType()) for name, item in items.items()}
        defaults = tuple((name, json_format.ParseDict(items[name]["default"], Literal()))
                         for name in entry["defaultOrder"])
    except (json_format.ParseError, RecursionError) as e:
        raise ValueError(f"not a Flyte type or literal ({str(e).splitlines()[0][:160]})") from None
    code_triggers = entry.get("codeTriggers", [])
    if not isinstance(code_triggers, list) or not all(isinstance(name, str) for name in code_triggers):
        raise ValueError('"codeTriggers" is not a list of trigger names')
    task = TaskInterface(entry["name"], inputs, defaults, tuple(code_triggers))
    if not isinstance(task.name, str) or entry_of(task, entry["module"]) != entry:
        raise ValueError("it is not what 'lpctl lock' writes for the interface it describes (a value is not in "
                         "canonical form, or a key is missing or extra)")
    return task


class LockedTaskResolver(Memo[TaskInterface]):
    """Answers ``task:`` references from a lock. A malformed entry is reported once, at its line in the
    lock (LP309, in :attr:`diagnostics`), and the specs naming it are not compiled."""

    def __init__(self, lock: Lock, path: str) -> None:
        super().__init__()
        self.lock = lock
        self.path = path

    def _find(self, ref: str) -> TaskInterface | ResolveError:
        entry = self.lock.tasks.get(ref)
        if entry is None:
            return not_in_lock("task", ref, self.path)
        try:
            return task_of(entry)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            why = str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}"
            return malformed(self.lock, self.path, ref, why, self.diagnostics, after="tasks")
