"""``lpctl backfill`` for Flyte 2 triggers: create the runs of missed fires as the Flyte 2 scheduler would have.

What to create is what :mod:`lpctl.admin.trigger_status` finds missed for each active trigger asked for: one
``CreateRun`` per fire (:func:`lpctl.admin.trigger_fires.run_request`: the scheduler's name, ``trigger_name``,
``run_start_time``, the schedule-trigger source, the kickoff input), so that a real fire and a backfilled one
share a name and a rerun creates nothing. De-duplicated by the listing before (the open-source ``CreateRun``
answers a taken name with the existing run and no error, so an error can never tell): the answer is checked
too, and a run created well before the call, or ``ALREADY_EXISTS`` (a managed backend) for a run of that
trigger, counts as already there. A failure that dooms the calls after it stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, Protocol

from lpctl.admin.client import AdminError
from lpctl.admin.text import server_text, server_time
from lpctl.admin.trigger_fires import TriggerId, run_name, run_request
from lpctl.admin.trigger_status import TriggerStatus
from lpctl.schedule.preview import FireTime, moment_text

__all__ = ["RunCandidate", "RunDone", "TriggerRefusal", "execute_runs", "plan_runs"]

#: the message of an execution or run not attempted because of a SIGINT or SIGTERM (backfill uses it too)
INTERRUPTED = "interrupted before it"

State = Literal["would-create", "created", "exists", "failed", "not-attempted"]
#: an answer to CreateRun for a run created this long before the call is an existing run, not a new one
EXISTING = timedelta(minutes=5)


class Server(Protocol):
    def create_run(self, request: Any) -> Any: ...

    def find_run(self, run_id: Any) -> Any | None: ...


@dataclass(frozen=True)
class RunCandidate:
    """One run to create: the fire of this trigger at ``fire``."""

    trigger: TriggerId
    fire: FireTime
    kickoff_arg: str

    @property
    def name(self) -> str:
        return run_name(self.trigger, self.fire.moment)


@dataclass(frozen=True)
class TriggerRefusal:
    trigger: TriggerId
    active: bool | None
    reason: str


@dataclass(frozen=True)
class RunDone:
    candidate: RunCandidate
    state: State
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.state not in ("failed", "not-attempted")


def plan_runs(statuses: Sequence[TriggerStatus]) -> tuple[tuple[RunCandidate, ...], tuple[TriggerRefusal, ...]]:
    """The missed fires as runs to create, oldest first per trigger, and the triggers refused (inactive, not
    on the server, no fire times to reconstruct) with the reason."""
    candidates: list[RunCandidate] = []
    refused: list[TriggerRefusal] = []
    for s in statuses:
        if s.reason is not None or s.expected is None:
            refused.append(TriggerRefusal(s.trigger, s.active, s.reason or "no fire times"))
            continue
        candidates.extend(RunCandidate(s.trigger, fire, s.kickoff_arg) for fire in s.missed)
    return tuple(candidates), tuple(refused)


def dry_runs(candidates: Sequence[RunCandidate], over_limit: bool) -> list[RunDone]:
    state: State = "not-attempted" if over_limit else "would-create"
    return [RunDone(c, state) for c in candidates]


def execute_runs(client: Server, candidates: Sequence[RunCandidate], stop: Callable[[], bool],
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> list[RunDone]:
    """Create each run in order; ``stop()`` is asked before each write (the rest is then not attempted), and
    a fatal error (the server unreachable, the credentials refused) stops the run there."""
    from lpctl.admin.triggers import read_failure

    done: list[RunDone] = []
    for index, candidate in enumerate(candidates):
        if stop():
            done.extend(RunDone(c, "not-attempted", INTERRUPTED) for c in candidates[index:])
            return done
        try:
            done.append(_create(client, candidate, now()))
        except AdminError as e:
            done.append(RunDone(candidate, "failed", read_failure(e) if e.fatal else f"{e.code}: {e.details}"))
            if e.fatal:
                done.extend(RunDone(c, "not-attempted", "the run stopped before it") for c in candidates[index + 1:])
                return done
    return done


def _create(client: Server, candidate: RunCandidate, sent: datetime) -> RunDone:
    request = run_request(candidate.trigger, candidate.fire.moment, candidate.kickoff_arg)
    try:
        run = client.create_run(request)
    except AdminError as e:
        if e.code != "ALREADY_EXISTS":
            raise
        details = client.find_run(request.run_id)
        metadata = details.action.metadata if details is not None else None
        if metadata is None or metadata.trigger_name != candidate.trigger.name:
            return RunDone(candidate, "failed", f"{e.code}: {e.details}")
        return RunDone(candidate, "exists", "already there (not listed)")
    status = run.action.status
    created = server_time(status.start_time) if status.HasField("start_time") else None
    if created is not None and created < sent - EXISTING:
        return RunDone(candidate, "exists", f"already there (created {created:%Y-%m-%d %H:%M} UTC, not listed)")
    return RunDone(candidate, "created")


# -- output ---------------------------------------------------------------------------------------


def text_lines(found: Sequence[TriggerRefusal], done: Sequence[RunDone]) -> list[str]:
    lines = [f"refused {server_text(str(r.trigger))}: {r.reason}" for r in found]
    for d in done:
        c = d.candidate
        local, utc = moment_text(c.fire.moment)
        message = f": {d.message}" if d.message else ""
        lines.append(f"{d.state.replace('-', ' ')} {server_text(str(c.trigger))} {local} ({utc}) {c.name}{message}")
    return lines


def json_runs(done: Sequence[RunDone]) -> list[dict[str, Any]]:
    """``[{"project", "domain", "task", "trigger", "fireTime", "run", "status", "message"}]``."""
    return [{"project": d.candidate.trigger.project, "domain": d.candidate.trigger.domain,
             "task": d.candidate.trigger.task, "trigger": d.candidate.trigger.name,
             "fireTime": d.candidate.fire.moment.isoformat(), "run": d.candidate.name, "status": d.state,
             "message": d.message} for d in done]


def json_refused(found: Sequence[TriggerRefusal]) -> list[dict[str, Any]]:
    return [{"project": r.trigger.project, "domain": r.trigger.domain, "task": r.trigger.task,
             "name": r.trigger.name, "active": r.active, "reason": r.reason} for r in found]
