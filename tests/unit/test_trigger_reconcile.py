"""lpctl plan and lpctl apply for Flyte 2 triggers, end to end against the loopback Connect fake
(tests/fake_flyte2.py). Every scenario checks the server's state after each command, not only lpctl's
output."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytest.importorskip("connectrpc")
pytest.importorskip("flyte")

from fake_flyte2 import TOKEN, D, P, Served, against, serve
from flyte2_repo import REPORT, SPECS, TRAIN, write_repo
from support import CliResult

Run = Callable[..., CliResult]


def key(name: str, task: str = TRAIN, project: str = P, domain: str = D) -> tuple[str, str, str, str]:
    return (project, domain, task, name)


pytestmark = pytest.mark.usefixtures("no_proxies")  # the loopback servers, never a proxy


@pytest.fixture
def server() -> Iterator[Served]:
    with serve() as running:
        for version in ("v1", "v2"):
            running.backend.add_task(TRAIN, version)
            running.backend.add_task(REPORT, version)
        yield running


@pytest.fixture
def repo(in_tmp: Any) -> Any:
    write_repo(in_tmp)
    return in_tmp


@pytest.fixture
def lpctl(run_cli: Run, server: Served, repo: Any) -> Run:
    """``lpctl(command, *args)`` against the fake, with its token."""

    base = against(run_cli, server)

    def invoke(command: str, *args: str, version: str = "v1") -> CliResult:
        result: CliResult = base(command, "--version", version, *args)
        return result

    return invoke


FIRST_PLAN = """\
flytesnacks/development
  + create     trigger demo.report/daily@v1: not on the server
  + create     trigger demo.train/hourly@v1: not on the server
  + create     trigger demo.train/nightly@v1: not on the server
3 to create.
"""
NO_CHANGES = "No changes: the server matches the specs.\n"


def test_empty_server_plan_apply_plan(lpctl: Run, server: Served) -> None:
    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (1, FIRST_PLAN)
    assert server.backend.state() == {} and server.backend.writes() == []

    applied = lpctl("apply")
    assert (applied.exit_code, applied.stdout) == (0, FIRST_PLAN + (
        "create trigger flytesnacks/development/demo.report/daily@v1: done: created\n"
        "create trigger flytesnacks/development/demo.train/hourly@v1: done: created\n"
        "create trigger flytesnacks/development/demo.train/nightly@v1: done: created\n"
        "apply: 3 done\n"))
    assert server.backend.state() == {key("daily", REPORT): (True, "v1", 1), key("hourly"): (True, "v1", 1),
                                      key("nightly"): (True, "v1", 1)}
    assert server.backend.writes() == ["DeployTrigger"] * 3
    nightly = server.backend.details(key("nightly")).spec
    assert nightly.description == "Retrain every night"
    # the bound input, and every task default, as flyte-sdk sends them
    assert [lit.name for lit in nightly.inputs.literals] == ["epochs", "dataset"]
    assert nightly.inputs.literals[0].value.scalar.primitive.integer == 5

    again = lpctl("plan")
    assert (again.exit_code, again.stdout) == (0, NO_CHANGES)


def test_plan_reads_only(lpctl: Run, server: Served) -> None:
    assert lpctl("plan").exit_code == 1
    assert set(server.backend.calls) == {"GetTaskDetails", "ListTriggers"}
    assert lpctl("apply").exit_code == 0
    server.backend.calls.clear()
    assert lpctl("plan", version="v2").exit_code == 1
    assert set(server.backend.calls) == {"GetTaskDetails", "ListTriggers", "GetTriggerDetails"}


def test_second_apply_changes_nothing(lpctl: Run, server: Served) -> None:
    assert lpctl("apply").exit_code == 0
    before = server.backend.state()
    server.backend.calls.clear()
    second = lpctl("apply")
    assert (second.exit_code, second.stdout) == (0, NO_CHANGES)
    assert server.backend.writes() == [] and server.backend.state() == before


def test_changed_input_is_one_update(lpctl: Run, server: Served, repo: Any) -> None:
    assert lpctl("apply").exit_code == 0
    (repo / "triggers.yaml").write_text(SPECS.replace("inputs: {epochs: 5}", "inputs: {epochs: 7}"))
    server.backend.calls.clear()
    expected = ("flytesnacks/development\n"
                "  ~ update     trigger demo.train/nightly@v1: differs from revision 1\n"
                "        inputs: epochs: scalar { primitive { integer: 5 } } -> scalar { primitive { integer: 7 } }\n"
                "1 to update.\n")
    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (1, expected)
    applied = lpctl("apply")
    assert (applied.exit_code, applied.stdout) == (0, expected + (
        "update trigger flytesnacks/development/demo.train/nightly@v1: done: updated\n"
        "apply: 1 done\n"))
    assert server.backend.writes() == ["DeployTrigger"]
    assert server.backend.state()[key("nightly")] == (True, "v1", 2)
    stored = server.backend.details(key("nightly")).spec.inputs.literals
    assert (stored[0].name, stored[0].value.scalar.primitive.integer) == ("epochs", 7)
    assert lpctl("plan").stdout == NO_CHANGES


def test_new_task_version_repoints_every_trigger(lpctl: Run, server: Served) -> None:
    assert lpctl("apply").exit_code == 0
    planned = lpctl("plan", version="v2")
    assert planned.stdout == (
        "flytesnacks/development\n"
        "  ~ update     trigger demo.report/daily@v2: differs from revision 1\n"
        "        task_version: v1 -> v2\n"
        "  ~ update     trigger demo.train/hourly@v2: differs from revision 1\n"
        "        task_version: v1 -> v2\n"
        "  ~ update     trigger demo.train/nightly@v2: differs from revision 1\n"
        "        task_version: v1 -> v2\n"
        "3 to update.\n")
    assert lpctl("apply", version="v2").exit_code == 0
    assert {k: v[1] for k, v in server.backend.state().items()} == {
        key("daily", REPORT): "v2", key("hourly"): "v2", key("nightly"): "v2"}


def test_declared_deactivation_and_reactivation(lpctl: Run, server: Served, repo: Any) -> None:
    assert lpctl("apply").exit_code == 0
    (repo / "triggers.yaml").write_text(SPECS.replace("name: hourly\n", "name: hourly\nauto_activate: false\n"))
    server.backend.calls.clear()
    expected = ("flytesnacks/development\n"
                "  - deactivate trigger demo.train/hourly@v1: active; the spec declares auto_activate: false\n"
                "1 to deactivate.\n")
    assert lpctl("plan").stdout == expected
    applied = lpctl("apply")
    assert (applied.exit_code, applied.stdout) == (0, expected + (
        "deactivate trigger flytesnacks/development/demo.train/hourly@v1: done: deactivated\napply: 1 done\n"))
    assert server.backend.writes() == ["UpdateTriggers"]
    assert server.backend.state()[key("hourly")] == (False, "v1", 2)
    assert lpctl("plan").stdout == NO_CHANGES

    (repo / "triggers.yaml").write_text(SPECS)  # auto_activate left out: Flyte 2's default, true
    assert lpctl("plan").stdout == ("flytesnacks/development\n"
                                    "  ~ activate   trigger demo.train/hourly@v1: inactive; the spec declares it "
                                    "active\n1 to activate.\n")
    assert lpctl("apply").exit_code == 0
    assert server.backend.state()[key("hourly")] == (True, "v1", 3)


def test_orphans_are_kept_without_prune_and_deactivated_with_it(lpctl: Run, server: Served) -> None:
    assert lpctl("apply").exit_code == 0
    server.backend.put("legacy", TRAIN, "v0")
    server.backend.put("paused", TRAIN, "v0", active=False)

    kept = lpctl("plan")
    assert (kept.exit_code, kept.stdout) == (0, (
        "flytesnacks/development\n"
        "    orphan     trigger demo.train/legacy: active, declared by no spec of its task: kept (--prune "
        "deactivates it)\n"
        "No changes: the server matches the specs; 1 orphan kept (--prune deactivates).\n"))
    server.backend.calls.clear()
    assert lpctl("apply").exit_code == 0
    assert server.backend.writes() == [] and server.backend.state()[key("legacy")] == (True, "v0", 1)

    pruned = lpctl("plan", "--prune")
    assert (pruned.exit_code, pruned.stdout) == (1, (
        "flytesnacks/development\n"
        "  - orphan     trigger demo.train/legacy: active, declared by no spec of its task: deactivated (--prune)\n"
        "1 orphan.\n"))
    assert lpctl("apply", "--prune").exit_code == 0
    assert server.backend.writes() == ["UpdateTriggers"]
    assert server.backend.state()[key("legacy")] == (False, "v0", 2)  # deactivated, not deleted
    assert server.backend.state()[key("paused")] == (False, "v0", 1)
    assert lpctl("plan", "--prune").stdout == NO_CHANGES


def test_missing_task_version_is_a_conflict_and_nothing_is_deployed(lpctl: Run, server: Served) -> None:
    expected = (
        "flytesnacks/development\n"
        "  ! conflict   trigger demo.report/daily@v9: task demo.report version v9 is not on the server: nothing is "
        "deployed for it; deploy the task first (flyte deploy), or pin a version that exists\n"
        "  ! conflict   trigger demo.train/hourly@v9: task demo.train version v9 is not on the server: nothing is "
        "deployed for it; deploy the task first (flyte deploy), or pin a version that exists\n"
        "  ! conflict   trigger demo.train/nightly@v9: task demo.train version v9 is not on the server: nothing is "
        "deployed for it; deploy the task first (flyte deploy), or pin a version that exists\n"
        "3 conflicts.\n")
    planned = lpctl("plan", version="v9")
    assert (planned.exit_code, planned.stdout) == (1, expected)
    applied = lpctl("apply", version="v9")
    assert applied.exit_code == 1
    assert applied.stdout.startswith(expected)
    assert applied.stdout.endswith("apply: 3 conflict\n")
    assert server.backend.writes() == [] and server.backend.state() == {}


def test_spec_task_version_wins_over_the_flag(lpctl: Run, server: Served, repo: Any) -> None:
    (repo / "triggers.yaml").write_text(SPECS.replace("name: daily\n", "name: daily\ntask_version: v2\n"))
    assert lpctl("apply").exit_code == 0
    assert server.backend.state()[key("daily", REPORT)] == (True, "v2", 1)
    assert server.backend.state()[key("nightly")] == (True, "v1", 1)


def test_no_task_version_anywhere_is_a_usage_error(run_cli: Run, server: Served, repo: Any) -> None:
    result = run_cli("plan", "triggers.yaml", "--endpoint", server.endpoint, "--insecure")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "lpctl: trigger 'nightly' of task demo.train (triggers.yaml) pins no task version: set task_version in the "
        "spec, or pass --version V (or set version in [tool.lpctl])\n")
    assert server.backend.calls == []


def test_failure_half_way_then_rerun(lpctl: Run, server: Served) -> None:
    server.backend.fail_on("DeployTrigger", 2, message="upstream went away")
    applied = lpctl("apply")
    assert applied.exit_code == 1
    assert applied.stdout == FIRST_PLAN + (
        "create trigger flytesnacks/development/demo.report/daily@v1: done: created\n"
        f"create trigger flytesnacks/development/demo.train/hourly@v1: failed: cannot talk to the Flyte 2 server at "
        f"http://{server.endpoint} (UNAVAILABLE: upstream went away)\n"
        "create trigger flytesnacks/development/demo.train/nightly@v1: not attempted: the run stopped "
        "before it\n"
        "apply: 1 done, 1 failed, 1 not attempted; run lpctl apply again to complete the rest\n")
    assert server.backend.state() == {key("daily", REPORT): (True, "v1", 1)}

    rerun = lpctl("apply")
    assert rerun.exit_code == 0
    assert rerun.stdout.endswith("apply: 2 done\n")
    assert set(server.backend.state()) == {key("daily", REPORT), key("hourly"), key("nightly")}
    assert lpctl("plan").stdout == NO_CHANGES


def test_a_refused_write_fails_that_trigger_only(lpctl: Run, server: Served) -> None:
    from connectrpc.code import Code

    server.backend.fail_on("DeployTrigger", 1, Code.INTERNAL, "optimistic lock failure")
    applied = lpctl("apply")
    assert applied.exit_code == 1
    assert applied.stdout.endswith(
        "create trigger flytesnacks/development/demo.report/daily@v1: failed: INTERNAL: optimistic lock failure\n"
        "create trigger flytesnacks/development/demo.train/hourly@v1: done: created\n"
        "create trigger flytesnacks/development/demo.train/nightly@v1: done: created\n"
        "apply: 2 done, 1 failed\n")
    assert set(server.backend.state()) == {key("hourly"), key("nightly")}


def test_unreachable_server(run_cli: Run, repo: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for command in ("plan", "apply"):
        result = run_cli(command, "triggers.yaml", "--version", "v1", "--endpoint", f"127.0.0.1:{port}", "--insecure")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert f"lpctl: cannot talk to the Flyte 2 server at http://127.0.0.1:{port} (UNAVAILABLE: " in result.stderr
        assert "Connection refused" in result.stderr


def test_refused_credentials_never_show_the_token(lpctl: Run, run_cli: Run, server: Served) -> None:
    result = run_cli("plan", "triggers.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
                     "--token-env", "TK", env={"TK": "wrong-token"})
    assert result.exit_code == 2
    assert "the Flyte 2 server refused the credentials (UNAUTHENTICATED: Request unauthenticated" in result.stderr
    assert "wrong-token" not in result.stdout + result.stderr
    assert server.backend.headers_seen[-1]["authorization"] == "Bearer wrong-token"


def test_other_tasks_projects_and_domains_are_untouched(lpctl: Run, server: Served) -> None:
    others = [("elsewhere", "demo.other", P, D), ("nightly", TRAIN, "other-project", D),
              ("nightly", TRAIN, P, "production"), ("hourly", REPORT, "other-project", D)]
    for name, task, project, domain in others:
        server.backend.put(name, task, "v0", project=project, domain=domain)
    before = {k: v for k, v in server.backend.state().items()}
    assert lpctl("apply", "--prune").exit_code == 0
    after = server.backend.state()
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == {key("daily", REPORT), key("hourly"), key("nightly")}
    for method, request in server.backend.requests:  # the specs name two tasks there: one listing of both
        if method == "ListTriggers":
            assert request.WhichOneof("scope_by") == "project_id"
            assert (request.project_id.name, request.project_id.domain) == (P, D)


def test_json_plan(lpctl: Run, server: Served) -> None:
    server.backend.put("legacy", TRAIN, "v0")
    document = json.loads(lpctl("plan", "--format", "json").stdout)
    assert document["changes"] is True
    assert [{k: a[k] for k in ("action", "kind", "project", "domain", "task", "name", "version", "pending")}
            for a in document["actions"]] == [
        {"action": "create", "kind": "trigger", "project": P, "domain": D, "task": REPORT, "name": "daily",
         "version": "v1", "pending": True},
        {"action": "create", "kind": "trigger", "project": P, "domain": D, "task": TRAIN, "name": "hourly",
         "version": "v1", "pending": True},
        {"action": "create", "kind": "trigger", "project": P, "domain": D, "task": TRAIN, "name": "nightly",
         "version": "v1", "pending": True},
        {"action": "orphan", "kind": "trigger", "project": P, "domain": D, "task": TRAIN, "name": "legacy",
         "version": "", "pending": False}]


def test_offloaded_inputs_as_the_open_source_backend_keeps_them(lpctl: Run, server: Served, repo: Any) -> None:
    server.backend.cluster = "self"
    planned = lpctl("plan")
    assert planned.stdout == FIRST_PLAN
    assert "SelectCluster" not in server.backend.calls and "UploadInputs" not in server.backend.calls
    assert lpctl("apply").exit_code == 0
    assert server.backend.writes() == ["UploadInputs", "DeployTrigger"] * 3  # every trigger has a default input
    nightly = server.backend.details(key("nightly")).spec
    assert nightly.WhichOneof("input_wrapper") == "offloaded_input_data"
    assert [lit.name for lit in server.backend.offloaded[nightly.offloaded_input_data.uri].literals] == [
        "epochs", "dataset"]
    assert lpctl("plan").stdout == NO_CHANGES

    (repo / "triggers.yaml").write_text(SPECS.replace("inputs: {epochs: 5}", "inputs: {epochs: 6}"))
    changed = lpctl("plan")
    assert changed.stdout.startswith("flytesnacks/development\n"
                                     "  ~ update     trigger demo.train/nightly@v1: differs from revision 1\n"
                                     "        inputs: offloaded inputs ")
    assert lpctl("apply").exit_code == 0
    assert lpctl("plan").stdout == NO_CHANGES


def test_list_pages_are_followed(lpctl: Run, server: Served) -> None:
    for index in range(7):
        server.backend.put(f"extra{index}", TRAIN, "v0", active=False)
    assert lpctl("apply").exit_code == 0
    server.backend.calls.clear()
    assert lpctl("plan").stdout == NO_CHANGES
    # one listing of the project and domain (two tasks declared there): 10 triggers at 3 a page
    assert server.backend.calls.count("ListTriggers") == 4


def test_a_task_declaring_triggers_in_code_gets_a_warning_at_the_spec(run_cli: Run, server: Served, repo: Any) -> None:
    from flyteidl2.task import task_definition_pb2, task_service_pb2

    (repo / "extra.yaml").write_text("apiVersion: lpctl/v1\nkind: Trigger\nname: weekly\ntask: demo_tasks:scheduled\n"
                                     "schedule: {cron: \"0 0 * * 1\"}\n")
    server.backend.add_task("demo.scheduled", "v1")
    args = ("extra.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure", "--token-env", "TK")
    applied = run_cli("apply", *args, env={"TK": TOKEN})
    assert applied.exit_code == 0
    assert applied.stderr == (
        "extra.yaml:4:7: warning LP925 task 'demo.scheduled' also declares triggers in code (in_code): the next "
        "'flyte deploy' of it deletes every trigger of the task that its code does not declare, this one included "
        "(keep a task's triggers in one place: remove triggers= from the task, or this spec)\n"
        "1 warning in 1 of 1 file\n")
    assert server.backend.state() == {key("weekly", "demo.scheduled"): (True, "v1", 1)}
    listings = [r for m, r in server.backend.requests if m == "ListTriggers"]  # one task: a listing of it alone
    assert [(r.WhichOneof("scope_by"), r.task_name.name) for r in listings] == [("task_name", "demo.scheduled")]
    # what the warning says: flyte deploy of the task with its trigger in code (DeployTask lists it)
    request = task_service_pb2.DeployTaskRequest(
        task_id=task_definition_pb2.TaskIdentifier(project=P, domain=D, name="demo.scheduled", version="v2"),
        triggers=[task_definition_pb2.TaskTrigger(name="in_code")])
    from fake_flyte2 import TaskService

    class _Ctx:
        def request_headers(self) -> dict[str, str]:
            return {"authorization": f"Bearer {TOKEN}"}

    TaskService(server.backend).deploy_task(request, _Ctx())
    assert server.backend.state() == {key("in_code", "demo.scheduled"): (False, "v2", 1)}
    planned = run_cli("plan", *args, env={"TK": TOKEN})
    assert planned.stdout == ("flytesnacks/development\n"
                              "  + create     trigger demo.scheduled/weekly@v1: not on the server\n"
                              "1 to create.\n")
    # --locked, from the lock alone (the task module made to fail if imported): the same plan and warning
    import sys

    assert run_cli("lock", "extra.yaml").exit_code == 0
    sys.modules.pop("demo_tasks", None)
    (repo / "demo_tasks.py").write_text("raise RuntimeError('imported under --locked')\n")
    locked = run_cli("plan", *args, "--locked", env={"TK": TOKEN})
    assert (locked.exit_code, locked.stdout, locked.stderr) == (planned.exit_code, planned.stdout, planned.stderr)
    assert planned.stderr.startswith(applied.stderr)  # LP925, as apply said it


LAUNCH_PLAN = """\
apiVersion: lpctl/v1
kind: LaunchPlan
name: nightly_lp
workflow: wfs:my_workflow
default_inputs: {a: 1, b: x}
auto_activate: true
"""


def test_a_repository_with_both_kinds_plans_each_against_its_own_server(run_cli: Run, server: Served,
                                                                          repo: Any) -> None:
    from fake_admin import TOKEN as ADMIN_TOKEN
    from fake_admin import serve as serve_admin
    from flyteidl.core import types_pb2

    (repo / "wfs.py").write_text("def my_workflow(a: int, b: str) -> None: ...\n")
    (repo / "lps.yaml").write_text(LAUNCH_PLAN)
    server.backend.token = ADMIN_TOKEN  # one credential for both servers
    with serve_admin() as admin:
        admin.admin.add_workflow("v1", {"a": types_pb2.INTEGER, "b": types_pb2.STRING}, name="wfs.my_workflow")
        args = ("lps.yaml", "triggers.yaml", "--version", "v1", "--endpoint", admin.endpoint, "--insecure",
                "--token-env", "TK", "--color", "never")
        refused = run_cli("plan", *args, env={"TK": ADMIN_TOKEN})
        assert (refused.exit_code, refused.stdout) == (2, "")
        assert refused.stderr.endswith("lpctl: the specs hold launch plans and Flyte 2 triggers: give the Flyte 2 "
                                       "endpoint for the triggers with --flyte2-endpoint (--endpoint is "
                                       "FlyteAdmin's)\n")
        both = (*args, "--flyte2-endpoint", server.endpoint)
        planned = run_cli("plan", *both, env={"TK": ADMIN_TOKEN})
        assert (planned.exit_code, planned.stdout) == (1, (
            "flytesnacks/development\n"
            "  + create     nightly_lp@v1: not on the server\n"
            "  ~ activate   nightly_lp@v1: no version of it is active\n"
            "  + create     trigger demo.report/daily@v1: not on the server\n"
            "  + create     trigger demo.train/hourly@v1: not on the server\n"
            "  + create     trigger demo.train/nightly@v1: not on the server\n"
            "4 to create, 1 to activate.\n"))
        assert admin.admin.mutations() == [] and server.backend.writes() == []
        applied = run_cli("apply", *both, env={"TK": ADMIN_TOKEN})
        assert applied.exit_code == 0
        assert applied.stdout.endswith(
            "create flytesnacks/development/nightly_lp@v1: done: created\n"
            "activate flytesnacks/development/nightly_lp@v1: done: activated\n"
            "create trigger flytesnacks/development/demo.report/daily@v1: done: created\n"
            "create trigger flytesnacks/development/demo.train/hourly@v1: done: created\n"
            "create trigger flytesnacks/development/demo.train/nightly@v1: done: created\n"
            "apply: 5 done\n")
        assert admin.admin.active() == {(P, D, "nightly_lp"): "v1"}
        assert set(server.backend.state()) == {key("daily", REPORT), key("hourly"), key("nightly")}
        assert "ListTriggers" not in admin.admin.calls and "ListActiveLaunchPlans" not in server.backend.calls
        assert run_cli("plan", *both, env={"TK": ADMIN_TOKEN}).stdout == NO_CHANGES


def test_client_credentials_through_flyte2_oauth_discovery(run_cli: Run, server: Served, repo: Any) -> None:
    from test_admin_security import http_server, token_reply

    secret = "cl1ent-s3cret/+="
    with http_server() as token_endpoint:
        token_endpoint.reply = token_reply(TOKEN)
        server.auth.token_url = token_endpoint.url
        planned = run_cli("plan", "triggers.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
                          "--client-id", "lpctl-ci", "--client-secret-env", "SECRET", "--color", "never",
                          env={"SECRET": secret})
        assert (planned.exit_code, planned.stdout) == (1, FIRST_PLAN)
        assert server.backend.calls[:2] == ["GetOAuth2Metadata", "GetPublicClientConfig"]
        assert {h.get("authorization") for h in server.backend.headers_seen[2:]} == {f"Bearer {TOKEN}"}
        assert [r["body"] for r in token_endpoint.seen] == [
            "grant_type=client_credentials&scope=all&audience=lpctl-test"]
        assert secret not in planned.stdout + planned.stderr

        body = b'{"error": "invalid_client", "error_description": "bad cl1ent-s3cret/+="}'
        token_endpoint.reply = lambda request: (401, {"Content-Type": "application/json"}, body)
        refused = run_cli("plan", "triggers.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
                          "--client-id", "lpctl-ci", "--client-secret-env", "SECRET", env={"SECRET": secret})
        assert refused.exit_code == 2
        assert "refused client 'lpctl-ci': HTTP 401 (invalid_client: bad ***)" in refused.stderr
        assert secret not in refused.stdout + refused.stderr


def test_answers_outside_the_scope_asked_for_are_ignored_and_reported(lpctl: Run, server: Served) -> None:
    from flyteidl2.trigger import trigger_definition_pb2

    assert lpctl("apply").exit_code == 0

    def stray(method: str, response: Any) -> Any:
        if method == "ListTriggers":
            extra = trigger_definition_pb2.Trigger(active=True)
            extra.id.name.project, extra.id.name.domain = "other-project", D
            extra.id.name.task_name, extra.id.name.name = TRAIN, "theirs"
            response.triggers.append(extra)
        return response

    server.backend.tamper = stray
    planned = lpctl("plan", "--prune")
    assert (planned.exit_code, planned.stdout) == (0, NO_CHANGES)
    assert planned.stderr == (
        "1 file OK: 0 launch plans, 3 triggers\n"
        "lpctl: warning: the server's ListTriggers for flytesnacks/development (org 127) answered 2 entries outside "
        "it (other-project/development/demo.train/theirs, other-project/development/demo.train/theirs): ignored; the "
        "server does not filter its lists as asked\n")  # one per page; 127: flyte-sdk's org of 127.0.0.1


def test_a_listing_that_never_ends_stops_the_run(lpctl: Run, server: Served) -> None:
    def forever(method: str, response: Any) -> Any:
        if method == "ListTriggers":
            response.token = "3"
        return response

    server.backend.tamper = forever
    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (2, "")
    assert planned.stderr.endswith(
        "lpctl: the server answered ListTriggers for flytesnacks/development with page token '3' a second time: it "
        "would be read forever; lpctl stopped (nothing was changed by this read)\n")
    assert server.backend.writes() == []


def test_a_slow_listing_stops_at_the_time_bound(lpctl: Run, server: Served) -> None:
    """ListTriggers answering each page late and never ending: --list-timeout ends the plan (exit 2)."""
    import re
    import time

    def slow(method: str, response: Any) -> Any:
        if method == "ListTriggers":
            time.sleep(0.05)
            response.token = str(int(response.token or 0) + 1000 + server.backend.calls.count("ListTriggers"))
        return response

    server.backend.tamper = slow
    planned = lpctl("plan", "--list-timeout", "0.3")
    assert (planned.exit_code, planned.stdout) == (2, "")
    pages = server.backend.calls.count("ListTriggers")
    assert 1 <= pages <= 7  # 0.3 s of pages of at least 0.05 s, each counted
    assert re.search(r"\nlpctl: the server took \d+\.\ds to answer ListTriggers for flytesnacks/development with "
                     f"{pages} pages and more to come, past lpctl's bound of 0.3s for one listing "
                     r"\(--list-timeout\); it stopped there \(nothing was changed by this read\)\n$", planned.stderr)
    assert server.backend.writes() == []


def test_an_update_that_also_changes_the_state_says_so(lpctl: Run, server: Served, repo: Any) -> None:
    assert lpctl("apply").exit_code == 0
    (repo / "triggers.yaml").write_text(SPECS.replace("name: hourly\n", "name: hourly\nauto_activate: false\n"))
    planned = lpctl("plan", version="v2")
    assert "  ~ update     trigger demo.train/hourly@v2: differs from revision 1\n" \
           "        task_version: v1 -> v2\n        active: true -> false\n" in planned.stdout
    assert lpctl("apply", version="v2").exit_code == 0
    assert server.backend.state()[key("hourly")] == (False, "v2", 2)  # one DeployTrigger did both
    assert server.backend.writes().count("UpdateTriggers") == 0


def test_tls_to_a_plain_http_server_says_what_to_try(run_cli: Run, server: Served, repo: Any) -> None:
    result = run_cli("plan", "triggers.yaml", "--version", "v1", "--endpoint", server.endpoint)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("1 file OK: 0 launch plans, 3 triggers\n"
                                    f"lpctl: cannot talk to the Flyte 2 server at https://{server.endpoint} "
                                    "(UNAVAILABLE: ")
    assert result.stderr.endswith("; the TLS handshake failed: if it serves plain HTTP (a local sandbox), try "
                                  "--insecure\n")
    assert server.backend.calls == []


def test_a_flyte2_api_key(run_cli: Run, server: Served, repo: Any) -> None:
    import base64

    from test_admin_security import http_server, token_reply

    def api_key(endpoint: str, org: str = "acme") -> str:
        return base64.b64encode(f"{endpoint}:lpctl-ci:k3y-s3cret:{org}".encode()).decode()

    args = ("plan", "triggers.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
            "--api-key-env", "FLYTE_API_KEY", "--color", "never")
    with http_server() as token_endpoint:
        token_endpoint.reply = token_reply(TOKEN)
        server.auth.token_url = token_endpoint.url
        planned = run_cli(*args, env={"FLYTE_API_KEY": api_key("127.0.0.1")})  # a key names a host, no port
        assert (planned.exit_code, planned.stdout) == (1, FIRST_PLAN)
        assert token_endpoint.seen[0]["authorization"] == "Basic " + base64.b64encode(
            b"lpctl-ci:k3y-s3cret").decode()
        assert {r.project_id.organization for m, r in server.backend.requests if m == "ListTriggers"} == {"acme"}

        elsewhere = run_cli(*args, env={"FLYTE_API_KEY": api_key("acme.cloud.example.com")})
        assert elsewhere.exit_code == 2
        assert elsewhere.stderr.endswith(
            f"lpctl: the API key in FLYTE_API_KEY is for acme.cloud.example.com, not {server.endpoint}: lpctl sends "
            "its secret only to the server it was issued for\n")
        broken = run_cli(*args, env={"FLYTE_API_KEY": "not-a-key"})
        assert broken.exit_code == 2
        assert broken.stderr.endswith(
            "lpctl: environment variable FLYTE_API_KEY does not hold a Flyte 2 API key (the base64 of "
            "endpoint:client_id:client_secret:org, as 'flyte create api-key' prints it)\n")
        assert len(token_endpoint.seen) == 1
        for result in (planned, elsewhere, broken):
            assert "k3y-s3cret" not in result.stdout + result.stderr


def test_a_bundle_of_triggers_is_refused_not_left_unchecked(run_cli: Run, server: Served, repo: Any) -> None:
    rendered = run_cli("render", "triggers.yaml", "-o", "bundle.json")
    assert rendered.exit_code == 0
    for command in ("plan", "apply"):
        result = run_cli(command, "bundle.json", "--version", "v1", "--endpoint", server.endpoint, "--insecure")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == ("lpctl: bundle.json holds 3 Flyte 2 triggers: plan and apply read triggers from "
                                 "their specs (a bundle pins no task version); give the spec files\n")
    assert server.backend.calls == []


def test_json_apply(lpctl: Run, server: Served) -> None:
    document = json.loads(lpctl("apply", "--format", "json").stdout)
    assert document["ok"] is True
    assert [{k: o[k] for k in ("action", "kind", "task", "name", "version", "status", "message")}
            for o in document["outcomes"]] == [
        {"action": "create", "kind": "trigger", "task": task, "name": name, "version": "v1", "status": "done",
         "message": "created"} for task, name in ((REPORT, "daily"), (TRAIN, "hourly"), (TRAIN, "nightly"))]
    assert [a["kind"] for a in document["plan"]["actions"]] == ["trigger"] * 3


def test_offloaded_inputs_of_a_task_with_cache_ignored_inputs(lpctl: Run, server: Served, repo: Any) -> None:
    from flyteidl2.task import task_definition_pb2

    spec = task_definition_pb2.TaskSpec()
    spec.task_template.metadata.cache_ignore_input_vars.append("dataset")
    server.backend.add_task(TRAIN, "v1", spec)
    server.backend.cluster = "self"
    assert lpctl("apply").exit_code == 0
    note = ("lpctl: warning: trigger demo.train/{}: the task's cache_ignore_input_vars (dataset) and the inputs' "
            "context are left out of the server's hash of offloaded inputs, the only thing lpctl can compare them "
            "by: a change to those alone is not seen\n")
    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (0, NO_CHANGES)
    assert planned.stderr.endswith(note.format("hourly") + note.format("nightly"))

    # the hash leaves dataset out: a change to it alone is what the warning says lpctl cannot see
    (repo / "triggers.yaml").write_text(SPECS.replace("inputs: {epochs: 5}", "inputs: {epochs: 5, dataset: s3://e}"))
    assert lpctl("plan").stdout == NO_CHANGES
    (repo / "triggers.yaml").write_text(SPECS.replace("inputs: {epochs: 5}", "inputs: {epochs: 6, dataset: s3://e}"))
    changed = lpctl("plan")
    assert changed.stdout.startswith("flytesnacks/development\n"
                                     "  ~ update     trigger demo.train/nightly@v1: differs from revision 1\n")
    assert lpctl("apply").exit_code == 0
    nightly = server.backend.details(key("nightly")).spec
    stored = server.backend.offloaded[nightly.offloaded_input_data.uri]
    assert [(lit.name, lit.value.scalar.primitive.string_value or lit.value.scalar.primitive.integer)
            for lit in stored.literals] == [("epochs", 6), ("dataset", "s3://e")]


def test_a_signal_during_apply_stops_before_the_next_trigger_write(lpctl: Run, server: Served) -> None:
    import os
    import signal

    def interrupt(method: str, response: Any) -> Any:
        if method == "DeployTrigger":
            os.kill(os.getpid(), signal.SIGTERM)
        return response

    server.backend.tamper = interrupt
    applied = lpctl("apply")
    assert applied.exit_code == 130
    assert applied.stdout.endswith(
        "create trigger flytesnacks/development/demo.report/daily@v1: done: created\n"
        "create trigger flytesnacks/development/demo.train/hourly@v1: not attempted: interrupted before it\n"
        "create trigger flytesnacks/development/demo.train/nightly@v1: not attempted: interrupted before it\n"
        "apply: 1 done, 2 not attempted; interrupted; run lpctl apply again to complete the rest\n")
    assert server.backend.writes() == ["DeployTrigger"] and set(server.backend.state()) == {key("daily", REPORT)}
    server.backend.tamper = None
    assert lpctl("apply").exit_code == 0
    assert len(server.backend.state()) == 3


def test_which_endpoint_is_needed(run_cli: Run, server: Served, repo: Any) -> None:
    alone = run_cli("plan", "triggers.yaml", "--version", "v1", "--flyte2-endpoint", server.endpoint, "--insecure",
                    "--token-env", "TK", "--color", "never", env={"TK": TOKEN})
    assert (alone.exit_code, alone.stdout) == (1, FIRST_PLAN)
    neither = run_cli("plan", "triggers.yaml", "--version", "v1", "--insecure")
    assert (neither.exit_code, neither.stdout) == (2, "")
    assert neither.stderr.endswith("lpctl: give the Flyte 2 endpoint for the triggers with --endpoint or "
                                   "--flyte2-endpoint\n")
    (repo / "wfs.py").write_text("def my_workflow(a: int, b: str) -> None: ...\n")
    (repo / "lps.yaml").write_text(LAUNCH_PLAN)
    both = run_cli("plan", "lps.yaml", "triggers.yaml", "--version", "v1", "--flyte2-endpoint", server.endpoint,
                   "--insecure")
    assert (both.exit_code, both.stdout) == (2, "")
    assert both.stderr.endswith("lpctl: give FlyteAdmin's endpoint for the launch plans with --endpoint\n")


def test_inputs_go_to_the_data_plane_select_cluster_names(lpctl: Run, server: Served) -> None:
    from fake_flyte2 import FakeFlyte2

    with serve(FakeFlyte2()) as data_plane:
        for task in (TRAIN, REPORT):
            data_plane.backend.add_task(task, "v1")
        server.backend.cluster = data_plane.url
        assert lpctl("apply").exit_code == 0
        assert "UploadInputs" not in server.backend.calls
        assert data_plane.backend.calls == ["UploadInputs"] * 3
        assert data_plane.backend.headers_seen[0]["authorization"] == f"Bearer {TOKEN}"
        nightly = server.backend.details(key("nightly")).spec.offloaded_input_data
        assert nightly.uri in data_plane.backend.offloaded
        assert lpctl("plan").stdout == NO_CHANGES


def test_locked_plan_and_apply_match_the_importing_run(lpctl: Run, run_cli: Run, server: Served, repo: Any) -> None:
    """--locked answers the tasks from lpctl.lock: the same plan, the same writes, the same server state."""
    locked = run_cli("lock", "triggers.yaml")
    assert locked.exit_code == 0, locked.stderr
    import sys

    sys.modules.pop("demo_tasks", None)  # the lock imported it in this process: an import would run it again
    (repo / "demo_tasks.py").write_text("raise RuntimeError('imported under --locked')\n")
    planned = lpctl("plan", "--locked")
    assert (planned.exit_code, planned.stdout) == (1, FIRST_PLAN)
    assert server.backend.state() == {} and server.backend.writes() == []
    applied = lpctl("apply", "--locked")
    assert applied.exit_code == 0, applied.stderr
    assert applied.stdout.endswith("apply: 3 done\n")
    assert server.backend.state() == {key("daily", REPORT): (True, "v1", 1), key("hourly"): (True, "v1", 1),
                                      key("nightly"): (True, "v1", 1)}
    assert server.backend.writes() == ["DeployTrigger"] * 3
    again = lpctl("plan", "--locked")
    assert (again.exit_code, again.stdout) == (0, NO_CHANGES)
    assert "demo_tasks" not in sys.modules


def test_a_spec_names_its_project_and_domain(lpctl: Run, server: Served, repo: Any) -> None:
    """``project``/``domain`` in a trigger spec win over --project and [tool.lpctl], as a launch plan's do:
    plan lists the trigger there, apply deploys it there, the others go where the flags say."""
    server.backend.add_task(TRAIN, "v1", project="ml", domain="production")
    server.backend.add_task(REPORT, "v1", project="ml")
    (repo / "pyproject.toml").write_text('[tool.lpctl]\nproject = "ml"\n')
    (repo / "triggers.yaml").write_text(SPECS.replace("name: nightly\n", "name: nightly\ndomain: production\n")
                                        .replace("name: hourly\n", "name: hourly\nproject: flytesnacks\n"))
    expected = ("flytesnacks/development\n"
                "  + create     trigger demo.train/hourly@v1: not on the server\n"
                "ml/development\n"
                "  + create     trigger demo.report/daily@v1: not on the server\n"
                "ml/production\n"
                "  + create     trigger demo.train/nightly@v1: not on the server\n"
                "3 to create.\n")
    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (1, expected)
    assert lpctl("apply").exit_code == 0
    assert server.backend.state() == {key("hourly"): (True, "v1", 1), key("daily", REPORT, "ml"): (True, "v1", 1),
                                      key("nightly", TRAIN, "ml", "production"): (True, "v1", 1)}
    assert lpctl("plan").stdout == NO_CHANGES
    # the flags beat [tool.lpctl], never the spec: nightly keeps its domain, hourly its project
    flagged = lpctl("plan", "--project", "flag", "--domain", "staging")
    missing = ("  ! conflict   trigger demo.{}@v1: task demo.{} version v1 is not on the server: nothing is deployed "
               "for it; deploy the task first (flyte deploy), or pin a version that exists\n")
    assert (flagged.exit_code, flagged.stdout) == (1, "flag/production\n" + missing.format("train/nightly", "train")
                                                   + "flag/staging\n" + missing.format("report/daily", "report")
                                                   + "flytesnacks/staging\n" + missing.format("train/hourly", "train")
                                                   + "3 conflicts.\n")


def test_triggers_of_another_organization_are_ignored_and_never_written_over(lpctl: Run, server: Served) -> None:
    """The open-source backend lists a project's triggers whatever their organization, and keys them without
    it. A trigger of another organization is left out of every decision (never an orphan, never updated) and
    reported; a declared trigger whose name it holds is a conflict: deploying would replace it."""
    server.backend.put("legacy", TRAIN, "v0", org="acme")  # would be an orphan in lpctl's organization
    server.backend.put("hourly", TRAIN, "v0", org="acme", cron="0 5 * * *")  # a declared name
    before = server.backend.state()
    conflict = ("  ! conflict   trigger demo.train/hourly@v1: the server lists a trigger of that name in organization "
                "'acme', not in '127', the one lpctl deploys to: nothing is deployed (a backend that keys triggers "
                "without the organization would replace it); check --org, or the organization of the API key\n")
    expected = ("flytesnacks/development\n"
                "  + create     trigger demo.report/daily@v1: not on the server\n"
                "  + create     trigger demo.train/nightly@v1: not on the server\n"
                + conflict + "2 to create, 1 conflict.\n")
    warning = ("lpctl: warning: the server's ListTriggers for flytesnacks/development (org 127) answered 2 entries "
               "outside it (flytesnacks/development/demo.train/hourly (org acme), flytesnacks/development/demo.train/"
               "legacy (org acme)): ignored; the server does not filter its lists as asked\n")
    planned = lpctl("plan", "--prune")
    assert (planned.exit_code, planned.stdout) == (1, expected)
    assert planned.stderr.endswith(warning)
    applied = lpctl("apply", "--prune")
    assert applied.exit_code == 1 and applied.stdout.startswith(expected)
    assert "conflict trigger flytesnacks/development/demo.train/hourly@v1: " in applied.stdout
    after = server.backend.state()
    assert {k: after[k] for k in before} == before  # acme's two triggers: untouched
    assert set(after) - set(before) == {key("daily", REPORT), key("nightly")}
    assert server.backend.writes() == ["DeployTrigger"] * 2
    assert "GetTriggerDetails" not in server.backend.calls
    # with --org acme they are lpctl's: hourly is compared (an update), legacy is an orphan
    theirs = lpctl("plan", "--org", "acme")
    assert "  ~ update     trigger demo.train/hourly@v1: differs from revision 1\n" in theirs.stdout
    assert "    orphan     trigger demo.train/legacy: active" in theirs.stdout
