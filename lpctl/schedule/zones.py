"""Time zones for schedules: IANA names, their DST changes, and where a cron schedule meets them.

A cron time inside a spring-forward gap does not exist that day, and the Flyte scheduler skips it;
a cron time inside the repeated hour of a fall-back exists twice, and the scheduler fires at both
(see :mod:`lpctl.schedule.robfig`). :func:`dst_surprises` finds both over the coming year.
Zones come from the system's tz database, else from the ``tzdata`` package (a dependency, so that
slim images without /usr/share/zoneinfo work too).
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from lpctl.schedule.robfig import CronSpec

__all__ = ["DstSurprise", "SurpriseKind", "Transition", "dst_surprises", "load_zone", "suggest_zone", "transitions",
           "wall_surprise"]

#: how far ahead the DST checks look: every yearly change, whatever the date today
HORIZON_DAYS = 400
_ALL_HOURS = (1 << 24) - 1
_EPOCH = datetime(1970, 1, 1)


@functools.lru_cache(maxsize=256)
def load_zone(name: str) -> ZoneInfo | None:
    """The zone named ``name`` (an IANA name such as ``Europe/Berlin``), or None if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # ValueError: not a key (absolute path, "..")
        return None


@functools.lru_cache(maxsize=64)
def suggest_zone(name: str) -> str | None:
    """The known zone ``name`` was probably meant to be (``Europe/Berlim`` -> ``Europe/Berlin``)."""
    known = sorted(available_timezones())
    by_lower = {zone.lower(): zone for zone in known}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    if close:
        return close[0]
    city = {zone.rsplit("/", 1)[-1].lower(): zone for zone in known}
    close = difflib.get_close_matches(name.rsplit("/", 1)[-1].lower(), list(city), n=1, cutoff=0.8)
    return city[close[0]] if close else None


@dataclass(frozen=True)
class Transition:
    """A change of a zone's UTC offset: at ``instant`` (Unix seconds) from ``before`` to ``after``."""

    instant: int
    before: int
    after: int

    def wall(self, offset: int) -> datetime:
        """The wall clock at the change, read with ``offset`` (naive)."""
        return _EPOCH + timedelta(seconds=self.instant + offset)


def _offset(zone: ZoneInfo, instant: int) -> int:
    delta = datetime.fromtimestamp(instant, zone).utcoffset()
    return 0 if delta is None else int(delta.total_seconds())


@functools.lru_cache(maxsize=256)
def transitions(zone_name: str, start: date, days: int = HORIZON_DAYS) -> tuple[Transition, ...]:
    """The offset changes of a zone in ``days`` days from ``start`` (UTC midnight), found by sampling
    every six hours and bisecting to the second."""
    zone = load_zone(zone_name)
    if zone is None:
        return ()
    step = 6 * 3600
    first = int(datetime(start.year, start.month, start.day, tzinfo=timezone.utc).timestamp())
    found = []
    previous = _offset(zone, first)
    for lo in range(first, first + days * 86400, step):
        offset = _offset(zone, lo + step)
        if offset != previous:
            found.append(Transition(_bisect(zone, lo, lo + step, previous), previous, offset))
            previous = offset
    return tuple(found)


def _bisect(zone: ZoneInfo, lo: int, hi: int, before: int) -> int:
    """The first second in (lo, hi] whose offset is no longer ``before``."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(zone, mid) == before:
            lo = mid
        else:
            hi = mid
    return hi


class SurpriseKind(Enum):
    GAP = "gap"
    """the wall time does not exist that day (clocks go forward): the scheduler skips it"""
    REPEAT = "repeat"
    """the wall time happens twice that day (clocks go back): the scheduler fires at both"""


@dataclass(frozen=True)
class DstSurprise:
    kind: SurpriseKind
    #: the affected fire times, as wall clock "HH:MM"
    times: tuple[str, ...]
    #: the wall clock at the change, before and after it ("02:00", "03:00")
    clock_before: str
    clock_after: str
    #: the first day it happens within the horizon
    day: date


@functools.lru_cache(maxsize=4096)  # a monorepo repeats its schedules; the result is immutable
def dst_surprises(spec: CronSpec, zone_name: str, start: date) -> tuple[DstSurprise, ...]:
    """The schedule's fire times that a DST change in the coming year skips or doubles.

    A schedule that fires every hour is left alone: in absolute time it runs on as usual.
    """
    if spec.hour & _ALL_HOURS == _ALL_HOURS:
        return ()
    found: dict[tuple[SurpriseKind, tuple[str, ...], str, str], DstSurprise] = {}
    for change in transitions(zone_name, start):
        surprise = wall_surprise(spec, change)
        if surprise is not None:
            key = (surprise.kind, surprise.times, surprise.clock_before, surprise.clock_after)
            found.setdefault(key, surprise)
    return tuple(found.values())


def wall_surprise(spec: CronSpec, change: Transition) -> DstSurprise | None:
    """The schedule's fire times that ``change`` skips (a gap) or doubles (a repeated hour), if any."""
    kind = SurpriseKind.GAP if change.after > change.before else SurpriseKind.REPEAT
    # the wall times that do not exist (gap) or exist twice (repeat)
    lo, hi = sorted((change.wall(change.before), change.wall(change.after)))
    minute = lo.replace(second=0) + (timedelta(minutes=1) if lo.second else timedelta())
    times = []
    while minute < hi:
        if spec.fires_on(minute.date()) and spec.fires_at(minute.hour, minute.minute):
            times.append(f"{minute:%H:%M}")
        minute += timedelta(minutes=1)
    if not times:
        return None
    before, after = change.wall(change.before), change.wall(change.after)
    return DstSurprise(kind, tuple(times), f"{before:%H:%M}", f"{after:%H:%M}", before.date())
