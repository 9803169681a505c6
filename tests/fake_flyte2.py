"""A Flyte 2 control plane stand-in on a loopback Connect server, for trigger plan and apply tests.

One in-memory backend with the open-source backend's semantics (flyte2-deploy-reference.md 1.4-1.7,
``runs/service/trigger_service.go``, ``runs/repository/impl/trigger.go``), served the way flyte-sdk 2.12.1
talks to it: the Connect protocol over HTTP/1.1 (the ``*WSGIApplication`` classes flyteidl2 generates, on
wsgiref in a thread), so that flyte-sdk's own client and lpctl's can be driven against the same server.

- TriggerService: ``DeployTrigger`` upserts by (project, domain, task_name, name): revision 1 on create,
  +1 on every write, un-deletes; ``revision > 0`` is an optimistic lock (INTERNAL on a mismatch);
  ``automation_spec.type`` is overwritten (SCHEDULE when a schedule is set, else NONE); ``updated_at`` moves
  only when ``active`` changes; a cron that is not five fields is INVALID_ARGUMENT. ``GetTriggerDetails``:
  NOT_FOUND when missing or deleted. ``ListTriggers``: light rows, scoped, paged with a decimal offset token
  and at most ``page_size`` rows a page. ``UpdateTriggers``/``DeleteTriggers``: unknown, deleted and
  same-state names are skipped silently.
- TaskService: ``GetTaskDetails`` (NOT_FOUND), ``DeployTask`` (what ``flyte deploy`` calls: upserts the
  task and, when it lists triggers, soft-deletes every other trigger of the task name and re-points the
  listed ones).
- ClusterService ``SelectCluster``: UNIMPLEMENTED (inputs stay inline, as on a managed backend without
  zero trust) or this server's own address (inputs offloaded, as on the open-source backend);
  DataProxyService ``UploadInputs`` stores them under the OSS hash.
- RunService (``tests/fake_runs.py``): CreateRun of a trigger's run, ListRuns, GetRunDetails.
- AuthMetadataService (no token needed); every other call needs ``Bearer <token>`` when ``token`` is set.
- ``fail_on`` makes the n-th call of a method fail once; ``calls``/``requests`` record what was asked; ``raw``
  answers a method with bytes of its own (a hostile server).
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from datetime import timezone as tz
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from connectrpc.code import Code
from connectrpc.errors import ConnectError
from fake_runs import FakeRun, RunService, RunsState
from flyteidl2.auth import auth_service_connect, auth_service_pb2
from flyteidl2.cluster import payload_pb2, service_connect
from flyteidl2.common import identifier_pb2, run_pb2
from flyteidl2.dataproxy import dataproxy_service_connect, dataproxy_service_pb2
from flyteidl2.task import common_pb2, task_definition_pb2, task_service_connect, task_service_pb2
from flyteidl2.task import run_pb2 as task_run_pb2
from flyteidl2.trigger import trigger_definition_pb2, trigger_service_connect, trigger_service_pb2
from flyteidl2.workflow import run_service_connect
from google.protobuf import timestamp_pb2

TOKEN = "fl2-s3cr3t-t0ken"
P, D = "flytesnacks", "development"
TYPE_NONE = common_pb2.TriggerAutomationSpecType.TYPE_NONE
TYPE_SCHEDULE = common_pb2.TriggerAutomationSpecType.TYPE_SCHEDULE
WRITES = ("DeployTrigger", "UpdateTriggers", "DeleteTriggers", "DeployTask", "UploadInputs")

Key = tuple[str, str, str, str]  # project, domain, task_name, name
#: the columns the open-source backend lets a listing sort and filter on (others: INVALID_ARGUMENT)
SORTABLE = frozenset({"project", "domain", "task_name", "name", "active", "deployed_at", "updated_at", "task_version",
                      "automation_type"})


@dataclass
class Row:
    """One trigger as the backend keeps it (the ``triggers`` table)."""

    org: str
    revision: int
    spec: trigger_definition_pb2.TriggerSpec
    automation: common_pb2.TriggerAutomationSpec
    #: unix seconds
    deployed_at: int
    updated_at: int
    deleted: bool = False
    triggered_at: int = 0
    history: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.spec.active


@dataclass
class Failure:
    method: str
    nth: int
    code: Code
    message: str


#: the fake's clock for trigger writes: this many seconds, plus one per write
EPOCH = 1_800_000_000


def _stamp(seconds: int) -> timestamp_pb2.Timestamp:
    return timestamp_pb2.Timestamp(seconds=seconds)


def inputs_hash(inputs: common_pb2.Inputs, ignored: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """The OSS DataProxy hash (``hashInputsProto``): base64url (no padding) of FNV-1a-64 over the deterministic
    marshal of the inputs; with cache_ignore_input_vars, of ``Inputs{literals: the others}`` (``filterInputs``
    drops the context)."""
    kept = common_pb2.Inputs()
    if ignored:
        kept.literals.extend(lit for lit in inputs.literals if lit.name not in ignored)
    else:
        kept.CopyFrom(inputs)
    value = 0xCBF29CE484222325
    for byte in kept.SerializeToString(deterministic=True):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return base64.urlsafe_b64encode(value.to_bytes(8, "big")).decode().rstrip("=")


@dataclass
class FakeFlyte2:
    token: str | None = TOKEN
    #: the most rows a ListTriggers page holds, whatever limit the client asks for
    page_size: int = 3
    #: SelectCluster(OPERATION_UPLOAD_TRIGGER): "unimplemented" keeps inputs inline, "self" offloads them here,
    #: a URL offloads them to the data plane there
    cluster: str = "unimplemented"
    endpoint: str = ""
    triggers: dict[Key, Row] = field(default_factory=dict)
    tasks: dict[tuple[str, str, str, str], task_definition_pb2.TaskDetails] = field(default_factory=dict)
    offloaded: dict[str, common_pb2.Inputs] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    requests: list[tuple[str, Any]] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    clock: int = 0
    #: a misbehaving server: ``tamper(method, response)`` replaces the answers of DeployTrigger, ListTriggers
    #: GetTriggerDetails and ListRuns
    tamper: Callable[[str, Any], Any] | None = None
    run_state: RunsState = field(default_factory=RunsState)
    #: (method, n, action): ``action()`` runs at the n-th call of ``method`` (a signal half-way, say)
    hooks: list[tuple[str, int, Callable[[], None]]] = field(default_factory=list)
    #: a hostile server: ``raw(method)`` answers an HTTP response of its own, (status line, headers, body), in
    #: place of the service's (None: the service answers)
    raw: Callable[[str], tuple[str, list[tuple[str, str]], bytes] | None] | None = None

    # -- setting up ---------------------------------------------------------------------------------

    def add_task(self, name: str, version: str, spec: task_definition_pb2.TaskSpec | None = None,
                 project: str = P, domain: str = D, org: str = "") -> None:
        task_id = task_definition_pb2.TaskIdentifier(org=org, project=project, domain=domain, name=name,
                                                     version=version)
        details = task_definition_pb2.TaskDetails(task_id=task_id)
        if spec is not None:
            details.spec.CopyFrom(spec)
        self.tasks[(project, domain, name, version)] = details

    def put(self, name: str, task_name: str, version: str, *, active: bool = True, project: str = P,
            domain: str = D, cron: str | None = "0 1 * * *", description: str = "", timezone: str = "",
            kickoff: str = "", since: datetime | None = None,
            automation: common_pb2.TriggerAutomationSpec | None = None, org: str | None = None) -> None:
        """A trigger someone else deployed (``flyte create trigger``, another repository); ``since``: when it
        was last activated (``updated_at``); ``org``: its organization, by default the one flyte-sdk gives a
        client of this server (the first label of the endpoint's host when it has more than two)."""
        spec = trigger_definition_pb2.TriggerSpec(active=active, task_version=version, description=description)
        spec.inputs.SetInParent()
        if automation is None:
            automation = common_pb2.TriggerAutomationSpec(type=TYPE_NONE)
            if cron is not None:
                automation.type = TYPE_SCHEDULE
                automation.schedule.cron.expression = cron
                automation.schedule.cron.timezone = timezone
                automation.schedule.kickoff_time_input_arg = kickoff
        if org is None:
            labels = self.endpoint.split("://")[-1].split(":")[0].split(".")
            org = labels[0] if len(labels) > 2 else ""
        row = self._upsert(org, (project, domain, task_name, name), spec, automation)
        if since is not None:
            row.updated_at = int(since.timestamp())

    def fired(self, task_name: str, name: str, run_name: str, moment: datetime, *, project: str = P,
              domain: str = D, start_time: bool = True) -> None:
        """A run the scheduler created for the fire at ``moment`` (a few seconds after it)."""
        spec = task_run_pb2.RunSpec()
        if start_time and self.run_state.stamps_start_time:
            spec.run_start_time.FromSeconds(int(moment.timestamp()))
        row = self.triggers[(project, domain, task_name, name)]
        self.run_state.runs[(project, domain, run_name)] = FakeRun(
            project, domain, run_name, moment.timestamp() + 3, 3, (task_name, name), row.revision,
            row.spec.task_version, spec)

    def runs(self) -> dict[str, tuple[str, str, str, int, str]]:
        """run name -> (project/domain, task/trigger, run_start_time ISO or "", source, kickoff input ISO or "")
        of every run on the server."""
        out = {}
        for (project, domain, name), r in sorted(self.run_state.runs.items()):
            start = r.run_spec.run_start_time.ToDatetime(tz.utc).isoformat() if r.run_spec.HasField(
                "run_start_time") else ""
            kickoff = ";".join(f"{lit.name}={lit.value.scalar.primitive.datetime.ToDatetime(tz.utc).isoformat()}"
                               for lit in r.inputs.literals) if r.inputs is not None else ""
            trigger = "/".join(r.trigger) if r.trigger else ""
            out[name] = (f"{project}/{domain}", trigger, start, r.source, kickoff)
        return out

    def on_call(self, method: str, nth: int, action: Callable[[], None]) -> None:
        """``action()`` runs when the ``nth`` call of ``method`` from now on arrives (before it is answered)."""
        self.hooks.append((method, self.calls.count(method) + nth, action))

    def fail_on(self, method: str, nth: int, code: Code = Code.UNAVAILABLE, message: str = "injected") -> None:
        """The ``nth`` call of ``method`` from now on fails once with ``code``."""
        self.failures.append(Failure(method, self.calls.count(method) + nth, code, message))

    # -- reading the state --------------------------------------------------------------------------

    def live(self) -> dict[Key, Row]:
        return {k: r for k, r in self.triggers.items() if not r.deleted}

    def state(self) -> dict[Key, tuple[bool, str, int]]:
        """key -> (active, task_version, revision) of every trigger that is not deleted."""
        return {k: (r.active, r.spec.task_version, r.revision) for k, r in sorted(self.live().items())}

    def writes(self) -> list[str]:
        return [c for c in self.calls if c in WRITES]

    def details(self, key: Key) -> trigger_definition_pb2.TriggerDetails:
        return self._details(key, self.triggers[key])

    # -- every call ---------------------------------------------------------------------------------

    def enter(self, method: str, request: Any, ctx: Any, *, auth: bool = True) -> None:
        headers = {k.lower(): v for k, v in ctx.request_headers().items()}
        with self.lock:
            self.calls.append(method)
            copy = type(request)()
            copy.CopyFrom(request)
            self.requests.append((method, copy))
            self.headers_seen.append(headers)
            count = self.calls.count(method)
            failure = next((f for f in self.failures if f.method == method and f.nth == count), None)
            hooks = [action for m, n, action in self.hooks if (m, n) == (method, count)]
        for action in hooks:
            action()
        if failure is not None:
            raise ConnectError(failure.code, failure.message)
        if auth and self.token is not None and headers.get("authorization") != f"Bearer {self.token}":
            raise ConnectError(Code.UNAUTHENTICATED, "Request unauthenticated with IdentityContext")

    def _tick(self) -> int:
        self.clock += 1
        return EPOCH + self.clock

    def _upsert(self, org: str, key: Key, spec: trigger_definition_pb2.TriggerSpec,
                automation: common_pb2.TriggerAutomationSpec, revision: int = 0) -> Row:
        normalized = common_pb2.TriggerAutomationSpec()
        normalized.CopyFrom(automation)
        normalized.type = TYPE_SCHEDULE if automation.HasField("schedule") else TYPE_NONE
        stored = trigger_definition_pb2.TriggerSpec()
        stored.CopyFrom(spec)
        with self.lock:
            row = self.triggers.get(key)
            if revision > 0 and (row is None or row.revision != revision):
                raise ConnectError(Code.INTERNAL, "optimistic lock failure: trigger was modified concurrently, "
                                   "please fetch latest and retry")
            now = self._tick()
            if row is None:
                row = Row(org, 1, stored, normalized, now, now, history=["DEPLOY"])
                self.triggers[key] = row
                return row
            if row.active != stored.active:
                row.updated_at = now
            row.revision += 1
            row.spec, row.automation, row.deployed_at, row.deleted = stored, normalized, now, False
            row.history.append("DEPLOY")
            return row

    def _details(self, key: Key, row: Row) -> trigger_definition_pb2.TriggerDetails:
        name = identifier_pb2.TriggerName(org=row.org, project=key[0], domain=key[1], task_name=key[2], name=key[3])
        details = trigger_definition_pb2.TriggerDetails(
            id=identifier_pb2.TriggerIdentifier(name=name, revision=row.revision), spec=row.spec,
            automation_spec=row.automation)
        details.status.deployed_at.CopyFrom(_stamp(row.deployed_at))
        details.status.updated_at.CopyFrom(_stamp(row.updated_at))
        return details

    def _row(self, key: Key, row: Row) -> trigger_definition_pb2.Trigger:
        details = self._details(key, row)
        return trigger_definition_pb2.Trigger(id=details.id, status=details.status, active=row.active,
                                              automation_spec=row.automation)


def _key(name: identifier_pb2.TriggerName) -> Key:
    return (name.project, name.domain, name.task_name, name.name)


def _check_cron(automation: common_pb2.TriggerAutomationSpec, name: str) -> None:
    if automation.HasField("schedule") and automation.schedule.HasField("cron"):
        expression = automation.schedule.cron.expression
        if not expression.startswith("@") and len(expression.split()) != 5:
            raise ConnectError(Code.INVALID_ARGUMENT, f"trigger {name!r} has invalid cron expression")


class _Unmodelled:
    """RPCs the tests never need answer UNIMPLEMENTED, as connect-go's Unimplemented handlers do."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def unimplemented(request: Any, ctx: Any) -> Any:
            raise ConnectError(Code.UNIMPLEMENTED, f"{name} is not implemented")
        return unimplemented


@dataclass
class TriggerService(_Unmodelled):
    backend: FakeFlyte2

    def deploy_trigger(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("DeployTrigger", request, ctx)
        _check_cron(request.automation_spec, request.name.name)
        row = b._upsert(request.name.org, _key(request.name), request.spec, request.automation_spec, request.revision)
        found = trigger_service_pb2.DeployTriggerResponse(trigger=b._details(_key(request.name), row))
        return b.tamper("DeployTrigger", found) if b.tamper else found

    def get_trigger_details(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("GetTriggerDetails", request, ctx)
        with b.lock:
            key = _key(request.name)
            row = b.triggers.get(key)
            if row is None or row.deleted:
                raise ConnectError(Code.NOT_FOUND, f"trigger {request.name.name!r} not found")
            found = trigger_service_pb2.GetTriggerDetailsResponse(trigger=b._details(key, row))
        return b.tamper("GetTriggerDetails", found) if b.tamper else found

    def list_triggers(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("ListTriggers", request, ctx)
        limit = request.request.limit or 50
        if limit > 200:
            raise ConnectError(Code.INVALID_ARGUMENT, "limit must be at most 200")
        token = request.request.token
        if token and not token.isdigit():
            raise ConnectError(Code.INVALID_ARGUMENT, f"invalid token {token!r}")
        scope = request.WhichOneof("scope_by")
        if scope is None:
            raise ConnectError(Code.INVALID_ARGUMENT, "scope_by is required")
        for sort in request.request.sort_by_fields:
            if sort.key not in SORTABLE:
                raise ConnectError(Code.INVALID_ARGUMENT, f"invalid sort field {sort.key!r}")
        with b.lock:
            rows = [(k, r) for k, r in sorted(b.triggers.items()) if not r.deleted and _in_scope(request, scope, k, r)]
            start, size = int(token or 0), min(limit, b.page_size)
            page = [b._row(k, r) for k, r in rows[start:start + size]]
        found = trigger_service_pb2.ListTriggersResponse(triggers=page, token=str(start + size) if len(page) == size
                                                         else "")
        return b.tamper("ListTriggers", found) if b.tamper else found

    def update_triggers(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("UpdateTriggers", request, ctx)
        with b.lock:
            for name in request.names:
                row = b.triggers.get(_key(name))
                if row is None or row.deleted or row.active == request.active:
                    continue
                row.spec.active = request.active
                row.revision += 1
                row.updated_at = b._tick()
                row.history.append("ACTIVATE" if request.active else "DEACTIVATE")
        return trigger_service_pb2.UpdateTriggersResponse()

    def delete_triggers(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("DeleteTriggers", request, ctx)
        with b.lock:
            for name in request.names:
                row = b.triggers.get(_key(name))
                if row is None or row.deleted:
                    continue
                row.deleted, row.spec.active = True, False
                row.revision += 1
                row.history.append("DELETE")
        return trigger_service_pb2.DeleteTriggersResponse()


def _in_scope(request: Any, scope: str, key: Key, row: Row) -> bool:
    if scope == "org":
        return True
    if scope == "project_id":
        return (key[0], key[1]) == (request.project_id.name, request.project_id.domain)
    task = request.task_id if scope == "task_id" else request.task_name
    if (key[0], key[1], key[2]) != (task.project, task.domain, task.name):
        return False
    return scope == "task_name" or row.spec.task_version == request.task_id.version


@dataclass
class TaskService(_Unmodelled):
    backend: FakeFlyte2

    def get_task_details(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("GetTaskDetails", request, ctx)
        t = request.task_id
        details = b.tasks.get((t.project, t.domain, t.name, t.version))
        if details is None:
            raise ConnectError(Code.NOT_FOUND, f"task {t.name}@{t.version} not found")
        return task_service_pb2.GetTaskDetailsResponse(details=details)

    def deploy_task(self, request: Any, ctx: Any) -> Any:
        """``flyte deploy``: the task, and its triggers replacing the task name's others when it lists any."""
        b = self.backend
        b.enter("DeployTask", request, ctx)
        for trigger in request.triggers:
            _check_cron(trigger.automation_spec, trigger.name)
        t = request.task_id
        with b.lock:
            b.add_task(t.name, t.version, request.spec, t.project, t.domain, t.org)
            listed = {trigger.name for trigger in request.triggers}
            if listed:
                for key, row in b.triggers.items():
                    if key[:3] == (t.project, t.domain, t.name) and key[3] not in listed and not row.deleted:
                        row.deleted, row.spec.active = True, False
                        row.revision += 1
                        row.history.append("DELETE")
            for trigger in request.triggers:
                spec = trigger_definition_pb2.TriggerSpec(active=trigger.spec.active, run_spec=trigger.spec.run_spec,
                                                          task_version=t.version,
                                                          description=trigger.spec.description[:255])
                if trigger.spec.HasField("offloaded_input_data"):
                    spec.offloaded_input_data.CopyFrom(trigger.spec.offloaded_input_data)
                else:
                    spec.inputs.CopyFrom(trigger.spec.inputs)
                b._upsert(t.org, (t.project, t.domain, t.name, trigger.name), spec, trigger.automation_spec)
        return task_service_pb2.DeployTaskResponse()


@dataclass
class ClusterService(_Unmodelled):
    backend: FakeFlyte2

    def select_cluster(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("SelectCluster", request, ctx)
        if b.cluster == "unimplemented":
            raise ConnectError(Code.UNIMPLEMENTED, "operation not supported")
        return payload_pb2.SelectClusterResponse(cluster_endpoint=b.endpoint if b.cluster == "self" else b.cluster)


@dataclass
class DataProxyService(_Unmodelled):
    backend: FakeFlyte2

    def upload_inputs(self, request: Any, ctx: Any) -> Any:
        b = self.backend
        b.enter("UploadInputs", request, ctx)
        ignored: set[str] = set()
        if request.HasField("task_id"):
            t = request.task_id
            details = b.tasks.get((t.project, t.domain, t.name, t.version))
            if details is None:
                raise ConnectError(Code.NOT_FOUND, f"task {t.name}@{t.version} not found")
            ignored = set(details.spec.task_template.metadata.cache_ignore_input_vars)
        elif request.HasField("task_spec"):
            ignored = set(request.task_spec.task_template.metadata.cache_ignore_input_vars)
        digest = inputs_hash(request.inputs, ignored)
        p = request.project_id
        uri = f"s3://fake-bucket/{p.organization}/{p.name}/{p.domain}/offloaded-inputs/{digest}"
        b.offloaded[uri] = request.inputs
        return dataproxy_service_pb2.UploadInputsResponse(
            offloaded_input_data=run_pb2.OffloadedInputData(uri=uri, inputs_hash=digest))


@dataclass
class AuthService(_Unmodelled):
    backend: FakeFlyte2
    token_url: str = ""

    def get_o_auth2_metadata(self, request: Any, ctx: Any) -> Any:
        self.backend.enter("GetOAuth2Metadata", request, ctx, auth=False)
        return auth_service_pb2.GetOAuth2MetadataResponse(token_endpoint=self.token_url,
                                                          grant_types_supported=["client_credentials"])

    def get_public_client_config(self, request: Any, ctx: Any) -> Any:
        self.backend.enter("GetPublicClientConfig", request, ctx, auth=False)
        return auth_service_pb2.GetPublicClientConfigResponse(scopes=["all"], audience="lpctl-test",
                                                              authorization_metadata_key="authorization")


def application(backend: FakeFlyte2, auth: AuthService | None = None) -> Callable[..., Any]:
    """One WSGI application serving every modelled service, dispatched by path."""
    apps = {
        "/flyteidl2.trigger.TriggerService/": trigger_service_connect.TriggerServiceWSGIApplication(
            TriggerService(backend)),  # type: ignore[arg-type]
        "/flyteidl2.task.TaskService/": task_service_connect.TaskServiceWSGIApplication(
            TaskService(backend)),  # type: ignore[arg-type]
        "/flyteidl2.cluster.ClusterService/": service_connect.ClusterServiceWSGIApplication(
            ClusterService(backend)),  # type: ignore[arg-type]
        "/flyteidl2.dataproxy.DataProxyService/": dataproxy_service_connect.DataProxyServiceWSGIApplication(
            DataProxyService(backend)),  # type: ignore[arg-type]
        "/flyteidl2.workflow.RunService/": run_service_connect.RunServiceWSGIApplication(
            RunService(backend)),  # type: ignore[arg-type]
        "/flyteidl2.auth.AuthMetadataService/": auth_service_connect.AuthMetadataServiceWSGIApplication(
            auth or AuthService(backend)),  # type: ignore[arg-type]
    }

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        # connectrpc drains wsgi.input to EOF on its error path: give it only the body
        length = int(environ.get("CONTENT_LENGTH") or 0)
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))
        path = environ.get("PATH_INFO", "")
        answer = backend.raw(path.rsplit("/", 1)[-1]) if backend.raw else None
        if answer is not None:
            start_response(answer[0], answer[1])
            return [answer[2]]
        for prefix, app in apps.items():
            if path.startswith(prefix):
                return app(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    return dispatch


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Served:
    backend: FakeFlyte2
    #: host:port, as lpctl's --endpoint takes it
    endpoint: str
    auth: AuthService

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"


def against(run_cli: Callable[..., Any], served: Served) -> Callable[..., Any]:
    """``lpctl(command, *args)`` on triggers.yaml against ``served``, with its token."""

    def invoke(command: str, *args: str) -> Any:
        return run_cli(command, "triggers.yaml", "--endpoint", served.endpoint, "--insecure", "--token-env", "TK",
                       "--color", "never", *args, env={"TK": TOKEN})

    return invoke


@contextmanager
def serve_tasks(*tasks: str, version: str = "v1") -> Iterator[Served]:
    """:func:`serve`, with these tasks deployed at ``version``."""
    with serve() as running:
        for task in tasks:
            running.backend.add_task(task, version)
        yield running


@contextmanager
def serve(backend: FakeFlyte2 | None = None, token_url: str = "") -> Iterator[Served]:
    """Run the fake on a free loopback port for the duration of the block."""
    backend = backend or FakeFlyte2()
    auth = AuthService(backend, token_url)
    server = make_server("127.0.0.1", 0, application(backend, auth), server_class=_Server, handler_class=_Quiet)
    endpoint = f"127.0.0.1:{server.server_address[1]}"
    backend.endpoint = f"http://{endpoint}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Served(backend, endpoint, auth)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
