"""status and backfill of launch plans over random execution histories, against the loopback FlyteAdmin.

Random declared launch plans (cron schedules in zones with DST, a kickoff input or none, a fixed rate, no
active version, not on the server; registered before the window or inside it, with an older version) and
random executions already on the server (the scheduler's, named under the active or an older version, with
``scheduled_at`` or without (then only the name tells); ones
named otherwise that carry ``scheduled_at``; several for one fire; failed and aborted ones; manual ones;
ones outside the window; of other launch plans and other projects at the same times). The expected fires
come from tests/fire_oracle.py (brute force over the minutes, FNV-1 written out), never from lpctl:

- ``status`` reports, per launch plan, exactly the oracle's fire times in the window and, as missed, those
  with no execution of that launch plan;
- ``backfill --execute`` creates exactly one execution per missed fire, named as the scheduler names it,
  with mode SCHEDULED, ``scheduled_at`` and the kickoff input set to the fire time (the other inputs from
  the launch plan's defaults), except where an archived execution already has that name (it says
  ``exists``); it refuses the fixed rate and the launch plans with no active version; nothing else on the
  server changes; a second backfill creates nothing, and status then misses only the archived ones' fires.

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

grpc = pytest.importorskip("grpc")

from fire_oracle import UTC, ZONES, Cron, cron_fires, crons, execution_name, windows  # noqa: E402
from flyteidl.admin import execution_pb2, launch_plan_pb2, schedule_pb2  # noqa: E402
from flyteidl.core import execution_pb2 as core_execution_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, types_pb2  # noqa: E402
from support import examples  # noqa: E402

from lpctl.admin.backfill import execute, plan_backfill  # noqa: E402
from lpctl.admin.client import AdminClient  # noqa: E402
from lpctl.admin.status import Window, read_status  # noqa: E402

TOKEN = "property-token"
SCOPES = (("flytesnacks", "development"), ("flytesnacks", "production"))
OTHER_PROJECT = "elsewhere"
#: a name with "+" cannot be put in a FlyteAdmin filter: lpctl then lists every execution of the scope
NAMES = ("alpha", "beta", "team.daily_report-v2", "odd+name")
SCHEDULED, MANUAL = execution_pb2.ExecutionMetadata.SCHEDULED, execution_pb2.ExecutionMetadata.MANUAL
PHASES = (core_execution_pb2.WorkflowExecution.SUCCEEDED, core_execution_pb2.WorkflowExecution.FAILED,
          core_execution_pb2.WorkflowExecution.ABORTED, core_execution_pb2.WorkflowExecution.RUNNING)
#: what the server holds for a fire: nothing, the scheduler's execution under the active version or an older
#: one, one named otherwise with scheduled_at, both of those, or one a minute off (which does not count)
#: or archived: the scheduler's under the active version, which FlyteAdmin no longer lists (the fire shows as
#: missed; backfill finds it by its name, already there, and creates nothing)
FATES = ("none", "none", "active", "older", "scheduled_at", "both", "off_by_a_minute", "archived")
#: a cron schedule, a fixed rate, versions but none active, not on the server
KINDS = ("cron",) * 5 + ("rate", "inactive", "absent")
#: the first registration, in minutes after the window's start (and 30 seconds): long before, just before, inside
REGISTERED = (-10 * 24 * 60, -1, 30, 24 * 60 + 7)


@dataclass(frozen=True)
class Declared:
    project: str
    domain: str
    name: str
    #: "cron", "rate", "inactive" (versions, none active), "absent" (not on the server)
    kind: str
    cron: Cron
    zone: str
    kickoff: bool
    #: minutes of the first registration after the window's start (negative: before it)
    registered: int

    @property
    def text(self) -> str:
        return self.cron.text if self.zone == "UTC" else f"CRON_TZ={self.zone} {self.cron.text}"


@st.composite
def worlds(draw: Any) -> tuple[tuple[datetime, datetime], list[Declared], Any]:
    span = draw(windows())
    keys = draw(st.sets(st.tuples(st.sampled_from(SCOPES), st.sampled_from(NAMES)), min_size=1, max_size=3))
    declared = [Declared(scope[0], scope[1], name, draw(st.sampled_from(KINDS)), draw(crons()),
                         draw(st.sampled_from(ZONES)), draw(st.booleans()), draw(st.sampled_from(REGISTERED)))
                for scope, name in sorted(keys)]
    return span, declared, random.Random(draw(st.integers(0, 2**32)))


def launch_plan(d: Declared, version: str, created: datetime, active: bool) -> launch_plan_pb2.LaunchPlan:
    lp = launch_plan_pb2.LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=d.project,
                                             domain=d.domain, name=d.name, version=version))
    schedule = lp.spec.entity_metadata.schedule
    if d.kind == "rate":
        schedule.rate.CopyFrom(schedule_pb2.FixedRate(value=6, unit=schedule_pb2.HOUR))
    else:
        schedule.cron_schedule.schedule = d.text
        schedule.kickoff_time_input_arg = "day" if d.kickoff else ""
    params = lp.closure.expected_inputs.parameters
    if d.kickoff:
        params["day"].var.type.simple = types_pb2.DATETIME
        params["day"].required = True
    params["b"].var.type.simple = types_pb2.STRING
    params["b"].default.scalar.primitive.string_value = "x"
    lp.spec.default_inputs.CopyFrom(lp.closure.expected_inputs)
    lp.closure.state = launch_plan_pb2.ACTIVE if active else launch_plan_pb2.INACTIVE
    lp.closure.created_at.FromDatetime(created)
    return lp


def _execution(name: str, lp: tuple[str, str, str, str], created: datetime, scheduled_at: datetime | None,
               phase: int, mode: int = MANUAL) -> execution_pb2.Execution:
    project, domain, lp_name, version = lp
    execution = execution_pb2.Execution()
    execution.id.project, execution.id.domain, execution.id.name = project, domain, name
    execution.spec.launch_plan.CopyFrom(identifier_pb2.Identifier(
        resource_type=identifier_pb2.LAUNCH_PLAN, project=project, domain=domain, name=lp_name, version=version))
    execution.spec.metadata.mode = SCHEDULED if scheduled_at is not None else mode  # type: ignore[assignment]
    if scheduled_at is not None:
        execution.spec.metadata.scheduled_at.FromDatetime(scheduled_at)
    execution.closure.created_at.FromDatetime(created)
    execution.closure.phase = phase  # type: ignore[assignment]
    return execution


class World:
    """The server's state for one example, and the oracle's answers."""

    def __init__(self, admin: Any, span: tuple[datetime, datetime], declared: list[Declared], rnd: Any) -> None:
        self.admin, self.rnd = admin, rnd
        self.start, self.end = span
        self.expected: dict[tuple[str, str, str], list[datetime]] = {}
        for d in declared:
            self._declare(d)

    def put(self, execution: execution_pb2.Execution) -> None:
        ident = execution.id
        self.admin.executions[(ident.project, ident.domain, ident.name)] = execution

    def _declare(self, d: Declared) -> None:
        first = self.start + timedelta(minutes=d.registered, seconds=30)
        if d.kind == "absent":
            return
        versions = (("v0", first, False), ("v1", first + timedelta(hours=2), d.kind != "inactive"))
        for version, created, active in versions:
            self.admin.launch_plans[(d.project, d.domain, d.name, version)] = launch_plan(d, version, created, active)
        other = launch_plan(d, "v1", first, True)  # the same name in another project, firing at the same times
        other.id.project = OTHER_PROJECT
        self.admin.launch_plans[(OTHER_PROJECT, d.domain, d.name, "v1")] = other
        # the history: every fire from a day before the window to a day after it, each with its fate
        day = timedelta(days=1)
        for fire in cron_fires(d.cron, d.zone, max(self.start, first) - day, self.end + day):
            self._history(d, fire)
        if d.kind == "cron":
            self.expected[(d.project, d.domain, d.name)] = cron_fires(d.cron, d.zone, max(self.start, first), self.end)

    def _history(self, d: Declared, fire: datetime) -> None:
        """The executions around one fire."""
        rnd, lp = self.rnd, (d.project, d.domain, d.name)
        fate = rnd.choice(FATES)
        phase = rnd.choice(PHASES)
        late = fire + timedelta(seconds=rnd.choice((2, 90, 3 * 24 * 3600)))  # late: a backfill made it
        if fate in ("active", "older", "both"):
            version = "v1" if fate != "older" else "v0"
            at = fire if rnd.random() < 0.5 else None  # without scheduled_at, only its name tells
            self.put(_execution(execution_name(*lp, version, fire), (*lp, version), late, at, phase, SCHEDULED))
        if fate == "archived":
            self.put(_execution(execution_name(*lp, "v1", fire), (*lp, "v1"), late, fire, phase))
            self.admin.archived.add((*lp[:2], execution_name(*lp, "v1", fire)))
        if fate in ("scheduled_at", "both"):
            self.put(_execution(f"x{d.name}{int(fire.timestamp())}-{rnd.randrange(10**6)}", (*lp, "v1"), late, fire,
                                phase))
        if fate == "off_by_a_minute":
            self.put(_execution(f"m{d.name}{int(fire.timestamp())}", (*lp, "v1"), late, fire + timedelta(minutes=1),
                                phase))
        if rnd.random() < 0.3:  # by hand, at the fire time: no scheduled_at
            self.put(_execution(f"h{d.name}{int(fire.timestamp())}", (*lp, "v1"), fire, None, phase))
        if rnd.random() < 0.3:  # the same name's in another project, and another launch plan's here, at that time
            self.put(_execution(execution_name(OTHER_PROJECT, d.domain, d.name, "v1", fire),
                                (OTHER_PROJECT, d.domain, d.name, "v1"), late, fire, phase))
            self.put(_execution(f"o{d.name}{int(fire.timestamp())}", (d.project, d.domain, "unrelated", "v1"), late,
                                fire, phase))

    def missed(self) -> dict[tuple[str, str, str], list[datetime]]:
        """The expected fires that no execution of that launch plan ran (an archived one is not listed): none
        has it as ``scheduled_at``, or the name the scheduler gives it under the execution's own version."""
        ran: dict[tuple[str, str, str], set[Any]] = {key: set() for key in self.expected}
        for (project, domain, name), e in self.admin.executions.items():
            lp = e.spec.launch_plan
            key = (lp.project, lp.domain, lp.name)
            if key in ran and (project, domain) == key[:2] and (project, domain, name) not in self.admin.archived:
                ran[key].add((name, lp.version))
                if e.spec.metadata.HasField("scheduled_at"):
                    ran[key].add(e.spec.metadata.scheduled_at.ToDatetime(UTC))
        return {key: [f for f in fires if f not in ran[key] and not any(
            (execution_name(*key, v, f), v) in ran[key] for v in ("v0", "v1"))] for key, fires in self.expected.items()}


class Loopback(tuple):  # type: ignore[type-arg]
    """(the fake FlyteAdmin, a client of it), shown short in Hypothesis's report of a failing example."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("<loopback FlyteAdmin>")


@pytest.fixture(scope="module")
def admin() -> Iterator[Any]:
    from fake_admin import FakeAdmin, serve

    with serve(FakeAdmin(token=TOKEN, page_size=3)) as server, \
            AdminClient(server.endpoint, insecure=True, token=TOKEN, page_size=7) as client:
        yield Loopback((server.admin, client))


def _reset(fake: Any) -> None:
    for field in (fake.launch_plans, fake.executions, fake.inputs_sent):
        field.clear()
    fake.archived.clear()
    fake.calls.clear()
    fake.now = None


def _utc(moments: Any) -> list[datetime]:
    """Aware datetimes as UTC instants (a fall-back fire with fold=1 compares unequal to every other zone's)."""
    return [m.astimezone(UTC) for m in moments]


def _cron(text: str, minutes: set[int], hours: set[int]) -> Cron:
    return Cron(text, frozenset(minutes), frozenset(hours), frozenset(range(1, 32)), frozenset(range(1, 13)),
                frozenset(range(7)), True)


AUTUMN = (datetime(2026, 10, 24, 12, tzinfo=UTC), datetime(2026, 10, 26, 12, tzinfo=UTC))
SPRING = (datetime(2026, 3, 7, 18, 30, tzinfo=UTC), datetime(2026, 3, 9, 18, tzinfo=UTC))


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                             HealthCheck.too_slow], deadline=None)
@given(worlds())
# whatever the profile draws: Berlin's repeated hour with a kickoff input, beside a fixed rate and a launch plan
# with no active version; New York's skipped hour, registered inside the window, in two scopes
@example((AUTUMN, [Declared(*SCOPES[0], "alpha", "cron", _cron("30 * * * *", {30}, set(range(24))), "Europe/Berlin",
                            True, -14400), Declared(*SCOPES[0], "beta", "rate", _cron("0 3 * * *", {0}, {3}), "UTC",
                                                    False, -14400),
                   Declared(*SCOPES[1], "alpha", "inactive", _cron("0 3 * * *", {0}, {3}), "UTC", False, -14400)],
          random.Random(3)))
@example((SPRING, [Declared(*SCOPES[0], "alpha", "cron", _cron("*/30 1-3 * * *", {0, 30}, {1, 2, 3}),
                            "America/New_York", False, 30),
                   Declared(*SCOPES[1], "odd+name", "cron", _cron("15 2 * * *", {15}, {2}), "America/New_York", True,
                            -1)], random.Random(4)))
def test_status_and_backfill_match_the_oracle(admin: Any, world: Any) -> None:
    fake, client = admin
    _reset(fake)
    span, declared, rnd = world
    w = World(fake, span, declared, rnd)
    fake.now = span[1] + timedelta(days=4)  # the server's clock when status and backfill run: after the window
    names = [(d.project, d.domain, d.name) for d in declared]
    window = Window(*span)
    status = read_status(client, names, window)
    by_key = {(p.project, p.domain, p.name): p for p in status.plans}
    assert sorted(by_key) == sorted(names)
    missed = w.missed()
    for key, plan in by_key.items():
        if key in w.expected:
            assert plan.expected is not None and plan.reason is None, plan.reason
            assert _utc(f.moment for f in plan.expected.fire_times) == w.expected[key]
            assert _utc(f.moment for f in plan.missed) == missed[key]
        else:
            assert plan.expected is None and plan.reason is not None and plan.missed == ()
    found = plan_backfill(status, limit=10**6)
    assert sorted(r.name for r in found.refused) == sorted(d.name for d in declared if d.kind != "cron")
    before = {k: e.SerializeToString(deterministic=True) for k, e in fake.executions.items()}
    lps = {k: lp.SerializeToString(deterministic=True) for k, lp in fake.launch_plans.items()}
    fake.calls.clear()
    done = execute(client, found)
    fires = {(p, d, execution_name(p, d, n, "v1", fire)): (n, fire) for (p, d, n), fires in missed.items()
             for fire in fires}
    there = {k for k in fires if k in fake.archived}
    wanted = {k: v for k, v in fires.items() if k not in there}
    assert {(d.candidate.identity.project, d.candidate.identity.domain, d.candidate.name): d.state for d in done} \
        == {k: "exists" if k in there else "created" for k in fires}
    assert set(fake.executions) == set(before) | set(wanted) and not set(before) & set(wanted)
    assert {k: fake.executions[k].SerializeToString(deterministic=True) for k in before} == before
    assert {k: lp.SerializeToString(deterministic=True) for k, lp in fake.launch_plans.items()} == lps
    assert [c for c in fake.calls if c.startswith(("Create", "Update"))] == ["CreateExecution"] * len(fires)
    for key, (name, fire) in wanted.items():
        made = fake.executions[key]
        assert (made.spec.launch_plan.name, made.spec.launch_plan.version) == (name, "v1")
        assert made.spec.metadata.mode == SCHEDULED
        assert made.spec.metadata.scheduled_at.ToDatetime(UTC) == fire
        sent = fake.inputs_sent[key]
        kickoff = next(d.kickoff for d in declared if (d.project, d.domain, d.name) == (key[0], key[1], name))
        assert sorted(sent) == (["b", "day"] if kickoff else ["b"])
        assert sent["b"].scalar.primitive.string_value == "x"
        if kickoff:
            assert sent["day"].scalar.primitive.datetime.ToDatetime(UTC) == fire
    again = read_status(client, names, window)
    assert sorted(f.moment.astimezone(UTC) for p in again.plans for f in p.missed) == sorted(fires[k][1] for k in there)
    count = len(fake.executions)
    assert {d.state for d in execute(client, plan_backfill(again, limit=10**6))} <= {"exists"}
    assert len(fake.executions) == count
