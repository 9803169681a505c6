"""What a run against FlyteAdmin did, launch plan by launch plan: shared by ``register`` and ``apply``
(pure: values and text, no printing).

A run that stops half-way (the server went away) still says what was done, what failed and what
was not attempted, so that the user knows the server's state and that a rerun completes the rest.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lpctl.admin.client import RegisteredId

JSON_FORMAT_VERSION = 1

#: register: created / exists / conflict / error / would-create; apply: done / failed / conflict;
#: both: not-attempted (the run stopped before it)
Status = Literal["created", "exists", "conflict", "error", "would-create", "done", "failed", "not-attempted"]
_NOT_OK = frozenset({"conflict", "error", "failed", "not-attempted"})
_ORDER = ("done", "created", "exists", "would-create", "conflict", "error", "failed", "not-attempted")


@dataclass(frozen=True)
class Outcome:
    """What happened to one launch plan (``register``) or one action (``apply``: ``action`` is
    create, activate, deactivate or orphan).

    ``changes``: for a conflict, how the registered launch plan differs from ours, in spec terms.
    ``activated``: UpdateLaunchPlan(ACTIVE) succeeded (in a dry run: would be called).
    """

    identity: RegisteredId
    status: Status
    message: str
    changes: tuple[str, ...] = ()
    activated: bool = False
    action: str = ""
    #: a Flyte 2 trigger's task name ("" for a launch plan); ``identity`` holds the trigger's name and task version
    task: str = ""

    @property
    def label(self) -> str:
        if not self.task:
            return str(self.identity)
        i = self.identity
        return f"trigger {i.project}/{i.domain}/{self.task}/{i.name}" + (f"@{i.version}" if i.version else "")

    @property
    def ok(self) -> bool:
        return self.status not in _NOT_OK


def not_attempted(identity: RegisteredId, action: str = "", task: str = "") -> Outcome:
    return Outcome(identity, "not-attempted", "not attempted: the run stopped before it", action=action, task=task)


#: the message of what an interruption (SIGINT, SIGTERM) left undone
INTERRUPTED = "not attempted: interrupted before it"


def interrupted(identity: RegisteredId, action: str = "", task: str = "") -> Outcome:
    return Outcome(identity, "not-attempted", INTERRUPTED, action=action, task=task)


def summary(outcomes: Sequence[Outcome]) -> str:
    """``2 done, 1 failed, 3 not attempted`` (statuses in a fixed order)."""
    counts: Counter[str] = Counter(o.status for o in outcomes)
    parts = [f"{counts[s]} {s.replace('-', ' ')}" for s in _ORDER if counts[s]]
    return ", ".join(parts) if parts else "nothing to do"


def stopped(outcomes: Sequence[Outcome]) -> bool:
    return any(o.status == "not-attempted" for o in outcomes)


def format_text(outcomes: Sequence[Outcome], command: str, *, interrupted: bool = False) -> list[str]:
    """One line per outcome (its changes indented below it), then a summary when something was not ok
    (or the run was interrupted)."""
    lines: list[str] = []
    for o in outcomes:
        prefix = f"{o.action} " if o.action else ""
        lines.append(f"{prefix}{o.label}: {_said(o)}")
        lines.extend(f"    {change}" for change in o.changes)
    if any(not o.ok for o in outcomes) or (command == "apply" and outcomes) or interrupted:
        why = "; interrupted" if interrupted else ""
        rerun = f"; run lpctl {command} again to complete the rest" if stopped(outcomes) or interrupted else ""
        lines.append(f"{command}: {summary(outcomes)}{why}{rerun}")
    return lines


def _said(outcome: Outcome) -> str:
    """The status and the message, the status left out where the message starts with it ("created", not
    "created: created"; "not attempted: ...", not "not-attempted: not attempted: ...")."""
    if outcome.message.startswith(outcome.status.replace("-", " ")):
        return outcome.message
    return f"{outcome.status}: {outcome.message}"


def format_json(outcomes: Sequence[Outcome], command: str, *, plan: dict[str, Any] | None = None,
                interrupted: bool = False) -> str:
    """The versioned document: ``{"version": 1, "command", "ok", "summary", "outcomes": [...]}`` (and the
    ``plan`` it performed, for apply)."""
    entries = [{"action": o.action or command, "project": o.identity.project, "domain": o.identity.domain,
                "name": o.identity.name, "version": o.identity.version, "status": o.status,
                "message": o.message, "changes": list(o.changes), "activated": o.activated,
                **({"kind": "trigger", "task": o.task} if o.task else {"kind": "launch_plan"})}
               for o in outcomes]
    ok = all(o.ok for o in outcomes) and not interrupted
    document = {"version": JSON_FORMAT_VERSION, "command": command, "ok": ok,
                "summary": summary(outcomes), "interrupted": interrupted, "outcomes": entries}
    if plan is not None:
        document["plan"] = plan
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def failure_json(command: str, message: str, exit_code: int, outcomes: Sequence[Outcome] = ()) -> str:
    """The document of a run that could not go on (exit 2: unreachable, refused; 130: interrupted while
    reading): ``{"version": 1, "command", "ok": false, "error", "exitCode", "outcomes": [...]}`` with
    what was done before it (register)."""
    document = json.loads(format_json(outcomes, command))
    document.update(ok=False, error=message, exitCode=exit_code, interrupted=exit_code == 130)
    if not outcomes:  # never "nothing to do": the run stopped before it could know
        document["summary"] = "stopped before anything was done"
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
