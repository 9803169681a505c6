"""lpctl status and lpctl backfill, end to end against the loopback FlyteAdmin fake (tests/fake_admin.py).

Every scenario checks the executions on the server after each command, not only lpctl's output.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

grpc = pytest.importorskip("grpc")

from fake_admin import TOKEN, D, P, Server, serve  # noqa: E402
from flyteidl.admin import execution_pb2  # noqa: E402
from flyteidl.core import types_pb2  # noqa: E402
from support import CliResult, flytekit_sigint_after  # noqa: E402

from lpctl.admin.client import RegisteredId  # noqa: E402
from lpctl.admin.fires import scheduled_name  # noqa: E402

UTC = timezone.utc
WF = "missedwfs.my_workflow"
SCHEDULED = execution_pb2.ExecutionMetadata.SCHEDULED
SPECS = """\
apiVersion: lpctl/v1
kind: LaunchPlan
name: nightly
workflow: missedwfs:my_workflow
default_inputs: {b: x}
schedule: {cron: "0 3 * * *", kickoff_time_input_arg: day}
auto_activate: true
---
apiVersion: lpctl/v1
kind: LaunchPlan
name: berlin
workflow: missedwfs:my_workflow
default_inputs: {b: y}
schedule: {cron: "30 2 * * *", timezone: Europe/Berlin, kickoff_time_input_arg: day}
auto_activate: true
---
apiVersion: lpctl/v1
kind: LaunchPlan
name: rated
workflow: missedwfs:my_workflow
default_inputs: {b: z, day: 2026-01-01}
schedule: {fixed_rate: 6h}
auto_activate: true
---
apiVersion: lpctl/v1
kind: LaunchPlan
name: dormant
workflow: missedwfs:my_workflow
default_inputs: {b: w}
schedule: {cron: "0 5 * * *", kickoff_time_input_arg: day}
auto_activate: false
"""

Run = Callable[..., CliResult]


def at(day: int, hour: int = 3, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("no_proxies")  # the loopback servers, never a proxy


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as running:
        for version in ("v1", "v2"):
            running.admin.add_workflow(version, {"day": types_pb2.DATETIME, "b": types_pb2.STRING}, name=WF)
        running.admin.now = at(1, 0, month=1)
        yield running


@pytest.fixture
def lpctl(run_cli: Run, server: Server, in_tmp: Any) -> Run:
    """``lpctl(command, *args)`` against the fake server, with its token; the specs applied at v1."""
    (in_tmp / "missedwfs.py").write_text(
        "import datetime\n\ndef my_workflow(day: datetime.datetime, b: str) -> None: ...\n")
    (in_tmp / "lps.yaml").write_text(SPECS)

    def invoke(command: str, *args: str) -> CliResult:
        return run_cli(command, "lps.yaml", "--endpoint", server.endpoint, "--insecure", "--token-env", "TK",
                       "--color", "never", *args, env={"TK": TOKEN})

    assert invoke("apply", "--version", "v1").exit_code == 0
    server.admin.now = at(20)
    return invoke


def fired(server: Server, name: str, moment: datetime, version: str = "v1", *, by_name: bool = True) -> str:
    """The scheduler's execution of a fire (or, ``by_name=False``, one named otherwise with scheduled_at)."""
    execution = scheduled_name(RegisteredId(P, D, name, version), moment) if by_name else f"x{int(moment.timestamp())}"
    server.admin.add_execution(execution, (P, D, name, version), created=moment + timedelta(seconds=2),
                               scheduled_at=moment, mode=SCHEDULED)
    return execution


def names(server: Server) -> set[str]:
    return {key[2] for key in server.admin.executions}


def test_status_marks_each_missed_fire(lpctl: Run, server: Server) -> None:
    first = fired(server, "nightly", at(10))
    third = fired(server, "nightly", at(12), by_name=False)
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-13")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "flytesnacks/development/berlin@v1: 30 2 * * * (Europe/Berlin)",
        "  2026-11-10 02:30 +01:00 CET  2026-11-10 01:30 UTC  MISSED",
        "  2026-11-11 02:30 +01:00 CET  2026-11-11 01:30 UTC  MISSED",
        "  2026-11-12 02:30 +01:00 CET  2026-11-12 01:30 UTC  MISSED",
    ]
    assert lines[4:] == [
        "flytesnacks/development/dormant: no active version: the scheduler fires nothing",
        "flytesnacks/development/nightly@v1: 0 3 * * * (UTC)",
        f"  2026-11-10 03:00 +00:00 UTC  2026-11-10 03:00 UTC  ran {first}",
        "  2026-11-11 03:00 +00:00 UTC  2026-11-11 03:00 UTC  MISSED",
        f"  2026-11-12 03:00 +00:00 UTC  2026-11-12 03:00 UTC  ran {third}",
        "flytesnacks/development/rated@v1: fixed rate every 6h: it counts from when the launch plan was activated, "
        "so its fire times cannot be reconstructed",
        "status: 4 missed fires in 2 of 4 launch plans (2 not checked, see above), 2026-11-10 00:00 UTC to "
        "2026-11-13 00:00 UTC",
    ]
    assert result.stderr.splitlines()[-1] == "2 warnings in 1 of 1 file"  # LP513, LP514: berlin's DST changes
    assert names(server) == {first, third}


def test_status_json_and_nothing_missed(lpctl: Run, server: Server) -> None:
    for day in (10, 11):
        fired(server, "nightly", at(day))
        fired(server, "berlin", at(day, 1) + timedelta(minutes=30))
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-12", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert (doc["version"], doc["since"], doc["until"], doc["missed"], doc["notChecked"], doc["triggers"]) == (
        1, "2026-11-10T00:00:00+00:00", "2026-11-12T00:00:00+00:00", 0, 2, [])  # dormant and rated: not checked
    by_name = {p["name"]: p for p in doc["launchPlans"]}
    assert by_name["nightly"]["activeVersion"] == "v1"
    assert by_name["nightly"]["expected"] == ["2026-11-10T03:00:00+00:00", "2026-11-11T03:00:00+00:00"]
    assert by_name["berlin"]["expected"] == ["2026-11-10T02:30:00+01:00", "2026-11-11T02:30:00+01:00"]
    assert by_name["nightly"]["missed"] == by_name["berlin"]["missed"] == []
    assert (by_name["dormant"]["activeVersion"], by_name["dormant"]["expected"]) == (None, [])
    assert by_name["dormant"]["reason"] == "no active version: the scheduler fires nothing"
    assert by_name["rated"]["reason"].startswith("fixed rate every 6h")


def test_a_fire_run_under_an_earlier_version_counts_as_run(lpctl: Run, server: Server) -> None:
    old = fired(server, "nightly", at(10), "v1")
    assert lpctl("apply", "--version", "v2").exit_code == 0
    assert server.admin.active()[(P, D, "nightly")] == "v2"
    # the record of v1's fire has no scheduled_at: only its name (which carries v1) tells
    server.admin.executions[(P, D, old)].spec.metadata.ClearField("scheduled_at")
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-11", "--format", "json")
    nightly = next(p for p in json.loads(result.stdout)["launchPlans"] if p["name"] == "nightly")
    assert (nightly["activeVersion"], nightly["missed"]) == ("v2", [])
    assert nightly["ran"] == [{"fireTime": "2026-11-10T03:00:00+00:00", "execution": old}]
    backfill = lpctl("backfill", "--from", "2026-11-10", "--to", "2026-11-11", "--name", "nightly", "--execute")
    assert backfill.exit_code == 0, backfill.stdout
    assert backfill.stdout == "backfill: nothing to create\n"
    assert names(server) == {old}


def test_dst_a_skipped_time_is_no_missed_fire_and_a_repeated_hour_is_two(lpctl: Run, server: Server) -> None:
    spring = lpctl("status", "--since", "2026-03-28", "--until", "2026-03-31", "--format", "json")
    berlin = next(p for p in json.loads(spring.stdout)["launchPlans"] if p["name"] == "berlin")
    assert berlin["expected"] == berlin["missed"] == ["2026-03-28T02:30:00+01:00", "2026-03-30T02:30:00+02:00"]
    assert berlin["skipped"] == ["2026-03-29T02:30:00"]
    autumn = lpctl("status", "--since", "2026-10-24T12:00", "--until", "2026-10-26")
    assert [line for line in autumn.stdout.splitlines() if "02:30" in line and "UTC  " in line] == [
        "  2026-10-25 02:30 +02:00 CEST  2026-10-25 00:30 UTC  MISSED  (repeated hour, DST)",
        "  2026-10-25 02:30 +01:00 CET   2026-10-25 01:30 UTC  MISSED  (repeated hour, DST)",
    ]
    done = lpctl("backfill", "--from", "2026-10-24T12:00", "--to", "2026-10-26", "--name", "berlin", "--execute")
    assert done.exit_code == 0
    created = sorted(names(server))
    first, second = (datetime(2026, 10, 25, h, 30, tzinfo=UTC) for h in (0, 1))
    assert created == sorted(scheduled_name(RegisteredId(P, D, "berlin", "v1"), m) for m in (first, second))
    assert [server.admin.executions[(P, D, n)].spec.metadata.scheduled_at.ToDatetime(UTC) for n in created] != []


def test_backfill_dry_run_then_execute_then_rerun(lpctl: Run, server: Server) -> None:
    ran = fired(server, "nightly", at(11))
    window = ("--from", "2026-11-10", "--to", "2026-11-13", "--name", "nightly")
    dry = lpctl("backfill", *window)
    assert dry.exit_code == 1
    missed = [scheduled_name(RegisteredId(P, D, "nightly", "v1"), at(day)) for day in (10, 12)]
    assert dry.stdout.splitlines() == [
        "would create flytesnacks/development/nightly@v1 2026-11-10 03:00 +00:00 UTC (2026-11-10 03:00 UTC) "
        f"{missed[0]}",
        "would create flytesnacks/development/nightly@v1 2026-11-12 03:00 +00:00 UTC (2026-11-12 03:00 UTC) "
        f"{missed[1]}",
        "backfill: 2 to create (a dry run: --execute creates them)",
    ]
    assert names(server) == {ran}
    done = lpctl("backfill", *window, "--execute", "--format", "json")
    assert done.exit_code == 0
    doc = json.loads(done.stdout)
    assert [(e["launchPlan"], e["version"], e["fireTime"], e["execution"], e["status"]) for e in doc["executions"]] == [
        ("nightly", "v1", "2026-11-10T03:00:00+00:00", missed[0], "created"),
        ("nightly", "v1", "2026-11-12T03:00:00+00:00", missed[1], "created")]
    assert (doc["ok"], doc["executed"], doc["refused"], doc["summary"]) == (True, True, [], "2 created")
    assert names(server) == {ran, *missed}
    made = server.admin.executions[(P, D, missed[0])]
    assert made.spec.metadata.mode == SCHEDULED
    assert made.spec.metadata.scheduled_at.ToDatetime(UTC) == at(10)
    assert (made.spec.launch_plan.name, made.spec.launch_plan.version) == ("nightly", "v1")
    sent = server.admin.inputs_sent[(P, D, missed[0])]
    assert sent["day"].scalar.primitive.datetime.ToDatetime(UTC) == at(10)
    assert sent["b"].scalar.primitive.string_value == "x"  # the launch plan's default, from the server
    again = lpctl("backfill", *window, "--execute")
    assert (again.exit_code, again.stdout) == (0, "backfill: nothing to create\n")
    assert len(server.admin.executions) == 3
    assert lpctl("status", "--since", "2026-11-10", "--until", "2026-11-13", "-p", P).stdout.count("MISSED") == 3


def test_backfill_refuses_a_window_over_the_limit_whole(lpctl: Run, server: Server) -> None:
    result = lpctl("backfill", "--from", "2026-11-01", "--to", "2026-11-05", "--name", "nightly", "--name", "berlin",
                   "--execute", "--limit", "7")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == ("backfill: 8 executions to create, more than --limit 7: nothing "
                                              "created; narrow --from/--to or --name, or raise --limit")
    assert server.admin.executions == {}
    assert lpctl("backfill", "--from", "2026-11-01", "--to", "2026-11-05", "--name", "nightly", "--name", "berlin",
                 "--execute", "--limit", "8").exit_code == 0
    assert len(server.admin.executions) == 8
    # the default limit is 100: 51 days of two daily launch plans are 102 executions, refused whole
    wide = lpctl("backfill", "--from", "2026-09-01", "--to", "2026-10-22", "--name", "nightly", "--name", "berlin",
                 "--execute", "--format", "json")
    doc = json.loads(wide.stdout)
    assert (wide.exit_code, doc["limit"], doc["overLimit"], len(doc["executions"])) == (1, 100, True, 102)
    assert {e["status"] for e in doc["executions"]} == {"not-attempted"}
    assert len(server.admin.executions) == 8


def test_backfill_refuses_a_fixed_rate_and_no_active_version(lpctl: Run, server: Server) -> None:
    result = lpctl("backfill", "--from", "2026-11-01", "--to", "2026-11-02", "--name", "rated", "--name", "dormant",
                   "--execute", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert [(r["name"], r["activeVersion"]) for r in doc["refused"]] == [("dormant", None), ("rated", "v1")]
    assert doc["refused"][1]["reason"].startswith("fixed rate every 6h: it counts from when the launch plan")
    assert (doc["executions"], doc["ok"], doc["summary"]) == ([], False, "2 refused")
    assert server.admin.executions == {}


def test_a_failure_half_way_reports_done_failed_not_attempted_and_a_rerun_completes(lpctl: Run, server: Server) -> None:
    window = ("--from", "2026-11-01", "--to", "2026-11-05", "--name", "nightly", "--execute")
    server.admin.fail_on("CreateExecution", 2, grpc.StatusCode.UNAVAILABLE, "connection reset")
    result = lpctl("backfill", *window)
    assert result.exit_code == 1
    states = [line.split(" flytesnacks")[0] for line in result.stdout.splitlines()[:-1]]
    assert states == ["created", "failed", "not attempted", "not attempted"]
    assert result.stdout.splitlines()[-1] == ("backfill: 1 created, 1 failed, 2 not attempted; run lpctl backfill "
                                              "again to complete the rest")
    assert len(server.admin.executions) == 1
    rerun = lpctl("backfill", *window)
    assert (rerun.exit_code, rerun.stdout.splitlines()[-1]) == (0, "backfill: 3 created")
    assert names(server) == {scheduled_name(RegisteredId(P, D, "nightly", "v1"), at(day)) for day in range(1, 5)}


def test_an_archived_execution_is_found_by_its_name_not_run_again(lpctl: Run, server: Server) -> None:
    name = fired(server, "nightly", at(10))
    server.admin.archived.add((P, D, name))  # FlyteAdmin lists no archived execution
    status = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-11", "-p", P)
    assert "  2026-11-10 03:00 +00:00 UTC  2026-11-10 03:00 UTC  MISSED" in status.stdout.splitlines()
    result = lpctl("backfill", "--from", "2026-11-10", "--to", "2026-11-11", "--name", "nightly", "--execute")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("exists flytesnacks/development/nightly@v1 2026-11-10 03:00")
    assert result.stdout.splitlines()[0].endswith(f"{name}: already there (version v1, not listed: archived?)")
    assert names(server) == {name}


def test_fires_before_the_first_registration_are_not_expected(lpctl: Run, server: Server) -> None:
    server.admin.now = at(11, 12)
    assert lpctl("apply", "--version", "v2").exit_code == 0  # v2 registered on the 11th, v1 long before
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-13", "--format", "json")
    nightly = next(p for p in json.loads(result.stdout)["launchPlans"] if p["name"] == "nightly")
    assert nightly["expectedFrom"] is None  # v1 was registered in January: every fire of the window counts
    assert len(nightly["expected"]) == 3


def test_usage_and_server_errors(lpctl: Run, server: Server, run_cli: Run) -> None:
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
    result = lpctl("status", "--until", future)
    assert (result.exit_code, result.stderr) == (2, "lpctl: --until is in the future: fires after now cannot have "
                                                    "been missed\n")
    result = lpctl("backfill", "--from", "2026-11-05", "--to", "2026-11-01")
    assert result.exit_code == 2 and result.stderr.startswith("lpctl: --from must be before --to")
    result = lpctl("backfill", "--from", "yesterday", "--to", "2026-11-01")
    assert result.stderr.startswith("lpctl: --from 'yesterday' is not an ISO 8601 date or time")
    result = lpctl("backfill", "--from", "2026-11-01", "--to", "2026-11-02", "--name", "nope")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "lpctl: --name nope: no scheduled launch plan or trigger of that name in the specs")
    result = run_cli("status", "lps.yaml", "--endpoint", server.endpoint, "--insecure", "--since", "2026-11-01")
    assert result.exit_code == 2 and "FlyteAdmin refused the credentials (UNAUTHENTICATED" in result.stderr
    result = run_cli("backfill", "lps.yaml", "--endpoint", server.endpoint, "--insecure", "--from", "2026-11-01",
                     "--to", "2026-11-02", "--format", "json")
    doc = json.loads(result.stdout)
    assert (result.exit_code, doc["command"], doc["ok"], doc["exitCode"]) == (2, "backfill", False, 2)
    assert doc["error"].startswith("FlyteAdmin refused the credentials (UNAUTHENTICATED")
    assert server.admin.executions == {}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_backfill_stops_before_the_next_creation(lpctl: Run, server: Server, signum: int) -> None:
    window = ("--from", "2026-11-01", "--to", "2026-11-05", "--name", "nightly", "--execute")
    server.admin.on_call("CreateExecution", 2, lambda: os.kill(os.getpid(), signum))
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)  # flytekit may have its own
    result = lpctl("backfill", *window)
    assert result.exit_code == 130
    assert [line.split(" flytesnacks")[0] for line in result.stdout.splitlines()[:-1]] == [
        "created", "created", "not attempted", "not attempted"]
    assert result.stdout.splitlines()[-1] == ("backfill: 2 created, 2 not attempted; interrupted; run lpctl "
                                              "backfill again to complete the rest")
    assert len(server.admin.executions) == 2
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers  # given back
    assert lpctl("backfill", *window).stdout.splitlines()[-1] == "backfill: 2 created"  # the rest
    assert len(server.admin.executions) == 4


def test_a_server_ignoring_the_scope_cannot_make_a_fire_count_as_run(lpctl: Run, server: Server) -> None:
    server.admin.ignore_scope = True
    # the scheduler's name of nightly's fire, but in another project: not this launch plan's run
    name = scheduled_name(RegisteredId(P, D, "nightly", "v1"), at(10))
    server.admin.add_execution(name, ("other", D, "nightly", "v1"), created=at(10), scheduled_at=at(10))
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-11", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    nightly = next(p for p in doc["launchPlans"] if p["name"] == "nightly")
    assert nightly["missed"] == ["2026-11-10T03:00:00+00:00"]
    assert doc["warnings"] == [f"the server's ListExecutions for flytesnacks/development answered 1 entry outside "
                               f"it ({name}): ignored; the server does not filter its lists as asked"]
    assert f"lpctl: warning: {doc['warnings'][0]}\n" in result.stderr
    done = lpctl("backfill", "--from", "2026-11-10", "--to", "2026-11-11", "--name", "nightly", "--execute")
    assert done.exit_code == 0
    assert set(server.admin.executions) == {("other", D, name), (P, D, name)}


def test_the_readme_examples_are_real_runs(lpctl: Run, server: Server) -> None:
    """README "Missed runs and backfills": the status and backfill outputs shown are what these specs give."""
    import re

    from support import ROOT

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        section = f.read().split("## Missed runs and backfills", 1)[1]
    status_block, backfill_block = re.findall(r"```text\n(.*?)```", section, re.S)[:2]
    fired(server, "nightly", at(10))
    server.admin.add_execution("x1794452400", (P, D, "nightly", "v1"), created=at(12), scheduled_at=at(12),
                               mode=SCHEDULED)
    status = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-13")
    assert status_block.split("\n", 1)[1] == status.stdout
    window = ("--from", "2026-11-10", "--to", "2026-11-13", "--name", "nightly")
    dry, done = lpctl("backfill", *window), lpctl("backfill", *window, "--execute")
    shown = [line for line in backfill_block.splitlines() if not line.startswith("$ ")]
    assert shown == dry.stdout.splitlines() + done.stdout.splitlines()


# -- every exit path of --format json, and Ctrl-C whatever a workflow module installed -------------------


def document(result: CliResult) -> tuple[int, str, bool, int, str]:
    doc = json.loads(result.stdout)
    return result.exit_code, doc["command"], doc["ok"], doc["exitCode"], doc["error"]


def test_json_on_a_usage_error(lpctl: Run, server: Server) -> None:
    result = lpctl("status", "--since", "garbage", "--format", "json")
    message = ("--since 'garbage' is not an ISO 8601 date or time, such as 2026-03-28 or "
               "2026-03-28T01:30:00+01:00")
    assert document(result) == (2, "status", False, 2, message)
    assert result.stderr == f"lpctl: {message}\n"
    result = lpctl("backfill", "--from", "2026-11-13", "--to", "2026-11-10", "--format", "json")
    assert document(result)[:4] == (2, "backfill", False, 2)
    assert json.loads(result.stdout)["error"].startswith("--from must be before --to")
    result = lpctl("backfill", "--from", "2026-11-10", "--to", "2026-11-13", "--name", "nope", "--format", "json")
    message = "--name nope: no scheduled launch plan or trigger of that name in the specs"
    assert document(result) == (2, "backfill", False, 2, message)
    assert result.stderr.endswith(f"lpctl: {message}\n")
    assert server.admin.executions == {}


def test_json_when_the_specs_have_errors_or_lpctl_has_a_bug(lpctl: Run, server: Server, in_tmp: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from lpctl.admin import status

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(status, "read_status", broken)
    result = lpctl("backfill", "--from", "2026-11-10", "--to", "2026-11-13", "--execute", "--format", "json")
    assert document(result) == (3, "backfill", False, 3, "internal error: RuntimeError: a bug")
    assert "lpctl: internal error: RuntimeError: a bug\n" in result.stderr
    (in_tmp / "lps.yaml").write_text(SPECS.replace("default_inputs: {b: x}", "default_inputs: {b: 1}"))
    calls = len(server.admin.calls)
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-13", "--format", "json")
    assert document(result) == (1, "status", False, 1, "the specs have errors (see the diagnostics)")
    assert len(server.admin.calls) == calls and server.admin.executions == {}


@pytest.mark.parametrize("command", ["status", "backfill"])
def test_ctrl_c_while_reading_is_130_after_a_workflow_import_installed_its_own_handler(
        lpctl: Run, server: Server, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """flytekit, imported by a workflow module, installs a SIGINT handler that exits with status 1 (which
    would read as "fires missed"): lpctl's own handler is put back once the specs are read."""
    from lpctl import pipeline

    flytekit_sigint_after(monkeypatch, pipeline, "gather")
    server.admin.on_call("ListActiveLaunchPlans", 1, lambda: os.kill(os.getpid(), signal.SIGINT))
    window = ("--since", "2026-11-10", "--until", "2026-11-13") if command == "status" else (
        "--from", "2026-11-10", "--to", "2026-11-13", "--execute")
    result = lpctl(command, *window, "--format", "json")
    assert document(result) == (130, command, False, 130, "interrupted")
    assert json.loads(result.stdout)["interrupted"] is True
    assert result.stderr.endswith("lpctl: interrupted\n")
    assert server.admin.executions == {}


def test_a_schedule_the_server_holds_is_shown_escaped(lpctl: Run, server: Server) -> None:
    """The active version's cron comes from the server: a carriage return (white space to Go's scheduler)
    must not reach the terminal, where it would overwrite the line."""
    stored = server.admin.launch_plans[(P, D, "nightly", "v1")].spec.entity_metadata.schedule.cron_schedule
    stored.schedule = "0\r3 * * *"
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-11", "--name", "nightly")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "flytesnacks/development/nightly@v1: 0\\r3 * * * (UTC)",
        "  2026-11-10 03:00 +00:00 UTC  2026-11-10 03:00 UTC  MISSED",
        "status: 1 missed fire in 1 of 1 launch plan, 2026-11-10 00:00 UTC to 2026-11-11 00:00 UTC",
    ]
    assert server.admin.executions == {}


def test_a_window_with_too_many_fires_is_a_usage_error_not_nothing_missed(lpctl: Run, server: Server,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the bound of fire times per launch plan (100,000: 70 days of a minutely schedule) nothing was
    checked: status must not say "nothing missed" and exit 0."""
    from lpctl.admin import status

    monkeypatch.setattr(status, "MAX_FIRES", 2)
    message = ("flytesnacks/development/nightly has more than 2 fire times between 2026-11-10 00:00 UTC and "
               "2026-11-13 00:00 UTC, more than lpctl checks in one run: narrow the window")
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-13", "--name", "nightly")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(f"\nlpctl: {message}\n")
    result = lpctl("backfill", "--from", "2026-11-10", "--to", "2026-11-13", "--name", "nightly", "--execute",
                   "--format", "json")
    assert document(result) == (2, "backfill", False, 2, message)
    assert server.admin.executions == {}


def test_a_creation_time_no_datetime_holds_is_read_as_unknown(lpctl: Run, server: Server) -> None:
    """A broken server's created_at past year 9999: the launch plan is read as registered before the window
    (every fire expected), not a traceback (exit 3)."""
    server.admin.launch_plans[(P, D, "nightly", "v1")].closure.created_at.seconds = 2**40
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-11", "--name", "nightly")
    assert (result.exit_code, result.stdout.splitlines()) == (1, [
        "flytesnacks/development/nightly@v1: 0 3 * * * (UTC)",
        "  2026-11-10 03:00 +00:00 UTC  2026-11-10 03:00 UTC  MISSED",
        "status: 1 missed fire in 1 of 1 launch plan, 2026-11-10 00:00 UTC to 2026-11-11 00:00 UTC"])
    assert server.admin.executions == {}


def test_specs_without_a_schedule_say_there_is_nothing_to_check(lpctl: Run, server: Server, in_tmp: Any) -> None:
    (in_tmp / "lps.yaml").write_text(SPECS.split("---\n")[0].replace(
        'schedule: {cron: "0 3 * * *", kickoff_time_input_arg: day}\n', ""))
    calls = len(server.admin.calls)
    result = lpctl("status", "--since", "2026-11-10", "--until", "2026-11-13")
    assert (result.exit_code, result.stdout) == (
        0, "status: nothing missed in 0 launch plans, 2026-11-10 00:00 UTC to 2026-11-13 00:00 UTC\n")
    assert result.stderr.endswith(
        "lpctl: warning: the specs declare no scheduled launch plan or trigger: nothing to check\n")
    assert len(server.admin.calls) == calls


def _executions(server: Server) -> dict[tuple[str, str, str], bytes]:
    return {k: e.SerializeToString(deterministic=True) for k, e in server.admin.executions.items()}


def test_locked_status_and_backfill_match_the_importing_run(lpctl: Run, run_cli: Run, server: Server,
                                                            in_tmp: Any) -> None:
    """--locked answers the workflows from lpctl.lock: status and backfill (dry run, --execute, rerun) print
    what the importing run prints and leave the server as it leaves it; the workflow module is made to fail if
    imported."""
    import sys

    fired(server, "nightly", at(10))
    fired(server, "berlin", datetime(2026, 11, 11, 1, 30, tzinfo=UTC), by_name=False)
    window = ("--from", "2026-11-10", "--to", "2026-11-13")
    commands = [("status", "--since", "2026-11-10", "--until", "2026-11-13"),
                ("status", "--since", "2026-11-10", "--until", "2026-11-13", "--format", "json"),
                ("backfill", *window), ("backfill", *window, "--format", "json"),
                ("backfill", *window, "--name", "nightly", "--execute"), ("backfill", *window, "--execute")]
    assert run_cli("lock", "lps.yaml").exit_code == 0
    before = dict(server.admin.executions), dict(server.admin.inputs_sent)
    importing = []
    for command in commands:
        result = lpctl(*command, "--locked")
        importing.append((result.exit_code, result.stdout, result.stderr, _executions(server)))
    assert [i[0] for i in importing] == [1, 1, 1, 1, 0, 1]  # the last refuses rated and dormant
    assert len(importing[-1][3]) == 2 + 2 + 2  # the two fired, then nightly's 2 missed fires, then berlin's 2
    server.admin.executions, server.admin.inputs_sent = dict(before[0]), dict(before[1])
    sys.modules.pop("missedwfs", None)  # imported in this process: an import would run it again
    (in_tmp / "missedwfs.py").write_text("raise RuntimeError('imported under --locked')\n")
    for command, (code, stdout, stderr, executions) in zip(commands, importing, strict=True):
        result = lpctl(*command, "--locked")
        assert (result.exit_code, result.stdout, result.stderr) == (code, stdout, stderr), command
        assert _executions(server) == executions, command
    assert "missedwfs" not in sys.modules
