"""The Flyte 1 target: ``kind: LaunchPlan`` specs -> ``flyteidl.admin.LaunchPlan`` (see lpctl.target)."""

from __future__ import annotations

from typing import Any

from lpctl.diagnostics import Diagnostic, error
from lpctl.flyte1.compile import CompiledPlan, compile_spec
from lpctl.flyte1.locked import LockedResolver, entry_of
from lpctl.flyte1.resolve import Resolver
from lpctl.lock import Lock
from lpctl.spec.config import Identity
from lpctl.spec.load import Document
from lpctl.spec.model import launch_plan_spec
from lpctl.target import Importing, Resolving, Target

#: checks that read the input maps: a broken map would make them report what is not there
_READ_INPUTS = {"LP510"}


class LaunchPlanTarget:
    kinds: tuple[str, ...] = ("LaunchPlan",)
    lock_section: str = "workflows"

    def importing(self, how: Importing) -> Resolving:
        """Imports the workflows (and keeps their interfaces in .lpctl_cache/ when asked)."""
        from lpctl.cache import Cache

        return Resolver(how.roots, import_timeout=how.import_timeout, interfaces=Cache() if how.cache else None)

    def locked(self, lock: Lock, path: str) -> Resolving:
        return LockedResolver(lock, path)

    def lock_entry(self, resolved: Any, module: str | None) -> dict[str, Any]:
        return entry_of(resolved, module)

    def compile(self, doc: Document, broken: set[str], resolver: Resolving,
                identity: Identity) -> tuple[CompiledPlan | None, list[Diagnostic]]:
        lp_spec = launch_plan_spec(doc.data)
        plan, diags = compile_spec(doc, lp_spec, resolver.resolve(lp_spec.workflow), identity)
        if broken & {"default_inputs", "fixed_inputs"}:  # one root cause, one error
            diags = [d for d in diags if d.code not in _READ_INPUTS]
        return (None if broken else plan), diags

    def duplicates(self, compiled: list[Any]) -> list[Diagnostic]:
        first: dict[tuple[str, str, str], CompiledPlan] = {}
        diags = []
        for plan in compiled:
            project, domain, name, _ = plan.identity()
            key = (project, domain, name)
            if key not in first:
                first[key] = plan
                continue
            where = first[key].source.name_at
            diags.append(error("LP806", f"launch plan {project}/{domain}/{name} is also defined at {where}",
                               plan.source.name_at, "launch plan names must be unique within a project and domain"))
        return diags


TARGET: Target = LaunchPlanTarget()
