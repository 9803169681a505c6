from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lpctl.schedule.durations import fixed_rate_units, format_duration, is_iso8601_duration, parse_duration

EXAMPLES = "write e.g. '90m', '1h30m', '2d' or ISO 8601 'PT1H30M'"
# flytekit 1.16.31 CronSchedule._OFFSET_PATTERN (fullmatch)
FLYTEKIT_OFFSET = re.compile("([-+]?)P([-+0-9YMWD]+)?(T([-+0-9HMS.,]+)?)?")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("2d", timedelta(days=2)),
        ("45s", timedelta(seconds=45)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1w2d", timedelta(days=9)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("1.5h", timedelta(minutes=90)),
        (".5h", timedelta(minutes=30)),
        ("0.25s", timedelta(milliseconds=250)),
        ("0s", timedelta(0)),
        ("-90m", -timedelta(minutes=90)),
        ("-1h30m", -timedelta(hours=1, minutes=30)),
        ("+1h", timedelta(hours=1)),
        (" 1h ", timedelta(hours=1)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("P1D", timedelta(days=1)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("PT0.5S", timedelta(milliseconds=500)),
        ("PT0,5S", timedelta(milliseconds=500)),
        ("PT1.5H", timedelta(minutes=90)),
        ("P2W", timedelta(days=14)),
        ("P1W2D", timedelta(days=9)),
        ("PT36H", timedelta(hours=36)),
        ("-PT30M", -timedelta(minutes=30)),
        ("+P1D", timedelta(days=1)),
        ("pt1h", timedelta(hours=1)),  # parse_duration accepts ISO in any case
        ("p1dt2h", timedelta(days=1, hours=2)),
        ("PT0.000001S", timedelta(microseconds=1)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"the duration is empty; {EXAMPLES}"),
        ("90", '"90" has no unit; write e.g. "90m" or "90s"'),
        ("1.5", '"1.5" has no unit; write e.g. "1.5m" or "1.5s"'),
        ("abc", f'"abc" is not a duration; {EXAMPLES}'),
        ("--1h", f'"--1h" is not a duration; {EXAMPLES}'),
        ("1h 30m", "\"1h 30m\": remove the spaces ('1h30m')"),
        ("1H", '"1H": write the unit "H" in lower case'),
        ("1M", '"1M": write the unit "M" in lower case'),
        ("1x", '"1x": unknown unit "x" (use w, d, h, m or s)'),
        ("1ms", '"1ms": unknown unit "ms" (use w, d, h, m or s)'),
        ("1m1h", '"1m1h": units must go from largest to smallest (w, d, h, m, s), each at most once'),
        ("1h1h", '"1h1h": units must go from largest to smallest (w, d, h, m, s), each at most once'),
        ("P1M", "\"P1M\": months and years have no fixed length; write days instead (e.g. 'P30D')"),
        ("P1Y", "\"P1Y\": months and years have no fixed length; write days instead (e.g. 'P30D')"),
        (
            "P1Y2M3W4DT5H6M7.5S",
            "\"P1Y2M3W4DT5H6M7.5S\": months and years have no fixed length; write days instead (e.g. 'P30D')",
        ),
        ("P", f'"P" is not a valid ISO 8601 duration; {EXAMPLES}'),
        ("PT", f'"PT" is not a valid ISO 8601 duration; {EXAMPLES}'),
        ("P1DT", f'"P1DT" is not a valid ISO 8601 duration; {EXAMPLES}'),
        ("P1.5D", f'"P1.5D" is not a valid ISO 8601 duration; {EXAMPLES}'),
        ("PT1.5H30M", f'"PT1.5H30M" is not a valid ISO 8601 duration; {EXAMPLES}'),
        ("PT1S2M", f'"PT1S2M" is not a valid ISO 8601 duration; {EXAMPLES}'),
        ("P-1D", f'"P-1D" is not a valid ISO 8601 duration; {EXAMPLES}'),
        ("PT0.0000001S", '"PT0.0000001S" is more precise than a microsecond'),
        ("0.0000001s", '"0.0000001s" is more precise than a microsecond'),
        ("99999999999d", '"99999999999d" is too long a duration'),
    ],
)
def test_parse_duration_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text",
    ["PT1H", "-PT30M", "+PT30M", "P1Y2M3W4DT5H6M7.5S", "P1D", "P2W", "PT0.5S", "PT0,5S", "P1DT2H", "P0D"],
)
def test_is_iso8601_duration_accepts(text: str) -> None:
    assert is_iso8601_duration(text)
    assert FLYTEKIT_OFFSET.fullmatch(text)


@pytest.mark.parametrize(
    "text",
    [
        "1h",
        "",
        "P",  # flytekit accepts: lpctl is stricter
        "PT",  # flytekit accepts: lpctl is stricter
        "P1DT",  # flytekit accepts: lpctl is stricter
        "pt1h",
        "P1.5D",
        "PT1.5H30M",
        "P1D2Y",
        "P-1D",  # flytekit accepts
        "--PT1H",
        "PT1H ",
        " PT1H",
        "T1H",
    ],
)
def test_is_iso8601_duration_refuses(text: str) -> None:
    assert not is_iso8601_duration(text)


@given(
    st.from_regex(FLYTEKIT_OFFSET, fullmatch=True) | st.text(alphabet="-+PTYMWDHS0123456789.,pt", max_size=14)
)
def test_is_iso8601_duration_is_a_subset_of_flytekits_check(text: str) -> None:
    if is_iso8601_duration(text):
        assert FLYTEKIT_OFFSET.fullmatch(text)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(hours=2), (2, "HOUR")),
        (timedelta(minutes=90), (90, "MINUTE")),
        (timedelta(hours=25), (25, "HOUR")),
        (timedelta(days=7), (7, "DAY")),
        (timedelta(days=1), (1, "DAY")),
        (timedelta(minutes=1), (1, "MINUTE")),
        (timedelta(hours=48), (2, "DAY")),
        (timedelta(days=1, minutes=1), (1441, "MINUTE")),
        (timedelta(minutes=2**32 - 1), (2**32 - 1, "MINUTE")),
    ],
)
def test_fixed_rate_units(delta: timedelta, expected: tuple[int, str]) -> None:
    assert fixed_rate_units(delta) == expected


@pytest.mark.parametrize(
    ("delta", "message"),
    [
        (timedelta(0), "a fixed rate must be positive, got 0s"),
        (-timedelta(hours=1), "a fixed rate must be positive, got -1h"),
        (
            timedelta(seconds=90),
            "1m30s is not a whole number of minutes; fixed rates are counted in minutes, hours or days",
        ),
        (
            timedelta(minutes=1, microseconds=1),
            "1m0.000001s is not a whole number of minutes; fixed rates are counted in minutes, hours or days",
        ),
        (
            timedelta(minutes=2**32 + 1),
            "2982616d4h17m is too long for a fixed rate: 4294967297 minutes exceeds "
            "FixedRate's 32-bit limit (4294967295)",
        ),
    ],
)
def test_fixed_rate_units_errors(delta: timedelta, message: str) -> None:
    with pytest.raises(ValueError) as info:
        fixed_rate_units(delta)
    assert str(info.value) == message


@settings(deadline=None)  # the first example imports flytekit
@given(st.integers(min_value=1, max_value=10**7))
def test_fixed_rate_units_match_flytekit(minutes: int) -> None:
    schedule = pytest.importorskip("flytekit.core.schedule")
    models = pytest.importorskip("flytekit.models.schedule")
    rate = schedule.FixedRate(timedelta(minutes=minutes)).rate
    assert fixed_rate_units(timedelta(minutes=minutes)) == (
        rate.value,
        models.Schedule.FixedRateUnit.enum_to_string(rate.unit),
    )


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(days=2), "2d"),
        (timedelta(days=7), "7d"),
        (timedelta(seconds=45), "45s"),
        (timedelta(0), "0s"),
        (timedelta(seconds=1.5), "1.5s"),
        (timedelta(microseconds=1), "0.000001s"),
        (timedelta(days=1, seconds=1), "1d1s"),
        (-timedelta(minutes=30), "-30m"),
        (timedelta(days=-1, hours=1), "-23h"),
    ],
)
def test_format_duration(delta: timedelta, text: str) -> None:
    assert format_duration(delta) == text


@given(st.timedeltas())
def test_format_duration_round_trips(delta: timedelta) -> None:
    assert parse_duration(format_duration(delta)) == delta


@given(st.timedeltas(min_value=-timedelta(days=10**6), max_value=timedelta(days=10**6)))
def test_iso_round_trip(delta: timedelta) -> None:
    sign = "-" if delta < timedelta(0) else ""
    magnitude = abs(delta)
    iso = f"{sign}P{magnitude.days}DT{magnitude.seconds}.{magnitude.microseconds:06d}S"
    assert is_iso8601_duration(iso)
    assert parse_duration(iso) == delta
