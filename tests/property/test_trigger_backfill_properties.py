"""status and backfill of Flyte 2 triggers over random run histories, against the loopback Flyte 2 fake.

Random declared triggers on two tasks (a cron in a zone with DST, a fixed rate with a ``start_time``, each
with a kickoff input or none, activated long before the window or inside it; and the ones lpctl must refuse:
inactive, not on the server, a fixed rate without ``start_time``, a cron without a timezone, ``@every``) and
random runs already on the server (the scheduler's, by its name; ones named otherwise that carry
``run_start_time``, which count, and ones without it, which cannot; several for one fire; one a minute off;
failed and aborted ones; ones outside the window; the same trigger name's on the other task and in another
project at the same times). The expected fires come from tests/fire_oracle.py, never from lpctl:

- status reports, per trigger, exactly the oracle's fire times in the window after its activation, and as
  missed those with no run of that trigger;
- backfill creates exactly one run per missed fire (the scheduler's name, ``trigger_name``, the
  schedule-trigger source, ``run_start_time`` and the kickoff input the fire time), refuses the others with
  a reason, changes nothing else on the server; a second backfill creates nothing.

Examples: a tenth of the Hypothesis profile's (tests/support.py ``examples``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytest.importorskip("connectrpc")

from fake_flyte2 import TOKEN, D, P, serve
from fire_oracle import UTC, ZONES, Cron, cron_fires, crons, rate_fires, run_name, windows
from flyteidl2.common import phase_pb2
from flyteidl2.task import common_pb2
from support import examples

from lpctl.admin.flyte2_client import Flyte2Client
from lpctl.admin.trigger_backfill import execute_runs, plan_runs
from lpctl.admin.trigger_fires import TriggerId
from lpctl.admin.trigger_status import read_trigger_status

TASKS = ("demo.train", "demo.report")
NAMES = ("alpha", "beta", "gamma")
OTHER_PROJECT = "elsewhere"
SCHEDULE_TRIGGER, WEB = 3, 1
PHASES = (phase_pb2.ACTION_PHASE_SUCCEEDED, phase_pb2.ACTION_PHASE_FAILED, phase_pb2.ACTION_PHASE_ABORTED,
          phase_pb2.ACTION_PHASE_RUNNING)
#: what the server holds for a fire: nothing, the scheduler's run, one named otherwise with run_start_time (or
#: without it: then nothing tells), both, or one with the run_start_time of a minute later
FATES = ("none", "none", "scheduler", "other_name", "no_start_time", "both", "off_by_a_minute")
#: the refused ones: no fire times to check
KINDS = ("cron",) * 4 + ("rate",) * 2 + ("inactive", "absent", "rate_no_start", "no_timezone", "every")
#: (value, FixedRateUnit): 30 minutes, 2 hours, 1 day
RATES = ((30, 1), (2, 2), (1, 3))
#: when it was last activated, in minutes after the window's start (negative: before it)
ACTIVATED = (-10 * 24 * 60, -1, 0, 45, 24 * 60 + 3)


@dataclass(frozen=True)
class Declared:
    task: str
    name: str
    kind: str
    cron: Cron
    zone: str
    kickoff: bool
    activated: int
    rate: tuple[int, int]
    #: the fixed rate's start_time, in seconds after the window's start
    anchor: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (P, D, self.task, self.name)

    def every(self) -> timedelta:
        value, unit = self.rate
        return timedelta(minutes=value * {1: 1, 2: 60, 3: 24 * 60}[unit])


@st.composite
def worlds(draw: Any) -> tuple[tuple[datetime, datetime], list[Declared], random.Random]:
    span = draw(windows())
    keys = draw(st.sets(st.tuples(st.sampled_from(TASKS), st.sampled_from(NAMES)), min_size=1, max_size=3))
    declared = [Declared(task, name, draw(st.sampled_from(KINDS)), draw(crons()), draw(st.sampled_from(ZONES)),
                         draw(st.booleans()), draw(st.sampled_from(ACTIVATED)), draw(st.sampled_from(RATES)),
                         draw(st.integers(-3 * 24 * 3600, 24 * 3600))) for task, name in sorted(keys)]
    return span, declared, random.Random(draw(st.integers(0, 2**32)))


class World:
    """The server's state for one example, and the oracle's answers."""

    def __init__(self, backend: Any, span: tuple[datetime, datetime], declared: list[Declared],
                 rnd: random.Random) -> None:
        self.b, self.rnd = backend, rnd
        self.start, self.end = span
        self.expected: dict[tuple[str, str, str, str], list[datetime]] = {}
        for d in declared:
            if d.kind != "absent":
                self._put(d, P, d.task)
        for d in declared:
            self._declare(d, {d.key for d in declared})

    def _automation(self, d: Declared) -> common_pb2.TriggerAutomationSpec:
        automation = common_pb2.TriggerAutomationSpec(type=common_pb2.TriggerAutomationSpecType.TYPE_SCHEDULE)
        schedule = automation.schedule
        if d.kind in ("rate", "rate_no_start"):
            schedule.rate.value, schedule.rate.unit = d.rate  # type: ignore[assignment]
            if d.kind == "rate":
                schedule.rate.start_time.FromDatetime(self.start + timedelta(seconds=d.anchor))
        else:
            schedule.cron.expression = "@every 1h" if d.kind == "every" else d.cron.text
            schedule.cron.timezone = "" if d.kind == "no_timezone" else d.zone
        schedule.kickoff_time_input_arg = "run_at" if d.kickoff else ""
        return automation

    def fires(self, d: Declared, start: datetime, end: datetime) -> list[datetime]:
        if d.kind == "rate":
            return rate_fires(self.start + timedelta(seconds=d.anchor), d.every(), start, end)
        return cron_fires(d.cron, d.zone, start, end)

    def _put(self, d: Declared, project: str, task: str) -> None:
        self.b.put(d.name, task, "v1", project=project, active=d.kind != "inactive",
                   since=self.start + timedelta(minutes=d.activated), automation=self._automation(d), org="")

    def _declare(self, d: Declared, declared: set[tuple[str, str, str, str]]) -> None:
        since = self.start + timedelta(minutes=d.activated)
        if d.kind == "absent":
            return
        other = (P, D, next(t for t in TASKS if t != d.task), d.name)
        if other not in declared:  # the same name on the other task, and in another project
            self._put(d, P, other[2])
        self._put(d, OTHER_PROJECT, d.task)
        day = timedelta(days=1)
        for fire in self.fires(d, max(since, self.start) - day, self.end + day):
            self._history(d, fire)
        if d.kind in ("cron", "rate"):
            self.expected[d.key] = [f for f in self.fires(d, self.start, self.end) if f > since]

    def _fired(self, d: Declared, name: str, moment: datetime, *, task: str = "", project: str = P,
               start_time: bool = True) -> None:
        self.b.fired(task or d.task, d.name, name, moment, project=project, start_time=start_time)
        self.b.run_state.runs[(project, D, name)].phase = self.rnd.choice(PHASES)

    def _history(self, d: Declared, fire: datetime) -> None:
        rnd = self.rnd
        fate = rnd.choice(FATES)
        if fate in ("scheduler", "both"):
            self._fired(d, run_name(P, D, d.task, d.name, fire), fire)
        stamp = f"{d.name}{int(fire.timestamp())}-{rnd.randrange(10**6)}"
        if fate in ("other_name", "both"):
            self._fired(d, f"x{stamp}", fire)
        if fate == "no_start_time":
            self._fired(d, f"n{stamp}", fire, start_time=False)
        if fate == "off_by_a_minute":
            self._fired(d, f"m{stamp}", fire + timedelta(minutes=1))
        if rnd.random() < 0.3:  # the same name's on the other task, and in another project, at that time
            other = next(t for t in TASKS if t != d.task)
            if (P, D, other, d.name) in self.b.triggers:
                self._fired(d, run_name(P, D, other, d.name, fire), fire, task=other)
            self._fired(d, run_name(OTHER_PROJECT, D, d.task, d.name, fire), fire, project=OTHER_PROJECT)

    def missed(self) -> dict[tuple[str, str, str, str], list[datetime]]:
        """The expected fires no run of that trigger ran: none has the scheduler's name for it, or (a run
        the scheduler started) it as ``run_start_time``."""
        ran: dict[tuple[str, str, str, str], set[Any]] = {key: set() for key in self.expected}
        for (project, domain, name), run in self.b.run_state.runs.items():
            key = (project, domain, *run.trigger) if run.trigger else None
            if key in ran:
                ran[key].add(name)
                if run.source == SCHEDULE_TRIGGER and run.run_spec.HasField("run_start_time"):
                    ran[key].add(run.run_spec.run_start_time.ToDatetime(UTC))
        return {key: [f for f in fires if f not in ran[key] and run_name(*key, f) not in ran[key]]
                for key, fires in self.expected.items()}


class Loopback(tuple):  # type: ignore[type-arg]
    """(the fake's backend, a client of it), shown short in Hypothesis's report of a failing example."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("<loopback Flyte 2>")


@pytest.fixture(scope="module")
def flyte2() -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch, serve() as served:
        for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            patch.delenv(var, raising=False)
        patch.setenv("no_proxy", "127.0.0.1,localhost")
        for project in (P, OTHER_PROJECT):
            for task in TASKS:
                served.backend.add_task(task, "v1", project=project)
        with Flyte2Client(served.endpoint, insecure=True, token=TOKEN, page_size=5) as client:
            yield Loopback((served.backend, client))


def _reset(b: Any, now: datetime) -> None:
    b.triggers.clear()
    b.run_state.runs.clear()
    b.run_state.enqueued.clear()
    b.calls.clear()
    b.requests.clear()
    b.run_state.now = lambda: now.timestamp()


def _state(b: Any) -> tuple[dict[Any, bytes], dict[Any, tuple[Any, ...]]]:
    triggers = {k: b.details(k).SerializeToString(deterministic=True) for k in b.triggers}
    runs = {k: (r.created_at, r.source, r.trigger, r.phase, r.run_spec.SerializeToString(deterministic=True))
            for k, r in b.run_state.runs.items()}
    return triggers, runs


HOURLY = Cron("0 * * * *", frozenset({0}), frozenset(range(24)), frozenset(range(1, 32)), frozenset(range(1, 13)),
              frozenset(range(7)), True)
MARCH = (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 3, 29, 6, tzinfo=UTC))


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                             HealthCheck.too_slow], deadline=None)
@given(worlds())
# a fixed rate anchored before the window (its ticks go on from there); activated at the very fire of the
# window's start (that fire was before the activation: not expected)
@example((MARCH, [Declared("demo.train", "alpha", "rate", HOURLY, "UTC", True, -14400, (30, 1), -5 * 3600 - 7)],
          random.Random(1)))
@example((MARCH, [Declared("demo.train", "beta", "cron", HOURLY, "UTC", False, 0, (30, 1), 0)], random.Random(2)))
def test_status_and_backfill_match_the_oracle(flyte2: Any, world: Any) -> None:
    b, client = flyte2
    span, declared, rnd = world
    now = span[1] + timedelta(days=4)  # the clocks when status and backfill run: after the window
    _reset(b, now)
    w = World(b, span, declared, rnd)
    triggers = [TriggerId(P, D, d.task, d.name) for d in declared]
    statuses, warnings = read_trigger_status(client, triggers, *span)
    assert warnings == ()
    by_key = {(s.trigger.project, s.trigger.domain, s.trigger.task, s.trigger.name): s for s in statuses}
    assert sorted(by_key) == sorted(d.key for d in declared)
    missed = w.missed()
    for key, status in by_key.items():
        if key in w.expected:
            assert status.expected is not None and status.reason is None, status.reason
            assert [f.moment.astimezone(UTC) for f in status.expected.fire_times] == w.expected[key]
            assert [f.moment.astimezone(UTC) for f in status.missed] == missed[key]
        else:
            assert status.expected is None and status.reason and status.missed == ()
    candidates, refused = plan_runs(statuses)
    assert sorted(r.trigger.name for r in refused) == sorted(d.name for d in declared if d.key not in w.expected)
    triggers_before, runs_before = _state(b)
    b.calls.clear()
    done = execute_runs(client, candidates, lambda: False, now=lambda: now)
    assert [d.state for d in done] == ["created"] * len(done)
    wanted = {(P, D, run_name(*key, fire)): (key, fire) for key, fires in missed.items() for fire in fires}
    triggers_after, runs_after = _state(b)
    assert set(runs_after) == set(runs_before) | set(wanted) and not set(runs_before) & set(wanted)
    assert {k: runs_after[k] for k in runs_before} == runs_before
    assert [c for c in b.calls if c not in ("ListTriggers", "ListRuns", "GetRunDetails")] == ["CreateRun"] * len(wanted)
    assert {k: v for k, v in triggers_after.items()} == triggers_before
    kickoff = {d.key: d.kickoff for d in declared}
    for run_key, (key, fire) in wanted.items():
        made = b.run_state.runs[run_key]
        assert (made.trigger, made.source) == (key[2:], SCHEDULE_TRIGGER)
        assert made.run_spec.run_start_time.ToDatetime(UTC) == fire
        sent = [(lit.name, lit.value.scalar.primitive.datetime.ToDatetime(UTC)) for lit in made.inputs.literals] \
            if made.inputs is not None else []
        assert sent == ([("run_at", fire)] if kickoff[key] else [])
    again, _ = read_trigger_status(client, triggers, *span)
    assert [s.missed for s in again] == [()] * len(again)
    b.calls.clear()
    assert execute_runs(client, plan_runs(again)[0], lambda: False, now=lambda: now) == []
    assert "CreateRun" not in b.calls
