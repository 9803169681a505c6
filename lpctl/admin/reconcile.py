"""``lpctl plan`` and ``lpctl apply``: make FlyteAdmin hold what the specs declare (returns values).

The specs declare which launch plan versions exist and which are active; the server holds what
does. :func:`compute_plan` compares them in every project and domain the specs name and lists the
actions:

- create: a declared version is not on the server;
- activate: declared ``auto_activate: true`` and not the active version (FlyteAdmin deactivates the
  version it replaces, so that needs no action of its own);
- deactivate: declared ``auto_activate: false`` while that version is active (or, when every declared
  version of the name says false, while any version of it is);
- a spec that does not mention ``auto_activate`` (None) leaves activation as the server has it; where
  that matters the plan says so: a create ("created inactive"), and an ``unmanaged`` note (never
  performed) for a declared version on the server that is not active while another version is;
- orphan: an active launch plan that no spec in its project and domain declares; deactivated only
  with ``prune``, else shown and kept;
- conflict: the declared version is registered with a different structure, shown in spec terms;
  never overwritten (FlyteAdmin cannot): the fix is a new version.

Only what is in the project and domain asked for (and of the name asked for) counts: anything else a
server answers is left out of every decision and reported as a warning (:mod:`lpctl.admin.guard`),
so ``prune`` never reaches outside the specs' projects and domains. A server listing several active
versions of one name (FlyteAdmin keeps one) is warned about too, and every decision takes all of
them into account, whatever order they came in.

Reads per project and domain: ``ListActiveLaunchPlans`` (paged) and ``ListLaunchPlans`` filtered on
each declared version (paged; ``GetLaunchPlan`` per launch plan for a version a filter cannot hold),
so the number of calls grows with the declared launch plans' pages, not with the versions the server
keeps. :func:`apply` performs the plan: creates first, then activations and deactivations, then
pruned orphans; it stops at a failure that dooms the calls after it, or when ``stop()`` says so (an
interruption), before the next write, and says what was done, what failed and what was not attempted;
running it again completes the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from flyteidl.admin.launch_plan_pb2 import LaunchPlan
from flyteidl.core.identifier_pb2 import Identifier

from lpctl.admin.client import (
    AdminError,
    RegisteredId,
    ServerError,
    fatal_message,
    filterable,
    launch_plan_id,
    registered_id,
)
from lpctl.admin.compare import change_lines
from lpctl.admin.guard import Scope, Strays, in_scope
from lpctl.admin.outcome import Outcome, interrupted, not_attempted
from lpctl.admin.plan import RANK, Action, Plan, format_json, format_text, plan_document, summary
from lpctl.admin.register import Admin, conflict, create
from lpctl.admin.text import server_text

# what plan and apply show, defined beside the plan (re-exported: the names callers have always used)
__all__ = ["Action", "Desired", "Plan", "Server", "apply", "compute_plan", "display_order", "format_json",
           "format_text", "perform_all", "plan_document", "read_plan", "summary"]

#: a declared launch plan and its ``auto_activate``: True, False, or None when the spec does not say
Desired = tuple[LaunchPlan, bool | None]


class Server(Admin, Protocol):
    """The calls plan and apply make; ``AdminClient`` implements them over gRPC."""

    def deactivate_launch_plan(self, identifier: Identifier) -> None: ...

    def list_active_launch_plans(self, project: str, domain: str) -> Iterable[LaunchPlan]: ...

    def list_launch_plans(self, project: str, domain: str, *, name: str = "",
                          version: str | None = None) -> Iterable[LaunchPlan]: ...


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
    strays = Strays()
    doubles: list[str] = []
    for (project, domain), declared in sorted(scopes.items()):
        listed = in_scope(client.list_active_launch_plans(project, domain), Scope(project, domain), _key,
                          "ListActiveLaunchPlans", strays, _shown)
        active = _by_name(listed)
        doubles.extend(_several_active(Scope(project, domain), active))
        registered = _registered(client, project, domain, declared, strays)
        actions.extend(_scope_actions(declared, active, registered))
        actions.extend(_orphans(project, domain, declared, active, prune))
    return Plan(tuple(sorted(actions, key=display_order)), prune, strays.warnings() + tuple(doubles))


#: the active versions of each name, sorted by version (FlyteAdmin keeps one; a faulty server may list more)
Active = dict[str, list[LaunchPlan]]


def _by_name(listed: Iterable[LaunchPlan]) -> Active:
    versions: dict[str, dict[str, LaunchPlan]] = defaultdict(dict)
    for lp in listed:
        versions[lp.id.name].setdefault(lp.id.version, lp)
    return {name: [found[v] for v in sorted(found)] for name, found in versions.items()}


def _several_active(scope: Scope, active: Active) -> list[str]:
    """A warning about the server per name it lists more than one active version of."""
    return [f"the server's ListActiveLaunchPlans for {scope} answered {len(lps)} active versions of "
            f"{server_text(name)} ({_versions(lps)}): FlyteAdmin keeps one active version per launch plan; "
            "the plan takes each of them into account" for name, lps in sorted(active.items()) if len(lps) > 1]


def _versions(lps: Sequence[LaunchPlan]) -> str:
    return ", ".join(server_text(lp.id.version) for lp in lps)


def _key(lp: LaunchPlan) -> tuple[str, str, str]:
    return (lp.id.project, lp.id.domain, lp.id.name)


def _shown(lp: LaunchPlan) -> str:
    return server_text(str(registered_id(lp)), 200)


def display_order(action: Action) -> tuple[str, str, str, int, str, str]:
    ident = action.identity
    return (ident.project, ident.domain, action.task, RANK[action.kind], ident.name, ident.version)


def _registered(client: Server, project: str, domain: str, declared: Sequence[Desired],
                strays: Strays) -> dict[RegisteredId, LaunchPlan]:
    """The declared versions that are on the server: one paged listing per version."""
    wanted = {registered_id(lp) for lp, _ in declared}
    found: dict[RegisteredId, LaunchPlan] = {}
    for version in sorted({i.version for i in wanted}):
        if filterable(version):
            listed = in_scope(client.list_launch_plans(project, domain, version=version), Scope(project, domain),
                              _key, f"ListLaunchPlans at version {version}", strays, _shown, _at_version(version))
            found.update((registered_id(lp), lp) for lp in listed if registered_id(lp) in wanted)
            continue
        for ident in sorted(i for i in wanted if i.version == version):
            lp = client.find_launch_plan(launch_plan_id(ident))
            if lp is not None and in_scope([lp], Scope(project, domain, ident.name), _key, "GetLaunchPlan",
                                           strays, _shown, _is(ident)):
                found[ident] = lp
    return found


def _at_version(version: str) -> Callable[[LaunchPlan], bool]:
    return lambda lp: lp.id.version == version


def _is(ident: RegisteredId) -> Callable[[LaunchPlan], bool]:
    return lambda lp: registered_id(lp) == ident


def _scope_actions(declared: Sequence[Desired], active: Active,
                   registered: dict[RegisteredId, LaunchPlan]) -> list[Action]:
    by_name: dict[str, list[Desired]] = defaultdict(list)
    for desired in declared:
        by_name[desired[0].id.name].append(desired)
    actions: list[Action] = []
    for name, versions in sorted(by_name.items()):
        current = active.get(name, [])
        actions.extend(_version_actions(versions, registered, current))
        blocked = {a.identity.version for a in actions if a.kind == "conflict" and a.identity.name == name}
        actions.extend(_activation(versions, current, blocked))
        actions.extend(_not_managed(versions, registered, current, blocked))
    return actions


def _version_actions(versions: Sequence[Desired], registered: dict[RegisteredId, LaunchPlan],
                     current: Sequence[LaunchPlan]) -> list[Action]:
    out = []
    for lp, auto in versions:
        ident = registered_id(lp)
        on_server = registered.get(ident)
        if on_server is None:
            out.append(Action("create", ident, "not on the server" + _unmanaged(auto, current), launch_plan=lp))
            continue
        changes = change_lines(on_server, lp)
        if changes:
            out.append(Action("conflict", ident, conflict(ident, changes).message, pending=False,
                              changes=changes))
    return out


def _unmanaged(auto: bool | None, current: Sequence[LaunchPlan]) -> str:
    """What a create of a version whose spec does not mention auto_activate leaves active."""
    if auto is not None:
        return ""
    stays = (f", version {_versions(current)} stays active" if len(current) == 1 else
             f", versions {_versions(current)} stay active" if current else "")
    return f"; created inactive{stays} (no auto_activate: activation not managed)"


def _not_managed(versions: Sequence[Desired], registered: dict[RegisteredId, LaunchPlan],
                 current: Sequence[LaunchPlan], blocked: set[str]) -> list[Action]:
    """A note per declared version on the server, inactive while another version is active, whose spec does
    not mention auto_activate: the server runs another version, and the specs leave it so."""
    active = {lp.id.version for lp in current}
    if not active or any(auto is True for _, auto in versions) or active & {lp.id.version for lp, _ in versions}:
        return []
    is_are = "is" if len(active) == 1 else "are"
    return [Action("unmanaged", ident, f"on the server but not active (version {_versions(current)} {is_are}); "
                   "no auto_activate: activation not managed", pending=False)
            for ident in (registered_id(lp) for lp, auto in versions if auto is None)
            if ident in registered and ident.version not in blocked]


def _activation(versions: Sequence[Desired], current: Sequence[LaunchPlan], blocked: set[str]) -> list[Action]:
    wanted = [lp for lp, auto in versions if auto is True]
    now = [server_text(lp.id.version) for lp in current]
    if len(wanted) > 1:
        names = ", ".join(lp.id.version for lp in wanted)
        ident = registered_id(wanted[-1])
        return [Action("conflict", ident, f"versions {names} all declare auto_activate: true; only one version "
                       "of a name can be active: keep it on one", pending=False)]
    if wanted:
        target = registered_id(wanted[0])
        if target.version in blocked or target.version in now:
            return []
        if len(now) > 1:  # which one FlyteAdmin replaces is its own affair: name none
            return [Action("activate", target, f"versions {_versions(current)} are active (the server lists "
                           "several)")]
        reason = f"replaces active version {now[0]}" if now else "no version of it is active"
        return [Action("activate", target, reason, replaces=now[0] if now else None)]
    return [Action("deactivate", registered_id(versions[0][0])._replace(version=server_text(lp.id.version)),
                   "active, but the specs declare auto_activate: false", server_id=registered_id(lp))
            for lp in current if _declared_off(versions, lp.id.version)]


def _declared_off(versions: Sequence[Desired], active_version: str) -> bool:
    """Whether the specs say the active version must not be: it declares auto_activate: false, or it is
    not declared and every declared version says false (None anywhere: not managed)."""
    said = {lp.id.version: auto for lp, auto in versions}
    if active_version in said:
        return said[active_version] is False
    return all(auto is False for auto in said.values())


def _orphans(project: str, domain: str, declared: Sequence[Desired], active: Active,
             prune: bool) -> list[Action]:
    names = {lp.id.name for lp, _ in declared}
    out = []
    for name, lp in ((name, lp) for name, lps in sorted(active.items()) for lp in lps):
        if name in names:
            continue
        ident = RegisteredId(project, domain, server_text(name), server_text(lp.id.version))
        reason = ("active, declared by no spec here: deactivated (--prune)" if prune else
                  "active, declared by no spec here: kept (--prune deactivates it)")
        out.append(Action("orphan", ident, reason, pending=prune, server_id=registered_id(lp)))
    return out


# -- apply ------------------------------------------------------------------------------------------


def apply(client: Server, plan: Plan, stop: Callable[[], bool] = lambda: False) -> list[Outcome]:
    """Perform the plan's pending actions in order; conflicts become outcomes, never writes. ``stop()`` is
    asked before each write: True (an interruption) ends the run there."""
    return perform_all(plan, lambda action: _perform(client, action), stop=stop)


def perform_all(plan: Plan, perform: Callable[[Action], Outcome], fatal: Callable[[AdminError], str] = fatal_message,
                stop: Callable[[], bool] = lambda: False) -> list[Outcome]:
    """Perform the plan's pending actions in order with ``perform``; conflicts become outcomes, never
    writes. A fatal error stops the run, and so does ``stop()`` (asked before each write: an
    interruption): the rest is reported as not attempted."""
    outcomes = [Outcome(a.identity, "conflict", a.reason, a.changes, action="conflict", task=a.task)
                for a in plan.conflicts]
    todo = plan.pending
    failed: set[tuple[str, RegisteredId]] = set()
    for index, action in enumerate(todo):
        if stop():
            outcomes.extend(interrupted(a.identity, a.kind, a.task) for a in todo[index:])
            return outcomes
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
