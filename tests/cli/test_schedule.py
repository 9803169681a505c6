"""``lpctl schedule``: exact output, streams and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from support import HEADER, CliResult

Run = Callable[..., CliResult]
WF = "workflow:\n  name: team.pipelines.nightly\n  inputs: {}\n"
BERLIN = HEADER + "name: nightly\n" + WF + "schedule:\n  cron: '30 2 * * *'\n  timezone: Europe/Berlin\n"
MORE = (HEADER + "name: hourly\n" + WF + "schedule:\n  cron: '@hourly'\n---\n"
        + HEADER + "name: six_hourly\n" + WF + "schedule:\n  fixed_rate: 6h\n---\n"
        + HEADER + "name: manual\n" + WF)
WARNINGS = (
    "berlin.yaml:8:9: warning LP513 in Europe/Berlin, 02:30 does not exist on the day clocks go forward "
    "(02:00 -> 03:00): the Flyte scheduler skips that run (move the time out of 02:00-03:00, or use "
    "timezone: UTC)\n"
    "berlin.yaml:8:9: warning LP514 in Europe/Berlin, 02:30 happens twice on the day clocks go back "
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
    ]}


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
