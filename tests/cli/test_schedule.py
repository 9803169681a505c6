"""``lpctl schedule``: exact output, streams and exit codes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER, ROOT, CliResult, next_dst_change

Run = Callable[..., CliResult]
WF = "workflow:\n  name: team.pipelines.nightly\n  inputs: {}\n"
BERLIN = HEADER + "name: nightly\n" + WF + "schedule:\n  cron: '30 2 * * *'\n  timezone: Europe/Berlin\n"
MORE = (HEADER + "name: hourly\n" + WF + "schedule:\n  cron: '@hourly'\n---\n"
        + HEADER + "name: six_hourly\n" + WF + "schedule:\n  fixed_rate: 6h\n---\n"
        + HEADER + "name: manual\n" + WF)
FORWARD, BACK = (next_dst_change("Europe/Berlin", forward=f) for f in (True, False))
WARNINGS = (
    f"berlin.yaml:8:9: warning LP513 in Europe/Berlin, 02:30 does not exist on {FORWARD}, when clocks go forward "
    "(02:00 -> 03:00): the Flyte scheduler skips that run (move the time out of 02:00-03:00, or use "
    "timezone: UTC)\n"
    f"berlin.yaml:8:9: warning LP514 in Europe/Berlin, 02:30 happens twice on {BACK}, when clocks go back "
    "(03:00 -> 02:00): the Flyte scheduler runs at both (move the time out of 02:00-03:00, or use "
    "timezone: UTC)\n"
    "2 warnings in 1 of 1 file\n")


def test_spring_forward_skips_a_day(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "berlin.yaml").write_text(BERLIN)
    assert run_cli("schedule", "berlin.yaml", "--after", "2027-03-26", "-n", "4") == CliResult(0, (
        "flytesnacks/development/nightly: 30 2 * * * (Europe/Berlin)\n"
        "  2027-03-26 02:30 +01:00 CET   2027-03-26 01:30 UTC\n"
        "  2027-03-27 02:30 +01:00 CET   2027-03-27 01:30 UTC\n"
        "  2027-03-28 02:30              skipped: does not exist (DST gap)\n"
        "  2027-03-29 02:30 +02:00 CEST  2027-03-29 00:30 UTC\n"
        "  2027-03-30 02:30 +02:00 CEST  2027-03-30 00:30 UTC\n"), WARNINGS)


def test_fall_back_fires_twice(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "berlin.yaml").write_text(BERLIN)
    result = run_cli("schedule", "berlin.yaml", "--after", "2027-10-30T12:00:00+02:00", "--count", "3")
    assert result == CliResult(0, (
        "flytesnacks/development/nightly: 30 2 * * * (Europe/Berlin)\n"
        "  2027-10-31 02:30 +02:00 CEST  2027-10-31 00:30 UTC  repeated hour (DST): runs twice\n"
        "  2027-10-31 02:30 +01:00 CET   2027-10-31 01:30 UTC  repeated hour (DST): runs twice\n"
        "  2027-11-01 02:30 +01:00 CET   2027-11-01 01:30 UTC\n"), WARNINGS)


def test_a_repeated_hour_is_listed_in_time_order_as_in_the_json(run_cli: Run, in_tmp: Any) -> None:
    """Two fires inside the repeated hour were grouped by wall time (02:00 CEST, 02:00 CET, 02:30 CEST,
    02:30 CET), out of the order they happen and of the JSON's."""
    (in_tmp / "berlin.yaml").write_text(BERLIN.replace("'30 2 * * *'", "'*/30 2 * * *'"))
    args = ("schedule", "berlin.yaml", "--after", "2026-10-24T12:00Z", "-n", "6")
    result = run_cli(*args)
    assert (result.exit_code, result.stdout) == (0, (
        "flytesnacks/development/nightly: */30 2 * * * (Europe/Berlin)\n"
        "  2026-10-25 02:00 +02:00 CEST  2026-10-25 00:00 UTC  repeated hour (DST): runs twice\n"
        "  2026-10-25 02:30 +02:00 CEST  2026-10-25 00:30 UTC  repeated hour (DST): runs twice\n"
        "  2026-10-25 02:00 +01:00 CET   2026-10-25 01:00 UTC  repeated hour (DST): runs twice\n"
        "  2026-10-25 02:30 +01:00 CET   2026-10-25 01:30 UTC  repeated hour (DST): runs twice\n"
        "  2026-10-26 02:00 +01:00 CET   2026-10-26 01:00 UTC\n"
        "  2026-10-26 02:30 +01:00 CET   2026-10-26 01:30 UTC\n"))
    fires = json.loads(run_cli(*args, "--format", "json").stdout)["launchPlans"][0]["fireTimes"]
    shown = [line[2:18] + ":00" + line[19:25] for line in result.stdout.splitlines()[1:]]
    assert [f.replace("T", " ") for f in fires] == shown


def test_a_gap_between_fires_is_listed_where_it_falls_on_the_clock(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "berlin.yaml").write_text(BERLIN.replace("'30 2 * * *'", "'*/30 1-3 * * *'"))
    result = run_cli("schedule", "berlin.yaml", "--after", "2026-03-28T12:00Z", "-n", "5")
    assert (result.exit_code, result.stdout) == (0, (
        "flytesnacks/development/nightly: */30 1-3 * * * (Europe/Berlin)\n"
        "  2026-03-29 01:00 +01:00 CET   2026-03-29 00:00 UTC\n"
        "  2026-03-29 01:30 +01:00 CET   2026-03-29 00:30 UTC\n"
        "  2026-03-29 02:00              skipped: does not exist (DST gap)\n"
        "  2026-03-29 02:30              skipped: does not exist (DST gap)\n"
        "  2026-03-29 03:00 +02:00 CEST  2026-03-29 01:00 UTC\n"
        "  2026-03-29 03:30 +02:00 CEST  2026-03-29 01:30 UTC\n"
        "  2026-03-30 01:00 +02:00 CEST  2026-03-29 23:00 UTC\n"))


def test_json(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "berlin.yaml").write_text(BERLIN)
    (in_tmp / "more.yaml").write_text(MORE)
    result = run_cli("schedule", "berlin.yaml", "more.yaml", "--after", "2027-10-30T23:00Z", "-n", "2",
                     "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"version": 1, "launchPlans": [
        {"name": "nightly", "project": "flytesnacks", "domain": "development", "schedule": "30 2 * * *",
         "timezone": "Europe/Berlin", "fireTimes": ["2027-10-31T02:30:00+02:00", "2027-10-31T02:30:00+01:00"]},
        {"name": "hourly", "project": "flytesnacks", "domain": "development", "schedule": "@hourly",
         "timezone": "UTC", "fireTimes": ["2027-10-31T00:00:00+00:00", "2027-10-31T01:00:00+00:00"]},
        {"name": "six_hourly", "project": "flytesnacks", "domain": "development", "schedule": "6h",
         "timezone": None, "fireTimes": []},
    ], "triggers": []}


def test_utc_and_fixed_rate_text(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "more.yaml").write_text(MORE)
    result = run_cli("schedule", "more.yaml", "--after", "2026-12-31T22:30", "-n", "2", "--project", "data")
    assert result == CliResult(0, (
        "data/development/hourly: @hourly (UTC)\n"
        "  2026-12-31 23:00 +00:00 UTC  2026-12-31 23:00 UTC\n"
        "  2027-01-01 00:00 +00:00 UTC  2027-01-01 00:00 UTC\n"
        "data/development/six_hourly: every 6h (fixed rate: counted from when the launch plan is activated, "
        "so there are no fixed times)\n"), "")


def test_no_schedules(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "manual.yaml").write_text(HEADER + "name: manual\n" + WF)
    assert run_cli("schedule", "manual.yaml") == CliResult(0, "no scheduled launch plans\n", "")


def test_spec_errors_exit_1(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "bad.yaml").write_text(BERLIN.replace("Europe/Berlin", "Europe/Berlim"))
    assert run_cli("schedule", "bad.yaml", "--after", "2027-01-01") == CliResult(1, "", (
        "bad.yaml:9:13: error LP512 unknown time zone 'Europe/Berlim' (did you mean 'Europe/Berlin'?)\n"
        "1 error in 1 of 1 file\n"))


def test_bad_after_is_a_usage_error(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "berlin.yaml").write_text(BERLIN)
    assert run_cli("schedule", "berlin.yaml", "--after", "next tuesday") == CliResult(2, "", (
        "lpctl: --after 'next tuesday' is not an ISO 8601 date or time, such as 2026-03-28 or "
        "2026-03-28T01:30:00+01:00\n"))


def test_count_must_be_positive(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "berlin.yaml").write_text(BERLIN)
    result = run_cli("schedule", "berlin.yaml", "--count", "0")
    assert result.exit_code == 2
    assert "--count" in result.stderr


# -- Flyte 2 triggers (kind: Trigger) ----------------------------------------------------------------

TRIGGERS = """\
apiVersion: lpctl/v1
kind: Trigger
name: nightly
task: flyte2_pkg.pipelines:train
schedule: {cron: '30 2 * * *', timezone: Europe/Berlin, kickoff_time_input_arg: run_at}
---
apiVersion: lpctl/v1
kind: Trigger
name: every_6h
task: flyte2_pkg.pipelines:train
schedule: {fixed_rate: 6h, start_time: '2026-12-01T00:00:00Z', kickoff_time_input_arg: run_at}
---
apiVersion: lpctl/v1
kind: Trigger
name: every_90m
task: flyte2_pkg.pipelines:train
schedule: {fixed_rate: 90m, kickoff_time_input_arg: run_at}
---
apiVersion: lpctl/v1
kind: Trigger
name: on_demand
task: flyte2_pkg.pipelines:train
inputs: {run_at: '2026-01-01'}
"""
FLYTE2 = os.path.join(ROOT, "tests", "conformance_flyte2")
TRIGGER_WARNINGS = (
    f"triggers.yaml:5:18: warning LP513 in Europe/Berlin, 02:30 does not exist on {FORWARD}, when clocks go forward "
    "(02:00 -> 03:00): the Flyte scheduler skips that run (move the time out of 02:00-03:00, or use "
    "timezone: UTC)\n"
    f"triggers.yaml:5:18: warning LP514 in Europe/Berlin, 02:30 happens twice on {BACK}, when clocks go back "
    "(03:00 -> 02:00): the Flyte scheduler runs at both (move the time out of 02:00-03:00, or use "
    "timezone: UTC)\n"
    "2 warnings in 1 of 1 file\n")


def test_triggers_text(run_cli: Run, in_tmp: Any) -> None:
    pytest.importorskip("flyte")
    (in_tmp / "triggers.yaml").write_text(TRIGGERS)
    result = run_cli("schedule", "triggers.yaml", "--python-path", FLYTE2, "--after", "2027-03-27T00:00Z", "-n", "3")
    assert result == CliResult(0, (
        "pipelines.train/nightly: 30 2 * * * (Europe/Berlin)\n"
        "  2027-03-27 02:30 +01:00 CET   2027-03-27 01:30 UTC\n"
        "  2027-03-28 02:30              skipped: does not exist (DST gap)\n"
        "  2027-03-29 02:30 +02:00 CEST  2027-03-29 00:30 UTC\n"
        "  2027-03-30 02:30 +02:00 CEST  2027-03-30 00:30 UTC\n"
        "pipelines.train/every_6h: every 6h from its start_time (UTC)\n"
        "  2027-03-27 06:00 +00:00 UTC  2027-03-27 06:00 UTC\n"
        "  2027-03-27 12:00 +00:00 UTC  2027-03-27 12:00 UTC\n"
        "  2027-03-27 18:00 +00:00 UTC  2027-03-27 18:00 UTC\n"
        "pipelines.train/every_90m: every 90m (fixed rate: counted from when the trigger is activated, "
        "so there are no fixed times)\n"), TRIGGER_WARNINGS)


def test_triggers_json_beside_launch_plans(run_cli: Run, in_tmp: Any) -> None:
    pytest.importorskip("flyte")
    (in_tmp / "triggers.yaml").write_text(TRIGGERS)
    (in_tmp / "berlin.yaml").write_text(BERLIN)
    result = run_cli("schedule", "berlin.yaml", "triggers.yaml", "--python-path", FLYTE2,
                     "--after", "2026-11-30T23:00:00-02:00", "-n", "2", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"version": 1, "launchPlans": [
        {"name": "nightly", "project": "flytesnacks", "domain": "development", "schedule": "30 2 * * *",
         "timezone": "Europe/Berlin", "fireTimes": ["2026-12-01T02:30:00+01:00", "2026-12-02T02:30:00+01:00"]},
    ], "triggers": [
        {"name": "nightly", "task": "pipelines.train", "schedule": "30 2 * * *", "timezone": "Europe/Berlin",
         "fireTimes": ["2026-12-01T02:30:00+01:00", "2026-12-02T02:30:00+01:00"]},
        {"name": "every_6h", "task": "pipelines.train", "schedule": "6h", "timezone": None,
         "fireTimes": ["2026-12-01T06:00:00+00:00", "2026-12-01T12:00:00+00:00"]},
        {"name": "every_90m", "task": "pipelines.train", "schedule": "90m", "timezone": None, "fireTimes": []},
    ]}


def test_fixed_rate_starts_at_a_future_start_time(run_cli: Run, in_tmp: Any) -> None:
    pytest.importorskip("flyte")
    (in_tmp / "triggers.yaml").write_text(TRIGGERS)
    result = run_cli("schedule", "triggers.yaml", "--python-path", FLYTE2, "--after", "2026-11-01", "-n", "2",
                     "--format", "json")
    assert json.loads(result.stdout)["triggers"][1]["fireTimes"] == [
        "2026-12-01T00:00:00+00:00", "2026-12-01T06:00:00+00:00"]


def test_a_trigger_that_names_its_project_and_domain_shows_them(run_cli: Run, in_tmp: Any) -> None:
    """The same task and trigger name in two places are two schedules, told apart by where their specs put
    them; a trigger whose spec names neither keeps its <task>/<name>."""
    pytest.importorskip("flyte")
    spec = ("apiVersion: lpctl/v1\nkind: Trigger\nname: daily\ntask: flyte2_pkg.pipelines:train\n"
            "schedule: {cron: '0 6 * * *', timezone: UTC, kickoff_time_input_arg: run_at}\n")
    (in_tmp / "t.yaml").write_text(spec + "---\n" + spec + "project: ml\ndomain: production\n")
    args = ("schedule", "t.yaml", "--python-path", FLYTE2, "--after", "2027-01-01T00:00Z", "-n", "1")
    assert run_cli(*args).stdout == (
        "pipelines.train/daily: 0 6 * * * (UTC)\n"
        "  2027-01-01 06:00 +00:00 UTC  2027-01-01 06:00 UTC\n"
        "ml/production/pipelines.train/daily: 0 6 * * * (UTC)\n"
        "  2027-01-01 06:00 +00:00 UTC  2027-01-01 06:00 UTC\n")
    found = json.loads(run_cli(*args, "--format", "json").stdout)["triggers"]
    assert [{k: t.get(k) for k in ("project", "domain", "task", "name")} for t in found] == [
        {"project": None, "domain": None, "task": "pipelines.train", "name": "daily"},
        {"project": "ml", "domain": "production", "task": "pipelines.train", "name": "daily"}]
