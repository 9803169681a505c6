"""The Flyte scheduler's fire times: robfig/cron v3 ``SpecSchedule.Next``, ported.

FlyteAdmin's native scheduler parses cron with ``github.com/robfig/cron/v3`` (its go.mod replaces it
with the fork ``github.com/unionai/cron/v3`` @ 5790c370e63a317afff98dc9c44c9361d25378ff, whose
``spec.go`` and ``parser.go`` are identical to robfig's). The scheduler computes each fire time from
the previous one with ``SpecSchedule.Next``; this module is that function, step for step, so that a
preview shows what the scheduler will do, including its corners:

* fields are bit sets; the top bit (``STAR_BIT``) remembers a ``*`` or ``?`` (also ``*/1``), and
  day-of-month and day-of-week are ANDed when either has it, ORed otherwise;
* a wall time inside a spring-forward gap does not exist and is skipped that day;
* a wall time inside the repeated hour of a fall-back fires twice, once per offset, because hours
  and minutes are advanced in absolute time (``t.Add``) while days are advanced on the calendar;
* nothing within five years: no fire time.

Go's ``time.Date`` resolves a wall time that does not exist, or exists twice, in its own way (it
looks the offset up at the wall time read as UTC, and again at the result if that fell outside the
zone period it found); :func:`_go_date` reproduces it, because Python's ``fold`` rules differ.
Instants are whole Unix seconds: ``Next`` starts at the next whole second anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo

__all__ = ["STAR_BIT", "CronSpec", "next_fire"]

#: robfig's ``starBit``: set when the field was written ``*`` or ``?`` (without a step above 1)
STAR_BIT = 1 << 63
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_YEAR_LIMIT = 5  # robfig: "If no time is found within five years, return zero."


@dataclass(frozen=True)
class CronSpec:
    """A parsed five-field expression as robfig stores it: one bit set per field (seconds are 0)."""

    minute: int
    hour: int
    dom: int
    month: int
    dow: int

    def day_matches(self, day: date) -> bool:
        """robfig's ``dayMatches``: AND when either day field has the star bit, else OR."""
        dom_match = bool(1 << day.day & self.dom)
        dow_match = bool(1 << (day.isoweekday() % 7) & self.dow)
        if (self.dom | self.dow) & STAR_BIT:
            return dom_match and dow_match
        return dom_match or dow_match

    def fires_on(self, day: date) -> bool:
        """The month and the day both match."""
        return bool(1 << day.month & self.month) and self.day_matches(day)

    def fires_at(self, hour: int, minute: int) -> bool:
        return bool(1 << hour & self.hour and 1 << minute & self.minute)


def values(bits: int, lo: int, hi: int) -> list[int]:
    """The values a field's bit set holds, in order."""
    return [v for v in range(lo, hi + 1) if 1 << v & bits]


@dataclass(frozen=True)
class _Local:
    """The wall-clock reading of an instant in a zone (Go's t.Date(), t.Clock(), t.Weekday())."""

    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int

    @property
    def date(self) -> date:
        return date(self.year, self.month, self.day)


def _local(instant: int, zone: tzinfo) -> _Local:
    moment = datetime.fromtimestamp(instant, zone)
    return _Local(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _offset(instant: int, zone: tzinfo) -> int:
    delta = datetime.fromtimestamp(instant, zone).utcoffset()
    return 0 if delta is None else int(delta.total_seconds())


def _go_date(year: int, month: int, day: int, hour: int, minute: int, second: int, zone: tzinfo) -> int:
    """Go's ``time.Date(year, month, day, hour, min, sec, 0, loc)``, normalising overflowing fields."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    days = date(year, month, 1).toordinal() - _EPOCH_ORDINAL + day - 1
    wall = days * 86400 + hour * 3600 + minute * 60 + second
    # Go looks the offset up at the wall time read as UTC, then at the resulting instant if that
    # falls outside the period it found: both steps are one lookup at ``wall - first offset``.
    return wall - _offset(wall - _offset(wall, zone), zone)


def _add_date(instant: int, zone: tzinfo, *, months: int = 0, days: int = 0) -> int:
    """Go's ``t.AddDate(0, months, days)``: the same wall clock, that many months or days later."""
    t = _local(instant, zone)
    return _go_date(t.year, t.month + months, t.day + days, t.hour, t.minute, t.second, zone)


@dataclass
class _Search:
    """The state of one ``Next`` call: the candidate instant and robfig's ``added`` flag."""

    spec: CronSpec
    zone: tzinfo
    t: int
    added: bool = False

    def local(self) -> _Local:
        return _local(self.t, self.zone)

    def reset(self, instant: int) -> None:
        """The first time a field is incremented, the fields below it start from zero."""
        if not self.added:
            self.added = True
            self.t = instant


def next_fire(spec: CronSpec, after: datetime, zone: tzinfo) -> datetime | None:
    """robfig's ``SpecSchedule.Next``: the first fire time strictly after ``after``, in ``zone``.

    A naive ``after`` means UTC. None when nothing fires within five years (Go's zero time).
    """
    if after.tzinfo is None:
        after = after.replace(tzinfo=timezone.utc)
    start = math.floor(after.timestamp()) + 1  # "the upcoming second"
    search = _Search(spec, zone, start)
    year_limit = search.local().year + _YEAR_LIMIT
    while search.local().year <= year_limit:
        if _month(search) or _day(search) or _hour(search) or _minute(search) or _second(search):
            continue  # robfig's "goto WRAP"
        return datetime.fromtimestamp(search.t, zone)
    return None


def _month(s: _Search) -> bool:
    t = s.local()
    while not 1 << t.month & s.spec.month:
        s.reset(_go_date(t.year, t.month, 1, 0, 0, 0, s.zone))
        s.t = _add_date(s.t, s.zone, months=1)
        t = s.local()
        if t.month == 1:
            return True
    return False


def _day(s: _Search) -> bool:
    t = s.local()
    while not s.spec.day_matches(t.date):
        s.reset(_go_date(t.year, t.month, t.day, 0, 0, 0, s.zone))
        s.t = _add_date(s.t, s.zone, days=1)
        t = s.local()
        # robfig: midnight may not exist (DST); pull the hour back to 0 or push it to the next day
        if t.hour != 0:
            s.t += (24 - t.hour) * 3600 if t.hour > 12 else -t.hour * 3600
            t = s.local()
        if t.day == 1:
            return True
    return False


def _hour(s: _Search) -> bool:
    t = s.local()
    while not 1 << t.hour & s.spec.hour:
        s.reset(_go_date(t.year, t.month, t.day, t.hour, 0, 0, s.zone))
        s.t += 3600
        t = s.local()
        if t.hour == 0:
            return True
    return False


def _minute(s: _Search) -> bool:
    t = s.local()
    while not 1 << t.minute & s.spec.minute:
        s.reset(s.t - s.t % 60)  # Go's t.Truncate(time.Minute) works on absolute time
        s.t += 60
        t = s.local()
        if t.minute == 0:
            return True
    return False


def _second(s: _Search) -> bool:
    """Five-field schedules fire at second 0: step to the next minute (one second at a time when
    a zone transition could change the wall clock's seconds on the way, as robfig steps)."""
    t = s.local()
    while t.second != 0:
        s.added = True
        step = 60 - t.second
        if _offset(s.t, s.zone) != _offset(s.t + step, s.zone):
            step = 1
        s.t += step
        t = s.local()
        if t.second == 0:
            return True
    return False
