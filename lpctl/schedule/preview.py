"""``lpctl schedule``: the next fire times of each scheduled launch plan, as the Flyte scheduler fires them.

Reads the rendered messages (``cronSchedule.schedule``, with its ``CRON_TZ=`` prefix, or ``rate``),
so what is previewed is exactly what would be registered. Fire times come from the port of the
scheduler's own algorithm (:mod:`lpctl.schedule.robfig`), each computed from the previous one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo
from typing import Any

from flyteidl.admin import schedule_pb2

from lpctl.schedule.cron import fire_times, parse_cron, split_zone
from lpctl.schedule.robfig import CronSpec, next_fire
from lpctl.schedule.zones import SurpriseKind, load_zone, transitions, wall_surprise

__all__ = ["FireTime", "PlanPreview", "format_json", "format_text", "moment_text", "parse_after", "preview",
           "preview_triggers", "window"]

UTC_NAME = "UTC"
#: a Flyte 2 cron without a timezone fires in the backend's local zone (flyteorg/flyte runs/schedule)
_SERVER_LOCAL = "the server's local time"
_FIRST_YEAR, _LAST_YEAR = 1900, 9000
_RATE_UNITS = {schedule_pb2.MINUTE: "m", schedule_pb2.HOUR: "h", schedule_pb2.DAY: "d"}
#: flyteidl2.task.FixedRateUnit MINUTE, HOUR, DAY (flyte-sdk always sends MINUTE)
_TRIGGER_RATE_MINUTES = {1: 1, 2: 60, 3: 24 * 60}


@dataclass(frozen=True)
class FireTime:
    #: an aware datetime in the schedule's zone
    moment: datetime
    #: its wall time happens twice that day (DST fall-back): the scheduler fires at both
    repeated: bool = False


@dataclass(frozen=True)
class PlanPreview:
    project: str
    domain: str
    name: str
    #: the cron expression without its CRON_TZ= prefix, or the fixed rate ("6h")
    schedule: str
    #: the IANA zone of a cron schedule (UTC without one); None for a fixed rate
    timezone: str | None
    fire_times: tuple[FireTime, ...] = ()
    #: wall times (naive) the schedule names but that do not exist (DST spring-forward): skipped
    skipped: tuple[datetime, ...] = ()

    @property
    def fixed_rate(self) -> bool:
        return self.timezone is None

    #: what a fixed rate counts from when it has no fire times to show
    counted_from: str = "the launch plan is activated"
    #: a Flyte 2 trigger whose spec names its project and domain: (project, domain)
    place: tuple[str, str] | None = None

    @property
    def identity(self) -> str:
        # a Flyte 2 trigger's schedule is shown as <taskName>/<trigger name>, after its project and domain
        # when its spec names them
        if self.domain:
            return f"{self.project}/{self.domain}/{self.name}"
        return "/".join((*(self.place or ()), self.project, self.name))


def parse_after(text: str, option: str = "--after") -> datetime:
    """``--after``: ISO 8601 (``2026-03-28``, ``2026-03-28T01:30``, ``...Z``, ``...+02:00``); naive is UTC.

    Raises ValueError with a message for the user.
    """
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not an ISO 8601 date or time, such as 2026-03-28 or "
                         "2026-03-28T01:30:00+01:00") from None
    if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
        raise ValueError(f"{option} {text!r} is outside the years {_FIRST_YEAR}-{_LAST_YEAR}")
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def preview(launch_plans: Sequence[Any], after: datetime, count: int) -> list[PlanPreview]:
    """The next ``count`` fire times strictly after ``after`` of each scheduled launch plan.

    ``launch_plans`` are ``flyteidl.admin.LaunchPlan`` messages; those without a schedule are left out.
    """
    found = []
    for lp in launch_plans:
        schedule = lp.spec.entity_metadata.schedule
        kind = schedule.WhichOneof("ScheduleExpression")
        ident = (lp.id.project, lp.id.domain, lp.id.name)
        if kind == "cron_schedule":
            found.append(_cron_preview(*ident, schedule.cron_schedule.schedule, after, count))
        elif kind == "rate":
            rate = f"{schedule.rate.value}{_RATE_UNITS.get(schedule.rate.unit, '?')}"
            found.append(PlanPreview(*ident, schedule=rate, timezone=None))
    return found


def _cron_preview(project: str, domain: str, name: str, text: str, after: datetime, count: int) -> PlanPreview:
    zone_name, expr = split_zone(text)
    zone_name = zone_name or UTC_NAME
    zone = load_zone(zone_name)
    spec = parse_cron(expr)
    if zone is None or spec is None:  # validate refuses both; a bundle written by hand may have them
        return PlanPreview(project, domain, name, expr, zone_name)
    times = tuple(FireTime(t, _is_repeated(t)) for t in fire_times(expr, after, count, zone))
    end = times[-1].moment if times else after
    return PlanPreview(project, domain, name, expr, zone_name, times, _skipped(spec, zone_name, zone, after, end))


class TooManyFires(ValueError):
    """A window with more fire times than the caller's bound: too wide to answer, not a schedule's fault."""


def window(project: str, domain: str, name: str, text: str, start: datetime, end: datetime,
           limit: int) -> PlanPreview:
    """The fire times in ``[start, end)`` of a cron schedule (``cronSchedule.schedule``, with its ``CRON_TZ=``
    prefix), each computed from the previous one as the scheduler does, and the DST-skipped wall times there.

    Raises TooManyFires (a ValueError) when the window holds more than ``limit`` fire times, ValueError when
    the schedule cannot be read.
    """
    zone_name, expr = split_zone(text)
    zone_name = zone_name or UTC_NAME
    zone, spec = load_zone(zone_name), parse_cron(expr)
    if zone is None or spec is None:
        raise ValueError(f"the Flyte scheduler cannot run the schedule {text!r}")
    times: list[FireTime] = []
    moment = next_fire(spec, datetime.fromtimestamp(math.ceil(start.timestamp()) - 1, timezone.utc), zone)
    while moment is not None and moment < end:
        if len(times) == limit:
            raise TooManyFires(f"more than {limit:,} fire times")
        times.append(FireTime(moment, _is_repeated(moment)))
        moment = next_fire(spec, moment, zone)
    skipped = _skipped(spec, zone_name, zone, start, end)
    return PlanPreview(project, domain, name, expr, zone_name, tuple(times), skipped)


def preview_triggers(triggers: Sequence[Any], after: datetime, count: int) -> list[PlanPreview]:
    """The next ``count`` fire times strictly after ``after`` of each scheduled Flyte 2 trigger.

    ``triggers`` are ``(task name, flyteidl2.task.TaskTrigger)`` pairs, or triples with the (project, domain)
    the spec names (None: it names none); on-demand ones are left out. A cron
    fires as the Flyte 2 backend parses it (flyteorg/flyte ``runs/schedule/cron.go``):
    ``CRON_TZ=<timezone> <expression>`` through the same robfig parser. ``project`` holds the task name and
    ``domain`` is empty (see ``identity``).
    """
    from dataclasses import replace

    found = []
    for task, trigger, *place in triggers:
        schedule = trigger.automation_spec.schedule
        kind = schedule.WhichOneof("expression") if trigger.automation_spec.HasField("schedule") else None
        if kind == "cron":
            one = _trigger_cron(task, trigger.name, schedule.cron, after, count)
        elif kind == "rate":
            one = _trigger_rate(task, trigger.name, schedule.rate, after, count)
        else:
            continue
        found.append(replace(one, place=place[0]) if place and place[0] else one)
    return found


def _trigger_cron(task: str, name: str, cron: Any, after: datetime, count: int) -> PlanPreview:
    expression = str(cron.expression)
    if expression.startswith("@every"):  # a constant delay: counted from activation, like a fixed rate
        return PlanPreview(task, "", name, expression.removeprefix("@every").strip(), None,
                           counted_from="the trigger is activated")
    if not cron.timezone:  # the backend then uses the server's local zone, which lpctl cannot know
        return PlanPreview(task, "", name, expression, "")
    return _cron_preview(task, "", name, f"CRON_TZ={cron.timezone} {expression}", after, count)


def _trigger_rate(task: str, name: str, rate: Any, after: datetime, count: int) -> PlanPreview:
    """``StartTime`` of the Flyte 2 scheduler: ``start_time`` advanced by whole periods past ``after``."""
    minutes = rate.value * _TRIGGER_RATE_MINUTES.get(rate.unit, 1)
    every = _minutes_text(minutes)
    if not rate.HasField("start_time") or minutes <= 0:
        return PlanPreview(task, "", name, every, None, counted_from="the trigger is activated")
    times = _rate_times(rate.start_time.ToDatetime(timezone.utc), timedelta(minutes=minutes), after, count)
    return PlanPreview(task, "", name, every, None, times, counted_from="the trigger is activated")


def _rate_times(start: datetime, delay: timedelta, after: datetime, count: int) -> tuple[FireTime, ...]:
    times: list[FireTime] = []
    moment = start
    try:
        if moment <= after:  # each ConstantDelaySchedule.Next drops the sub-seconds
            moment = moment.replace(microsecond=0) + delay * ((after - moment) // delay + 1)
        while len(times) < count and moment.year < _LAST_YEAR:
            times.append(FireTime(moment))
            moment = moment.replace(microsecond=0) + delay
    except OverflowError:  # a rate of billions of minutes runs past Python's year 9999
        pass
    return tuple(times)


def _minutes_text(minutes: int) -> str:
    for unit, size in (("d", 24 * 60), ("h", 60)):
        if minutes and minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


def _is_repeated(moment: datetime) -> bool:
    return moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset()


def _skipped(spec: CronSpec, zone_name: str, zone: tzinfo, after: datetime, end: datetime) -> tuple[datetime, ...]:
    """Wall times in a DST gap between ``after`` and ``end`` that the schedule names."""
    start = after.astimezone(timezone.utc).date() - timedelta(days=1)
    days = (end.astimezone(timezone.utc).date() - start).days + 2
    skipped: list[datetime] = []
    for change in transitions(zone_name, start, days):
        surprise = wall_surprise(spec, change)
        if surprise is None or surprise.kind is not SurpriseKind.GAP:
            continue
        moment = datetime.fromtimestamp(change.instant, zone)
        if after < moment < end:
            skipped.extend(datetime.combine(surprise.day, _hhmm(t)) for t in surprise.times)
    return tuple(skipped)


def _hhmm(text: str) -> time:
    return datetime.strptime(text, "%H:%M").time()


# -- output --------------------------------------------------------------------------------------


def format_json(previews: Sequence[PlanPreview], triggers: Sequence[PlanPreview] = ()) -> str:
    """The versioned JSON document (``"version": 1``): launch plans in "launchPlans", Flyte 2 triggers in
    "triggers"."""
    doc = {"version": 1, "launchPlans": [{
        "name": p.name, "project": p.project, "domain": p.domain, "schedule": p.schedule,
        "timezone": p.timezone, "fireTimes": [t.moment.isoformat() for t in p.fire_times],
    } for p in previews], "triggers": [{
        "name": t.name, **(dict(zip(("project", "domain"), t.place, strict=True)) if t.place else {}),
        "task": t.project, "schedule": t.schedule, "timezone": t.timezone,
        "fireTimes": [f.moment.isoformat() for f in t.fire_times],
    } for t in triggers]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def format_text(previews: Sequence[PlanPreview], triggers: Sequence[PlanPreview] = ()) -> list[str]:
    """For people: per launch plan (then trigger) a header, then each time in its zone (with UTC offset) and
    in UTC."""
    if not previews and not triggers:
        return ["no scheduled launch plans"]
    lines: list[str] = []
    for p in (*previews, *triggers):
        lines.extend(_plan_lines(p))
    return lines


def _plan_lines(p: PlanPreview) -> list[str]:
    if p.fixed_rate and not p.fire_times:
        return [f"{p.identity}: every {p.schedule} (fixed rate: counted from when {p.counted_from}, "
                "so there are no fixed times)"]
    rows = _rows(p)
    width = max((len(local) for local, _ in rows), default=0)
    header = f"{p.identity}: " + (f"every {p.schedule} from its start_time (UTC)" if p.fixed_rate
                                  else f"{p.schedule} ({p.timezone or 'the server' + chr(39) + 's local time'})")
    return [header, *(f"  {local:<{width}}  {rest}" for local, rest in rows)]


def _rows(p: PlanPreview) -> list[tuple[str, str]]:
    """The fire times in the order they happen (a repeated hour's 02:00 CEST, 02:30 CEST, then 02:00 CET,
    as in the JSON), each skipped wall time placed before the first fire time after it on the clock (a
    gap's wall times never fall inside a repeated hour)."""
    skipped = sorted(p.skipped)
    rows: list[tuple[str, str]] = []
    for t in sorted(p.fire_times, key=lambda t: t.moment.astimezone(timezone.utc)):
        while skipped and skipped[0] < t.moment.replace(tzinfo=None, fold=0):
            rows.append(_skipped_row(skipped.pop(0)))
        local, utc = moment_text(t.moment)
        rows.append((local, utc + ("  repeated hour (DST): runs twice" if t.repeated else "")))
    rows.extend(_skipped_row(wall) for wall in skipped)
    return rows


def _skipped_row(wall: datetime) -> tuple[str, str]:
    return f"{wall:%Y-%m-%d %H:%M}", "skipped: does not exist (DST gap)"


def moment_text(moment: datetime) -> tuple[str, str]:
    """``("2027-03-26 02:30 +01:00 CET", "2027-03-26 01:30 UTC")``: a fire time in its zone and in UTC."""
    return (f"{moment:%Y-%m-%d %H:%M} {_offset(moment)} {moment.tzname()}",
            f"{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC")


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset() or timedelta(0)
    sign = "-" if delta < timedelta(0) else "+"
    minutes = abs(int(delta.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
