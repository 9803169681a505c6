"""schedule.timezone: its checks, its rendering, and the DST and February 29 warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from support import next_dst_change

from lpctl.schedule.cron import fire_times, only_february_29, parse_cron
from lpctl.schedule.zones import SurpriseKind, dst_surprises, load_zone, suggest_zone, transitions

SC = "name: lp\nworkflow: example_pkg.workflows:scheduled\nschedule:\n"
KICK = "  kickoff_time_input_arg: kickoff_time\n"
Check = Callable[..., list[str]]
FORWARD, BACK = (next_dst_change("Europe/Berlin", forward=f) for f in (True, False))
BERLIN_GAP = (f"warning LP513 in Europe/Berlin, 02:30 does not exist on {FORWARD}, when clocks go forward (02:00 -> "
              "03:00): the Flyte scheduler skips that run (move the time out of 02:00-03:00, or use timezone: UTC)")
BERLIN_REPEAT = (f"warning LP514 in Europe/Berlin, 02:30 happens twice on {BACK}, when clocks go back (03:00 -> "
                 "02:00): the Flyte scheduler runs at both (move the time out of 02:00-03:00, or use timezone: UTC)")


def test_a_time_zone_outside_dst_changes_is_clean(check: Check) -> None:
    assert check(SC + "  cron: '0 9 * * mon-fri'\n  timezone: Europe/Berlin\n" + KICK) == []


def test_unknown_zone_is_an_error_with_a_near_miss(check: Check) -> None:
    assert check(SC + "  cron: '0 9 * * *'\n  timezone: Europe/Berlim\n" + KICK) == [
        "spec.yaml:7:13: error LP512 unknown time zone 'Europe/Berlim' (did you mean 'Europe/Berlin'?)"]


def test_unknown_zone_without_a_near_miss(check: Check) -> None:
    assert check(SC + "  cron: '0 9 * * *'\n  timezone: Mars/Olympus\n" + KICK) == [
        "spec.yaml:7:13: error LP512 unknown time zone 'Mars/Olympus' (use an IANA time zone name such as "
        "Europe/Berlin or UTC)"]


def test_timezone_with_a_fixed_rate_is_an_error(check: Check) -> None:
    assert check(SC + "  fixed_rate: 6h\n  timezone: UTC\n" + KICK) == [
        "spec.yaml:7:3: error LP208 'schedule.timezone' applies only to a 'cron' schedule, not to 'fixed_rate' "
        "(remove 'timezone': a fixed rate counts from activation, in no time zone)"]


def test_a_raw_cron_tz_prefix_points_at_timezone(check: Check) -> None:
    assert check(SC + "  cron: 'CRON_TZ=Asia/Tokyo 0 9 * * *'\n" + KICK) == [
        'spec.yaml:6:9: error LP504 cron expression "CRON_TZ=Asia/Tokyo 0 9 * * *": the time zone prefix '
        '"CRON_TZ=Asia/Tokyo" is accepted by FlyteAdmin but refused by flytekit (write "timezone: Asia/Tokyo" '
        'under schedule and remove "CRON_TZ=Asia/Tokyo" from the cron expression)']


def test_a_fire_time_in_the_dst_gap_and_the_repeated_hour(check: Check) -> None:
    # Europe/Berlin goes 02:00 -> 03:00 in March and 03:00 -> 02:00 in October, every year
    assert check(SC + "  cron: '30 2 * * *'\n  timezone: Europe/Berlin\n" + KICK) == [
        f"spec.yaml:6:9: {BERLIN_GAP}", f"spec.yaml:6:9: {BERLIN_REPEAT}"]


def test_several_times_in_the_repeated_hour(check: Check) -> None:
    assert check(SC + "  cron: '*/15 1 * * *'\n  timezone: America/New_York\n" + KICK) == [
        "spec.yaml:6:9: warning LP514 in America/New_York, 01:00, 01:15, 01:30 and 1 more happen twice on "
        f"{next_dst_change('America/New_York', forward=False)}, when clocks go back (02:00 -> 01:00): the Flyte "
        "scheduler runs at both (move the time out of 01:00-02:00, or use timezone: UTC)"]


def test_an_hourly_schedule_gets_no_dst_warning(check: Check) -> None:
    assert check(SC + "  cron: '30 * * * *'\n  timezone: Europe/Berlin\n" + KICK) == []


def test_february_29_only(check: Check) -> None:
    assert check(SC + "  cron: '0 6 29 2 *'\n" + KICK) == [
        'spec.yaml:6:9: warning LP515 cron "0 6 29 2 *" fires only on February 29: once every four years (for '
        "the end of February, the Flyte scheduler has no 'L': use day 28, or day 1 of March)"]


@pytest.mark.parametrize(("expr", "expected"), [
    ("0 0 29 2 *", True),
    ("0 0 29,30 2 *", True),
    ("0 0 29 feb */1", True),  # */1 keeps the star bit: AND
    ("0 0 29 2 1", False),  # OR: every Monday of February too
    ("0 0 29 2,3 *", False),
    ("0 0 28,29 2 *", False),
    ("0 0 * 2 *", False),
    ("0 0 29 * *", False),
    ("0 0 30 2 *", False),  # never fires: an error, not this warning
])
def test_only_february_29(expr: str, expected: bool) -> None:
    assert only_february_29(expr) is expected


def test_the_rendered_message_carries_cron_tz(check: Check, in_tmp: Any) -> None:
    """No flytekit twin (CronSchedule refuses CRON_TZ=), so the message is checked directly."""
    from support import CONFORMANCE, HEADER, ROOT

    from lpctl.bundle import render_bundle
    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    (in_tmp / "spec.yaml").write_text(HEADER + SC + "  cron: '0 9 * * *'\n  timezone: America/New_York\n"
                                      "  offset: PT1H\n" + KICK)
    result = run(["spec.yaml"], Options(python_path=(CONFORMANCE, ROOT), config=Config()))
    assert result.diagnostics == []
    lp = json.loads(render_bundle(result.plans))["launchPlans"][0]["launchPlan"]
    assert lp["spec"]["entityMetadata"]["schedule"] == {
        "cronSchedule": {"schedule": "CRON_TZ=America/New_York 0 9 * * *", "offset": "PT1H"},
        "kickoffTimeInputArg": "kickoff_time",
    }


@pytest.mark.parametrize(("name", "expected"), [
    ("Europe/Berlim", "Europe/Berlin"),
    ("europe/berlin", "Europe/Berlin"),
    ("America/Newyork", "America/New_York"),
    ("Berlin", "Europe/Berlin"),
    ("Pacific/Auckand", "Pacific/Auckland"),
    ("Nowhere/Special", None),
])
def test_suggest_zone(name: str, expected: str | None) -> None:
    assert suggest_zone(name) == expected


@pytest.mark.parametrize("name", ["", "../etc/passwd", "/etc/localtime", "Europe/", "Europe/Berlim"])
def test_load_zone_refuses(name: str) -> None:
    assert load_zone(name) is None


def test_zones_work_without_a_system_database(tmp_path: Any) -> None:
    """tzdata is a dependency: slim images without /usr/share/zoneinfo still know the zones."""
    code = ("from lpctl.schedule.zones import load_zone; import zoneinfo; "
            "print(zoneinfo.TZPATH, load_zone('Europe/Berlin') is not None)")
    env = {**os.environ, "PYTHONTZPATH": str(tmp_path / "nowhere")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout == f"('{tmp_path / 'nowhere'}',) True\n"


def test_transitions_of_a_year() -> None:
    found = transitions("Europe/Berlin", date(2026, 1, 1), 365)
    assert [(datetime.fromtimestamp(t.instant, timezone.utc).isoformat(), t.before, t.after) for t in found] == [
        ("2026-03-29T01:00:00+00:00", 3600, 7200), ("2026-10-25T01:00:00+00:00", 7200, 3600)]
    assert transitions("UTC", date(2026, 1, 1)) == ()
    assert transitions("Asia/Kolkata", date(2026, 1, 1)) == ()


ZONES = ["Europe/Berlin", "America/New_York", "Europe/London", "Australia/Sydney", "America/Santiago",
         "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham"]
EXPRESSIONS = ["30 2 * * *", "0 1,2 * * *", "*/20 0-3 * * *", "45 1 * * 0", "0 2 1-10 * *", "15 3 * * 1-5"]


@pytest.mark.parametrize("zone_name", ZONES)
def test_dst_warnings_agree_with_the_fire_times(zone_name: str) -> None:
    """What the warnings claim is what the ported scheduler does: a gap time never fires, a
    repeated time fires at both offsets."""
    zone = ZoneInfo(zone_name)
    for expr in EXPRESSIONS:
        spec = parse_cron(expr)
        assert spec is not None
        for surprise in dst_surprises(spec, zone_name, date(2026, 1, 1)):
            start = datetime(surprise.day.year, surprise.day.month, surprise.day.day, tzinfo=zone)
            day = [t for t in fire_times(expr, start - timedelta(hours=1), 200, zone)
                   if start <= t < start + timedelta(days=1) and t.date() == surprise.day]
            walls = [f"{t:%H:%M}" for t in day]
            for wall in surprise.times:
                assert walls.count(wall) == (0 if surprise.kind is SurpriseKind.GAP else 2), (expr, surprise)
