"""RunService for the loopback Flyte 2 fake (tests/fake_flyte2.py), with the open-source backend's semantics.

From flyteorg/flyte ``main`` (6fadb90d65): ``runs/service/run_service.go``, ``runs/repository/impl/action.go``,
``filters.go``, ``requests.go``, ``models/action.go``:

- CreateRun: ``run_id`` (a name of at most 30 characters, a DNS-1035 label: INVALID_ARGUMENT) or
  ``project_id`` (a generated name); ``trigger_name``: the trigger must exist and not be deleted (NOT_FOUND
  ``trigger %q not found``), its pinned task version too; the run gets the trigger's run spec (none sent),
  ``run_start_time`` only for a task whose runtime is flyte-sdk >= 2.3.6 (``stamps_start_time``: the request's,
  else now), the source, the trigger's name, task and revision; the trigger's ``triggered_at`` moves. A name
  already taken: ``INSERT ... ON CONFLICT DO NOTHING``, the existing run is answered with no error and its root
  action enqueued again (``duplicate="existing"``); a managed backend answers ALREADY_EXISTS
  (``duplicate="already_exists"``).
- ListRuns: scopes ``project_id``, ``trigger_name`` (project, domain, trigger task and name), ``task_name``;
  ``limit`` 0 -> 50, > 200 INVALID_ARGUMENT; filters and sort keys on the actions columns only (others
  INVALID_ARGUMENT), ``created_at`` compared as a time; default order ``phase ASC, created_at DESC, run_name
  DESC``, else the sort with ``run_name`` as tie-breaker; the token is the next offset, given only when more rows
  follow. Entries carry ``status.start_time`` = the creation time and no ``run_start_time``.
- GetRunDetails: NOT_FOUND when missing; the run spec (with ``run_start_time``) and the root action.

``run_page_size`` caps a page whatever the client asks for, so that paging is exercised with few runs.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from connectrpc.code import Code
from connectrpc.errors import ConnectError
from flyteidl2.common import identifier_pb2, list_pb2, phase_pb2
from flyteidl2.task import common_pb2, run_pb2
from flyteidl2.workflow import run_definition_pb2, run_service_pb2
from google.protobuf import timestamp_pb2

RunKey = tuple[str, str, str]  # project, domain, name
_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
COLUMNS = frozenset({"project", "domain", "run_name", "phase", "action_type", "run_source", "created_by_subject",
                     "trigger_task_name", "trigger_name", "trigger_revision", "trigger_type", "task_project",
                     "task_domain", "task_name", "task_version", "function_name", "created_at", "updated_at",
                     "ended_at", "duration_ms"})
_COMPARE = {
    list_pb2.Filter.EQUAL: lambda a, b: a == b, list_pb2.Filter.NOT_EQUAL: lambda a, b: a != b,
    list_pb2.Filter.GREATER_THAN: lambda a, b: a > b, list_pb2.Filter.GREATER_THAN_OR_EQUAL: lambda a, b: a >= b,
    list_pb2.Filter.LESS_THAN: lambda a, b: a < b, list_pb2.Filter.LESS_THAN_OR_EQUAL: lambda a, b: a <= b,
}


@dataclass
class FakeRun:
    """One run as the ``actions`` table keeps its root action."""

    project: str
    domain: str
    name: str
    created_at: float
    source: int
    trigger: tuple[str, str] | None  # (task name, trigger name)
    trigger_revision: int = 0
    task_version: str = ""
    run_spec: run_pb2.RunSpec = field(default_factory=run_pb2.RunSpec)
    inputs: common_pb2.Inputs | None = None
    phase: int = phase_pb2.ACTION_PHASE_QUEUED

    def column(self, name: str) -> Any:
        values = {"project": self.project, "domain": self.domain, "run_name": self.name, "phase": str(self.phase),
                  "run_source": run_definition_pb2.RunSource.Name(self.source),  # type: ignore[arg-type]
                  "trigger_task_name": self.trigger[0] if self.trigger else None,
                  "trigger_name": self.trigger[1] if self.trigger else None,
                  "created_at": datetime.fromtimestamp(self.created_at, timezone.utc)}
        return values.get(name)

    def message(self) -> run_definition_pb2.Run:
        run_id = identifier_pb2.RunIdentifier(project=self.project, domain=self.domain, name=self.name)
        action = run_definition_pb2.Action(id=identifier_pb2.ActionIdentifier(run=run_id, name="a0"))
        action.metadata.source = self.source  # type: ignore[assignment]
        action.metadata.action_type = run_definition_pb2.ACTION_TYPE_TASK
        if self.trigger is not None:
            action.metadata.trigger_name = self.trigger[1]
            action.metadata.trigger_id.name.CopyFrom(identifier_pb2.TriggerName(
                project=self.project, domain=self.domain, task_name=self.trigger[0], name=self.trigger[1]))
            action.metadata.trigger_id.revision = self.trigger_revision
        action.status.phase = self.phase  # type: ignore[assignment]
        action.status.start_time.CopyFrom(timestamp_pb2.Timestamp(seconds=int(self.created_at)))
        return run_definition_pb2.Run(action=action)


@dataclass
class RunsState:
    runs: dict[RunKey, FakeRun] = field(default_factory=dict)
    #: "existing": a taken name answers the existing run (open source); "already_exists": ALREADY_EXISTS
    duplicate: str = "existing"
    #: the tasks' runtime is flyte-sdk >= 2.3.6, so runs get run_start_time
    stamps_start_time: bool = True
    run_page_size: int = 4
    #: the run names whose root action was enqueued, once per CreateRun that answered them
    enqueued: list[str] = field(default_factory=list)
    now: Any = time.time


class RunService:
    """Served by ``fake_flyte2.application``; ``backend`` is the FakeFlyte2 (its triggers, tasks, lock)."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    def __getattr__(self, name: str) -> Any:
        def unimplemented(request: Any, ctx: Any) -> Any:
            raise ConnectError(Code.UNIMPLEMENTED, f"{name} is not implemented")
        return unimplemented

    def create_run(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("CreateRun", request, ctx)
        state: RunsState = b.run_state
        if request.WhichOneof("id") == "run_id":
            name = request.run_id.name
            if len(name) > 30 or not _LABEL.match(name):
                raise ConnectError(Code.INVALID_ARGUMENT, f"invalid run name {name!r}")
            project, domain = request.run_id.project, request.run_id.domain
        else:
            project, domain = request.project_id.name, request.project_id.domain
            name = f"r{len(state.runs):019d}"
        if request.WhichOneof("task") != "trigger_name":
            raise ConnectError(Code.UNIMPLEMENTED, "only runs of a trigger are modelled")
        with b.lock:
            t = request.trigger_name
            row = b.triggers.get((t.project, t.domain, t.task_name, t.name))
            if row is None or row.deleted:
                raise ConnectError(Code.NOT_FOUND, f"trigger {t.name!r} not found")
            if (t.project, t.domain, t.task_name, row.spec.task_version) not in b.tasks:
                raise ConnectError(Code.UNKNOWN, "task not found")
            key = (project, domain, name)
            existing = state.runs.get(key)
            if existing is not None:
                if state.duplicate == "already_exists":
                    raise ConnectError(Code.ALREADY_EXISTS, f"run {name} already exists")
                state.enqueued.append(name)
                return run_service_pb2.CreateRunResponse(run=existing.message())
            spec = run_pb2.RunSpec()
            spec.CopyFrom(request.run_spec if request.HasField("run_spec") else row.spec.run_spec)
            now = state.now()
            if state.stamps_start_time:
                spec.run_start_time.CopyFrom(request.run_start_time if request.HasField("run_start_time")
                                             else timestamp_pb2.Timestamp(seconds=int(now)))
            run = FakeRun(project, domain, name, now, request.source, (t.task_name, t.name), row.revision,
                          row.spec.task_version, spec, request.inputs if request.HasField("inputs") else None)
            state.runs[key] = run
            row.triggered_at = int(now)
            state.enqueued.append(name)
        return run_service_pb2.CreateRunResponse(run=run.message())

    def list_runs(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("ListRuns", request, ctx)
        state: RunsState = b.run_state
        limit = request.request.limit or 50
        if limit > 200:
            raise ConnectError(Code.INVALID_ARGUMENT, f"invalid limit: {limit} (exceeds maximum of 200)")
        token = request.request.token
        if token and not token.isdigit():
            raise ConnectError(Code.INVALID_ARGUMENT, f"invalid token: {token!r}")
        checks = [_check(f) for f in request.request.filters]
        sort = list(request.request.sort_by_fields)
        for s in sort:
            if s.key not in COLUMNS:
                raise ConnectError(Code.INVALID_ARGUMENT, f"invalid sort field: {s.key}")
        with b.lock:
            rows = [r for r in state.runs.values() if _scoped(request, r) and all(c(r) for c in checks)]
        rows = _ordered(rows, sort)
        start, size = int(token or 0), min(limit, state.run_page_size)
        page = rows[start:start + size]
        more = len(rows) > start + size
        found = run_service_pb2.ListRunsResponse(runs=[r.message() for r in page],
                                                 token=str(start + size) if more else "")
        return b.tamper("ListRuns", found) if b.tamper else found

    def get_run_details(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("GetRunDetails", request, ctx)
        r = request.run_id
        run = b.run_state.runs.get((r.project, r.domain, r.name))
        if run is None:
            raise ConnectError(Code.NOT_FOUND, "sql: no rows in result set")
        message = run.message()
        details = run_definition_pb2.RunDetails(run_spec=run.run_spec)
        details.action.id.CopyFrom(message.action.id)
        details.action.metadata.CopyFrom(message.action.metadata)
        details.action.status.CopyFrom(message.action.status)
        return run_service_pb2.GetRunDetailsResponse(details=details)


def _check(f: Any) -> Any:
    if f.field not in COLUMNS:
        raise ConnectError(Code.INVALID_ARGUMENT, f"failed to convert filters: invalid filter field: {f.field}")
    compare = _COMPARE.get(f.function)
    if compare is None or len(f.values) != 1:
        raise ConnectError(Code.UNIMPLEMENTED, "filter not modelled")
    value: Any = f.values[0]
    if f.field == "created_at":
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ConnectError(Code.INTERNAL, f"invalid input syntax for type timestamp: {value!r}") from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
    return lambda run: run.column(f.field) is not None and compare(run.column(f.field), value)


def _scoped(request: Any, run: FakeRun) -> bool:
    scope = request.WhichOneof("scope_by")
    if scope == "project_id":
        return (run.project, run.domain) == (request.project_id.name, request.project_id.domain)
    if scope == "trigger_name":
        t = request.trigger_name
        return (run.project, run.domain, run.trigger) == (t.project, t.domain, (t.task_name, t.name))
    return scope is None or scope == "org"


def _ordered(rows: list[FakeRun], sort: list[Any]) -> list[FakeRun]:
    if not sort:
        rows = sorted(rows, key=lambda r: r.name, reverse=True)
        rows.sort(key=lambda r: r.created_at, reverse=True)
        return sorted(rows, key=lambda r: r.phase)
    rows = sorted(rows, key=lambda r: r.name)
    for s in reversed(sort):
        rows.sort(key=lambda r: r.column(s.key) or "", reverse=s.direction != list_pb2.Sort.ASCENDING)
    return rows
