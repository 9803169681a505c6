"""An independent oracle of scheduler fire times and fire names, for the backfill property tests.

Nothing here calls lpctl. A cron schedule is drawn as five sets of values (and written out as text for the
server); its fire times are found by brute force: every whole UTC minute of the range, read on the wall
clock of the schedule's zone, fires when its month, day, hour and minute are in the sets. So a wall time
that a spring-forward gap skips never fires, and one the fall-back hour repeats fires twice (once per
offset), which is what the Flyte scheduler (robfig/cron v3) does in zones whose clocks move by a whole
hour away from midnight: the zones drawn here. Not elsewhere: after Lord Howe's half-hour fall-back
(2026-04-05 02:00 -> 01:30) robfig steps hours from 01:30 and fires no whole-hour time for the rest of the
day (``CRON_TZ=Australia/Lord_Howe 0 3 * * *`` from 2026-04-03T16:00Z next fires at 2026-04-05T16:30Z,
robfig/cron bc59245 run with go1.19.8), and lpctl, a port of it, agrees with it there, not with this.
Day-of-month and day-of-week are ANDed when either was written ``*`` or ``?`` (a step above 1 does not
count), ORed otherwise, as robfig's ``dayMatches``.
A fixed rate fires at ``anchor + k * period``. Names: Go's FNV-1 (64 bits) as the schedulers hash them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
#: zones whose clocks move by one hour, away from midnight (and one with a half-hour offset and no DST)
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "America/St_Johns", "Asia/Kolkata")
#: instants near which windows are drawn: the 2026 DST changes of those zones, and two ordinary days
ANCHORS = tuple(datetime(*parts, tzinfo=UTC) for parts in (
    (2026, 3, 29, 1), (2026, 10, 25, 1), (2026, 3, 8, 7), (2026, 11, 1, 6), (2026, 4, 4, 16), (2026, 10, 3, 16),
    (2026, 3, 8, 5, 30), (2026, 11, 1, 4, 30), (2026, 6, 15, 12), (2026, 12, 31, 23)))


@dataclass(frozen=True)
class Cron:
    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    doms: frozenset[int]
    months: frozenset[int]
    dows: frozenset[int]
    #: day-of-month or day-of-week written as a star: the two are ANDed
    day_star: bool

    def __repr__(self) -> str:
        return f"Cron({self.text!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis's report of a failing example
        printer.text(repr(self))

    def fires_at(self, wall: datetime) -> bool:
        if wall.minute not in self.minutes or wall.hour not in self.hours or wall.month not in self.months:
            return False
        dom, dow = wall.day in self.doms, wall.isoweekday() % 7 in self.dows
        return dom and dow if self.day_star else dom or dow


def cron_fires(cron: Cron, zone: str, start: datetime, end: datetime) -> list[datetime]:
    """Every fire in ``[start, end)``, as UTC instants, by brute force over the whole minutes."""
    tz = ZoneInfo(zone)
    moment = start.astimezone(UTC).replace(second=0, microsecond=0)
    if moment < start:
        moment += MINUTE
    found = []
    while moment < end:
        if cron.fires_at(moment.astimezone(tz)):
            found.append(moment)
        moment += MINUTE
    return found


def rate_fires(anchor: datetime, every: timedelta, start: datetime, end: datetime) -> list[datetime]:
    """``anchor + k * every`` (k >= 0) in ``[start, end)``."""
    k = max(0, -(-(start - anchor) // every))
    found = []
    while anchor + k * every < end:
        found.append(anchor + k * every)
        k += 1
    return found


def fnv1(text: str) -> int:
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF) ^ byte
    return h


def execution_name(project: str, domain: str, name: str, version: str, moment: datetime) -> str:
    """flyteadmin's scheduler: ``f`` + the hex of FNV-1's little-endian bytes over ``p:d:n:v:<unix>`` + ``000``."""
    digest = fnv1(f"{project}:{domain}:{name}:{version}:{int(moment.timestamp())}")
    return "f" + digest.to_bytes(8, "little").hex() + "000"


def run_name(project: str, domain: str, task: str, name: str, moment: datetime) -> str:
    """The Flyte 2 scheduler: ``r`` + the hex of FNV-1 over ``p:d:task:name:Y:M:D:h:m:s`` (UTC, unpadded)."""
    t = moment.astimezone(UTC)
    return f"r{fnv1(f'{project}:{domain}:{task}:{name}:{t.year}:{t.month}:{t.day}:{t.hour}:{t.minute}:{t.second}'):x}"


# -- strategies ---------------------------------------------------------------------------------------


def _field(draw: Any, options: list[tuple[str, set[int], bool]]) -> tuple[str, frozenset[int], bool]:
    text, values, star = draw(st.sampled_from(options))
    return text, frozenset(values), star


def _values(draw: Any, lo: int, hi: int, most: int) -> tuple[str, set[int]]:
    chosen = sorted(draw(st.sets(st.integers(lo, hi), min_size=1, max_size=most)))
    return ",".join(map(str, chosen)), set(chosen)


@st.composite
def crons(draw: Any) -> Cron:
    """Five-field expressions with at most a few dozen fires a day (backfills create each)."""
    minute, minutes = _values(draw, 0, 59, 2)
    minute_forms = [(minute, minutes, False), ("*/30", {0, 30}, False), ("*/20", {0, 20, 40}, False),
                    ("10-12", {10, 11, 12}, False)]
    hour_text, hours = _values(draw, 0, 23, 3)
    hour_forms = [(hour_text, hours, False), ("*/6", {0, 6, 12, 18}, False), ("1-3", {1, 2, 3}, False),
                  ("2", {2}, False)]
    minute_text, minute_set, _ = _field(draw, minute_forms)
    if len(minute_set) <= 2:  # every hour: up to 48 fires a day
        hour_forms += [("*", set(range(24)), True)] * 2
    hour_field, hour_set, _ = _field(draw, hour_forms)
    every_day = ("*", set(range(1, 32)), True)
    dom_text, dom_set, dom_star = _field(draw, [every_day, every_day, every_day, ("?", set(range(1, 32)), True),
                                                ("*/1", set(range(1, 32)), True), ("*/2", set(range(1, 32, 2)), False),
                                                ("1,15", {1, 15}, False), ("4-9", set(range(4, 10)), False)])
    every_month = ("*", set(range(1, 13)), True)
    month_text, month_set, _ = _field(draw, [every_month, every_month, every_month, ("3,10,11", {3, 10, 11}, False),
                                             ("1-6", set(range(1, 7)), False), ("7-12", set(range(7, 13)), False)])
    every_weekday = ("*", set(range(7)), True)
    dow_text, dow_set, dow_star = _field(draw, [every_weekday, every_weekday, ("1-5", {1, 2, 3, 4, 5}, False),
                                                ("0,6", {0, 6}, False), ("*/2", {0, 2, 4, 6}, False),
                                                ("3", {3}, False)])
    return Cron(f"{minute_text} {hour_field} {dom_text} {month_text} {dow_text}", frozenset(minute_set),
                frozenset(hour_set), frozenset(dom_set), frozenset(month_set), frozenset(dow_set),
                dom_star or dow_star)


@st.composite
def windows(draw: Any) -> tuple[datetime, datetime]:
    """``[start, end)`` of an hour to three days near a DST change (or an ordinary day), on a whole minute or
    not."""
    anchor = draw(st.sampled_from(ANCHORS))
    # drawn from a few spans and then nudged: Hypothesis favours small integers, and most windows would be an hour
    offset = draw(st.sampled_from((-2 * 24 * 60, -24 * 60, -12 * 60, -90, 0, 30, 12 * 60))) + draw(st.integers(0, 59))
    start = anchor + timedelta(minutes=offset, seconds=draw(st.sampled_from((0, 30))))
    length = draw(st.sampled_from((60, 6 * 60, 24 * 60, 2 * 24 * 60, 3 * 24 * 60))) + draw(st.integers(0, 59))
    length = timedelta(minutes=length, seconds=draw(st.sampled_from((0, 15))))
    return start, start + length

