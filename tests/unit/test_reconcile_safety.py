"""apply changes only what plan showed, and only what the specs own (issue 25), against the loopback
FlyteAdmin (tests/fake_admin.py) and its faulty variants; the server's state is checked after each command.
"""

from __future__ import annotations

import base64
import json
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest

grpc = pytest.importorskip("grpc")

from fake_admin import ACTIVE, TOKEN, D, P, Server, serve  # noqa: E402
from flyteidl.admin import launch_plan_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, types_pb2  # noqa: E402
from support import HEADER, CliResult, flytekit_sigint_after  # noqa: E402

WF = "wfs.my_workflow"
HEAD = HEADER + "workflow: wfs:my_workflow\n"
#: six production launch plans written faithfully: no auto_activate (the team activates them by hand)
PRODUCTION = "---\n".join(f"{HEAD}name: report{i}\ndomain: production\ndefault_inputs: {{a: {i}, b: x}}\n"
                          for i in range(6))
Run = Callable[..., CliResult]


pytestmark = pytest.mark.usefixtures("no_proxies")  # the loopback servers, never a proxy


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as running:
        for project in (P, "other"):
            for domain in (D, "production"):
                for version in ("v1", "v2"):
                    running.admin.add_workflow(version, {"a": types_pb2.INTEGER, "b": types_pb2.STRING}, name=WF,
                                               project=project, domain=domain)
        yield running


@pytest.fixture
def repo(in_tmp: Any) -> Any:
    (in_tmp / "wfs.py").write_text("def my_workflow(a: int, b: str) -> None: ...\n")
    (in_tmp / "specs").mkdir()
    return in_tmp


@pytest.fixture
def lpctl(run_cli: Run, server: Server, repo: Any) -> Run:
    """``lpctl(command, *args)`` on specs/ against the fake server, with its token."""

    def invoke(command: str, *args: str, version: str = "v1", path: str = "specs") -> CliResult:
        return run_cli(command, path, "--version", version, "--endpoint", server.endpoint, "--insecure",
                       "--token-env", "TK", "--color", "never", *args, env={"TK": TOKEN})

    return invoke


def put(server: Server, name: str, version: str, *, project: str = P, domain: str = D, active: bool = True) -> None:
    """A launch plan registered (and activated) by someone else."""
    lp = launch_plan_pb2.LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=project,
                                             domain=domain, name=name, version=version))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project=project,
                                                           domain=domain, name=WF, version=version))
    lp.closure.state = ACTIVE if active else launch_plan_pb2.INACTIVE
    server.admin.launch_plans[(project, domain, name, version)] = lp


def outside(server: Server, project: str, domain: str) -> dict[Any, bytes]:
    return {k: v for k, v in server.admin.snapshot().items() if k[:2] != (project, domain)}


# -- only what is declared is managed --------------------------------------------------------------------


def test_a_spec_without_auto_activate_leaves_activation_alone(lpctl: Run, server: Server, repo: Any) -> None:
    (repo / "specs" / "prod.yaml").write_text(PRODUCTION)
    assert lpctl("apply").exit_code == 0
    for i in range(6):  # activated by hand, as `pyflyte launchplan --activate` does
        server.admin.launch_plans[(P, "production", f"report{i}", "v1")].closure.state = ACTIVE
    before = server.admin.snapshot()
    server.admin.calls.clear()

    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (0, "No changes: the server matches the specs.\n")
    applied = lpctl("apply")
    assert (applied.exit_code, applied.stdout) == (0, "No changes: the server matches the specs.\n")
    assert server.admin.mutations() == [] and server.admin.snapshot() == before

    second = lpctl("plan", version="v2")  # where it matters: a new version is created, not activated
    assert second.stdout.splitlines()[:2] == [
        "flytesnacks/production",
        "  + create     report0@v2: not on the server; created inactive, version v1 stays active (no "
        "auto_activate: activation not managed)"]
    assert lpctl("apply", version="v2").exit_code == 0
    assert server.admin.active() == {(P, "production", f"report{i}"): "v1" for i in range(6)}
    assert len(server.admin.versions()) == 12


def test_declared_values_still_activate_and_deactivate(lpctl: Run, server: Server, repo: Any) -> None:
    spec = HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n"
    (repo / "specs" / "a.yaml").write_text(spec + "auto_activate: true\n")
    assert lpctl("apply").exit_code == 0
    assert server.admin.active() == {(P, D, "a"): "v1"}
    (repo / "specs" / "a.yaml").write_text(spec)
    assert lpctl("apply", version="v2").exit_code == 0
    assert server.admin.active() == {(P, D, "a"): "v1"}
    (repo / "specs" / "a.yaml").write_text(spec + "auto_activate: false\n")
    planned = lpctl("plan", version="v2")
    assert planned.stdout == ("flytesnacks/development\n"
                              "  - deactivate a@v1: active, but the specs declare auto_activate: false\n"
                              "1 to deactivate.\n")
    assert lpctl("apply", version="v2").exit_code == 0
    assert server.admin.active() == {}


def test_an_inactive_declared_version_is_shown_as_unmanaged(lpctl: Run, server: Server, repo: Any) -> None:
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: daily\ndefault_inputs: {a: 1, b: x}\n")
    assert lpctl("apply", version="v2").exit_code == 0  # v2 on the server, inactive
    put(server, "daily", "v1")  # while someone keeps v1 active
    before = server.admin.snapshot()

    planned = lpctl("plan", version="v2")
    assert (planned.exit_code, planned.stdout) == (0, (
        "flytesnacks/development\n"
        "    unmanaged  daily@v2: on the server but not active (version v1 is); no auto_activate: activation "
        "not managed\n"
        "No changes: the server matches the specs; 1 activation not managed.\n"))
    document = json.loads(lpctl("plan", "--format", "json", version="v2").stdout)
    assert (document["changes"], document["summary"]) == (
        False, "No changes: the server matches the specs; 1 activation not managed.")
    assert [(a["action"], a["name"], a["version"], a["pending"]) for a in document["actions"]] == [
        ("unmanaged", "daily", "v2", False)]
    applied = lpctl("apply", version="v2")
    assert applied.exit_code == 0 and applied.stdout.endswith("1 activation not managed.\n")
    assert server.admin.snapshot() == before and server.admin.active() == {(P, D, "daily"): "v1"}

    server.admin.launch_plans[(P, D, "daily", "v1")].closure.state = launch_plan_pb2.INACTIVE
    server.admin.launch_plans[(P, D, "daily", "v2")].closure.state = ACTIVE  # the declared one: nothing to say
    assert lpctl("plan", version="v2").stdout == "No changes: the server matches the specs.\n"


def test_several_active_versions_of_a_name_are_a_warning_about_the_server(lpctl: Run, server: Server,
                                                                         repo: Any) -> None:
    spec = HEAD + "name: daily\ndefault_inputs: {a: 1, b: x}\n"
    (repo / "specs" / "a.yaml").write_text(spec + "auto_activate: false\n")
    put(server, "daily", "v1")
    put(server, "daily", "v0")  # a faulty server: two active versions of daily
    warning = ("lpctl: warning: the server's ListActiveLaunchPlans for flytesnacks/development answered 2 active "
               "versions of daily (v0, v1): FlyteAdmin keeps one active version per launch plan; the plan takes "
               "each of them into account\n")
    outputs = set()
    for order in (("v0", "v1"), ("v1", "v0")):  # whichever the server lists last, the same plan
        server.admin.launch_plans = {**{k: v for k, v in server.admin.launch_plans.items() if k[3] not in order},
                                     **{(P, D, "daily", v): server.admin.launch_plans[(P, D, "daily", v)]
                                        for v in order}}
        planned = lpctl("plan", version="v2")
        assert planned.exit_code == 1 and planned.stderr.endswith(warning)
        outputs.add(planned.stdout)
    assert outputs == {"flytesnacks/development\n"
                       "  + create     daily@v2: not on the server\n"
                       "  - deactivate daily@v0: active, but the specs declare auto_activate: false\n"
                       "  - deactivate daily@v1: active, but the specs declare auto_activate: false\n"
                       "1 to create, 2 to deactivate.\n"}
    assert lpctl("apply", version="v2").exit_code == 0
    assert server.admin.active() == {}

    (repo / "specs" / "a.yaml").write_text(spec + "auto_activate: true\n")
    put(server, "daily", "v0")
    put(server, "daily", "v1")
    planned = lpctl("plan", version="v2")
    assert planned.stdout == ("flytesnacks/development\n"
                              "  ~ activate   daily@v2: versions v0, v1 are active (the server lists several)\n"
                              "1 to activate.\n")
    assert lpctl("apply", version="v2").exit_code == 0
    assert server.admin.active() == {(P, D, "daily"): "v2"}


# -- scope: a server whose lists ignore the project and domain asked for ---------------------------------


def test_a_server_ignoring_the_scope_cannot_make_lpctl_touch_other_projects(lpctl: Run, server: Server,
                                                                            repo: Any) -> None:
    server.admin.ignore_scope = True
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: nightly\ndefault_inputs: {a: 1, b: x}\n"
                                           "auto_activate: false\n")
    put(server, "legacy", "v0", project="other")  # another project's launch plan, mixed into the answers
    put(server, "nightly", "v0", project="other")  # the same name in another project
    put(server, "nightly", "v0", domain="production")  # and in another domain
    before = outside(server, P, D)

    planned = lpctl("plan", "--prune")
    assert (planned.exit_code, planned.stdout) == (1, (
        "flytesnacks/development\n"
        "  + create     nightly@v1: not on the server\n"
        "1 to create.\n"))
    assert planned.stderr == (
        "1 file OK: 1 launch plan\n"
        "lpctl: warning: the server's ListActiveLaunchPlans for flytesnacks/development answered 3 entries outside "
        "it (flytesnacks/production/nightly@v0, other/development/legacy@v0, other/development/nightly@v0): "
        "ignored; the server does not filter its lists as asked\n"
        "lpctl: warning: the server's ListLaunchPlans at version v1 for flytesnacks/development answered 3 "
        "entries outside it (flytesnacks/production/nightly@v0, other/development/legacy@v0, "
        "other/development/nightly@v0): ignored; the server does not filter its lists as asked\n")
    applied = lpctl("apply", "--prune", "--format", "json")
    assert applied.exit_code == 0
    document = json.loads(applied.stdout)
    assert [(o["action"], o["project"], o["name"]) for o in document["outcomes"]] == [("create", P, "nightly")]
    assert len(document["plan"]["warnings"]) == 2
    assert outside(server, P, D) == before
    assert server.admin.active() == {("other", D, "legacy"): "v0", ("other", D, "nightly"): "v0",
                                     (P, "production", "nightly"): "v0"}


# -- prune needs the whole declaration -------------------------------------------------------------------


@pytest.mark.parametrize("broken", ["dangling link", "spec error"])
def test_prune_refuses_a_partial_declaration(lpctl: Run, server: Server, repo: Any, broken: str) -> None:
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    put(server, "b", "v0")  # declared by the spec that cannot be read
    if broken == "dangling link":
        os.symlink("../elsewhere/b.yaml", repo / "specs" / "b.yaml")
        why = ("1 path skipped (specs/b.yaml)")
    else:
        (repo / "specs" / "b.yaml").write_text(HEAD + "name: b\ndefault_inputs: {a: x}\n")
        why = "1 spec file with errors (specs/b.yaml)"
    before = server.admin.snapshot()
    for command in ("plan", "apply"):
        for fmt in ("text", "json"):
            result = lpctl(command, "--prune", "--format", fmt)
            message = (f"--prune refused: {why}; a partial view of the specs must never deactivate anything: "
                       "fix them, or run without --prune")
            assert result.exit_code == 2
            assert result.stderr.endswith(f"lpctl: {message}\n")
            if fmt == "json":
                document = json.loads(result.stdout)
                assert (document["ok"], document["error"], document["exitCode"]) == (False, message, 2)
            else:
                assert result.stdout == ""
    assert server.admin.calls == [] and server.admin.snapshot() == before
    if broken == "dangling link":  # without --prune, the rest is applied and the orphan kept
        assert lpctl("apply").exit_code == 0
        assert server.admin.active() == {(P, D, "b"): "v0"}


# -- bounded reading --------------------------------------------------------------------------------------


def test_a_repeated_page_token_stops_the_read(lpctl: Run, server: Server, repo: Any) -> None:
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    put(server, "legacy", "v0")
    server.admin.tokens = "repeat"
    for command in ("plan", "apply"):
        result = lpctl(command, "--prune")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.endswith(
            "lpctl: the server answered ListActiveLaunchPlans for flytesnacks/development with page token "
            "'page-2' a second time: it would be read forever; lpctl stopped (nothing was changed by this read)\n")
    assert server.admin.mutations() == [] and server.admin.calls.count("ListActiveLaunchPlans") == 4


def test_endless_pages_stop_at_the_bound(lpctl: Run, server: Server, repo: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from lpctl.admin import guard

    assert guard.MAX_PAGES == 10_000
    monkeypatch.setattr(guard, "MAX_PAGES", 40)
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    server.admin.tokens = "endless"
    result = lpctl("apply", "--format", "json")
    assert result.exit_code == 2
    message = ("the server answered ListActiveLaunchPlans for flytesnacks/development with more than 40 pages, "
               "lpctl's bound for one listing; it stopped there (a server that never ends a listing is broken)")
    assert result.stderr.endswith(f"lpctl: {message}\n")
    assert json.loads(result.stdout)["error"] == message
    assert server.admin.calls == ["ListActiveLaunchPlans"] * 40


def test_a_slow_listing_stops_at_the_time_bound(lpctl: Run, server: Server, repo: Any) -> None:
    """Each page within the call timeout, but slowly and without end: --list-timeout ends the read (exit 2),
    long before the page bound would; the server is left as it was."""
    import re
    import time

    from lpctl.admin import guard

    assert guard.LIST_TIMEOUT == 600
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    server.admin.tokens, server.admin.page_delay = "endless", 0.05
    began = time.monotonic()
    result = lpctl("apply", "--format", "json", "--list-timeout", "0.3")
    assert time.monotonic() - began < 5
    assert result.exit_code == 2
    pages = server.admin.calls.count("ListActiveLaunchPlans")
    assert 1 <= pages <= 7  # 0.3 s of pages of at least 0.05 s, each counted
    message = re.escape("the server took ") + r"\d+\.\ds" + re.escape(
        f" to answer ListActiveLaunchPlans for flytesnacks/development with {pages} pages and more to come, past "
        "lpctl's bound of 0.3s for one listing (--list-timeout); it stopped there (nothing was changed by this read)")
    assert re.fullmatch(message, json.loads(result.stdout)["error"])
    assert re.search(f"lpctl: {message}\n$", result.stderr)
    assert server.admin.mutations() == []


# -- interrupted apply and register ----------------------------------------------------------------------


THREE = "---\n".join(f"{HEAD}name: {n}\ndefault_inputs: {{a: 1, b: x}}\nauto_activate: true\n" for n in "abc")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_apply_stops_before_the_next_write(lpctl: Run, server: Server, repo: Any,
                                                           signum: int) -> None:
    (repo / "specs" / "abc.yaml").write_text(THREE)
    server.admin.on_call("CreateLaunchPlan", 2, lambda: os.kill(os.getpid(), signum))
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    result = lpctl("apply")
    assert result.exit_code == 130
    assert result.stdout.startswith("flytesnacks/development\n  + create     a@v1: not on the server\n")
    assert "\n3 to create, 3 to activate.\n" in result.stdout  # the plan, then what was done:
    assert result.stdout.endswith(
        "create flytesnacks/development/a@v1: done: created\n"
        "create flytesnacks/development/b@v1: done: created\n"
        "create flytesnacks/development/c@v1: not attempted: interrupted before it\n"
        "activate flytesnacks/development/a@v1: not attempted: interrupted before it\n"
        "activate flytesnacks/development/b@v1: not attempted: interrupted before it\n"
        "activate flytesnacks/development/c@v1: not attempted: interrupted before it\n"
        "apply: 2 done, 4 not attempted; interrupted; run lpctl apply again to complete the rest\n")
    assert server.admin.versions() == {(P, D, "a", "v1"), (P, D, "b", "v1")} and server.admin.active() == {}
    assert server.admin.mutations() == ["CreateLaunchPlan"] * 2
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers  # given back

    again = lpctl("apply")  # a rerun completes the rest
    assert again.exit_code == 0
    assert server.admin.active() == {(P, D, n): "v1" for n in "abc"}


def test_a_handler_installed_by_a_workflow_import_does_not_end_the_run(lpctl: Run, server: Server, repo: Any,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """flytekit, imported by a workflow module, installs a SIGINT handler that exits with status 1."""
    from lpctl import pipeline

    flytekit_sigint_after(monkeypatch, pipeline, "gather")
    (repo / "specs" / "abc.yaml").write_text(THREE)
    server.admin.on_call("CreateLaunchPlan", 1, lambda: os.kill(os.getpid(), signal.SIGINT))
    result = lpctl("apply")
    assert result.exit_code == 130
    assert result.stdout.endswith("apply: 1 done, 5 not attempted; interrupted; run lpctl apply again to complete "
                                  "the rest\n")
    assert server.admin.versions() == {(P, D, "a", "v1")}


def test_an_interrupted_apply_in_json(lpctl: Run, server: Server, repo: Any) -> None:
    (repo / "specs" / "abc.yaml").write_text(THREE)
    server.admin.on_call("UpdateLaunchPlan", 1, lambda: os.kill(os.getpid(), signal.SIGINT))
    result = lpctl("apply", "--format", "json")
    assert result.exit_code == 130
    document = json.loads(result.stdout)
    assert (document["ok"], document["interrupted"]) == (False, True)
    assert document["summary"] == "4 done, 2 not attempted"
    assert [(o["action"], o["name"], o["status"]) for o in document["outcomes"]][3:] == [
        ("activate", "a", "done"), ("activate", "b", "not-attempted"), ("activate", "c", "not-attempted")]
    assert server.admin.active() == {(P, D, "a"): "v1"}


def test_a_signal_while_reading_stops_with_130_and_a_document(lpctl: Run, server: Server, repo: Any) -> None:
    (repo / "specs" / "abc.yaml").write_text(THREE)
    server.admin.on_call("ListActiveLaunchPlans", 1, lambda: os.kill(os.getpid(), signal.SIGTERM))
    result = lpctl("apply", "--format", "json")
    assert result.exit_code == 130 and result.stderr.endswith("lpctl: interrupted\n")
    document = json.loads(result.stdout)
    assert (document["ok"], document["error"], document["exitCode"], document["outcomes"]) == (
        False, "interrupted", 130, [])
    assert server.admin.mutations() == []


def test_a_signal_during_register_stops_before_the_activation(lpctl: Run, server: Server, repo: Any) -> None:
    (repo / "specs" / "abc.yaml").write_text(THREE)
    server.admin.on_call("CreateLaunchPlan", 2, lambda: os.kill(os.getpid(), signal.SIGINT))
    result = lpctl("register")
    assert (result.exit_code, result.stdout) == (130, (
        "flytesnacks/development/a@v1: created; activated\n"
        "flytesnacks/development/b@v1: created; activating it was not attempted: interrupted\n"
        "flytesnacks/development/c@v1: not attempted: interrupted before it\n"
        "register: 2 created, 1 not attempted; interrupted; run lpctl register again to complete the rest\n"))
    assert server.admin.active() == {(P, D, "a"): "v1"}
    assert server.admin.versions() == {(P, D, "a", "v1"), (P, D, "b", "v1")}


# -- every exit path of --format json --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["plan", "apply", "register"])
def test_json_when_the_server_is_unreachable(run_cli: Run, repo: Any, command: str) -> None:
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    result = run_cli(command, "specs", "--version", "v1", "--endpoint", "127.0.0.1:1", "--insecure",
                     "--format", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert (document["command"], document["ok"], document["exitCode"]) == (command, False, 2)
    # never "nothing to do": the run stopped before it could know
    assert (document["summary"], document["outcomes"]) == ("stopped before anything was done", [])
    assert document["error"].startswith("cannot talk to FlyteAdmin at 127.0.0.1:1 (UNAVAILABLE: ")
    assert result.stderr.endswith(f"lpctl: {document['error']}\n")


def test_json_on_a_usage_error_and_an_internal_error(lpctl: Run, server: Server, repo: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from lpctl.admin import reconcile

    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    result = lpctl("plan", "--format", "json", "--token-command", "x")  # --token-env too: a usage error
    message = "give only one of --token-env, --token-command, --client-id"
    assert (result.exit_code, result.stderr) == (2, f"lpctl: {message}\n")
    assert (json.loads(result.stdout)["error"], json.loads(result.stdout)["exitCode"]) == (message, 2)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(reconcile, "compute_plan", broken)
    result = lpctl("apply", "--format", "json")
    assert result.exit_code == 3 and "lpctl: internal error: RuntimeError: a bug\n" in result.stderr
    document = json.loads(result.stdout)
    assert (document["ok"], document["exitCode"], document["summary"]) == (False, 3, "stopped before anything was done")
    assert document["error"] == "internal error: RuntimeError: a bug"
    assert server.admin.mutations() == []


def test_json_when_the_specs_have_errors(lpctl: Run, server: Server, repo: Any) -> None:
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: x}\n")
    result = lpctl("apply", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == "the specs have errors (see the diagnostics)"
    assert server.admin.calls == []


# -- secrets in any encoding -----------------------------------------------------------------------------


def test_a_token_echoed_in_base64_is_never_printed(lpctl: Run, server: Server, repo: Any) -> None:
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    echoes = [base64.b64encode(f"Bearer {TOKEN}".encode()).decode(),
              base64.b64encode(f"authorization: Bearer {TOKEN}".encode()).decode(),
              base64.urlsafe_b64encode(f"x{TOKEN}".encode()).decode(), TOKEN]
    server.admin.fail_on("CreateLaunchPlan", 1, grpc.StatusCode.INTERNAL, "bad header " + " ".join(echoes))
    for fmt in ("text", "json"):
        result = lpctl("apply", "--format", fmt)
        assert result.exit_code == 1
        shown = result.stdout + result.stderr
        assert "bad header ***" in shown and TOKEN not in shown
        assert not any(echo in shown or echo.rstrip("=")[4:-4] in shown for echo in echoes)
        server.admin.fail_on("CreateLaunchPlan", 1, grpc.StatusCode.INTERNAL, "bad header " + " ".join(echoes))


def test_debug_output_is_redacted(lpctl: Run, server: Server, repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from lpctl.admin import reconcile

    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    encoded = base64.b64encode(f"Bearer {TOKEN}".encode()).decode()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"bug holding {TOKEN} and {encoded}")

    monkeypatch.setattr(reconcile, "compute_plan", broken)
    result = lpctl("plan", "--debug")
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "RuntimeError: bug holding *** and ***" in result.stderr
    assert TOKEN not in result.stderr and encoded not in result.stderr


def test_a_handler_installed_between_two_writes_does_not_end_the_run(lpctl: Run, server: Server, repo: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """flytekit installs its SIGINT handler (exit status 1) the first time the main thread calls it, which
    can be in the middle of the writes: lpctl's handler is put back before each write."""
    from lpctl.admin import reconcile

    flytekit_sigint_after(monkeypatch, reconcile, "create")
    (repo / "specs" / "abc.yaml").write_text(THREE)
    server.admin.on_call("CreateLaunchPlan", 2, lambda: os.kill(os.getpid(), signal.SIGINT))
    result = lpctl("apply")
    assert result.exit_code == 130
    assert result.stdout.endswith(
        "create flytesnacks/development/b@v1: done: created\n"
        "create flytesnacks/development/c@v1: not attempted: interrupted before it\n"
        "activate flytesnacks/development/a@v1: not attempted: interrupted before it\n"
        "activate flytesnacks/development/b@v1: not attempted: interrupted before it\n"
        "activate flytesnacks/development/c@v1: not attempted: interrupted before it\n"
        "apply: 2 done, 4 not attempted; interrupted; run lpctl apply again to complete the rest\n")
    assert server.admin.versions() == {(P, D, "a", "v1"), (P, D, "b", "v1")} and server.admin.active() == {}


def test_flytekit_leaves_lpctl_s_sigint_handler_in_force() -> None:
    """flytekit initialises itself once per process, at the first use of its context in a thread; in the main
    thread (lpctl asking it for a workflow's interface) that installs its SIGINT handler, which exits with
    status 1. A fresh process, as a user's run is: the handler in force before reading the specs stays."""
    import subprocess
    import sys

    from support import ROOT

    code = ("import signal\n"
            "from lpctl.cli.options import run_options\n"
            "from lpctl.pipeline import gather\n"
            "def mine(signum, frame): pass\n"
            "signal.signal(signal.SIGINT, mine)\n"
            "found = gather(['samples/cron_schedule.yaml'], run_options(None, None, None, None, None, 10**7, 60.0, "
            "True, False))\n"
            "print(len(found.launch_plans), 'flytekit' in __import__('sys').modules, signal.getsignal(signal.SIGINT) "
            "is mine)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert (done.returncode, done.stdout) == (0, "1 True True\n")


def test_a_signal_after_the_report_adds_no_second_document(lpctl: Run, server: Server, repo: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C once apply's JSON is out (while the connection closes) raised KeyboardInterrupt, and the guard
    printed a second document after the first: standard output was no longer one JSON document."""
    from lpctl.admin.client import AdminClient

    close = AdminClient.close

    def close_interrupted(self: AdminClient) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        close(self)

    monkeypatch.setattr(AdminClient, "close", close_interrupted)
    (repo / "specs" / "abc.yaml").write_text(THREE)
    result = lpctl("apply", "--format", "json")
    document = json.loads(result.stdout)
    assert (result.exit_code, document["ok"], document["summary"]) == (0, True, "6 done")
    assert server.admin.active() == {(P, D, n): "v1" for n in "abc"}


def test_a_port_past_65535_is_refused_not_wrapped(run_cli: Run, server: Server, repo: Any) -> None:
    """gRPC takes a port modulo 65536: ``--endpoint 127.0.0.1:<port + 65536>`` reached the server at <port> (or
    whatever listened there) and sent it the token; lpctl refuses it before any call."""
    (repo / "specs" / "a.yaml").write_text(HEAD + "name: a\ndefault_inputs: {a: 1, b: x}\n")
    host, port = server.endpoint.rsplit(":", 1)
    wrapped = f"{host}:{int(port) + 65536}"
    for command in ("plan", "apply"):
        result = run_cli(command, "specs", "--version", "v1", "--endpoint", wrapped, "--insecure", "--token-env",
                         "TK", env={"TK": TOKEN})
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.endswith(f"lpctl: endpoint {wrapped}: port {int(port) + 65536} is not a port "
                                      "(1-65535)\n")
    assert server.admin.calls == []
