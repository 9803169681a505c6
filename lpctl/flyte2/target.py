"""The Flyte 2 target: ``kind: Trigger`` specs -> ``flyteidl2.task.TaskTrigger`` (see lpctl.target)."""

from __future__ import annotations

from typing import Any

from lpctl.diagnostics import Diagnostic
from lpctl.flyte2.compile import CompiledTrigger, compile_trigger, duplicate_triggers
from lpctl.flyte2.locked import LockedTaskResolver, entry_of
from lpctl.flyte2.resolve import TaskResolver
from lpctl.lock import Lock
from lpctl.spec.config import Identity
from lpctl.spec.load import Document
from lpctl.spec.model import trigger_spec
from lpctl.target import Importing, Resolving, Target


class TriggerTarget:
    kinds: tuple[str, ...] = ("Trigger",)
    lock_section: str = "tasks"

    def importing(self, how: Importing) -> Resolving:
        return TaskResolver(how.roots, import_timeout=how.import_timeout)

    def locked(self, lock: Lock, path: str) -> Resolving:
        return LockedTaskResolver(lock, path)

    def lock_entry(self, resolved: Any, module: str | None) -> dict[str, Any]:
        return entry_of(resolved, module)

    def compile(self, doc: Document, broken: set[str], resolver: Resolving,
                identity: Identity) -> tuple[CompiledTrigger | None, list[Diagnostic]]:
        """With fields the schema refused (``broken``), the others are still checked, and nothing is rendered."""
        spec = trigger_spec(doc.data)
        if "task" not in spec.keys:
            return None, []
        trigger, diags = compile_trigger(doc, spec, resolver.resolve(spec.task), identity)
        if "inputs" in broken:  # its inputs were refused: "left unbound" would only repeat that
            diags = [d for d in diags if d.code != "LP910"]
        return (None if broken else trigger), diags

    def duplicates(self, compiled: list[Any]) -> list[Diagnostic]:
        return duplicate_triggers(compiled)


TARGET: Target = TriggerTarget()
