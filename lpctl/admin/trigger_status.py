"""``lpctl status`` for Flyte 2 triggers: which fires of the declared triggers have no run (returns values).

For each trigger the specs declare, its state on the server (ListTriggers rows carry ``active``, the
``automation_spec`` and ``status.updated_at``), the fire times its schedule gave in the window and which of
them have no run. As the open-source scheduler (flyteorg/flyte ``runs/scheduler/core``): a cron fires in its
``timezone`` (none: the server's local zone, which lpctl cannot know), a fixed rate with a ``start_time`` at
``start_time + k * period``; an active trigger fires only after ``updated_at`` (the time it was last
activated: re-activating one does not catch up the inactive period), so earlier fires are not expected.

A fire counts as run when a run of that trigger has the name the open-source scheduler gives it
(:func:`lpctl.admin.trigger_fires.run_name`) or a ``run_start_time`` equal to it. Reads per trigger: one paged
``ListRuns`` scoped to the trigger, of runs created since the window began (the filter and order flyte-sdk
uses), and ``GetRunDetails`` only for a run the scheduler created whose name is no fire's name (a backend that
names fires otherwise): list entries carry no ``run_start_time``. Never by an error: CreateRun answers a taken
name with the existing run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from lpctl.admin.client import AdminError, ServerError
from lpctl.admin.fire_text import fire_lines, iso, too_wide, utc_text
from lpctl.admin.fires import unix_seconds
from lpctl.admin.guard import Scope, Strays, in_scope
from lpctl.admin.text import server_text, server_time
from lpctl.admin.trigger_fires import SCHEDULE_TRIGGER, TriggerId, rate_window, run_name
from lpctl.admin.triggers import row_key, row_shown
from lpctl.schedule.preview import FireTime, PlanPreview, TooManyFires, window

__all__ = ["TriggerStatus", "read_trigger_status"]

#: as for launch plans (lpctl.admin.status): database clock skew, and the most fire times per trigger
CLOCK_SKEW = timedelta(hours=1)
MAX_FIRES = 100_000
#: flyteidl2.task.FixedRateUnit MINUTE, HOUR, DAY
_RATE_MINUTES = {1: 1, 2: 60, 3: 24 * 60}
#: a fixed rate longer than a datetime's whole range (years 1-9999) ticks there at its start_time alone, as this
#: one does; a server's rate of 4,294,967,295 days does not fit a timedelta
_LONGEST_RATE = 10_000 * 366 * 24 * 60


@dataclass(frozen=True)
class TriggerStatus:
    trigger: TriggerId
    #: None: not on the server (or deleted)
    active: bool | None
    revision: int = 0
    #: why there are no fire times to check (inactive, a fixed rate without start_time, ...), else None
    reason: str | None = None
    expected: PlanPreview | None = None
    missed: tuple[FireTime, ...] = ()
    #: unix seconds of a fire -> the run that ran it
    ran: dict[int, str] = field(default_factory=dict)
    #: when it was last activated, if inside the window (no fires expected before)
    since: datetime | None = None
    kickoff_arg: str = ""


class Server(Protocol):
    """The calls trigger status makes; ``Flyte2Client`` implements them over Connect."""

    def list_triggers(self, project: str, domain: str, task_name: str, org: str = "") -> Iterable[Any]: ...

    def list_runs(self, trigger: Any, since: datetime) -> Iterable[Any]: ...

    def find_run(self, run_id: Any) -> Any | None: ...


def read_trigger_status(client: Server, triggers: Sequence[TriggerId], start: datetime,
                        end: datetime) -> tuple[tuple[TriggerStatus, ...], tuple[str, ...]]:
    """The status of each trigger in ``[start, end)``, and warnings about the server; a failed read is a
    ServerError (exit 2)."""
    try:
        return _compute(client, triggers, start, end)
    except AdminError as e:
        if e.fatal:
            from lpctl.admin.triggers import read_failure

            raise ServerError(read_failure(e)) from None
        raise ServerError(f"the Flyte 2 server refused to list the triggers or their runs ({e.code}: "
                          f"{e.details})") from None


def _compute(client: Server, triggers: Sequence[TriggerId], start: datetime,
             end: datetime) -> tuple[tuple[TriggerStatus, ...], tuple[str, ...]]:
    tasks: dict[tuple[str, str, str, str], list[TriggerId]] = defaultdict(list)
    for t in triggers:
        tasks[(t.project, t.domain, t.task, t.org)].append(t)
    found: list[TriggerStatus] = []
    strays = Strays()
    for (project, domain, task, org), declared in sorted(tasks.items()):
        listed = in_scope(client.list_triggers(project, domain, task, org), Scope(project, domain, task, org),
                          row_key, "ListTriggers", strays, row_shown)
        rows = {row.id.name.name: row for row in listed}
        for t in sorted(set(declared)):
            expected = _expected(t, rows.get(t.name), start, end)
            found.append(_matched(client, expected, start, strays) if expected.expected is not None else expected)
    return tuple(found), strays.warnings()




def _expected(t: TriggerId, row: Any | None, start: datetime, end: datetime) -> TriggerStatus:
    if row is None:
        return TriggerStatus(t, None, reason="not on the server: the scheduler fires nothing")
    revision = row.id.revision
    if not row.active:
        return TriggerStatus(t, False, revision, "inactive: the scheduler fires nothing")
    automation = row.automation_spec
    schedule = automation.schedule
    kind = schedule.WhichOneof("expression") if automation.HasField("schedule") else None
    since = server_time(row.status.updated_at) if row.status.HasField("updated_at") else None
    first = max(start, min(since, end) + timedelta(microseconds=1)) if since is not None else start
    try:
        expected, why = _fires(t, schedule, kind, first, end)
    except TooManyFires as e:
        raise too_wide(f"trigger {t.project}/{t.domain}/{t.task}/{t.name}", e, first, end) from None
    except ValueError as e:
        expected, why = None, server_text(str(e))
    if expected is None:
        return TriggerStatus(t, True, revision, why)
    return TriggerStatus(t, True, revision, expected=expected, since=since if first > start else None,
                         kickoff_arg=schedule.kickoff_time_input_arg)


def _fires(t: TriggerId, schedule: Any, kind: str | None, start: datetime,
           end: datetime) -> tuple[PlanPreview | None, str]:
    """The fire times in ``[start, end)``, or None and why there are none to check."""
    ident = (f"{t.project}/{t.domain}", t.task, t.name)
    if kind == "cron":
        expression = str(schedule.cron.expression)
        if expression.startswith("@every"):
            return None, (f"constant delay {server_text(expression)}: it counts from when the trigger was "
                          "activated, so its fire times cannot be reconstructed")
        if not schedule.cron.timezone:
            return None, (f"cron {server_text(expression)} has no timezone: it fires in the server's local time "
                          "zone, which lpctl cannot know")
        return window(*ident, f"CRON_TZ={schedule.cron.timezone} {expression}", start, end, MAX_FIRES), ""
    if kind == "rate":
        minutes = schedule.rate.value * _RATE_MINUTES.get(schedule.rate.unit, 0)
        every = f"{minutes}m" if minutes % 60 else f"{minutes // 60}h"
        if minutes <= 0 or not schedule.rate.HasField("start_time"):
            return None, (f"fixed rate every {every} without a start_time: it counts from when the trigger "
                          "was activated, so its fire times cannot be reconstructed")
        anchor = schedule.rate.start_time.ToDatetime(timezone.utc)
        times = rate_window(anchor, timedelta(minutes=min(minutes, _LONGEST_RATE)), start, end, MAX_FIRES)
        return PlanPreview(*ident, schedule=f"every {every} from {anchor:%Y-%m-%d %H:%M:%S} UTC", timezone="UTC",
                           fire_times=times), ""
    if kind == "cron_expression":
        return None, "a deprecated cron_expression without a timezone: it fires in the server's local time zone"
    return None, "no schedule: it runs only when asked to"


def _matched(client: Server, status: TriggerStatus, start: datetime, strays: Strays) -> TriggerStatus:
    assert status.expected is not None
    t = status.trigger
    names = {run_name(t, f.moment): unix_seconds(f.moment) for f in status.expected.fire_times}
    earliest = (status.since or start) - CLOCK_SKEW
    listed = in_scope(client.list_runs(t.message(), earliest), Scope(t.project, t.domain), _run_key,
                      f"ListRuns of trigger {t.task}/{t.name}", strays, _run_shown, lambda r: _of(r, t))
    ran: dict[int, str] = {}
    for run in listed:
        name = run.action.id.run.name
        if name in names:
            ran.setdefault(names[name], name)
        elif run.action.metadata.source == SCHEDULE_TRIGGER:
            seconds = _start_time(client, run.action.id.run)
            if seconds is not None:
                ran.setdefault(seconds, name)
    missed = tuple(f for f in status.expected.fire_times if unix_seconds(f.moment) not in ran)
    kept = {unix_seconds(f.moment) for f in status.expected.fire_times}
    return TriggerStatus(t, True, status.revision, expected=status.expected, missed=missed,
                         ran={s: n for s, n in ran.items() if s in kept}, since=status.since,
                         kickoff_arg=status.kickoff_arg)


def _run_key(run: Any) -> tuple[str, str, str]:
    ident = run.action.id.run
    return ident.project, ident.domain, ""


def _run_shown(run: Any) -> str:
    return server_text(run.action.id.run.name, 200)


def _of(run: Any, t: TriggerId) -> bool:
    """A run of trigger ``t``: its trigger name, and its trigger's task when the server says which."""
    metadata = run.action.metadata
    task = metadata.trigger_id.name.task_name if metadata.HasField("trigger_id") else ""
    return metadata.trigger_name == t.name and task in ("", t.task)


def _start_time(client: Server, run_id: Any) -> int | None:
    """Unix seconds of a run's ``run_start_time`` (GetRunDetails); None when it has none (a task from
    flyte-sdk before 2.3.6) or went away."""
    details = client.find_run(run_id)
    if details is None or details.action.id.run.name != run_id.name:
        return None
    spec = details.run_spec
    return spec.run_start_time.seconds if spec.HasField("run_start_time") else None


# -- output ---------------------------------------------------------------------------------------


def json_entry(s: TriggerStatus) -> dict[str, Any]:
    """``{"project", "domain", "task", "name", "active", "revision", "schedule", "timezone", "reason",
    "expectedFrom", "expected", "missed", "ran": [{"fireTime", "run"}], "skipped"}``: ``active`` null when the
    trigger is not on the server."""
    t, expected = s.trigger, s.expected
    fires = expected.fire_times if expected else ()
    return {
        "project": t.project, "domain": t.domain, "task": t.task, "name": t.name,
        "active": s.active, "revision": s.revision or None,
        "schedule": expected.schedule if expected else None,
        "timezone": expected.timezone if expected else None,
        "reason": s.reason,
        "expectedFrom": iso(s.since) if s.since else None,
        "expected": [iso(f.moment) for f in fires],
        "missed": [iso(f.moment) for f in s.missed],
        "ran": [{"fireTime": iso(f.moment), "run": server_text(s.ran[unix_seconds(f.moment)])}
                for f in fires if unix_seconds(f.moment) in s.ran],
        "skipped": [w.isoformat() for w in expected.skipped] if expected else [],
    }


def text_lines(s: TriggerStatus) -> list[str]:
    """As ``lpctl schedule`` shows a trigger's fire times, each marked ran (by which run) or MISSED."""
    ident = server_text(str(s.trigger))
    if s.expected is None:
        revision = f" (revision {s.revision})" if s.revision else ""
        return [f"{ident}{revision}: {s.reason}"]
    head = f"{ident} (revision {s.revision}): {server_text(s.expected.schedule)} ({s.expected.timezone})"
    note = f"activated {utc_text(s.since)}" if s.since is not None else None
    return fire_lines(head, s.expected, s.ran, note)
