"""lpctl lock --from-admin against a real gRPC server on a loopback port.

The fake FlyteAdmin holds what pyflyte registers for example_pkg.workflows: the workflow (its
compiled template, serialized by flytekit) and its default launch plan (flytekit's too). A lock
filled from it must render, with --locked, the very bundle an importing run renders.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from support import CONFORMANCE, HEADER, CliResult

grpc = pytest.importorskip("grpc")

from flyteidl.admin import launch_plan_pb2, workflow_pb2  # noqa: E402
from flyteidl.service import admin_pb2_grpc  # noqa: E402

Run = Callable[..., CliResult]
TOKEN = "lock-t0ken"
P, D, V = "flytesnacks", "development", "v3"
Key = tuple[str, str, str, str]


def _key(identifier: Any) -> Key:
    return (identifier.project, identifier.domain, identifier.name, identifier.version)


@dataclass
class FakeAdmin(admin_pb2_grpc.AdminServiceServicer):
    workflows: dict[Key, workflow_pb2.Workflow] = field(default_factory=dict)
    launch_plans: dict[Key, launch_plan_pb2.LaunchPlan] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _auth(self, method: str, context: Any) -> None:
        with self.lock:
            self.calls.append(method)
        if dict(context.invocation_metadata()).get("authorization") != f"Bearer {TOKEN}":
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Request unauthenticated with IdentityContext")

    def GetWorkflow(self, request: Any, context: Any) -> Any:
        self._auth("GetWorkflow", context)
        found = self.workflows.get(_key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type WORKFLOW")
        return found

    def GetLaunchPlan(self, request: Any, context: Any) -> Any:
        self._auth("GetLaunchPlan", context)
        found = self.launch_plans.get(_key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type LAUNCH_PLAN")
        return found

    def register(self, wf: Any, *, with_launch_plan: bool = True) -> None:
        """What pyflyte register stores for a flytekit workflow: its template and default launch plan."""
        from flytekit.configuration import ImageConfig, SerializationSettings
        from flytekit.core.context_manager import FlyteContextManager
        from flytekit.core.launch_plan import LaunchPlan
        from flytekit.tools.translator import get_serializable

        settings = SerializationSettings(project=P, domain=D, version=V, image_config=ImageConfig.auto_default_image())
        spec = get_serializable(OrderedDict(), settings, wf).to_flyte_idl()
        stored = workflow_pb2.Workflow(id=spec.template.id)
        stored.closure.compiled_workflow.primary.template.CopyFrom(spec.template)
        self.workflows[_key(spec.template.id)] = stored
        if with_launch_plan:
            default = LaunchPlan.get_default_launch_plan(FlyteContextManager.current_context(), wf)
            lp = get_serializable(OrderedDict(), settings, default).to_flyte_idl()
            self.launch_plans[_key(lp.id)] = launch_plan_pb2.LaunchPlan(id=lp.id, spec=lp.spec)


@pytest.fixture(autouse=True)
def _environment(no_proxies: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCK_TOKEN", TOKEN)


@pytest.fixture
def admin() -> Iterator[tuple[FakeAdmin, str]]:
    fake = FakeAdmin()
    executor = ThreadPoolExecutor(max_workers=2)
    server = grpc.server(executor)
    admin_pb2_grpc.add_AdminServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield fake, f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None).wait(5)
        executor.shutdown(wait=True, cancel_futures=True)


SPECS = {
    "defaults.yaml": "name: lp_defaults\nworkflow: example_pkg.workflows:with_defaults\ndefault_inputs: {a: 7}\n",
    "typed.yaml": "name: lp_typed\nworkflow: example_pkg.workflows:typed\nfixed_inputs: {color: red, maybe: null}\n"
                  "default_inputs: {i: 1, when: '2024-01-01T00:00:00Z', counts: {x: 2}}\n",
    "points.yaml": "name: lp_points\nworkflow: example_pkg.workflows.with_point\ndefault_inputs: {n: 2}\n",
}


def _write_specs(tmp: Any) -> None:
    (tmp / "specs").mkdir()
    for name, body in SPECS.items():
        (tmp / "specs" / name).write_text(HEADER + body)


def _from_admin(run_cli: Run, endpoint: str, *extra: str) -> CliResult:
    return run_cli("lock", "specs", "--from-admin", "--endpoint", endpoint, "--insecure", "--token-env",
                   "LOCK_TOKEN", "--workflow-version", V, *extra)


def test_a_lock_from_admin_renders_what_an_importing_run_renders(run_cli: Run, in_tmp: Any,
                                                                 admin: tuple[FakeAdmin, str]) -> None:
    from example_pkg import workflows as wf

    fake, endpoint = admin
    for workflow in (wf.with_defaults, wf.typed, wf.with_point):
        fake.register(workflow)
    _write_specs(in_tmp)
    assert _from_admin(run_cli, endpoint) == CliResult(0, "", "wrote specs/lpctl.lock (3 workflows)\n")
    doc = json.loads((in_tmp / "specs" / "lpctl.lock").read_text())
    assert {ref: e["registered"] for ref, e in doc["workflows"].items()} == {
        "example_pkg.workflows.with_point": f"{P}/{D}/example_pkg.workflows.with_point@{V}",
        "example_pkg.workflows:typed": f"{P}/{D}/example_pkg.workflows.typed@{V}",
        "example_pkg.workflows:with_defaults": f"{P}/{D}/example_pkg.workflows.with_defaults@{V}"}
    assert sorted(set(fake.calls)) == ["GetLaunchPlan", "GetWorkflow"]
    locked = run_cli("render", "specs", "--locked", "--version", V)
    imported = run_cli("render", "specs", "--python-path", CONFORMANCE, "--no-cache", "--version", V)
    assert locked.exit_code == imported.exit_code == 0
    assert locked.stdout == imported.stdout


def test_without_a_default_launch_plan_inputs_are_required(run_cli: Run, in_tmp: Any,
                                                           admin: tuple[FakeAdmin, str]) -> None:
    from example_pkg import workflows as wf

    fake, endpoint = admin
    fake.register(wf.with_defaults, with_launch_plan=False)
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / "d.yaml").write_text(HEADER + SPECS["defaults.yaml"])
    assert _from_admin(run_cli, endpoint).exit_code == 0
    entry = json.loads((in_tmp / "specs" / "lpctl.lock").read_text())["workflows"][
        "example_pkg.workflows:with_defaults"]
    params = {i["name"]: i["parameter"] for i in entry["inputs"]}
    assert params["b"] == {"required": True, "var": {"description": "the b input", "type": {"simple": "STRING"}}}
    assert params["e"]["default"] == {"scalar": {"noneType": {}}}


def test_a_workflow_admin_does_not_have_is_LP311(run_cli: Run, in_tmp: Any, admin: tuple[FakeAdmin, str]) -> None:
    _, endpoint = admin
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / "d.yaml").write_text(HEADER + SPECS["defaults.yaml"])
    result = _from_admin(run_cli, endpoint, "--format", "text")
    assert result == CliResult(1, "", f"specs/d.yaml:4:11: error LP311 workflow {P}/{D}/example_pkg.workflows."
                               f"with_defaults@{V} is not registered in FlyteAdmin at {endpoint} (check the "
                               "project, domain and version, or register the workflow)\n1 error in 1 of 1 file\n")


def test_a_bad_token_stops_the_run(run_cli: Run, in_tmp: Any, admin: tuple[FakeAdmin, str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _, endpoint = admin
    monkeypatch.setenv("LOCK_TOKEN", "wrong")
    _write_specs(in_tmp)
    result = _from_admin(run_cli, endpoint)
    assert result.exit_code == 2
    assert result.stderr == (f"lpctl: FlyteAdmin at {endpoint}: UNAUTHENTICATED: Request unauthenticated with "
                             "IdentityContext\n")


def test_from_admin_takes_every_auth_option(run_cli: Run, in_tmp: Any, admin: tuple[FakeAdmin, str]) -> None:
    import sys

    from example_pkg import workflows as wf

    fake, endpoint = admin
    fake.register(wf.with_defaults)
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / "d.yaml").write_text(HEADER + SPECS["defaults.yaml"])
    command = f"{sys.executable} -c \"print('{TOKEN}')\""
    assert run_cli("lock", "specs", "--from-admin", "--endpoint", endpoint, "--insecure", "--token-command", command,
                   "--workflow-version", V) == CliResult(0, "", "wrote specs/lpctl.lock (1 workflow)\n")
    assert run_cli("lock", "specs", "--from-admin", "--endpoint", endpoint, "--client-id", "ci") == CliResult(
        2, "", "lpctl: --client-id needs --client-secret-env\n")
    assert run_cli("lock", "specs", "--from-admin", "--endpoint", endpoint, "--token-env", "LOCK_TOKEN",
                   "--token-command", command) == CliResult(
        2, "", "lpctl: give only one of --token-env, --token-command, --client-id\n")


def test_filling_from_admin_keeps_the_flyte2_tasks_of_the_lock() -> None:
    from lpctl.admin.lockfill import fill_lock
    from lpctl.lock import Lock
    from lpctl.spec.config import Identity

    tasks = {"pkg.tasks:train": {"name": "pipelines.train", "module": "pkg.tasks", "inputs": [], "defaultOrder": []}}
    filled, diagnostics = fill_lock(Lock(tasks=tasks), {}, None, Identity())  # no reference: no client call
    assert (filled.tasks, diagnostics) == (tasks, [])
