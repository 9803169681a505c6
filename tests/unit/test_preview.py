"""lpctl.schedule.preview on rendered messages: what `lpctl schedule` computes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from flyteidl.admin import launch_plan_pb2, schedule_pb2

from lpctl.schedule.preview import FireTime, PlanPreview, format_text, parse_after, preview

UTC = timezone.utc


def _plan(name: str, cron: str | None = None, rate: tuple[int, int] | None = None) -> launch_plan_pb2.LaunchPlan:
    lp = launch_plan_pb2.LaunchPlan()
    lp.id.project, lp.id.domain, lp.id.name = "p", "d", name
    if cron is not None:
        lp.spec.entity_metadata.schedule.cron_schedule.schedule = cron
    if rate is not None:
        lp.spec.entity_metadata.schedule.rate.value, lp.spec.entity_metadata.schedule.rate.unit = rate
    return lp


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-28", datetime(2026, 3, 28, tzinfo=UTC)),
    ("2026-03-28T01:30", datetime(2026, 3, 28, 1, 30, tzinfo=UTC)),
    ("2026-03-28T01:30:00Z", datetime(2026, 3, 28, 1, 30, tzinfo=UTC)),
    ("2026-03-28T01:30:00+02:00", datetime(2026, 3, 27, 23, 30, tzinfo=UTC)),
    (" 2026-03-28 01:30 ", datetime(2026, 3, 28, 1, 30, tzinfo=UTC)),
])
def test_parse_after(text: str, expected: datetime) -> None:
    assert parse_after(text) == expected


@pytest.mark.parametrize("text", ["", "now", "2026-13-01", "28/03/2026", "2026-03-28T25:00"])
def test_parse_after_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not an ISO 8601 date or time"):
        parse_after(text)


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899-12-31T23:59Z"])
def test_parse_after_refuses_far_years(text: str) -> None:
    with pytest.raises(ValueError, match=f"--after '{text}' is outside the years 1900-9000"):
        parse_after(text)


def test_fire_times_stop_before_the_end_of_datetime() -> None:
    from lpctl.schedule.cron import fire_times

    times = fire_times("0 0 29 2 *", datetime(9980, 1, 1, tzinfo=UTC), 10)
    assert [t.year for t in times] == [9980, 9984, 9988, 9992, 9996]


def test_preview_reads_the_rendered_prefix() -> None:
    plans = [_plan("ny", "CRON_TZ=America/New_York 30 1 * * *"), _plan("none"),
             _plan("rate", rate=(90, schedule_pb2.MINUTE))]
    found = preview(plans, datetime(2026, 11, 1, 4, 0, tzinfo=UTC), 3)
    assert [(p.name, p.schedule, p.timezone) for p in found] == [
        ("ny", "30 1 * * *", "America/New_York"), ("rate", "90m", None)]
    ny = found[0]
    assert [(t.moment.isoformat(), t.repeated) for t in ny.fire_times] == [
        ("2026-11-01T01:30:00-04:00", True), ("2026-11-01T01:30:00-05:00", True),
        ("2026-11-02T01:30:00-05:00", False)]
    assert ny.skipped == ()


def test_preview_marks_the_gap_inside_the_window_only() -> None:
    plan = _plan("ny", "CRON_TZ=America/New_York 30 2 * * *")
    before = preview([plan], datetime(2027, 3, 12, tzinfo=UTC), 2)[0]
    assert [t.moment.isoformat() for t in before.fire_times] == ["2027-03-12T02:30:00-05:00",
                                                                 "2027-03-13T02:30:00-05:00"]
    assert before.skipped == ()
    across = preview([plan], datetime(2027, 3, 13, 8, tzinfo=UTC), 1)[0]
    assert [t.moment.isoformat() for t in across.fire_times] == ["2027-03-15T02:30:00-04:00"]
    assert across.skipped == (datetime(2027, 3, 14, 2, 30),)


def test_a_hand_written_bundle_with_an_unknown_zone_has_no_times() -> None:
    found = preview([_plan("x", "CRON_TZ=Mars/Olympus 0 * * * *")], datetime(2026, 1, 1, tzinfo=UTC), 3)
    assert found == [PlanPreview("p", "d", "x", "0 * * * *", "Mars/Olympus")]


def test_format_text_of_a_fixed_offset() -> None:
    zone = timezone(timedelta(hours=-3, minutes=-30))
    moment = datetime(2026, 1, 1, 9, 0, tzinfo=zone)
    lines = format_text([PlanPreview("p", "d", "x", "0 9 * * *", "America/St_Johns", (FireTime(moment),))])
    assert lines == ["p/d/x: 0 9 * * * (America/St_Johns)",
                     "  2026-01-01 09:00 -03:30 UTC-03:30  2026-01-01 12:30 UTC"]
