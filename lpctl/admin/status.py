"""``lpctl status``: which fires of the declared schedules have no execution on the server (returns values).

For each scheduled launch plan the specs declare, the fire times its active version's schedule gave in a
window (:func:`lpctl.schedule.preview.window`: the scheduler's own cron, in the schedule's zone, a DST-skipped
time is no fire and a repeated hour two) and which of them have no execution. A fire counts as run when an
execution of that launch plan (any version) has ``metadata.scheduled_at`` equal to it, or has the name the
scheduler gives that fire under the execution's own version (:func:`lpctl.admin.fires.scheduled_name`), so a
fire that ran under an earlier active version counts. Never by an error: FlyteAdmin answers ALREADY_EXISTS
for other reasons too (a concurrency limit).

Reads per project and domain: ``ListActiveLaunchPlans`` (paged); ``ListLaunchPlans`` (one call, the earliest
version) only for a launch plan whose active version was registered inside the window, since fires before
its first registration are not expected; and one paged ``ListExecutions`` of the launch plans' executions
created since the window began (FlyteAdmin filters neither on ``scheduled_at`` nor on a name pattern, so the
metadata is read here). Archived executions are not listed by FlyteAdmin: their fires show as missed, and a
backfill then finds them by name (when they ran under the active version).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol

from flyteidl.admin.execution_pb2 import Execution
from flyteidl.admin.launch_plan_pb2 import LaunchPlan

from lpctl.admin.client import AdminError, RegisteredId, ServerError, fatal_message, filterable
from lpctl.admin.fire_text import fire_lines, iso, too_wide, utc_text
from lpctl.admin.fires import scheduled_name, unix_seconds
from lpctl.admin.guard import Scope, Strays, in_scope
from lpctl.admin.text import server_text, server_time
from lpctl.schedule.preview import FireTime, PlanPreview, TooManyFires, window

if TYPE_CHECKING:
    from lpctl.admin.trigger_status import TriggerStatus

__all__ = ["PlanStatus", "Status", "Window", "fire_lines", "format_json", "format_text", "read_status", "scheduled",
           "window_of"]

JSON_FORMAT_VERSION = 1
#: an execution can be created a little before its fire time is due by the database's clock (skew)
CLOCK_SKEW = timedelta(hours=1)
#: the default window: this many days up to now
DEFAULT_DAYS = 7
#: fires younger than this are not counted yet (the scheduler may still be creating them)
SETTLE = timedelta(minutes=5)
#: the most fire times one launch plan may have in a window
MAX_FIRES = 100_000
_RATE_UNITS = {0: "m", 1: "h", 2: "d"}


@dataclass(frozen=True)
class Window:
    """``[start, end)``, aware datetimes."""

    start: datetime
    end: datetime


def window_of(start: datetime | None, end: datetime | None, now: datetime, names: tuple[str, str]) -> Window:
    """``[start, end)`` from the command line (``names``: its options), by default the last ``DEFAULT_DAYS`` up
    to now; a fire of the last ``SETTLE`` is left out, since the scheduler may still be creating it. Raises
    ValueError for an empty window or one that ends in the future."""
    if end is not None and end > now:
        raise ValueError(f"{names[1]} is in the future: fires after now cannot have been missed")
    end = min(end or now, now - SETTLE)
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if start >= end:
        raise ValueError(f"{names[0]} must be before {names[1]} (and {int(SETTLE.total_seconds() // 60)} minutes "
                         "before now: the scheduler may still be creating the latest fires)")
    return Window(start, end)


@dataclass(frozen=True)
class PlanStatus:
    project: str
    domain: str
    name: str
    active_version: str | None
    #: why there are no fire times to check (no active version, a fixed rate, ...), else None
    reason: str | None = None
    #: the schedule's fire times in the window (``fire_times``), its expression, zone and DST-skipped times
    expected: PlanPreview | None = None
    #: fire times with no execution
    missed: tuple[FireTime, ...] = ()
    #: unix seconds of a fire -> the execution that ran it
    ran: dict[int, str] = field(default_factory=dict)
    #: the launch plan's first registration, when it falls inside the window (no fires expected before)
    registered: datetime | None = None
    #: the active version's schedule names this input for the fire time
    kickoff_arg: str = ""

    @property
    def identity(self) -> RegisteredId:
        return RegisteredId(self.project, self.domain, self.name, self.active_version or "")


@dataclass(frozen=True)
class Status:
    window: Window
    plans: tuple[PlanStatus, ...]
    #: what the server answered outside the scope asked for (ignored), as warnings about the server
    warnings: tuple[str, ...] = ()
    #: the declared Flyte 2 triggers (:mod:`lpctl.admin.trigger_status`)
    triggers: tuple[TriggerStatus, ...] = ()

    @property
    def missed(self) -> int:
        return sum(len(p.missed) for p in self.plans) + sum(len(t.missed) for t in self.triggers)

    @property
    def unchecked(self) -> int:
        """The launch plans and triggers with no fire times to check (no active version, a fixed rate, ...):
        "nothing missed" says nothing about them."""
        return sum(1 for p in self.plans if p.expected is None) + sum(1 for t in self.triggers if t.expected is None)


class Server(Protocol):
    """The calls status makes; ``AdminClient`` implements them over gRPC."""

    def list_active_launch_plans(self, project: str, domain: str) -> Iterable[LaunchPlan]: ...

    def first_launch_plan(self, project: str, domain: str, name: str) -> LaunchPlan | None: ...

    def list_executions(self, project: str, domain: str, filters: str) -> Iterable[Execution]: ...


def scheduled(launch_plans: Iterable[Any]) -> list[tuple[str, str, str]]:
    """(project, domain, name) of each declared launch plan with a schedule, once, sorted."""
    return sorted({(lp.id.project, lp.id.domain, lp.id.name) for lp in launch_plans
                   if lp.spec.entity_metadata.schedule.WhichOneof("ScheduleExpression")})


def read_status(client: Server, names: Sequence[tuple[str, str, str]], span: Window) -> Status:
    """The status of each (project, domain, name) in ``span``; a failed read is a ServerError (exit 2)."""
    try:
        return _compute(client, names, span)
    except AdminError as e:
        if e.fatal:
            raise ServerError(fatal_message(e)) from None
        raise ServerError(f"FlyteAdmin refused to list launch plans or executions ({e.code}: {e.details})") from None


def _compute(client: Server, names: Sequence[tuple[str, str, str]], span: Window) -> Status:
    scopes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for project, domain, name in names:
        scopes[(project, domain)].append(name)
    plans: list[PlanStatus] = []
    strays = Strays()
    for (project, domain), scope_names in sorted(scopes.items()):
        listed = in_scope(client.list_active_launch_plans(project, domain), Scope(project, domain), _lp_key,
                          "ListActiveLaunchPlans", strays, lambda lp: server_text(lp.id.name))
        active = {lp.id.name: lp for lp in listed if lp.id.name in scope_names}
        expected = [_expected(client, project, domain, name, active.get(name), span) for name in scope_names]
        checked = [p for p in expected if p.expected is not None]
        runs = _runs(client, project, domain, checked, span, strays)
        plans.extend(_matched(p, runs[p.name]) if p.expected is not None else p for p in expected)
    return Status(span, tuple(plans), strays.warnings())


def _lp_key(lp: LaunchPlan) -> tuple[str, str, str]:
    return lp.id.project, lp.id.domain, lp.id.name


def _expected(client: Server, project: str, domain: str, name: str, active: LaunchPlan | None,
              span: Window) -> PlanStatus:
    if active is None:
        return PlanStatus(project, domain, name, None, "no active version: the scheduler fires nothing")
    version = active.id.version
    schedule = active.spec.entity_metadata.schedule
    kind = schedule.WhichOneof("ScheduleExpression")
    if kind == "rate":
        every = f"{schedule.rate.value}{_RATE_UNITS.get(schedule.rate.unit, '?')}"
        return PlanStatus(project, domain, name, version, f"fixed rate every {every}: it counts from when the "
                          "launch plan was activated, so its fire times cannot be reconstructed")
    if kind != "cron_schedule":
        why = "a cron_expression, which the native scheduler does not run" if kind else "no schedule"
        return PlanStatus(project, domain, name, version, f"the active version has {why}")
    start, registered = _first_registration(client, project, domain, name, active, span)
    try:
        fires = window(project, domain, name, active.spec.entity_metadata.schedule.cron_schedule.schedule, start,
                       span.end, MAX_FIRES)
    except TooManyFires as e:
        raise too_wide(f"{project}/{domain}/{name}", e, start, span.end) from None
    except ValueError as e:
        return PlanStatus(project, domain, name, version, server_text(str(e)))
    return PlanStatus(project, domain, name, version, expected=fires, registered=registered,
                      kickoff_arg=schedule.kickoff_time_input_arg)


def _first_registration(client: Server, project: str, domain: str, name: str, active: LaunchPlan,
                        span: Window) -> tuple[datetime, datetime | None]:
    """Where expected fires start: the window's start, or the launch plan's first registration if later."""
    created = server_time(active.closure.created_at)
    if created is None or created <= span.start:
        return span.start, None
    first = client.first_launch_plan(project, domain, name)
    if first is not None and first.closure.HasField("created_at"):
        created = min(created, server_time(first.closure.created_at) or created)
    return (span.start, None) if created <= span.start else (created, created)


@dataclass
class _Runs:
    """The executions of one launch plan name: by scheduled_at, by name, and the versions they ran."""

    scheduled_at: dict[int, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    versions: set[str] = field(default_factory=set)


def _runs(client: Server, project: str, domain: str, plans: Sequence[PlanStatus], span: Window,
          strays: Strays) -> dict[str, _Runs]:
    runs: dict[str, _Runs] = defaultdict(_Runs)
    if not plans:
        return runs
    wanted = {p.name for p in plans}
    earliest = min((p.registered or span.start) for p in plans) - CLOCK_SKEW
    listed = client.list_executions(project, domain, _filters(sorted(wanted), earliest))
    # an execution of another launch plan of the scope is no stray: a name the filter cannot hold lists them all
    for execution in in_scope(listed, Scope(project, domain), _execution_key, "ListExecutions", strays,
                              lambda e: server_text(e.id.name)):
        lp, ident = execution.spec.launch_plan, execution.id
        if (lp.project, lp.domain) != (project, domain) or lp.name not in wanted:
            continue
        found = runs[lp.name]
        found.names.add(ident.name)
        found.versions.add(lp.version)
        metadata = execution.spec.metadata
        if metadata.HasField("scheduled_at"):
            found.scheduled_at.setdefault(metadata.scheduled_at.seconds, ident.name)
    return runs


def _execution_key(execution: Execution) -> tuple[str, str, str]:
    return execution.id.project, execution.id.domain, ""


def _filters(names: Sequence[str], since: datetime) -> str:
    """``value_in(launch_plan.name,a;b)+gte(execution_created_at,<since>)`` (FlyteAdmin's filter grammar);
    a name the grammar cannot hold means listing every launch plan's executions and matching here."""
    created = f"gte(execution_created_at,{since.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ})"
    if not all(filterable(n) and ";" not in n for n in names):
        return created
    by_name = f"eq(launch_plan.name,{names[0]})" if len(names) == 1 else f"value_in(launch_plan.name,{';'.join(names)})"
    return f"{by_name}+{created}"


def _matched(plan: PlanStatus, runs: _Runs) -> PlanStatus:
    assert plan.expected is not None and plan.active_version is not None
    versions = sorted(runs.versions | {plan.active_version})
    ran: dict[int, str] = {}
    missed: list[FireTime] = []
    for fire in plan.expected.fire_times:
        seconds = unix_seconds(fire.moment)
        by_time = runs.scheduled_at.get(seconds)
        by_name = by_time or next((n for v in versions if (n := scheduled_name(
            RegisteredId(plan.project, plan.domain, plan.name, v), fire.moment)) in runs.names), None)
        if by_name is None:
            missed.append(fire)
        else:
            ran[seconds] = by_name
    return PlanStatus(plan.project, plan.domain, plan.name, plan.active_version, expected=plan.expected,
                      missed=tuple(missed), ran=ran, registered=plan.registered, kickoff_arg=plan.kickoff_arg)


# -- output ---------------------------------------------------------------------------------------


def format_json(found: Status) -> str:
    """``{"version": 1, "since", "until", "launchPlans": [{"project", "domain", "name", "activeVersion",
    "schedule", "timezone", "reason", "expected", "missed", "ran", "skipped"}], "triggers": [{"project",
    "domain", "task", "name", "active", "revision", ...the same}], "missed", "notChecked"}``: ``notChecked``
    counts the entries with no fire times to check (their ``reason`` says why)."""
    from lpctl.admin.trigger_status import json_entry

    plans = [{
        "project": p.project, "domain": p.domain, "name": p.name,
        "activeVersion": None if p.active_version is None else server_text(p.active_version),
        "schedule": p.expected.schedule if p.expected else None,
        "timezone": p.expected.timezone if p.expected else None,
        "reason": p.reason,
        "expectedFrom": iso(p.registered) if p.registered else None,
        "expected": [iso(f.moment) for f in p.expected.fire_times] if p.expected else [],
        "missed": [iso(f.moment) for f in p.missed],
        "ran": [{"fireTime": iso(f.moment), "execution": server_text(p.ran[unix_seconds(f.moment)])}
                for f in (p.expected.fire_times if p.expected else ()) if unix_seconds(f.moment) in p.ran],
        "skipped": [w.isoformat() for w in p.expected.skipped] if p.expected else [],
    } for p in found.plans]
    document = {"version": JSON_FORMAT_VERSION, "since": iso(found.window.start), "until": iso(found.window.end),
                "launchPlans": plans, "triggers": [json_entry(t) for t in found.triggers],
                "missed": found.missed, "notChecked": found.unchecked, "warnings": list(found.warnings)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def format_text(found: Status) -> list[str]:
    """As ``lpctl schedule`` shows fire times, each marked: ran (by which execution or run) or missed."""
    from lpctl.admin.trigger_status import text_lines

    lines: list[str] = []
    for p in found.plans:
        lines.extend(_plan_lines(p))
    for t in found.triggers:
        lines.extend(text_lines(t))
    span = f"{utc_text(found.window.start)} to {utc_text(found.window.end)}"
    what = _counted(len(found.plans), "launch plan", len(found.triggers), "trigger")
    missed_in = _counted(len(found.plans), "launch plan", len(found.triggers), "trigger",
                         sum(1 for p in found.plans if p.missed), sum(1 for t in found.triggers if t.missed))
    verdict = (f"{found.missed} missed {'fire' if found.missed == 1 else 'fires'} in {missed_in}"
               if found.missed else f"nothing missed in {what}")
    unchecked = f" ({found.unchecked} not checked, see above)" if found.unchecked else ""
    lines.append(f"status: {verdict}{unchecked}, {span}")
    return lines


def _counted(plans: int, plan: str, triggers: int, trigger: str,
             plans_of: int | None = None, triggers_of: int | None = None) -> str:
    """``3 launch plans``, ``1 trigger``, ``2 launch plans and 1 trigger``; with the counts that missed a fire,
    ``2 of 3 launch plans``, ``1 of 2 launch plans and 1 of 1 trigger`` (a kind with none missed is left out
    when the other has some)."""
    rows = [(n, word, of) for n, word, of in ((plans, plan, plans_of), (triggers, trigger, triggers_of)) if n]
    if plans_of is not None and any(of for _, _, of in rows):
        rows = [row for row in rows if row[2]]
    parts = [f"{'' if of is None else f'{of} of '}{n} {word}{'' if n == 1 else 's'}" for n, word, of in rows]
    return " and ".join(parts) or f"0 {plan}s"


def _plan_lines(p: PlanStatus) -> list[str]:
    ident = f"{p.project}/{p.domain}/{p.name}"
    if p.active_version is None or p.expected is None:
        at = "" if p.active_version is None else f"@{server_text(p.active_version)}"
        return [f"{ident}{at}: {p.reason}"]
    head = f"{ident}@{server_text(p.active_version)}: {server_text(p.expected.schedule)} ({p.expected.timezone})"
    note = f"first registered {utc_text(p.registered)}" if p.registered is not None else None
    return fire_lines(head, p.expected, p.ran, note)
