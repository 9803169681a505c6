"""Cron expressions: accept what both flytekit and the Flyte scheduler accept, nothing else.

Two parsers decide whether a schedule works:

* flytekit (``CronSchedule._validate_schedule``) accepts a case-insensitive alias (``daily``,
  ``@hourly``, ...) or anything croniter can iterate (5, 6 or 7 fields, ``L``, ``W``, ``#``,
  ``H``, ``R``, day-of-week 7, wrap-around ranges such as ``5-1``).
* FlyteAdmin and its native scheduler use robfig/cron v3 ``ParseStandard`` (via the
  ``unionai/cron/v3`` fork, same grammar): exactly 5 fields, ``*``, ``?``, ``a-b``, ``*/n``,
  ``a/n``, ``a-b/n``, comma lists, month and day names, the descriptors
  ``@yearly @annually @monthly @weekly @daily @midnight @hourly`` and ``@every <duration>``, and a
  ``TZ=``/``CRON_TZ=`` prefix. The scheduler also fails on an expression without a next fire time.

:func:`check_cron` accepts the intersection. This module's parser is the only one: it builds
robfig's bit sets (:class:`lpctl.schedule.robfig.CronSpec`), which both the checks here and the
fire-time preview (robfig's ``Next``) read, so they cannot disagree. croniter is used only to
mirror flytekit's own check.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import Enum
from itertools import pairwise

from lpctl.schedule.robfig import STAR_BIT, CronSpec, next_fire, values

__all__ = [
    "CronProblem", "CronProblemKind", "check_cron", "fire_times", "min_interval", "only_february_29", "parse_cron",
    "split_zone",
]


class CronProblemKind(Enum):
    SYNTAX = "syntax"
    """Refused by the Flyte scheduler (and usually by flytekit too)."""
    ALIAS_WITHOUT_AT = "alias-without-at"
    """flytekit's ``daily``, ``hours``, ...: accepted by flytekit, refused by FlyteAdmin."""
    NEVER_FIRES = "never-fires"
    """Parses, but has no fire time (``0 0 31 2 *``)."""
    ADMIN_ONLY = "admin-only"
    """``@every 5m``, ``TZ=...``: accepted by FlyteAdmin, refused by flytekit."""


@dataclass(frozen=True)
class CronProblem:
    kind: CronProblemKind
    message: str
    hint: str | None = None


# robfig matches descriptors exactly as written (a Go ``switch`` on the string), so ``@Daily`` and
# `` @daily`` are refused by FlyteAdmin even though flytekit lower-cases them. We therefore accept
# only these exact, lower-case spellings; other spellings get a SYNTAX problem with the fix as hint.
DESCRIPTORS: Mapping[str, str] = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}

# flytekit's _VALID_CRON_ALIASES without '@' (compared case-insensitively by flytekit).
_BARE_ALIASES: Mapping[str, str] = {
    "hourly": "@hourly",
    "hours": "@hourly",
    "daily": "@daily",
    "days": "@daily",
    "weekly": "@weekly",
    "weeks": "@weekly",
    "monthly": "@monthly",
    "months": "@monthly",
    "yearly": "@yearly",
    "years": "@yearly",
    "annually": "@annually",
}

_FIELDS_TEXT = "minute hour day-of-month month day-of-week"

_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES: Mapping[str, int] = {name: i + 1 for i, name in enumerate(_MONTH_ABBREVIATIONS)}
_DAY_NAMES: Mapping[str, int] = {
    name: i for i, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))
}
_MONTH_FULL = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  # February 29 exists in leap years
_COMMON_YEAR_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

_NUMBER = re.compile(r"[0-9]+")
# Go's time.ParseDuration grammar, as used by robfig's "@every <duration>".
_GO_DURATION = re.compile(
    r"[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)"
)
_INT64_MAX = 2**63 - 1
_LAST_YEAR = 9993


@dataclass(frozen=True)
class _Field:
    name: str
    lo: int
    hi: int
    names: Mapping[str, int] | None = None
    names_text: str = ""


_MINUTE = _Field("minute", 0, 59)
_HOUR = _Field("hour", 0, 23)
_DOM = _Field("day-of-month", 1, 31)
_MONTH = _Field("month", 1, 12, _MONTH_NAMES, "a month name (jan-dec)")
_DOW = _Field("day-of-week", 0, 6, _DAY_NAMES, "a day name (sun-sat)")
_ALL_FIELDS = (_MINUTE, _HOUR, _DOM, _MONTH, _DOW)


class _SyntaxError(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


_SPECIAL_HINTS: Mapping[str, str] = {
    "L": "'L' (last day) has no equivalent in the Flyte scheduler; list the days explicitly",
    "W": "'W' (nearest weekday) has no equivalent in the Flyte scheduler; list the days explicitly",
    "#": "'#' (n-th weekday of the month, as in 'MON#1') has no equivalent in the Flyte scheduler",
    "H": "'H' (a hashed value) is a croniter/Jenkins extension; write a fixed value",
    "R": "'R' (a random value) is a croniter extension; write a fixed value",
}


def _special_of(token: str) -> str | None:
    """Which croniter/Quartz extension an unparseable token uses, if any."""
    upper = token.upper()
    if "#" in upper:
        return "#"
    if upper.startswith("H"):
        return "H"
    if upper == "R":
        return "R"
    if upper in ("L", "LW") or re.fullmatch(r"[0-9]*L", upper):
        return "L"
    if re.fullmatch(r"[0-9]+W", upper):
        return "W"
    return None


def _unsupported(special: str) -> _SyntaxError:
    return _SyntaxError(f"'{special}' is not supported by the Flyte scheduler", _SPECIAL_HINTS[special])


def _out_of_range(field: _Field, value: int) -> _SyntaxError:
    message = f"{field.name} {value} is out of range {field.lo}-{field.hi}"
    if field is _DOW and value == 7:
        message += " (use 0 for Sunday)"
    return _SyntaxError(message)


def _value(token: str, field: _Field, element: str) -> int:
    if _NUMBER.fullmatch(token):
        value = int(token)
        if value < field.lo or value > field.hi:
            raise _out_of_range(field, value)
        return value
    if field.names is not None and token.lower() in field.names:
        return field.names[token.lower()]
    special = _special_of(token)
    if special is not None:
        raise _unsupported(special)
    if token == "*":
        raise _SyntaxError(f'{field.name} "{element}": "*" cannot be part of a range')
    if token == "":
        raise _SyntaxError(f'{field.name} "{element}" is missing a number')
    if field.names is None:
        raise _SyntaxError(f'{field.name} "{token}" is not a number')
    hint = None
    if token[:3].lower() in field.names:
        hint = f"write '{token[:3].lower()}'"
    raise _SyntaxError(
        f'{field.name} "{token}" is neither a number ({field.lo}-{field.hi}) nor {field.names_text}', hint
    )


def _span(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


def _parse_step(step_text: str, field: _Field, element: str) -> int:
    if not _NUMBER.fullmatch(step_text):
        special = _special_of(step_text)
        if special is not None:
            raise _unsupported(special)
        raise _SyntaxError(f'{field.name} "{element}": the step "{step_text}" is not a number')
    step = int(step_text)
    if step == 0:
        raise _SyntaxError(f'{field.name} "{element}": the step must be at least 1')
    if step > _INT64_MAX:
        raise _SyntaxError(f'{field.name} "{element}": the step {step} is too large')
    return step


def _parse_bounds(base: str, field: _Field, element: str) -> tuple[int, int]:
    bounds = base.split("-")
    if len(bounds) > 2:
        raise _SyntaxError(f'{field.name} "{element}" has more than one "-"')
    if len(bounds) == 2 and bounds[0] == "" and _NUMBER.fullmatch(bounds[1]):
        raise _SyntaxError(f'{field.name} "{element}": negative numbers are not allowed')
    start = _value(bounds[0], field, element)
    end = _value(bounds[1], field, element) if len(bounds) == 2 else start
    if start > end:
        raise _SyntaxError(
            f"{field.name} range {bounds[0]}-{bounds[1]} runs backwards; "
            "the Flyte scheduler does not wrap ranges around",
            f"split it: '{_span(start, field.hi)},{_span(field.lo, end)}'",
        )
    return start, end


def _parse_element(element: str, field: _Field) -> tuple[set[int], bool]:
    """One comma-separated element: ``*``, ``v``, ``a-b``, each optionally followed by ``/step``."""
    if "#" in element:
        raise _unsupported("#")
    base, slash, step_text = element.partition("/")
    if "/" in step_text:
        raise _SyntaxError(f'{field.name} "{element}" has more than one "/"')
    star = base == "*"
    start, end = (field.lo, field.hi) if star else _parse_bounds(base, field, element)
    step = 1
    if slash:
        step = _parse_step(step_text, field, element)
        if not star and "-" not in base:
            end = field.hi  # robfig: "N/step" means "N-max/step"
        if step > 1:
            star = False  # robfig clears the star bit for "*/n" with n > 1
    return set(range(start, end + 1, step)), star


def _parse_field(text: str, field: _Field) -> tuple[frozenset[int], bool]:
    if text == "?":
        if field in (_DOM, _DOW):
            return frozenset(range(field.lo, field.hi + 1)), True
        raise _SyntaxError(f"'?' is only allowed in day-of-month and day-of-week, not in {field.name}")
    if "?" in text:
        raise _SyntaxError(f"{field.name} \"{text}\": '?' must stand alone")
    values: set[int] = set()
    star = False
    for element in text.split(","):
        if element == "":
            raise _SyntaxError(f'{field.name} "{text}" has an empty list element')
        element_values, element_star = _parse_element(element, field)
        values |= element_values
        star = star or element_star
    return frozenset(values), star


#: robfig splits with Go's ``strings.Fields`` (``unicode.IsSpace``): Python's whitespace but U+001C-U+001F
_GO_SPACE = re.compile(r"[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def _parse_fields(expr: str) -> CronSpec:
    fields = [f for f in _GO_SPACE.split(expr) if f]
    if len(fields) != 5:
        count = len(fields)
        noun = "field" if count == 1 else "fields"
        hint = None
        if count > 5:
            hint = "the Flyte scheduler has no seconds or year field; remove the extra fields"
        raise _SyntaxError(
            f'cron expression "{expr}" has {count} {noun}; '
            f"the Flyte scheduler needs exactly 5 ({_FIELDS_TEXT})",
            hint,
        )
    bits = [_bits(*_parse_field(text, field)) for text, field in zip(fields, _ALL_FIELDS, strict=True)]
    return CronSpec(minute=bits[0], hour=bits[1], dom=bits[2], month=bits[3], dow=bits[4])


def _bits(field_values: frozenset[int], star: bool) -> int:
    """robfig's bit set of a field, with its star bit."""
    return sum(1 << v for v in field_values) | (STAR_BIT if star else 0)


def _join(words: list[str], conjunction: str) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


def _never_fires_reason(schedule: CronSpec) -> str | None:
    """Why robfig's scheduler would find no next time, or None if it fires.

    robfig ANDs day-of-month and day-of-week when either is a star, and ORs them otherwise. Every
    weekday occurs in every month, so only "day-of-week is a star and no allowed month has an
    allowed day of the month" can fail (February 29 counts: it occurs within robfig's 5-year search).
    """
    if schedule.dom & STAR_BIT or not schedule.dow & STAR_BIT:
        return None
    month_list, dom_list = values(schedule.month, 1, 12), values(schedule.dom, 1, 31)
    if any(d <= _MAX_DAYS[m - 1] for m in month_list for d in dom_list):
        return None
    months = [_MONTH_FULL[m - 1] for m in month_list]
    days = [str(d) for d in dom_list]
    verb = "has" if len(months) == 1 else "have"
    return f"{_join(months, 'and')} {verb} no day {_join(days, 'or')}"


@functools.lru_cache(maxsize=4096)
def only_february_29(expr: str) -> bool:
    """The schedule fires on February 29 and on no other day: once every four years."""
    schedule, problem = analyse(expr)
    if schedule is None or problem is not None:
        return False
    if schedule.dom & STAR_BIT or not schedule.dow & STAR_BIT:
        return False  # every day of a month, or ORed with a weekday: fires every year
    days = [(m, d) for m in values(schedule.month, 1, 12) for d in values(schedule.dom, 1, 31)]
    return (2, 29) in days and all(d > _COMMON_YEAR_DAYS[m - 1] for m, d in days)


def analyse(expr: str) -> tuple[CronSpec | None, CronProblem | None]:
    """Parse with the scheduler's grammar. Returns (schedule, None), (None, problem) or, for a
    never-firing expression, (schedule, problem)."""
    stripped = expr.strip()
    if not stripped:
        return None, CronProblem(CronProblemKind.SYNTAX, "cron expression is empty")
    if expr.startswith(("TZ=", "CRON_TZ=")):
        prefix = expr.split()[0]
        return None, CronProblem(
            CronProblemKind.ADMIN_ONLY,
            f'cron expression "{expr}": the time zone prefix "{prefix}" is accepted by FlyteAdmin '
            "but refused by flytekit",
            f'write "timezone: {prefix.split("=", 1)[1]}" under schedule and remove "{prefix}" from the cron '
            "expression",
        )
    if stripped.startswith("@"):
        return _analyse_descriptor(expr, stripped)
    if stripped.lower() in _BARE_ALIASES or stripped.lower() == "midnight":
        fix = _BARE_ALIASES.get(stripped.lower(), "@midnight")
        kind = CronProblemKind.SYNTAX
        message = f'"{stripped}" is not a cron expression'
        if expr.lower() in _BARE_ALIASES:
            kind = CronProblemKind.ALIAS_WITHOUT_AT
            message = f'"{expr}" is accepted by flytekit but refused by FlyteAdmin, which needs the "@" form'
        return None, CronProblem(kind, message, f"write '{fix}'")
    try:
        schedule = _parse_fields(expr)
    except _SyntaxError as error:
        return None, CronProblem(CronProblemKind.SYNTAX, error.message, error.hint)
    reason = _never_fires_reason(schedule)
    if reason is not None:
        return schedule, CronProblem(
            CronProblemKind.NEVER_FIRES,
            f'cron expression "{expr}" never fires: {reason}',
            "the Flyte scheduler fails on a schedule without a next fire time; pick days that exist",
        )
    return schedule, None


def _analyse_descriptor(expr: str, stripped: str) -> tuple[CronSpec | None, CronProblem | None]:
    if expr in DESCRIPTORS:
        return _parse_fields(DESCRIPTORS[expr]), None
    if expr.startswith("@every "):
        duration = expr[len("@every ") :]
        if not _GO_DURATION.fullmatch(duration):
            return None, CronProblem(
                CronProblemKind.SYNTAX,
                f'"{expr}": "{duration}" is not a duration the Flyte scheduler understands',
                "use a fixed_rate schedule (e.g. 'fixed_rate: 30m') instead of '@every'",
            )
        return None, CronProblem(
            CronProblemKind.ADMIN_ONLY,
            f'"{expr}" is accepted by FlyteAdmin but refused by flytekit',
            f"use 'fixed_rate: {duration}' instead",
        )
    names = " ".join(DESCRIPTORS)
    if stripped in DESCRIPTORS:
        message = f'"{expr}": the Flyte scheduler refuses spaces around a descriptor'
        return None, CronProblem(CronProblemKind.SYNTAX, message, f"write '{stripped}'")
    if stripped.lower() in DESCRIPTORS:
        message = f'"{stripped}": the Flyte scheduler only knows lower-case descriptors'
        return None, CronProblem(CronProblemKind.SYNTAX, message, f"write '{stripped.lower()}'")
    return None, CronProblem(
        CronProblemKind.SYNTAX,
        f'"{stripped}" is not a descriptor the Flyte scheduler knows',
        f"use one of {names}, or 5 fields ({_FIELDS_TEXT})",
    )


def _croniter_problem(expr: str) -> CronProblem | None:
    """flytekit's own check: ``croniter(schedule).get_next(datetime)``."""
    from croniter import CroniterBadDateError, croniter

    try:
        croniter(expr).get_next(datetime)
    except CroniterBadDateError:
        return CronProblem(
            CronProblemKind.NEVER_FIRES,
            f'cron expression "{expr}" never fires: croniter (flytekit\'s check) finds no next date',
            "pick days that exist",
        )
    except Exception as error:  # croniter raises a zoo of exception types
        return CronProblem(
            CronProblemKind.SYNTAX,
            f'cron expression "{expr}" is refused by croniter, '
            f"which flytekit uses to check schedules: {error}",
        )
    return None


@functools.lru_cache(maxsize=4096)  # a monorepo repeats its schedules; the result is immutable
def check_cron(expr: str) -> CronProblem | None:
    """The first reason ``expr`` would fail in flytekit, FlyteAdmin or the Flyte scheduler, or None."""
    _, problem = analyse(expr)
    if problem is not None:
        return problem
    return _croniter_problem(expr)


@functools.lru_cache(maxsize=4096)
def parse_cron(expr: str) -> CronSpec | None:
    """robfig's bit sets of ``expr``, None if it never fires; ValueError if the expression is invalid."""
    schedule, problem = analyse(expr)
    if problem is not None and problem.kind is not CronProblemKind.NEVER_FIRES:
        raise ValueError(problem.message)
    if problem is not None:
        return None
    assert schedule is not None
    return schedule


def fire_times(expr: str, start: datetime, count: int, zone: tzinfo = timezone.utc) -> list[datetime]:
    """The next ``count`` fire times strictly after ``start``, as aware datetimes in ``zone``.

    A naive ``start`` means UTC. The times are the Flyte scheduler's (robfig's ``Next``, see
    :mod:`lpctl.schedule.robfig`), each computed from the previous one as the scheduler does; a
    never-firing expression gives ``[]``. Raises ValueError for an expression :func:`check_cron`
    refuses for any other reason.
    """
    schedule = parse_cron(expr)
    times: list[datetime] = []
    moment: datetime | None = start
    # Python's datetime ends with 9999, and robfig's search looks five years ahead
    while schedule is not None and moment is not None and len(times) < count and moment.year < _LAST_YEAR:
        moment = next_fire(schedule, moment, zone)
        if moment is not None:
            times.append(moment)
    return times


def split_zone(schedule: str) -> tuple[str | None, str]:
    """robfig's ``Parse`` prefix: ``"CRON_TZ=Europe/Berlin 0 2 * * *"`` -> ``("Europe/Berlin", "0 2 * * *")``."""
    if not schedule.startswith(("TZ=", "CRON_TZ=")) or " " not in schedule:
        return None, schedule
    prefix, rest = schedule.split(" ", 1)
    return prefix.split("=", 1)[1], rest.strip()


_GAP_SCAN_YEARS = range(2001, 2033)  # 32 years: covers the 28-year cycle of weekdays and leap days


def _min_day_gap(schedule: CronSpec) -> int:
    """The smallest number of days between two consecutive firing days.

    Month by month, as bit sets of days (bit d: day d fires), so that a monthly or yearly schedule
    costs 384 months, not 11,688 days.
    """
    and_mode = bool((schedule.dom | schedule.dow) & STAR_BIT)  # robfig's dayMatches
    # the days 1..31 of a month that starts on weekday w (0 = Sunday) whose weekday is in dow
    weekly = [sum(1 << d for d in range(1, 32) if schedule.dow >> ((w + d - 1) % 7) & 1) for w in range(7)]
    previous: int | None = None
    best: int | None = None
    for year in _GAP_SCAN_YEARS:
        for month in range(1, 13):
            if not 1 << month & schedule.month:
                continue
            first = date(year, month, 1).toordinal()
            length = (date(year + month // 12, month % 12 + 1, 1).toordinal()) - first
            on_weekday = weekly[first % 7]  # date.fromordinal(1) is a Monday: ordinal % 7 is (isoweekday % 7)
            days = (schedule.dom & on_weekday if and_mode else schedule.dom | on_weekday) & ((2 << length) - 2)
            while days:
                lowest = days & -days
                ordinal = first + lowest.bit_length() - 2
                if previous is not None:
                    gap = ordinal - previous
                    best = gap if best is None else min(best, gap)
                    if best == 1:
                        return 1
                previous = ordinal
                days ^= lowest
    if best is None:
        raise ValueError("the schedule fires at most once")
    return best


@functools.lru_cache(maxsize=4096)
def min_interval(expr: str) -> timedelta:
    """The smallest gap between two consecutive fire times (robfig's semantics).

    ``@hourly`` -> 1 hour, ``*/5 * * * *`` -> 5 minutes, ``0 9 * * 1-5`` -> 1 day (the weekend gap
    is longer, the minimum is what counts). Raises ValueError for an invalid or never-firing
    expression.
    """
    schedule = parse_cron(expr)
    if schedule is None:
        raise ValueError(f'cron expression "{expr}" never fires')
    times = sorted(h * 60 + m for h in values(schedule.hour, 0, 23) for m in values(schedule.minute, 0, 59))
    wrap = 1440 + times[0] - times[-1]  # from the last time of a day to the first of the next day
    within = min((b - a for a, b in pairwise(times)), default=None)
    if within is not None and within <= wrap:
        return timedelta(minutes=within)
    across = (_min_day_gap(schedule) - 1) * 1440 + wrap
    return timedelta(minutes=across if within is None else min(within, across))
