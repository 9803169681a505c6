"""``task:`` import path -> the Flyte 2 task's interface, or why not (the codes of workflow resolution)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lpctl.flyte2.bridge import BridgeError, TaskInterface, is_flyte2_task, read_task
from lpctl.shared.imports import DEFAULT_IMPORT_TIMEOUT, REFERENCE, Memo, ResolveError, import_module, import_roots

TaskResolved = TaskInterface | ResolveError


class TaskResolver(Memo[TaskInterface]):
    """Resolves ``package.module:task`` references by importing them against fixed import roots."""

    def __init__(self, roots: Sequence[str] = (), *, import_timeout: float = DEFAULT_IMPORT_TIMEOUT) -> None:
        super().__init__()
        self.roots = list(dict.fromkeys(roots))
        self.import_timeout = import_timeout

    def _find(self, ref: str) -> TaskResolved:
        with import_roots(self.roots):
            return self._import(ref)

    def _import(self, ref: str) -> TaskResolved:
        if not REFERENCE.fullmatch(ref) or ":" not in ref:
            return ResolveError("LP305", f'"{ref}" is not an import path of the form "package.module:task"',
                                'write the module, a colon, then the task: "package.module:task"')
        module_name, _, attr = ref.partition(":")
        module = import_module(module_name, self.roots, self.import_timeout)
        if isinstance(module, ResolveError):
            return module
        obj = module
        for part in attr.split("."):
            if not hasattr(obj, part):
                return ResolveError("LP303", f"module '{module_name}' has no attribute '{attr}'",
                                    _task_hint(module, part))
            obj = getattr(obj, part)
        return classify_task(obj, ref)


def classify_task(obj: Any, ref: str) -> TaskResolved:
    """The interface of a Flyte 2 task, or why ``obj`` is not one."""
    if not is_flyte2_task(obj):
        found = type(obj).__name__
        return ResolveError("LP901", f"'{ref}' is not a Flyte 2 task (found {found})",
                            "a trigger points at an @env.task of flyte-sdk (pip install flyte)")
    try:
        return read_task(obj)
    except BridgeError as e:
        return ResolveError("LP902", f"flyte cannot build the interface of task '{ref}': {e}")


def _task_hint(module: Any, missing: str) -> str | None:
    import difflib

    tasks = sorted(name for name, value in vars(module).items() if is_flyte2_task(value))
    close = difflib.get_close_matches(missing, tasks, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "tasks there: " + ", ".join(tasks) if tasks else None
