"""A FlyteAdmin stand-in on a real loopback gRPC server, for register, plan and apply tests.

``FakeAdmin`` implements the AdminService launch plan calls with FlyteAdmin's semantics (reference 4.1,
4.5, 4.6; flyteadmin ``launch_plan_manager.go``):

- CreateLaunchPlan: the workflow must exist (NOT_FOUND); new launch plans are INACTIVE; ``default_inputs``
  is stored augmented with every free workflow input (``required: true``); an existing id answers
  ALREADY_EXISTS "identical structure" whenever the *default inputs* are equal (``IsSameDCFormat``: even if
  labels or the schedule differ) and INVALID_ARGUMENT "different structure" otherwise;
- UpdateLaunchPlan(ACTIVE) deactivates the previously active version of the same name; one active version
  per name;
- GetLaunchPlan, GetActiveLaunchPlan (NOT_FOUND when none is active), ListLaunchPlans (``eq(version,V)``
  filters; name optional), ListActiveLaunchPlans: list calls page with ``page_size`` and a token, and refuse
  a limit of 0;
- CreateExecution, GetExecution, ListExecutions: see ``fake_executions``; launch plans get
  ``closure.created_at`` from ``now`` (else the real time);
- every call needs the bearer token when ``token`` is set; ``fail_on`` makes the n-th call of a method fail
  once (UNAVAILABLE half-way through a run, say); ``on_call`` runs a function at the n-th call of a method
  (a signal sent to lpctl in the middle of a write).

Faulty variants, for what lpctl must survive: ``ignore_scope`` makes the list calls answer every launch plan
of every project and domain, whatever the request's project, domain, name and filter say;
``tokens="repeat"`` answers every page with the same next token, ``tokens="endless"`` with a new one each
time, forever; ``page_delay`` answers each page of a list call that many seconds late.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import grpc
from fake_executions import ExecKey, ExecutionCalls
from flyteidl.admin import launch_plan_pb2, workflow_pb2
from flyteidl.core import identifier_pb2, interface_pb2
from flyteidl.service import admin_pb2_grpc, auth_pb2, auth_pb2_grpc
from google.protobuf import json_format

LaunchPlan = launch_plan_pb2.LaunchPlan
ACTIVE, INACTIVE = launch_plan_pb2.ACTIVE, launch_plan_pb2.INACTIVE
TOKEN = "s3cr3t-t0ken-value"
P, D = "flytesnacks", "development"
WF = "pkg.workflows.my_workflow"

Key = tuple[str, str, str, str]


def key(identifier: Any) -> Key:
    return (identifier.project, identifier.domain, identifier.name, identifier.version)


def id_text(identifier: Any) -> str:
    version = f' version:"{identifier.version}"' if hasattr(identifier, "version") else ""
    return f'project:"{identifier.project}" domain:"{identifier.domain}" name:"{identifier.name}"{version}'


@dataclass
class Failure:
    method: str
    nth: int
    code: grpc.StatusCode
    details: str


@dataclass
class FakeAdmin(ExecutionCalls, admin_pb2_grpc.AdminServiceServicer):
    token: str | None = TOKEN
    page_size: int = 3
    workflows: dict[Key, interface_pb2.TypedInterface] = field(default_factory=dict)
    launch_plans: dict[Key, LaunchPlan] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    metadata_seen: list[dict[str, str]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    executions: dict[ExecKey, Any] = field(default_factory=dict)
    inputs_sent: dict[ExecKey, Any] = field(default_factory=dict)
    archived: set[ExecKey] = field(default_factory=set)
    #: the server's clock (creation times); None: the real time
    now: datetime | None = None
    ignore_scope: bool = False
    #: "": pages as FlyteAdmin does; "repeat" or "endless": a broken server
    tokens: str = ""
    #: seconds each page of a list call takes to answer (a slow server)
    page_delay: float = 0.0
    hooks: list[tuple[str, int, Callable[[], None]]] = field(default_factory=list)

    # -- setting up ---------------------------------------------------------------------------------

    def add_workflow(self, version: str, inputs: dict[str, int], name: str = WF, project: str = P,
                     domain: str = D) -> None:
        interface = interface_pb2.TypedInterface()
        for input_name, simple in inputs.items():
            interface.inputs.variables[input_name].type.simple = simple  # type: ignore[assignment]
            interface.inputs.variables[input_name].description = input_name
        self.workflows[(project, domain, name, version)] = interface

    def fail_on(self, method: str, nth: int, code: grpc.StatusCode, details: str) -> None:
        """The ``nth`` call of ``method`` from now on fails once with ``code``."""
        done = self.calls.count(method)
        self.failures.append(Failure(method, done + nth, code, details))

    def on_call(self, method: str, nth: int, action: Callable[[], None]) -> None:
        """Run ``action`` when the ``nth`` call of ``method`` from now on comes in (before answering it)."""
        self.hooks.append((method, self.calls.count(method) + nth, action))

    # -- reading the state --------------------------------------------------------------------------

    def state(self, name: str, version: str, project: str = P, domain: str = D) -> str:
        return launch_plan_pb2.LaunchPlanState.Name(self.launch_plans[(project, domain, name, version)].closure.state)

    def active(self) -> dict[tuple[str, str, str], str]:
        """(project, domain, name) -> the active version."""
        return {k[:3]: k[3] for k, lp in self.launch_plans.items() if lp.closure.state == ACTIVE}

    def versions(self) -> set[Key]:
        return set(self.launch_plans)

    def mutations(self) -> list[str]:
        return [c for c in self.calls if c in ("CreateLaunchPlan", "UpdateLaunchPlan")]

    def snapshot(self) -> dict[Key, bytes]:
        return {k: v.SerializeToString(deterministic=True) for k, v in self.launch_plans.items()}

    # -- every call ---------------------------------------------------------------------------------

    def _enter(self, method: str, context: Any) -> None:
        metadata = {k: v for k, v in context.invocation_metadata()}
        with self.lock:
            self.calls.append(method)
            self.metadata_seen.append(metadata)
            count = self.calls.count(method)
            failure = next((f for f in self.failures if f.method == method and f.nth == count), None)
            hooks = [action for m, nth, action in self.hooks if m == method and nth == count]
        for action in hooks:
            action()
        if failure is not None:
            context.abort(failure.code, failure.details)
        if self.token is not None and metadata.get("authorization") != f"Bearer {self.token}":
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Request unauthenticated with IdentityContext")

    def _missing(self, context: Any, identifier: Any, kind: str = "LAUNCH_PLAN") -> Any:
        context.abort(grpc.StatusCode.NOT_FOUND, f"missing entity of type {kind} with identifier {id_text(identifier)}")

    # -- writes -------------------------------------------------------------------------------------

    def CreateLaunchPlan(self, request: Any, context: Any) -> Any:
        self._enter("CreateLaunchPlan", context)
        for part in ("project", "domain", "name", "version"):
            if not getattr(request.spec.workflow_id, part) or not getattr(request.id, part):
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"missing {part}")
        wf_key = key(request.spec.workflow_id)
        if wf_key not in self.workflows:
            self._missing(context, request.spec.workflow_id, "WORKFLOW")
        spec = launch_plan_pb2.LaunchPlanSpec()
        spec.CopyFrom(request.spec)
        for name, var in self.workflows[wf_key].inputs.variables.items():  # rule 12: augment
            if name not in spec.default_inputs.parameters and name not in spec.fixed_inputs.literals:
                param = spec.default_inputs.parameters[name]
                param.var.CopyFrom(var)
                param.required = True
        with self.lock:
            existing = self.launch_plans.get(key(request.id))
            if existing is not None:
                self._exists(context, request, existing.spec, spec)
            stored = LaunchPlan(id=request.id, spec=spec)
            stored.id.resource_type = identifier_pb2.LAUNCH_PLAN
            stored.closure.expected_inputs.CopyFrom(spec.default_inputs)
            stored.closure.state = INACTIVE
            stored.closure.created_at.FromDatetime(self.clock())
            self.launch_plans[key(request.id)] = stored
        return launch_plan_pb2.LaunchPlanCreateResponse()

    def _exists(self, context: Any, request: Any, old_spec: Any, new_spec: Any) -> None:
        """flyteadmin compares the digests, and then, on a difference, only the default inputs."""
        old, new = (json_format.MessageToDict(s.default_inputs) for s in (old_spec, new_spec))
        if old == new:
            context.abort(grpc.StatusCode.ALREADY_EXISTS, "launch plan with identical structure already exists")
        context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                      f"{request.id.name} launch plan with different structure already exists. "
                      "(Please register a new version of the launch plan):\n"
                      f"{json.dumps(old, sort_keys=True)} != {json.dumps(new, sort_keys=True)}")

    def UpdateLaunchPlan(self, request: Any, context: Any) -> Any:
        self._enter("UpdateLaunchPlan", context)
        with self.lock:
            found = self.launch_plans.get(key(request.id))
            if found is None:
                self._missing(context, request.id)
            if request.state == ACTIVE:
                for other_key, other in self.launch_plans.items():
                    if other_key[:3] == key(request.id)[:3]:
                        other.closure.state = INACTIVE
            found.closure.state = request.state
        return launch_plan_pb2.LaunchPlanUpdateResponse()

    # -- reads --------------------------------------------------------------------------------------

    def GetLaunchPlan(self, request: Any, context: Any) -> Any:
        self._enter("GetLaunchPlan", context)
        with self.lock:
            found = self.launch_plans.get(key(request.id))
        if found is None:
            self._missing(context, request.id)
        return found

    def GetActiveLaunchPlan(self, request: Any, context: Any) -> Any:
        self._enter("GetActiveLaunchPlan", context)
        ident = request.id
        with self.lock:
            found = [lp for k, lp in self.launch_plans.items()
                     if k[:3] == (ident.project, ident.domain, ident.name) and lp.closure.state == ACTIVE]
        if not found:
            self._missing(context, ident)
        return found[0]

    def ListActiveLaunchPlans(self, request: Any, context: Any) -> Any:
        self._enter("ListActiveLaunchPlans", context)
        with self.lock:
            found = [lp for k, lp in sorted(self.launch_plans.items())
                     if (self.ignore_scope or k[:2] == (request.project, request.domain))
                     and lp.closure.state == ACTIVE]
        return self._page(context, found, request.limit, request.token)

    def ListLaunchPlans(self, request: Any, context: Any) -> Any:
        self._enter("ListLaunchPlans", context)
        ident = request.id
        if not ident.project or not ident.domain:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "missing project or domain")
        version = None
        if request.filters:
            match = re.fullmatch(r"eq\(version,([^,()]+)\)", request.filters)
            if match is None:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unsupported filter {request.filters}")
            version = match.group(1)
        with self.lock:
            found = [lp for k, lp in sorted(self.launch_plans.items()) if self.ignore_scope or (
                     k[:2] == (ident.project, ident.domain) and (not ident.name or k[2] == ident.name)
                     and (version is None or k[3] == version))]
        if request.HasField("sort_by"):
            if request.sort_by.key != "created_at":
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"sort key '{request.sort_by.key}' is not supported")
            found.sort(key=lambda lp: lp.closure.created_at.ToDatetime(timezone.utc),
                       reverse=request.sort_by.direction == 0)
        return self._page(context, found, request.limit, request.token)

    def _page(self, context: Any, found: list[LaunchPlan], limit: int, token: str) -> Any:
        if self.page_delay:
            time.sleep(self.page_delay)
        if limit == 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "invalid value for limit: 0")
        if self.tokens == "repeat":
            return launch_plan_pb2.LaunchPlanList(launch_plans=found[:1], token="page-2")
        if self.tokens == "endless":
            return launch_plan_pb2.LaunchPlanList(token=str(int(token or 0) + 1))
        start = int(token or 0)
        size = min(limit, self.page_size)
        page = found[start:start + size]
        more = start + size < len(found)
        return launch_plan_pb2.LaunchPlanList(launch_plans=page, token=str(start + size) if more else "")

    def GetWorkflow(self, request: Any, context: Any) -> Any:
        self._enter("GetWorkflow", context)
        if key(request.id) not in self.workflows:
            self._missing(context, request.id, "WORKFLOW")
        return workflow_pb2.Workflow(id=request.id)


@dataclass
class FakeAuth(auth_pb2_grpc.AuthMetadataServiceServicer):
    token_url: str = ""

    def GetOAuth2Metadata(self, request: Any, context: Any) -> Any:
        return auth_pb2.OAuth2MetadataResponse(token_endpoint=self.token_url, grant_types_supported=[
            "client_credentials"])

    def GetPublicClientConfig(self, request: Any, context: Any) -> Any:
        return auth_pb2.PublicClientAuthConfigResponse(scopes=["all"], audience="lpctl-test",
                                                       authorization_metadata_key="authorization")


@dataclass
class Server:
    admin: FakeAdmin
    auth: FakeAuth
    endpoint: str


@contextmanager
def serve(admin: FakeAdmin | None = None, auth: FakeAuth | None = None) -> Iterator[Server]:
    """Run the fakes on a free loopback port for the duration of the block."""
    admin, auth = admin or FakeAdmin(), auth or FakeAuth()
    executor = ThreadPoolExecutor(max_workers=4)
    grpc_server = grpc.server(executor)
    admin_pb2_grpc.add_AdminServiceServicer_to_server(admin, grpc_server)
    auth_pb2_grpc.add_AuthMetadataServiceServicer_to_server(auth, grpc_server)
    port = grpc_server.add_insecure_port("127.0.0.1:0")
    assert port
    grpc_server.start()
    try:
        yield Server(admin, auth, f"127.0.0.1:{port}")
    finally:
        grpc_server.stop(grace=None).wait(5)
        executor.shutdown(wait=True, cancel_futures=True)
