"""lpctl plan and lpctl apply, end to end against the loopback FlyteAdmin fake (tests/fake_admin.py).

Every scenario checks the server's state after each command, not only lpctl's output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

grpc = pytest.importorskip("grpc")

from fake_admin import ACTIVE, TOKEN, D, P, Server, serve  # noqa: E402
from flyteidl.admin import launch_plan_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, types_pb2  # noqa: E402
from support import CliResult  # noqa: E402

WF = "wfs.my_workflow"
SPECS = """\
apiVersion: lpctl/v1
kind: LaunchPlan
name: nightly
workflow: wfs:my_workflow
default_inputs: {a: 1, b: x}
schedule: {cron: "0 3 * * *"}
labels: {team: data}
auto_activate: true
---
apiVersion: lpctl/v1
kind: LaunchPlan
name: weekly
workflow: wfs:my_workflow
default_inputs: {a: 7, b: y}
"""

Run = Callable[..., CliResult]


pytestmark = pytest.mark.usefixtures("no_proxies")  # the loopback servers, never a proxy


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as running:
        for version in ("v1", "v2"):
            running.admin.add_workflow(version, {"a": types_pb2.INTEGER, "b": types_pb2.STRING}, name=WF)
        yield running


@pytest.fixture
def repo(in_tmp: Any) -> Any:
    (in_tmp / "wfs.py").write_text("def my_workflow(a: int, b: str) -> None: ...\n")
    (in_tmp / "lps.yaml").write_text(SPECS)
    return in_tmp


@pytest.fixture
def lpctl(run_cli: Run, server: Server, repo: Any) -> Run:
    """``lpctl(command, *args)`` against the fake server, with its token."""

    def invoke(command: str, *args: str, version: str = "v1") -> CliResult:
        return run_cli(command, "lps.yaml", "--version", version, "--endpoint", server.endpoint, "--insecure",
                       "--token-env", "TK", "--color", "never", *args, env={"TK": TOKEN})

    return invoke


def add_active(server: Server, name: str, version: str) -> None:
    """A launch plan registered and activated by someone else."""
    lp = launch_plan_pb2.LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=P, domain=D,
                                             name=name, version=version))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project=P,
                                                           domain=D, name=WF, version=version))
    lp.closure.state = ACTIVE
    server.admin.launch_plans[(P, D, name, version)] = lp


FIRST_PLAN = """\
flytesnacks/development
  + create     nightly@v1: not on the server
  + create     weekly@v1: not on the server; created inactive (no auto_activate: activation not managed)
  ~ activate   nightly@v1: no version of it is active
2 to create, 1 to activate.
"""
NO_CHANGES = "No changes: the server matches the specs.\n"


def test_empty_server_plan_apply_plan(lpctl: Run, server: Server) -> None:
    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (1, FIRST_PLAN)
    assert server.admin.launch_plans == {} and server.admin.mutations() == []

    applied = lpctl("apply")
    assert (applied.exit_code, applied.stdout) == (0, FIRST_PLAN + (
        "create flytesnacks/development/nightly@v1: done: created\n"
        "create flytesnacks/development/weekly@v1: done: created\n"
        "activate flytesnacks/development/nightly@v1: done: activated\n"
        "apply: 3 done\n"))
    assert server.admin.active() == {(P, D, "nightly"): "v1"}
    assert server.admin.versions() == {(P, D, "nightly", "v1"), (P, D, "weekly", "v1")}
    assert server.admin.mutations() == ["CreateLaunchPlan", "CreateLaunchPlan", "UpdateLaunchPlan"]

    again = lpctl("plan")
    assert (again.exit_code, again.stdout) == (0, NO_CHANGES)


def test_second_apply_changes_nothing(lpctl: Run, server: Server) -> None:
    assert lpctl("apply").exit_code == 0
    before = server.admin.snapshot()
    server.admin.calls.clear()
    second = lpctl("apply")
    assert (second.exit_code, second.stdout) == (0, NO_CHANGES)
    assert server.admin.mutations() == [] and server.admin.snapshot() == before


def test_orphans_are_kept_without_prune_and_deactivated_with_it(lpctl: Run, server: Server) -> None:
    assert lpctl("apply").exit_code == 0
    add_active(server, "legacy", "v0")

    kept = lpctl("plan")
    assert (kept.exit_code, kept.stdout) == (0, (
        "flytesnacks/development\n"
        "    orphan     legacy@v0: active, declared by no spec here: kept (--prune deactivates it)\n"
        "No changes: the server matches the specs; 1 orphan kept (--prune deactivates).\n"))
    assert lpctl("apply").exit_code == 0
    assert server.admin.active() == {(P, D, "nightly"): "v1", (P, D, "legacy"): "v0"}

    pruned = lpctl("plan", "--prune")
    assert (pruned.exit_code, pruned.stdout) == (1, (
        "flytesnacks/development\n"
        "  - orphan     legacy@v0: active, declared by no spec here: deactivated (--prune)\n"
        "1 orphan.\n"))
    applied = lpctl("apply", "--prune")
    assert applied.exit_code == 0
    assert applied.stdout.endswith("orphan flytesnacks/development/legacy@v0: done: deactivated\napply: 1 done\n")
    assert server.admin.active() == {(P, D, "nightly"): "v1"}
    assert lpctl("plan", "--prune").exit_code == 0


def test_a_conflict_is_shown_in_spec_terms_and_never_overwritten(lpctl: Run, server: Server, repo: Any) -> None:
    """Only the labels change at the same version: FlyteAdmin would answer "identical structure"."""
    assert lpctl("apply").exit_code == 0
    before = server.admin.snapshot()
    (repo / "lps.yaml").write_text(SPECS.replace("team: data", "team: ml"))

    planned = lpctl("plan")
    conflict = ("  ! conflict   nightly@v1: registered with a different structure at version v1; a registered "
                "version cannot change: register a new version\n"
                "        labels: ~ team: data -> ml\n")
    assert (planned.exit_code, planned.stdout) == (1, "flytesnacks/development\n" + conflict + "1 conflict.\n")

    applied = lpctl("apply")
    assert applied.exit_code == 1
    assert applied.stdout.endswith("conflict flytesnacks/development/nightly@v1: conflict: registered with a "
                                   "different structure at version v1; a registered version cannot change: "
                                   "register a new version\n    labels: ~ team: data -> ml\napply: 1 conflict\n")
    assert server.admin.snapshot() == before and server.admin.mutations().count("CreateLaunchPlan") == 2

    fixed = lpctl("apply", version="v2")
    assert fixed.exit_code == 0
    assert server.admin.launch_plans[(P, D, "nightly", "v2")].spec.labels.values["team"] == "ml"


def test_a_new_version_moves_the_activation(lpctl: Run, server: Server) -> None:
    assert lpctl("apply").exit_code == 0
    planned = lpctl("plan", version="v2")
    assert (planned.exit_code, planned.stdout) == (1, (
        "flytesnacks/development\n"
        "  + create     nightly@v2: not on the server\n"
        "  + create     weekly@v2: not on the server; created inactive (no auto_activate: activation not "
        "managed)\n"
        "  ~ activate   nightly@v2: replaces active version v1\n"
        "2 to create, 1 to activate.\n"))
    applied = lpctl("apply", version="v2")
    assert applied.exit_code == 0
    assert "activate flytesnacks/development/nightly@v2: done: activated (version v1 deactivated)\n" in applied.stdout
    assert server.admin.active() == {(P, D, "nightly"): "v2"}
    assert server.admin.state("nightly", "v1") == "INACTIVE"
    assert lpctl("plan", version="v2").exit_code == 0


def test_declared_deactivation(lpctl: Run, server: Server, repo: Any) -> None:
    assert lpctl("apply").exit_code == 0
    (repo / "lps.yaml").write_text(SPECS.replace("auto_activate: true", "auto_activate: false"))
    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (1, (
        "flytesnacks/development\n"
        "  - deactivate nightly@v1: active, but the specs declare auto_activate: false\n"
        "1 to deactivate.\n"))
    assert lpctl("apply").exit_code == 0
    assert server.admin.active() == {}
    assert lpctl("plan").exit_code == 0


def test_a_failure_half_way_reports_and_a_rerun_completes(lpctl: Run, server: Server) -> None:
    server.admin.fail_on("CreateLaunchPlan", 2, grpc.StatusCode.UNAVAILABLE, "connection reset\x1b[2J")
    applied = lpctl("apply")
    assert applied.exit_code == 1
    assert applied.stdout == FIRST_PLAN + (
        "create flytesnacks/development/nightly@v1: done: created\n"
        f"create flytesnacks/development/weekly@v1: failed: cannot talk to FlyteAdmin at {server.endpoint} "
        "(UNAVAILABLE: connection "
        "reset\\x1b[2J)\n"
        "activate flytesnacks/development/nightly@v1: not attempted: the run stopped before it\n"
        "apply: 1 done, 1 failed, 1 not attempted; run lpctl apply again to complete the rest\n")
    assert server.admin.versions() == {(P, D, "nightly", "v1")} and server.admin.active() == {}

    rerun = lpctl("apply")
    assert rerun.exit_code == 0
    assert rerun.stdout.startswith("flytesnacks/development\n  + create     weekly@v1: not on the server; created "
                                   "inactive (no auto_activate: activation not managed)\n"
                                   "  ~ activate   nightly@v1: no version of it is active\n")
    assert server.admin.active() == {(P, D, "nightly"): "v1"}
    assert lpctl("plan").exit_code == 0


def test_an_unreachable_server(run_cli: Run, repo: Any) -> None:
    for command in ("plan", "apply"):
        result = run_cli(command, "lps.yaml", "--version", "v1", "--endpoint", "127.0.0.1:1", "--insecure")
        assert result.exit_code == 2
        assert result.stderr.startswith("1 file OK: 2 launch plans\nlpctl: cannot talk to FlyteAdmin at 127.0.0.1:1 "
                                        "(UNAVAILABLE: ")
        assert result.stdout == ""


def test_plan_needs_a_version(run_cli: Run, server: Server, repo: Any) -> None:
    result = run_cli("plan", "lps.yaml", "--endpoint", server.endpoint, "--insecure")
    assert (result.exit_code, result.stderr) == (2, "1 file OK: 2 launch plans\n"
                                                    "lpctl: launch plan flytesnacks/development/nightly has no "
                                                    "version: pass --version V (or set version in the spec or in "
                                                    "[tool.lpctl])\n")
    assert server.admin.calls == []


def test_plan_json(lpctl: Run, server: Server) -> None:
    assert lpctl("apply").exit_code == 0
    add_active(server, "legacy", "v0")
    result = lpctl("plan", "--format", "json", version="v2")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["version"] == 1 and document["changes"] is True
    assert document["summary"] == "2 to create, 1 to activate, 1 orphan kept (--prune deactivates)."
    assert [(a["action"], a["name"], a["version"], a["pending"], a["replaces"]) for a in document["actions"]] == [
        ("create", "nightly", "v2", True, None), ("create", "weekly", "v2", True, None),
        ("activate", "nightly", "v2", True, "v1"), ("orphan", "legacy", "v0", False, None)]
    assert all((a["project"], a["domain"]) == (P, D) for a in document["actions"])


def test_server_text_is_escaped(lpctl: Run, server: Server) -> None:
    add_active(server, "evil\x1b[2J\nname", "v\r0")
    result = lpctl("plan")
    assert "  orphan     evil\\x1b[2J\\nname@v\\r0: active" in result.stdout
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    server.admin.fail_on("ListActiveLaunchPlans", 1, grpc.StatusCode.INTERNAL, "boom\x1b[31m\nforged line")
    failed = lpctl("plan")
    assert (failed.exit_code, failed.stderr) == (2, "1 file OK: 2 launch plans\n"
                                                    "lpctl: FlyteAdmin refused to list the launch plans "
                                                    "(INTERNAL: boom\\x1b[31m\\nforged line)\n")


# -- the core: how many calls a plan makes ------------------------------------------------------------


def make_lp(name: str, version: str, a: int = 1) -> launch_plan_pb2.LaunchPlan:
    lp = launch_plan_pb2.LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=P, domain=D,
                                             name=name, version=version))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project=P,
                                                           domain=D, name=WF, version="v1"))
    param = lp.spec.default_inputs.parameters["a"]
    param.var.type.simple = types_pb2.INTEGER
    param.var.description = "a"
    param.default.scalar.primitive.integer = a
    lp.spec.labels.SetInParent()
    return lp


def reads(server: Server) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in server.admin.calls:
        counts[call] = counts.get(call, 0) + 1
    return counts


def test_a_plan_of_100_launch_plans_does_not_grow_with_the_versions_on_the_server(server: Server) -> None:
    from lpctl.admin.client import AdminClient
    from lpctl.admin.reconcile import apply, compute_plan

    server.admin.page_size = 10
    names = [f"lp{i:03d}" for i in range(100)]
    with AdminClient(server.endpoint, insecure=True, token=TOKEN, timeout=10) as client:
        for version in ("v1", "v2"):
            outcomes = apply(client, compute_plan(client, [(make_lp(n, version), True) for n in names]))
            assert all(o.ok for o in outcomes) and len(outcomes) == 200
        assert len(server.admin.launch_plans) == 200 and set(server.admin.active().values()) == {"v2"}

        desired = [(make_lp(n, "v3"), True) for n in names]
        counted = []
        for extra in ("", "v4 v5 v6 v7 v8 v9"):
            for version in extra.split():  # six more versions of every name, inactive
                for n in names:
                    server.admin.launch_plans[(P, D, n, version)] = make_lp(n, version)
            server.admin.calls.clear()
            plan = compute_plan(client, desired)
            counted.append(reads(server))
            assert [a.kind for a in plan.actions].count("create") == 100
        assert all(o.ok for o in apply(client, plan))
        server.admin.calls.clear()
        assert not compute_plan(client, desired).changes_pending
        counted.append(reads(server))
    # 100 active launch plans: 10 pages of ListActiveLaunchPlans; version v3 listed: 1 (empty) page, then
    # 10 pages once the 100 launch plans are there; 600 more versions on the server change nothing
    assert counted == [{"ListActiveLaunchPlans": 10, "ListLaunchPlans": 1}] * 2 + [
        {"ListActiveLaunchPlans": 10, "ListLaunchPlans": 10}]
    assert len(server.admin.launch_plans) == 900


def test_versions_a_filter_cannot_hold_are_read_one_by_one(server: Server) -> None:
    from lpctl.admin.client import AdminClient
    from lpctl.admin.reconcile import compute_plan

    desired = [(make_lp(n, "2026,11(25)"), False) for n in ("a", "b", "c")]
    with AdminClient(server.endpoint, insecure=True, token=TOKEN, timeout=10) as client:
        plan = compute_plan(client, desired)
    assert reads(server) == {"ListActiveLaunchPlans": 1, "GetLaunchPlan": 3}
    assert [(a.kind, a.identity.name) for a in plan.actions] == [("create", "a"), ("create", "b"), ("create", "c")]


# -- several projects and domains, JSON, colour -------------------------------------------------------


def test_every_project_and_domain_the_specs_name_and_only_those(lpctl: Run, server: Server, repo: Any) -> None:
    server.admin.add_workflow("v1", {"a": types_pb2.INTEGER, "b": types_pb2.STRING}, name=WF, domain="production")
    (repo / "lps.yaml").write_text(SPECS + "---\n" + SPECS.split("---\n")[0].replace(
        "name: nightly", "name: nightly\ndomain: production"))
    add_active(server, "legacy", "v0")
    server.admin.launch_plans[(P, "staging", "other", "v0")] = launch_plan_pb2.LaunchPlan(
        id=identifier_pb2.Identifier(project=P, domain="staging", name="other", version="v0"))
    server.admin.launch_plans[(P, "staging", "other", "v0")].closure.state = ACTIVE

    planned = lpctl("plan", "--prune")
    assert (planned.exit_code, planned.stdout) == (1, (
        "flytesnacks/development\n"
        "  + create     nightly@v1: not on the server\n"
        "  + create     weekly@v1: not on the server; created inactive (no auto_activate: activation not "
        "managed)\n"
        "  ~ activate   nightly@v1: no version of it is active\n"
        "  - orphan     legacy@v0: active, declared by no spec here: deactivated (--prune)\n"
        "flytesnacks/production\n"
        "  + create     nightly@v1: not on the server\n"
        "  ~ activate   nightly@v1: no version of it is active\n"
        "3 to create, 2 to activate, 1 orphan.\n"))
    assert lpctl("apply", "--prune").exit_code == 0
    assert server.admin.active() == {(P, D, "nightly"): "v1", (P, "production", "nightly"): "v1",
                                     (P, "staging", "other"): "v0"}


def test_apply_json(lpctl: Run, server: Server) -> None:
    server.admin.fail_on("UpdateLaunchPlan", 1, grpc.StatusCode.NOT_FOUND, "gone")
    result = lpctl("apply", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert (document["version"], document["command"], document["ok"]) == (1, "apply", False)
    assert document["summary"] == "2 done, 1 failed"
    assert [(o["action"], o["name"], o["status"], o["message"]) for o in document["outcomes"]] == [
        ("create", "nightly", "done", "created"), ("create", "weekly", "done", "created"),
        ("activate", "nightly", "failed", "NOT_FOUND: gone")]
    assert document["plan"]["summary"] == "2 to create, 1 to activate."
    assert lpctl("plan").stdout == ("flytesnacks/development\n  ~ activate   nightly@v1: no version of it is active\n"
                                    "1 to activate.\n")


def test_colour_only_when_asked_or_on_a_terminal(run_cli: Run, server: Server, repo: Any) -> None:
    args = ["plan", "lps.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure", "--token-env", "TK"]
    plain = run_cli(*args, env={"TK": TOKEN})
    assert plain.stdout == FIRST_PLAN
    coloured = run_cli(*args, "--color", "always", env={"TK": TOKEN})
    assert "\x1b[32m  + create     nightly@v1: not on the server\x1b[0m" in coloured.stdout


def test_two_versions_of_a_name_cannot_both_be_active(server: Server) -> None:
    from lpctl.admin.client import AdminClient
    from lpctl.admin.reconcile import apply, compute_plan, format_text

    desired = [(make_lp("nightly", "v1"), True), (make_lp("nightly", "v2"), True)]
    with AdminClient(server.endpoint, insecure=True, token=TOKEN, timeout=10) as client:
        plan = compute_plan(client, desired)
        assert [text for _, text in format_text(plan)] == [
            "flytesnacks/development",
            "  + create     nightly@v1: not on the server",
            "  + create     nightly@v2: not on the server",
            "  ! conflict   nightly@v2: versions v1, v2 all declare auto_activate: true; only one version of a name "
            "can be active: keep it on one",
            "2 to create, 1 conflict."]
        outcomes = apply(client, plan)
        assert [(o.action, o.identity.version, o.status) for o in outcomes] == [
            ("conflict", "v2", "conflict"), ("create", "v1", "done"), ("create", "v2", "done")]
        assert server.admin.active() == {}


def test_the_active_version_of_a_name(server: Server) -> None:
    from lpctl.admin.client import AdminClient

    with AdminClient(server.endpoint, insecure=True, token=TOKEN, timeout=10) as client:
        assert client.get_active_launch_plan(P, D, "legacy") is None
        add_active(server, "legacy", "v0")
        found = client.get_active_launch_plan(P, D, "legacy")
        assert found is not None and (found.id.name, found.id.version) == ("legacy", "v0")
        assert [lp.id.version for lp in client.list_launch_plans(P, D, name="legacy")] == ["v0"]


def test_locked_plan_and_apply_match_the_importing_run(lpctl: Run, run_cli: Run, server: Server, repo: Any) -> None:
    """--locked answers the workflows from lpctl.lock: the same plan, the same writes, the same server state."""
    import sys

    locked = run_cli("lock", "lps.yaml")
    assert locked.exit_code == 0, locked.stderr
    sys.modules.pop("wfs", None)  # the lock imported it in this process: an import would run it again
    (repo / "wfs.py").write_text("raise RuntimeError('imported under --locked')\n")
    planned = lpctl("plan", "--locked")
    assert (planned.exit_code, planned.stdout) == (1, FIRST_PLAN)
    assert server.admin.launch_plans == {} and server.admin.mutations() == []
    applied = lpctl("apply", "--locked")
    assert (applied.exit_code, applied.stdout.endswith("apply: 3 done\n")) == (0, True)
    assert server.admin.active() == {(P, D, "nightly"): "v1"}
    assert server.admin.versions() == {(P, D, "nightly", "v1"), (P, D, "weekly", "v1")}
    assert server.admin.mutations() == ["CreateLaunchPlan", "CreateLaunchPlan", "UpdateLaunchPlan"]
    again = lpctl("plan", "--locked")
    assert (again.exit_code, again.stdout) == (0, NO_CHANGES)
    assert "wfs" not in sys.modules
