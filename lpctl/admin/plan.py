"""A plan of ``lpctl plan`` / ``lpctl apply``: its actions, and how it is shown (text, JSON); pure.

:mod:`lpctl.admin.reconcile` computes and performs it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from flyteidl.admin.launch_plan_pb2 import LaunchPlan
from flyteidl.core.identifier_pb2 import Identifier

from lpctl.admin.client import RegisteredId, launch_plan_id

JSON_FORMAT_VERSION = 1

#: ``unmanaged`` is a note, never performed: a declared version on the server but not active while another
#: version is, and its spec does not mention auto_activate
Kind = Literal["create", "update", "activate", "deactivate", "unmanaged", "orphan", "conflict"]
RANK: dict[str, int] = {"create": 0, "update": 0, "activate": 1, "deactivate": 1, "unmanaged": 1, "orphan": 2,
                        "conflict": 3}
_SYMBOLS = {"create": "+", "update": "~", "activate": "~", "deactivate": "-", "unmanaged": " ", "orphan": "-",
            "conflict": "!"}


@dataclass(frozen=True)
class Action:
    """One line of a plan. ``pending``: apply performs it (an orphan without ``prune`` and a conflict
    are shown, not performed). ``replaces``: the version active now that an activation replaces."""

    kind: Kind
    identity: RegisteredId
    reason: str
    pending: bool = True
    changes: tuple[str, ...] = ()
    replaces: str | None = None
    launch_plan: LaunchPlan | None = field(default=None, compare=False, repr=False)
    #: the id as the server wrote it (``identity`` is escaped for showing)
    server_id: RegisteredId | None = field(default=None, compare=False, repr=False)
    #: a Flyte 2 trigger's task name (``identity`` holds the trigger's name and its task version); "" for a
    #: launch plan
    task: str = ""
    #: what apply sends for a trigger (lpctl.admin.triggers)
    payload: Any = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """How the plan names it: ``name@version``, or ``trigger task/name@version`` (an orphan trigger's
        task version is not read: ``trigger task/name``)."""
        if not self.task:
            return f"{self.identity.name}@{self.identity.version}"
        name = f"trigger {self.task}/{self.identity.name}"
        return f"{name}@{self.identity.version}" if self.identity.version else name

    @property
    def target(self) -> Identifier:
        return launch_plan_id(self.server_id or self.identity)


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    prune: bool = False
    #: what the server answered outside the scope asked for (ignored), as warnings about it
    warnings: tuple[str, ...] = ()

    @property
    def pending(self) -> list[Action]:
        """What apply performs, in its order: creates, then (de)activations, then pruned orphans."""
        return sorted((a for a in self.actions if a.pending), key=lambda a: (RANK[a.kind], *a.identity))

    @property
    def conflicts(self) -> list[Action]:
        return [a for a in self.actions if a.kind == "conflict"]

    @property
    def changes_pending(self) -> bool:
        return bool(self.pending or self.conflicts)


def summary(plan: Plan) -> str:
    """``2 to create, 1 to activate, 1 orphan``; ``No changes...`` when apply has nothing to do."""
    counts = Counter(a.kind for a in plan.actions)
    parts = [f"{counts[k]} to {k}" for k in ("create", "update", "activate", "deactivate") if counts[k]]
    if counts["unmanaged"]:
        parts.append(f"{counts['unmanaged']} activation{'s' if counts['unmanaged'] > 1 else ''} not managed")
    if counts["orphan"]:
        kept = "" if plan.prune else " kept (--prune deactivates)"
        parts.append(f"{counts['orphan']} orphan{'s' if counts['orphan'] > 1 else ''}{kept}")
    if counts["conflict"]:
        parts.append(f"{counts['conflict']} conflict{'s' if counts['conflict'] > 1 else ''}")
    if not plan.changes_pending:
        rest = f"; {', '.join(parts)}" if parts else ""
        return f"No changes: the server matches the specs{rest}."
    return ", ".join(parts) + "."


def format_text(plan: Plan) -> list[tuple[str, str]]:
    """``(kind, line)`` pairs: a heading per project/domain, a line per action, the count last.
    kind is the action's kind, ``"detail"``, ``"heading"`` or ``"summary"`` (for colouring)."""
    lines: list[tuple[str, str]] = []
    scope = None
    for a in plan.actions:
        if (a.identity.project, a.identity.domain) != scope:
            scope = (a.identity.project, a.identity.domain)
            lines.append(("heading", f"{scope[0]}/{scope[1]}"))
        symbol = _SYMBOLS[a.kind] if a.pending or a.kind == "conflict" else " "
        lines.append((a.kind, f"  {symbol} {a.kind:<10} {a.label}: {a.reason}"))
        lines.extend(("detail", f"        {change}") for change in a.changes)
    lines.append(("summary", summary(plan)))
    return lines


def format_json(plan: Plan) -> str:
    return json.dumps(plan_document(plan), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def plan_document(plan: Plan) -> dict[str, Any]:
    """``{"version": 1, "prune", "changes": bool, "summary", "actions": [...], "warnings": [...]}``, one
    entry per action; the warnings are about the server (answers outside the scope asked for)."""
    actions = [{"action": a.kind, "project": a.identity.project, "domain": a.identity.domain,
                "name": a.identity.name, "version": a.identity.version, "pending": a.pending,
                "reason": a.reason, "changes": list(a.changes), "replaces": a.replaces,
                **({"kind": "trigger", "task": a.task} if a.task else {"kind": "launch_plan"})} for a in plan.actions]
    return {"version": JSON_FORMAT_VERSION, "prune": plan.prune, "changes": plan.changes_pending,
            "summary": summary(plan), "actions": actions, "warnings": list(plan.warnings)}
