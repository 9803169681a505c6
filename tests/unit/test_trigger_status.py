"""lpctl status and lpctl backfill for Flyte 2 triggers, end to end against the loopback Connect fake
(tests/fake_flyte2.py with its RunService, tests/fake_runs.py). Every scenario checks the runs on the server
after each command, not only lpctl's output."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("connectrpc")
pytest.importorskip("flyte")

from connectrpc.code import Code
from fake_flyte2 import D, P, Served, against, serve_tasks
from flyte2_repo import REPORT, TRAIN, write_repo
from flyteidl2.task import common_pb2
from flyteidl2.workflow import run_service_pb2
from support import CliResult

from lpctl.admin.trigger_fires import TriggerId, run_name

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
SPECS = """\
apiVersion: lpctl/v1
kind: Trigger
name: nightly
task: demo_tasks:train
schedule: {cron: "0 3 * * *", timezone: UTC, kickoff_time_input_arg: run_at}
---
apiVersion: lpctl/v1
kind: Trigger
name: berlin
task: demo_tasks:train
schedule: {cron: "30 2 * * *", timezone: Europe/Berlin, kickoff_time_input_arg: run_at}
---
apiVersion: lpctl/v1
kind: Trigger
name: rated
task: demo_tasks:report
schedule: {fixed_rate: 6h, start_time: "2026-01-01T01:00:00Z"}
---
apiVersion: lpctl/v1
kind: Trigger
name: loose
task: demo_tasks:report
schedule: {fixed_rate: 6h}
---
apiVersion: lpctl/v1
kind: Trigger
name: dormant
task: demo_tasks:report
schedule: {cron: "0 5 * * *", timezone: UTC}
auto_activate: false
"""
ACTIVATED = datetime(2026, 1, 1, tzinfo=UTC)
Run = Callable[..., CliResult]


def at(day: int, hour: int = 3, month: int = 11, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def fire(name: str, moment: datetime, task: str = TRAIN) -> str:
    return run_name(TriggerId(P, D, task, name), moment)


pytestmark = pytest.mark.usefixtures("no_proxies")  # the loopback servers, never a proxy


@pytest.fixture
def server() -> Iterator[Served]:
    with serve_tasks(TRAIN, REPORT) as running:
        yield running


@pytest.fixture
def lpctl(run_cli: Run, server: Served, in_tmp: Any) -> Run:
    """``lpctl(command, *args)`` against the fake, with its token; the specs applied at v1, every trigger
    activated on 2026-01-01, and, on other tasks and projects, triggers of the same names."""
    write_repo(in_tmp, SPECS)
    invoke = against(run_cli, server)

    assert invoke("apply", "--version", "v1").exit_code == 0
    for row in server.backend.triggers.values():
        row.updated_at = int(ACTIVATED.timestamp())
    server.backend.add_task(TRAIN, "v1", project="other")
    server.backend.put("nightly", TRAIN, "v1", project="other", cron="0 3 * * *", timezone="UTC", since=ACTIVATED)
    server.backend.put("nightly", REPORT, "v1", cron="0 3 * * *", timezone="UTC", since=ACTIVATED)
    server.backend.calls.clear()
    return invoke


def runs(server: Served) -> dict[str, tuple[str, str, str, int, str]]:
    return server.backend.runs()


def test_the_run_names_are_the_open_source_schedulers() -> None:
    # printed by tests/unit/data/trigger_run_names.go (the scheduler's runName, go1.19.8); the first is the
    # reference's own example (flyte2-deploy-reference.md section 4.2)
    assert run_name(TriggerId("proj", "development", "demo.train", "nightly"), at(1, 1, 12)) == "r3a3d8a6a5a5f33ce"
    assert run_name(TriggerId(P, D, "envs.train", "nightly"), at(28)) == "r980a71b438750499"
    assert run_name(TriggerId(P, D, "envs.train", "nightly"), at(29)) == "r6300993d9a959bf4"
    assert run_name(TriggerId(P, D, "envs.train", "hourly"), at(28)) == "ra93f1bb015d0f7"  # no zero padding
    assert run_name(TriggerId(P, D, "envs.train", "berlin"), datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)) == \
        "r6c4e1371452abca8"
    assert run_name(TriggerId(P, D, "envs.train", "berlin"), datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)) \
        == "rdd06d59f79318927"
    assert run_name(TriggerId("p", "d", "t", "n"), datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "r9a4fd419ad54330e"
    assert run_name(TriggerId("p", "d", "t", "n", org="acme"), datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == \
        "r9a4fd419ad54330e"  # the org is not hashed


def test_status_marks_each_missed_fire_and_explains_the_rest(lpctl: Run, server: Served) -> None:
    b = server.backend
    b.fired(TRAIN, "nightly", fire("nightly", at(28)), at(28))
    b.fired(TRAIN, "nightly", "u-named-otherwise", at(29))  # another backend's name: matched by run_start_time
    b.fired(TRAIN, "nightly", fire("nightly", at(30), REPORT), at(30), project="other")  # not this trigger's
    b.fired(REPORT, "nightly", fire("nightly", at(30)), at(30))  # the same name on another task's trigger
    result = lpctl("status", "--since", "2026-11-27T12:00", "--until", "2026-12-01", "--name", "nightly",
                   "--name", "demo.report/rated", "--name", "loose", "--name", "dormant")
    assert result.exit_code == 1
    assert result.stdout == f"""\
flytesnacks/development/demo.report/dormant (revision 1): inactive: the scheduler fires nothing
flytesnacks/development/demo.report/loose (revision 1): fixed rate every 6h without a start_time: it counts from \
when the trigger was activated, so its fire times cannot be reconstructed
flytesnacks/development/demo.report/rated (revision 1): every 6h from 2026-01-01 01:00:00 UTC (UTC)
  2026-11-27 13:00 +00:00 UTC  2026-11-27 13:00 UTC  MISSED
  2026-11-27 19:00 +00:00 UTC  2026-11-27 19:00 UTC  MISSED
  2026-11-28 01:00 +00:00 UTC  2026-11-28 01:00 UTC  MISSED
  2026-11-28 07:00 +00:00 UTC  2026-11-28 07:00 UTC  MISSED
  2026-11-28 13:00 +00:00 UTC  2026-11-28 13:00 UTC  MISSED
  2026-11-28 19:00 +00:00 UTC  2026-11-28 19:00 UTC  MISSED
  2026-11-29 01:00 +00:00 UTC  2026-11-29 01:00 UTC  MISSED
  2026-11-29 07:00 +00:00 UTC  2026-11-29 07:00 UTC  MISSED
  2026-11-29 13:00 +00:00 UTC  2026-11-29 13:00 UTC  MISSED
  2026-11-29 19:00 +00:00 UTC  2026-11-29 19:00 UTC  MISSED
  2026-11-30 01:00 +00:00 UTC  2026-11-30 01:00 UTC  MISSED
  2026-11-30 07:00 +00:00 UTC  2026-11-30 07:00 UTC  MISSED
  2026-11-30 13:00 +00:00 UTC  2026-11-30 13:00 UTC  MISSED
  2026-11-30 19:00 +00:00 UTC  2026-11-30 19:00 UTC  MISSED
flytesnacks/development/demo.train/nightly (revision 1): 0 3 * * * (UTC)
  2026-11-28 03:00 +00:00 UTC  2026-11-28 03:00 UTC  ran {fire("nightly", at(28))}
  2026-11-29 03:00 +00:00 UTC  2026-11-29 03:00 UTC  ran u-named-otherwise
  2026-11-30 03:00 +00:00 UTC  2026-11-30 03:00 UTC  MISSED
status: 15 missed fires in 2 of 4 triggers (2 not checked, see above), 2026-11-27 12:00 UTC to 2026-12-01 00:00 UTC
"""
    assert "lpctl: warning" not in result.stderr  # the specs' DST warnings only
    # reads: ListTriggers per task (demo.report's 4 triggers take 2 pages of 3), ListRuns per checked trigger,
    # GetRunDetails only for the run not named as a fire
    assert sorted(b.calls) == ["GetRunDetails", "ListRuns", "ListRuns", "ListTriggers", "ListTriggers", "ListTriggers"]
    doc = json.loads(lpctl("status", "--since", "2026-11-27T12:00", "--until", "2026-12-01", "--format", "json",
                           "--name", "nightly", "--name", "dormant").stdout)
    assert doc["launchPlans"] == [] and doc["missed"] == 1
    assert doc["triggers"] == [{
        "project": P, "domain": D, "task": REPORT, "name": "dormant", "active": False, "revision": 1,
        "schedule": None, "timezone": None, "reason": "inactive: the scheduler fires nothing", "expectedFrom": None,
        "expected": [], "missed": [], "ran": [], "skipped": []}, {
        "project": P, "domain": D, "task": TRAIN, "name": "nightly", "active": True, "revision": 1,
        "schedule": "0 3 * * *", "timezone": "UTC", "reason": None, "expectedFrom": None,
        "expected": ["2026-11-28T03:00:00+00:00", "2026-11-29T03:00:00+00:00", "2026-11-30T03:00:00+00:00"],
        "missed": ["2026-11-30T03:00:00+00:00"],
        "ran": [{"fireTime": "2026-11-28T03:00:00+00:00", "run": fire("nightly", at(28))},
                {"fireTime": "2026-11-29T03:00:00+00:00", "run": "u-named-otherwise"}],
        "skipped": []}]


def test_backfill_dry_run_execute_rerun(lpctl: Run, server: Served) -> None:
    b = server.backend
    b.fired(TRAIN, "nightly", fire("nightly", at(28)), at(28))
    before = runs(server)
    window = ("--from", "2026-11-27", "--to", "2026-12-01T00:00", "--name", "nightly")
    dry = lpctl("backfill", *window)
    assert (dry.exit_code, dry.stdout) == (1, f"""\
would create flytesnacks/development/demo.train/nightly 2026-11-27 03:00 +00:00 UTC (2026-11-27 03:00 UTC) \
{fire("nightly", at(27))}
would create flytesnacks/development/demo.train/nightly 2026-11-29 03:00 +00:00 UTC (2026-11-29 03:00 UTC) \
{fire("nightly", at(29))}
would create flytesnacks/development/demo.train/nightly 2026-11-30 03:00 +00:00 UTC (2026-11-30 03:00 UTC) \
{fire("nightly", at(30))}
backfill: 3 to create (a dry run: --execute creates them)
""")
    assert runs(server) == before and "CreateRun" not in b.calls
    done = lpctl("backfill", *window, "--execute", "--format", "json")
    assert done.exit_code == 0
    doc = json.loads(done.stdout)
    assert (doc["executions"], doc["refused"], doc["refusedTriggers"], doc["summary"]) == ([], [], [], "3 created")
    assert [(r["trigger"], r["task"], r["fireTime"], r["run"], r["status"]) for r in doc["runs"]] == [
        ("nightly", TRAIN, f"{day.isoformat()}", fire("nightly", day), "created") for day in (at(27), at(29), at(30))]
    after = runs(server)
    assert {k: v for k, v in after.items() if k not in before} == {
        fire("nightly", day): (f"{P}/{D}", f"{TRAIN}/nightly", day.isoformat(), 3, f"run_at={day.isoformat()}")
        for day in (at(27), at(29), at(30))}
    created = [r for m, r in b.requests if m == "CreateRun"]
    assert [(r.trigger_name.task_name, r.trigger_name.name, r.source, r.run_start_time.seconds) for r in created] == \
        [(TRAIN, "nightly", 3, int(day.timestamp())) for day in (at(27), at(29), at(30))]
    assert not created[0].HasField("run_spec")  # the server uses the trigger's, as for a scheduled fire
    calls = len(b.calls)
    rerun = lpctl("backfill", *window, "--execute")
    assert (rerun.exit_code, rerun.stdout) == (0, "backfill: nothing to create\n")
    assert runs(server) == after and "CreateRun" not in b.calls[calls:]
    assert b.run_state.enqueued == [fire("nightly", day) for day in (at(27), at(29), at(30))]
    assert lpctl("status", "--since", "2026-11-27", "--until", "2026-12-01", "--name", "nightly").exit_code == 0


def test_a_failure_half_way_then_a_rerun_completes_without_duplicates(lpctl: Run, server: Served) -> None:
    b = server.backend
    b.fail_on("CreateRun", 2, Code.INVALID_ARGUMENT, "injected refusal")
    b.fail_on("CreateRun", 3, Code.UNAVAILABLE, "injected outage")
    window = ("--from", "2026-11-26", "--to", "2026-11-30T12:00", "--name", "nightly", "--execute")
    first = lpctl("backfill", *window)
    assert first.exit_code == 1
    lines = first.stdout.splitlines()
    assert [line.split(" flytesnacks")[0] for line in lines[:-1]] == [
        "created", "failed", "failed", "not attempted", "not attempted"]
    assert lines[1].endswith(": INVALID_ARGUMENT: injected refusal")
    assert lines[-1] == ("backfill: 1 created, 2 failed, 2 not attempted; run lpctl backfill again to complete the "
                         "rest")
    assert set(runs(server)) == {fire("nightly", at(26))}
    second = lpctl("backfill", *window)
    assert (second.exit_code, second.stdout.splitlines()[-1]) == (0, "backfill: 4 created")
    assert set(runs(server)) == {fire("nightly", at(day)) for day in (26, 27, 28, 29, 30)}
    assert b.run_state.enqueued == [fire("nightly", at(day)) for day in (26, 27, 28, 29, 30)]


def test_dst_a_repeated_hour_is_two_fires_and_a_skipped_time_none(lpctl: Run, server: Served) -> None:
    autumn = lpctl("backfill", "--from", "2026-10-24T12:00", "--to", "2026-10-25T12:00", "--name", "berlin",
                   "--execute")
    first = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    second = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)
    assert autumn.stdout == f"""\
created flytesnacks/development/demo.train/berlin 2026-10-25 02:30 +02:00 CEST (2026-10-25 00:30 UTC) \
{fire("berlin", first)}
created flytesnacks/development/demo.train/berlin 2026-10-25 02:30 +01:00 CET (2026-10-25 01:30 UTC) \
{fire("berlin", second)}
backfill: 2 created
"""
    assert {n: r[2] for n, r in runs(server).items()} == {
        fire("berlin", first): "2026-10-25T00:30:00+00:00", fire("berlin", second): "2026-10-25T01:30:00+00:00"}
    spring = lpctl("status", "--since", "2026-03-28T12:00", "--until", "2026-03-30T12:00", "--name", "berlin")
    assert spring.stdout.splitlines()[1:] == [
        "  2026-03-29 02:30              skipped: does not exist (DST gap), not a missed fire",
        "  2026-03-30 02:30 +02:00 CEST  2026-03-30 00:30 UTC  MISSED",
        "status: 1 missed fire in 1 of 1 trigger, 2026-03-28 12:00 UTC to 2026-03-30 12:00 UTC"]


def test_over_the_limit_nothing_is_created(lpctl: Run, server: Served) -> None:
    result = lpctl("backfill", "--from", "2026-11-26", "--to", "2026-11-30", "--name", "nightly", "--execute",
                   "--limit", "3")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == ("backfill: 4 runs to create, more than --limit 3: nothing created; "
                                              "narrow --from/--to or --name, or raise --limit")
    assert runs(server) == {} and "CreateRun" not in server.backend.calls


def test_refused_triggers_and_other_triggers_untouched(lpctl: Run, server: Served) -> None:
    b = server.backend
    b.triggers[(P, D, REPORT, "rated")].deleted = True
    result = lpctl("backfill", "--from", "2026-11-29", "--to", "2026-11-30", "--execute")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:4] == [
        "refused flytesnacks/development/demo.report/dormant: inactive: the scheduler fires nothing",
        "refused flytesnacks/development/demo.report/loose: fixed rate every 6h without a start_time: it counts "
        "from when the trigger was activated, so its fire times cannot be reconstructed",
        "refused flytesnacks/development/demo.report/rated: not on the server: the scheduler fires nothing",
        "created flytesnacks/development/demo.train/berlin 2026-11-29 02:30 +01:00 CET (2026-11-29 01:30 UTC) "
        f"{fire('berlin', datetime(2026, 11, 29, 2, 30, tzinfo=BERLIN))}"]
    assert result.stdout.splitlines()[-1] == "backfill: 2 created, 3 refused"
    assert {r[1] for r in runs(server).values()} == {f"{TRAIN}/berlin", f"{TRAIN}/nightly"}
    assert {r[0] for r in runs(server).values()} == {f"{P}/{D}"}  # nothing in project "other"


@pytest.mark.parametrize("duplicate", ["existing", "already_exists"])
def test_a_run_there_but_not_listed_is_not_created_again(lpctl: Run, server: Served, duplicate: str) -> None:
    b = server.backend
    b.run_state.duplicate = duplicate
    b.fired(TRAIN, "nightly", fire("nightly", at(28)), at(28))
    b.run_state.runs[(P, D, fire("nightly", at(28)))].created_at = at(1, month=1).timestamp()  # before the listing
    result = lpctl("backfill", "--from", "2026-11-28", "--to", "2026-11-29", "--name", "nightly", "--execute")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("exists flytesnacks/development/demo.train/nightly")
    assert result.stdout.splitlines()[-1] == "backfill: 1 exists"
    assert list(runs(server)) == [fire("nightly", at(28))]


def test_fires_before_the_last_activation_are_not_expected(lpctl: Run, server: Served) -> None:
    server.backend.triggers[(P, D, TRAIN, "nightly")].updated_at = int(at(29, 12).timestamp())
    result = lpctl("status", "--since", "2026-11-27", "--until", "2026-12-01", "--name", "nightly")
    assert result.stdout.splitlines()[:3] == [
        "flytesnacks/development/demo.train/nightly (revision 1): 0 3 * * * (UTC)",
        "  (activated 2026-11-29 12:00 UTC: no fires expected before)",
        "  2026-11-30 03:00 +00:00 UTC  2026-11-30 03:00 UTC  MISSED"]


def test_runs_are_read_page_by_page_since_the_window(lpctl: Run, server: Served) -> None:
    b = server.backend
    for day in range(1, 31):
        b.fired(TRAIN, "nightly", fire("nightly", at(day)), at(day))
    result = lpctl("status", "--since", "2026-11-20", "--until", "2026-12-01", "--name", "nightly")
    assert result.exit_code == 0
    listed = [r for m, r in b.requests if m == "ListRuns"]
    assert len(listed) == 3  # 11 runs created since 2026-11-19 23:00, 4 a page
    assert listed[0].request.filters[0].values == ["2026-11-19T23:00:00+00:00"]
    assert "GetRunDetails" not in b.calls


def test_the_trigger_endpoint_and_a_fixed_rate_server_side(lpctl: Run, server: Served, run_cli: Run) -> None:
    rate = common_pb2.TriggerAutomationSpec(type=2)
    rate.schedule.rate.value, rate.schedule.rate.unit = 1, 3  # one day, FIXED_RATE_UNIT_DAY
    rate.schedule.rate.start_time.FromDatetime(datetime(2026, 1, 1, 6))
    server.backend.put("nightly", TRAIN, "v1", automation=rate, since=ACTIVATED)  # redeployed elsewhere
    result = lpctl("status", "--since", "2026-11-28", "--until", "2026-11-30", "--name", "nightly")
    assert result.stdout.splitlines()[:3] == [
        "flytesnacks/development/demo.train/nightly (revision 2): every 24h from 2026-01-01 06:00:00 UTC (UTC)",
        "  2026-11-28 06:00 +00:00 UTC  2026-11-28 06:00 UTC  MISSED",
        "  2026-11-29 06:00 +00:00 UTC  2026-11-29 06:00 UTC  MISSED"]
    bad = run_cli("status", "triggers.yaml", "--since", "2026-11-28", "--until", "2026-11-30")
    assert (bad.exit_code, bad.stderr.splitlines()[-1]) == (
        2, "lpctl: give the Flyte 2 endpoint for the triggers with --endpoint or --flyte2-endpoint")


def test_the_readme_example_is_a_real_run(lpctl: Run, server: Served) -> None:
    """README "Missed runs and backfills": the Flyte 2 trigger example is what these specs give."""
    import re

    from support import ROOT

    with open(f"{ROOT}/README.md", encoding="utf-8") as f:
        section = f.read().split("## Missed runs and backfills", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```text\n(.*?)```", section, re.S)
    block = blocks[2] if len(blocks) > 2 else ""
    server.backend.fired(TRAIN, "nightly", fire("nightly", at(28)), at(28))
    server.backend.fired(TRAIN, "nightly", "u-named-otherwise", at(29))
    names = ("--name", "nightly", "--name", "dormant", "--name", "loose")
    status = lpctl("status", "--since", "2026-11-28", "--until", "2026-12-01", *names)
    backfill = lpctl("backfill", "--from", "2026-11-28", "--to", "2026-12-01", "--name", "nightly", "--execute")
    shown = [line for line in block.splitlines() if not line.startswith("$ ")]
    assert shown == status.stdout.splitlines() + backfill.stdout.splitlines()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_backfill_stops_before_the_next_run(lpctl: Run, server: Served, signum: int) -> None:
    window = ("--from", "2026-11-26", "--to", "2026-11-30", "--name", "nightly", "--execute")
    server.backend.on_call("CreateRun", 2, lambda: os.kill(os.getpid(), signum))
    result = lpctl("backfill", *window)
    assert result.exit_code == 130
    assert [line.split(" flytesnacks")[0] for line in result.stdout.splitlines()[:-1]] == [
        "created", "created", "not attempted", "not attempted"]
    assert result.stdout.splitlines()[-1] == ("backfill: 2 created, 2 not attempted; interrupted; run lpctl "
                                              "backfill again to complete the rest")
    assert len(runs(server)) == 2
    assert lpctl("backfill", *window).stdout.splitlines()[-1] == "backfill: 2 created"
    assert set(runs(server)) == {fire("nightly", at(day)) for day in (26, 27, 28, 29)}


def test_a_server_ignoring_the_run_scope_cannot_make_a_fire_count_as_run(lpctl: Run, server: Served) -> None:
    b = server.backend
    b.fired(REPORT, "nightly", fire("nightly", at(28)), at(28))  # this fire's name, on another task's trigger
    other = b.run_state.runs[(P, D, fire("nightly", at(28)))].message()
    b.tamper = lambda method, found: run_service_pb2.ListRunsResponse(runs=[*found.runs, other]) \
        if method == "ListRuns" else found
    result = lpctl("status", "--since", "2026-11-27T12:00", "--until", "2026-11-29", "--name", "demo.train/nightly",
                   "--format", "json")
    doc = json.loads(result.stdout)
    assert (result.exit_code, doc["triggers"][0]["missed"], doc["triggers"][0]["ran"]) == (
        1, ["2026-11-28T03:00:00+00:00"], [])
    assert doc["warnings"] == [f"the server's ListRuns of trigger demo.train/nightly for flytesnacks/development "
                               f"answered 1 entry outside it ({fire('nightly', at(28))}): ignored; the server does "
                               "not filter its lists as asked"]


def test_server_errors_exit_2_and_create_nothing(lpctl: Run, server: Served, run_cli: Run) -> None:
    result = run_cli("backfill", "triggers.yaml", "--endpoint", server.endpoint, "--insecure", "--from", "2026-11-27",
                     "--to", "2026-11-29", "--execute", "--format", "json")
    doc = json.loads(result.stdout)
    assert (result.exit_code, doc["command"], doc["ok"], doc["exitCode"]) == (2, "backfill", False, 2)
    assert doc["error"].startswith("the Flyte 2 server refused the credentials (UNAUTHENTICATED")
    server.backend.fail_on("ListRuns", 1, Code.INVALID_ARGUMENT, "invalid filter field: created_at")
    result = lpctl("status", "--since", "2026-11-27", "--until", "2026-11-29", "--name", "nightly")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "lpctl: the Flyte 2 server refused to list the triggers or their runs (INVALID_ARGUMENT: invalid filter "
           "field: created_at)")
    server.backend.fail_on("CreateRun", 1, Code.UNAUTHENTICATED, "token expired")
    result = lpctl("backfill", "--from", "2026-11-27", "--to", "2026-11-29", "--name", "nightly", "--execute")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].endswith(
        ": the Flyte 2 server refused the credentials (UNAUTHENTICATED: token expired); give a token with "
        "--token-env or --token-command, or use --client-id with --client-secret-env")
    assert result.stdout.splitlines()[1].startswith("not attempted ")
    assert runs(server) == {}


def test_launch_plans_and_triggers_together(lpctl: Run, server: Served, run_cli: Run, in_tmp: Any) -> None:
    """Specs with both: FlyteAdmin at --endpoint, the Flyte 2 server at --flyte2-endpoint, one report."""
    pytest.importorskip("grpc")
    import fake_admin
    from flyteidl.core import types_pb2

    (in_tmp / "nightlywf.py").write_text("import datetime\n\ndef wf(day: datetime.datetime) -> None: ...\n")
    (in_tmp / "lps.yaml").write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp_nightly\nworkflow: "
                                     "nightlywf:wf\nschedule: {cron: \"0 3 * * *\", kickoff_time_input_arg: day}\n"
                                     "auto_activate: true\n")
    server.backend.token = fake_admin.TOKEN
    with fake_admin.serve() as admin:
        admin.admin.add_workflow("v1", {"day": types_pb2.DATETIME}, name="nightlywf.wf")
        admin.admin.now = at(1, 0, month=1)
        connect = ("--endpoint", admin.endpoint, "--insecure", "--token-env", "TK", "--color", "never")
        assert run_cli("apply", "lps.yaml", "--version", "v1", *connect, env={"TK": fake_admin.TOKEN}).exit_code == 0
        window = ("--since", "2026-11-29", "--until", "2026-11-30")
        alone = run_cli("status", "lps.yaml", "triggers.yaml", *window, *connect, env={"TK": fake_admin.TOKEN})
        assert (alone.exit_code, alone.stderr.splitlines()[-1]) == (
            2, "lpctl: the specs hold launch plans and Flyte 2 triggers: give the Flyte 2 endpoint for the triggers "
               "with --flyte2-endpoint (--endpoint is FlyteAdmin's)")
        both = run_cli("status", "lps.yaml", "triggers.yaml", *window, *connect, "--flyte2-endpoint",
                       server.endpoint, "--name", "lp_nightly", "--name", "nightly", env={"TK": fake_admin.TOKEN})
        assert both.exit_code == 1
        assert both.stdout.splitlines()[0] == "flytesnacks/development/lp_nightly@v1: 0 3 * * * (UTC)"
        assert both.stdout.splitlines()[2] == "flytesnacks/development/demo.train/nightly (revision 1): 0 3 * * * (UTC)"
        assert both.stdout.splitlines()[-1] == ("status: 2 missed fires in 1 of 1 launch plan and 1 of 1 trigger, "
                                                "2026-11-29 00:00 UTC to 2026-11-30 00:00 UTC")
        done = run_cli("backfill", "lps.yaml", "triggers.yaml", "--from", "2026-11-29", "--to", "2026-11-30",
                       *connect, "--flyte2-endpoint", server.endpoint, "--name", "lp_nightly", "--name", "nightly",
                       "--execute", env={"TK": fake_admin.TOKEN})
        assert (done.exit_code, done.stdout.splitlines()[-1]) == (0, "backfill: 2 created")
        assert len(admin.admin.executions) == 1
        assert list(runs(server)) == [fire("nightly", at(29))]


def test_times_no_datetime_holds_are_read_as_unknown(lpctl: Run, server: Served) -> None:
    """A broken server's timestamps past year 9999 (a trigger's updated_at, a created run's start_time): no
    traceback (exit 3), and above all none after a run was created, which left the rest unreported."""
    b = server.backend
    for row in b.triggers.values():
        row.updated_at = 2**40
    window = ("--name", "nightly")
    status = lpctl("status", "--since", "2026-11-27", "--until", "2026-11-28", *window)
    assert (status.exit_code, status.stdout.splitlines()[-2:]) == (1, [
        "  2026-11-27 03:00 +00:00 UTC  2026-11-27 03:00 UTC  MISSED",
        "status: 1 missed fire in 1 of 1 trigger, 2026-11-27 00:00 UTC to 2026-11-28 00:00 UTC"])
    b.run_state.now = lambda: 2**40
    done = lpctl("backfill", "--from", "2026-11-27", "--to", "2026-11-29", *window, "--execute")
    assert (done.exit_code, done.stdout.splitlines()[-1]) == (0, "backfill: 2 created")
    assert sorted(n for n, r in runs(server).items() if r[1] == f"{TRAIN}/nightly") == sorted(
        [fire("nightly", at(27)), fire("nightly", at(28))])


def test_a_fixed_rate_longer_than_any_date_is_read_not_a_crash(lpctl: Run, server: Served) -> None:
    """A broken server's fixed rate of 4,294,967,295 days (no timedelta holds it) or one whose next tick is past
    the year 9999: exit 3 before; now the start_time is the only tick, as it is for the scheduler."""
    rate = server.backend.triggers[(P, D, REPORT, "rated")].automation.schedule.rate
    rate.value, rate.unit = 2**32 - 1, common_pb2.FixedRateUnit.FIXED_RATE_UNIT_DAY
    window = ("--name", "demo.report/rated")
    status = lpctl("status", "--since", "2026-11-01", "--until", "2026-11-03", *window)
    assert (status.exit_code, status.stdout) == (0, (
        "flytesnacks/development/demo.report/rated (revision 1): every 103079215080h from 2026-01-01 01:00:00 "
        "UTC (UTC)\n"
        "  no fire times in the window\n"
        "status: nothing missed in 1 trigger, 2026-11-01 00:00 UTC to 2026-11-03 00:00 UTC\n"))
    rate.start_time.FromDatetime(datetime(2026, 11, 2, 1))
    backfill = lpctl("backfill", "--from", "2026-11-01", "--to", "2026-11-03", *window, "--execute")
    assert (backfill.exit_code, backfill.stdout.splitlines()[-1]) == (0, "backfill: 1 created")
    assert [r[2] for r in runs(server).values() if r[1] == f"{REPORT}/rated"] == ["2026-11-02T01:00:00+00:00"]
    rate.value, rate.unit = 999_999, common_pb2.FixedRateUnit.FIXED_RATE_UNIT_DAY  # ticks past 9999-12-31
    rate.start_time.FromDatetime(datetime(2026, 1, 1))
    again = lpctl("backfill", "--from", "2026-11-01", "--to", "2026-11-03", *window, "--execute")
    assert (again.exit_code, again.stdout) == (0, "backfill: nothing to create\n")


def test_locked_status_and_backfill_match_the_importing_run(lpctl: Run, run_cli: Run, server: Served,
                                                            in_tmp: Any) -> None:
    """--locked answers the tasks from lpctl.lock: status and backfill (dry run, --execute, rerun) print what
    the importing run prints and leave the same runs and triggers on the server; the task module is made to
    fail if imported."""
    import copy
    import sys

    b = server.backend
    b.fired(TRAIN, "nightly", fire("nightly", at(28)), at(28))
    b.fired(TRAIN, "berlin", "u-named-otherwise", at(29, 1, minute=30))
    window = ("--from", "2026-11-27T12:00", "--to", "2026-12-01")
    commands = [("status", "--since", "2026-11-27T12:00", "--until", "2026-12-01"),
                ("status", "--since", "2026-11-27T12:00", "--until", "2026-12-01", "--format", "json"),
                ("backfill", *window), ("backfill", *window, "--format", "json"),
                ("backfill", *window, "--name", "nightly", "--execute"), ("backfill", *window, "--execute"),
                ("backfill", *window, "--execute", "--format", "json")]
    assert run_cli("lock", "triggers.yaml").exit_code == 0
    before = copy.deepcopy(b.run_state.runs)
    importing = []
    for command in commands:
        result = lpctl(*command)
        importing.append((result.exit_code, result.stdout, result.stderr, runs(server), b.state()))
    assert [i[0] for i in importing] == [1, 1, 1, 1, 0, 1, 1]  # the last two refuse loose and dormant
    assert len(importing[-1][3]) == 2 + 2 + 2 + 14  # the two fired; nightly's 2 missed; berlin's 2; rated's 14
    b.run_state.runs = copy.deepcopy(before)
    sys.modules.pop("demo_tasks", None)  # imported in this process: an import would run it again
    (in_tmp / "demo_tasks.py").write_text("raise RuntimeError('imported under --locked')\n")
    for command, (code, stdout, stderr, after, triggers) in zip(commands, importing, strict=True):
        result = lpctl(*command, "--locked")
        assert (result.exit_code, result.stdout, result.stderr) == (code, stdout, stderr), command
        assert (runs(server), b.state()) == (after, triggers), command
    assert "demo_tasks" not in sys.modules


def test_a_trigger_spec_with_its_own_project_is_checked_and_backfilled_there(lpctl: Run, server: Served,
                                                                             in_tmp: Any) -> None:
    """status and backfill read and create where the spec's project says, not where --project does."""
    (in_tmp / "triggers.yaml").write_text(SPECS.replace("name: nightly\n", "name: nightly\nproject: other\n"))
    b = server.backend
    b.fired(TRAIN, "nightly", fire("nightly", at(28)), at(28))  # the flytesnacks trigger's: not this one's
    b.fired(TRAIN, "nightly", run_name(TriggerId("other", D, TRAIN, "nightly"), at(29)), at(29), project="other")
    window = ("--since", "2026-11-27T12:00", "--until", "2026-11-30T12:00", "--name", "nightly")
    result = lpctl("status", *window, "--project", "flytesnacks")
    assert (result.exit_code, result.stdout) == (1, f"""\
other/development/demo.train/nightly (revision 1): 0 3 * * * (UTC)
  2026-11-28 03:00 +00:00 UTC  2026-11-28 03:00 UTC  MISSED
  2026-11-29 03:00 +00:00 UTC  2026-11-29 03:00 UTC  ran {run_name(TriggerId("other", D, TRAIN, "nightly"), at(29))}
  2026-11-30 03:00 +00:00 UTC  2026-11-30 03:00 UTC  MISSED
status: 2 missed fires in 1 of 1 trigger, 2026-11-27 12:00 UTC to 2026-11-30 12:00 UTC
""")
    before = set(runs(server))
    assert lpctl("backfill", "--from", "2026-11-27T12:00", "--to", "2026-11-30T12:00", "--name", "nightly",
                 "--execute").exit_code == 0
    created = {name: runs(server)[name][:3] for name in set(runs(server)) - before}
    assert created == {run_name(TriggerId("other", D, TRAIN, "nightly"), at(day)): (
        f"other/{D}", f"{TRAIN}/nightly", at(day).isoformat()) for day in (28, 30)}


def test_a_trigger_of_another_organization_is_ignored_and_reported(lpctl: Run, server: Served) -> None:
    """The open-source backend lists a task's triggers whatever their organization: the row of another one
    (here nightly's own row, moved to another organization) is not taken for the declared trigger."""
    server.backend.triggers[(P, D, TRAIN, "nightly")].org = "acme"
    result = lpctl("status", "--since", "2026-11-28T12:00", "--until", "2026-11-30", "--name", "nightly")
    assert (result.exit_code, result.stdout) == (0, """\
flytesnacks/development/demo.train/nightly: not on the server: the scheduler fires nothing
status: nothing missed in 1 trigger (1 not checked, see above), 2026-11-28 12:00 UTC to 2026-11-30 00:00 UTC
""")
    assert result.stderr.endswith(
        "lpctl: warning: the server's ListTriggers for flytesnacks/development/demo.train (org 127) answered 1 entry "
        "outside it (flytesnacks/development/demo.train/nightly (org acme)): ignored; the server does not filter "
        "its lists as asked\n")


def test_a_slow_run_listing_stops_at_the_time_bound(lpctl: Run, server: Served) -> None:
    """ListRuns answering each page late and never ending: status ends (exit 2) with a JSON document."""
    import re
    import time

    def slow(method: str, response: Any) -> Any:
        if method == "ListRuns":
            time.sleep(0.05)
            response.token = str(1000 + server.backend.calls.count('ListRuns'))
        return response

    server.backend.tamper = slow
    result = lpctl("status", "--since", "2026-11-27T12:00", "--until", "2026-12-01", "--name", "nightly",
                   "--format", "json", "--list-timeout", "0.3")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert re.fullmatch(r"the server took \d+\.\ds to answer ListRuns for trigger demo\.train/nightly with [1-7] "
                        r"pages and more to come, past lpctl's bound of 0\.3s for one listing \(--list-timeout\); "
                        r"it stopped there \(nothing was changed by this read\)", error)
    assert result.stderr.endswith(f"lpctl: {error}\n")
