"""``lpctl backfill``: create the executions of missed fires, exactly as the Flyte scheduler would have.

What to create is what :mod:`lpctl.admin.status` finds missed in ``[from, to)`` for the active version of
each launch plan asked for: one ``CreateExecution`` per fire, named, with metadata and the kickoff input as
the scheduler sends them (:func:`lpctl.admin.fires.scheduled_request`), so a real fire and a backfilled one
can never both run under that version, and a rerun creates nothing. A window with more executions than the
limit is refused whole. A fixed rate (no fire times to reconstruct) and a launch plan with no active version
are refused with the reason. ``ALREADY_EXISTS`` is not trusted as a duplicate (FlyteAdmin also answers it for
a concurrency limit): the execution is read back (``GetExecution``); only an execution of that launch plan
counts as already there. A failure that dooms the calls after it stops the run: what was done, what failed
and what was not attempted are all reported, and running it again completes the rest.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from flyteidl.admin.execution_pb2 import Execution, ExecutionCreateRequest

from lpctl.admin.client import AdminError, RegisteredId, fatal_message
from lpctl.admin.fires import scheduled_name, scheduled_request
from lpctl.admin.status import Server as StatusServer
from lpctl.admin.status import Status, Window
from lpctl.admin.text import server_text
from lpctl.admin.trigger_backfill import (
    INTERRUPTED,
    RunCandidate,
    RunDone,
    TriggerRefusal,
    dry_runs,
    execute_runs,
    plan_runs,
)
from lpctl.admin.trigger_backfill import Server as RunServer
from lpctl.schedule.preview import FireTime, moment_text

__all__ = ["Backfill", "Candidate", "Done", "execute", "format_json", "format_text", "plan_backfill"]

JSON_FORMAT_VERSION = 1
DEFAULT_LIMIT = 100

State = Literal["would-create", "created", "exists", "failed", "not-attempted"]
_ORDER: tuple[State, ...] = ("would-create", "created", "exists", "failed", "not-attempted")


class Server(StatusServer, Protocol):
    """The calls backfill makes; ``AdminClient`` implements them over gRPC."""

    def create_execution(self, request: ExecutionCreateRequest) -> None: ...

    def find_execution(self, project: str, domain: str, name: str) -> Execution | None: ...


@dataclass(frozen=True)
class Candidate:
    """One execution to create: the fire of this launch plan version at ``fire``."""

    identity: RegisteredId
    fire: FireTime
    kickoff_arg: str

    @property
    def name(self) -> str:
        return scheduled_name(self.identity, self.fire.moment)


@dataclass(frozen=True)
class Refusal:
    project: str
    domain: str
    name: str
    active_version: str | None
    reason: str


@dataclass(frozen=True)
class Backfill:
    window: Window
    candidates: tuple[Candidate, ...]
    refused: tuple[Refusal, ...]
    limit: int
    #: the Flyte 2 triggers' runs to create, and the triggers refused
    runs: tuple[RunCandidate, ...] = ()
    refused_triggers: tuple[TriggerRefusal, ...] = ()

    @property
    def over_limit(self) -> bool:
        return self.count > self.limit

    @property
    def count(self) -> int:
        return len(self.candidates) + len(self.runs)


@dataclass(frozen=True)
class Done:
    candidate: Candidate
    state: State
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.state not in ("failed", "not-attempted")


def plan_backfill(status: Status, limit: int = DEFAULT_LIMIT) -> Backfill:
    """The missed fires of ``status`` as executions to create, oldest first per launch plan."""
    candidates: list[Candidate] = []
    refused: list[Refusal] = []
    for p in status.plans:
        if p.reason is not None or p.active_version is None:
            refused.append(Refusal(p.project, p.domain, p.name, p.active_version, p.reason or "no active version"))
            continue
        candidates.extend(Candidate(p.identity, fire, p.kickoff_arg) for fire in p.missed)
    runs, refused_triggers = plan_runs(status.triggers)
    return Backfill(status.window, tuple(candidates), tuple(refused), limit, runs, refused_triggers)


def dry_run(found: Backfill) -> list[Done | RunDone]:
    state: State = "not-attempted" if found.over_limit else "would-create"
    return [*(Done(c, state) for c in found.candidates), *dry_runs(found.runs, found.over_limit)]


def execute(client: Server | None, found: Backfill, stop: Callable[[], bool] = lambda: False,
            runs_client: RunServer | None = None) -> list[Done | RunDone]:
    """Create each candidate in order, then each trigger's run (nothing when over the limit); ``stop()`` is
    asked before each write (a SIGINT or SIGTERM): the rest is then not attempted."""
    if found.over_limit:
        return dry_run(found)
    done: list[Done | RunDone] = [*_executions(client, found, stop)] if found.candidates else []
    if found.runs:
        assert runs_client is not None
        done.extend(execute_runs(runs_client, found.runs, stop))
    return done


def _executions(client: Server | None, found: Backfill, stop: Callable[[], bool]) -> list[Done]:
    assert client is not None
    done: list[Done] = []
    for index, candidate in enumerate(found.candidates):
        if stop():
            done.extend(Done(c, "not-attempted", INTERRUPTED) for c in found.candidates[index:])
            return done
        try:
            done.append(_create(client, candidate))
        except AdminError as e:
            done.append(Done(candidate, "failed", fatal_message(e) if e.fatal else f"{e.code}: {e.details}"))
            if e.fatal:
                done.extend(Done(c, "not-attempted", "the run stopped before it") for c in found.candidates[index + 1:])
                return done
    return done


def _create(client: Server, candidate: Candidate) -> Done:
    ident = candidate.identity
    try:
        client.create_execution(scheduled_request(ident, candidate.fire.moment, candidate.kickoff_arg))
    except AdminError as e:
        if e.code != "ALREADY_EXISTS":
            raise
        existing = client.find_execution(ident.project, ident.domain, candidate.name)
        lp = existing.spec.launch_plan if existing is not None else None
        if lp is None or (lp.project, lp.domain, lp.name) != ident[:3]:
            return Done(candidate, "failed", f"{e.code}: {e.details}")
        return Done(candidate, "exists", f"already there (version {server_text(lp.version)}, not listed: archived?)")
    return Done(candidate, "created")


def ok(found: Backfill, done: Sequence[Done | RunDone], executed: bool) -> bool:
    """Exit 0: nothing refused, nothing over the limit, and (dry run) nothing to create or (executed) every
    creation done."""
    if found.refused or found.refused_triggers or found.over_limit:
        return False
    return all(d.ok for d in done) if executed else not done


def summary(found: Backfill, done: Sequence[Done | RunDone], executed: bool) -> str:
    if found.over_limit:
        what = "executions" if not found.runs else "runs" if not found.candidates else "executions and runs"
        return (f"{found.count} {what} to create, more than --limit {found.limit}: nothing created; "
                "narrow --from/--to or --name, or raise --limit")
    counts = Counter(d.state for d in done)
    parts = [f"{counts[s]} {'to create' if s == 'would-create' else s.replace('-', ' ')}" for s in _ORDER if counts[s]]
    if found.refused or found.refused_triggers:
        parts.append(f"{len(found.refused) + len(found.refused_triggers)} refused")
    text = ", ".join(parts) if parts else "nothing to create"
    if not executed and counts["would-create"]:
        text += " (a dry run: --execute creates them)"
    if any(d.message == INTERRUPTED for d in done):
        text += "; interrupted"
    if counts["not-attempted"] or counts["failed"]:
        text += "; run lpctl backfill again to complete the rest"
    return text


def format_text(found: Backfill, done: Sequence[Done | RunDone], executed: bool) -> list[str]:
    from lpctl.admin.trigger_backfill import text_lines

    lines = [f"refused {r.project}/{r.domain}/{r.name}: {r.reason}" for r in found.refused]
    for d in _executions_done(done):
        c = d.candidate
        local, utc = moment_text(c.fire.moment)
        message = f": {d.message}" if d.message else ""
        lines.append(f"{d.state.replace('-', ' ')} {server_text(str(c.identity))} {local} ({utc}) "
                     f"{c.name}{message}")
    lines.extend(text_lines(found.refused_triggers, [d for d in done if isinstance(d, RunDone)]))
    lines.append(f"backfill: {summary(found, done, executed)}")
    return lines


def _executions_done(done: Sequence[Done | RunDone]) -> list[Done]:
    return [d for d in done if isinstance(d, Done)]


def format_json(found: Backfill, done: Sequence[Done | RunDone], executed: bool) -> str:
    """``{"version": 1, "from", "to", "executed", "limit", "overLimit", "ok", "summary", "executions":
    [{"project", "domain", "launchPlan", "version", "fireTime", "execution", "status", "message"}],
    "refused": [{"project", "domain", "name", "activeVersion", "reason"}], "runs": [{"project", "domain",
    "task", "trigger", "fireTime", "run", "status", "message"}], "refusedTriggers": [{"project", "domain",
    "task", "name", "active", "reason"}]}``."""
    from lpctl.admin.trigger_backfill import json_refused, json_runs

    executions = [{
        "project": d.candidate.identity.project, "domain": d.candidate.identity.domain,
        "launchPlan": d.candidate.identity.name, "version": server_text(d.candidate.identity.version),
        "fireTime": d.candidate.fire.moment.isoformat(), "execution": d.candidate.name, "status": d.state,
        "message": d.message,
    } for d in _executions_done(done)]
    refused = [{"project": r.project, "domain": r.domain, "name": r.name,
                "activeVersion": None if r.active_version is None else server_text(r.active_version),
                "reason": r.reason} for r in found.refused]
    document: dict[str, Any] = {"version": JSON_FORMAT_VERSION, "from": found.window.start.isoformat(),
                "to": found.window.end.isoformat(), "executed": executed, "limit": found.limit,
                "overLimit": found.over_limit, "ok": ok(found, done, executed),
                "summary": summary(found, done, executed), "executions": executions, "refused": refused,
                "runs": json_runs([d for d in done if isinstance(d, RunDone)]),
                "refusedTriggers": json_refused(found.refused_triggers)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
