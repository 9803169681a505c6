"""``lpctl plan`` and ``lpctl apply`` for Flyte 2 triggers: the reconcile engine's actions, against the
TriggerService (flyte2-deploy-reference.md sections 1 and 9; returns values).

The specs declare which triggers each task has, the task version each pins and whether each is active;
the server holds what does. :func:`compute_plan` compares them for every task the specs name, in the
specs' projects and domains, and lists :class:`lpctl.admin.reconcile.Action` s:

- create: the trigger is not on the server (or was deleted: DeployTrigger brings it back);
- update: its schedule, inputs, run settings, description or task version differ from the latest revision;
- activate / deactivate: only its state differs from the declared ``auto_activate`` (default true, as
  flyte-sdk);
- orphan: an active trigger of a task the specs name that no spec declares; deactivated only with
  ``prune`` (UpdateTriggers, which a later DeployTrigger undoes; never deleted);
- conflict: the pinned task version is not on the server: nothing is deployed for it (the task is the
  code's to deploy, with ``flyte deploy``).

Reads: GetTaskDetails per declared task version, ListTriggers (paged) of the task, or of the project and
domain when the specs name several tasks there, GetTriggerDetails per declared trigger that exists.
Writes (apply only): DeployTrigger for create and update, with the revision read as an optimistic lock;
SelectCluster and UploadInputs first when the trigger has inputs, exactly as flyte-sdk's
``Trigger.create``; UpdateTriggers for activation. Never DeployTask, never DeleteTriggers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lpctl.admin.client import AdminError, RegisteredId, ServerError, fatal_message
from lpctl.admin.guard import Scope, Strays, in_scope
from lpctl.admin.outcome import Outcome
from lpctl.admin.reconcile import Action, Plan, perform_all
from lpctl.admin.text import server_text
from lpctl.admin.trigger_diff import change_lines

if TYPE_CHECKING:
    from lpctl.admin.flyte2_client import Flyte2Client
    from lpctl.flyte2.compile import CompiledTrigger



@dataclass(frozen=True)
class Desired:
    """One declared trigger, where it goes and the task version it pins."""

    compiled: CompiledTrigger
    project: str
    domain: str
    version: str
    org: str = ""

    @property
    def task(self) -> str:
        return self.compiled.task_name

    @property
    def name(self) -> str:
        return str(self.compiled.trigger.name)

    def identity(self) -> RegisteredId:
        return RegisteredId(self.project, self.domain, self.name, self.version)

    def trigger_name(self) -> Any:
        from flyteidl2.common import identifier_pb2

        return identifier_pb2.TriggerName(org=self.org, project=self.project, domain=self.domain,
                                          task_name=self.task, name=self.name)

    def task_id(self) -> Any:
        from flyteidl2.task import task_definition_pb2

        return task_definition_pb2.TaskIdentifier(org=self.org, project=self.project, domain=self.domain,
                                                  name=self.task, version=self.version)

    def spec(self) -> Any:
        """The TriggerSpec flyte-sdk's ``Trigger.create`` sends (inline inputs), with the description
        it drops."""
        from flyteidl2.trigger import trigger_definition_pb2

        tt = self.compiled.trigger.spec
        return trigger_definition_pb2.TriggerSpec(active=tt.active, run_spec=tt.run_spec, task_version=self.version,
                                                  inputs=tt.inputs, description=tt.description)


# -- plan -------------------------------------------------------------------------------------------


def read_plan(client: Flyte2Client, desired: Sequence[Desired], *, prune: bool = False) -> Plan:
    """:func:`compute_plan`, with a failed read as a ServerError: nothing can be planned."""
    try:
        return compute_plan(client, desired, prune=prune)
    except AdminError as e:
        raise ServerError(read_failure(e)) from None


def read_failure(e: AdminError) -> str:
    if e.fatal or e.code in ("UNAUTHENTICATED", "PERMISSION_DENIED"):
        return fatal_message(e, "the Flyte 2 server")
    return f"the Flyte 2 server refused to list the triggers ({e.code}: {e.details})"


def compute_plan(client: Flyte2Client, desired: Sequence[Desired], *, prune: bool = False) -> Plan:
    """Compare the declared triggers with the server; changes nothing."""
    scopes: dict[tuple[str, str], dict[str, list[Desired]]] = defaultdict(lambda: defaultdict(list))
    for d in desired:
        scopes[(d.project, d.domain)][d.task].append(d)
    actions: list[Action] = []
    strays, notes = Strays(), Notes()
    for (project, domain), tasks in sorted(scopes.items()):
        listed, foreign = _listed(client, project, domain, tasks, strays)
        for task, declared in sorted(tasks.items()):
            found, on_server = _task_versions(client, declared), listed[task]
            for d in sorted(declared, key=lambda d: d.name):
                other_org = foreign.get((task, d.name)) if d.name not in on_server else None
                actions.extend([_foreign(d, other_org)] if other_org is not None else
                               _trigger_actions(client, d, found.get(d.version), on_server.get(d.name), strays, notes))
            names = {d.name for d in declared}
            actions.extend(_orphan(project, domain, task, row, prune) for name, row in sorted(on_server.items())
                           if name not in names and row.active)
    return Plan(tuple(actions), prune, strays.warnings() + tuple(notes))


def _listed(client: Flyte2Client, project: str, domain: str, tasks: dict[str, list[Desired]],
            strays: Strays) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], str]]:
    """task -> trigger name -> listing row, for the declared tasks of one project and domain: one listing of
    the task, or of the project and domain when the specs name several tasks there (a page of 100 holds
    what would take a call per task; the other tasks' rows are read and left out). Rows of another
    organization are left out too, and reported; the second value holds those of the declared tasks,
    (task, name) -> their organization."""
    org = next(iter(tasks.values()))[0].org
    only = next(iter(tasks)) if len(tasks) == 1 else None
    answered = list(client.list_triggers(project, domain, only, org))
    rows = in_scope(answered, Scope(project, domain, only or "", org), row_key, "ListTriggers", strays, row_shown)
    listed: dict[str, dict[str, Any]] = {task: {} for task in tasks}
    for row in rows:
        if row.id.name.task_name in listed:
            listed[row.id.name.task_name][row.id.name.name] = row
    foreign = {(row.id.name.task_name, row.id.name.name): row.id.name.org for row in answered
               if Scope(project, domain).holds(*row_key(row)[:3]) and row.id.name.task_name in listed
               and row.id.name.org != org}
    return listed, foreign


def _foreign(d: Desired, org: str) -> Action:
    """A declared trigger whose name the server lists in another organization only: never written over
    (the open-source backend keys triggers without the organization: a deploy would replace that one)."""
    return Action("conflict", d.identity(), f"the server lists a trigger of that name in organization "
                  f"{server_text(org, 63)!r}, not in {d.org!r}, the one lpctl deploys to: nothing is deployed (a "
                  "backend that keys triggers without the organization would replace it); check --org, or the "
                  "organization of the API key", pending=False, task=d.task)



class Notes(list[str]):
    """What a plan could not compare, as warnings beside the server's."""


def row_key(entry: Any) -> tuple[str, str, str, str]:
    """(project, domain, task name, organization) of a Trigger or TriggerDetails, for the scope check."""
    name = entry.id.name
    return (name.project, name.domain, name.task_name, name.org)


def row_shown(entry: Any) -> str:
    """A trigger row as a warning shows it: ``project/domain/task/name``, with its organization when it has one."""
    name = entry.id.name
    return server_text(f"{name.project}/{name.domain}/{name.task_name}/{name.name}"
                       + (f" (org {name.org})" if name.org else ""), 200)


def _task_versions(client: Flyte2Client, declared: Sequence[Desired]) -> dict[str, Any]:
    """The declared versions of one task that are on the server: version -> TaskDetails."""
    found = {}
    for d in {d.version: d for d in declared}.values():
        details = client.find_task(d.task_id())
        if details is not None:
            found[d.version] = details
    return found


def _trigger_actions(client: Flyte2Client, d: Desired, task: Any | None, row: Any | None,
                     strays: Strays, notes: Notes) -> list[Action]:
    """The action one declared trigger needs; ``task``: its task version's details (None: not on the
    server), ``row``: its listing row (None: not listed)."""
    ident = d.identity()
    if task is None:
        return [Action("conflict", ident, f"task {d.task} version {d.version} is not on the server: nothing is "
                       "deployed for it; deploy the task first (flyte deploy), or pin a version that exists",
                       pending=False, task=d.task)]
    details = _details(client, d, strays) if row is not None else None
    if details is None:
        return [Action("create", ident, "not on the server", task=d.task, payload=_Write(d, 0))]
    ignored = set(task.spec.task_template.metadata.cache_ignore_input_vars)
    if ignored and details.spec.HasField("offloaded_input_data"):
        notes.append(f"trigger {d.task}/{d.name}: the task's cache_ignore_input_vars ({', '.join(sorted(ignored))}) "
                     "and the inputs' context are left out of the server's hash of offloaded inputs, the only "
                     "thing lpctl can compare them by: a change to those alone is not seen")
    return _compared(d, details, ignored)


def _details(client: Flyte2Client, d: Desired, strays: Strays) -> Any | None:
    """GetTriggerDetails of a listed trigger; None when it went away since the listing (or the server
    answered with another trigger, which is reported)."""
    details = client.find_trigger(d.trigger_name())
    if details is None or not in_scope([details], Scope(d.project, d.domain, d.task, d.org), row_key,
                                       "GetTriggerDetails", strays, row_shown, lambda e: e.id.name.name == d.name):
        return None
    return details


def _compared(d: Desired, details: Any, ignored: set[str]) -> list[Action]:
    """update when anything but the state differs (the deploy sets the state too), else activate or
    deactivate when only the state does."""
    ident, wanted, payload = d.identity(), d.compiled.trigger.spec.active, _Write(d, details.id.revision)
    changes = change_lines(details, d.spec(), d.compiled.trigger.automation_spec, ignored)
    if changes:
        if details.spec.active != wanted:
            changes += (f"active: {str(details.spec.active).lower()} -> {str(wanted).lower()}",)
        return [Action("update", ident, f"differs from revision {details.id.revision}", changes=changes, task=d.task,
                       payload=payload)]
    if details.spec.active == wanted:
        return []
    if wanted:
        return [Action("activate", ident, "inactive; the spec declares it active", task=d.task, payload=payload)]
    return [Action("deactivate", ident, "active; the spec declares auto_activate: false", task=d.task,
                   payload=payload)]


def _orphan(project: str, domain: str, task: str, row: Any, prune: bool) -> Action:
    ident = RegisteredId(project, domain, server_text(row.id.name.name), "")
    reason = ("active, declared by no spec of its task: deactivated (--prune)" if prune else
              "active, declared by no spec of its task: kept (--prune deactivates it)")
    return Action("orphan", ident, reason, pending=prune, task=server_text(task), payload=row.id.name)


@dataclass(frozen=True)
class _Write:
    desired: Desired
    #: the latest revision read (0: none), sent as DeployTrigger's optimistic lock
    revision: int


# -- apply ------------------------------------------------------------------------------------------


def apply(client: Flyte2Client, plan: Plan, stop: Callable[[], bool] = lambda: False) -> list[Outcome]:
    """Perform the plan's pending actions in order; conflicts become outcomes, never writes; ``stop()`` is
    asked before each write (an interruption ends the run there)."""
    return perform_all(plan, lambda action: _perform(client, action), read_failure, stop)


def _perform(client: Flyte2Client, action: Action) -> Outcome:
    """One action; an error that only concerns this trigger is a ``failed`` outcome, a fatal one raises."""
    try:
        if action.kind in ("create", "update"):
            write: _Write = action.payload
            _deploy(client, write)
            return _done(action, "created" if action.kind == "create" else "updated")
        active = action.kind == "activate"
        name = action.payload if action.kind == "orphan" else action.payload.desired.trigger_name()
        client.update_triggers([name], active)
        return _done(action, "activated" if active else "deactivated")
    except AdminError as e:
        if e.fatal:
            raise
        return Outcome(action.identity, "failed", f"{e.code}: {e.details}", action=action.kind, task=action.task)


def _done(action: Action, message: str) -> Outcome:
    return Outcome(action.identity, "done", message, action=action.kind, task=action.task)


def _deploy(client: Flyte2Client, write: _Write) -> None:
    """DeployTrigger as flyte-sdk's ``Trigger.create`` sends it (inputs offloaded where the server asks
    for it), with the description and the revision read as an optimistic lock."""
    from flyteidl2.trigger import trigger_service_pb2

    d = write.desired
    spec = d.spec()
    if spec.inputs.literals:
        offloaded = client.offload_inputs(spec.inputs, d.task_id())
        if offloaded is not None:
            spec.offloaded_input_data.CopyFrom(offloaded)
    client.deploy_trigger(trigger_service_pb2.DeployTriggerRequest(
        name=d.trigger_name(), revision=write.revision, spec=spec, automation_spec=d.compiled.trigger.automation_spec))


# -- what the specs declare -------------------------------------------------------------------------


def declare(compiled: Sequence[CompiledTrigger], version: str | None, org: str) -> list[Desired]:
    """The compiled triggers with their place (the spec's project and domain, else the run's) and task
    version: the spec's ``task_version``, else ``version`` (--version, else [tool.lpctl]); none is a usage
    error that says what to pass."""
    from lpctl.errors import UsageError

    out = []
    for c in compiled:
        pinned = c.task_version or version
        if not pinned:
            raise UsageError(f"trigger '{c.trigger.name}' of task {c.task_name} ({c.document.path}) pins no task "
                             "version: set task_version in the spec, or pass --version V (or set version in "
                             "[tool.lpctl])")
        out.append(Desired(c, c.project, c.domain, str(pinned), org))
    return out
