from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from croniter import CroniterBadDateError, croniter
from hypothesis import given, settings
from hypothesis import strategies as st
from support import examples

from lpctl.schedule.cron import (
    CronProblem,
    CronProblemKind,
    _min_day_gap,
    analyse,
    check_cron,
    fire_times,
    min_interval,
    parse_cron,
)
from lpctl.schedule.robfig import CronSpec

UTC = timezone.utc
K = CronProblemKind
ANY_HINT = "<hint not asserted here>"


def flytekit_accepts(expr: str) -> bool:
    """flytekit 1.16.31's own check (CronSchedule._validate_schedule)."""
    schedule = pytest.importorskip("flytekit.core.schedule")
    try:
        schedule.CronSchedule(schedule=expr)
    except ValueError:
        return False
    return True


def croniter_accepts(expr: str) -> bool:
    try:
        croniter(expr).get_next(datetime)
    except Exception:
        return False
    return True


# --------------------------------------------------------------------------------------------------
# Accepted: what both flytekit and the Flyte scheduler accept.

ACCEPTED = [
    "* * * * *",
    "*/1 * * * *",
    "0 10 * * 1",
    "*/15 * * * *",
    "5/15 * * * *",
    "59/15 * * * *",
    "0-30/10 * * * *",
    "0 9 * * 1-5",
    "0 9 * * MON-FRI",
    "0 9 * * mon-fri",
    "0 9 * * Sun,sat",
    "0 0 1 jan *",
    "0 0 1 JAN-Mar *",
    "0 0 1 jan/2 *",
    "0 0 1 1-dec *",
    "0 0 ? * mon",
    "0 0 1 * ?",
    "0 0 ? * ?",
    "0 0 29 2 *",
    "0 0 31 2 0",
    "0 0 30 2 1",
    "0 0 30 2 0-6",
    "0 0 31 1,2 *",
    "*/90 * * * *",
    "0 */25 * * *",
    "0 0 */32 * *",
    "0 0 * * */7",
    "0-0 * * * *",
    "5-5 * * * *",
    "05 07 * * *",
    "1,2,3,10-20/5 * * * *",
    " 0  0 *\t* * ",
    "0 0 1,15 * 1",
    "@hourly",
    "@daily",
    "@midnight",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
]


@pytest.mark.parametrize("expr", ACCEPTED)
def test_accepted(expr: str) -> None:
    assert check_cron(expr) is None


@pytest.mark.parametrize("expr", ACCEPTED)
def test_accepted_expressions_pass_flytekits_check(expr: str) -> None:
    assert croniter_accepts(expr)
    assert flytekit_accepts(expr)


# --------------------------------------------------------------------------------------------------
# Refused, with exact kinds and messages.

REFUSED: list[tuple[str, CronProblem]] = [
    (
        "0 0 * * * *",
        CronProblem(
            K.SYNTAX,
            'cron expression "0 0 * * * *" has 6 fields; the Flyte scheduler needs exactly 5 '
            "(minute hour day-of-month month day-of-week)",
            "the Flyte scheduler has no seconds or year field; remove the extra fields",
        ),
    ),
    (
        "0 0 *",
        CronProblem(
            K.SYNTAX,
            'cron expression "0 0 *" has 3 fields; the Flyte scheduler needs exactly 5 '
            "(minute hour day-of-month month day-of-week)",
        ),
    ),
    (
        "5m",
        CronProblem(
            K.SYNTAX,
            'cron expression "5m" has 1 field; the Flyte scheduler needs exactly 5 '
            "(minute hour day-of-month month day-of-week)",
        ),
    ),
    ("", CronProblem(K.SYNTAX, "cron expression is empty")),
    ("   ", CronProblem(K.SYNTAX, "cron expression is empty")),
    ("61 * * * *", CronProblem(K.SYNTAX, "minute 61 is out of range 0-59")),
    ("0 24 * * *", CronProblem(K.SYNTAX, "hour 24 is out of range 0-23")),
    ("0 0 0 * *", CronProblem(K.SYNTAX, "day-of-month 0 is out of range 1-31")),
    ("0 0 32 * *", CronProblem(K.SYNTAX, "day-of-month 32 is out of range 1-31")),
    ("0 0 * 13 *", CronProblem(K.SYNTAX, "month 13 is out of range 1-12")),
    ("0 0 * 0 *", CronProblem(K.SYNTAX, "month 0 is out of range 1-12")),
    ("0 0 * * 7", CronProblem(K.SYNTAX, "day-of-week 7 is out of range 0-6 (use 0 for Sunday)")),
    ("0 0 * * 1-7", CronProblem(K.SYNTAX, "day-of-week 7 is out of range 0-6 (use 0 for Sunday)")),
    ("0 0 * * 8", CronProblem(K.SYNTAX, "day-of-week 8 is out of range 0-6")),
    ("50-61 * * * *", CronProblem(K.SYNTAX, "minute 61 is out of range 0-59")),
    ("70/5 * * * *", CronProblem(K.SYNTAX, "minute 70 is out of range 0-59")),
    (
        "0 0 * foo *",
        CronProblem(K.SYNTAX, 'month "foo" is neither a number (1-12) nor a month name (jan-dec)'),
    ),
    (
        "0 0 * january *",
        CronProblem(
            K.SYNTAX, 'month "january" is neither a number (1-12) nor a month name (jan-dec)', "write 'jan'"
        ),
    ),
    (
        "0 0 * * monday",
        CronProblem(
            K.SYNTAX, 'day-of-week "monday" is neither a number (0-6) nor a day name (sun-sat)', "write 'mon'"
        ),
    ),
    ("0 0 jan * *", CronProblem(K.SYNTAX, 'day-of-month "jan" is not a number')),
    ("x * * * *", CronProblem(K.SYNTAX, 'minute "x" is not a number')),
    ("+5 * * * *", CronProblem(K.SYNTAX, 'minute "+5" is not a number')),
    ("-5 * * * *", CronProblem(K.SYNTAX, 'minute "-5": negative numbers are not allowed')),
    ("5- * * * *", CronProblem(K.SYNTAX, 'minute "5-" is missing a number')),
    ("*-5 * * * *", CronProblem(K.SYNTAX, 'minute "*-5": "*" cannot be part of a range')),
    ("1-2-3 * * * *", CronProblem(K.SYNTAX, 'minute "1-2-3" has more than one "-"')),
    ("1/2/3 * * * *", CronProblem(K.SYNTAX, 'minute "1/2/3" has more than one "/"')),
    ("*/0 * * * *", CronProblem(K.SYNTAX, 'minute "*/0": the step must be at least 1')),
    ("1-5/0 * * * *", CronProblem(K.SYNTAX, 'minute "1-5/0": the step must be at least 1')),
    ("*/x * * * *", CronProblem(K.SYNTAX, 'minute "*/x": the step "x" is not a number')),
    ("5/ * * * *", CronProblem(K.SYNTAX, 'minute "5/": the step "" is not a number')),
    ("1,,2 * * * *", CronProblem(K.SYNTAX, 'minute "1,,2" has an empty list element')),
    ("1, * * * *", CronProblem(K.SYNTAX, 'minute "1," has an empty list element')),
    (
        "5-1 * * * *",
        CronProblem(
            K.SYNTAX,
            "minute range 5-1 runs backwards; the Flyte scheduler does not wrap ranges around",
            "split it: '5-59,0-1'",
        ),
    ),
    (
        "0 0 * * sat-mon",
        CronProblem(
            K.SYNTAX,
            "day-of-week range sat-mon runs backwards; the Flyte scheduler does not wrap ranges around",
            "split it: '6,0-1'",
        ),
    ),
    (
        "? * * * *",
        CronProblem(K.SYNTAX, "'?' is only allowed in day-of-month and day-of-week, not in minute"),
    ),
    ("0 0 ?/2 * 1", CronProblem(K.SYNTAX, "day-of-month \"?/2\": '?' must stand alone")),
    (
        "0 0 L * *",
        CronProblem(
            K.SYNTAX,
            "'L' is not supported by the Flyte scheduler",
            "'L' (last day) has no equivalent in the Flyte scheduler; list the days explicitly",
        ),
    ),
    ("0 0 * * 5L", CronProblem(K.SYNTAX, "'L' is not supported by the Flyte scheduler", ANY_HINT)),
    (
        "0 0 15W * *",
        CronProblem(
            K.SYNTAX,
            "'W' is not supported by the Flyte scheduler",
            "'W' (nearest weekday) has no equivalent in the Flyte scheduler; list the days explicitly",
        ),
    ),
    ("0 0 LW * *", CronProblem(K.SYNTAX, "'L' is not supported by the Flyte scheduler", ANY_HINT)),
    (
        "0 0 * * MON#1",
        CronProblem(
            K.SYNTAX,
            "'#' is not supported by the Flyte scheduler",
            "'#' (n-th weekday of the month, as in 'MON#1') has no equivalent in the Flyte scheduler",
        ),
    ),
    (
        "H * * * *",
        CronProblem(
            K.SYNTAX,
            "'H' is not supported by the Flyte scheduler",
            "'H' (a hashed value) is a croniter/Jenkins extension; write a fixed value",
        ),
    ),
    ("H(0-29)/10 * * * *", CronProblem(K.SYNTAX, "'H' is not supported by the Flyte scheduler", ANY_HINT)),
    (
        "R * * * *",
        CronProblem(
            K.SYNTAX,
            "'R' is not supported by the Flyte scheduler",
            "'R' (a random value) is a croniter extension; write a fixed value",
        ),
    ),
    (
        "@reboot",
        CronProblem(
            K.SYNTAX,
            '"@reboot" is not a descriptor the Flyte scheduler knows',
            "use one of @hourly @daily @midnight @weekly @monthly @yearly @annually, "
            "or 5 fields (minute hour day-of-month month day-of-week)",
        ),
    ),
    (
        "@Daily",
        CronProblem(
            K.SYNTAX, '"@Daily": the Flyte scheduler only knows lower-case descriptors', "write '@daily'"
        ),
    ),
    (
        "@HOURLY",
        CronProblem(
            K.SYNTAX, '"@HOURLY": the Flyte scheduler only knows lower-case descriptors', "write '@hourly'"
        ),
    ),
    (
        " @daily",
        CronProblem(
            K.SYNTAX, '" @daily": the Flyte scheduler refuses spaces around a descriptor', "write '@daily'"
        ),
    ),
    (
        "@every",
        CronProblem(K.SYNTAX, '"@every" is not a descriptor the Flyte scheduler knows', ANY_HINT),
    ),
    (
        "@every soon",
        CronProblem(
            K.SYNTAX,
            '"@every soon": "soon" is not a duration the Flyte scheduler understands',
            "use a fixed_rate schedule (e.g. 'fixed_rate: 30m') instead of '@every'",
        ),
    ),
    (
        "midnight",
        CronProblem(K.SYNTAX, '"midnight" is not a cron expression', "write '@midnight'"),
    ),
    # ALIAS_WITHOUT_AT: flytekit's aliases without '@'
    (
        "daily",
        CronProblem(
            K.ALIAS_WITHOUT_AT,
            '"daily" is accepted by flytekit but refused by FlyteAdmin, which needs the "@" form',
            "write '@daily'",
        ),
    ),
    (
        " daily",
        CronProblem(K.SYNTAX, '"daily" is not a cron expression', "write '@daily'"),
    ),
    # ADMIN_ONLY
    (
        "@every 5m",
        CronProblem(
            K.ADMIN_ONLY,
            '"@every 5m" is accepted by FlyteAdmin but refused by flytekit',
            "use 'fixed_rate: 5m' instead",
        ),
    ),
    (
        "@every 1h30m",
        CronProblem(
            K.ADMIN_ONLY,
            '"@every 1h30m" is accepted by FlyteAdmin but refused by flytekit',
            "use 'fixed_rate: 1h30m' instead",
        ),
    ),
    (
        "TZ=UTC 0 * * * *",
        CronProblem(
            K.ADMIN_ONLY,
            'cron expression "TZ=UTC 0 * * * *": the time zone prefix "TZ=UTC" is accepted by FlyteAdmin '
            "but refused by flytekit",
            'write "timezone: UTC" under schedule and remove "TZ=UTC" from the cron expression',
        ),
    ),
    (
        "CRON_TZ=Europe/Paris 0 9 * * *",
        CronProblem(
            K.ADMIN_ONLY,
            'cron expression "CRON_TZ=Europe/Paris 0 9 * * *": the time zone prefix "CRON_TZ=Europe/Paris" '
            "is accepted by FlyteAdmin but refused by flytekit",
            'write "timezone: Europe/Paris" under schedule and remove "CRON_TZ=Europe/Paris" from the cron '
            "expression",
        ),
    ),
    # NEVER_FIRES
    (
        "0 0 31 2 *",
        CronProblem(
            K.NEVER_FIRES,
            'cron expression "0 0 31 2 *" never fires: February has no day 31',
            "the Flyte scheduler fails on a schedule without a next fire time; pick days that exist",
        ),
    ),
    (
        "0 0 30 2 *",
        CronProblem(
            K.NEVER_FIRES, 'cron expression "0 0 30 2 *" never fires: February has no day 30', ANY_HINT
        ),
    ),
    (
        "0 0 30,31 feb ?",
        CronProblem(
            K.NEVER_FIRES,
            'cron expression "0 0 30,31 feb ?" never fires: February has no day 30 or 31',
            ANY_HINT,
        ),
    ),
    (
        "0 0 31 4,6,9 *",
        CronProblem(
            K.NEVER_FIRES,
            'cron expression "0 0 31 4,6,9 *" never fires: April, June and September have no day 31',
            ANY_HINT,
        ),
    ),
    # robfig treats "*/1" as a star (AND), croniter does not (it ORs and fires every day of February).
    (
        "0 0 30 2 */1",
        CronProblem(
            K.NEVER_FIRES, 'cron expression "0 0 30 2 */1" never fires: February has no day 30', ANY_HINT
        ),
    ),
]


@pytest.mark.parametrize(("expr", "expected"), REFUSED, ids=[expr or "<empty>" for expr, _ in REFUSED])
def test_refused(expr: str, expected: CronProblem) -> None:
    problem = check_cron(expr)
    assert problem is not None
    assert problem.kind is expected.kind
    assert problem.message == expected.message
    if expected.hint != ANY_HINT:
        assert problem.hint == expected.hint


@pytest.mark.parametrize(
    "expr",
    [
        "hourly",
        "HOURLY",
        "hours",
        "daily",
        "Daily",
        "days",
        "weekly",
        "weeks",
        "monthly",
        "months",
        "yearly",
        "years",
        "annually",
    ],
)
def test_flytekit_aliases_without_at(expr: str) -> None:
    problem = check_cron(expr)
    assert problem is not None
    assert problem.kind is K.ALIAS_WITHOUT_AT
    fix = {"hours": "@hourly", "days": "@daily", "weeks": "@weekly", "months": "@monthly", "years": "@yearly"}
    assert problem.hint == f"write '{fix.get(expr.lower(), '@' + expr.lower())}'"
    assert flytekit_accepts(expr)


# Expressions croniter (flytekit's check) accepts but the Flyte scheduler refuses, or runs differently.
CRONITER_ONLY = [
    ("0 0 * * * *", K.SYNTAX),  # croniter: 6th field = seconds
    ("0 10 * * ? *", K.SYNTAX),  # AWS style
    ("* * * * * * *", K.SYNTAX),  # croniter: 7th field = year
    ("0 0 * * 7", K.SYNTAX),  # croniter: 7 = Sunday
    ("0 0 * * 1-7", K.SYNTAX),
    ("0 0 * * MON#1", K.SYNTAX),
    ("0 0 L * *", K.SYNTAX),
    ("0 0 l * *", K.SYNTAX),
    ("0 0 15W * *", K.SYNTAX),
    ("R * * * *", K.SYNTAX),
    ("5-1 * * * *", K.SYNTAX),  # croniter wraps ranges around
    ("0 0 * * 6-0", K.SYNTAX),
    ("@Daily", K.SYNTAX),  # croniter and flytekit ignore case, robfig does not
    ("@MIDNIGHT", K.SYNTAX),
    ("0 0 30 2 */1", K.NEVER_FIRES),  # croniter ORs the day fields here, robfig ANDs them
]


@pytest.mark.parametrize(("expr", "kind"), CRONITER_ONLY)
def test_croniter_accepts_but_scheduler_refuses(expr: str, kind: CronProblemKind) -> None:
    assert croniter_accepts(expr)
    assert flytekit_accepts(expr)
    problem = check_cron(expr)
    assert problem is not None
    assert problem.kind is kind


@pytest.mark.parametrize("expr", ["@every 5m", "TZ=UTC 0 * * * *", "CRON_TZ=UTC 0 * * * *", "0 0 31 2 *"])
def test_flytekit_refuses(expr: str) -> None:
    assert not flytekit_accepts(expr)
    assert check_cron(expr) is not None


# --------------------------------------------------------------------------------------------------
# Property: everything the grammar accepts (before the croniter safety net) croniter accepts too.

_VALUES = {
    0: (0, 59, []),
    1: (0, 23, []),
    2: (1, 31, []),
    3: (1, 12, ["jan", "FEB", "Mar", "dec"]),
    4: (0, 6, ["sun", "MON", "Sat"]),
}


@st.composite
def _atom(draw: st.DrawFn, index: int) -> str:
    lo, hi, names = _VALUES[index]
    value = st.integers(lo, hi).map(str)
    if names:
        value = value | st.sampled_from(names)
    kind = draw(st.sampled_from(["*", "v", "range", "*/", "v/", "range/"]))
    if kind == "*":
        return "*"
    if kind == "*/":
        return f"*/{draw(st.integers(1, 70))}"
    start = draw(st.integers(lo, hi))
    if kind.startswith("v"):
        text = draw(value) if not kind.endswith("/") else str(start)
    else:
        text = f"{start}-{draw(st.integers(start, hi))}"
    if kind.endswith("/"):
        text += f"/{draw(st.integers(1, 70))}"
    return text


@st.composite
def _expression(draw: st.DrawFn) -> str:
    fields = []
    for index in range(5):
        if index in (2, 4) and draw(st.booleans()) and draw(st.booleans()):
            fields.append("?")
            continue
        atoms = draw(st.lists(_atom(index), min_size=1, max_size=3))
        fields.append(",".join(atoms))
    return " ".join(fields)


@settings(max_examples=examples(300), deadline=None)
@given(_expression())
def test_grammar_is_a_subset_of_croniter(expr: str) -> None:
    schedule, problem = analyse(expr)
    assert problem is None or problem.kind is K.NEVER_FIRES
    if problem is None:
        assert croniter_accepts(expr), expr
        assert check_cron(expr) is None
    else:
        assert schedule is not None


# --------------------------------------------------------------------------------------------------
# Fire times: compared with a straight port of robfig's parser and matcher.


def _robfig_range(expr: str, lo: int, hi: int, names: dict[str, int]) -> tuple[set[int], bool]:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    star = False
    if low_and_high[0] in ("*", "?"):
        start, end, star = lo, hi, True
    else:
        start = names.get(low_and_high[0].lower())
        start = int(low_and_high[0]) if start is None else start
        end = start
        if len(low_and_high) == 2:
            end = names.get(low_and_high[1].lower())
            end = int(low_and_high[1]) if end is None else end
    step = 1
    if len(range_and_step) == 2:
        step = int(range_and_step[1])
        if single:
            end = hi
        if step > 1:
            star = False
    return set(range(start, end + 1, step)), star


def _robfig(expr: str) -> tuple[list[set[int]], bool, bool]:
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    month_names = {n: i + 1 for i, n in enumerate(months)}
    day_names = {n: i for i, n in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
    bounds = [(0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, month_names), (0, 6, day_names)]
    sets: list[set[int]] = []
    stars: list[bool] = []
    for text, (lo, hi, names) in zip(expr.split(), bounds, strict=True):
        values: set[int] = set()
        star = False
        for part in text.split(","):
            part_values, part_star = _robfig_range(part, lo, hi, names)
            values |= part_values
            star = star or part_star
        sets.append(values)
        stars.append(star)
    return sets, stars[2], stars[4]


def _brute_force(expr: str, start: datetime, count: int) -> list[datetime]:
    (minutes, hours, doms, months, dows), dom_star, dow_star = _robfig(expr)
    found: list[datetime] = []
    day = start.date()
    while len(found) < count and day < start.date() + timedelta(days=366 * 5):
        dom_ok, dow_ok = day.day in doms, day.isoweekday() % 7 in dows
        day_ok = (dom_ok and dow_ok) if (dom_star or dow_star) else (dom_ok or dow_ok)
        if day.month in months and day_ok:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                    if moment > start and len(found) < count:
                        found.append(moment)
        day += timedelta(days=1)
    return found


@settings(max_examples=examples(150), deadline=None)
@given(_expression(), st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)))
def test_fire_times_follow_robfig_semantics(expr: str, start: datetime) -> None:
    start = start.replace(second=0, microsecond=0, tzinfo=UTC)
    assert fire_times(expr, start, 5) == _brute_force(expr, start, 5)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("*/20 * * * *", ["2026-01-01T00:20", "2026-01-01T00:40", "2026-01-01T01:00"]),
        # croniter alone would fire every minute
        ("0-0 * * * *", ["2026-01-01T01:00", "2026-01-01T02:00", "2026-01-01T03:00"]),
        ("5-5 10 * * *", ["2026-01-01T10:05", "2026-01-02T10:05", "2026-01-03T10:05"]),
        ("@weekly", ["2026-01-04T00:00", "2026-01-11T00:00", "2026-01-18T00:00"]),  # Sundays
        ("@monthly", ["2026-02-01T00:00", "2026-03-01T00:00", "2026-04-01T00:00"]),
        ("@yearly", ["2027-01-01T00:00", "2028-01-01T00:00", "2029-01-01T00:00"]),
        ("@hourly", ["2026-01-01T01:00", "2026-01-01T02:00", "2026-01-01T03:00"]),
        ("0 0 29 2 *", ["2028-02-29T00:00", "2032-02-29T00:00", "2036-02-29T00:00"]),
        ("0 0 30 2 1", ["2026-02-02T00:00", "2026-02-09T00:00", "2026-02-16T00:00"]),  # OR: Mondays in Feb
        # OR: the 1st, 11th, 21st, 31st or a Monday
        ("0 0 */10 * 1", ["2026-01-05T00:00", "2026-01-11T00:00", "2026-01-12T00:00"]),
        ("0 0 1 * */1", ["2026-02-01T00:00", "2026-03-01T00:00", "2026-04-01T00:00"]),  # */1 is a star: AND
    ],
)
def test_fire_times(expr: str, expected: list[str]) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert fire_times(expr, start, 3) == [datetime.fromisoformat(t).replace(tzinfo=UTC) for t in expected]


def test_fire_times_start_handling() -> None:
    naive = fire_times("0 * * * *", datetime(2026, 1, 1, 12, 0), 1)
    assert naive == [datetime(2026, 1, 1, 13, 0, tzinfo=UTC)]  # strictly after, naive = UTC
    paris = datetime(2026, 1, 1, 12, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 11:30 UTC
    assert fire_times("0 * * * *", paris, 1) == [datetime(2026, 1, 1, 12, 0, tzinfo=UTC)]
    assert fire_times("0 * * * *", paris, 0) == []
    assert fire_times("0 0 31 2 *", paris, 3) == []
    for moment in fire_times("@daily", paris, 2):
        assert moment.tzinfo is UTC


@pytest.mark.parametrize("expr", ["daily", "@every 5m", "61 * * * *", "TZ=UTC 0 * * * *"])
def test_fire_times_refuses_invalid(expr: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        fire_times(expr, datetime(2026, 1, 1), 3)


# --------------------------------------------------------------------------------------------------
# min_interval


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("* * * * *", timedelta(minutes=1)),
        ("*/5 * * * *", timedelta(minutes=5)),
        ("*/7 * * * *", timedelta(minutes=4)),  # 56 -> 0 of the next hour
        ("0,1 * * * *", timedelta(minutes=1)),
        ("0,30 23 * * *", timedelta(minutes=30)),
        ("0 0,23 * * *", timedelta(hours=1)),  # 23:00 -> 00:00 the next day
        ("0 9,17 * * *", timedelta(hours=8)),
        ("59 23 * * *", timedelta(days=1)),
        ("0 9 * * 1-5", timedelta(days=1)),
        ("0 9 * * 1", timedelta(days=7)),
        ("0 9 * * 1,3", timedelta(days=2)),
        ("0 0 1,15 * *", timedelta(days=14)),
        ("0 0 1,28 * *", timedelta(days=1)),  # Feb 28 -> Mar 1 in a common year
        ("0 0 1,29 * *", timedelta(days=1)),  # Feb 29 -> Mar 1 in a leap year
        ("0 0 29 2 *", timedelta(days=1461)),
        ("0 0 31 * *", timedelta(days=31)),  # Jul 31 -> Aug 31
        ("0 6 1 1,7 *", timedelta(days=181)),  # Jan 1 -> Jul 1 in a common year
        ("0 0 13 * 5", timedelta(days=1)),  # the 13th or a Friday: Friday the 12th -> Saturday the 13th
        ("0 0 13 * 5-6", timedelta(days=1)),
        ("0 0 * 2 1", timedelta(days=7)),  # Mondays in February: Feb 26 -> Mar 4 is not February's
        ("@hourly", timedelta(hours=1)),
        ("@daily", timedelta(days=1)),
        ("@midnight", timedelta(days=1)),
        ("@weekly", timedelta(days=7)),
        ("@monthly", timedelta(days=28)),
        ("@yearly", timedelta(days=365)),
        ("@annually", timedelta(days=365)),
    ],
)
def test_min_interval(expr: str, expected: timedelta) -> None:
    assert min_interval(expr) == expected


@settings(max_examples=examples(100), deadline=None)
@given(_expression())
def test_min_interval_is_a_lower_bound_of_sampled_gaps(expr: str) -> None:
    if analyse(expr)[1] is not None:
        return
    times = fire_times(expr, datetime(2026, 1, 1, tzinfo=UTC), 50)
    gaps = [b - a for a, b in pairwise(times)]
    if gaps:
        assert min_interval(expr) <= min(gaps)


def _day_by_day_gap(schedule: CronSpec) -> int | None:
    """The smallest gap between firing days, day by day over the same 32 years (the slow, plain way)."""
    days = [o for o in range(date(2001, 1, 1).toordinal(), date(2033, 1, 1).toordinal())
            if schedule.fires_on(date.fromordinal(o))]
    return min((b - a for a, b in pairwise(days)), default=None)


@settings(max_examples=examples(200), deadline=None)
@given(_expression())
def test_the_day_gap_month_by_month_equals_the_day_by_day_scan(expr: str) -> None:
    schedule = parse_cron(expr) if analyse(expr)[1] is None else None
    if schedule is None:
        return
    expected = _day_by_day_gap(schedule)
    if expected is None:
        with pytest.raises(ValueError, match="fires at most once"):
            _min_day_gap(schedule)
    else:
        assert _min_day_gap(schedule) == expected


@pytest.mark.parametrize("expr", ["0 0 31 2 *", "daily", "0 0 * * * *"])
def test_min_interval_refuses(expr: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        min_interval(expr)


def test_croniter_quirks_this_module_works_around() -> None:
    """Documents croniter 7.0.0 behaviour that differs from robfig (what the scheduler runs)."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # "0-0" is read as "*": every minute instead of minute 0.
    assert croniter("0-0 * * * *", start).get_next(datetime) == datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
    # "*/1" in day-of-week is not a star for croniter: it ORs with day-of-month 30.
    assert croniter("0 0 30 2 */1", start).get_next(datetime).date() == date(2026, 2, 1)
    with pytest.raises(CroniterBadDateError):
        croniter("0 0 30 2 *", start).get_next(datetime)


@pytest.mark.parametrize("separator", ["\x1c", "\x1d", "\x1e", "\x1f"])
def test_only_gos_white_space_separates_fields(separator: str) -> None:
    """Python splits on U+001C-U+001F, Go's strings.Fields (robfig) does not: the scheduler reads one field."""
    expr = separator.join(["0", "3", "*", "*", "*"])
    schedule, problem = analyse(expr)
    assert schedule is None and problem is not None and problem.kind is K.SYNTAX
    assert problem.message == f'cron expression "{expr}" has 1 field; the Flyte scheduler needs exactly 5 ' \
        "(minute hour day-of-month month day-of-week)"
    assert analyse("0\v3\u3000*\xa0*\u2028*") == analyse("0 3 * * *")  # Go's white space does separate them
