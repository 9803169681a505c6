"""``lpctl plan`` and ``lpctl apply``: make FlyteAdmin hold what the specs declare (returns values).

The specs declare which launch plan versions exist and which are active; the server holds what
does. :func:`compute_plan` compares them in every project and domain the specs name and lists the
actions (section 9 of DESIGN.md):

- create: a declared version is not on the server;
- activate: declared ``auto_activate: true`` and not the active version (FlyteAdmin deactivates the
  version it replaces, so that needs no action of its own);
- deactivate: declared ``auto_activate: false`` while a version of that name is active;
- orphan: an active launch plan that no spec in its project and domain declares; deactivated only
  with ``prune``, else shown and kept;
- conflict: the declared version is registered with a different structure, shown in spec terms;
  never overwritten (FlyteAdmin cannot): the fix is a new version.

Reads per project and domain: ``ListActiveLaunchPlans`` (paged) and ``ListLaunchPlans`` filtered on
each declared version (paged; ``GetLaunchPlan`` per launch plan for a version a filter cannot hold),
so the number of calls grows with the declared launch plans' pages, not with the versions the server
keeps. :func:`apply` performs the plan: creates first, then activations and deactivations, then
pruned orphans; it stops at a failure that dooms the calls after it and says what was done, what
failed and what was not attempted; running it again completes the rest.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from flyteidl.admin.launch_plan_pb2 import LaunchPlan
from flyteidl.core.identifier_pb2 import Identifier

from lpctl.admin.client import AdminError, Identity, ServerError, fatal_message, filterable, identity, launch_plan_id
from lpctl.admin.compare import change_lines
from lpctl.admin.outcome import Outcome, not_attempted
from lpctl.admin.register import Admin, conflict, create
from lpctl.admin.text import server_text

JSON_FORMAT_VERSION = 1

Kind = Literal["create", "update", "activate", "deactivate", "orphan", "conflict"]
_RANK: dict[str, int] = {"create": 0, "update": 0, "activate": 1, "deactivate": 1, "orphan": 2, "conflict": 3}
_SYMBOLS = {"create": "+", "update": "~", "activate": "~", "deactivate": "-", "orphan": "-", "conflict": "!"}
Desired = tuple[LaunchPlan, bool]


class Server(Admin, Protocol):
    """The calls plan and apply make; ``AdminClient`` implements them over gRPC."""

    def deactivate_launch_plan(self, identifier: Identifier) -> None: ...

    def list_active_launch_plans(self, project: str, domain: str) -> Iterable[LaunchPlan]: ...

    def list_launch_plans(self, project: str, domain: str, *, name: str = "",
                          version: str | None = None) -> Iterable[LaunchPlan]: ...


@dataclass(frozen=True)
class Action:
    """One line of a plan. ``pending``: apply performs it (an orphan without ``prune`` and a conflict
    are shown, not performed). ``replaces``: the version active now that an activation replaces."""

    kind: Kind
    identity: Identity
    reason: str
    pending: bool = True
    changes: tuple[str, ...] = ()
    replaces: str | None = None
    launch_plan: LaunchPlan | None = field(default=None, compare=False, repr=False)
    #: the id as the server wrote it (``identity`` is escaped for showing)
    server_id: Identity | None = field(default=None, compare=False, repr=False)
    #: a Flyte 2 trigger's task name (``identity`` holds the trigger's name and its task version); "" for a
    #: launch plan
    task: str = ""
    #: what apply sends for a trigger (lpctl.admin.triggers)
    payload: Any = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """How the plan names it: ``name@version``, or ``trigger task/name@version``."""
        name = f"trigger {self.task}/{self.identity.name}" if self.task else self.identity.name
        return f"{name}@{self.identity.version}"

    @property
    def target(self) -> Identifier:
        return launch_plan_id(self.server_id or self.identity)


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    prune: bool = False

    @property
    def pending(self) -> list[Action]:
        """What apply performs, in its order: creates, then (de)activations, then pruned orphans."""
        return sorted((a for a in self.actions if a.pending), key=lambda a: (_RANK[a.kind], *a.identity))

    @property
    def conflicts(self) -> list[Action]:
        return [a for a in self.actions if a.kind == "conflict"]

    @property
    def changes_pending(self) -> bool:
        return bool(self.pending or self.conflicts)


# -- plan -------------------------------------------------------------------------------------------


def read_plan(client: Server, plans: Sequence[Desired], *, prune: bool = False) -> Plan:
    """:func:`compute_plan`, with a failed read (unreachable server, refused credentials, a refused
    listing) as a ServerError: nothing can be planned."""
    try:
        return compute_plan(client, plans, prune=prune)
    except AdminError as e:
        if e.fatal:
            raise ServerError(fatal_message(e)) from None
        raise ServerError(f"FlyteAdmin refused to list the launch plans ({e.code}: {e.details})") from None


def compute_plan(client: Server, plans: Sequence[Desired], *, prune: bool = False) -> Plan:
    """Compare the declared launch plans with the server; changes nothing."""
    scopes: dict[tuple[str, str], list[Desired]] = defaultdict(list)
    for desired in plans:
        scopes[(desired[0].id.project, desired[0].id.domain)].append(desired)
    actions: list[Action] = []
    for (project, domain), declared in sorted(scopes.items()):
        active = {lp.id.name: lp for lp in client.list_active_launch_plans(project, domain)}
        registered = _registered(client, project, domain, declared)
        actions.extend(_scope_actions(declared, active, registered))
        actions.extend(_orphans(project, domain, declared, active, prune))
    return Plan(tuple(sorted(actions, key=display_order)), prune)


def display_order(action: Action) -> tuple[str, str, str, int, str, str]:
    ident = action.identity
    return (ident.project, ident.domain, action.task, _RANK[action.kind], ident.name, ident.version)


def _registered(client: Server, project: str, domain: str, declared: Sequence[Desired]) -> dict[Identity, LaunchPlan]:
    """The declared versions that are on the server: one paged listing per version."""
    wanted = {identity(lp) for lp, _ in declared}
    found: dict[Identity, LaunchPlan] = {}
    for version in sorted({i.version for i in wanted}):
        if filterable(version):
            listed = client.list_launch_plans(project, domain, version=version)
            found.update((identity(lp), lp) for lp in listed if identity(lp) in wanted)
            continue
        for ident in sorted(i for i in wanted if i.version == version):
            lp = client.find_launch_plan(launch_plan_id(ident))
            if lp is not None:
                found[ident] = lp
    return found


def _scope_actions(declared: Sequence[Desired], active: dict[str, LaunchPlan],
                   registered: dict[Identity, LaunchPlan]) -> list[Action]:
    by_name: dict[str, list[Desired]] = defaultdict(list)
    for desired in declared:
        by_name[desired[0].id.name].append(desired)
    actions: list[Action] = []
    for name, versions in sorted(by_name.items()):
        actions.extend(_version_actions(versions, registered))
        blocked = {a.identity.version for a in actions if a.kind == "conflict" and a.identity.name == name}
        actions.extend(_activation(versions, active.get(name), blocked))
    return actions


def _version_actions(versions: Sequence[Desired], registered: dict[Identity, LaunchPlan]) -> list[Action]:
    out = []
    for lp, _ in versions:
        ident = identity(lp)
        on_server = registered.get(ident)
        if on_server is None:
            out.append(Action("create", ident, "not on the server", launch_plan=lp))
            continue
        changes = change_lines(on_server, lp)
        if changes:
            out.append(Action("conflict", ident, conflict(ident, changes).message, pending=False,
                              changes=changes))
    return out


def _activation(versions: Sequence[Desired], current: LaunchPlan | None, blocked: set[str]) -> list[Action]:
    wanted = [lp for lp, auto in versions if auto]
    now = server_text(current.id.version) if current is not None else None
    if len(wanted) > 1:
        names = ", ".join(lp.id.version for lp in wanted)
        ident = identity(wanted[-1])
        return [Action("conflict", ident, f"versions {names} all declare auto_activate: true; only one version "
                       "of a name can be active: keep it on one", pending=False)]
    if wanted:
        target = identity(wanted[0])
        if target.version in blocked or now == target.version:
            return []
        reason = f"replaces active version {now}" if now else "no version of it is active"
        return [Action("activate", target, reason, replaces=now)]
    if current is None:
        return []
    ident = identity(versions[0][0])._replace(version=now or "")
    return [Action("deactivate", ident, "active, but the specs declare auto_activate: false",
                   server_id=identity(current))]


def _orphans(project: str, domain: str, declared: Sequence[Desired], active: dict[str, LaunchPlan],
             prune: bool) -> list[Action]:
    names = {lp.id.name for lp, _ in declared}
    out = []
    for name, lp in sorted(active.items()):
        if name in names:
            continue
        ident = Identity(project, domain, server_text(name), server_text(lp.id.version))
        reason = ("active, declared by no spec here: deactivated (--prune)" if prune else
                  "active, declared by no spec here: kept (--prune deactivates it)")
        out.append(Action("orphan", ident, reason, pending=prune, server_id=identity(lp)))
    return out


# -- apply ------------------------------------------------------------------------------------------


def apply(client: Server, plan: Plan) -> list[Outcome]:
    """Perform the plan's pending actions in order; conflicts become outcomes, never writes."""
    return perform_all(plan, lambda action: _perform(client, action))


def perform_all(plan: Plan, perform: Callable[[Action], Outcome],
                fatal: Callable[[AdminError], str] = fatal_message) -> list[Outcome]:
    """Perform the plan's pending actions in order with ``perform``; conflicts become outcomes, never
    writes. A fatal error stops the run: the rest is reported as not attempted."""
    outcomes = [Outcome(a.identity, "conflict", a.reason, a.changes, action="conflict", task=a.task)
                for a in plan.conflicts]
    todo = plan.pending
    failed: set[tuple[str, Identity]] = set()
    for index, action in enumerate(todo):
        if (action.task, action.identity) in failed:
            outcomes.append(Outcome(action.identity, "not-attempted", "not attempted: creating it failed",
                                    action=action.kind, task=action.task))
            continue
        try:
            outcome = perform(action)
        except AdminError as e:
            outcomes.append(Outcome(action.identity, "failed", fatal(e), action=action.kind, task=action.task))
            outcomes.extend(not_attempted(a.identity, a.kind, a.task) for a in todo[index + 1:])
            return outcomes
        if not outcome.ok:
            failed.add((action.task, action.identity))
        outcomes.append(outcome)
    return outcomes


def _perform(client: Server, action: Action) -> Outcome:
    """One action; an error that only concerns this launch plan is a ``failed`` outcome, a fatal one raises."""
    try:
        if action.kind == "create":
            assert action.launch_plan is not None
            return _created(create(client, action.launch_plan), action)
        if action.kind == "activate":
            client.activate_launch_plan(action.target)
            return Outcome(action.identity, "done", "activated" + (
                f" (version {action.replaces} deactivated)" if action.replaces else ""), action=action.kind)
        client.deactivate_launch_plan(action.target)
        return Outcome(action.identity, "done", "deactivated", action=action.kind)
    except AdminError as e:
        if e.fatal:
            raise
        return Outcome(action.identity, "failed", f"{e.code}: {e.details}", action=action.kind)


def _created(result: Outcome, action: Action) -> Outcome:
    """register's outcome of one create, in apply's terms."""
    if result.status == "created":
        return Outcome(action.identity, "done", "created", action="create")
    if result.status == "exists":
        return Outcome(action.identity, "done", "already created (identical structure)", action="create")
    if result.status == "conflict":
        return Outcome(action.identity, "conflict", result.message, result.changes, action="create")
    return Outcome(action.identity, "failed", result.message, action="create")


# -- showing a plan ---------------------------------------------------------------------------------


def summary(plan: Plan) -> str:
    """``2 to create, 1 to activate, 1 orphan``; ``No changes...`` when apply has nothing to do."""
    counts = Counter(a.kind for a in plan.actions)
    parts = [f"{counts[k]} to {k}" for k in ("create", "update", "activate", "deactivate") if counts[k]]
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
    """``{"version": 1, "prune", "changes": bool, "summary", "actions": [...]}``, one entry per action."""
    actions = [{"action": a.kind, "project": a.identity.project, "domain": a.identity.domain,
                "name": a.identity.name, "version": a.identity.version, "pending": a.pending,
                "reason": a.reason, "changes": list(a.changes), "replaces": a.replaces,
                **({"kind": "trigger", "task": a.task} if a.task else {"kind": "launch_plan"})} for a in plan.actions]
    return {"version": JSON_FORMAT_VERSION, "prune": plan.prune, "changes": plan.changes_pending,
            "summary": summary(plan), "actions": actions}
