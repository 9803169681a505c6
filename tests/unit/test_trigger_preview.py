"""``lpctl schedule`` for Flyte 2 TaskTriggers built by hand (as a bundle could carry them)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

pytest.importorskip("flyteidl2")

from flyteidl2.task import common_pb2, task_definition_pb2

from lpctl.schedule.preview import format_text, preview_triggers

AFTER = datetime(2027, 1, 1, tzinfo=timezone.utc)


def trigger(name: str, schedule: common_pb2.Schedule | None) -> task_definition_pb2.TaskTrigger:
    auto = common_pb2.TriggerAutomationSpec(type=common_pb2.TriggerAutomationSpecType.TYPE_NONE)
    if schedule is not None:
        auto = common_pb2.TriggerAutomationSpec(type=common_pb2.TriggerAutomationSpecType.TYPE_SCHEDULE,
                                                schedule=schedule)
    return task_definition_pb2.TaskTrigger(name=name, automation_spec=auto)


def test_every_no_zone_day_unit_and_on_demand() -> None:
    start = common_pb2.FixedRate(value=1, unit=common_pb2.FixedRateUnit.FIXED_RATE_UNIT_DAY)
    start.start_time.FromDatetime(datetime(2026, 12, 30, 12, 0, 0, 500000))
    triggers = [
        ("t", trigger("every", common_pb2.Schedule(cron=common_pb2.Cron(expression="@every 90m", timezone="UTC")))),
        ("t", trigger("local", common_pb2.Schedule(cron=common_pb2.Cron(expression="0 2 * * *")))),
        ("t", trigger("daily", common_pb2.Schedule(rate=start))),
        ("t", trigger("manual", None)),
    ]
    previews = preview_triggers(triggers, AFTER, 2)
    assert [t.moment.isoformat() for t in previews[2].fire_times] == [
        "2027-01-01T12:00:00+00:00", "2027-01-02T12:00:00+00:00"]  # robfig's Next drops the half second
    assert format_text([], previews) == [
        "t/every: every 90m (fixed rate: counted from when the trigger is activated, so there are no fixed times)",
        "t/local: 0 2 * * * (the server's local time)",
        "t/daily: every 1d from its start_time (UTC)",
        "  2027-01-01 12:00 +00:00 UTC  2027-01-01 12:00 UTC",
        "  2027-01-02 12:00 +00:00 UTC  2027-01-02 12:00 UTC",
    ]


def test_future_start_time_keeps_its_sub_seconds() -> None:
    rate = common_pb2.FixedRate(value=30, unit=common_pb2.FixedRateUnit.FIXED_RATE_UNIT_MINUTE)
    rate.start_time.FromDatetime(datetime(2027, 2, 1, 0, 0, 0, 500000))
    previews = preview_triggers([("t", trigger("r", common_pb2.Schedule(rate=rate)))], AFTER, 2)
    assert [t.moment.isoformat() for t in previews[0].fire_times] == [
        "2027-02-01T00:00:00.500000+00:00", "2027-02-01T00:30:00+00:00"]


def test_a_rate_past_year_9999_shows_what_fits() -> None:
    def times(start: datetime) -> list[str]:
        rate = common_pb2.FixedRate(value=2**32 - 1, unit=common_pb2.FixedRateUnit.FIXED_RATE_UNIT_MINUTE)
        rate.start_time.FromDatetime(start)
        previews = preview_triggers([("t", trigger("r", common_pb2.Schedule(rate=rate)))], AFTER, 3)
        assert previews[0].schedule == "4294967295m"
        return [t.moment.isoformat() for t in previews[0].fire_times]

    assert times(datetime(2027, 6, 1)) == ["2027-06-01T00:00:00+00:00"]  # the next one is in the year 10193
    assert times(datetime(2026, 1, 1)) == []
